package hooks

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessgrant"
	"consentgate/ent/hook"
	"consentgate/ent/migrate"
	"consentgate/ent/schema/validate"
)

// MaxGrantTTL is the longest an access grant may live after its approval,
// whatever the configuration says.
const MaxGrantTTL = 24 * time.Hour

// Errors of the access grant lifecycle. Their messages reach clients: they
// name the state, never a reference or a justification.
var (
	// ErrGrantApproved: the grant was approved already (once is all).
	ErrGrantApproved = errors.New("the access grant is already approved")
	// ErrGrantRevoked: the grant was revoked; nothing changes it any more.
	ErrGrantRevoked = errors.New("the access grant is revoked")
	// ErrGrantLapsed: the request was not approved within the grant's
	// lifetime of its opening; open a new one.
	ErrGrantLapsed = errors.New("the access grant request has expired unapproved; open a new one")
)

// AccessGrantLifecycle keeps an access grant's lifecycle (policy §5(2)):
// who opened, approved or revoked it is stamped from the token, never
// taken from input; times are stored in UTC (rule.LiveGrants compares them
// in the database); a grant is approved at most once, never after its
// revocation nor once its request has lapsed, and only for a lifetime of
// at most MaxGrantTTL; it is revoked at most once, with a reason. Approvals
// and revocations are made one grant at a time and re-checked in the
// UPDATE itself, so two concurrent ones cannot both succeed.
func AccessGrantLifecycle() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AccessGrantFunc(func(ctx context.Context, m *ent.AccessGrantMutation) (ent.Value, error) {
			account := consent.FromContext(ctx).Account
			now := time.Now().UTC()
			for _, f := range []struct {
				get func() (time.Time, bool)
				set func(time.Time)
			}{{m.RequestedAt, m.SetRequestedAt}, {m.ApprovedAt, m.SetApprovedAt}, {m.ExpiresAt, m.SetExpiresAt}, {m.RevokedAt, m.SetRevokedAt}} {
				if t, ok := f.get(); ok {
					f.set(t.UTC())
				}
			}
			_, approving := m.ApprovedAt()
			_, revoking := m.RevokedAt()
			switch {
			case m.Op().Is(ent.OpCreate):
				if account != "" {
					m.SetRequestedBy(account)
				}
				if _, ok := m.RequestedAt(); !ok {
					m.SetRequestedAt(now)
				}
				// Whether an applicant has the id is not checked, nor told:
				// the answer is the same for an id nobody has as for an
				// applicant the opener does not reach, and a grant of an id
				// nobody has reaches nobody. Only the id's range is checked,
				// which says nothing of who exists.
				id, byID := m.SubjectID()
				ref, byRef := m.SubjectRef()
				switch {
				case byID == (byRef && ref != ""):
					return nil, validate.Field("AccessGrant.subjectID", errors.New("name the subject by subjectID or, for an erased subject's sealed identity, by subjectRef: one of them"))
				case byID && !applicantRange(id):
					return nil, validate.Field("AccessGrant.subjectID", errors.New("not an applicant's id"))
				case byRef && !pseudonymForm.MatchString(ref):
					return nil, validate.Field("AccessGrant.subjectRef", errors.New("not a subject's pseudonym"))
				}
			case (approving || revoking) && !m.Op().Is(ent.OpUpdateOne):
				return nil, validate.Field("AccessGrant", fmt.Errorf("%w: one grant at a time", ErrTransition))
			case approving:
				if err := checkApproval(ctx, m); err != nil {
					return nil, err
				}
				if account != "" {
					m.SetApprovedBy(account)
				}
				m.Where(accessgrant.ApprovedAtIsNil(), accessgrant.RevokedAtIsNil())
			case revoking:
				if reason, _ := m.RevocationReason(); strings.TrimSpace(reason) == "" {
					return nil, validate.Field("AccessGrant.revocationReason", errors.New("a revocation needs a reason"))
				}
				old, err := m.OldRevokedAt(ctx)
				if err != nil {
					return nil, err
				}
				if old != nil {
					return nil, ErrGrantRevoked
				}
				if account != "" {
					m.SetRevokedBy(account)
				}
				m.Where(accessgrant.RevokedAtIsNil())
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// checkApproval checks an approval against the grant as stored: pending
// (neither approved nor revoked), requested no longer ago than the
// lifetime it is being approved for, and that lifetime positive and at
// most MaxGrantTTL.
func checkApproval(ctx context.Context, m *ent.AccessGrantMutation) error {
	approvedAt, _ := m.ApprovedAt()
	expiresAt, ok := m.ExpiresAt()
	ttl := expiresAt.Sub(approvedAt)
	if !ok || ttl <= 0 || ttl > MaxGrantTTL {
		return validate.Field("AccessGrant.expiresAt", fmt.Errorf("must lie after the approval, at most %s later", MaxGrantTTL))
	}
	if old, err := m.OldRevokedAt(ctx); err != nil || old != nil {
		return cmp.Or(err, ErrGrantRevoked)
	}
	if old, err := m.OldApprovedAt(ctx); err != nil || old != nil {
		return cmp.Or(err, ErrGrantApproved)
	}
	requestedAt, err := m.OldRequestedAt(ctx)
	if err != nil {
		return err
	}
	if approvedAt.After(requestedAt.Add(ttl)) {
		return ErrGrantLapsed
	}
	return nil
}

// pseudonymForm is the form of a subject's keyed pseudonym
// (consent.Masker.Pseudonym): checked, not looked up, so that a grant by
// pseudonym tells nothing of whose identity is sealed either.
var pseudonymForm = regexp.MustCompile(`^s:[0-9a-f]{32}$`)

// applicantRange reports whether id lies in the range of ids the database
// gives applicants (each type has its own, ent's global ids): a static
// fact of the schema, not of the data.
func applicantRange(id int) bool {
	start := *migrate.ApplicantsTable.Annotation.IncrementStart
	return id >= start && id < start+1<<32
}
