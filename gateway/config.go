package gateway

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/graph"
	"consentgate/graph/cursor"
	"consentgate/receipt"
	"consentgate/records"
	"consentgate/retention"
)

// Config is everything the gateway reads from its environment and flags.
// Defaults gives every setting its default; LoadConfig starts from it, and
// nothing else fills a default in.
type Config struct {
	Addr        string       // listen address: every interface, port 8080, unless CONSENTGATE_LISTEN or PORT say otherwise; -demo: loopback
	MetricsAddr string       // listen address of /metrics: DefaultMetricsAddr (loopback) unless CONSENTGATE_METRICS_LISTEN says otherwise; "": not served
	DatabaseURL string       // SQLite DSN (file:...) or postgres:// URL
	DBMaxConns  int          // the connection pool's size (0: the database's default, see OpenDatabase)
	JWTSecret   []byte       // HS256 secret for tokens (none: HS256 refused)
	JWKS        string       // file or URL of RS256/ES256 verification keys
	Token       TokenOptions // issuer, audience and leeway checks (Keys filled at start)
	HashKey     []byte       // key of the HASH mask
	CursorKey   []byte       // key (cursor.KeySize bytes) sealing the connections' cursors: CONSENTGATE_CURSOR_KEY, else CursorKeyFrom(HashKey); none (Defaults): a random key per process
	SealKey     []byte       // key (records.KeySize bytes) sealing erased subjects' identities beside their records of provision: CONSENTGATE_SEAL_KEY, else SealKeyFrom(HashKey); none (Defaults): SealKeyFrom(HashKey) when serving
	// Receipts signs consent receipts with CONSENTGATE_RECEIPT_KEY (the demo
	// key with -demo) and serves it, with CONSENTGATE_RECEIPT_PREVIOUS_KEYS,
	// as the JWKS; nil (Defaults): no receipts. Without the setting,
	// LoadConfig derives the key from the HASH key (ReceiptKeyFrom).
	Receipts    *receipt.Signer
	Policy      *consent.Policy // the consent policy: embedded default or CONSENTGATE_POLICY
	Demo        bool            // seed demo data, serve GraphiQL and introspection
	Dev         bool            // CONSENTGATE_DEV=true: GraphiQL, introspection and suggestions without demo data
	CORSOrigins []string        // browser origins allowed to call /graphql
	Limits      graph.Limits    // query shape limits
	MaxBody     int64           // request body limit in bytes
	Server      ServerTimeouts  // HTTP connection timeouts and the drain deadline
	RequestDue  time.Duration   // how long a privacy request may take
	GrantTTL    time.Duration   // how long an access grant lives after approval (at most graph.MaxGrantTTL)
	RateLimit   RateLimit       // each viewer's request budget
	Timeout     time.Duration   // bound on each GraphQL request
	// RetentionInterval is how often the server sweeps what the policy's
	// retention periods say has ended (package retention):
	// CONSENTGATE_RETENTION_INTERVAL, default retention.DefaultInterval;
	// 0 (CONSENTGATE_RETENTION_INTERVAL=0 or off, and -demo unless it is
	// set) sweeps never.
	RetentionInterval time.Duration
}

// DemoSecret signs tokens when -demo runs without CONSENTGATE_JWT_SECRET.
// It is public: the gateway refuses it outside demo mode.
const DemoSecret = "consentgate-demo-secret-not-for-production"

// DemoReceiptKey signs consent receipts when -demo runs without
// CONSENTGATE_RECEIPT_KEY: a seed derived from DemoSecret, so as public as
// it; the gateway refuses it outside demo mode.
func DemoReceiptKey() []byte {
	sum := sha256.Sum256([]byte(DemoSecret + "-receipt"))
	return sum[:]
}

// Defaults of the configuration. The gateway listens on every interface
// (DefaultHost), as a service behind a load balancer or in a container
// must; -demo listens on loopback (DefaultDemoHost) unless told otherwise,
// so that a demo with its public secret is not reachable from elsewhere.
const (
	DefaultHost     = ""
	DefaultDemoHost = "127.0.0.1"
	DefaultPort     = "8080"
	// DefaultMetricsAddr is where /metrics is served: on loopback, for a
	// Prometheus agent on the same host (or a sidecar); never beside the
	// API, to which anyone may connect.
	DefaultMetricsAddr = "127.0.0.1:9090"
	DefaultDatabaseURL = "file:consentgate.db?_fk=1&_journal_mode=WAL&_busy_timeout=5000&_txlock=immediate&_secure_delete=true"
)

// ErrConfig marks configuration errors: the gateway refuses to start.
var ErrConfig = errors.New("configuration")

// DefaultRequestTimeout bounds a GraphQL request when none is configured.
const DefaultRequestTimeout = 10 * time.Second

// DefaultGCPercent is the garbage collector's target (Go's GOGC) when the
// environment sets none. A dashboard request allocates about 2.7 MB of
// short-lived objects (gqlgen's per-field contexts, the rows) over a live
// heap of a few tens of MB: at Go's default of 100 the collector runs every
// few requests and took about a quarter of the CPU (BENCHMARKS.md). 400
// lets the heap grow to five times what is live before a cycle. GOGC and
// GOMEMLIMIT in the environment are Go's own and win.
const DefaultGCPercent = 400

// TuneGC sets DefaultGCPercent unless the environment sets GOGC, and
// returns the percentage in force (-1: off).
func TuneGC(getenv func(string) string) int {
	if getenv("GOGC") != "" {
		p := debug.SetGCPercent(100) // read what the runtime took from GOGC
		debug.SetGCPercent(p)
		return p
	}
	debug.SetGCPercent(DefaultGCPercent)
	return DefaultGCPercent
}

// MaxBodyBytes is the default bound of a GraphQL request body; larger ones
// are refused with 413 before anything is parsed.
const MaxBodyBytes = 256 << 10

// Defaults is the configuration with every default filled in: the place
// where defaults are decided. The secrets and the policy are not defaults:
// a Config from Defaults has no JWT secret or hash key, and the embedded
// policy.
func Defaults() Config {
	return Config{
		Addr:        net.JoinHostPort(DefaultHost, DefaultPort),
		MetricsAddr: DefaultMetricsAddr,
		DatabaseURL: DefaultDatabaseURL,
		Policy:      consent.DefaultPolicy(),
		Limits:      graph.Limits{}.WithDefaults(),
		MaxBody:     MaxBodyBytes,
		Server:      DefaultServerTimeouts,
		RequestDue:  graph.DefaultRequestDue,
		GrantTTL:    graph.DefaultGrantTTL,
		RateLimit:   DefaultRateLimit,
		Timeout:     DefaultRequestTimeout,
		Token:       TokenOptions{Leeway: DefaultLeeway},

		RetentionInterval: retention.DefaultInterval,
	}
}

// LoadConfig reads the environment over Defaults. getenv is os.Getenv
// outside tests.
func LoadConfig(getenv func(string) string, demo bool) (Config, error) {
	c := Defaults()
	c.Demo = demo
	switch getenv("CONSENTGATE_DEV") {
	case "", "false", "0":
	case "true", "1":
		c.Dev = true
	default:
		return c, fmt.Errorf("%w: CONSENTGATE_DEV must be true or false", ErrConfig)
	}
	host, port := DefaultHost, DefaultPort
	if demo {
		host = DefaultDemoHost
	}
	if p := getenv("PORT"); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 65535 {
			return c, fmt.Errorf("%w: PORT must be a port number", ErrConfig)
		}
		port = p
	}
	if h := getenv("CONSENTGATE_LISTEN"); h != "" {
		if h != "localhost" && net.ParseIP(h) == nil {
			return c, fmt.Errorf("%w: CONSENTGATE_LISTEN must be an IP address to listen on (0.0.0.0 or :: for every interface, 127.0.0.1 for loopback) or localhost", ErrConfig)
		}
		host = h
	}
	c.Addr = net.JoinHostPort(host, port)
	switch m := getenv("CONSENTGATE_METRICS_LISTEN"); m {
	case "":
	case "off":
		c.MetricsAddr = ""
	default:
		h, p, err := net.SplitHostPort(m)
		n, perr := strconv.Atoi(p)
		if err != nil || perr != nil || n < 0 || n > 65535 || h != "" && h != "localhost" && net.ParseIP(h) == nil {
			return c, fmt.Errorf("%w: CONSENTGATE_METRICS_LISTEN must be an address to serve /metrics on, such as 127.0.0.1:9090, or off", ErrConfig)
		}
		c.MetricsAddr = m
	}
	if u := getenv("DATABASE_URL"); u != "" {
		c.DatabaseURL = u
	}
	if v := getenv("CONSENTGATE_DB_MAX_CONNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return c, fmt.Errorf("%w: CONSENTGATE_DB_MAX_CONNS must be a number of connections from 1 to 1000", ErrConfig)
		}
		c.DBMaxConns = n
	}
	c.JWKS = getenv("CONSENTGATE_JWKS")
	c.Token.Issuer, c.Token.Audience = getenv("CONSENTGATE_JWT_ISSUER"), getenv("CONSENTGATE_JWT_AUDIENCE")
	if v := getenv("CONSENTGATE_JWT_LEEWAY"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > 5*time.Minute {
			return c, fmt.Errorf("%w: CONSENTGATE_JWT_LEEWAY must be a duration from 0s to 5m", ErrConfig)
		}
		c.Token.Leeway = d
	}
	secret := getenv("CONSENTGATE_JWT_SECRET")
	switch {
	case secret == "" && demo:
		secret = DemoSecret
	case secret == "" && c.JWKS != "": // RS256/ES256 only
	case secret == "":
		return c, fmt.Errorf("%w: CONSENTGATE_JWT_SECRET (at least 32 bytes) or CONSENTGATE_JWKS is required; or run with -demo", ErrConfig)
	case secret == DemoSecret && !demo:
		return c, fmt.Errorf("%w: CONSENTGATE_JWT_SECRET is the public demo secret; set your own", ErrConfig)
	case len(secret) < 32:
		return c, fmt.Errorf("%w: CONSENTGATE_JWT_SECRET must be at least 32 bytes", ErrConfig)
	}
	if secret != "" {
		c.JWTSecret = []byte(secret)
	}

	switch key := getenv("CONSENTGATE_HASH_KEY"); {
	case key == "" && demo:
		c.HashKey = []byte(DemoSecret + "-hash")
	case len(key) < 32:
		return c, fmt.Errorf("%w: CONSENTGATE_HASH_KEY (the HASH mask's key) must be at least 32 bytes", ErrConfig)
	default:
		c.HashKey = []byte(key)
	}

	// Derived from the HASH key unless set, which every replica shares and
	// keeps: cursors cross replicas and restarts, and sealed identities open
	// on every replica for as long as the pseudonyms they are filed under
	// stay the same, with no secret more to keep.
	var err error
	if c.CursorKey, err = keyOrDerived(getenv, "CONSENTGATE_CURSOR_KEY", cursor.KeySize, CursorKeyFrom(c.HashKey)); err != nil {
		return c, err
	}
	if c.SealKey, err = keyOrDerived(getenv, "CONSENTGATE_SEAL_KEY", records.KeySize, SealKeyFrom(c.HashKey)); err != nil {
		return c, err
	}
	if err := loadReceiptKeys(getenv, demo, &c); err != nil {
		return c, err
	}

	if list := getenv("CONSENTGATE_CORS_ORIGINS"); list != "" {
		for _, o := range strings.Split(list, ",") {
			o = strings.TrimSpace(o)
			u, err := url.Parse(o)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.Path != "" || u.RawQuery != "" {
				return c, fmt.Errorf("%w: CONSENTGATE_CORS_ORIGINS: each entry must be an origin such as https://app.example.com", ErrConfig)
			}
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}

	if v := getenv("CONSENTGATE_RATE_LIMIT"); v != "" {
		r, err := strconv.ParseFloat(v, 64)
		if err != nil || r <= 0 {
			return c, fmt.Errorf("%w: CONSENTGATE_RATE_LIMIT must be a positive number of requests per second", ErrConfig)
		}
		c.RateLimit.Rate = r
	}
	if v := getenv("CONSENTGATE_RATE_BURST"); v != "" {
		b, err := strconv.Atoi(v)
		if err != nil || b < 1 {
			return c, fmt.Errorf("%w: CONSENTGATE_RATE_BURST must be a positive whole number", ErrConfig)
		}
		c.RateLimit.Burst = b
	}
	if v := getenv("CONSENTGATE_REQUEST_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return c, fmt.Errorf("%w: CONSENTGATE_REQUEST_TIMEOUT must be a positive duration such as 10s", ErrConfig)
		}
		c.Timeout = d
	}

	if v := getenv("CONSENTGATE_REQUEST_DUE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Hour {
			return c, fmt.Errorf("%w: CONSENTGATE_REQUEST_DUE must be a duration of at least 1h, such as 336h", ErrConfig)
		}
		c.RequestDue = d
	}
	if v := getenv("CONSENTGATE_GRANT_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 || d > graph.MaxGrantTTL {
			return c, fmt.Errorf("%w: CONSENTGATE_GRANT_TTL must be a positive duration of at most 24h, such as 4h", ErrConfig)
		}
		c.GrantTTL = d
	}
	for _, n := range []struct {
		env string
		to  *int
	}{
		{"CONSENTGATE_MAX_DEPTH", &c.Limits.MaxDepth}, {"CONSENTGATE_MAX_ALIASES", &c.Limits.MaxAliases},
		{"CONSENTGATE_MAX_DIRECTIVES", &c.Limits.MaxDirectives}, {"CONSENTGATE_MAX_TOKENS", &c.Limits.MaxTokens},
		{"CONSENTGATE_MAX_COMPLEXITY", &c.Limits.MaxComplexity},
	} {
		if v := getenv(n.env); v != "" {
			i, err := strconv.Atoi(v)
			if err != nil || i < 1 {
				return c, fmt.Errorf("%w: %s must be a positive whole number", ErrConfig, n.env)
			}
			*n.to = i
		}
	}
	if v := getenv("CONSENTGATE_MAX_BODY_BYTES"); v != "" {
		i, err := strconv.ParseInt(v, 10, 64)
		if err != nil || i < 1024 {
			return c, fmt.Errorf("%w: CONSENTGATE_MAX_BODY_BYTES must be a whole number of at least 1024", ErrConfig)
		}
		c.MaxBody = i
	}
	for _, d := range []struct {
		env string
		to  *time.Duration
	}{{"CONSENTGATE_READ_HEADER_TIMEOUT", &c.Server.ReadHeader}, {"CONSENTGATE_IDLE_TIMEOUT", &c.Server.Idle}} {
		if v := getenv(d.env); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t <= 0 {
				return c, fmt.Errorf("%w: %s must be a positive duration such as 5s", ErrConfig, d.env)
			}
			*d.to = t
		}
	}

	// The demo's data is staged at fixed dates in the past: sweeping it
	// would empty the demo's history, unless asked for.
	switch v := getenv("CONSENTGATE_RETENTION_INTERVAL"); {
	case v == "" && demo:
		c.RetentionInterval = 0
	case v == "":
	case v == "0" || v == "off":
		c.RetentionInterval = 0
	default:
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute {
			return c, fmt.Errorf("%w: CONSENTGATE_RETENTION_INTERVAL must be a duration of at least 1m such as 1h, or 0 or off", ErrConfig)
		}
		c.RetentionInterval = d
	}

	if path := getenv("CONSENTGATE_POLICY"); path != "" {
		p, err := consent.LoadPolicyFile(path)
		if err != nil {
			return c, fmt.Errorf("%w: CONSENTGATE_POLICY: %w", ErrConfig, err)
		}
		c.Policy = p
	}
	return c, nil
}

// loadReceiptKeys reads CONSENTGATE_RECEIPT_KEY (required outside demo
// mode; the demo key only in it) and CONSENTGATE_RECEIPT_PREVIOUS_KEYS.
// ReceiptKeyFrom is the receipts' Ed25519 seed derived from the HASH key,
// used when CONSENTGATE_RECEIPT_KEY is not set.
func ReceiptKeyFrom(hashKey []byte) []byte {
	return deriveKey(hashKey, "consentgate: consent receipt signing key, v1")
}

// CursorKeyFrom is the cursors' sealing key derived from the HASH key,
// used when CONSENTGATE_CURSOR_KEY is not set.
func CursorKeyFrom(hashKey []byte) []byte {
	return deriveKey(hashKey, "consentgate: cursor sealing key, v1")
}

// keyOrDerived reads the key the variable name holds (size random bytes in
// base64), or returns derived when it is not set.
func keyOrDerived(getenv func(string) string, name string, size int, derived []byte) ([]byte, error) {
	v := getenv(name)
	if v == "" {
		return derived, nil
	}
	key, err := base64.StdEncoding.DecodeString(v)
	if err != nil || len(key) != size {
		return nil, fmt.Errorf("%w: %s must be %d random bytes in base64, such as the output of `openssl rand -base64 %d`", ErrConfig, name, size, size)
	}
	return key, nil
}

// SealKeyFromEnv is the key sealing erased subjects' identities as the
// server reads it from getenv (CONSENTGATE_SEAL_KEY, else derived from
// CONSENTGATE_HASH_KEY), for the commands that erase outside it; nil when
// neither is set.
func SealKeyFromEnv(getenv func(string) string) ([]byte, error) {
	var derived []byte
	if hash := getenv("CONSENTGATE_HASH_KEY"); hash != "" {
		derived = SealKeyFrom([]byte(hash))
	}
	return keyOrDerived(getenv, "CONSENTGATE_SEAL_KEY", records.KeySize, derived)
}

// SealKeyFrom is the key sealing erased subjects' identities
// (records.Sealer) derived from the HASH key, used when
// CONSENTGATE_SEAL_KEY is not set.
func SealKeyFrom(hashKey []byte) []byte {
	return deriveKey(hashKey, "consentgate: sealed identity key, v1")
}

// deriveKey is HMAC-SHA256 of a label of its own under the HASH key: a
// 32-byte key that tells nothing of the HASH key, of the pseudonyms made
// with it, nor of the other keys derived from it.
func deriveKey(hashKey []byte, label string) []byte {
	mac := hmac.New(sha256.New, hashKey)
	mac.Write([]byte(label))
	return mac.Sum(nil)
}

func loadReceiptKeys(getenv func(string) string, demo bool, c *Config) error {
	var seed []byte
	switch key := getenv("CONSENTGATE_RECEIPT_KEY"); {
	case key == "" && demo:
		seed = DemoReceiptKey()
	case key == "":
		// Derived from the HASH key, which every replica already shares and
		// keeps: receipts verify across replicas and restarts with no secret
		// more to keep. A key of its own can be set, and rotated, apart.
		seed = ReceiptKeyFrom(c.HashKey)
	default:
		var err error
		if seed, err = receipt.ParseSeed(key); err != nil {
			return fmt.Errorf("%w: CONSENTGATE_RECEIPT_KEY must be the base64 of 32 random bytes (openssl rand -base64 32)", ErrConfig)
		}
		if bytes.Equal(seed, DemoReceiptKey()) && !demo {
			return fmt.Errorf("%w: CONSENTGATE_RECEIPT_KEY is the public demo key; set your own", ErrConfig)
		}
	}
	var previous []ed25519.PublicKey
	if list := getenv("CONSENTGATE_RECEIPT_PREVIOUS_KEYS"); list != "" {
		for _, k := range strings.Split(list, ",") {
			pub, err := receipt.ParsePublicKey(strings.TrimSpace(k))
			if err != nil {
				return fmt.Errorf("%w: CONSENTGATE_RECEIPT_PREVIOUS_KEYS must list the base64 of 32-byte Ed25519 public keys (a JWKS key's x), separated by commas", ErrConfig)
			}
			previous = append(previous, pub)
		}
	}
	signer, err := receipt.NewSigner(seed, previous...)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	c.Receipts = signer
	return nil
}
