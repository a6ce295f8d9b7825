// Command new writes the next versioned migration of both dialects from
// the ent schema:
//
//	go run ./migrations/new [-postgres URL] NAME
//
// SQLite's is diffed on an in-memory database; PostgreSQL's on a database
// it creates on the server at -postgres (default CONSENTGATE_TEST_POSTGRES)
// and drops afterwards. A dialect whose migrations already match the
// schema gets no file.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"ariga.io/atlas/sql/migrate"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/mattn/go-sqlite3"

	"consentgate/migrations"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "migrations/new:", err)
		os.Exit(1)
	}
}

func run() error {
	pg := flag.String("postgres", os.Getenv("CONSENTGATE_TEST_POSTGRES"), "a PostgreSQL server URL to diff PostgreSQL's migrations on")
	flag.Parse()
	if flag.NArg() != 1 {
		return errors.New("usage: go run ./migrations/new [-postgres URL] NAME")
	}
	name := flag.Arg(0)
	ctx := context.Background()
	root := "migrations"
	sqliteDir, err := migrate.NewLocalDir(filepath.Join(root, "sqlite"))
	if err != nil {
		return err
	}
	mem, err := sql.Open("sqlite3", "file:dev?mode=memory&_fk=1")
	if err != nil {
		return err
	}
	defer mem.Close()
	mem.SetMaxOpenConns(1) // one connection: one in-memory database
	if err := migrations.Diff(ctx, migrations.SQLite, mem, sqliteDir, name); err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if *pg == "" {
		return errors.New("no PostgreSQL server to diff on: set -postgres or CONSENTGATE_TEST_POSTGRES")
	}
	dev, drop, err := devDatabase(*pg)
	if err != nil {
		return err
	}
	defer drop()
	pgDir, err := migrate.NewLocalDir(filepath.Join(root, "postgres"))
	if err != nil {
		return err
	}
	db, err := sql.Open("pgx", dev)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := migrations.Diff(ctx, migrations.Postgres, db, pgDir, name); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	return nil
}

// devDatabase creates an empty database on the server at server and
// returns its URL and how to drop it.
func devDatabase(server string) (string, func(), error) {
	admin, err := sql.Open("pgx", server)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("consentgate_dev_%d", time.Now().UnixNano())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(server)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	}, nil
}
