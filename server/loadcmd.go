package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"consentgate/demo"
	"consentgate/gateway"
	"consentgate/load"
)

func loadCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	target := fs.String("url", "http://127.0.0.1:8080", "base URL of the running gateway (requests go to its /graphql only)")
	metrics := fs.String("metrics", "http://"+gateway.DefaultMetricsAddr+"/metrics", "URL of the gateway's metrics (CONSENTGATE_METRICS_LISTEN), read for the audit counters; off: not read")
	clients := fs.Int("clients", 64, "concurrent clients")
	duration := fs.Duration("duration", 60*time.Second, "how long to send requests")
	secret := fs.String("secret", "", "HS256 secret to sign the demo tokens with (default: CONSENTGATE_JWT_SECRET, else the demo secret)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	allowRemote := fs.Bool("allow-remote", false, "allow a URL whose host is not loopback")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("load: unexpected argument %q", fs.Arg(0))
	}
	endpoint, err := load.Endpoint(*target, *allowRemote)
	if err != nil {
		return err
	}
	metricsURL, err := load.MetricsURL(*metrics, *allowRemote)
	if err != nil {
		return err
	}
	if *clients < 1 || *clients > 10000 {
		return errors.New("load: -clients must be from 1 to 10000")
	}
	if *duration <= 0 || *duration > 24*time.Hour {
		return errors.New("load: -duration must be positive and at most 24h")
	}
	key := []byte(*secret)
	if len(key) == 0 {
		key = tokenSecret()
	}
	rep, err := load.Run(ctx, load.Options{Endpoint: endpoint, Metrics: metricsURL, Clients: *clients, Duration: *duration, Grace: load.DefaultGrace,
		Sign: gateway.Signer(key), Identities: demo.Identities()})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	} else {
		err = rep.Write(stdout)
	}
	if err != nil {
		return err
	}
	if rep.Failed() {
		return fmt.Errorf("load: %d 5xx responses, %d transport errors, %d unfinished requests, %d INTERNAL GraphQL errors",
			rep.ServerErrors, rep.TransportErrors, rep.Unfinished, rep.GraphQLErrors["INTERNAL"])
	}
	return nil
}
