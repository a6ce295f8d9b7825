// Command server is the consentgate gateway's command: flag parsing and
// dispatch, nothing else. The gateway is package gateway; the demo data,
// the data map and the load generator are packages of their own.
// `go run ./server help` lists the subcommands (the table below); with no
// subcommand, or with flags only (`-demo`), it serves.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "consentgate:", err)
		os.Exit(1)
	}
}

// env is what a subcommand may use of its process.
type env struct {
	getenv         func(string) string
	stdout, stderr io.Writer
}

// subcommand is one line of `help` and the function behind it.
type subcommand struct {
	name, synopsis, summary string
	run                     func(ctx context.Context, args []string, e env) error
}

// subcommands are the command's subcommands, in the order `help` lists them.
var subcommands = []subcommand{
	{"serve", "serve [-demo]", "serve the gateway on PORT over DATABASE_URL (the default when no subcommand is given)",
		func(ctx context.Context, args []string, e env) error {
			return serveCommand(ctx, args, e.getenv, e.stdout, slog.New(slog.NewJSONHandler(e.stderr, nil)))
		}},
	{"migrate", "migrate [-db URL] [-baseline]", "apply the pending schema migrations",
		func(ctx context.Context, args []string, e env) error {
			return migrateCommand(ctx, args, e.getenv, e.stdout)
		}},
	{"token", "token -role R -sub S [-org O]", "print a token signed with CONSENTGATE_JWT_SECRET (else the demo secret)",
		func(_ context.Context, args []string, e env) error { return tokenCommand(args, e.stdout) }},
	{"datamap", "datamap [-json]", "print who sees which personal field under the policy",
		func(_ context.Context, args []string, e env) error { return datamapCommand(args, e.getenv, e.stdout) }},
	{"schema", "schema", "print the GraphQL schema (SDL) the gateway serves",
		func(_ context.Context, args []string, e env) error { return schemaCommand(args, e.stdout) }},
	{"operations", "operations push|approve [-url URL] DIR", "register the operations of DIR's *.graphql files (push); approve them as a second admin (approve)",
		func(ctx context.Context, args []string, e env) error {
			return operationsCommand(ctx, args, e.getenv, e.stdout)
		}},
	{"consent", "consent verify [-db URL] [-repair]", "check the consent state against the ledger (exit 1 if it differs)",
		func(ctx context.Context, args []string, e env) error {
			return consentCommand(ctx, args, e.getenv, e.stdout)
		}},
	{"records", "records verify [-db URL]", "check the access records' hash chain (exit 1 at the first break)",
		func(ctx context.Context, args []string, e env) error {
			return recordsCommand(ctx, args, e.getenv, e.stdout)
		}},
	{"retention", "retention [-dry-run] [-db URL]", "sweep once: erase what the policy's retention periods say has ended (-dry-run: counts only)",
		func(ctx context.Context, args []string, e env) error {
			return retentionCommand(ctx, args, e.getenv, e.stdout)
		}},
	{"load", "load [-url URL] [-clients N]", "drive a running gateway with every role's operations and report",
		func(ctx context.Context, args []string, e env) error { return loadCommand(ctx, args, e.stdout) }},
	{"version", "version", "print the build: module version, VCS revision and time, Go version",
		func(_ context.Context, args []string, e env) error { return versionCommand(args, e.stdout) }},
	{"help", "help", "print this list", nil},
}

// run dispatches args to their subcommand. A first argument that is a flag
// (other than -h) belongs to serve; one that names no subcommand is an
// error. -h, -help and help print the list and succeed, as does -h given
// to a subcommand.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	name, rest := "serve", args
	switch {
	case len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help"):
		name = "help"
	case len(args) > 0 && !strings.HasPrefix(args[0], "-"):
		name, rest = args[0], args[1:]
	}
	if name == "help" {
		return usage(stdout)
	}
	for _, c := range subcommands {
		if c.name == name {
			err := c.run(ctx, rest, env{getenv: getenv, stdout: stdout, stderr: stderr})
			if errors.Is(err, flag.ErrHelp) {
				return nil // the flag package printed the subcommand's flags
			}
			return err
		}
	}
	return fmt.Errorf("unknown command %q (`consentgate help` lists them)", name)
}

// usage prints every subcommand, one line each.
func usage(w io.Writer) error {
	fmt.Fprintln(w, "usage: consentgate [subcommand] [flags]   (no subcommand: serve)")
	fmt.Fprintln(w)
	for _, c := range subcommands {
		fmt.Fprintf(w, "  %-36s %s\n", c.synopsis, c.summary)
	}
	fmt.Fprintln(w)
	_, err := fmt.Fprintln(w, "`consentgate SUBCOMMAND -h` lists a subcommand's flags; the README's Configuration the environment.")
	return err
}
