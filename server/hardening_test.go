package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"consentgate/consent"
)

// TestNoFieldSuggestions: production answers a misspelt field without
// "Did you mean", which would reveal the schema; demo mode keeps them.
func TestNoFieldSuggestions(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	q := `{ applicants { edges { node { nam } } } }`
	if r := f.post(t, as("acme"), q, nil); r.Status != 422 || strings.Contains(r.Raw, "Did you mean") {
		t.Fatalf("production: %d %s", r.Status, r.Raw)
	}
	demo := Gateway{Client: f.client, Auth: NewAuthenticator(testSecret), Policy: consent.DefaultPolicy(), HashKey: testHashKey,
		Demo: true, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}.Handler()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"`+q+`"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	demo.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "Did you mean") {
		t.Fatalf("demo: %s", rec.Body)
	}
}

// TestResponsesAreNotCached: every GraphQL response says no-store.
func TestResponsesAreNotCached(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	for _, v := range []string{"", "alice"} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ jobs { totalCount } }"}`))
		req.Header.Set("Content-Type", "application/json")
		if v != "" {
			req.Header.Set("Authorization", "Bearer "+token(t, *as(v)))
		}
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("viewer %q: %d, Cache-Control %q", v, rec.Code, rec.Header().Get("Cache-Control"))
		}
	}
}

// TestBodyLimit: a body over MaxBodyBytes is refused with 413 before it is
// parsed, whether or not it declares its length.
func TestBodyLimit(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	big := `{"query":"{ jobs { totalCount } }","variables":{"x":"` + strings.Repeat("a", MaxBodyBytes) + `"}}`
	for _, declared := range []bool{true, false} {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewBufferString(big))
		req.Header.Set("Content-Type", "application/json")
		if !declared {
			req.ContentLength = -1
		}
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), `"PAYLOAD_TOO_LARGE"`) || strings.Contains(rec.Body.String(), "aaaa") {
			t.Errorf("declared=%v: %d %s", declared, rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
		}
	}
	ok := `{"query":"{ jobs { totalCount } }","variables":{"x":"` + strings.Repeat("a", MaxBodyBytes/2) + `"}}`
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewBufferString(ok))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("a body under the limit: %d %s", rec.Code, rec.Body)
	}
}

// TestReadiness: /readyz answers 200 while the database answers and 503
// once it does not; /healthz only says the process is alive.
func TestReadiness(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	get := func(path string) int {
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil).WithContext(context.Background()))
		return rec.Code
	}
	if get("/readyz") != 200 || get("/healthz") != 200 {
		t.Fatal("not ready with a database")
	}
	f.client.Close()
	if got := get("/readyz"); got != http.StatusServiceUnavailable {
		t.Fatalf("readyz without a database: %d", got)
	}
	if get("/healthz") != 200 {
		t.Fatal("healthz without a database")
	}
}
