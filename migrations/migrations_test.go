package migrations_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"ariga.io/atlas/sql/migrate"
	entsql "entgo.io/ent/dialect/sql"
	entschema "entgo.io/ent/dialect/sql/schema"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3"

	entmigrate "consentgate/ent/migrate"
	"consentgate/migrations"
)

// emptyDatabases opens an empty database of each dialect: an in-memory
// SQLite one and, when CONSENTGATE_TEST_POSTGRES is set, a PostgreSQL one
// of the test's own.
func emptyDatabases(t *testing.T) map[string]*sql.DB {
	t.Helper()
	mem, err := sql.Open("sqlite3", fmt.Sprintf("file:m%d?mode=memory&_fk=1", time.Now().UnixNano()))
	if err != nil {
		t.Fatal(err)
	}
	mem.SetMaxOpenConns(1) // one connection: one in-memory database
	t.Cleanup(func() { mem.Close() })
	out := map[string]*sql.DB{migrations.SQLite: mem}
	server := os.Getenv("CONSENTGATE_TEST_POSTGRES")
	if server == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must set CONSENTGATE_TEST_POSTGRES")
		}
		t.Log("CONSENTGATE_TEST_POSTGRES is not set: PostgreSQL skipped")
		return out
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("cg_migrations_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	pg, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		pg.Close()
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	out[migrations.Postgres] = pg
	return out
}

// copyDir is a writable copy of dialect's migrations.
func copyDir(t *testing.T, dialect string) *migrate.MemDir {
	t.Helper()
	dir, err := migrations.Dir(dialect)
	if err != nil {
		t.Fatal(err)
	}
	files, err := dir.Files()
	if err != nil {
		t.Fatal(err)
	}
	out := &migrate.MemDir{}
	if err := out.CopyFiles(files); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestNoSchemaChangeWithoutMigration: the migrations of each dialect,
// replayed on an empty database, are the ent schema: a change to the
// schema without its migration (go run ./migrations/new NAME) fails here.
func TestNoSchemaChangeWithoutMigration(t *testing.T) {
	for dialect, db := range emptyDatabases(t) {
		t.Run(dialect, func(t *testing.T) {
			dir := copyDir(t, dialect)
			before, _ := dir.Files()
			if err := migrations.Diff(context.Background(), dialect, db, dir, "pending"); err != nil {
				t.Fatal(err)
			}
			after, _ := dir.Files()
			if len(after) != len(before) {
				t.Fatalf("the ent schema has changes no migration holds; run `go run ./migrations/new NAME`:\n%s", after[len(after)-1].Bytes())
			}
		})
	}
}

// TestApplyFromEmpty: applying every migration to an empty database gives
// the ent schema (inspected, not replayed), the database is then current,
// and applying again does nothing.
func TestApplyFromEmpty(t *testing.T) {
	ctx := context.Background()
	for dialect, db := range emptyDatabases(t) {
		t.Run(dialect, func(t *testing.T) {
			st, err := migrations.Check(ctx, db, dialect)
			if err != nil || st.Current() || len(st.Pending) == 0 || st.Err() == nil {
				t.Fatalf("an empty database: %+v, %v", st, err)
			}
			applied, err := migrations.Apply(ctx, db, dialect)
			if err != nil || len(applied) != len(st.Pending) {
				t.Fatalf("apply: %v %v; want %v", applied, err, st.Pending)
			}
			if st, err := migrations.Check(ctx, db, dialect); err != nil || !st.Current() {
				t.Fatalf("after apply: %+v, %v", st, err)
			}
			if again, err := migrations.Apply(ctx, db, dialect); err != nil || len(again) != 0 {
				t.Fatalf("apply again: %v %v", again, err)
			}
			// The database as applied, inspected, against the ent schema.
			dir := copyDir(t, dialect)
			before, _ := dir.Files()
			err = entmigrate.NewSchema(entsql.OpenDB(dialect, db)).NamedDiff(ctx, "drift",
				entschema.WithDir(dir), entschema.WithMigrationMode(entschema.ModeInspect),
				entschema.WithDialect(dialect), entschema.WithDropColumn(true), entschema.WithDropIndex(true))
			if err != nil {
				t.Fatal(err)
			}
			if after, _ := dir.Files(); len(after) != len(before) {
				t.Fatalf("the applied database differs from the ent schema:\n%s", after[len(after)-1].Bytes())
			}
		})
	}
}

// firstOnly is dialect's migrations up to and including the first.
func firstOnly(t *testing.T, dialect string) *migrate.MemDir {
	t.Helper()
	all, err := copyDir(t, dialect).Files()
	if err != nil {
		t.Fatal(err)
	}
	dir := &migrate.MemDir{}
	if err := dir.CopyFiles(all[:1]); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestUpgradeKeepsRows: a database at the first migration, holding rows
// that reference one another, takes every later migration (SQLite rebuilds
// tables to change them, under foreign keys) and keeps its rows.
func TestUpgradeKeepsRows(t *testing.T) {
	ctx := context.Background()
	for dialect, db := range emptyDatabases(t) {
		t.Run(dialect, func(t *testing.T) {
			if _, err := migrations.ApplyDir(ctx, db, dialect, firstOnly(t, dialect)); err != nil {
				t.Fatal(err)
			}
			arg := func(n int) string {
				if dialect == migrations.Postgres {
					return fmt.Sprintf("$%d", n)
				}
				return "?"
			}
			now := time.Now().UTC()
			insert := func(q string, args ...any) int64 {
				t.Helper()
				var id int64
				q = strings.NewReplacer("$1", arg(1), "$2", arg(2), "$3", arg(3), "$4", arg(4)).Replace(q)
				if err := db.QueryRowContext(ctx, q+" RETURNING id", args...).Scan(&id); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return id
			}
			employer := insert(`INSERT INTO employers (created_at, updated_at, external_id, name) VALUES ($1, $2, 'acme', 'Acme')`, now, now)
			job := insert(`INSERT INTO jobs (created_at, updated_at, title, description, prefecture, field, employment_type, status, employer_id)
				VALUES ($1, $2, 'Engineer', 'Builds', 'Tokyo', 'IT', 'FULL_TIME', 'OPEN', $3)`, now, now, employer)
			applicant := insert(`INSERT INTO applicants (created_at, updated_at, account_id, name, email) VALUES ($1, $2, 'alice', 'Alice', 'alice@example.com')`, now, now)
			application := insert(`INSERT INTO applications (created_at, updated_at, status, applicant_id, job_id) VALUES ($1, $2, 'APPLIED', $3, $4)`, now, now, applicant, job)

			applied, err := migrations.Apply(ctx, db, dialect)
			if err != nil || len(applied) == 0 {
				t.Fatalf("the later migrations: %v %v", applied, err)
			}
			var gotJob, gotApplicant int64
			if err := db.QueryRowContext(ctx, "SELECT job_id, applicant_id FROM applications WHERE id = "+arg(1), application).Scan(&gotJob, &gotApplicant); err != nil {
				t.Fatalf("the application after the upgrade: %v", err)
			}
			if gotJob != job || gotApplicant != applicant {
				t.Fatalf("the application references job %d and applicant %d, want %d and %d", gotJob, gotApplicant, job, applicant)
			}
			if st, err := migrations.Check(ctx, db, dialect); err != nil || !st.Current() {
				t.Fatalf("after the upgrade: %+v %v", st, err)
			}
		})
	}
}
