package e2e

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"consentgate/ent"
	"consentgate/ent/privacy"
	"consentgate/gateway"
)

// openReadOnly opens the database behind dsn so that nothing can be
// written: SQLite's query_only on every connection, PostgreSQL's
// default_transaction_read_only (what a standby gives, or an operator
// stopping writes on a full disk). It is opened as OpenDatabase does, but
// without the migration and the consent state's fill, which write.
func openReadOnly(t *testing.T, dsn string) *ent.Client {
	t.Helper()
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	driver, dia := "pgx", dialect.Postgres
	if strings.HasPrefix(dsn, "postgres") {
		dsn += sep + "default_transaction_read_only=on"
	} else {
		driver, dia = "sqlite3", dialect.SQLite
		var err error
		if dsn, _, err = gateway.SQLiteDSN(dsn + sep + "_query_only=1"); err != nil {
			t.Fatal(err)
		}
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	client := ent.NewClient(ent.Driver(entsql.OpenDB(dia, db)))
	t.Cleanup(func() { client.Close() })
	return client
}

// TestReadinessCoversWrites: /readyz is 503 while the database answers
// reads but takes no write, though reads still work; 200 over the same
// database when it takes writes. A mutation on the read-only database is
// UNAVAILABLE (retryable).
func TestReadinessCoversWrites(t *testing.T) {
	forEachDurableDSN(t, func(t *testing.T, client *ent.Client, dsn string) {
		f := newFixture(t, client)
		ready := func(h http.Handler) int {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
			return rec.Code
		}
		for range 3 { // the probe leaves nothing behind and may run again
			if got := ready(f.handler); got != http.StatusOK {
				t.Fatalf("readyz on a writable database: %d", got)
			}
		}
		ro := openReadOnly(t, dsn)
		writable := f.handler
		f.handler = testGateway(ro, nil, nil)
		if got := ready(f.handler); got != http.StatusServiceUnavailable {
			t.Fatalf("readyz on a read-only database: %d", got)
		}
		if r := f.post(t, as("acme"), `{ applicants { edges { node { name } } } }`, nil); errorCode(r) != "AUDIT_UNAVAILABLE" || strings.Contains(r.Raw, "cnry") {
			t.Fatalf("a release that cannot be recorded: %s", r.Raw)
		}
		if r := f.post(t, nil, `{ jobs { totalCount } }`, nil); len(r.Errors) > 0 {
			t.Fatalf("a read on the read-only database: %s", r.Raw)
		}
		r := f.post(t, as("alice"), `mutation { updateMyProfile(input: {city: "Kawasaki"}) { city } }`, nil)
		checkPresented(t, "a write on the read-only database", r)
		if errorCode(r) != "UNAVAILABLE" {
			t.Fatalf("a write on the read-only database: %s", r.Raw)
		}
		if got := ready(writable); got != http.StatusOK {
			t.Fatalf("readyz on the writable database after: %d", got)
		}
		if n := len(client.Employer.Query().AllX(privacy.DecisionContext(context.Background(), privacy.Allow))); n != 2 {
			t.Fatalf("%d employers after the probes, want the fixture's 2", n)
		}
	})
}
