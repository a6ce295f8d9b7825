package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"consentgate/consent"
	"consentgate/datamap"
	"consentgate/gateway"
)

// TestDataMapHTTP fetches GET /datamap from the gateway's handler: the
// map, with the surfaces (the privacy centre and the console among them,
// using only the GraphQL API), each of which the gateway serves.
func TestDataMapHTTP(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/datamap", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /datamap: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	page := rec.Body.String()
	for _, want := range []string{"<title>consentgate data map</title>", "<style>", "Applicant.email", "2026-01", "mask EMAIL", "EMPLOYER_PROVISION", "OPT_IN"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, f := range datamap.BuildSchema(consent.DefaultPolicy()).Fields {
		if !strings.Contains(page, ">"+f.Field+"<") {
			t.Errorf("the page has no row for %s", f.Field)
		}
	}
	for _, external := range []string{"<script", "<link", "src=", "http://", "https://"} {
		if strings.Contains(page, external) {
			t.Errorf("the page is not self-contained: it has %q", external)
		}
	}
	for _, path := range []string{"/privacy", "/console"} {
		if !strings.Contains(page, "<tr><th><code>"+path+"</code></th>") || !strings.Contains(page, "only the public GraphQL API (/graphql)") {
			t.Errorf("the page does not list %s among the surfaces, using only the GraphQL API", path)
		}
	}
	// The surfaces are what the gateway serves: each is served, a
	// development one only in development mode.
	dev := testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Dev = true })
	for _, s := range datamap.BuildSchema(consent.DefaultPolicy()).Surfaces {
		for _, h := range []struct {
			handler http.Handler
			serves  bool
		}{{f.handler, !s.DevOnly}, {dev, true}} {
			rec := httptest.NewRecorder()
			h.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, s.Path, nil))
			if served := rec.Code != http.StatusNotFound; served != h.serves {
				t.Errorf("GET %s: %d, and the data map lists it as a surface (dev only: %v)", s.Path, rec.Code, s.DevOnly)
			}
		}
	}
	rec = httptest.NewRecorder()
	f.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/datamap", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /datamap: %d", rec.Code)
	}
}
