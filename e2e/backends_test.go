package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"consentgate/ent"
	"consentgate/gateway"
	"consentgate/ledger/ledgertest"
	"consentgate/records"
)

// backend is a database the suite runs against.
type backend struct {
	name string
	open func(t testing.TB) *ent.Client
}

// backends returns SQLite always and PostgreSQL when
// CONSENTGATE_TEST_POSTGRES holds a DSN.
func backends(t testing.TB) []backend {
	bs := []backend{{name: "sqlite", open: func(t testing.TB) *ent.Client { return openSQLite(t) }}}
	if dsn := os.Getenv("CONSENTGATE_TEST_POSTGRES"); dsn != "" {
		bs = append(bs, backend{name: "postgres", open: func(t testing.TB) *ent.Client { return openPostgres(t, dsn) }})
	} else if os.Getenv("CI") == "true" {
		t.Fatal("CI must set CONSENTGATE_TEST_POSTGRES: the PostgreSQL variants may not be skipped there")
	} else {
		t.Log("CONSENTGATE_TEST_POSTGRES is not set: PostgreSQL variants skipped")
	}
	return bs
}

// forEachBackend runs f as a subtest per backend.
func forEachBackend(t *testing.T, f func(t *testing.T, client *ent.Client)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) { f(t, b.open(t)) })
	}
}

// forEachDurableBackend runs f per backend with a database that outlives
// its clients: a SQLite file as deployed, and PostgreSQL. reopen opens
// another client (another process, as far as the database can tell) on
// the same database.
func forEachDurableBackend(t *testing.T, f func(t *testing.T, client *ent.Client, reopen func() *ent.Client)) {
	forEachDurableDSN(t, func(t *testing.T, client *ent.Client, dsn string) {
		f(t, client, func() *ent.Client { return openDSN(t, dsn) })
	})
}

// forEachDurableDSN is forEachDurableBackend giving the database's DSN.
func forEachDurableDSN(t *testing.T, f func(t *testing.T, client *ent.Client, dsn string)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			var client *ent.Client
			var dsn string
			if b.name == "sqlite" {
				dsn = sqliteFileDSN(t)
				client = openDSN(t, dsn)
			} else {
				client, dsn = openPostgresDSN(t, os.Getenv("CONSENTGATE_TEST_POSTGRES"))
			}
			f(t, client, dsn)
		})
	}
}

// sqliteFileDSN is the default DSN, with the database in a test's
// temporary directory.
func sqliteFileDSN(t testing.TB) string {
	return strings.Replace(gateway.DefaultDatabaseURL, "consentgate.db", filepath.Join(t.TempDir(), "test.db"), 1)
}

// openDSN opens (and migrates) the database behind dsn for the test.
func openDSN(t testing.TB, dsn string) *ent.Client {
	t.Helper()
	client, err := gateway.OpenDatabase(context.Background(), dsn, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	verifyConsentStateAtEnd(t, client)
	return client
}

// forEachBackendAsDeployed is forEachBackend with SQLite as the gateway
// runs it by default (a file in WAL mode, a busy timeout, write locks taken
// up front) instead of a shared in-memory database, whose table locks fail
// concurrent writers at once: for tests of concurrency.
func forEachBackendAsDeployed(t *testing.T, f func(t *testing.T, client *ent.Client)) {
	for _, b := range backends(t) {
		if b.name == "sqlite" {
			b.open = func(t testing.TB) *ent.Client { return openDSN(t, sqliteFileDSN(t)) }
		}
		t.Run(b.name, func(t *testing.T) { f(t, b.open(t)) })
	}
}

var dbSeq atomic.Int64

// openSQLite opens a private in-memory SQLite database, migrated.
func openSQLite(t testing.TB) *ent.Client {
	client, _ := openSQLiteDSN(t)
	return client
}

// openSQLiteDSN is openSQLite, also returning the DSN (its shared cache
// lets another connection reach the same database).
func openSQLiteDSN(t testing.TB) (*ent.Client, string) {
	t.Helper()
	dsn := fmt.Sprintf("file:t%d_%d?mode=memory&cache=shared&_fk=1", time.Now().UnixNano(), dbSeq.Add(1))
	client, err := gateway.OpenDatabase(context.Background(), dsn, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	verifyConsentStateAtEnd(t, client)
	return client, dsn
}

// openPostgres creates a database of its own on the server behind dsn,
// opens and migrates it, and drops it when the test ends: tests of
// several packages run in parallel against one server.
func openPostgres(t testing.TB, dsn string) *ent.Client {
	t.Helper()
	client, _ := openPostgresDSN(t, dsn)
	return client
}

// openPostgresDSN is openPostgres, also returning the DSN of the test's
// own database.
func openPostgresDSN(t testing.TB, dsn string) (*ent.Client, string) {
	t.Helper()
	own := emptyPostgres(t, dsn)
	client, err := gateway.OpenDatabase(context.Background(), own, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	verifyConsentStateAtEnd(t, client)
	return client, own
}

// emptyPostgres creates an empty database of the test's own on the server
// behind dsn, dropped when the test ends, and returns its DSN.
func emptyPostgres(t testing.TB, dsn string) string {
	t.Helper()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("cg_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano(), dbSeq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("creating test database: %v", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	return u.String()
}

// verifyConsentStateAtEnd checks, when the test ends, that the consent
// state is the fold of the whole ledger (ledgertest.VerifyAtEnd), and that
// the access records' hash chain holds (records.Verify, as `records
// verify`), unless the test broke it on purpose (chainBrokenOnPurpose). A
// database the test made unreachable on purpose is only logged.
func verifyConsentStateAtEnd(t testing.TB, client *ent.Client) {
	ledgertest.VerifyAtEnd(t, client)
	t.Cleanup(func() {
		if _, ok := brokenChains.Load(t.Name()); ok {
			return
		}
		rep, err := records.Verify(context.Background(), client)
		if err != nil {
			t.Logf("access records' chain not verified: %v", err)
			return
		}
		if rep.Break != nil || rep.Unchained > 0 {
			t.Errorf("access records' chain: broken at %v, %d records before the chain", rep.Break, rep.Unchained)
		}
	})
}

// brokenChains holds the names of the tests that alter the access records
// behind the model's back on purpose.
var brokenChains sync.Map

// chainBrokenOnPurpose exempts t's databases from the chain check at its
// end.
func chainBrokenOnPurpose(t testing.TB) { brokenChains.Store(t.Name(), true) }
