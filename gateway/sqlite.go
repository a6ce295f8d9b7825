package gateway

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"

	"consentgate/ent"
	"consentgate/ent/hook"
	"consentgate/ent/privacyrequest"
)

// sqliteSetting is a connection setting the gateway needs of SQLite, as
// mattn/go-sqlite3 takes it: a DSN parameter (with its aliases), applied
// to every connection of the pool.
type sqliteSetting struct {
	names []string          // the parameter and its aliases
	value string            // what the gateway sets when the DSN says nothing
	ok    func(string) bool // whether a value the DSN gives will do
	why   string
}

// sqliteSettings are what the gateway needs: foreign keys enforced; WAL, so
// that readers go on while one connection writes; a busy timeout, so that
// a writer waits for the write lock instead of failing at once; and
// immediate transactions, so that a transaction takes the write lock when
// it begins, rather than failing with "database is locked" when a read
// turns into a write while another connection writes (what made 45% of
// concurrent writes fail with a DSN that asked for none of this); and
// secure delete, so that what a transaction deletes or overwrites (an
// erased applicant's values, an old disclosure export) is zeroed in the
// file, not left readable in free pages and free space ("fast" is refused:
// it leaves the freelist pages as they were).
var sqliteSettings = []sqliteSetting{
	{[]string{"_fk", "_foreign_keys"}, "1", oneOf("1", "true", "yes", "on"), "foreign keys must be enforced"},
	{[]string{"_journal_mode", "_journal"}, "WAL", oneOf("wal"), "the journal must be WAL (readers beside a writer)"},
	{[]string{"_busy_timeout", "_timeout"}, "5000", func(v string) bool { n, err := strconv.Atoi(v); return err == nil && n > 0 },
		"a writer must wait for the lock: the busy timeout must be a positive number of milliseconds"},
	{[]string{"_txlock"}, "immediate", oneOf("immediate", "exclusive"), "transactions must take the write lock when they begin (immediate)"},
	{[]string{"_secure_delete"}, "true", oneOf("1", "true", "yes", "on"), "erased values must not stay in the file's free space: secure_delete must be on"},
}

func oneOf(values ...string) func(string) bool {
	return func(v string) bool {
		for _, w := range values {
			if strings.EqualFold(v, w) {
				return true
			}
		}
		return false
	}
}

// SQLiteDSN returns dsn with the settings the gateway needs
// (sqliteSettings) added where it says nothing of them, and which it
// added. A DSN that contradicts one (`_fk=0`, `_journal_mode=DELETE`,
// `_txlock=deferred`, `_secure_delete=fast`) is refused: the gateway does not run on it, nor
// quietly override what an operator wrote. An in-memory database keeps its
// memory journal (it cannot have WAL).
func SQLiteDSN(dsn string) (string, []string, error) {
	_, query, _ := strings.Cut(dsn, "?")
	params, err := url.ParseQuery(query)
	if err != nil {
		return "", nil, fmt.Errorf("%w: DATABASE_URL: the SQLite DSN's parameters do not parse", ErrConfig)
	}
	memory := params.Get("mode") == "memory" || strings.Contains(dsn, ":memory:")
	var added []string
	for _, s := range sqliteSettings {
		if memory && s.names[0] == "_journal_mode" {
			continue
		}
		given := false
		for _, name := range s.names {
			for _, v := range params[name] {
				given = true
				if !s.ok(v) {
					return "", nil, fmt.Errorf("%w: DATABASE_URL: %s=%s: %s", ErrConfig, name, v, s.why)
				}
			}
		}
		if !given {
			added = append(added, s.names[0]+"="+s.value)
		}
	}
	if len(added) == 0 {
		return dsn, nil, nil
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
		if strings.HasSuffix(dsn, "?") || strings.HasSuffix(dsn, "&") {
			sep = ""
		}
	}
	return dsn + sep + strings.Join(added, "&"), added, nil
}

// logSQLiteSettings reads back, from a connection of db, the settings in
// force and logs them with those SQLiteDSN added, so that an operator sees
// at start what the gateway set; and fails if foreign keys are off (a
// DSN parameter the driver did not apply).
func logSQLiteSettings(ctx context.Context, db *sql.DB, dsn string, added []string, log *slog.Logger) error {
	var fk, timeout, secureDelete int
	var journal string
	if err := db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return fmt.Errorf("reading the SQLite settings: %w", err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA secure_delete").Scan(&secureDelete); err != nil {
		return fmt.Errorf("reading the SQLite settings: %w", err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
		return fmt.Errorf("reading the SQLite settings: %w", err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&timeout); err != nil {
		return fmt.Errorf("reading the SQLite settings: %w", err)
	}
	if fk != 1 {
		return fmt.Errorf("SQLite foreign keys are off")
	}
	if secureDelete != 1 {
		return fmt.Errorf("SQLite secure_delete is off")
	}
	_, query, _ := strings.Cut(dsn, "?")
	params, _ := url.ParseQuery(query)
	log.InfoContext(ctx, "sqlite settings", "added_to_dsn", strings.Join(added, "&"),
		"foreign_keys", fk == 1, "journal_mode", journal, "busy_timeout_ms", timeout, "txlock", strings.ToLower(params.Get("_txlock")),
		"secure_delete", secureDelete == 1)
	return nil
}

// checkpointAfterErasure is a hook on privacy requests, for SQLite: once
// the transaction that completed a DELETION commits, it checkpoints the
// write-ahead log into the database file and truncates it
// (checkpointWAL). secure_delete zeroes the erased values in the pages the
// erasure wrote, but the WAL's earlier frames still hold those pages as
// they were until the WAL is checkpointed and reset: without this, the
// values would stay readable in the -wal file until later writes happened
// to overwrite them.
func checkpointAfterErasure(db *sql.DB, log *slog.Logger) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PrivacyRequestFunc(func(ctx context.Context, m *ent.PrivacyRequestMutation) (ent.Value, error) {
			v, err := next.Mutate(ctx, m)
			to, set := m.Status()
			req, ok := v.(*ent.PrivacyRequest)
			if err != nil || !set || to != privacyrequest.StatusCOMPLETED || !ok || req.Kind != privacyrequest.KindDELETION {
				return v, err
			}
			tx, err := m.Tx()
			if err != nil { // not in a transaction: the erasure is written already
				checkpointWAL(ctx, db, log)
				return v, nil
			}
			tx.OnCommit(func(next ent.Committer) ent.Committer {
				return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
					if err := next.Commit(ctx, tx); err != nil {
						return err
					}
					checkpointWAL(context.WithoutCancel(ctx), db, log)
					return nil
				})
			})
			return v, nil
		})
	}, ent.OpUpdateOne)
}

// checkpointWAL copies every frame of the WAL into the database file and
// truncates the WAL to nothing (PRAGMA wal_checkpoint(TRUNCATE)), waiting
// (the busy timeout) for readers of older snapshots to finish. A checkpoint
// that could not complete is logged; the frames it left are checkpointed
// by a later one. In-memory databases have no WAL: nothing to do.
func checkpointWAL(ctx context.Context, db *sql.DB, log *slog.Logger) {
	var busy, frames, copied int
	err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &frames, &copied)
	switch {
	case err != nil:
		log.ErrorContext(ctx, "wal checkpoint after an erasure failed", "error", err.Error())
	case busy != 0:
		log.WarnContext(ctx, "wal checkpoint after an erasure did not complete: readers or a writer held it; a later checkpoint completes it")
	}
}
