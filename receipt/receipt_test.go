package receipt

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// rfc8037 is the Ed25519 key of RFC 8037, appendix A.1, and its RFC 7638
// thumbprint (A.3).
var rfc8037 = struct{ d, x, thumbprint string }{
	d:          "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
	x:          "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
	thumbprint: "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
}

func mustSigner(t *testing.T, seed string, previous ...ed25519.PublicKey) *Signer {
	t.Helper()
	b, err := ParseSeed(seed)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(b, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSigner: the kid is the key's RFC 7638 thumbprint (RFC 8037's
// example key), the JWKS holds the public key alone, then the previous
// keys; a receipt is a compact JWS with alg EdDSA and the kid, the same
// bytes for the same claims, that verifies with the served key.
func TestSigner(t *testing.T) {
	other := ed25519.NewKeyFromSeed([]byte(strings.Repeat("o", SeedSize))).Public().(ed25519.PublicKey)
	s := mustSigner(t, rfc8037.d, other)
	if s.KeyID() != rfc8037.thumbprint {
		t.Fatalf("kid %s, want RFC 8037's thumbprint %s", s.KeyID(), rfc8037.thumbprint)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(s.JWKS(), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 2 || set.Keys[0].KeyID != rfc8037.thumbprint || !set.Keys[0].IsPublic() || !set.Keys[1].IsPublic() ||
		strings.Contains(string(s.JWKS()), `"d"`) || !strings.Contains(string(s.JWKS()), `"x":"`+rfc8037.x+`"`) {
		t.Fatalf("JWKS %s", s.JWKS())
	}

	recipient := "acme"
	c := Claims{Issuer: Issuer, Subject: "s:0123", Purpose: "EMPLOYER_PROVISION", Recipient: &recipient, PolicyVersion: "v", PolicyDigest: "sha256:00"}
	c.Time, c.IssuedAt = EntryTime(time.Date(2026, 4, 1, 9, 0, 0, 123456789, time.FixedZone("JST", 9*3600)))
	if c.Time != "2026-04-01T00:00:00.123456Z" {
		t.Fatalf("time %s", c.Time)
	}
	one, err := s.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	two, _ := s.Sign(c)
	if one != two {
		t.Fatal("the same claims signed twice differ")
	}
	jws, err := jose.ParseSignedCompact(one, []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		t.Fatal(err)
	}
	if h := jws.Signatures[0].Header; h.KeyID != rfc8037.thumbprint || h.Algorithm != "EdDSA" {
		t.Fatalf("header %+v", h)
	}
	payload, err := jws.Verify(set.Key(rfc8037.thumbprint)[0])
	if err != nil {
		t.Fatal(err)
	}
	want := `{"iss":"consentgate","iat":1775001600,"sub":"s:0123","purpose":"EMPLOYER_PROVISION","recipient":"acme","category":null,` +
		`"granted":false,"time":"2026-04-01T00:00:00.123456Z","policyVersion":"v","policyDigest":"sha256:00"}`
	if string(payload) != want {
		t.Fatalf("payload %s\nwant    %s", payload, want)
	}
	if _, err := jws.Verify(set.Keys[1]); err == nil {
		t.Fatal("verifies with another key")
	}
}

// TestKeys: seeds and public keys in every base64 form; anything else,
// and keys of other sizes, refused.
func TestKeys(t *testing.T) {
	raw := make([]byte, SeedSize)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if _, err := ParseSeed(enc.EncodeToString(raw)); err != nil {
			t.Errorf("seed %s: %v", enc.EncodeToString(raw), err)
		}
		if _, err := ParsePublicKey(enc.EncodeToString(raw)); err != nil {
			t.Errorf("public key: %v", err)
		}
	}
	for _, bad := range []string{"", "!!", base64.StdEncoding.EncodeToString(raw[:31]), base64.StdEncoding.EncodeToString(append(raw, 0))} {
		if _, err := ParseSeed(bad); err == nil {
			t.Errorf("seed %q accepted", bad)
		}
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("public key %q accepted", bad)
		}
	}
	if _, err := NewSigner(raw[:16]); err == nil {
		t.Error("a 16-byte seed accepted")
	}
	if _, err := NewSigner(raw, ed25519.PublicKey(raw[:16])); err == nil {
		t.Error("a 16-byte previous key accepted")
	}
}
