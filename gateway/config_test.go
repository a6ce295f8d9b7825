package gateway

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"consentgate/receipt"
)

// receiptKey is a CONSENTGATE_RECEIPT_KEY; previousKey the public key
// (base64url, as the JWKS's x) of another.
var (
	receiptKey  = base64.StdEncoding.EncodeToString([]byte(strings.Repeat("r", 32)))
	previousKey = base64.RawURLEncoding.EncodeToString(ed25519.NewKeyFromSeed([]byte(strings.Repeat("p", 32))).Public().(ed25519.PublicKey))
)

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
		{"good secrets", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey), false, true},
		{"production without hash key", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_RECEIPT_KEY", receiptKey), false, false},
		{"production without receipt key", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long), false, true},
		{"production with the demo receipt key", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long,
			"CONSENTGATE_RECEIPT_KEY", base64.StdEncoding.EncodeToString(DemoReceiptKey())), false, false},
		{"receipt key too short", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long,
			"CONSENTGATE_RECEIPT_KEY", base64.StdEncoding.EncodeToString([]byte("short"))), false, false},
		{"receipt key not base64", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", "!"+receiptKey), false, false},
		{"previous receipt keys", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey,
			"CONSENTGATE_RECEIPT_PREVIOUS_KEYS", previousKey+", "+previousKey), false, true},
		{"previous receipt key not a key", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey,
			"CONSENTGATE_RECEIPT_PREVIOUS_KEYS", receiptKey+"AAAA"), false, false},
		{"JWKS instead of a secret", env("CONSENTGATE_JWKS", "/etc/keys.json", "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey), false, true},
		{"bad leeway", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey, "CONSENTGATE_JWT_LEEWAY", "1h"), false, false},
		{"bad port", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey, "PORT", "http"), false, false},
		{"missing policy file", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey, "CONSENTGATE_POLICY", "/nonexistent.yaml"), false, false},
		{"pool size", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey, "CONSENTGATE_DB_MAX_CONNS", "32"), false, true},
		{"pool size zero", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey, "CONSENTGATE_DB_MAX_CONNS", "0"), false, false},
		{"pool size not a number", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey, "CONSENTGATE_DB_MAX_CONNS", "many"), false, false},
		{"seal key", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey, "CONSENTGATE_SEAL_KEY", receiptKey), false, true},
		{"seal key too short", env("CONSENTGATE_JWT_SECRET", long, "CONSENTGATE_HASH_KEY", long, "CONSENTGATE_RECEIPT_KEY", receiptKey, "CONSENTGATE_SEAL_KEY", "c2hvcnQ="), false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadConfig(c.env, c.demo)
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok=%v", err, c.ok)
			}
			if want := map[bool]string{false: ":8080", true: "127.0.0.1:8080"}[c.demo]; err == nil && cfg.Addr != want {
				t.Fatalf("addr = %q, want %q", cfg.Addr, want)
			}
		})
	}
}

// envOf is getenv over m.
func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestReceiptKeyConfig: a production start without CONSENTGATE_RECEIPT_KEY
// signs with a key derived from the HASH key (the same on every replica
// with the same HASH key, another with another, neither the demo's); -demo
// signs with the demo key; the previous keys join the JWKS after the
// current one.
func TestReceiptKeyConfig(t *testing.T) {
	long := strings.Repeat("s", 32)
	derived := func(hashKey string) *receipt.Signer {
		t.Helper()
		cfg, err := LoadConfig(envOf(map[string]string{"CONSENTGATE_JWT_SECRET": long, "CONSENTGATE_HASH_KEY": hashKey}), false)
		if err != nil || cfg.Receipts == nil {
			t.Fatalf("production without a receipt key: %v", err)
		}
		return cfg.Receipts
	}
	one, again, other := derived(long), derived(long), derived(strings.Repeat("t", 32))
	if one.KeyID() != again.KeyID() || one.KeyID() == other.KeyID() {
		t.Fatalf("derived receipt keys: %s, %s, %s", one.KeyID(), again.KeyID(), other.KeyID())
	}
	want, err := receipt.NewSigner(ReceiptKeyFrom([]byte(long)))
	if err != nil || want.KeyID() != one.KeyID() {
		t.Fatalf("the derived key is not ReceiptKeyFrom's: %v", err)
	}
	demo, err := LoadConfig(envOf(nil), true)
	if err != nil || demo.Receipts == nil {
		t.Fatalf("-demo: %v, receipts %v", err, demo.Receipts)
	}
	cfg, err := LoadConfig(envOf(map[string]string{"CONSENTGATE_JWT_SECRET": long, "CONSENTGATE_HASH_KEY": long,
		"CONSENTGATE_RECEIPT_KEY": receiptKey, "CONSENTGATE_RECEIPT_PREVIOUS_KEYS": previousKey}), false)
	if err != nil {
		t.Fatal(err)
	}
	var set struct{ Keys []struct{ Kid, X string } }
	if err := json.Unmarshal(cfg.Receipts.JWKS(), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != 2 || set.Keys[0].Kid != cfg.Receipts.KeyID() || set.Keys[1].X != previousKey ||
		demo.Receipts.KeyID() == cfg.Receipts.KeyID() || demo.Receipts.KeyID() == one.KeyID() {
		t.Fatalf("JWKS %s, current kid %s", cfg.Receipts.JWKS(), cfg.Receipts.KeyID())
	}
}

// TestListenAddress: production listens on every interface, -demo on
// loopback; CONSENTGATE_LISTEN and PORT change either; anything but an IP
// address (or localhost) is refused.
func TestListenAddress(t *testing.T) {
	long := strings.Repeat("s", 32)
	for _, c := range []struct {
		listen, port string
		demo         bool
		want         string // "": refused
	}{
		{"", "", false, ":8080"},
		{"", "", true, "127.0.0.1:8080"},
		{"", "9000", true, "127.0.0.1:9000"},
		{"0.0.0.0", "", true, "0.0.0.0:8080"},
		{"127.0.0.1", "9000", false, "127.0.0.1:9000"},
		{"::1", "", false, "[::1]:8080"},
		{"::", "", true, "[::]:8080"},
		{"localhost", "", false, "localhost:8080"},
		{"10.0.0.5", "", false, "10.0.0.5:8080"},
		{"example.com", "", false, ""},
		{"127.0.0.1:9000", "", false, ""},
		{"*", "", false, ""},
	} {
		cfg, err := LoadConfig(func(k string) string {
			return map[string]string{"CONSENTGATE_JWT_SECRET": long, "CONSENTGATE_HASH_KEY": long, "CONSENTGATE_RECEIPT_KEY": receiptKey, "CONSENTGATE_LISTEN": c.listen, "PORT": c.port}[k]
		}, c.demo)
		switch {
		case c.want == "" && (err == nil || !strings.Contains(err.Error(), "CONSENTGATE_LISTEN")):
			t.Errorf("CONSENTGATE_LISTEN=%q accepted: %q", c.listen, cfg.Addr)
		case c.want != "" && (err != nil || cfg.Addr != c.want):
			t.Errorf("CONSENTGATE_LISTEN=%q PORT=%q demo=%v: %q, %v; want %q", c.listen, c.port, c.demo, cfg.Addr, err, c.want)
		}
	}
	if Defaults().Addr != ":8080" {
		t.Errorf("default address %q", Defaults().Addr)
	}
	for env, want := range map[string]string{"": "127.0.0.1:9090", "off": "", "0.0.0.0:9100": "0.0.0.0:9100", "[::1]:9090": "[::1]:9090",
		":9090": ":9090", "9090": "refused", "example.com:9090": "refused", "127.0.0.1:http": "refused"} {
		cfg, err := LoadConfig(func(k string) string {
			return map[string]string{"CONSENTGATE_JWT_SECRET": long, "CONSENTGATE_HASH_KEY": long, "CONSENTGATE_RECEIPT_KEY": receiptKey, "CONSENTGATE_METRICS_LISTEN": env}[k]
		}, false)
		if got := cfg.MetricsAddr; err != nil && want != "refused" || err == nil && got != want {
			t.Errorf("CONSENTGATE_METRICS_LISTEN=%q: %q, %v; want %q", env, got, err, want)
		}
	}
}

// TestGrantConfig: CONSENTGATE_GRANT_TTL defaults to 4h and is refused
// over 24 hours or not positive.
func TestGrantConfig(t *testing.T) {
	long := strings.Repeat("s", 32)
	cfg := func(ttl string) (Config, error) {
		return LoadConfig(func(k string) string {
			return map[string]string{"CONSENTGATE_JWT_SECRET": long, "CONSENTGATE_HASH_KEY": long, "CONSENTGATE_RECEIPT_KEY": receiptKey, "CONSENTGATE_GRANT_TTL": ttl}[k]
		}, false)
	}
	for _, c := range []struct {
		env  string
		want time.Duration // 0: refused
	}{{"", 4 * time.Hour}, {"30m", 30 * time.Minute}, {"24h", 24 * time.Hour}, {"24h1s", 0}, {"25h", 0}, {"0s", 0}, {"-1h", 0}, {"soon", 0}} {
		got, err := cfg(c.env)
		if c.want == 0 {
			if err == nil || !strings.Contains(err.Error(), "CONSENTGATE_GRANT_TTL") {
				t.Errorf("%q: %v", c.env, err)
			}
			continue
		}
		if err != nil || got.GrantTTL != c.want {
			t.Errorf("%q: %s, %v", c.env, got.GrantTTL, err)
		}
	}
}

// TestRetentionIntervalConfig: the server sweeps hourly by default with
// only the secrets set; CONSENTGATE_RETENTION_INTERVAL sets another
// interval (at least a minute) or, 0 or off, none; -demo sweeps only when
// told to.
func TestRetentionIntervalConfig(t *testing.T) {
	long := strings.Repeat("s", 32)
	cfg := func(v string, demo bool) (Config, error) {
		return LoadConfig(func(k string) string {
			return map[string]string{"CONSENTGATE_JWT_SECRET": long, "CONSENTGATE_HASH_KEY": long, "CONSENTGATE_RETENTION_INTERVAL": v}[k]
		}, demo)
	}
	for _, c := range []struct {
		env  string
		demo bool
		want time.Duration // -1: refused
	}{{"", false, time.Hour}, {"", true, 0}, {"10m", true, 10 * time.Minute}, {"24h", false, 24 * time.Hour},
		{"0", false, 0}, {"off", false, 0}, {"30s", false, -1}, {"-1h", false, -1}, {"hourly", false, -1}} {
		got, err := cfg(c.env, c.demo)
		if c.want < 0 {
			if err == nil || !strings.Contains(err.Error(), "CONSENTGATE_RETENTION_INTERVAL") {
				t.Errorf("%q: %v", c.env, err)
			}
			continue
		}
		if err != nil || got.RetentionInterval != c.want {
			t.Errorf("%q (demo %v): %s, %v", c.env, c.demo, got.RetentionInterval, err)
		}
	}
}

// TestCursorKeyConfig: CONSENTGATE_CURSOR_KEY is 32 bytes in base64; any
// other value stops the start with a message naming the setting (never
// the value); without it the key is derived from the HASH key.
func TestCursorKeyConfig(t *testing.T) {
	// Derived keys: one per HASH key, each its own.
	if a, b := CursorKeyFrom([]byte("a")), CursorKeyFrom([]byte("b")); len(a) != 32 || bytes.Equal(a, b) ||
		!bytes.Equal(a, CursorKeyFrom([]byte("a"))) || bytes.Equal(a, ReceiptKeyFrom([]byte("a"))) {
		t.Fatal("CursorKeyFrom: not one 32-byte key per HASH key, apart from the receipts'")
	}
	long := strings.Repeat("s", 32)
	key := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 32)))
	for _, c := range []struct {
		env string
		ok  bool
	}{
		{"", true}, {key, true},
		{base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 31))), false},
		{base64.StdEncoding.EncodeToString([]byte(strings.Repeat("k", 33))), false},
		{strings.Repeat("k", 32), false}, // not base64 of 32 bytes
		{key[:len(key)-1] + "!", false},
	} {
		cfg, err := LoadConfig(func(k string) string {
			return map[string]string{"CONSENTGATE_JWT_SECRET": long, "CONSENTGATE_HASH_KEY": long, "CONSENTGATE_CURSOR_KEY": c.env}[k]
		}, false)
		switch {
		case c.ok && err != nil:
			t.Errorf("%q refused: %v", c.env, err)
		case !c.ok && (err == nil || !strings.Contains(err.Error(), "CONSENTGATE_CURSOR_KEY must be 32 random bytes in base64")):
			t.Errorf("%q: %v", c.env, err)
		case !c.ok && c.env != "" && strings.Contains(err.Error(), c.env):
			t.Errorf("the error quotes the key: %v", err)
		case c.ok && c.env == "" && !bytes.Equal(cfg.CursorKey, CursorKeyFrom([]byte(long))):
			t.Errorf("no key set: not the key derived from the HASH key, but %d bytes", len(cfg.CursorKey))
		case c.ok && c.env != "" && string(cfg.CursorKey) != strings.Repeat("k", 32):
			t.Errorf("key %q", cfg.CursorKey)
		}
	}
}

func TestPostgresURL(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u@h:5432/db":                              "postgres://u@h:5432/db?statement_cache_capacity=64",
		"postgres://u@h/db?sslmode=disable":                   "postgres://u@h/db?sslmode=disable&statement_cache_capacity=64",
		"postgres://u@h/db?statement_cache_capacity=512":      "postgres://u@h/db?statement_cache_capacity=512",
		"postgresql://u:p@h1:5432,h2:5432/db?sslmode=require": "postgresql://u:p@h1:5432,h2:5432/db?sslmode=require&statement_cache_capacity=64",
	} {
		if got := PostgresURL(in); got != want {
			t.Errorf("PostgresURL(%q) = %q, want %q", in, got, want)
		}
	}
}
