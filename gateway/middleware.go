package gateway

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"mime"
	"net/http"
	"regexp"
	"time"

	"github.com/rs/cors"

	"consentgate/consent"
	"consentgate/graph"
)

// correlationIDRe is what a caller's own X-Request-Id must look like to be
// kept as the request's correlation id: a bounded token of a safe alphabet.
var correlationIDRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

type correlationIDKey struct{}

// withRequestID gives every request an id of the gateway's own, random,
// whatever the caller sends: it is the key of the request's access records
// and log lines, so a caller can neither collide with another request's id
// nor write text into a subject's access history. It is echoed in the
// X-Request-Id response header and in every error's extensions. A caller's
// own X-Request-Id, when it is a plain token (correlationIDRe), is kept
// apart as the correlation id of the access log line, never as the key.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b [12]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		w.Header().Set("X-Request-Id", id)
		ctx := graph.WithRequestID(r.Context(), id)
		if c := r.Header.Get("X-Request-Id"); correlationIDRe.MatchString(c) {
			ctx = context.WithValue(ctx, correlationIDKey{}, c)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// correlationID is the caller's own request id, validated, or "".
func correlationID(ctx context.Context) string {
	c, _ := ctx.Value(correlationIDKey{}).(string)
	return c
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// accessLog logs one structured line per request: id (and the caller's
// correlation id, if it sent a plain one), method, path, role, status and
// duration, and for GraphQL the operation's name, type and number of
// errors. Never a header, a variable, a token or a value. It counts the
// request in m.
func accessLog(log *slog.Logger, m *httpMetrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		var role consent.Role
		var op graph.OperationReport
		next.ServeHTTP(rec, r.WithContext(graph.WithOperationReport(withRoleSink(r.Context(), &role), &op)))
		took := time.Since(start)
		m.observe(r.URL.Path, r.Method, rec.status, op.Type, took)
		if role == "" {
			role = consent.Anonymous
		}
		attrs := []any{"request_id", graph.RequestID(r.Context()), "method", r.Method, "path", r.URL.Path,
			"role", string(role), "status", rec.status, "duration_ms", took.Milliseconds()}
		if c := correlationID(r.Context()); c != "" {
			attrs = append(attrs, "correlation_id", c)
		}
		if op.Type != "" {
			attrs = append(attrs, "operation", op.Name, "operation_type", op.Type, "errors", op.Errors)
		}
		log.InfoContext(r.Context(), "request", attrs...)
	})
}

// preflightHeaders are headers a browser cannot send cross-site without a
// CORS preflight; one of them makes a GET acceptable.
var preflightHeaders = []string{"Apollo-Require-Preflight", "X-Apollo-Operation-Name", "GraphQL-Require-Preflight"}

// preventCSRF refuses any GraphQL request a browser could send cross-site
// without a preflight: a POST must be application/json, and a GET must
// carry one of preflightHeaders (as Apollo's CSRF prevention does).
func preventCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodPost:
			if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
				writeJSON(w, http.StatusUnsupportedMediaType, errorBody("POST requests must be application/json", "CSRF_PREVENTED"))
				return
			}
		case http.MethodGet:
			preflighted := false
			for _, h := range preflightHeaders {
				preflighted = preflighted || r.Header.Get(h) != ""
			}
			if !preflighted {
				writeJSON(w, http.StatusBadRequest, errorBody("GET requests need an Apollo-Require-Preflight header", "CSRF_PREVENTED"))
				return
			}
		case http.MethodOptions:
		default:
			w.Header().Set("Allow", "GET, POST")
			writeJSON(w, http.StatusMethodNotAllowed, errorBody("method not allowed", "METHOD_NOT_ALLOWED"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withCORS answers browsers from the configured origins only: never a
// reflected arbitrary origin, never credentials (tokens travel in the
// Authorization header).
func withCORS(origins []string, next http.Handler) http.Handler {
	return cors.New(cors.Options{
		AllowedOrigins:   origins,
		AllowedMethods:   []string{http.MethodGet, http.MethodPost},
		AllowedHeaders:   append([]string{"Authorization", "Content-Type", "X-Request-Id"}, preflightHeaders...),
		ExposedHeaders:   []string{"X-Request-Id"},
		AllowCredentials: false,
		MaxAge:           600,
	}).Handler(next)
}

type roleSinkKey struct{}

// withRoleSink lets the authentication middleware, deeper in the chain,
// report the request's role to the access log.
func withRoleSink(ctx context.Context, role *consent.Role) context.Context {
	return context.WithValue(ctx, roleSinkKey{}, role)
}

// reportRole tells the access log the request's role, if it listens.
func reportRole(ctx context.Context, role consent.Role) {
	if p, ok := ctx.Value(roleSinkKey{}).(*consent.Role); ok {
		*p = role
	}
}
