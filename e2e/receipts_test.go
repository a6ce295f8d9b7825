package e2e

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/gateway"
	"consentgate/receipt"
)

// fetch serves GET path through the gateway (no token) and returns the
// response and its body.
func (f *fixture) fetch(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// receiptKeys reads the served JWKS as a verifier outside the project
// would: each OKP Ed25519 key by its kid.
func receiptKeys(t *testing.T, f *fixture) map[string]ed25519.PublicKey {
	t.Helper()
	res, body := f.fetch(t, "/.well-known/jwks.json")
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/jwk-set+json") ||
		!strings.Contains(res.Header.Get("Cache-Control"), "public") {
		t.Fatalf("GET /.well-known/jwks.json: %d %v %s", res.StatusCode, res.Header, body)
	}
	var set struct {
		Keys []struct{ Kty, Crv, Alg, Kid, X, D string }
	}
	if err := json.Unmarshal(body, &set); err != nil {
		t.Fatal(err)
	}
	keys := map[string]ed25519.PublicKey{}
	for _, k := range set.Keys {
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if k.Kty != "OKP" || k.Crv != "Ed25519" || k.Alg != "EdDSA" || k.Kid == "" || k.D != "" || err != nil || len(x) != ed25519.PublicKeySize {
			t.Fatalf("a served key is not an Ed25519 public key: %s", body)
		}
		keys[k.Kid] = x
	}
	if len(keys) == 0 {
		t.Fatalf("no receipt key served: %s", body)
	}
	return keys
}

// verifyReceipt verifies a receipt with golang-jwt (the gateway signs
// with go-jose) against the served keys, by the kid of its header, and
// returns its claims.
func verifyReceipt(keys map[string]ed25519.PublicKey, receipt string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.NewParser(jwt.WithValidMethods([]string{"EdDSA"}), jwt.WithIssuer("consentgate")).
		ParseWithClaims(receipt, claims, func(tok *jwt.Token) (any, error) {
			kid, _ := tok.Header["kid"].(string)
			if k, ok := keys[kid]; ok {
				return k, nil
			}
			return nil, jwt.ErrTokenUnverifiable
		})
	return claims, err
}

// changeOneByte returns receipt with the character at i (inside one of its
// three parts, never the last of a part, whose low bits may be padding)
// replaced by another base64url character.
func changeOneByte(receipt string, i int) string {
	b := []byte(receipt)
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

var pseudonymForm = regexp.MustCompile(`^s:[0-9a-f]{32}$`)

// TestConsentReceipts: each ledger entry the applicant makes comes with a
// receipt that verifies against the served JWKS with a JOSE library other
// than the gateway's, holds the entry, the policy version in force, its
// text's digest (the SHA-256 of what GET /policy/{version} serves) and the
// subject's pseudonym, and nothing personal; any changed byte breaks it;
// me { consents { receipt } } gives the same receipt again.
func TestConsentReceipts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f, clock := policyClockFixture(t, client)
		keys := receiptKeys(t, f)

		// A version with its text, in force once its notice period is over.
		in := versionInput("2026-05", clock.Now().Add(31*day), "ANALYTICS")
		if r := f.post(t, as("admin"), publishVersion, in); len(r.Errors) > 0 {
			t.Fatal(r.Raw)
		}
		clock.Add(32 * day)
		text := policyTextOf("2026-05")

		// Withholding one category from one employer.
		r := f.post(t, as("alice"), `mutation($e: ID!) { changeConsent(input: {purpose: EMPLOYER_PROVISION, employerID: $e, category: FAMILY, granted: false}) {
			id recordedAt receipt policyVersion { version } } }`, map[string]any{"e": f.employers["acme"].ID})
		got, _ := dig(r.Data, "changeConsent", "receipt").(string)
		if len(r.Errors) > 0 || got == "" {
			t.Fatalf("changeConsent gave no receipt: %s", r.Raw)
		}
		claims, err := verifyReceipt(keys, got)
		if err != nil {
			t.Fatalf("the receipt does not verify: %v", err)
		}
		recorded, _ := time.Parse(time.RFC3339Nano, dig(r.Data, "changeConsent", "recordedAt").(string))
		at, _ := time.Parse(time.RFC3339Nano, claims["time"].(string))
		alice := consent.Masker{HashKey: testHashKey}.Pseudonym(f.applicants["alice"].ID)
		want := map[string]any{"iss": "consentgate", "sub": alice, "purpose": "EMPLOYER_PROVISION", "recipient": "acme",
			"category": "FAMILY", "granted": false, "policyVersion": "2026-05", "policyDigest": in["in"].(map[string]any)["textDigest"],
			"iat": float64(recorded.Unix())}
		for k, v := range want {
			if claims[k] != v {
				t.Errorf("receipt %s = %v, want %v", k, claims[k], v)
			}
		}
		if !at.Equal(recorded) || !pseudonymForm.MatchString(alice) {
			t.Errorf("receipt time %v, entry recorded at %v; pseudonym %q", at, recorded, alice)
		}

		// One changed byte, in the header, the payload or the signature:
		// it no longer verifies.
		dots := []int{strings.Index(got, "."), strings.LastIndex(got, ".")}
		for _, i := range []int{dots[0] / 2, dots[0] + (dots[1]-dots[0])/2, dots[1] + (len(got)-dots[1])/2} {
			if _, err := verifyReceipt(keys, changeOneByte(got, i)); err == nil {
				t.Errorf("a receipt with byte %d changed verifies", i)
			}
		}

		// Nothing personal in it: no value of alice's, not her account or id.
		payload, err := base64.RawURLEncoding.DecodeString(got[dots[0]+1 : dots[1]])
		if err != nil {
			t.Fatal(err)
		}
		for v := range canaries("alice") {
			if strings.Contains(string(payload), v) {
				t.Errorf("the receipt holds alice's %s", v)
			}
		}
		if id := strconv.Itoa(f.applicants["alice"].ID); strings.Contains(string(payload), "alice") || strings.Contains(string(payload), id) {
			t.Errorf("the receipt names alice's account or id: %s", payload)
		}

		// Applying records a provision grant to the employer: the
		// application returns the entry with its receipt, and
		// me { consents } gives it again, like every entry's.
		applied := f.post(t, as("alice"), `mutation($j: ID!) { applyToJob(input: {jobID: $j}) { id consents { source granted receipt } } }`,
			map[string]any{"j": f.jobs["globex"].ID})
		appliedReceipt, _ := dig(applied.Data, "applyToJob", "consents", 0, "receipt").(string)
		if claims, err := verifyReceipt(keys, appliedReceipt); err != nil || claims["recipient"] != "globex" || claims["granted"] != true ||
			claims["purpose"] != "EMPLOYER_PROVISION" || len(dig(applied.Data, "applyToJob", "consents").([]any)) != 1 {
			t.Fatalf("applyToJob's entry: %v %v: %s", err, claims, applied.Raw)
		}
		me := f.post(t, as("alice"), `{ me { consents { id source granted employer { name } receipt } } }`, nil)
		entries, _ := dig(me.Data, "me", "consents").([]any)
		var again, appliedAgain string
		for _, c := range entries {
			rc, _ := dig(c, "receipt").(string)
			claims, err := verifyReceipt(keys, rc)
			if err != nil || claims["sub"] != alice {
				t.Errorf("entry %v: receipt %q: %v, %v", c, rc, err, claims)
			}
			if dig(c, "id") == dig(r.Data, "changeConsent", "id") {
				again = rc
			}
			if dig(c, "source") == "APPLICATION" && claims["recipient"] == "globex" {
				appliedAgain = rc
			}
		}
		if again != got || appliedAgain != appliedReceipt {
			t.Fatalf("me { consents { receipt } }: the change's receipt again %v, the application's %v: %s", again == got, appliedAgain == appliedReceipt, me.Raw)
		}

		// Withdrawing the application (the last to globex) records the
		// withdrawal: the application now has both entries.
		withdrawn := f.post(t, as("alice"), `mutation($id: ID!) { withdrawApplication(id: $id) { consents { granted receipt } } }`,
			map[string]any{"id": dig(applied.Data, "applyToJob", "id")})
		entries, _ = dig(withdrawn.Data, "withdrawApplication", "consents").([]any)
		var grants []any
		for _, c := range entries {
			claims, err := verifyReceipt(keys, dig(c, "receipt").(string))
			if err != nil || claims["granted"] != dig(c, "granted") || claims["recipient"] != "globex" {
				t.Errorf("withdrawApplication's entry %v: %v %v", c, err, claims)
			}
			grants = append(grants, claims["granted"])
		}
		if len(entries) != 2 || !slices.Contains(grants, false) {
			t.Fatalf("withdrawApplication's entries: %s", withdrawn.Raw)
		}

		// The digest is the SHA-256 of the text served for the version.
		res, body := f.fetch(t, "/policy/2026-05")
		sum := sha256.Sum256(body)
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
			"sha256:"+hex.EncodeToString(sum[:]) != claims["policyDigest"] || string(body) != text {
			t.Fatalf("GET /policy/2026-05: %d %v, %d bytes, digest %x, receipt's %v", res.StatusCode, res.Header, len(body), sum, claims["policyDigest"])
		}
	})
}

// TestPolicyTexts: publishing a version carries its text, refused when its
// SHA-256 is not the digest given (nothing is published); GET /policy
// lists the versions with their digests, GET /policy/{version} serves a
// text byte for byte, 404 for a version nobody published or one recorded
// without a text.
func TestPolicyTexts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		later := time.Now().Add(31 * day) // after the notice period
		bad := versionInput("2026-06", later, "FEEDBACK")
		bad["in"].(map[string]any)["text"] = policyTextOf("2026-06") + " "
		if r := f.post(t, as("admin"), publishVersion, bad); errorCode(r) != "BAD_USER_INPUT" || !strings.Contains(r.Raw, "text") {
			t.Fatalf("a text that is not the digest's: %s", r.Raw)
		}
		if res, _ := f.fetch(t, "/policy/2026-06"); res.StatusCode != http.StatusNotFound {
			t.Fatalf("the refused version's text: %d", res.StatusCode)
		}
		empty := versionInput("2026-06", later, "FEEDBACK")
		empty["in"].(map[string]any)["text"] = ""
		empty["in"].(map[string]any)["textDigest"] = consent.TextDigest(nil)
		if r := f.post(t, as("admin"), publishVersion, empty); errorCode(r) != "BAD_USER_INPUT" || !strings.Contains(r.Raw, "text") {
			t.Fatalf("a version without a text: %s", r.Raw)
		}
		good := versionInput("2026-06", later, "FEEDBACK")
		if r := f.post(t, as("admin"), publishVersion, good); len(r.Errors) > 0 {
			t.Fatal(r.Raw)
		}

		res, body := f.fetch(t, "/policy")
		var list struct {
			Versions []struct {
				Version, TextDigest string
				EffectiveAt         time.Time
				Text                *string
			}
		}
		if err := json.Unmarshal(body, &list); err != nil || res.StatusCode != http.StatusOK || len(list.Versions) != 2 ||
			!strings.Contains(res.Header.Get("Cache-Control"), "public") {
			t.Fatalf("GET /policy: %d %v %s", res.StatusCode, err, body)
		}
		first, second := list.Versions[0], list.Versions[1]
		if first.Version != "2026-01" || first.Text != nil || second.Version != "2026-06" || second.Text == nil || *second.Text != "/policy/2026-06" ||
			second.TextDigest != good["in"].(map[string]any)["textDigest"] || second.EffectiveAt.Sub(later).Abs() > time.Microsecond {
			t.Fatalf("GET /policy: %s", body)
		}
		res, body = f.fetch(t, "/policy/2026-06")
		if res.StatusCode != http.StatusOK || string(body) != policyTextOf("2026-06") {
			t.Fatalf("GET /policy/2026-06: %d %q", res.StatusCode, body)
		}
		// The fixture's 2026-01 was recorded without a text (and a digest
		// of no text this binary ships); nobody published 2030-01.
		for _, path := range []string{"/policy/2026-01", "/policy/2030-01"} {
			if res, _ := f.fetch(t, path); res.StatusCode != http.StatusNotFound {
				t.Errorf("GET %s: %d", path, res.StatusCode)
			}
		}
	})
}

// TestReceiptKeyRotation: after the key changes, with the old public key
// among the previous keys, the JWKS serves both, a receipt handed out
// before still verifies, and the entry's receipt read again is signed with
// the new key over the same payload; without it, the old receipt no longer
// verifies against the served keys.
func TestReceiptKeyRotation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		r := f.post(t, as("bob"), `mutation { changeConsent(input: {purpose: FEEDBACK, granted: true}) { id receipt } }`, nil)
		old, _ := dig(r.Data, "changeConsent", "receipt").(string)
		oldKeys := receiptKeys(t, f)
		if _, err := verifyReceipt(oldKeys, old); err != nil {
			t.Fatalf("before the rotation: %v (%s)", err, r.Raw)
		}
		var oldPublic ed25519.PublicKey
		for _, k := range oldKeys {
			oldPublic = k
		}
		rotated := func(previous ...ed25519.PublicKey) *fixture {
			signer, err := receipt.NewSigner([]byte("another-receipt-key-another-rece"), previous...)
			if err != nil {
				t.Fatal(err)
			}
			g := *f
			g.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Receipts = signer })
			return &g
		}

		g := rotated(oldPublic)
		keys := receiptKeys(t, g)
		if _, err := verifyReceipt(keys, old); err != nil || len(keys) != 2 {
			t.Fatalf("the old receipt after the rotation: %v; keys %d", err, len(keys))
		}
		me := g.post(t, as("bob"), `{ me { consents { id receipt } } }`, nil)
		var again string
		for _, c := range dig(me.Data, "me", "consents").([]any) {
			if dig(c, "id") == dig(r.Data, "changeConsent", "id") {
				again, _ = dig(c, "receipt").(string)
			}
		}
		if _, err := verifyReceipt(keys, again); err != nil || again == old || strings.Split(again, ".")[1] != strings.Split(old, ".")[1] {
			t.Fatalf("the entry's receipt after the rotation: %v\n%s\nbefore:\n%s", err, again, old)
		}
		if _, err := verifyReceipt(map[string]ed25519.PublicKey{}, again); err == nil {
			t.Fatal("verifies with no key")
		}

		if _, err := verifyReceipt(receiptKeys(t, rotated()), old); err == nil {
			t.Fatal("the old receipt verifies against a JWKS without its key")
		}
	})
}
