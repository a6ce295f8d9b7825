package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"consentgate/consent"
	"consentgate/demo"
)

func tokenCommand(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	role := fs.String("role", "", "role: "+fmt.Sprint(consent.Roles))
	sub := fs.String("sub", "", "account id (the sub claim)")
	org := fs.String("org", "", "employer id (the org claim), for EMPLOYER")
	purpose := fs.String("purpose", "", "optional purpose claim")
	ttl := fs.Duration("ttl", 24*time.Hour, "validity")
	if err := fs.Parse(args); err != nil {
		return err
	}
	r, err := consent.ParseRole(*role)
	if err != nil {
		return err
	}
	if *sub == "" {
		return errors.New("-sub is required")
	}
	v := consent.Viewer{Account: *sub, Role: r, Org: *org}
	if *purpose != "" {
		if v.Purpose, err = consent.ParsePurpose(*purpose); err != nil {
			return err
		}
	}
	tok, err := SignToken(tokenSecret(), v, *ttl, time.Now())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}

func serveCommand(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("consentgate", flag.ContinueOnError)
	demoMode := fs.Bool("demo", false, "seed demo data when the database is empty, print a token per role, serve GraphiQL at /")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := loadConfig(getenv, *demoMode)
	if err != nil {
		return err
	}
	if cfg.JWKS != "" {
		if cfg.Token.Keys, err = LoadKeys(ctx, cfg.JWKS); err != nil {
			return fmt.Errorf("%w: CONSENTGATE_JWKS: %w", errConfig, err)
		}
	}
	client, err := openDatabase(ctx, cfg.DatabaseURL, cfg.DBMaxConns)
	if err != nil {
		return err
	}
	defer client.Close()
	seededNow := false // the demo data was seeded by this start: its activity runs once the gateway is built
	if cfg.Demo {
		seeded, err := demo.Seed(ctx, client)
		if err != nil {
			return fmt.Errorf("seeding demo data: %w", err)
		}
		if seeded {
			log.Info("seeded demo data")
		}
		seededNow = seeded
		registered, err := SeedOperations(ctx, client, cfg.Policy)
		if err != nil {
			return fmt.Errorf("registering the shipped operations: %w", err)
		}
		if registered > 0 {
			log.Info("registered the shipped approved operations", "count", registered)
		}
		if err := printDemoTokens(stdout, cfg.JWTSecret); err != nil {
			return err
		}
	}
	if err := EnsurePolicyVersion(ctx, client, cfg.Policy); err != nil {
		return fmt.Errorf("publishing the policy version: %w", err)
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	h := Gateway{
		Client: client, Auth: NewAuthenticatorWith(cfg.JWTSecret, cfg.Token), Policy: cfg.Policy,
		HashKey: cfg.HashKey, Dev: cfg.Demo || cfg.Dev, Log: log, CORSOrigins: cfg.CORSOrigins,
		RateLimit: cfg.RateLimit, RequestTimeout: cfg.Timeout, Limits: cfg.Limits, MaxBody: cfg.MaxBody, RequestDue: cfg.RequestDue,
		GrantTTL: cfg.GrantTTL,
	}.Handler()
	if seededNow {
		if err := demo.RunActivity(ctx, h, signer(cfg.JWTSecret)); err != nil {
			return fmt.Errorf("demo activity: %w", err)
		}
	}
	log.Info("listening", "addr", ln.Addr().String(), "demo", cfg.Demo, "dev", cfg.Demo || cfg.Dev)
	return Serve(ctx, ln, h, cfg.Server)
}

// ServerTimeouts bound the HTTP connections of the gateway.
type ServerTimeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
	// Drain is how long a shutdown waits for in-flight requests.
	Drain time.Duration
}

// DefaultServerTimeouts are the gateway's.
var DefaultServerTimeouts = ServerTimeouts{ReadHeader: 5 * time.Second, Read: 30 * time.Second,
	Write: 60 * time.Second, Idle: 120 * time.Second, Drain: 20 * time.Second}

// Serve serves h on ln until ctx ends (SIGTERM or SIGINT in main), then
// stops accepting connections and lets in-flight requests finish within
// the drain deadline.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, t ServerTimeouts) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write, IdleTimeout: t.Idle}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), t.Drain)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// signer signs HS256 tokens with secret, valid from now.
func signer(secret []byte) func(consent.Viewer, time.Duration) (string, error) {
	return func(v consent.Viewer, ttl time.Duration) (string, error) {
		return SignToken(secret, v, ttl, time.Now())
	}
}

// printDemoTokens prints one ready token per role for the demo data.
func printDemoTokens(w io.Writer, secret []byte) error {
	fmt.Fprintln(w, "Demo tokens (valid 7 days); use as: -H \"Authorization: Bearer $TOKEN\"")
	for _, v := range demo.Viewers {
		tok, err := SignToken(secret, v, 7*24*time.Hour, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s=%s\n", demoTokenName(v.Role), tok)
	}
	return nil
}

func demoTokenName(r consent.Role) string { return string(r) + "_TOKEN" }
