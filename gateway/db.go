package gateway

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
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
	"consentgate/migrations"
	"consentgate/tracing"
)

// Default connection pool sizes: SQLite has one writer at a time (WAL lets
// readers go on meanwhile); PostgreSQL's pool is bounded so that load does
// not churn connections past the server's max_connections (100 by
// default), which several replicas share.
const (
	DefaultSQLiteConns   = 8
	DefaultPostgresConns = 16
)

// DefaultPostgresStatementCache is the number of prepared statements pgx
// keeps per PostgreSQL connection (its statement_cache_capacity) unless
// the URL says otherwise. pgx's own default, 512, filled up under load
// with the variants of each statement (one per length of an IN list) and
// grew the gateway's memory for minutes (BENCHMARKS.md, "Load"); the
// statements of a request's hot path fit in 64 many times over.
const DefaultPostgresStatementCache = 64

// PostgresURL returns url with DefaultPostgresStatementCache as its
// statement_cache_capacity when it names none. The URL is otherwise left
// as written (pgx reads hosts lists and options no URL parser here knows).
func PostgresURL(url string) string {
	if strings.Contains(url, "statement_cache_capacity=") {
		return url
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	return url + sep + "statement_cache_capacity=" + strconv.Itoa(DefaultPostgresStatementCache)
}

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
// reconnecting. With migrate (-demo, tests) it first applies the binary's
// pending migrations; without, it refuses a database that is not at the
// binary's schema, with an error that says which command to run. A
// SQLite DSN gets the settings the gateway needs whatever it says
// (SQLiteDSN).
func OpenDatabase(ctx context.Context, url string, maxConns int, migrate bool, opts ...DatabaseOption) (*ent.Client, error) {
	d, err := Open(ctx, url, maxConns, migrate, opts...)
	return d.Client, err
}

// Database is an open database: the ent client over its connection pool,
// and the pool itself for its metrics (Gateway.Pool).
type Database struct {
	Client *ent.Client
	Pool   *sql.DB
}

// Open is OpenDatabase, also returning the pool.
func Open(ctx context.Context, url string, maxConns int, migrate bool, opts ...DatabaseOption) (Database, error) {
	o := databaseOptions{log: slog.New(slog.DiscardHandler)}
	for _, opt := range opts {
		opt(&o)
	}
	db, dialectName, err := openDB(ctx, url, maxConns, o.log)
	if err != nil {
		return Database{}, err
	}
	if migrate {
		if _, err := migrations.Apply(ctx, db, dialectName); err != nil {
			db.Close()
			return Database{}, fmt.Errorf("migrating: %w", err)
		}
	}
	st, err := migrations.Check(ctx, db, dialectName)
	if err == nil {
		err = st.Err()
	}
	if err != nil {
		db.Close()
		return Database{}, fmt.Errorf("checking the schema: %w", err)
	}
	system := "sqlite"
	if dialectName == dialect.Postgres {
		system = "postgresql"
	}
	client := ent.NewClient(ent.Driver(utcDriver{entsql.OpenDB(dialectName, db), system}))
	if dialectName == dialect.SQLite {
		client.PrivacyRequest.Use(checkpointAfterErasure(db, o.log))
	}
	// A database from before the consent state was kept gets it from its
	// ledger, once.
	if _, err := ledger.Fill(ctx, client); err != nil {
		client.Close()
		return Database{}, fmt.Errorf("filling the consent state from the ledger: %w", err)
	}
	return Database{Client: client, Pool: db}, nil
}

// MigrateDatabase applies the binary's pending migrations to the database
// at url and returns the versions it applied (`go run ./server migrate`). With baseline, a database
// created before versioned migrations is first brought to the binary's
// schema by ent's automatic migration (which only adds) and recorded as
// migrated. Callers that share the database with other replicas hold
// LockStart around it.
func MigrateDatabase(ctx context.Context, url string, baseline bool) ([]string, error) {
	db, dialectName, err := openDB(ctx, url, 1, nil)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if baseline {
		st, err := migrations.Check(ctx, db, dialectName)
		if err != nil {
			return nil, err
		}
		if !st.Unversioned {
			return nil, errors.New("-baseline is for a database created before versioned migrations; this one has them")
		}
		client := ent.NewClient(ent.Driver(entsql.OpenDB(dialectName, db)))
		if err := client.Schema.Create(ctx); err != nil {
			return nil, fmt.Errorf("bringing the schema up to date: %w", err)
		}
		if err := migrations.Baseline(ctx, db, dialectName); err != nil {
			return nil, err
		}
		return nil, nil
	}
	return migrations.Apply(ctx, db, dialectName)
}

// LockStart takes the lock under which a replica does what it does at
// start on a shared database (migrations, the first policy version, the
// demo seed and operations), so that replicas started together do it one
// after the other: PostgreSQL's advisory lock (migrations.Lock), a SQLite
// file's flock (sqliteStartLock). It returns the lock's release.
func LockStart(ctx context.Context, url string) (func() error, error) {
	if !strings.HasPrefix(url, "postgres://") && !strings.HasPrefix(url, "postgresql://") {
		return sqliteStartLock(ctx, url)
	}
	db, dialectName, err := openDB(ctx, url, 2, nil)
	if err != nil {
		return nil, err
	}
	unlock, err := migrations.Lock(ctx, db, dialectName)
	if err != nil {
		db.Close()
		return nil, err
	}
	return func() error { return errors.Join(unlock(), db.Close()) }, nil
}

// openDB opens and pings the database at url with a pool of maxConns (0:
// the database's default), and names its dialect. A SQLite DSN gets the
// settings the gateway needs (SQLiteDSN); with log, it says which it added
// and which are in force.
func openDB(ctx context.Context, url string, maxConns int, log *slog.Logger) (*sql.DB, string, error) {
	driverName, dialectName := "sqlite3", dialect.SQLite
	var added []string
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		driverName, dialectName = "pgx", dialect.Postgres
		url = PostgresURL(url)
	} else {
		var err error
		if url, added, err = SQLiteDSN(url); err != nil {
			return nil, "", err
		}
	}
	db, err := sql.Open(driverName, url)
	if err != nil {
		return nil, "", fmt.Errorf("opening database: %w", err)
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
		return nil, "", fmt.Errorf("connecting to database: %w", err)
	}
	if dialectName == dialect.SQLite && log != nil {
		if err := logSQLiteSettings(ctx, db, url, added, log); err != nil {
			db.Close()
			return nil, "", err
		}
	}
	return db, dialectName, nil
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
		SetVersion(p.Version).SetEffectiveAt(time.Now()).SetTextDigest(consent.PolicyTextDigest()).SetText(string(consent.PolicyText())).
		SetChangedPurposes(consent.Purpose("").Values()).
		Exec(ctx)
}

// utcDriver hands every time argument to the database in UTC. SQLite keeps
// a time as text with the offset it came with and compares text, so an
// instant written as 14:00-05:00 would sort before one written as
// 18:00Z; in UTC the text order is the time order, for stored values and
// predicates alike (a policy version's effective time, a grant's expiry).
//
// It also gives every statement its span (tracing.Statement), which names
// the database and the statement's verb only.
type utcDriver struct {
	*entsql.Driver
	system string // "sqlite" or "postgresql", for the spans
}

func (d utcDriver) Exec(ctx context.Context, query string, args, v any) (err error) {
	ctx, span := tracing.Statement(ctx, d.system, query)
	defer func() { tracing.End(span, err) }()
	return d.Driver.Exec(ctx, query, utcArgs(args), v)
}

func (d utcDriver) Query(ctx context.Context, query string, args, v any) (err error) {
	ctx, span := tracing.Statement(ctx, d.system, query)
	defer func() { tracing.End(span, err) }()
	return d.Driver.Query(ctx, query, utcArgs(args), v)
}

func (d utcDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	return d.BeginTx(ctx, nil)
}

func (d utcDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	ctx, span := tracing.Statement(ctx, d.system, "BEGIN")
	tx, err := d.Driver.BeginTx(ctx, opts)
	tracing.End(span, err)
	return utcTx{tx, d.system}, err
}

type utcTx struct {
	dialect.Tx
	system string
}

// ExecContext runs a statement in the transaction as is (ent's
// Tx.ExecContext: the access records' chain lock, records.Chain).
func (t utcTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	ex, ok := t.Tx.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	})
	if !ok {
		return nil, errors.New("the transaction runs no statement as is")
	}
	ctx, span := tracing.Statement(ctx, t.system, query)
	res, err := ex.ExecContext(ctx, query, args...)
	tracing.End(span, err)
	return res, err
}

func (t utcTx) Exec(ctx context.Context, query string, args, v any) (err error) {
	ctx, span := tracing.Statement(ctx, t.system, query)
	defer func() { tracing.End(span, err) }()
	return t.Tx.Exec(ctx, query, utcArgs(args), v)
}

func (t utcTx) Query(ctx context.Context, query string, args, v any) (err error) {
	ctx, span := tracing.Statement(ctx, t.system, query)
	defer func() { tracing.End(span, err) }()
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
