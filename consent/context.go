package consent

import "context"

type engineKey struct{}

// WithEngine returns a copy of ctx carrying the engine, for the row rules
// of the data layer, which run deep inside queries.
func WithEngine(ctx context.Context, e *Engine) context.Context {
	return context.WithValue(ctx, engineKey{}, e)
}

// EngineFrom returns the engine ctx carries, or nil: callers treat a
// missing engine as "no consent-dependent access" (fail closed).
func EngineFrom(ctx context.Context) *Engine {
	e, _ := ctx.Value(engineKey{}).(*Engine)
	return e
}
