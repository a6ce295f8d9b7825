package cursor

import (
	"bytes"
	"errors"
	"testing"
)

// TestSealer: a sealed cursor opens under its key and binding, always to
// the same text (deterministic), and is refused with ErrInvalid under
// another key or binding, with any one character changed, or cut short.
func TestSealer(t *testing.T) {
	s, err := NewSealer(bytes.Repeat([]byte("k"), KeySize))
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("\x82\xa1i\x01\xa1v\xadAcme engineer")
	sealed := s.Seal(plain, "JobConnection\x00TITLE")
	if again := s.Seal(plain, "JobConnection\x00TITLE"); again != sealed {
		t.Fatalf("sealing is not deterministic: %s, %s", sealed, again)
	}
	if got, err := s.Open(sealed, "JobConnection\x00TITLE"); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("open: %q, %v", got, err)
	}
	other, _ := NewSealer(bytes.Repeat([]byte("o"), KeySize))
	refused := map[string]func() ([]byte, error){
		"another key":     func() ([]byte, error) { return other.Open(sealed, "JobConnection\x00TITLE") },
		"another binding": func() ([]byte, error) { return s.Open(sealed, "JobConnection\x00CREATED_AT") },
		"cut short":       func() ([]byte, error) { return s.Open(sealed[:len(sealed)-1], "JobConnection\x00TITLE") },
		"empty":           func() ([]byte, error) { return s.Open("", "JobConnection\x00TITLE") },
	}
	for i := range sealed {
		for _, c := range []byte("AgZ-_9") {
			if c == sealed[i] {
				continue
			}
			changed := sealed[:i] + string(c) + sealed[i+1:]
			refused[changed] = func() ([]byte, error) { return s.Open(changed, "JobConnection\x00TITLE") }
		}
	}
	for name, open := range refused {
		if got, err := open(); !errors.Is(err, ErrInvalid) || got != nil {
			t.Errorf("%q opened: %q, %v", name, got, err)
		}
	}
	if _, err := NewSealer(make([]byte, 16)); err == nil {
		t.Error("a 16-byte key was taken")
	}
}
