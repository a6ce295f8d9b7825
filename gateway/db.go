package gateway

import (
	"context"
	"database/sql"
	_ "embed"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "github.com/mattn/go-sqlite3"    // the "sqlite3" database/sql driver

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/privacy"
	_ "consentgate/ent/runtime" // privacy rules, hooks and interceptors
	"consentgate/ledger"
)

// Default connection pool sizes: SQLite has one writer at a time (WAL lets
// readers go on meanwhile); PostgreSQL's pool is bounded so that load does
// not churn connections past the server's max_connections (100 by
// default), which several replicas share.
const (
	DefaultSQLiteConns   = 8
	DefaultPostgresConns = 16
)

// DatabaseOption changes how OpenDatabase opens a database.
type DatabaseOption func(*databaseOptions)

type databaseOptions struct{ log *slog.Logger }

// WithLog has OpenDatabase say what it set up (for SQLite, the connection
// settings it added to the DSN and those in force) on log.
func WithLog(log *slog.Logger) DatabaseOption {
	return func(o *databaseOptions) { o.log = log }
}

// OpenDatabase opens the database at url (a SQLite DSN such as
// "file:PATH?_fk=1", or a postgres:// URL) with a pool of at most maxConns
// connections (0: DefaultSQLiteConns or DefaultPostgresConns), all of
// which may stay idle, so that a busy gateway reuses them instead of
// reconnecting; and migrates its schema. A SQLite DSN gets the settings
// the gateway needs whatever it says (SQLiteDSN).
func OpenDatabase(ctx context.Context, url string, maxConns int, opts ...DatabaseOption) (*ent.Client, error) {
	o := databaseOptions{log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	driverName, dialectName := "sqlite3", dialect.SQLite
	var added []string
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		driverName, dialectName = "pgx", dialect.Postgres
	} else {
		var err error
		if url, added, err = SQLiteDSN(url); err != nil {
			return nil, err
		}
	}
	db, err := sql.Open(driverName, url)
	if err != nil {
		return nil, fmt.Errorf("opening database: %w", err)
	}
	if maxConns == 0 {
		maxConns = DefaultSQLiteConns
		if dialectName == dialect.Postgres {
			maxConns = DefaultPostgresConns
		}
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to database: %w", err)
	}
	if dialectName == dialect.SQLite {
		if err := logSQLiteSettings(ctx, db, url, added, o.log); err != nil {
			db.Close()
			return nil, err
		}
	}
	client := ent.NewClient(ent.Driver(utcDriver{entsql.OpenDB(dialectName, db)}))
	if err := client.Schema.Create(ctx); err != nil {
		client.Close()
		return nil, fmt.Errorf("migrating schema: %w", err)
	}
	// A database from before the consent state was kept gets it from its
	// ledger, once.
	if _, err := ledger.Fill(ctx, client); err != nil {
		client.Close()
		return nil, fmt.Errorf("filling the consent state from the ledger: %w", err)
	}
	return client, nil
}

// EnsurePolicyVersion publishes the policy file's version, in force from
// now, when the database has none: every consent names the version it was
// given under, so one must exist before anyone can apply to a job.
func EnsurePolicyVersion(ctx context.Context, client *ent.Client, p *consent.Policy) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	exists, err := client.PolicyVersion.Query().Exist(ctx)
	if err != nil || exists {
		return err
	}
	return client.PolicyVersion.Create().
		SetVersion(p.Version).SetEffectiveAt(time.Now()).SetTextDigest(consent.PolicyTextDigest()).
		SetChangedPurposes(consent.Purpose("").Values()).
		Exec(ctx)
}

// utcDriver hands every time argument to the database in UTC. SQLite keeps
// a time as text with the offset it came with and compares text, so an
// instant written as 14:00-05:00 would sort before one written as
// 18:00Z; in UTC the text order is the time order, for stored values and
// predicates alike (a policy version's effective time, a grant's expiry).
type utcDriver struct{ *entsql.Driver }

func (d utcDriver) Exec(ctx context.Context, query string, args, v any) error {
	return d.Driver.Exec(ctx, query, utcArgs(args), v)
}

func (d utcDriver) Query(ctx context.Context, query string, args, v any) error {
	return d.Driver.Query(ctx, query, utcArgs(args), v)
}

func (d utcDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	return utcTx{tx}, err
}

func (d utcDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	tx, err := d.Driver.BeginTx(ctx, opts)
	return utcTx{tx}, err
}

type utcTx struct{ dialect.Tx }

func (t utcTx) Exec(ctx context.Context, query string, args, v any) error {
	return t.Tx.Exec(ctx, query, utcArgs(args), v)
}

func (t utcTx) Query(ctx context.Context, query string, args, v any) error {
	return t.Tx.Query(ctx, query, utcArgs(args), v)
}

// utcArgs converts the time.Time values of a statement's arguments to UTC,
// in place.
func utcArgs(args any) any {
	if a, ok := args.([]any); ok {
		for i, x := range a {
			switch t := x.(type) {
			case time.Time:
				a[i] = t.UTC()
			case *time.Time:
				if t != nil {
					u := t.UTC()
					a[i] = &u
				}
			}
		}
	}
	return args
}
