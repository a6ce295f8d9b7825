package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"consentgate/gateway"
	"consentgate/ledger"
)

// The consent command checks the consent state kept beside the ledger:
//
//	go run ./server consent verify [-db URL] [-repair]
//
// verify recomputes the state from the whole ledger with the fold the
// gateway keeps it by (ledger.Verify) and lists every line that differs;
// it exits 1 if any does. -repair then rebuilds the state from the ledger.
// The database is DATABASE_URL's, else the default SQLite file.

// errStateDiffers is returned (exit 1) when verify finds differences.
var errStateDiffers = errors.New("the consent state differs from the ledger")

func consentCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	const usage = "usage: consent verify [-db URL] [-repair]"
	if len(args) == 0 || args[0] != "verify" {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("consent verify", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dbURL := fs.String("db", "", "the database (default: DATABASE_URL, else "+gateway.DefaultDatabaseURL+")")
	repair := fs.Bool("repair", false, "rebuild the state from the ledger when it differs")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return errors.New(usage)
	}
	url := databaseURL(*dbURL, getenv)
	client, err := gateway.OpenDatabase(ctx, url, 0, false)
	if err != nil {
		return err
	}
	defer client.Close()
	diffs, err := ledger.Verify(ctx, client)
	if err != nil {
		return fmt.Errorf("consent verify: %w", err)
	}
	for _, d := range diffs {
		fmt.Fprintln(stdout, d)
	}
	if len(diffs) == 0 {
		fmt.Fprintln(stdout, "consent state: in step with the ledger")
		return nil
	}
	if !*repair {
		return fmt.Errorf("%w: %d lines (run with -repair to rebuild it)", errStateDiffers, len(diffs))
	}
	n, err := ledger.Rebuild(ctx, client)
	if err != nil {
		return fmt.Errorf("consent verify -repair: %w", err)
	}
	fmt.Fprintf(stdout, "consent state: rebuilt from the ledger (%d lines)\n", n)
	return nil
}
