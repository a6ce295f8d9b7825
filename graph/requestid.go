package graph

import "context"

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
