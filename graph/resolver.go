package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
	"consentgate/ent/hooks"
	"consentgate/receipt"
)

// Resolver is the resolver root.
type Resolver struct {
	client     *ent.Client
	requestDue time.Duration    // how long a privacy request may take
	grantTTL   time.Duration    // how long an access grant lives after approval
	noise      consent.Noise    // the statistics' noise source
	now        func() time.Time // the statistics' clock
	cursors    *cursorSealer    // seals the applicants' cursors in approved operations
	metrics    *Metrics         // optional
	schema     *ast.Schema      // the executable schema's, which approved documents must validate against
	receipts   *receipt.Signer  // signs consent receipts (optional)
	masker     consent.Masker   // its key makes the subjects' pseudonyms in receipts
}

// DefaultRequestDue is how long a privacy request may take when no period
// is configured.
const DefaultRequestDue = 14 * 24 * time.Hour

// DefaultGrantTTL is how long an access grant lives after its approval when
// no lifetime is configured; MaxGrantTTL is the longest allowed.
const (
	DefaultGrantTTL = 4 * time.Hour
	MaxGrantTTL     = hooks.MaxGrantTTL
)

// self returns the profile of the applicant behind the token, found by its
// account id; the privacy rules decide whether the viewer reaches it (an
// applicant reaches only their own, nobody else reaches it as "me").
func (r *Resolver) self(ctx context.Context) (*ent.Applicant, error) {
	a, err := ownProfile(ctx, r.clientFrom(ctx)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNoProfile
	}
	return a, err
}

// ownProfile queries the profile of the applicant behind the token, by its
// account id: the resolvers' "me" and the field guard's "self".
func ownProfile(ctx context.Context, client *ent.Client) *ent.ApplicantQuery {
	return client.Applicant.Query().Where(applicant.AccountID(consent.FromContext(ctx).Account))
}

func (r *Resolver) clientFrom(ctx context.Context) *ent.Client { return clientFor(ctx, r.client) }

// clientFor returns the transaction's client inside a mutation and root
// elsewhere.
func clientFor(ctx context.Context, root *ent.Client) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return root
}

// jsonObject decodes a stored JSON object for a Map field; nothing stored
// is null.
func jsonObject(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("decoding a stored object: %w", err)
	}
	return m, nil
}
