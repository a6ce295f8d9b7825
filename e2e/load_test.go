package e2e

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/demo"
	"consentgate/ent/privacy"
	"consentgate/gateway"
	"consentgate/load"
)

// TestLoadAgainstDemo drives the real handler, over demo data in a SQLite
// file configured as the default DATABASE_URL, with 8 clients for 2
// seconds.
func TestLoadAgainstDemo(t *testing.T) {
	ctx := t.Context()
	dsn := strings.Replace(gateway.DefaultDatabaseURL, "consentgate.db", filepath.Join(t.TempDir(), "load.db"), 1)
	client, err := gateway.OpenDatabase(ctx, dsn, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	if _, err := demo.Seed(ctx, client); err != nil {
		t.Fatal(err)
	}
	policy := consent.DefaultPolicy()
	if err := gateway.EnsurePolicyVersion(ctx, client, policy); err != nil {
		t.Fatal(err)
	}
	gw := gateway.Gateway{Config: gateway.Defaults(), Client: client, Auth: gateway.NewAuthenticator([]byte(gateway.DemoSecret)),
		Log: slog.New(slog.DiscardHandler)}
	gw.Policy, gw.HashKey, gw.Dev, gw.RateLimit = policy, testHashKey, true, unlimited
	h := gw.Handlers()
	srv, metrics := httptest.NewServer(h.API), httptest.NewServer(h.Metrics)
	t.Cleanup(srv.Close)
	t.Cleanup(metrics.Close)

	endpoint, err := load.Endpoint(srv.URL, false)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := load.Run(ctx, load.Options{Endpoint: endpoint, Metrics: metrics.URL + "/metrics", Clients: 8, Duration: 2 * time.Second, Grace: 2 * time.Second, Seed: 1,
		Sign: gateway.Signer([]byte(gateway.DemoSecret)), Identities: demo.Identities()})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", out.String())

	if rep.ServerErrors != 0 || rep.TransportErrors != 0 || rep.Unfinished != 0 || rep.Aborted != 0 {
		t.Errorf("5xx %d, transport errors %d %v, unfinished %d, aborted %d; want none",
			rep.ServerErrors, rep.TransportErrors, rep.TransportErrorSamples, rep.Unfinished, rep.Aborted)
	}
	if !rep.AuditChecked || rep.Releases == 0 || rep.Releases != rep.AccessRecords {
		t.Errorf("audit: checked %v, %d records for %d releases", rep.AuditChecked, rep.AccessRecords, rep.Releases)
	}
	if rows := client.AccessRecord.Query().CountX(privacy.DecisionContext(ctx, privacy.Allow)); rows < rep.AccessRecords {
		t.Errorf("%d access records in the database, %d counted", rows, rep.AccessRecords)
	}
	if rep.Requests == 0 { // how many is the machine's business: no timing assertion
		t.Error("no request was sent")
	}
	if rep.Status["200"] == 0 || rep.Status["401"] != 0 || rep.Status["429"] != 0 {
		t.Errorf("status = %v, want 200s only", rep.Status)
	}
	for code, n := range rep.GraphQLErrors { // INTERNAL included: the default DSN takes write locks up front
		t.Errorf("%d responses with GraphQL error %s: every operation of the mix is permitted to its viewer", n, code)
	}
	if rep.RequestsPerSecond <= 0 || rep.ElapsedSeconds < 2 {
		t.Errorf("throughput %.1f req/s over %.2f s", rep.RequestsPerSecond, rep.ElapsedSeconds)
	}
	l := rep.Latency
	if !(0 < l.P50 && l.P50 <= l.P90 && l.P90 <= l.P99 && l.P99 <= l.Max) {
		t.Errorf("latency percentiles out of order: %+v", l)
	}
	sum := 0
	for _, op := range rep.Operations {
		sum += op.Requests
		if op.Requests == 0 {
			t.Errorf("operation %q never ran", op.Name)
		}
	}
	if sum != rep.Requests || len(rep.Operations) != 15 {
		t.Errorf("%d operations adding up to %d requests, want 15 adding up to %d", len(rep.Operations), sum, rep.Requests)
	}
}
