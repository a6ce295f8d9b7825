package tracing

import (
	"context"
	"testing"

	"go.opentelemetry.io/otel"
)

func env(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

// TestSetup: off by default and when disabled; an exporter the gateway
// does not have is a configuration error; otlp installs a provider whose
// shutdown works without a collector listening.
func TestSetup(t *testing.T) {
	previous := otel.GetTracerProvider()
	t.Cleanup(func() { otel.SetTracerProvider(previous) })
	ctx := context.Background()
	for _, e := range []map[string]string{{}, {"OTEL_TRACES_EXPORTER": "none"}, {"OTEL_TRACES_EXPORTER": "otlp", "OTEL_SDK_DISABLED": "true"}} {
		shutdown, err := Setup(ctx, env(e))
		if err != nil || shutdown(ctx) != nil || otel.GetTracerProvider() != previous {
			t.Errorf("%v: %v, or a provider was installed", e, err)
		}
	}
	if _, err := Setup(ctx, env(map[string]string{"OTEL_TRACES_EXPORTER": "zipkin"})); err == nil {
		t.Error("an unsupported exporter was accepted")
	}
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	shutdown, err := Setup(ctx, env(map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}))
	if err != nil || otel.GetTracerProvider() == previous {
		t.Fatalf("otlp: %v", err)
	}
	_, span := otel.Tracer("test").Start(ctx, "x")
	span.End()
	sctx, cancel := context.WithTimeout(ctx, 0)
	defer cancel()
	_ = shutdown(sctx) // the collector is absent: shutdown gives up at its deadline
}
