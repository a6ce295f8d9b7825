package consent

import "context"

// Viewer is who is asking: the account behind the token, its role, the
// employer organisation it acts for (EMPLOYER only) and the purpose it
// declares (optional; a role acts only under its own purposes).
type Viewer struct {
	Account string
	Role    Role
	Org     string
	Purpose Purpose
}

// AnonymousViewer is the viewer of a request without a token.
var AnonymousViewer = Viewer{Role: Anonymous}

type viewerKey struct{}

// NewContext returns a copy of ctx carrying v.
func NewContext(ctx context.Context, v Viewer) context.Context {
	return context.WithValue(ctx, viewerKey{}, v)
}

// FromContext returns the viewer carried by ctx. A context without one is
// anonymous: the engine never assumes more than it was told.
func FromContext(ctx context.Context) Viewer {
	if v, ok := ctx.Value(viewerKey{}).(Viewer); ok {
		return v
	}
	return AnonymousViewer
}
