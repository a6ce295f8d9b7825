package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestMetrics checks that decisions are counted by role, purpose, category
// and outcome, once per subject and category per operation, and that the
// metrics carry no subject and no value; they are served on the metrics
// listener only, never beside the API, with or without a token.
func TestMetrics(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	f.post(t, as("acme"), `{ applicants { edges { node { name n2: name street email } } } }`, nil)
	f.post(t, as("support"), `{ applicants { edges { node { email } } } }`, nil)
	for _, viewer := range []string{"", "admin"} {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		if viewer != "" {
			req.Header.Set("Authorization", "Bearer "+token(t, *as(viewer)))
		}
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "consentgate_") {
			t.Fatalf("/metrics beside the API, as %q: %d %s", viewer, rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
		}
	}
	rec := httptest.NewRecorder()
	f.metrics.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`consentgate_decisions_total{category="NAME",outcome="PLAIN",purpose="NONE",role="EMPLOYER"} 1`,
		`consentgate_decisions_total{category="ADDRESS_STREET",outcome="HIDE",purpose="NONE",role="EMPLOYER"} 1`,
		`consentgate_decisions_total{category="EMAIL",outcome="PLAIN",purpose="NONE",role="EMPLOYER"} 1`,
		`consentgate_decisions_total{category="EMAIL",outcome="MASK",purpose="NONE",role="SUPPORT"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, acc := range fixtureAccounts {
		for value := range canaries(acc) {
			if strings.Contains(body, value) {
				t.Errorf("metrics hold %q", value)
			}
		}
		if strings.Contains(body, `"`+acc+`"`) {
			t.Errorf("metrics name account %s", acc)
		}
	}
}
