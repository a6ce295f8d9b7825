package main

import (
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"

	"consentgate/ent"
	"consentgate/graph"
)

// NewHandler returns the gateway's HTTP handler: GraphQL at /graphql
// (POST for everything, GET for queries), /healthz, and in demo mode
// GraphiQL at / and introspection.
func NewHandler(client *ent.Client, auth *Authenticator, demo bool, log *slog.Logger) http.Handler {
	gql := graph.NewServer(client, log)
	gql.AddTransport(transport.GET{})
	gql.AddTransport(transport.POST{})
	if demo {
		gql.Use(extension.Introspection{})
	}

	mux := http.NewServeMux()
	mux.Handle("/graphql", auth.Middleware(gql))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"status": "ok"})
	})
	if demo {
		mux.Handle("GET /{$}", playground.Handler("consentgate", "/graphql"))
	}
	return mux
}
