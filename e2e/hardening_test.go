package e2e

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"consentgate/ent"
	"consentgate/gateway"
)

// TestNoFieldSuggestions: production answers a misspelt field without
// "Did you mean", which would reveal the schema; demo mode keeps them.
func TestNoFieldSuggestions(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	q := `{ applicants { edges { node { nam } } } }`
	if r := f.post(t, as("acme"), q, nil); r.Status != 200 || errorCode(r) != "GRAPHQL_VALIDATION_FAILED" || strings.Contains(r.Raw, "Did you mean") {
		t.Fatalf("production: %d %s", r.Status, r.Raw)
	}
	demo := testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Dev = true })
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

// TestBodyLimit: a body over gateway.MaxBodyBytes is refused with 413 before it is
// parsed, whether or not it declares its length.
func TestBodyLimit(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	big := `{"query":"{ jobs { totalCount } }","variables":{"x":"` + strings.Repeat("a", gateway.MaxBodyBytes) + `"}}`
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
	ok := `{"query":"{ jobs { totalCount } }","variables":{"x":"` + strings.Repeat("a", gateway.MaxBodyBytes/2) + `"}}`
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

// TestCSRF: requests a browser could send cross-site without a preflight
// are refused before anything runs; the same requests with a preflighted
// content type or header pass. GET never runs a mutation.
func TestCSRF(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	q := `{"query":"{ jobs { totalCount } }"}`
	cases := []struct {
		name, method, contentType, body, path string
		headers                               map[string]string
		status                                int
	}{
		{"json POST", "POST", "application/json", q, "/graphql", nil, 200},
		{"json POST with charset", "POST", "application/json; charset=utf-8", q, "/graphql", nil, 200},
		{"text/plain POST", "POST", "text/plain", q, "/graphql", nil, 415},
		{"form POST", "POST", "application/x-www-form-urlencoded", "query=%7B+jobs+%7B+totalCount+%7D+%7D", "/graphql", nil, 415},
		{"multipart POST", "POST", "multipart/form-data; boundary=x", "--x--", "/graphql", nil, 415},
		{"POST without a type", "POST", "", q, "/graphql", nil, 415},
		{"plain GET", "GET", "", "", "/graphql?query=%7Bjobs%7BtotalCount%7D%7D", nil, 400},
		{"preflighted GET", "GET", "", "", "/graphql?query=%7Bjobs%7BtotalCount%7D%7D", map[string]string{"Apollo-Require-Preflight": "true"}, 200},
		{"GET mutation", "GET", "", "", "/graphql?query=mutation%7BwithdrawApplication(id:1)%7Bstatus%7D%7D", map[string]string{"Apollo-Require-Preflight": "true"}, 406},
		{"PUT", "PUT", "application/json", q, "/graphql", nil, 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(c.method, c.path, strings.NewReader(c.body))
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			for k, v := range c.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			f.handler.ServeHTTP(rec, req)
			if rec.Code != c.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, c.status, rec.Body)
			}
		})
	}
}

// TestCORS: only configured origins get CORS headers, never a reflected
// arbitrary origin, never credentials; "null" is not an origin.
func TestCORS(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	h := testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.CORSOrigins = []string{"https://app.example.com"} })
	for _, c := range []struct {
		origin, want string
	}{
		{"https://app.example.com", "https://app.example.com"},
		{"https://evil.example.com", ""},
		{"null", ""},
	} {
		req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		req.Header.Set("Origin", c.origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get("Access-Control-Allow-Origin"); got != c.want {
			t.Errorf("origin %q: Allow-Origin %q, want %q", c.origin, got, c.want)
		}
		if rec.Header().Get("Access-Control-Allow-Credentials") != "" {
			t.Errorf("origin %q: credentials allowed", c.origin)
		}
	}
	for _, bad := range []string{"*", "app.example.com", "https://app.example.com/path", "ftp://x"} {
		if _, err := gateway.LoadConfig(func(k string) string {
			return map[string]string{"CONSENTGATE_CORS_ORIGINS": bad}[k]
		}, true); err == nil {
			t.Errorf("CONSENTGATE_CORS_ORIGINS=%q accepted", bad)
		}
	}
}

// TestRequestIDAndLogs: every response names its request id, errors carry
// it, and the access log holds one line per request with id, role and
// status, and no token, variable or value.
func TestRequestIDAndLogs(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	tok := token(t, *as("acme"))
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"operationName":"Dashboard","query":"query Dashboard($s: String) { jobs(where: {titleContains: $s}) { totalCount } applicants { edges { node { name } } } x: applicant(id: 1) { id } }","variables":{"s":"secret-variable-value"}}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	id := rec.Header().Get("X-Request-Id")
	if len(id) != 24 || !strings.Contains(rec.Body.String(), `"requestId":"`+id+`"`) {
		t.Fatalf("request id %q, body %s", id, rec.Body)
	}
	logs := f.logs.String()
	if !strings.Contains(logs, `"request_id":"`+id+`"`) || !strings.Contains(logs, `"role":"EMPLOYER"`) || !strings.Contains(logs, `"status":200`) ||
		!strings.Contains(logs, `"operation":"Dashboard","operation_type":"query","errors":1`) {
		t.Fatalf("access log: %s", logs)
	}
	for _, secret := range []string{tok, "secret-variable-value", "cnryalicename"} {
		if strings.Contains(logs, secret) {
			t.Fatalf("logs hold %q: %s", secret, logs)
		}
	}
	// A caller's own id is never the request's: a plain one is logged as
	// the correlation id, anything else is dropped.
	for in, keep := range map[string]bool{"trace-123": true, "bad id\n": false, strings.Repeat("a", 80): false, "x\"y": false} {
		f.logs.Reset()
		req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		req.Header.Set("X-Request-Id", in)
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		got := rec.Header().Get("X-Request-Id")
		if !gatewayRequestID.MatchString(got) || !strings.Contains(f.logs.String(), `"request_id":"`+got+`"`) {
			t.Errorf("X-Request-Id %q came back as %q; log %s", in, got, f.logs)
		}
		if logged := strings.Contains(f.logs.String(), `"correlation_id":"`+in+`"`); logged != keep {
			t.Errorf("X-Request-Id %q: logged as the correlation id %v, want %v: %s", in, logged, keep, f.logs)
		}
		if !keep && strings.Contains(f.logs.String(), "correlation_id") {
			t.Errorf("X-Request-Id %q logged: %s", in, f.logs)
		}
	}
}

// TestCallerCannotChooseRequestID: the access records of a release (the
// record of provision to an employer) carry the gateway's own request id,
// never one the caller chose: an employer sending another request's id, or
// text, as X-Request-Id neither collides with it nor writes into the
// subject's access history.
func TestCallerCannotChooseRequestID(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		q := `{"query":"{ applicants { edges { node { name } } } }"}`
		var ids []string
		for _, chosen := range []string{"victim-request", "victim-request", "applicant objected; see ticket 12"} {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(q))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+token(t, *as("acme")))
			req.Header.Set("X-Request-Id", chosen)
			r := f.do(t, req)
			if !strings.Contains(r.Raw, "cnryalicename") || !gatewayRequestID.MatchString(r.RequestID) {
				t.Fatalf("X-Request-Id %q: %s, request id %q", chosen, r.Raw, r.RequestID)
			}
			ids = append(ids, r.RequestID)
		}
		rs := accessRecords(t, client)
		if len(rs) != len(ids) {
			t.Fatalf("%d records for %d releases", len(rs), len(ids))
		}
		for i, r := range rs {
			if r.RequestID != ids[i] || slices.Index(ids, r.RequestID) != i {
				t.Errorf("record %d has request id %q, want the gateway's %q (all: %v)", i, r.RequestID, ids[i], ids)
			}
		}
		// The subject's trail names no caller's text either.
		if r := f.post(t, as("compliance"), `{ accessRecords { edges { node { requestID } } } }`, nil); strings.Contains(r.Raw, "victim") || strings.Contains(r.Raw, "ticket") {
			t.Fatalf("a caller's id in the records: %s", r.Raw)
		}
	})
}

// TestRateLimit: each viewer has its own budget (per account with a token,
// per address without); once spent, 429 with Retry-After, and others are
// unaffected.
func TestRateLimit(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	h := testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.RateLimit = gateway.RateLimit{Rate: 0.001, Burst: 3} })
	send := func(viewer, addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ jobs { totalCount } }"}`))
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = addr
		if viewer != "" {
			req.Header.Set("Authorization", "Bearer "+token(t, *as(viewer)))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i := 0; i < 3; i++ {
		if rec := send("acme", "192.0.2.1:1000"); rec.Code != 200 {
			t.Fatalf("request %d: %d", i, rec.Code)
		}
	}
	rec := send("acme", "192.0.2.9:1000") // another address, same account
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "RATE_LIMITED") {
		t.Fatalf("over budget: %d %q %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body)
	}
	if rec := send("globex", "192.0.2.1:1000"); rec.Code != 200 {
		t.Fatalf("another account: %d", rec.Code)
	}
	for i := 0; i < 3; i++ {
		send("", "198.51.100.7:1")
	}
	if rec := send("", "198.51.100.7:2"); rec.Code != http.StatusTooManyRequests {
		t.Fatalf("anonymous over budget: %d", rec.Code)
	}
	if rec := send("", "198.51.100.8:1"); rec.Code != 200 {
		t.Fatalf("another address: %d", rec.Code)
	}
}

// TestRateLimitIsPerReplica: the budget is kept in each gateway process,
// as the README says beside the setting: two replicas over one database
// each give a viewer the whole budget, so N replicas give N times the
// rate. Within one, an account is one whatever the case of its id.
func TestRateLimitIsPerReplica(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		newFixture(t, client)
		limit := func(gw *gateway.Gateway) { gw.RateLimit = gateway.RateLimit{Rate: 0.001, Burst: 3} }
		replicas := []http.Handler{testGateway(client, nil, limit), testGateway(client, nil, limit)}
		send := func(h http.Handler, account string) int {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ jobs { totalCount } }"}`))
			req.Header.Set("Content-Type", "application/json")
			v := *as("acme")
			v.Account = account
			req.Header.Set("Authorization", "Bearer "+token(t, v))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec.Code
		}
		for i, h := range replicas {
			for j, account := range []string{"rec-acme", "REC-ACME", " Rec-Acme"} {
				if code := send(h, account); code != http.StatusOK {
					t.Fatalf("replica %d, request %d: %d", i, j, code)
				}
			}
			if code := send(h, "rec-acme"); code != http.StatusTooManyRequests {
				t.Fatalf("replica %d over its budget: %d", i, code)
			}
		}
	})
}

// TestRequestDeadline: a request whose deadline has passed does not reach
// the database: it fails fast with a retryable error (503, Retry-After,
// TIMEOUT) and no data.
func TestRequestDeadline(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	h := testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Timeout = time.Nanosecond })
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ applicants { edges { node { name } } } }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token(t, *as("acme")))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" ||
		!strings.Contains(rec.Body.String(), `"TIMEOUT"`) || strings.Contains(rec.Body.String(), "cnry") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

// TestQueryLimits: through the real stack, an operation over a shape limit
// is refused before any resolver runs, with no 5xx; the README's queries
// pass.
func TestQueryLimits(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	deep := "employer { name }"
	for range 4 { // 4 levels each time: applications, applicant, applications, job
		deep = "applications { edges { node { applicant { applications { edges { node { job { " + deep + " } } } } } } } }"
	}
	deep = "{ me { applications { edges { node { job { " + deep + " } } } } } }"
	var aliases strings.Builder
	aliases.WriteString("{")
	for i := range 16 {
		fmt.Fprintf(&aliases, " a%d: jobs { totalCount }", i)
	}
	aliases.WriteString(" }")
	var directives strings.Builder
	directives.WriteString("{ jobs { totalCount")
	for range 21 {
		directives.WriteString(" totalCount @include(if: true)")
	}
	directives.WriteString(" } }")
	for name, q := range map[string]string{
		"directives": directives.String(),
		"depth":      deep,
		"aliases":    aliases.String(),
		"complexity": `{ jobs(first: 100) { edges { node { applications(first: 100) { edges { node { applicant { applications(first: 100) { totalCount } } } } } } } } }`,
	} {
		r := f.post(t, as("alice"), q, nil)
		if r.Status >= 500 || errorCode(r) != "QUERY_TOO_COMPLEX" || dig(r.Errors[0], "extensions", "limit") != name || r.Data != nil {
			t.Errorf("%s: %d %s", name, r.Status, r.Raw)
		}
	}
	if r := f.post(t, as("acme"), `{ applications(first: 3) { totalCount edges { node { status reason job { title } applicant { id name email visaStatus street } } } } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("a README query: %s", r.Raw)
	}
	// Parser tokens: a query longer than the token limit is refused by the parser.
	long := "{ jobs { " + strings.Repeat("totalCount ", 6000) + "} }"
	if r := f.post(t, as("alice"), long, nil); r.Status >= 500 || errorCode(r) != "GRAPHQL_PARSE_FAILED" || !strings.Contains(r.Raw, "token limit") {
		t.Errorf("tokens: %d %s", r.Status, r.Raw[:min(300, len(r.Raw))])
	}
}

// TestTransports: JSON responses honour application/graphql-response+json,
// array batching is refused without a 5xx, and __typename always works.
func TestTransports(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	send := func(body, accept string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		return rec
	}
	rec := send(`{"query":"{ __typename jobs { totalCount } }"}`, "application/graphql-response+json")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"__typename":"Query"`) {
		t.Fatalf("graphql-response+json: %d %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/graphql-response+json") && !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("content type %q", ct)
	}
	rec = send(`[{"query":"{ jobs { totalCount } }"},{"query":"{ jobs { totalCount } }"}]`, "")
	if rec.Code >= 500 || rec.Code == 200 && strings.Count(rec.Body.String(), "totalCount") > 1 {
		t.Fatalf("batch: %d %s", rec.Code, rec.Body)
	}
}

// TestErrorHygiene: whatever a client submits wrongly (variables that do
// not coerce, bad literals, unknown enum values, bodies that do not decode,
// batches), the answer names the rule, carries a stable code and a request
// id, is never a 5xx, and echoes no submitted value, in the response or
// the logs.
func TestErrorHygiene(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	const secret = "SECRETVALUE"
	cases := []struct {
		body, code string
	}{
		{`{"query":"mutation($in: CreateApplicantInput!) { createMyProfile(input: $in) { id } }","variables":{"in":{"name":"x","email":"y@z.jp","sex":"SECRETVALUE"}}}`, "BAD_USER_INPUT"},
		{`{"query":"query($n: Int) { jobs(first: $n) { totalCount } }","variables":{"n":"SECRETVALUE"}}`, "BAD_USER_INPUT"},
		{`{"query":"{ jobs(first: \"SECRETVALUE\") { totalCount } }"}`, "GRAPHQL_VALIDATION_FAILED"},
		{`{"query":"{ applicant(id: \"SECRETVALUE\") { id } }"}`, "BAD_USER_INPUT"},
		{`{"query":"mutation { createMyProfile(input: {name: \"x\", email: \"y@z.jp\", sex: SECRETVALUE}) { id } }"}`, "GRAPHQL_VALIDATION_FAILED"},
		{`{"query":"mutation { createMyProfile(input: {name: \"x\", email: \"SECRETVALUE\"}) { id } }"}`, "BAD_USER_INPUT"},
		{`{"query": "{ jobs { totalCount }", "variables": "SECRETVALUE"}`, "BAD_REQUEST"},
		{`[{"query":"{ jobs { totalCount } } SECRETVALUE"}]`, "BAD_REQUEST"},
		{`{"query":"{ jobs { totalCount } SECRETVALUE"}`, "GRAPHQL_PARSE_FAILED"},
	}
	for _, c := range cases {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token(t, *as("newcomer")))
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, req)
		body := rec.Body.String()
		if rec.Code >= 500 || strings.Contains(body, secret) || !strings.Contains(body, `"code":"`+c.code+`"`) || !strings.Contains(body, `"requestId"`) {
			t.Errorf("%s: %d %s", c.body, rec.Code, body)
		}
	}
	if logs := f.logs.String(); strings.Contains(logs, secret) || strings.Contains(logs, `"status":5`) || strings.Contains(logs, "panic") {
		t.Errorf("logs: %s", logs)
	}
}

// TestModes: production refuses introspection (GraphiQL is not served) but
// answers __typename; the dev setting, which -demo implies, turns both on.
func TestModes(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	introspect := `{ __schema { queryType { name } } }`
	if r := f.post(t, nil, introspect, nil); errorCode(r) != "FORBIDDEN" || strings.Contains(r.Raw, "queryType\":{") {
		t.Fatalf("production introspection: %s", r.Raw)
	}
	if r := f.post(t, nil, `{ __typename }`, nil); r.Raw != `{"data":{"__typename":"Query"}}` {
		t.Fatalf("production __typename: %s", r.Raw)
	}
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != http.StatusNotFound {
		t.Fatalf("production GraphiQL: %d", rec.Code)
	}
	dev := testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Dev = true })
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"`+introspect+`"}`))
	req.Header.Set("Content-Type", "application/json")
	rec = httptest.NewRecorder()
	dev.ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), `"queryType":{"name":"Query"}`) {
		t.Fatalf("dev introspection: %s", rec.Body)
	}
	rec = httptest.NewRecorder()
	dev.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "graphiql") {
		t.Fatalf("dev GraphiQL: %d", rec.Code)
	}
	for env, want := range map[string]bool{"true": true, "1": true, "false": false, "": false} {
		c, err := gateway.LoadConfig(func(k string) string { return map[string]string{"CONSENTGATE_DEV": env}[k] }, true)
		if err != nil || c.Dev != want {
			t.Errorf("CONSENTGATE_DEV=%q: %v %v", env, c.Dev, err)
		}
	}
}

// TestLimitsAreConfigurable: the shape limits, the body limit and the
// connection timeouts come from the environment, and the handler applies
// what it is given.
func TestLimitsAreConfigurable(t *testing.T) {
	env := map[string]string{"CONSENTGATE_MAX_DEPTH": "3", "CONSENTGATE_MAX_ALIASES": "2", "CONSENTGATE_MAX_DIRECTIVES": "4",
		"CONSENTGATE_MAX_TOKENS": "900", "CONSENTGATE_MAX_COMPLEXITY": "50", "CONSENTGATE_MAX_BODY_BYTES": "2048",
		"CONSENTGATE_READ_HEADER_TIMEOUT": "2s", "CONSENTGATE_IDLE_TIMEOUT": "30s"}
	c, err := gateway.LoadConfig(func(k string) string { return env[k] }, true)
	if err != nil {
		t.Fatal(err)
	}
	if c.Limits.MaxDepth != 3 || c.Limits.MaxAliases != 2 || c.Limits.MaxDirectives != 4 || c.Limits.MaxTokens != 900 ||
		c.Limits.MaxComplexity != 50 || c.MaxBody != 2048 || c.Server.ReadHeader != 2*time.Second || c.Server.Idle != 30*time.Second {
		t.Fatalf("config: %+v", c)
	}
	for k := range env {
		if _, err := gateway.LoadConfig(func(key string) string {
			if key == k {
				return "-1"
			}
			return ""
		}, true); err == nil {
			t.Errorf("%s=-1 accepted", k)
		}
	}
	f := newFixture(t, openSQLite(t))
	h := testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Limits = c.Limits; gw.MaxBody = c.MaxBody })
	send := func(body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := send(`{"query":"{ jobs { edges { node { employer { jobs { totalCount } } } } } }"}`); !strings.Contains(rec.Body.String(), `"limit":"depth"`) {
		t.Errorf("depth 4 over 3: %s", rec.Body)
	}
	if rec := send(`{"query":"{ jobs { totalCount } }","variables":{"x":"` + strings.Repeat("a", 3000) + `"}}`); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("3 KB over 2 KB: %d", rec.Code)
	}
	if rec := send(`{"query":"{ jobs { totalCount } }"}`); rec.Code != 200 {
		t.Errorf("a small query: %d %s", rec.Code, rec.Body)
	}
}
