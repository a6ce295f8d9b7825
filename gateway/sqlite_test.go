package gateway

import (
	"errors"
	"strings"
	"testing"
)

// TestSQLiteDSN: whatever SQLite DSN the gateway is given, it adds the
// settings it needs that the DSN does not name, keeps those that will do,
// and refuses those that contradict them.
func TestSQLiteDSN(t *testing.T) {
	all := "_fk=1&_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_secure_delete=true"
	cases := []struct {
		name, dsn, want string
		added           string
		refused         string // the parameter named in the error
	}{
		{"bare", "file:x.db", "file:x.db?" + all, all, ""},
		{"foreign keys only", "file:x.db?_fk=1", "file:x.db?_fk=1&_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_secure_delete=true", "_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_secure_delete=true", ""},
		{"trailing ?", "file:x.db?", "file:x.db?" + all, all, ""},
		{"the default", DefaultDatabaseURL, DefaultDatabaseURL, "", ""},
		{"aliases and other spellings", "file:x.db?_foreign_keys=true&_journal=wal&_timeout=100&_txlock=EXCLUSIVE&_secure_delete=on&cache=private",
			"file:x.db?_foreign_keys=true&_journal=wal&_timeout=100&_txlock=EXCLUSIVE&_secure_delete=on&cache=private", "", ""},
		{"in memory: no WAL", "file:t?mode=memory&cache=shared&_fk=1", "file:t?mode=memory&cache=shared&_fk=1&_busy_timeout=5000&_txlock=immediate&_secure_delete=true", "_busy_timeout=5000&_txlock=immediate&_secure_delete=true", ""},
		{"foreign keys off", "file:x.db?_fk=0", "", "", "_fk=0"},
		{"foreign keys off, long name", "file:x.db?_foreign_keys=false", "", "", "_foreign_keys=false"},
		{"rollback journal", "file:x.db?_journal_mode=DELETE", "", "", "_journal_mode=DELETE"},
		{"deferred transactions", "file:x.db?_txlock=deferred", "", "", "_txlock=deferred"},
		{"no busy timeout", "file:x.db?_busy_timeout=0", "", "", "_busy_timeout=0"},
		{"no secure delete", "file:x.db?_secure_delete=false", "", "", "_secure_delete=false"},
		{"fast secure delete", "file:x.db?_secure_delete=FAST", "", "", "_secure_delete=FAST"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, added, err := SQLiteDSN(c.dsn)
			if c.refused != "" {
				if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.refused) {
					t.Fatalf("%q: %q %v, want a configuration error naming %s", c.dsn, got, err, c.refused)
				}
				return
			}
			if err != nil || got != c.want || strings.Join(added, "&") != c.added {
				t.Fatalf("%q: %q, added %v, %v; want %q, added %s", c.dsn, got, added, err, c.want, c.added)
			}
		})
	}
}
