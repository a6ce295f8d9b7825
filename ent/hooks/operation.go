package hooks

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/hook"
	"consentgate/ent/operation"
	"consentgate/ent/schema/validate"
	"consentgate/operations"
)

// Errors of approved operations.
var (
	// ErrOperationPurpose: the purpose is not one ANALYST or MARKETING may
	// act under in the loaded policy: only they are held to approved
	// operations, and an operation runs under its purpose.
	ErrOperationPurpose = errors.New("must be a purpose that ANALYST or MARKETING may act under")
	// ErrNoIdentity: a registration, approval or revocation without an
	// identified viewer, who must be recorded.
	ErrNoIdentity = errors.New("registering, approving or revoking an operation needs an identified viewer")
)

// StampOperation records who registered, approved or revoked an operation
// and when, from the viewer in the context, never from input; it computes
// the document's id (hash) from the document itself, checks the purpose
// against the loaded policy (the engine in the context), registers every
// operation pending (unapproved, unrevoked) and requires a reason for a
// revocation. That the approver is not the registrant is
// rule.ApproveOperations'.
func StampOperation() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.OperationFunc(func(ctx context.Context, m *ent.OperationMutation) (ent.Value, error) {
			v := consent.FromContext(ctx)
			if v.Account == "" {
				return nil, ErrNoIdentity
			}
			now := time.Now()
			if m.Op().Is(ent.OpCreate) {
				if p, ok := m.Purpose(); ok && !operationPurpose(ctx, consent.Purpose(p)) {
					return nil, validate.Field("Operation.purpose", ErrOperationPurpose)
				}
				if doc, ok := m.Document(); ok {
					m.SetHash(operations.ID(doc))
				}
				for _, f := range []string{operation.FieldApprovedAt, operation.FieldApprovedBy,
					operation.FieldRevokedAt, operation.FieldRevokedBy, operation.FieldRevocationReason} {
					if _, set := m.Field(f); set {
						return nil, validate.Field("Operation."+f, errors.New("an operation is registered pending: unapproved and unrevoked"))
					}
				}
				m.SetRegisteredBy(v.Account)
				m.SetRegisteredAt(now)
				return next.Mutate(ctx, m)
			}
			if _, ok := m.ApprovedAt(); ok {
				m.SetApprovedAt(now)
				m.SetApprovedBy(v.Account)
			}
			if _, ok := m.RevokedAt(); ok {
				if r, _ := m.RevocationReason(); strings.TrimSpace(r) == "" {
					return nil, validate.Field("Operation.revocationReason", errors.New("a revocation needs a reason"))
				}
				m.SetRevokedAt(now)
				m.SetRevokedBy(v.Account)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// operationPurpose reports whether ANALYST or MARKETING may act under p in
// the policy of the engine in ctx (none: no purpose is).
func operationPurpose(ctx context.Context, p consent.Purpose) bool {
	e := consent.EngineFrom(ctx)
	if e == nil {
		return false
	}
	for _, r := range consent.Roles {
		if r.ApprovedOperationsOnly() && slices.Contains(e.Policy().RolePurposes[r], p) {
			return true
		}
	}
	return false
}
