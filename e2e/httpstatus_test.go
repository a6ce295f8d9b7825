package e2e

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestGraphQLOverHTTPStatus: a body that is not one GraphQL request (not
// JSON, parameters not of their types: BAD_REQUEST) answers 400 whatever
// the client accepts; another request refused before execution (a document
// that does not parse or validate, variables that do not coerce) answers
// 200 with errors when the client accepts application/json (or says
// nothing), 400 when it accepts application/graphql-response+json; neither
// has a data entry; an executed request answers 200 with its data (null
// where a field failed), whatever it accepts.
func TestGraphQLOverHTTPStatus(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	cases := []struct {
		name, body, code string
		executed         bool
	}{
		{"JSON parsing failure", `{ "not a JSON`, "BAD_REQUEST", false},
		{"no query", `{"qeury":"{ __typename }"}`, "GRAPHQL_VALIDATION_FAILED", false},
		{"object query", `{"query":{"obj":"ect"}}`, "BAD_REQUEST", false},
		{"number operationName", `{"query":"{ __typename }","operationName":0}`, "BAD_REQUEST", false},
		{"string variables", `{"query":"{ __typename }","variables":"string"}`, "BAD_REQUEST", false},
		{"array extensions", `{"query":"{ __typename }","extensions":["array"]}`, "BAD_REQUEST", false},
		{"document parsing failure", `{"query":"{"}`, "GRAPHQL_PARSE_FAILED", false},
		{"document validation failure", `{"query":"{ jobs { nosuchfield } }"}`, "GRAPHQL_VALIDATION_FAILED", false},
		{"variable coercion failure", `{"query":"query($n: Int) { jobs(first: $n) { totalCount } }","variables":{"n":"x"}}`, "BAD_USER_INPUT", false},
		{"missing required variable", `{"query":"query($n: Int!) { jobs(first: $n) { totalCount } }","variables":{}}`, "BAD_USER_INPUT", false},
		// Refused by an extension before execution: request errors too.
		{"over the query limits", `{"query":"{ jobs(first: 100) { edges { node { applications(first: 100) { edges { node { id job { id title } } } } } } } }"}`, "QUERY_TOO_COMPLEX", false},
		{"a control character", `{"query":"{ jobs(where: {title: \"a\\u0000\"}) { totalCount } }"}`, "BAD_USER_INPUT", false},
		{"a cursor the gateway did not issue", `{"query":"{ jobs(after: \"gaFpAQ\") { totalCount } }"}`, "BAD_USER_INPUT", false},
		{"a field error", `{"query":"{ applicant(id: \"abc\") { id } }"}`, "BAD_USER_INPUT", true},
		{"a time that does not coerce", `{"query":"query($t: Time) { jobs(where: {createdAtGT: $t}) { totalCount } }","variables":{"t":"not a time"}}`, "BAD_USER_INPUT", true},
		{"success", `{"query":"{ __typename }"}`, "", true},
	}
	for _, c := range cases {
		for _, accept := range []string{"application/json", "application/graphql-response+json", ""} {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			if accept != "" {
				req.Header.Set("Accept", accept)
			}
			rec := httptest.NewRecorder()
			f.handler.ServeHTTP(rec, req)
			var body map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("%s, accepting %q: %v: %s", c.name, accept, err, rec.Body)
			}
			_, hasData := body["data"]
			want := http.StatusOK
			if !c.executed && (accept == "application/graphql-response+json" || c.code == "BAD_REQUEST") {
				want = http.StatusBadRequest
			}
			code := ""
			if len(body["errors"]) > 0 {
				var errs []struct{ Extensions struct{ Code string } }
				_ = json.Unmarshal(body["errors"], &errs)
				code = errs[0].Extensions.Code
			}
			if rec.Code != want || hasData != c.executed || code != c.code {
				t.Errorf("%s, accepting %q: %d (want %d), data entry %v (want %v), code %q (want %q): %s",
					c.name, accept, rec.Code, want, hasData, c.executed, code, c.code, rec.Body)
			}
		}
	}
}
