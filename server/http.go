package main

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/schema/validate"
	"consentgate/graph"
)

// Gateway holds what the HTTP handler is built from.
type Gateway struct {
	Client  *ent.Client
	Auth    *Authenticator
	Policy  *consent.Policy
	HashKey []byte // key of the HASH mask
	Demo    bool   // GraphiQL and introspection
	Log     *slog.Logger
}

// Handler returns the gateway's HTTP handler: GraphQL at /graphql (POST
// for everything, GET for queries), /healthz, /metrics, /datamap, and in
// demo mode GraphiQL at / and introspection.
func (gw Gateway) Handler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gql := graph.NewServer(gw.Client, graph.Options{
		Engine:  consent.NewEngine(gw.Policy),
		Masker:  NewMasker(gw.HashKey),
		Metrics: graph.NewMetrics(reg),
		Log:     gw.Log,
	})
	gql.AddTransport(transport.GET{})
	gql.AddTransport(transport.POST{})
	if gw.Demo {
		gql.Use(extension.Introspection{})
	}

	mux := http.NewServeMux()
	mux.Handle("/graphql", gw.Auth.Middleware(gql))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("GET /datamap", dataMapHandler(gw.Policy))
	if gw.Demo {
		mux.Handle("GET /{$}", playground.Handler("consentgate", "/graphql"))
	}
	return mux
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
