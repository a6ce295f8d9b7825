package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

type requestIDKey struct{}

// WithRequestID returns a copy of ctx carrying the request's id, which every
// error and log line of the request names.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestID returns the id ctx carries, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// OperationReport is what the access log records of a GraphQL operation:
// its name and type and how many errors its response carried. Never its
// variables or data.
type OperationReport struct {
	Name, Type string
	Errors     int
}

type operationReportKey struct{}

// WithOperationReport returns a copy of ctx into whose report the
// operation's details are written.
func WithOperationReport(ctx context.Context, r *OperationReport) context.Context {
	return context.WithValue(ctx, operationReportKey{}, r)
}

// operationReporter fills the request's OperationReport.
type operationReporter struct{}

func (operationReporter) ExtensionName() string                   { return "OperationReporter" }
func (operationReporter) Validate(graphql.ExecutableSchema) error { return nil }

func (operationReporter) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if r, ok := ctx.Value(operationReportKey{}).(*OperationReport); ok && graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		r.Name = oc.OperationName
		if oc.Operation != nil {
			r.Type = string(oc.Operation.Operation)
		}
		if resp != nil {
			r.Errors = len(resp.Errors)
		}
	}
	return resp
}
