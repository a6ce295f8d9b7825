package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"consentgate/gateway"
	"consentgate/load"
)

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
		case bytes.Contains(body, []byte("registerOperation")): // the warm-up's operations: registered and approved already
			io.WriteString(w, `{"errors":[{"message":"registered already","extensions":{"code":"OPERATION_EXISTS"}}],"data":null}`)
		case bytes.Contains(body, []byte("operations(where")):
			io.WriteString(w, `{"data":{"operations":{"edges":[{"node":{"id":"1","approvedAt":"2026-01-01T00:00:00Z","revokedAt":null}}]}}}`)
		case bytes.Contains(body, []byte("mutation")):
			io.WriteString(w, `{"errors":[{"message":"internal error","extensions":{"code":"INTERNAL"}}],"data":null}`)
		default:
			io.WriteString(w, `{"data":{}}`)
		}
	}))
	t.Cleanup(srv.Close)

	var out bytes.Buffer
	err := loadCommand(t.Context(), []string{"-url", srv.URL, "-metrics", srv.URL + "/metrics", "-clients", "4", "-duration", "300ms", "-json", "-secret", gateway.DemoSecret}, &out)
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
	// 1 jobs, 4 approved operations (each registered, then looked up: it
	// is approved already) and 4 employers' applications in the warm-up,
	// then the run.
	if int64(rep.Requests)+13 != requests.Load() || stray.Load() != 0 {
		t.Errorf("server saw %d requests (%d not a JSON POST to /graphql); report says %d + 13 warm-up", requests.Load(), stray.Load(), rep.Requests)
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
