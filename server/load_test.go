package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/demo"
	"consentgate/ent/privacy"
	"consentgate/load"
)

// TestLoadAgainstDemo drives the real handler, over demo data in a SQLite
// file configured as the default DATABASE_URL, with 8 clients for 2
// seconds.
func TestLoadAgainstDemo(t *testing.T) {
	ctx := t.Context()
	dsn := strings.Replace(DefaultDatabaseURL, "consentgate.db", filepath.Join(t.TempDir(), "load.db"), 1)
	client, err := OpenDatabase(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	if _, err := demo.Seed(ctx, client); err != nil {
		t.Fatal(err)
	}
	policy := consent.DefaultPolicy()
	if err := EnsurePolicyVersion(ctx, client, policy); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Gateway{
		Client: client, Auth: NewAuthenticator([]byte(DemoSecret)), Policy: policy, HashKey: testHashKey,
		Dev: true, Log: slog.New(slog.DiscardHandler), RateLimit: unlimited,
	}.Handler())
	t.Cleanup(srv.Close)

	endpoint, err := load.Endpoint(srv.URL, false)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := load.Run(ctx, demoLoad(load.Options{Endpoint: endpoint, Clients: 8, Duration: 2 * time.Second, Grace: 2 * time.Second, Seed: 1}, []byte(DemoSecret)))
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
	if rep.Requests < 100 {
		t.Errorf("requests = %d, want at least 100 in 2 s", rep.Requests)
	}
	if rep.Status["200"] == 0 || rep.Status["401"] != 0 || rep.Status["429"] != 0 {
		t.Errorf("status = %v, want 200s only", rep.Status)
	}
	for code, n := range rep.GraphQLErrors { // INTERNAL included: the default DSN takes write locks up front
		t.Errorf("%d responses with GraphQL error %s: every operation of the mix is permitted to its viewer", n, code)
	}
	if rep.RequestsPerSecond <= 0 || rep.ElapsedSeconds < 2 || rep.ElapsedSeconds > 4 {
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

// TestLoadFailsOnServerErrors runs the command against a stand-in gateway
// that answers 500 to privacy requests and INTERNAL to mutations.
func TestLoadFailsOnServerErrors(t *testing.T) {
	var requests, stray atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/metrics" { // the audit counters, read before and after
			http.NotFound(w, r)
			return
		}
		requests.Add(1)
		if r.Method != http.MethodPost || r.URL.Path != "/graphql" || r.Header.Get("Content-Type") != "application/json" {
			stray.Add(1)
		}
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		switch {
		case bytes.Contains(body, []byte("privacyRequests")):
			w.WriteHeader(http.StatusInternalServerError)
			io.WriteString(w, `{"errors":[{"message":"boom"}]}`)
		case bytes.Contains(body, []byte("mutation")) && !bytes.Contains(body, []byte("registerOperation")):
			io.WriteString(w, `{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}],"data":null}`)
		default:
			io.WriteString(w, `{"data":{}}`)
		}
	}))
	t.Cleanup(srv.Close)

	var out bytes.Buffer
	err := loadCommand(t.Context(), []string{"-url", srv.URL, "-clients", "4", "-duration", "300ms", "-json", "-secret", DemoSecret}, &out)
	if err == nil || !strings.Contains(err.Error(), "5xx") {
		t.Errorf("loadCommand = %v, want an error naming the 5xx responses", err)
	}
	var rep load.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("-json output: %v\n%s", err, out.String())
	}
	if rep.ServerErrors == 0 || rep.ServerErrors != rep.Status["500"] || rep.GraphQLErrors["INTERNAL"] == 0 || !rep.Failed() {
		t.Errorf("report: 5xx %d, status %v, codes %v", rep.ServerErrors, rep.Status, rep.GraphQLErrors)
	}
	if rep.AuditChecked {
		t.Error("audit counters read from a server without /metrics")
	}
	if rep.GraphQLErrors["(no code)"] != rep.ServerErrors {
		t.Errorf("responses with an error without code = %d, want %d", rep.GraphQLErrors["(no code)"], rep.ServerErrors)
	}
	// 1 jobs, 4 approved operations and 4 employers' applications in the
	// warm-up, then the run.
	if int64(rep.Requests)+9 != requests.Load() || stray.Load() != 0 {
		t.Errorf("server saw %d requests (%d not a JSON POST to /graphql); report says %d + 9 warm-up", requests.Load(), stray.Load(), rep.Requests)
	}
}

func TestLoadRefusesRemoteHosts(t *testing.T) {
	// The command refuses before sending anything: a context already
	// cancelled would turn any request into an error of another kind.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	var out bytes.Buffer
	err := loadCommand(ctx, []string{"-url", "http://192.0.2.1:8080", "-duration", "1s"}, &out)
	if err == nil || !strings.Contains(err.Error(), "not loopback") || out.Len() != 0 {
		t.Errorf("loadCommand with a remote URL = %v, output %q; want a refusal naming loopback", err, out.String())
	}
}
