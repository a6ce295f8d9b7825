package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"consentgate/consent"
	"consentgate/datamap"
)

// TestDataMapHTTP fetches GET /datamap from the gateway's handler.
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
	rec = httptest.NewRecorder()
	f.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/datamap", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /datamap: %d", rec.Code)
	}
}
