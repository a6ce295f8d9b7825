package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"consentgate/gateway"
	"consentgate/records"
)

// The records command checks the access records' hash chain:
//
//	go run ./server records verify [-db URL]
//
// verify reads the records in id order, a batch at a time, recomputes the
// chain (records.Verify) and prints OK with the count and the head hash,
// or the first break, the record's id and what is wrong, and exits 1. The
// database is DATABASE_URL's, else the default SQLite file.

// errChainBroken is returned (exit 1) when verify finds a break.
var errChainBroken = errors.New("the access records' chain is broken")

func recordsCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	const usage = "usage: records verify [-db URL]"
	if len(args) == 0 || args[0] != "verify" {
		return errors.New(usage)
	}
	fs := flag.NewFlagSet("records verify", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dbURL := fs.String("db", "", "the database (default: DATABASE_URL, else "+gateway.DefaultDatabaseURL+")")
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
	rep, err := records.Verify(ctx, client)
	if err != nil {
		return fmt.Errorf("records verify: %w", err)
	}
	if rep.Unchained > 0 {
		fmt.Fprintf(stdout, "access records: %d before the chain (written before it was kept), not chained\n", rep.Unchained)
	}
	if rep.Break != nil {
		fmt.Fprintf(stdout, "access records: chain broken at %s\n", rep.Break)
		return fmt.Errorf("%w at record %d", errChainBroken, rep.Break.ID)
	}
	fmt.Fprintf(stdout, "access records: OK, %d chained, head %s\n", rep.Records, rep.Head)
	return nil
}
