package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"consentgate/consent"
	"consentgate/gateway"
	"consentgate/records"
	"consentgate/retention"
)

// The retention command sweeps once, now, as the server does every
// CONSENTGATE_RETENTION_INTERVAL:
//
//	go run ./server retention [-dry-run] [-db URL]
//
// It prints, per rule of the policy's retention section (the embedded
// policy, or CONSENTGATE_POLICY's), the period, the action and how many
// rows it acted on; with -dry-run, how many it would act on, changing
// nothing. Counts only: no personal value. On PostgreSQL, a sweep under
// way in a replica makes it say so and do nothing. It reads
// CONSENTGATE_SEAL_KEY (or CONSENTGATE_HASH_KEY) as the server does.
func retentionCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("retention", flag.ContinueOnError)
	fs.SetOutput(stdout)
	dry := fs.Bool("dry-run", false, "report what a sweep would erase, per rule (counts only), and change nothing")
	dbURL := fs.String("db", "", "the database (default: DATABASE_URL, else "+gateway.DefaultDatabaseURL+")")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return fmt.Errorf("retention: unexpected argument %q", fs.Arg(0))
	}
	policy := consent.DefaultPolicy()
	if path := getenv("CONSENTGATE_POLICY"); path != "" {
		p, err := consent.LoadPolicyFile(path)
		if err != nil {
			return fmt.Errorf("%w: CONSENTGATE_POLICY: %w", gateway.ErrConfig, err)
		}
		policy = p
	}
	// The identity of an account erased while records of provision of it
	// are within their period is sealed as the server seals it: the same
	// key (without one such an erasure fails, records.ErrNoSealer).
	sealKey, err := gateway.SealKeyFromEnv(getenv)
	if err != nil {
		return err
	}
	var sealer *records.Sealer
	if sealKey != nil {
		sealer = gateway.IdentitySealer(sealKey, nil)
	}
	client, err := gateway.OpenDatabase(ctx, databaseURL(*dbURL, getenv), 0, false)
	if err != nil {
		return err
	}
	defer client.Close()
	s := &retention.Sweeper{Client: client, Engine: consent.NewEngine(policy), Sealer: sealer, Log: slog.New(slog.DiscardHandler)}
	rep, err := s.Sweep(ctx, *dry)
	if rep != nil {
		printRetention(stdout, rep)
	}
	return err
}

// printRetention writes a sweep's report: one line per rule.
func printRetention(w io.Writer, rep *retention.Report) {
	if rep.Skipped {
		fmt.Fprintln(w, "retention: another replica is sweeping; nothing done")
		return
	}
	verb := "erased or anonymised"
	if rep.DryRun {
		verb = "would act on (dry run)"
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "kind\tperiod\taction\t%s\n", verb)
	for _, r := range rep.Rules {
		count := fmt.Sprint(r.Count)
		if r.Note != "" {
			count = "- (" + r.Note + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Kind, r.Period, r.Action, count)
	}
	tw.Flush()
	fmt.Fprintf(w, "retention: run %s, %d rows\n", rep.Run, rep.Total())
}
