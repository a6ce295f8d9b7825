package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"consentgate/consent"
	"consentgate/datamap"
	"consentgate/ent"
	"consentgate/ent/privacy"
	"consentgate/ent/schema/validate"
	"consentgate/graph"
)

// Gateway holds what the HTTP handler is built from.
type Gateway struct {
	Client  *ent.Client
	Auth    *Authenticator
	Policy  *consent.Policy
	HashKey []byte // key of the HASH mask
	Dev     bool   // development surfaces: GraphiQL, introspection, field suggestions
	Log     *slog.Logger
	// CORSOrigins are the browser origins allowed to call /graphql.
	CORSOrigins []string
	// RateLimit is each viewer's budget (DefaultRateLimit when zero).
	RateLimit RateLimit
	// RequestTimeout bounds each GraphQL request (DefaultRequestTimeout when zero).
	RequestTimeout time.Duration
	// Limits bound an operation's shape (zero fields: the defaults).
	Limits graph.Limits
	// MaxBody bounds a request body in bytes (MaxBodyBytes when zero).
	MaxBody int64
	// RequestDue is how long a privacy request may take (graph.DefaultRequestDue when zero).
	RequestDue time.Duration
	// GrantTTL is how long an access grant lives after its approval
	// (graph.DefaultGrantTTL when zero).
	GrantTTL time.Duration
	// Noise is the statistics' noise source (consent.CryptoNoise when nil).
	Noise consent.Noise
}

// DefaultRequestTimeout bounds a GraphQL request when none is configured.
const DefaultRequestTimeout = 10 * time.Second

// Handler returns the gateway's HTTP handler: GraphQL at /graphql (POST
// for everything, GET for queries; bodies up to MaxBodyBytes; responses
// never cached), /healthz (alive), /readyz (the database answers), /metrics,
// /datamap, and in demo mode GraphiQL at /, introspection and field
// suggestions.
func (gw Gateway) Handler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gql := graph.NewServer(gw.Client, graph.Options{
		Engine:     consent.NewEngine(gw.Policy),
		Masker:     NewMasker(gw.HashKey),
		Metrics:    graph.NewMetrics(reg),
		Log:        gw.Log,
		Limits:     gw.Limits,
		RequestDue: gw.RequestDue,
		GrantTTL:   gw.GrantTTL,
		Noise:      gw.Noise,
	})
	gql.AddTransport(graph.GET{})  // gqlgen's, reading documentId too
	gql.AddTransport(graph.POST{}) // (approved operations)
	if gw.Dev {
		gql.Use(extension.Introspection{})
	} else {
		gql.SetDisableSuggestion(true) // "Did you mean" would reveal the schema
	}

	mux := http.NewServeMux()
	limit := gw.RateLimit
	if limit.Rate <= 0 {
		limit = DefaultRateLimit
	}
	timeout := gw.RequestTimeout
	if timeout <= 0 {
		timeout = DefaultRequestTimeout
	}
	maxBody := gw.MaxBody
	if maxBody <= 0 {
		maxBody = MaxBodyBytes
	}
	mux.Handle("/graphql", withCORS(gw.CORSOrigins, preventCSRF(limitBody(maxBody, noStore(
		gw.Auth.Middleware(rateLimit(newLimiters(limit), withDeadline(timeout, gql))))))))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		// The database answers and the schema is migrated (and a policy
		// version is published, as at every start).
		if _, err := gw.Client.PolicyVersion.Query().Exist(privacy.DecisionContext(ctx, privacy.Allow)); err != nil {
			gw.Log.WarnContext(ctx, "not ready", "error", err.Error())
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("GET /datamap", datamap.Handler(gw.Policy))
	if gw.Dev {
		mux.Handle("GET /{$}", playground.Handler("consentgate", "/graphql"))
	}
	return withRequestID(accessLog(gw.Log, mux))
}

// MaxBodyBytes is the default bound of a GraphQL request body; larger ones
// are refused with 413 before anything is parsed.
const MaxBodyBytes = 256 << 10

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
