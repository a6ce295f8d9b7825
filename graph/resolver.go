// Package graph is the GraphQL layer: gqlgen resolvers over the ent client
// and the glue to the consent engine. Rows are guarded by ent privacy rules
// (ent/rule) and personal fields by the @personal directive, enforced in
// consent.go; resolvers only read and write.
package graph

import (
	"context"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
)

// Resolver is the resolver root.
type Resolver struct{ client *ent.Client }

// self returns the profile of the applicant behind the token, found by its
// account id; the privacy rules decide whether the viewer reaches it (an
// applicant reaches only their own, nobody else reaches it as "me").
func (r *Resolver) self(ctx context.Context) (*ent.Applicant, error) {
	a, err := r.clientFrom(ctx).Applicant.Query().Where(applicant.AccountID(consent.FromContext(ctx).Account)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNoProfile
	}
	return a, err
}

// clientFrom returns the transaction's client inside a mutation and the
// root client elsewhere.
func (r *Resolver) clientFrom(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return r.client
}
