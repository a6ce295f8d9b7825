package rule

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"entgo.io/ent/dialect/sql"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessgrant"
	"consentgate/ent/applicant"
	"consentgate/ent/predicate"
	"consentgate/ent/privacy"
	"consentgate/ent/sealedsubject"
)

// ErrSelfApproval is returned when a compliance account approves the access
// grant it opened: a grant takes effect only on a second account's word.
var ErrSelfApproval = errors.New("a grant must be approved by a second compliance account")

// LiveGrants returns the access grants account opened that are live at
// now: approved, not revoked, not expired. It is evaluated by the database
// on every query (rows here, field decisions in the GraphQL layer), so an
// expiry or a revocation takes effect on the very next request; nothing
// caches it. Grant times are stored in UTC (hooks.AccessGrantLifecycle), so
// now is compared in UTC too.
func LiveGrants(account string, now time.Time) predicate.AccessGrant {
	if account == "" {
		return none[predicate.AccessGrant]()
	}
	return accessgrant.And(accessgrant.RequestedBy(account), accessgrant.ApprovedAtNotNil(),
		accessgrant.RevokedAtIsNil(), accessgrant.ExpiresAtGT(now.UTC()))
}

// underLiveGrant returns the applicants for whom account holds a live
// access grant now.
func underLiveGrant(account string) predicate.Applicant {
	return func(s *sql.Selector) {
		g := sql.Table(accessgrant.Table)
		sub := sql.Select(g.C(accessgrant.FieldSubjectID)).From(g)
		LiveGrants(account, time.Now())(sub)
		s.Where(sql.In(s.C(applicant.FieldID), sub))
	}
}

// SealedSubjectRows returns the sealed identities v reaches: for a
// compliance account, those of the pseudonyms it holds a live access grant
// for (approved by a second account, not revoked, not expired, evaluated
// by the database now); for anyone else, none.
func SealedSubjectRows(v consent.Viewer, now time.Time) predicate.SealedSubject {
	if v.Role != consent.Compliance || v.Account == "" {
		return none[predicate.SealedSubject]()
	}
	return func(s *sql.Selector) {
		g := sql.Table(accessgrant.Table)
		sub := sql.Select(g.C(accessgrant.FieldSubjectRef)).From(g)
		LiveGrants(v.Account, now)(sub)
		sub.Where(sql.NotNull(g.C(accessgrant.FieldSubjectRef)))
		s.Where(sql.In(s.C(sealedsubject.FieldSubjectRef), sub))
	}
}

// FilterSealedSubjects limits every sealed identity query to
// SealedSubjectRows at this moment.
func FilterSealedSubjects() privacy.QueryRule {
	return privacy.SealedSubjectQueryRuleFunc(func(ctx context.Context, q *ent.SealedSubjectQuery) error {
		q.Where(SealedSubjectRows(consent.FromContext(ctx), time.Now()))
		return privacy.Allow
	})
}

// AccessGrantRows returns the access grants v reaches: compliance all of
// them, nobody else any.
func AccessGrantRows(v consent.Viewer) predicate.AccessGrant {
	if v.Role == consent.Compliance && v.Account != "" {
		return all[predicate.AccessGrant]()
	}
	return none[predicate.AccessGrant]()
}

// FilterAccessGrants limits every access grant query to AccessGrantRows.
func FilterAccessGrants() privacy.QueryRule {
	return privacy.AccessGrantQueryRuleFunc(func(ctx context.Context, q *ent.AccessGrantQuery) error {
		q.Where(AccessGrantRows(consent.FromContext(ctx)))
		return privacy.Allow
	})
}

// compliance returns the viewer if it is a compliance account.
func compliance(ctx context.Context) (consent.Viewer, bool) {
	v := consent.FromContext(ctx)
	return v, v.Role == consent.Compliance && v.Account != ""
}

// onlyGrantFields reports whether m sets no field outside allowed, clears
// none and removes no edge.
func onlyGrantFields(m *ent.AccessGrantMutation, allowed ...string) bool {
	for _, f := range m.Fields() {
		if !slices.Contains(allowed, f) {
			return false
		}
	}
	return len(m.ClearedFields()) == 0 && len(m.RemovedEdges()) == 0 && len(m.ClearedEdges()) == 0
}

// inOwnName reports whether the account field set by the mutation, if any,
// is the viewer's: nobody acts in another account's name (the hook stamps
// it from the token).
func inOwnName(v consent.Viewer, account string, set bool) bool {
	return !set || consent.SameAccount(account, v.Account)
}

// RequestAccessGrant lets a compliance account open an access grant, as a
// request only: basis, reference, justification and subject, nothing that
// approves, expires or revokes it.
func RequestAccessGrant() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.AccessGrantMutationRuleFunc(func(ctx context.Context, m *ent.AccessGrantMutation) error {
		v, ok := compliance(ctx)
		requestedBy, set := m.RequestedBy()
		if !ok || !inOwnName(v, requestedBy, set) || !onlyGrantFields(m, accessgrant.FieldSubjectID, accessgrant.FieldBasis,
			accessgrant.FieldSubjectRef, accessgrant.FieldReference, accessgrant.FieldJustification, accessgrant.FieldRequestedBy) {
			return privacy.Skip
		}
		return privacy.Allow
	}), ent.OpCreate)
}

// ApproveAccessGrant lets a compliance account approve a grant another
// compliance account opened: approval and expiry times (and its own name),
// nothing else. hooks.AccessGrantLifecycle refuses a second approval and the
// approval of a revoked or lapsed grant.
func ApproveAccessGrant() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.AccessGrantMutationRuleFunc(func(ctx context.Context, m *ent.AccessGrantMutation) error {
		v, ok := compliance(ctx)
		_, approving := m.ApprovedAt()
		approvedBy, set := m.ApprovedBy()
		if !ok || !approving || !inOwnName(v, approvedBy, set) ||
			!onlyGrantFields(m, accessgrant.FieldApprovedAt, accessgrant.FieldExpiresAt, accessgrant.FieldApprovedBy) {
			return privacy.Skip
		}
		requestedBy, err := m.OldRequestedBy(ctx)
		if err != nil {
			return err // not found: the error says so
		}
		if consent.SameAccount(requestedBy, v.Account) {
			return fmt.Errorf("%w: %w", ErrSelfApproval, privacy.Deny)
		}
		m.Where(accessgrant.RequestedByNEQ(v.Account))
		return privacy.Allow
	}), ent.OpUpdateOne)
}

// RevokeAccessGrant lets any compliance account revoke a grant, with a
// reason (and its own name), changing nothing else. The hook refuses a
// second revocation.
func RevokeAccessGrant() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.AccessGrantMutationRuleFunc(func(ctx context.Context, m *ent.AccessGrantMutation) error {
		v, ok := compliance(ctx)
		_, revoking := m.RevokedAt()
		revokedBy, set := m.RevokedBy()
		if !ok || !revoking || !inOwnName(v, revokedBy, set) ||
			!onlyGrantFields(m, accessgrant.FieldRevokedAt, accessgrant.FieldRevocationReason, accessgrant.FieldRevokedBy) {
			return privacy.Skip
		}
		return privacy.Allow
	}), ent.OpUpdateOne)
}
