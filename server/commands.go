package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/demo"
	"consentgate/ent"
	"consentgate/gateway"
	"consentgate/gateway/graphiql"
	"consentgate/retention"
	"consentgate/tracing"
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
	tok, err := gateway.SignToken(tokenSecret(), v, *ttl, time.Now())
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
	if fs.NArg() > 0 {
		return fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	cfg, err := gateway.LoadConfig(getenv, *demoMode)
	if err != nil {
		return err
	}
	gc := gateway.TuneGC(getenv)
	if cfg.JWKS != "" {
		if cfg.Token.Keys, err = gateway.LoadKeys(ctx, cfg.JWKS); err != nil {
			return fmt.Errorf("%w: CONSENTGATE_JWKS: %w", gateway.ErrConfig, err)
		}
	}
	shutdownTracing, err := tracing.Setup(ctx, getenv)
	if err != nil {
		return fmt.Errorf("%w: %w", gateway.ErrConfig, err)
	}
	defer func() { _ = shutdownTracing(context.Background()) }()
	tokens, err := demoTokens(cfg)
	if err != nil {
		return err
	}
	db, seededNow, err := start(ctx, cfg, tokens, stdout, log)
	if err != nil {
		return err
	}
	defer db.Client.Close()

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	var metricsLn net.Listener // /metrics on its own listener, or none
	if cfg.MetricsAddr != "" {
		metricsLn, err = net.Listen("tcp", cfg.MetricsAddr)
		switch {
		case err != nil && getenv("CONSENTGATE_METRICS_LISTEN") != "":
			return fmt.Errorf("CONSENTGATE_METRICS_LISTEN: %w", err)
		case err != nil:
			// The default address is taken (another gateway on this host):
			// the API still serves; the operator sets an address of its own.
			log.Error("metrics not served: the default address is taken; set CONSENTGATE_METRICS_LISTEN",
				"addr", cfg.MetricsAddr, "error", err.Error())
			metricsLn = nil
		default:
			defer metricsLn.Close()
		}
	}
	gw := gateway.New(cfg, db.Client, log)
	gw.Pool = db.Pool
	gw.DemoTokens = tokens // GraphiQL's role switcher
	if cfg.RetentionInterval > 0 {
		// The first sweep one interval after the start; replicas on one
		// PostgreSQL database take turns (retention.Sweeper).
		sweeper := &retention.Sweeper{Client: db.Client, Engine: consent.NewEngine(cfg.Policy), Log: log, Metrics: retention.NewMetrics(),
			Sealer: gateway.IdentitySealer(cfg.SealKey, cfg.HashKey)}
		gw.Collectors = append(gw.Collectors, sweeper.Metrics)
		ticker := time.NewTicker(cfg.RetentionInterval)
		defer ticker.Stop()
		go sweeper.Every(ctx, ticker.C)
	}
	h := gw.Handlers()
	if seededNow {
		if err := demo.RunActivity(ctx, h.API, gateway.Signer(cfg.JWTSecret)); err != nil {
			return fmt.Errorf("demo activity: %w", err)
		}
	}
	if metricsLn != nil {
		log.Info("metrics listening", "addr", metricsLn.Addr().String())
		go func() {
			if err := gateway.Serve(ctx, metricsLn, h.Metrics, cfg.Server); err != nil {
				log.Error("metrics listener stopped", "error", err.Error())
			}
		}()
	}
	log.Info("listening", "addr", ln.Addr().String(), "demo", cfg.Demo, "dev", cfg.Demo || cfg.Dev, "gc_percent", gc,
		"receipt_kid", cfg.Receipts.KeyID(), // replicas must name the same
		"retention_interval", cfg.RetentionInterval.String())
	return gateway.Serve(ctx, ln, h.API, cfg.Server)
}

// start opens the database and does what a start does to it, under the
// start lock so that replicas started together take turns: -demo migrates
// it, seeds it and registers the shipped operations; every start
// publishes the policy version if there is none. It says whether the demo
// data was seeded by this start (its activity runs once the gateway is
// built).
func start(ctx context.Context, cfg gateway.Config, tokens []graphiql.Token, stdout io.Writer, log *slog.Logger) (db gateway.Database, seeded bool, err error) {
	unlock, err := gateway.LockStart(ctx, cfg.DatabaseURL)
	if err != nil {
		return db, false, err
	}
	defer func() { err = errors.Join(err, unlock()) }()
	if db, err = gateway.Open(ctx, cfg.DatabaseURL, cfg.DBMaxConns, cfg.Demo, gateway.WithLog(log)); err != nil {
		return db, false, err
	}
	if cfg.Demo {
		if seeded, err = seedDemo(ctx, db.Client, cfg, tokens, stdout, log); err != nil {
			db.Client.Close()
			return db, false, err
		}
	}
	if err := gateway.EnsurePolicyVersion(ctx, db.Client, cfg.Policy); err != nil {
		db.Client.Close()
		return db, false, fmt.Errorf("publishing the policy version: %w", err)
	}
	return db, seeded, nil
}

// seedDemo seeds the demo data into an empty database and the shipped
// operations into any, prints the tokens (one per role), and says whether
// it seeded the data.
func seedDemo(ctx context.Context, client *ent.Client, cfg gateway.Config, tokens []graphiql.Token, stdout io.Writer, log *slog.Logger) (bool, error) {
	seeded, err := demo.Seed(ctx, client)
	if errors.Is(err, demo.ErrUsedDatabase) {
		return false, fmt.Errorf("%w; start -demo on a new database (%s), or start without -demo to serve this one", err, newDatabaseHint(cfg.DatabaseURL))
	}
	if err != nil {
		return false, fmt.Errorf("seeding demo data: %w", err)
	}
	if seeded {
		log.Info("seeded demo data")
	}
	registered, err := demo.SeedOperations(ctx, client, cfg.Policy)
	if err != nil {
		return false, fmt.Errorf("registering the shipped operations: %w", err)
	}
	if registered > 0 {
		log.Info("registered the shipped approved operations", "count", registered)
	}
	return seeded, printDemoTokens(stdout, tokens)
}

// newDatabaseHint says how to give -demo a new database instead of url.
func newDatabaseHint(url string) string {
	if path, ok := strings.CutPrefix(url, "file:"); ok {
		path, _, _ = strings.Cut(path, "?")
		return fmt.Sprintf("remove %s, or set DATABASE_URL to another file", path)
	}
	return "set DATABASE_URL to an empty database"
}

// tokenSecret is the secret the token and operations commands sign with:
// the configured one, or the demo secret when none is set.
func tokenSecret() []byte {
	if s := os.Getenv("CONSENTGATE_JWT_SECRET"); s != "" {
		return []byte(s)
	}
	return []byte(gateway.DemoSecret)
}

// demoTokens signs one token per demo identity (demo.Viewers, in order),
// valid 7 days: printed at start and offered by GraphiQL. Outside demo
// mode there are none.
func demoTokens(cfg gateway.Config) ([]graphiql.Token, error) {
	if !cfg.Demo {
		return nil, nil
	}
	tokens := make([]graphiql.Token, len(demo.Viewers))
	for i, v := range demo.Viewers {
		tok, err := gateway.SignToken(cfg.JWTSecret, v, 7*24*time.Hour, time.Now())
		if err != nil {
			return nil, err
		}
		label := string(v.Role) + " · " + v.Account
		if v.Org != "" {
			label += " (" + v.Org + ")"
		}
		tokens[i] = graphiql.Token{Label: label, Token: tok}
	}
	return tokens, nil
}

// printDemoTokens prints the demo tokens as lines of shell: a comment,
// one NAME_TOKEN=value assignment per role (scripts read the line of the
// role they need) and one export of them all, so that the lines pasted
// into a shell, or a file of them sourced (". ./demo.env"), leave every
// token exported.
func printDemoTokens(w io.Writer, tokens []graphiql.Token) error {
	names := make([]string, len(demo.Viewers))
	fmt.Fprintln(w, "# Demo tokens, one per role, valid 7 days: use as -H \"Authorization: Bearer $APPLICANT_TOKEN\"")
	for i, v := range demo.Viewers {
		names[i] = demoTokenName(v.Role)
		if _, err := fmt.Fprintf(w, "%s=%s\n", names[i], tokens[i].Token); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w, "export", strings.Join(names, " "))
	return err
}

func demoTokenName(r consent.Role) string { return string(r) + "_TOKEN" }
