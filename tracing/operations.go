package tracing

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
)

// Operations is the gqlgen extension that gives each GraphQL operation its
// span, child of the request's: "graphql query" (or mutation), with the
// number of errors; never the operation's name, document or variables.
type Operations struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = Operations{}

func (Operations) ExtensionName() string                   { return "Tracing" }
func (Operations) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse wraps the operation in its span.
func (Operations) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	kind := "operation"
	if graphql.HasOperationContext(ctx) {
		if oc := graphql.GetOperationContext(ctx); oc.Operation != nil {
			kind = string(oc.Operation.Operation)
		}
	}
	ctx, span := otel.Tracer(name).Start(ctx, "graphql "+kind)
	defer span.End()
	resp := next(ctx)
	if resp != nil && len(resp.Errors) > 0 {
		span.SetAttributes(attribute.Int("graphql.errors", len(resp.Errors)))
		span.SetStatus(codes.Error, "the response has errors")
	}
	span.SetAttributes(attribute.String("graphql.operation.type", kind))
	return resp
}
