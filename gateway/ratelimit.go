package gateway

import (
	"bytes"
	"context"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"consentgate/consent"
	"consentgate/graph"
)

// RateLimit is the per-viewer request budget: Rate requests per second
// with bursts of Burst, per account for tokens and per client address for
// anonymous requests. It is kept in this process's memory: replicas do not
// share it, so N replicas allow N times the rate (the README says so
// beside the settings).
type RateLimit struct {
	Rate  float64
	Burst int
}

// DefaultRateLimit is the budget when none is configured.
var DefaultRateLimit = RateLimit{Rate: 20, Burst: 40}

// limiters holds one token bucket per viewer key, forgetting keys idle for
// more than idleAfter.
type limiters struct {
	limit     RateLimit
	idleAfter time.Duration

	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	limiter *rate.Limiter
	seen    time.Time
}

func newLimiters(l RateLimit) *limiters {
	return &limiters{limit: l, idleAfter: 10 * time.Minute, buckets: map[string]*bucket{}}
}

// reserve takes one request from key's bucket; it reports how long to wait
// when the bucket is empty.
func (ls *limiters) reserve(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if now.Sub(ls.swept) > ls.idleAfter {
		for k, b := range ls.buckets {
			if now.Sub(b.seen) > ls.idleAfter {
				delete(ls.buckets, k)
			}
		}
		ls.swept = now
	}
	b := ls.buckets[key]
	if b == nil {
		b = &bucket{limiter: rate.NewLimiter(rate.Limit(ls.limit.Rate), ls.limit.Burst)}
		ls.buckets[key] = b
	}
	b.seen = now
	r := b.limiter.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Second
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

// viewerKey is whose budget a request spends: the account behind a token,
// or the client's address for anonymous requests.
func viewerKey(ctx context.Context, r *http.Request) string {
	if v := consent.FromContext(ctx); v.Account != "" {
		return "account:" + string(v.Role) + ":" + consent.CanonicalAccount(v.Account)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return "address:" + host
}

// rateLimit answers 429 with Retry-After once a viewer's budget is spent.
// It runs after authentication, so a bad token never spends anyone's budget.
func rateLimit(ls *limiters, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := ls.reserve(viewerKey(r.Context(), r), time.Now()); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			writeJSON(w, http.StatusTooManyRequests, errorBody("too many requests", "RATE_LIMITED"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// withDeadline bounds every GraphQL request, database calls included. A
// request whose deadline passes before gqlgen produced a response (it then
// writes a bare null) is answered 503 with a retryable TIMEOUT error.
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(&timeoutWriter{ResponseWriter: w, ctx: ctx}, r.WithContext(ctx))
	})
}

// timeoutWriter replaces gqlgen's bare "null" for an expired request with
// an error a client can act on.
type timeoutWriter struct {
	http.ResponseWriter
	ctx     context.Context
	started bool
}

func (t *timeoutWriter) WriteHeader(code int) {
	t.started = true
	t.ResponseWriter.WriteHeader(code)
}

func (t *timeoutWriter) Write(b []byte) (int, error) {
	if !t.started && t.ctx.Err() != nil && string(bytes.TrimSpace(b)) == "null" {
		t.started = true
		body := errorBody("request timed out; it may be retried", "TIMEOUT")
		body["errors"].([]map[string]any)[0]["extensions"].(map[string]any)["requestId"] = graph.RequestID(t.ctx)
		t.Header().Set("Retry-After", "1")
		writeJSON(t.ResponseWriter, http.StatusServiceUnavailable, body)
		return len(b), nil
	}
	t.started = true
	return t.ResponseWriter.Write(b)
}
