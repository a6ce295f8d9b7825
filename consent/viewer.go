package consent

import (
	"context"
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

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

// CanonicalAccount returns the identity an account id stands for: trimmed
// of surrounding white space, case-folded and in Unicode normalisation form
// C (canonical caseless matching, NFC(fold(NFD(id)))). Two ids with one
// canonical form are one account, so "Compliance-1", "compliance-1 " and
// "compliance-1" written with a decomposed character are the same person
// wherever accounts are compared: separation of duties (SameAccount) and
// the budgets kept per account. An id is otherwise what the identity
// provider's `sub` claim says; the provider must issue one per person.
func CanonicalAccount(id string) string {
	return norm.NFC.String(cases.Fold().String(norm.NFD.String(strings.TrimSpace(id))))
}

// SameAccount reports whether a and b are one account: equal canonical
// forms (CanonicalAccount). Every comparison of two accounts goes through
// it: a grant's opener and its approver, an operation's registrant and its
// approver, a budget spend and its spender.
func SameAccount(a, b string) bool { return CanonicalAccount(a) == CanonicalAccount(b) }
