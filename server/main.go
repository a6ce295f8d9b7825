// Command server is the consentgate gateway's command: flag parsing and
// dispatch, nothing else. The gateway is package gateway; the demo data,
// the data map and the load generator are packages of their own.
//
//	go run ./server [-demo]          serve on :8080 (CONSENTGATE_LISTEN, PORT; -demo: 127.0.0.1), SQLite by default (DATABASE_URL)
//	go run ./server token -role R -sub S [-org O] [-purpose P] [-ttl D]
//	                                 print a token signed with CONSENTGATE_JWT_SECRET
//	go run ./server datamap [-json]  print who sees which personal field under the policy
//	go run ./server load -url http://127.0.0.1:8080 -clients 64 -duration 60s
//	go run ./server operations push [-url URL] [-token T | -secret S] DIR
//	                                 register the approved operations of DIR's *.graphql files
//	go run ./server migrate [-db URL] [-baseline]
//	                                 apply the pending schema migrations
//	go run ./server consent verify [-db URL] [-repair]
//	                                 check the consent state against the ledger (exit 1 if it differs)
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
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

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "token" {
		return tokenCommand(args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "datamap" {
		return datamapCommand(args[1:], getenv, stdout)
	}
	if len(args) > 0 && args[0] == "load" {
		return loadCommand(ctx, args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "consent" {
		return consentCommand(ctx, args[1:], getenv, stdout)
	}
	if len(args) > 0 && args[0] == "migrate" {
		return migrateCommand(ctx, args[1:], getenv, stdout)
	}
	if len(args) > 0 && args[0] == "operations" {
		return operationsCommand(ctx, args[1:], stdout)
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	return serveCommand(ctx, args, getenv, stdout, log)
}
