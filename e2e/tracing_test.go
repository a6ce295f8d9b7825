package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"consentgate/ent"
	"consentgate/tracing"
)

// TestTracing: a request has its span, the GraphQL operation a child span
// and each database statement a span of the same trace; and no span,
// name or attribute holds a personal value, the client's address, its
// user agent, a query string or a path the gateway does not serve.
func TestTracing(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	previous := otel.GetTracerProvider()
	tracing.Install(tp)
	t.Cleanup(func() { otel.SetTracerProvider(previous) })

	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		spans.Reset()
		f := newFixture(t, client)
		secret := canary("alice", "email")
		f.post(t, as("acme"), `{ applicants { edges { node { name email } } } }`, nil)
		f.post(t, as("alice"), `mutation { updateMyProfile(input: {city: "`+canary("alice", "city")+`"}) { id } }`, nil)
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(`{ applicants { edges { node { name } } } }`)+"&x="+secret, nil)
		req.Header.Set("Authorization", "Bearer "+token(t, fixtureViewers["acme"]))
		req.Header.Set("Apollo-Require-Preflight", "true")
		req.Header.Set("User-Agent", "agent-"+secret)
		req.Header.Set("X-Forwarded-For", "203.0.113.77")
		req.RemoteAddr = "198.51.100.9:4242"
		f.handler.ServeHTTP(httptest.NewRecorder(), req)
		f.handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/"+secret, nil))
		if err := tp.ForceFlush(t.Context()); err != nil {
			t.Fatal(err)
		}

		got := spans.GetSpans()
		byName := map[string]int{}
		traces := map[string]map[string]bool{} // trace id -> span names
		for _, s := range got {
			byName[s.Name]++
			id := s.SpanContext.TraceID().String()
			if traces[id] == nil {
				traces[id] = map[string]bool{}
			}
			traces[id][s.Name] = true
			text := s.Name
			for _, a := range s.Attributes {
				text += " " + string(a.Key) + "=" + a.Value.Emit()
			}
			for _, bad := range []string{"cnry", "203.0.113.77", "198.51.100.9", "agent-", "query=", "applicants"} {
				if strings.Contains(text, bad) {
					t.Errorf("span %q holds %q: %s", s.Name, bad, text)
				}
			}
		}
		for _, want := range []string{"POST /graphql", "GET /graphql", "GET /other", "graphql query", "graphql mutation", "db SELECT", "db INSERT"} {
			if byName[want] == 0 {
				t.Errorf("no %q span; spans: %v", want, byName)
			}
		}
		joined := 0
		for _, names := range traces {
			if names["POST /graphql"] && names["graphql query"] && names["db SELECT"] {
				joined++
			}
		}
		if joined == 0 {
			t.Errorf("no trace holds a request, its operation and its statements: %v", traces)
		}
	})
}
