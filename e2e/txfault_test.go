package e2e

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"consentgate/ent"
	"consentgate/gateway"
)

// driverWords are what a driver's own message says of a connection; none
// may reach a client.
var driverWords = []string{"sql:", "database is closed", "conn closed", "SQLSTATE", "terminating", "transaction", "pgx", "sqlite", "postgres", "5432", "127.0.0.1", "dial", "EOF"}

// faultCodes are the codes a request its viewer may send can meet when
// the database fails under it: all retryable. Not FORBIDDEN (a rule that
// could not read is not a refusal), not INTERNAL.
var faultCodes = map[string]bool{"UNAVAILABLE": true, "AUDIT_UNAVAILABLE": true, "CONFLICT": true, "TIMEOUT": true}

// checkPresented fails unless r is a success or a response of the one
// error presenter: every error with a retryable code (faultCodes), the
// request's own id, and none of the driver's words (or extra).
func checkPresented(t *testing.T, what string, r gqlResponse, extra ...string) {
	t.Helper()
	for _, e := range r.Errors {
		code, _ := dig(e, "extensions", "code").(string)
		id, _ := dig(e, "extensions", "requestId").(string)
		if !faultCodes[code] || id == "" || id != r.RequestID {
			t.Fatalf("%s: an error without a retryable code or the request id (%q): %s", what, r.RequestID, r.Raw)
		}
	}
	for _, w := range append(extra, driverWords...) {
		if strings.Contains(r.comparable(), w) { // without the request id, whose digits may hold "5432"
			t.Fatalf("%s: the response says %q: %s", what, w, r.Raw)
		}
	}
	if r.Status >= 500 {
		t.Fatalf("%s: status %d: %s", what, r.Status, r.Raw)
	}
}

// faultOperations are requests that write (a mutation in its own
// transaction) and read, as the people who send them.
var faultOperations = []struct {
	viewer, query string
}{
	{"alice", `mutation { updateMyProfile(input: {city: "Kawasaki"}) { city } }`},
	{"bob", `mutation { changeConsent(input: {purpose: MAIL_MAGAZINE, granted: true}) { granted } }`},
	{"acme", `{ applicants { edges { node { name email } } } }`},
	{"alice", `{ me { name applications { totalCount } } }`},
}

// TestClosedDatabaseIsPresented: with the database closed under it, a
// mutation's transaction cannot start and a query cannot read: both answer
// through the one error presenter, UNAVAILABLE (retryable) with the
// request id and no data, never the driver's message.
func TestClosedDatabaseIsPresented(t *testing.T) {
	forEachDurableDSN(t, func(t *testing.T, client *ent.Client, dsn string) {
		f := newFixture(t, client)
		// A second gateway process over the same database, whose database
		// then closes under it.
		broken, err := gateway.OpenDatabase(context.Background(), dsn, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		f.handler = testGateway(broken, nil, nil)
		if r := f.post(t, as("alice"), faultOperations[0].query, nil); len(r.Errors) > 0 {
			t.Fatalf("before: %s", r.Raw)
		}
		broken.Close()
		for _, op := range faultOperations {
			r := f.post(t, as(op.viewer), op.query, nil)
			checkPresented(t, op.query, r)
			if errorCode(r) != "UNAVAILABLE" || len(r.Errors) != 1 || strings.Contains(r.Raw, "cnry") || r.Data != nil && dig(r.Data, "me") != nil {
				t.Fatalf("%s: %s", op.query, r.Raw)
			}
		}
	})
}

// TestTerminatedConnectionsArePresented: PostgreSQL's connections to the
// gateway are terminated (pg_terminate_backend, what a failover does) while
// requests run: every response is a success or goes through the one error
// presenter, with a code (the connection's loss: UNAVAILABLE, retryable),
// the request id, and never the driver's message, the database's name,
// user, host or port.
func TestTerminatedConnectionsArePresented(t *testing.T) {
	dsn := os.Getenv("CONSENTGATE_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must set CONSENTGATE_TEST_POSTGRES")
		}
		t.Skip("CONSENTGATE_TEST_POSTGRES is not set")
	}
	client, own := openPostgresDSN(t, dsn)
	u, err := url.Parse(own)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	f := newFixture(t, client)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	terminate := func() int {
		var n int
		if err := admin.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, name).Scan(&n); err != nil {
			t.Error(err)
		}
		return n
	}
	secrets := []string{name, u.User.Username() + "@", "administrator"}

	// The pool's idle connections are cut: the next requests start on a
	// dead connection.
	for _, op := range faultOperations {
		f.post(t, as(op.viewer), op.query, nil)
	}
	codes := map[string]int{}
	for round := 0; round < 5; round++ {
		if terminate() == 0 {
			t.Fatal("no connection of the gateway to terminate")
		}
		for _, op := range faultOperations {
			r := f.post(t, as(op.viewer), op.query, nil)
			checkPresented(t, op.query, r, secrets...)
			codes[errorCode(r)]++
		}
	}

	// Connections cut while requests run, in every phase of a request.
	var wg sync.WaitGroup
	var done atomic.Bool
	var mu sync.Mutex
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 40; i++ {
				op := faultOperations[(w+i)%len(faultOperations)]
				r := f.post(t, as(op.viewer), op.query, nil)
				checkPresented(t, op.query, r, secrets...)
				mu.Lock()
				codes[errorCode(r)]++
				mu.Unlock()
			}
		}()
	}
	terminated := make(chan int)
	go func() {
		n := 0
		for !done.Load() {
			n += terminate()
		}
		terminated <- n
	}()
	wg.Wait()
	done.Store(true)
	n := <-terminated
	t.Logf("%d connections terminated; responses by code: %v", n, codes)
	if codes["UNAVAILABLE"] == 0 {
		t.Fatalf("no request saw a terminated connection: %v", codes)
	}
	// And the gateway recovers on its own: a pooled connection cut after its
	// last use may still fail the next request, retryably (UNAVAILABLE is
	// the contract: retry), and a retry finds a live one.
	for _, op := range faultOperations {
		r := f.post(t, as(op.viewer), op.query, nil)
		for retries := 0; len(r.Errors) > 0 && errorCode(r) == "UNAVAILABLE" && retries < 3; retries++ {
			r = f.post(t, as(op.viewer), op.query, nil)
		}
		if len(r.Errors) > 0 {
			t.Fatalf("after: %s", r.Raw)
		}
	}
	if logs := f.logs.String(); strings.Contains(logs, "cnry") {
		t.Fatalf("logs hold personal values: %s", logs)
	}
}
