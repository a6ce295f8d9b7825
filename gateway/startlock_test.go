//go:build unix

package gateway

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// TestSQLiteStartLock: a second start on one SQLite file waits for the
// first's lock (here, until its deadline), and takes it once released; an
// in-memory database needs none.
func TestSQLiteStartLock(t *testing.T) {
	dsn := "file:" + filepath.Join(t.TempDir(), "x.db") + "?_fk=1"
	unlock, err := LockStart(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := LockStart(ctx, dsn); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("a second start while the first holds the lock: %v", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	again, err := LockStart(context.Background(), dsn)
	if err != nil {
		t.Fatalf("after the release: %v", err)
	}
	if err := again(); err != nil {
		t.Fatal(err)
	}
	for _, memory := range []string{"file::memory:?cache=shared", "file:x?mode=memory&cache=shared"} {
		unlock, err := LockStart(context.Background(), memory)
		if err != nil {
			t.Fatalf("%s: %v", memory, err)
		}
		_ = unlock()
	}
}
