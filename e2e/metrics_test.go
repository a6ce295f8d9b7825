package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"consentgate/gateway"
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
	body := metricsOf(t, f.metrics)
	checkMetrics(t, body,
		`consentgate_decisions_total{category="NAME",outcome="PLAIN",purpose="NONE",role="EMPLOYER"} 1`,
		`consentgate_decisions_total{category="ADDRESS_STREET",outcome="HIDE",purpose="NONE",role="EMPLOYER"} 1`,
		`consentgate_decisions_total{category="EMAIL",outcome="PLAIN",purpose="NONE",role="EMPLOYER"} 1`,
		`consentgate_decisions_total{category="EMAIL",outcome="MASK",purpose="NONE",role="SUPPORT"} 1`,
	)
	for _, acc := range fixtureAccounts {
		if strings.Contains(body, `"`+acc+`"`) {
			t.Errorf("metrics name account %s", acc)
		}
	}
}

// checkMetrics fails t if body lacks one of want or holds any fixture
// account's canary value.
func checkMetrics(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("metrics lack %s", w)
		}
	}
	for _, acc := range fixtureAccounts {
		for value := range canaries(acc) {
			if strings.Contains(body, value) {
				t.Errorf("metrics hold %q", value)
			}
		}
	}
}

// metricsOf is what GET /metrics answers on the metrics listener's handler.
func metricsOf(t *testing.T, h http.Handler) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	return rec.Body.String()
}

// TestOperatorMetrics: requests by route, method, code and operation type
// with their latency, the connection pool, the access records' writes and
// their latency, the consent state's reads, and the budget spends; every
// label from a closed set, so that a path, an account or a value never
// becomes one.
func TestOperatorMetrics(t *testing.T) {
	forEachDurableBackendDSN(t, func(t *testing.T, d durableBackend) {
		f := newFixture(t, d.client)
		db, err := gateway.Open(t.Context(), d.dsn, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Client.Close() })
		h := testGatewayHandlers(db.Client, nil, func(gw *gateway.Gateway) {
			gw.Pool, gw.Policy, gw.Noise = db.Pool, statsPolicy(), silent{}
		})
		f.handler, f.metrics = h.API, h.Metrics
		f.post(t, as("acme"), `{ applicants { edges { node { name } } } }`, nil)
		f.post(t, as("alice"), `mutation { updateMyProfile(input: {city: "Kobe"}) { id } }`, nil)
		f.post(t, nil, `{ jobs { totalCount } }`, nil)
		stats(t, f, "analyst", []string{"PREFECTURE"}, nil)
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/cnryalicename/x?"+canary("alice", "email"), nil))
		m := metricsOf(t, f.metrics)
		for _, want := range []string{
			`consentgate_http_requests_total{code="200",method="POST",operation_type="query",route="/graphql"} 3`,
			`consentgate_http_requests_total{code="200",method="POST",operation_type="mutation",route="/graphql"} 1`,
			`consentgate_http_requests_total{code="404",method="GET",operation_type="none",route="other"} 1`,
			`consentgate_http_request_duration_seconds_count{operation_type="query",route="/graphql"} 3`,
			`go_sql_max_open_connections{db_name="consentgate"}`,
			`go_sql_in_use_connections{db_name="consentgate"}`,
			`go_sql_idle_connections{db_name="consentgate"}`,
			`go_sql_wait_count_total{db_name="consentgate"}`,
			"consentgate_access_record_write_seconds_count 1\n",
			"consentgate_releases_total 1\n",
			"consentgate_access_records_total 1\n",
			"consentgate_consent_state_read_seconds_count ",
			`consentgate_budget_spends_total{outcome="charged",purpose="ANALYTICS"} 1`,
		} {
			checkMetrics(t, m, want)
		}
		if strings.Contains(m, "cnry") || strings.Contains(m, "Kobe") {
			t.Error("metrics hold a value from a request")
		}
	})
}
