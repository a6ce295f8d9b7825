package gateway

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"consentgate/consent"
	"consentgate/datamap"
	"consentgate/ent"
	"consentgate/ent/schema/validate"
	"consentgate/gateway/graphiql"
	"consentgate/gateway/pages"
	"consentgate/graph"
	"consentgate/graph/cursor"
	"consentgate/records"
	"consentgate/tracing"
)

// Gateway holds what the HTTP handler is built from: the configuration
// (from LoadConfig, or Defaults in tests) and the running parts.
type Gateway struct {
	Config
	Client *ent.Client
	// Pool is the client's connection pool, for its metrics (optional:
	// Open returns it).
	Pool *sql.DB
	Auth *Authenticator
	Log  *slog.Logger
	// Noise is the statistics' noise source (consent.CryptoNoise when nil).
	Noise consent.Noise
	// Now is the gateway's clock (time.Now when nil; tests move it on): it
	// dates budget spends, and tells the engine which policy versions are
	// in force, and so how each consent stands.
	Now func() time.Time
	// DemoTokens are offered by GraphiQL's role switcher (-demo only).
	DemoTokens []graphiql.Token
	// Collectors are metrics of the process's other jobs (the retention
	// sweeper's) served at /metrics with the API's.
	Collectors []prometheus.Collector
}

// New builds the gateway of cfg over client: tokens are verified as cfg
// says.
func New(cfg Config, client *ent.Client, log *slog.Logger) Gateway {
	return Gateway{Config: cfg, Client: client, Auth: NewAuthenticatorWith(cfg.JWTSecret, cfg.Token), Log: log}
}

// Handlers are the gateway's two HTTP handlers, served on two listeners:
// the API, and its metrics (Prometheus), which tell who releases what and
// when (a legal-basis release, for one) and so are not served beside the
// API: they listen on MetricsAddr, loopback unless configured otherwise.
type Handlers struct {
	API     http.Handler
	Metrics http.Handler // GET /metrics only
}

// Handler returns the gateway's API handler (Handlers().API).
func (gw Gateway) Handler() http.Handler { return gw.Handlers().API }

// Handlers returns the gateway's handlers. The API: GraphQL at /graphql
// (POST for everything, GET for queries; bodies up to MaxBody; responses
// never cached), /healthz (alive), /readyz (the database answers and takes
// writes), /datamap, the policy versions and their texts at /policy and
// /policy/{version}, the consent receipts' keys at /.well-known/jwks.json, the privacy centre at /privacy and the console at
// /console (see package pages), and in demo mode GraphiQL at / (served
// from the binary, see package graphiql), introspection and field
// suggestions. The metrics: /metrics, of this API.
func (gw Gateway) Handlers() Handlers {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	reg.MustRegister(gw.Collectors...)
	if gw.Pool != nil { // go_sql_*: connections open, in use, idle, and waits for one
		reg.MustRegister(collectors.NewDBStatsCollector(gw.Pool, "consentgate"))
	}
	engine := consent.NewEngine(gw.Policy).WithClock(gw.Now)
	gql := graph.NewServer(gw.Client, graph.Options{
		Engine:     engine,
		Masker:     NewMasker(gw.HashKey),
		Receipts:   gw.Receipts,
		Metrics:    graph.NewMetrics(reg),
		Log:        gw.Log,
		Limits:     gw.Limits,
		RequestDue: gw.RequestDue,
		GrantTTL:   gw.GrantTTL,
		Noise:      gw.Noise,
		Now:        gw.Now,
		// "Did you mean" would reveal the schema.
		Suggestions: gw.Demo || gw.Dev,
		Cursors:     cursorSealer(gw.CursorKey),
		Sealer:      IdentitySealer(gw.SealKey, gw.HashKey),
	})
	gql.AddTransport(graph.GET{})  // gqlgen's, reading documentId too
	gql.AddTransport(graph.POST{}) // (approved operations)
	dev := gw.Demo || gw.Dev
	if dev {
		gql.Use(extension.Introspection{})
	}

	mux := http.NewServeMux()
	mux.Handle("/graphql", withCORS(gw.CORSOrigins, preventCSRF(limitBody(gw.MaxBody, noStore(
		gw.Auth.Middleware(engine, rateLimit(newLimiters(gw.RateLimit), withDeadline(gw.Timeout, gql))))))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", gw.readyz)
	mux.Handle("GET /datamap", datamap.Handler(gw.Policy))
	mux.HandleFunc("GET /policy", gw.policyVersions)
	mux.HandleFunc("GET /policy/{version}", gw.policyVersionText)
	mux.Handle("GET /.well-known/jwks.json", receiptKeys(gw.Receipts))
	// The privacy centre and the console are products, served in every
	// mode: they hold no data and reach it only through /graphql.
	ui := pages.Handler(pages.Options{Endpoint: "/graphql", Demo: dev, DataMap: datamap.BuildSchema(gw.Policy)})
	mux.Handle("GET /privacy", ui)
	mux.Handle("GET /console", ui)
	mux.Handle("GET "+pages.AssetPrefix, ui)
	if dev {
		ui := graphiql.Handler(graphiql.Options{Endpoint: "/graphql", Tokens: gw.DemoTokens})
		mux.Handle("GET /{$}", ui)
		mux.Handle("GET "+graphiql.AssetPrefix, ui)
	}
	metrics := http.NewServeMux()
	metrics.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	return Handlers{API: tracing.Handler(routes, withRequestID(accessLog(gw.Log, newHTTPMetrics(reg), mux))), Metrics: metrics}
}

// cursorSealer returns the sealer of key, or nil (a random key) when
// there is none. LoadConfig refuses a key of the wrong size: one here is a
// caller's mistake.
func cursorSealer(key []byte) *cursor.Sealer {
	if len(key) == 0 {
		return nil
	}
	s, err := cursor.NewSealer(key)
	if err != nil {
		panic("gateway: " + err.Error())
	}
	return s
}

// IdentitySealer seals erased subjects' identities with key, else with
// the key derived from the HASH key (SealKeyFrom), so that a gateway built
// without LoadConfig keeps them too, and so does the retention sweeper.
func IdentitySealer(key, hashKey []byte) *records.Sealer {
	if len(key) == 0 {
		key = SealKeyFrom(hashKey)
	}
	s, err := records.NewSealer(key)
	if err != nil {
		panic("gateway: " + err.Error())
	}
	return s
}

// limitBody refuses request bodies over max bytes with 413.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			writeJSON(w, http.StatusRequestEntityTooLarge, errorBody("request body too large", "PAYLOAD_TOO_LARGE"))
			return
		}
		if r.Body != nil {
			body, err := io.ReadAll(io.LimitReader(r.Body, max+1))
			if err != nil {
				writeJSON(w, http.StatusBadRequest, errorBody("request body could not be read", "BAD_REQUEST"))
				return
			}
			if int64(len(body)) > max {
				writeJSON(w, http.StatusRequestEntityTooLarge, errorBody("request body too large", "PAYLOAD_TOO_LARGE"))
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}

// noStore keeps GraphQL responses, which may hold personal data, out of
// every cache.
func noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func errorBody(message, code string) map[string]any {
	return map[string]any{"errors": []map[string]any{{"message": message, "extensions": map[string]any{"code": code}}}}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// NewMasker returns the masker of the gateway: HASH keyed with key,
// PREFECTURE over Japan's 47 prefectures.
func NewMasker(key []byte) consent.Masker {
	names := make([]string, len(validate.Prefectures))
	for i, p := range validate.Prefectures {
		names[i] = p.Name
	}
	return consent.Masker{HashKey: key, Prefectures: names}
}
