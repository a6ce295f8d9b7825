package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"consentgate/gateway"
)

// TestErasureLeavesNothingInTheSQLiteFile: after a DELETION completed
// through the API, none of the subject's values is left in the bytes of
// the SQLite database file or its write-ahead log: not in free pages or
// free space (secure_delete zeroes them), not in the WAL's earlier frames
// (the erasure's commit checkpoints and truncates it). Before, they are
// there: the test reads what `strings` would.
func TestErasureLeavesNothingInTheSQLiteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "erasure.db")
	client := openDSN(t, strings.Replace(gateway.DefaultDatabaseURL, "consentgate.db", path, 1))
	f := newFixture(t, client)

	// alice's values, and copies of them: a disclosure export and a
	// proposed correction.
	f.complete(t, "compliance", f.file(t, as("alice"), "DISCLOSURE", nil))
	f.file(t, as("alice"), "CORRECTION", map[string]any{"city": "cnryaliceproposed"})
	secrets := []string{"cnryalice", "alice.mail@canary.example", "090-1234-0001"}
	raw := func() []byte {
		t.Helper()
		var all []byte
		for _, p := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(p)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		return all
	}
	for _, s := range secrets {
		if !bytes.Contains(raw(), []byte(s)) {
			t.Fatalf("%q is not in the database's bytes before the deletion: the test shows nothing", s)
		}
	}

	f.complete(t, "support", f.file(t, as("alice"), "DELETION", nil))

	// The gateway goes on writing (the access records of this read, say):
	// nothing brings the values back.
	f.post(t, as("compliance"), `{ privacyRequests(first: 10) { edges { node { kind status } } } }`, nil)
	b := raw()
	for _, s := range secrets {
		if n := bytes.Count(b, []byte(s)); n > 0 {
			t.Errorf("%q is still in the database file or its WAL (%d times) after the deletion", s, n)
		}
	}
	if !bytes.Contains(b, []byte("cnrybob")) {
		t.Error("bob's values are gone too: the test reads the wrong file")
	}
}
