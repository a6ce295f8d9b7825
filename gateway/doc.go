// Package gateway is consentgate's HTTP gateway, importable: everything
// `go run ./server` serves, built from one Config.
//
// It owns:
//   - the configuration (config.go): Config, Defaults (the one place where
//     a default is decided) and LoadConfig (the environment over the
//     defaults);
//   - authentication (auth.go): bearer tokens (HS256, RS256/ES256 from a
//     JWKS) become the consent.Viewer in the request's context;
//   - the middleware (middleware.go, ratelimit.go, and http.go's body limit
//     and no-store): request ids, the access log, CSRF and CORS, the
//     per-viewer rate limit and the request deadline;
//   - the database (db.go): opening SQLite or PostgreSQL with a bounded
//     pool and a driver that hands every time over in UTC, the schema
//     checked or migrated (package migrations), the consent state filled
//     from an old ledger, the start lock, and the policy version every
//     start makes sure of;
//   - the handler (http.go): /graphql over package graph's server,
//     /healthz, /readyz, /metrics, /datamap, the privacy centre and the
//     console (package pages, in every mode) and, in development, GraphiQL;
//   - serving with a drain on shutdown (serve.go).
//
// It decides no field and no row: those are the field guard's (package
// graph) and the privacy rules' (ent/rule). It must not import the command
// (server/), the demo seeder or the load generator; they import it.
package gateway
