package records

import (
	"bytes"
	"testing"
	"time"
)

// TestSealer: a sealed identity opens under its key and its pseudonym
// only; altered, moved to another pseudonym or opened under another key,
// it does not, and the error names no value. The blob holds nothing of the
// identity in the clear, and two seals of the same identity differ.
func TestSealer(t *testing.T) {
	s, err := NewSealer(bytes.Repeat([]byte{1}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	born := time.Date(1990, 4, 1, 0, 0, 0, 0, time.UTC)
	id := Identity{ApplicantID: 4294967297, AccountID: "alice", Name: "cnryalicename", Email: "alice@canary.example", BirthDate: &born}
	blob, err := s.Seal("s:01", id)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"alice", "cnry", "canary", "1990"} {
		if bytes.Contains(blob, []byte(v)) {
			t.Fatalf("the blob holds %q", v)
		}
	}
	if again, _ := s.Seal("s:01", id); bytes.Equal(again, blob) {
		t.Fatal("two seals of one identity are equal")
	}
	got, err := s.Open("s:01", blob)
	if err != nil || got.Name != id.Name || got.Email != id.Email || got.ApplicantID != id.ApplicantID || !got.BirthDate.Equal(born) {
		t.Fatalf("opened %+v, %v", got, err)
	}
	other, _ := NewSealer(bytes.Repeat([]byte{2}, KeySize))
	altered := bytes.Clone(blob)
	altered[len(altered)-1] ^= 1
	for name, open := range map[string]func() (Identity, error){
		"another pseudonym": func() (Identity, error) { return s.Open("s:02", blob) },
		"another key":       func() (Identity, error) { return other.Open("s:01", blob) },
		"altered":           func() (Identity, error) { return s.Open("s:01", altered) },
		"truncated":         func() (Identity, error) { return s.Open("s:01", blob[:5]) },
	} {
		if got, err := open(); err != ErrUnsealable || got.Name != "" {
			t.Errorf("%s: %+v, %v", name, got, err)
		}
	}
	if _, err := NewSealer([]byte("short")); err == nil {
		t.Error("a short key was taken")
	}
}

// TestHashNewFields: the fields added after the chain began leave the hash
// of a record without them as it was (TestHash's golden), and each of them
// changes it when set.
func TestHashNewFields(t *testing.T) {
	f := Fields{At: time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC), RequestID: "r1", ViewerRole: "EMPLOYER", SubjectRef: "s:00", Decision: "PLAIN"}
	h := Hash(Genesis, f)
	seen := map[string]bool{h: true}
	for i, change := range []func(*Fields){
		func(f *Fields) { f.RecipientName = "Acme Kabushiki Kaisha" },
		func(f *Fields) { f.ConsentID = 12884901889 },
		func(f *Fields) { f.GrantID = 38654705665 },
		func(f *Fields) { f.ConsentID, f.GrantID = 38654705665, 0 },
		func(f *Fields) { f.ConsentID, f.GrantID = 0, 12884901889 },
	} {
		g := f
		change(&g)
		if x := Hash(Genesis, g); seen[x] {
			t.Errorf("change %d: a hash seen already", i)
		} else {
			seen[x] = true
		}
	}
}
