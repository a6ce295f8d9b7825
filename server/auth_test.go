package main

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"consentgate/consent"
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

// TestTokenCommand checks that the token command's output is accepted by
// the gateway as the viewer it names.
func TestTokenCommand(t *testing.T) {
	t.Setenv("CONSENTGATE_JWT_SECRET", string(testSecret))
	var out strings.Builder
	if err := tokenCommand([]string{"-role", "EMPLOYER", "-sub", "rec-1", "-org", "acme"}, &out); err != nil {
		t.Fatal(err)
	}
	v, err := NewAuthenticator(testSecret).Viewer(strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	if want := (consent.Viewer{Account: "rec-1", Role: consent.Employer, Org: "acme"}); v != want {
		t.Fatalf("viewer = %+v, want %+v", v, want)
	}
	for _, args := range [][]string{{"-role", "ROOT", "-sub", "x"}, {"-role", "ADMIN"}, {"-role", "ADMIN", "-sub", "x", "-purpose", "NOPE"}} {
		if err := tokenCommand(args, &out); err == nil {
			t.Errorf("token %v: no error", args)
		}
	}
}

// TestConfig checks that the gateway refuses to start without a usable
// secret outside demo mode.
func TestConfig(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	long := strings.Repeat("s", 32)
	cases := []struct {
		name string
		env  func(string) string
		demo bool
		ok   bool
	}{
		{"demo without secret", env(), true, true},
		{"production without secret", env(), false, false},
		{"production with demo secret", env("CONSENTGATE_JWT_SECRET", DemoSecret), false, false},
		{"short secret", env("CONSENTGATE_JWT_SECRET", "short"), false, false},
		{"good secrets", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long), false, true},
		{"production without hash key", env("CONSENTGATE_JWT_SECRET", long), false, false},
		{"JWKS instead of a secret", env("CONSENTGATE_JWKS", "/etc/keys.json", "CONSENTGATE_HASH_KEY", long), false, true},
		{"bad leeway", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_JWT_LEEWAY", "1h"), false, false},
		{"bad port", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "PORT", "http"), false, false},
		{"missing policy file", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_POLICY", "/nonexistent.yaml"), false, false},
		{"pool size", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_DB_MAX_CONNS", "32"), false, true},
		{"pool size zero", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_DB_MAX_CONNS", "0"), false, false},
		{"pool size not a number", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_DB_MAX_CONNS", "many"), false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := loadConfig(c.env, c.demo)
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok=%v", err, c.ok)
			}
			if err == nil && cfg.Addr != ":8080" {
				t.Fatalf("addr = %q", cfg.Addr)
			}
		})
	}
}
