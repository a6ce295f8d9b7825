package gateway

import (
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// httpMetrics count the gateway's requests and time them. Every label is
// from a closed set: a route the gateway serves (else "other"), a method
// it answers (else "OTHER"), the status code, and the GraphQL operation
// type ("none" outside GraphQL).
type httpMetrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "consentgate_http_requests_total",
			Help: "HTTP requests by route, method, status code and GraphQL operation type.",
		}, []string{"route", "method", "code", "operation_type"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "consentgate_http_request_duration_seconds",
			Help:    "Time from a request's arrival to its response, by route and GraphQL operation type.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route", "operation_type"}),
	}
	reg.MustRegister(m.requests, m.duration)
	return m
}

// routes are the paths the gateway serves, as labels.
var routes = map[string]bool{"/graphql": true, "/healthz": true, "/readyz": true, "/datamap": true, "/": true, "/privacy": true, "/console": true,
	"/policy": true, "/policy/{version}": true, "/.well-known/jwks.json": true}

// observe counts one request.
func (m *httpMetrics) observe(path, method string, code int, opType string, took time.Duration) {
	if m == nil {
		return
	}
	route := path
	switch {
	case routes[route]:
	case strings.HasPrefix(path, "/policy/") && !strings.Contains(path[len("/policy/"):], "/"):
		route = "/policy/{version}"
	default:
		route = "other"
	}
	switch method {
	case "GET", "POST", "OPTIONS", "HEAD":
	default:
		method = "OTHER"
	}
	switch opType {
	case "query", "mutation", "subscription":
	default:
		opType = "none"
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(code), opType).Inc()
	m.duration.WithLabelValues(route, opType).Observe(took.Seconds())
}
