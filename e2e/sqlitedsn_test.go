package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"consentgate/consent"
	"consentgate/gateway"
)

// TestSQLiteSettingsWhateverTheDSN: given a DSN that asks for foreign keys
// and nothing else, the gateway sets WAL, a busy timeout, immediate
// transactions and secure delete itself and says so at start; concurrent writes through it
// then all succeed (none fails with CONFLICT, "database is locked").
func TestSQLiteSettingsWhateverTheDSN(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bare.db")
	var logs bytes.Buffer
	client, err := gateway.OpenDatabase(context.Background(), "file:"+path+"?_fk=1", 0, true,
		gateway.WithLog(slog.New(slog.NewJSONHandler(&logs, nil))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	verifyConsentStateAtEnd(t, client)
	if l := logs.String(); !strings.Contains(l, `"msg":"sqlite settings","added_to_dsn":"_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_secure_delete=true","foreign_keys":true,"journal_mode":"wal","busy_timeout_ms":5000,"txlock":"immediate","secure_delete":true`) {
		t.Fatalf("start log: %s", l)
	}
	// WAL is the file's own mode: another process sees it.
	other, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var mode string
	if err := other.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal mode %q, %v", mode, err)
	}

	f := newFixture(t, client)
	writes := []struct{ viewer, query string }{
		{"alice", `mutation { updateMyProfile(input: {city: "Kawasaki"}) { city } }`},
		{"bob", `mutation { changeConsent(input: {purpose: ANALYTICS, granted: false}) { granted } }`},
		{"carol", `mutation { updateMyProfile(input: {desiredField: "Software"}) { desiredField } }`},
		{"dave", `mutation { changeConsent(input: {purpose: MAIL_MAGAZINE, granted: true}) { granted } }`},
		{"alice", `mutation { changeConsent(input: {purpose: FEEDBACK, granted: true}) { granted } }`},
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	failed := map[string]int{}
	total := 0
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 15; i++ {
				op := writes[(w+i)%len(writes)]
				r := f.post(t, &consent.Viewer{Account: op.viewer, Role: consent.Applicant}, op.query, nil)
				mu.Lock()
				total++
				if len(r.Errors) > 0 {
					failed[errorCode(r)]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(failed) > 0 {
		t.Fatalf("of %d concurrent writes, failed by code: %v", total, failed)
	}
	t.Logf("%d concurrent writes, none failed", total)
}
