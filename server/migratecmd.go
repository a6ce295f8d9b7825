package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"consentgate/gateway"
)

// migrateCommand applies the binary's pending migrations:
//
//	go run ./server migrate [-db URL] [-baseline]
//
// under the start lock, so that it may run while replicas start.
func migrateCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) (err error) {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	db := fs.String("db", "", "the database (default: DATABASE_URL, else the default SQLite file)")
	baseline := fs.Bool("baseline", false, "for a database created before versioned migrations: bring its schema up to date (adding only) and record it as migrated")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected argument %q", fs.Arg(0))
	}
	url := databaseURL(*db, getenv)
	unlock, err := gateway.LockStart(ctx, url)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	applied, err := gateway.MigrateDatabase(ctx, url, *baseline)
	for _, v := range applied {
		fmt.Fprintf(stdout, "applied %s\n", v)
	}
	if err != nil {
		return err
	}
	switch {
	case *baseline:
		fmt.Fprintln(stdout, "baselined: the schema is up to date and recorded as migrated")
	case len(applied) == 0:
		fmt.Fprintln(stdout, "up to date")
	}
	return nil
}

// databaseURL is the database a command works on: its -db flag's, else
// DATABASE_URL's, else the default SQLite file.
func databaseURL(flagged string, getenv func(string) string) string {
	if flagged != "" {
		return flagged
	}
	if url := getenv("DATABASE_URL"); url != "" {
		return url
	}
	return gateway.DefaultDatabaseURL
}
