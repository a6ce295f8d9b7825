package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"consentgate/gateway"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
)

// jwksOf renders public keys as a JWK Set, by kid.
func jwksOf(t *testing.T, keys map[string]any) []byte {
	t.Helper()
	var set jwkset.JWKSMarshal
	for kid, k := range keys {
		alg := jwkset.AlgRS256
		if _, ok := k.(*ecdsa.PublicKey); ok {
			alg = jwkset.AlgES256
		}
		jwk, err := jwkset.NewJWKFromKey(k, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: kid, ALG: alg}})
		if err != nil {
			t.Fatal(err)
		}
		set.Keys = append(set.Keys, jwk.Marshal())
	}
	raw, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestJWKSTokens: RS256 and ES256 tokens verify against a JWKS file or URL
// by kid; a URL is refreshed when an unknown kid arrives; algorithms,
// kinds of key, issuer, audience and expiry are all checked.
func TestJWKSTokens(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	laterKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	claims := func(kv ...any) jwt.MapClaims {
		c := jwt.MapClaims{"sub": "rec-1", "role": "EMPLOYER", "org": "acme", "exp": now.Add(time.Hour).Unix(), "iss": "https://id.example.com", "aud": "consentgate"}
		for i := 0; i+1 < len(kv); i += 2 {
			c[kv[i].(string)] = kv[i+1]
		}
		return c
	}
	sign := func(method jwt.SigningMethod, kid string, key any, c jwt.MapClaims) string {
		tok := jwt.NewWithClaims(method, c)
		tok.Header["kid"] = kid
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}

	file := filepath.Join(t.TempDir(), "jwks.json")
	if err := os.WriteFile(file, jwksOf(t, map[string]any{"rsa-1": &rsaKey.PublicKey, "ec-1": &ecKey.PublicKey}), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := gateway.LoadKeys(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	auth := gateway.NewAuthenticatorWith(nil, gateway.TokenOptions{Keys: keys, Issuer: "https://id.example.com", Audience: "consentgate", Leeway: gateway.DefaultLeeway})
	fx := newFixture(t, openSQLite(t))
	h := testGateway(fx.client, nil, func(gw *gateway.Gateway) { gw.Auth = auth })
	cases := []struct {
		name  string
		token string
		ok    bool
	}{
		{"RS256", sign(jwt.SigningMethodRS256, "rsa-1", rsaKey, claims()), true},
		{"ES256", sign(jwt.SigningMethodES256, "ec-1", ecKey, claims()), true},
		{"unknown kid", sign(jwt.SigningMethodES256, "ec-9", laterKey, claims()), false},
		{"no kid", sign(jwt.SigningMethodRS256, "", rsaKey, claims()), false},
		{"RS256 header on an EC key", sign(jwt.SigningMethodRS256, "ec-1", rsaKey, claims()), false},
		{"RS512 not accepted", sign(jwt.SigningMethodRS512, "rsa-1", rsaKey, claims()), false},
		{"HS256 without a secret", sign(jwt.SigningMethodHS256, "rsa-1", []byte("some-secret-some-secret-some-secret"), claims()), false},
		{"wrong issuer", sign(jwt.SigningMethodRS256, "rsa-1", rsaKey, claims("iss", "https://evil.example.com")), false},
		{"wrong audience", sign(jwt.SigningMethodRS256, "rsa-1", rsaKey, claims("aud", "other")), false},
		{"expired", sign(jwt.SigningMethodRS256, "rsa-1", rsaKey, claims("exp", now.Add(-time.Hour).Unix())), false},
		{"within the leeway", sign(jwt.SigningMethodRS256, "rsa-1", rsaKey, claims("exp", now.Add(-10*time.Second).Unix())), true},
	}
	for _, c := range cases { // through the HTTP stack: 200 as acme's recruiter, or 401
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ jobs { totalCount } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+c.token)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			want := http.StatusUnauthorized
			if c.ok {
				want = http.StatusOK
			}
			if rec.Code != want {
				t.Fatalf("status %d, want %d: %s", rec.Code, want, rec.Body)
			}
		})
	}

	// A JWKS URL: a key added later is found by refreshing on its kid.
	var mu sync.Mutex
	served := jwksOf(t, map[string]any{"rsa-1": &rsaKey.PublicKey})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = w.Write(served)
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	remote, err := gateway.LoadKeys(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	auth = gateway.NewAuthenticatorWith(nil, gateway.TokenOptions{Keys: remote, Leeway: gateway.DefaultLeeway})
	if _, err := auth.Viewer(sign(jwt.SigningMethodRS256, "rsa-1", rsaKey, claims())); err != nil {
		t.Fatalf("RS256 from the URL: %v", err)
	}
	mu.Lock()
	served = jwksOf(t, map[string]any{"rsa-1": &rsaKey.PublicKey, "ec-2": &laterKey.PublicKey})
	mu.Unlock()
	if _, err := auth.Viewer(sign(jwt.SigningMethodES256, "ec-2", laterKey, claims())); err != nil {
		t.Fatalf("a key rotated in: %v", err)
	}
}
