package e2e

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TestTokens checks the identity contract through the HTTP handler: no
// token is anonymous, a valid one is its viewer, and every bad one is 401
// with a JSON body that echoes nothing.
func TestTokens(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	now := time.Now()
	sign := func(secret []byte, method jwt.SigningMethod, claims jwt.MapClaims) string {
		tok, err := jwt.NewWithClaims(method, claims).SignedString(secret)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	valid := jwt.MapClaims{"sub": "alice", "role": "APPLICANT", "exp": now.Add(time.Hour).Unix()}
	with := func(k string, v any) jwt.MapClaims {
		c := jwt.MapClaims{}
		for kk, vv := range valid {
			c[kk] = vv
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	b64 := base64.RawURLEncoding.EncodeToString
	unsigned := b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64([]byte(`{"sub":"alice","role":"APPLICANT","exp":4102444800}`)) + "."

	cases := []struct {
		name   string
		header string
		status int
		me     bool // the response carries alice's profile
	}{
		{"no token is anonymous", "", 200, false},
		{"valid", "Bearer " + sign(testSecret, jwt.SigningMethodHS256, valid), 200, true},
		{"bad signature", "Bearer " + sign([]byte("another-secret-another-secret-1234"), jwt.SigningMethodHS256, valid), 401, false},
		{"expired", "Bearer " + sign(testSecret, jwt.SigningMethodHS256, with("exp", now.Add(-time.Hour).Unix())), 401, false},
		{"no exp", "Bearer " + sign(testSecret, jwt.SigningMethodHS256, with("exp", nil)), 401, false},
		{"not yet valid", "Bearer " + sign(testSecret, jwt.SigningMethodHS256, with("nbf", now.Add(time.Hour).Unix())), 401, false},
		{"alg none", "Bearer " + unsigned, 401, false},
		{"HS512 not accepted", "Bearer " + sign(testSecret, jwt.SigningMethodHS512, valid), 401, false},
		{"unknown role", "Bearer " + sign(testSecret, jwt.SigningMethodHS256, with("role", "ROOT")), 401, false},
		{"anonymous is not a token role", "Bearer " + sign(testSecret, jwt.SigningMethodHS256, with("role", "ANONYMOUS")), 401, false},
		{"lowercase role", "Bearer " + sign(testSecret, jwt.SigningMethodHS256, with("role", "applicant")), 401, false},
		{"no role", "Bearer " + sign(testSecret, jwt.SigningMethodHS256, with("role", nil)), 401, false},
		{"no sub", "Bearer " + sign(testSecret, jwt.SigningMethodHS256, with("sub", nil)), 401, false},
		{"employer without org", "Bearer " + sign(testSecret, jwt.SigningMethodHS256, with("role", "EMPLOYER")), 401, false},
		{"unknown purpose", "Bearer " + sign(testSecret, jwt.SigningMethodHS256, with("purpose", "SPYING")), 401, false},
		{"not bearer", "Basic YWxpY2U6c2VjcmV0", 401, false},
		{"garbage", "Bearer not.a.jwt", 401, false},
		{"empty bearer", "Bearer ", 401, false},
		{"too long", "Bearer " + strings.Repeat("a", 5000), 401, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ me { name } }"}`))
			req.Header.Set("Content-Type", "application/json")
			if c.header != "" {
				req.Header.Set("Authorization", c.header)
			}
			r := f.do(t, req)
			if r.Status != c.status {
				t.Fatalf("status = %d, want %d: %s", r.Status, c.status, r.Raw)
			}
			if c.status == 401 {
				want := `{"errors":[{"extensions":{"code":"UNAUTHENTICATED"},"message":"invalid token"}]}` + "\n"
				if r.Raw != want {
					t.Fatalf("body = %q, want %q", r.Raw, want)
				}
				return
			}
			if got := strings.Contains(r.Raw, canary("alice", "name")); got != c.me {
				t.Fatalf("alice's name in response = %v, want %v: %s", got, c.me, r.Raw)
			}
		})
	}
}
