package e2e

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/gateway"
)

// FuzzTokens feeds arbitrary Authorization values to the authenticator: it
// never panics, and anything it accepts is a well-formed viewer.
func FuzzTokens(f *testing.F) {
	good, _ := gateway.SignToken(testSecret, consent.Viewer{Account: "a", Role: consent.Employer, Org: "acme"}, time.Hour, time.Now())
	for _, seed := range []string{good, "", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.", strings.Repeat("x", 5000), good + "x"} {
		f.Add(seed)
	}
	auth := gateway.NewAuthenticator(testSecret)
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := auth.Viewer(raw)
		if err != nil {
			return
		}
		if _, perr := consent.ParseRole(string(v.Role)); perr != nil || v.Account == "" || (v.Role == consent.Employer && v.Org == "") {
			t.Fatalf("accepted a malformed viewer %+v from %q", v, raw)
		}
	})
}

// FuzzGraphQLRequest sends arbitrary bodies to /graphql as an employer: the
// gateway never panics, never answers 5xx, and never releases a value the
// employer may not see.
func FuzzGraphQLRequest(f *testing.F) {
	for _, seed := range []string{
		`{"query":"{ applicants { edges { node { name street lastIP } } } }"}`,
		`{"query":"query($id: ID!) { node(id: $id) { ... on Applicant { street } } }","variables":{"id":"x"}}`,
		`{"query":"{ applicants(where: {nameContains: \"a\"}) { totalCount } }"}`,
		`{"query":"mutation { createMyProfile(input: {name: \"x\", email: \"y\"}) { id } }"}`,
		`[{"query":"{ jobs { totalCount } }"}]`, `{"query":1}`, `{`, ``,
		`{"documentId":"sha256:0000000000000000000000000000000000000000000000000000000000000000","extensions":{"x":1}}`,
		`{"documentId":1,"extensions":"x"}`, `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`,
	} {
		f.Add(seed)
	}
	fx := newFixture(f, openSQLite(f))
	token := "Bearer " + token(f, *as("acme"))
	forbidden := map[string]bool{}
	for value, c := range canaries("alice") {
		if c == consent.AddressStreet || c == consent.Workplace || c == consent.Network || c == consent.Family {
			forbidden[value] = true
		}
	}
	for _, acc := range []string{"bob", "carol", "dave"} {
		for value := range canaries(acc) {
			forbidden[value] = true
		}
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewBufferString(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", token)
		rec := httptest.NewRecorder()
		fx.handler.ServeHTTP(rec, req)
		if rec.Code >= 500 || strings.Contains(fx.logs.String(), `"status":5`) {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
		for value := range forbidden {
			if strings.Contains(rec.Body.String(), value) && !strings.Contains(body, value) {
				t.Fatalf("released %q for %q", value, body)
			}
		}
	})
}
