// Package migrations holds the database schema's versioned migrations, one
// directory per dialect (sqlite/, postgres/), generated from the ent
// schema with Atlas's Go packages and committed, and applies them.
//
// A database's applied migrations are kept in its schema_revisions table.
// Status compares them with the binary's; Apply applies what is pending,
// one file per transaction; Lock serialises whatever replicas do at start
// on a shared PostgreSQL database. A new migration is written by
// `go run ./migrations/new NAME` (see README, "Migrations"); a test fails
// when the ent schema has changed without one.
//
// It imports the generated ent schema only; the gateway and the command
// import it.
package migrations

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	"ariga.io/atlas/sql/schema"
	"ariga.io/atlas/sql/sqlite"
)

// The dialects, as ent names them.
const (
	SQLite   = "sqlite3"
	Postgres = "postgres"
)

//go:embed sqlite postgres
var files embed.FS

// Dir returns the migration directory of dialect, read from the binary.
func Dir(dialect string) (migrate.Dir, error) {
	name, err := dirName(dialect)
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(files, name)
	if err != nil {
		return nil, err
	}
	dir := &migrate.MemDir{}
	for _, e := range entries {
		data, err := files.ReadFile(path.Join(name, e.Name()))
		if err != nil {
			return nil, err
		}
		if err := dir.WriteFile(e.Name(), data); err != nil {
			return nil, err
		}
	}
	if err := migrate.Validate(dir); err != nil {
		return nil, fmt.Errorf("the %s migrations: %w", name, err)
	}
	return dir, nil
}

// dirName is the directory of dialect's migrations.
func dirName(dialect string) (string, error) {
	switch dialect {
	case SQLite:
		return "sqlite", nil
	case Postgres:
		return "postgres", nil
	}
	return "", fmt.Errorf("no migrations for the %q dialect", dialect)
}

// Status is where a database stands against the binary's migrations.
type Status struct {
	// Unversioned: the database has tables but no record of migrations (it
	// was created before versioned migrations, by automatic migration).
	Unversioned bool
	// Pending are the binary's migrations the database lacks; Unknown the
	// database's that the binary does not have (a newer binary migrated it).
	Pending, Unknown []string
}

// Current reports whether the database is exactly at the binary's schema.
func (s Status) Current() bool { return !s.Unversioned && len(s.Pending) == 0 && len(s.Unknown) == 0 }

// Errors of a database that is not at the binary's schema.
var (
	ErrBehind      = errors.New("the database is behind this binary's schema: run `go run ./server migrate`")
	ErrAhead       = errors.New("the database was migrated by a newer binary: run that version, or this one's successor")
	ErrUnversioned = errors.New("the database was created before versioned migrations: run `go run ./server migrate -baseline` once")
)

// Err is nil for a current database, else the error that says which
// command to run.
func (s Status) Err() error {
	switch {
	case s.Unversioned:
		return ErrUnversioned
	case len(s.Unknown) > 0:
		return fmt.Errorf("%w (it has %v)", ErrAhead, s.Unknown)
	case len(s.Pending) > 0:
		return fmt.Errorf("%w (%d pending: %v)", ErrBehind, len(s.Pending), s.Pending)
	}
	return nil
}

// Check returns where db stands against dialect's migrations.
func Check(ctx context.Context, db *sql.DB, dialect string) (Status, error) {
	dir, err := Dir(dialect)
	if err != nil {
		return Status{}, err
	}
	known, err := versions(dir)
	if err != nil {
		return Status{}, err
	}
	rrw, err := newRevisions(ctx, db, dialect)
	if err != nil {
		return Status{}, err
	}
	exists, err := rrw.exists(ctx)
	if err != nil {
		return Status{}, err
	}
	var applied []string
	if exists {
		revs, err := rrw.ReadRevisions(ctx)
		if err != nil {
			return Status{}, err
		}
		for _, r := range revs {
			if r.Applied == r.Total && r.Error == "" {
				applied = append(applied, r.Version)
			}
		}
	} else {
		drv, err := open(dialect, db)
		if err != nil {
			return Status{}, err
		}
		var notClean *migrate.NotCleanError
		if err := drv.CheckClean(ctx, rrw.Ident()); errors.As(err, &notClean) {
			return Status{Unversioned: true}, nil
		} else if err != nil {
			return Status{}, err
		}
	}
	var st Status
	for _, v := range known {
		if !slices.Contains(applied, v) {
			st.Pending = append(st.Pending, v)
		}
	}
	for _, v := range applied {
		if !slices.Contains(known, v) {
			st.Unknown = append(st.Unknown, v)
		}
	}
	return st, nil
}

// versions lists the versions of dir's migration files, in order.
func versions(dir migrate.Dir) ([]string, error) {
	fs, err := dir.Files()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Version()
	}
	return out, nil
}

// Apply applies dialect's pending migrations to db, each file in a
// transaction of its own with its revision, and returns the versions it
// applied. A database the binary's migrations do not know (ahead, or
// unversioned) is refused.
func Apply(ctx context.Context, db *sql.DB, dialect string) ([]string, error) {
	st, err := Check(ctx, db, dialect)
	if err != nil {
		return nil, err
	}
	if st.Unversioned || len(st.Unknown) > 0 {
		return nil, st.Err()
	}
	dir, err := Dir(dialect)
	if err != nil {
		return nil, err
	}
	return applyDir(ctx, db, dialect, dir)
}

// applyDir applies dir's pending files to db, one by one.
func applyDir(ctx context.Context, db *sql.DB, dialect string, dir migrate.Dir) ([]string, error) {
	var applied []string
	for {
		version, err := applyNext(ctx, db, dialect, dir)
		if errors.Is(err, migrate.ErrNoPendingFiles) {
			return applied, nil
		}
		if err != nil {
			return applied, err
		}
		applied = append(applied, version)
	}
}

// applyNext applies the next pending file of dir in one transaction, on a
// connection of its own. On SQLite, where a migration rebuilds a table to
// change it (create, copy, drop, rename) and PRAGMA foreign_keys is a
// no-op inside a transaction, the connection's foreign keys are off for
// the transaction, and every reference is checked before it commits.
func applyNext(ctx context.Context, db *sql.DB, dialect string, dir migrate.Dir) (version string, err error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if dialect == SQLite {
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = off"); err != nil {
			return "", err
		}
		defer func() {
			if _, onErr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = on"); onErr != nil && err == nil {
				err = onErr
			}
		}()
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	rrw, err := newRevisions(ctx, tx, dialect)
	if err != nil {
		return "", err
	}
	if err := rrw.create(ctx); err != nil {
		return "", err
	}
	drv, err := open(dialect, tx)
	if err != nil {
		return "", err
	}
	ex, err := migrate.NewExecutor(drv, dir, rrw)
	if err != nil {
		return "", err
	}
	pending, err := ex.Pending(ctx)
	if err != nil {
		return "", err
	}
	if err := ex.Execute(ctx, pending[0]); err != nil {
		return "", fmt.Errorf("migration %s: %w", pending[0].Name(), err)
	}
	if dialect == SQLite {
		if err := foreignKeysHold(ctx, tx); err != nil {
			return "", fmt.Errorf("migration %s: %w", pending[0].Name(), err)
		}
	}
	return pending[0].Version(), tx.Commit()
}

// foreignKeysHold fails when a row of the database references a row that
// is not there (SQLite's PRAGMA foreign_key_check).
func foreignKeysHold(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	if rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		return fmt.Errorf("a row of %s references a missing row of %s", table, parent)
	}
	return rows.Err()
}

// Baseline records every migration of the binary as applied to a database
// created before versioned migrations, once the caller has brought its
// schema to the binary's (ent's automatic migration, which only adds).
func Baseline(ctx context.Context, db *sql.DB, dialect string) error {
	dir, err := Dir(dialect)
	if err != nil {
		return err
	}
	fs, err := dir.Files()
	if err != nil {
		return err
	}
	rrw, err := newRevisions(ctx, db, dialect)
	if err != nil {
		return err
	}
	if err := rrw.create(ctx); err != nil {
		return err
	}
	for _, f := range fs {
		err := rrw.WriteRevision(ctx, &migrate.Revision{Version: f.Version(), Description: f.Desc(),
			Type: migrate.RevisionTypeBaseline, ExecutedAt: time.Now()})
		if err != nil {
			return err
		}
	}
	return nil
}

// Lock takes the database-wide lock under which a replica runs its start
// (migrations, the first policy version, the demo seed) on PostgreSQL, an
// advisory lock held on a connection of its own, and returns its release.
// Replicas that start together wait for each other's start instead of
// racing on the same rows. On SQLite, one file and one writer at a time,
// there is nothing to take.
func Lock(ctx context.Context, db *sql.DB, dialect string) (func() error, error) {
	if dialect != Postgres {
		return func() error { return nil }, nil
	}
	drv, err := postgres.Open(db)
	if err != nil {
		return nil, err
	}
	unlock, err := drv.(schema.Locker).Lock(ctx, "consentgate-start", 5*time.Minute)
	if err != nil {
		return nil, fmt.Errorf("taking the start lock: %w", err)
	}
	return func() error { return unlock() }, nil
}

// open is Atlas's driver of dialect over db (a database, a connection or a
// transaction).
func open(dialect string, db schema.ExecQuerier) (migrate.Driver, error) {
	if dialect == Postgres {
		return postgres.Open(db)
	}
	return sqlite.Open(db)
}
