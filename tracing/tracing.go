// Package tracing gives the gateway OpenTelemetry spans: one per HTTP
// request (otelhttp), one per GraphQL operation, and one per database
// statement. It is off unless the standard variable OTEL_TRACES_EXPORTER
// says "otlp"; the exporter then follows the standard OTEL_EXPORTER_OTLP_*
// variables, the sampler OTEL_TRACES_SAMPLER, and the resource
// OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES.
//
// No span carries a personal value: the request span sees the request
// without its query string, client address, forwarded addresses or user
// agent, and with its path reduced to a route the gateway serves; the
// operation span carries the operation's type and its number of errors,
// never its name, variables or document; a statement span carries the
// database system and the statement's verb, never its text or arguments.
//
// It imports OpenTelemetry and gqlgen only; the gateway imports it.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
)

// name is the instrumentation scope of the gateway's own spans.
const name = "consentgate"

// Setup installs the tracer provider the environment asks for and returns
// its shutdown (which flushes the spans still buffered). Without
// OTEL_TRACES_EXPORTER=otlp (or with OTEL_SDK_DISABLED=true) it installs
// nothing: spans are then no-ops.
func Setup(ctx context.Context, getenv func(string) string) (shutdown func(context.Context) error, err error) {
	none := func(context.Context) error { return nil }
	switch exp := getenv("OTEL_TRACES_EXPORTER"); {
	case strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true"), exp == "", exp == "none":
		return none, nil
	case exp != "otlp":
		return nil, fmt.Errorf("OTEL_TRACES_EXPORTER=%q: only otlp (or none) is supported", exp)
	}
	exporter, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, fmt.Errorf("the OTLP trace exporter: %w", err)
	}
	res, err := resource.Merge(resource.Default(), resource.NewSchemaless(semconv.ServiceName(name)))
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, err
	}
	if v := getenv("OTEL_SERVICE_NAME"); v != "" {
		res, _ = resource.Merge(res, resource.NewSchemaless(semconv.ServiceName(v)))
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	Install(tp)
	return tp.Shutdown, nil
}

// Install makes tp the provider of every span, with W3C trace context
// propagation (tests install one that records in memory).
func Install(tp trace.TracerProvider) {
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
}

type requestKey struct{}

// Handler wraps next in the request span. otelhttp sees a copy of the
// request stripped of what could be personal (see the package comment);
// next gets the request as it came.
func Handler(routes map[string]bool, next http.Handler) http.Handler {
	restore := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		orig, _ := r.Context().Value(requestKey{}).(*http.Request)
		next.ServeHTTP(w, orig.WithContext(r.Context()))
	})
	traced := otelhttp.NewHandler(restore, "http.request",
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Path }))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		bare := r.Clone(context.WithValue(r.Context(), requestKey{}, r))
		bare.RemoteAddr = ""
		bare.URL.RawQuery, bare.RequestURI = "", ""
		if !routes[bare.URL.Path] {
			bare.URL.Path = "/other"
		}
		bare.URL.RawPath = ""
		for _, h := range []string{"User-Agent", "X-Forwarded-For", "Forwarded", "X-Real-Ip", "Referer", "Cookie", "Authorization"} {
			bare.Header.Del(h)
		}
		traced.ServeHTTP(w, bare)
	})
}

// Statement starts the span of one database statement: system is
// "sqlite" or "postgresql", and the span is named for the statement's
// verb (SELECT, INSERT, ...), which is all it says of it.
func Statement(ctx context.Context, system, query string) (context.Context, trace.Span) {
	verb, _, _ := strings.Cut(strings.TrimSpace(query), " ")
	verb = strings.ToUpper(verb)
	switch verb {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "BEGIN", "COMMIT", "ROLLBACK", "CREATE", "ALTER", "DROP", "PRAGMA", "SET", "SAVEPOINT", "RELEASE":
	default:
		verb = "OTHER"
	}
	return otel.Tracer(name).Start(ctx, "db "+verb, trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(attribute.String("db.system.name", system), attribute.String("db.operation.name", verb)))
}

// End ends span, marking it failed (without the error's text, which can
// quote a value) when err is not nil.
func End(span trace.Span, err error) {
	if err != nil {
		span.SetStatus(codes.Error, "failed")
	}
	span.End()
}
