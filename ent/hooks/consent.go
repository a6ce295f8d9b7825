package hooks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/employer"
	"consentgate/ent/hook"
	"consentgate/ent/schema/validate"
)

// ErrConsentScope is returned for a consent entry that names a recipient or
// a single category for a purpose other than EMPLOYER_PROVISION: only
// provision to employers is per recipient and per category.
var ErrConsentScope = errors.New("a recipient employer or a single category is only for EMPLOYER_PROVISION")

// StampConsent completes a new consent ledger entry: it is recorded now
// unless a time is given, under the policy version in force at that time
// (policy §8), and names a recipient or a category only for provision to
// employers.
func StampConsent() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ConsentFunc(func(ctx context.Context, m *ent.ConsentMutation) (ent.Value, error) {
			if p, _ := m.Purpose(); p != entconsent.PurposeEMPLOYER_PROVISION {
				if _, ok := m.EmployerID(); ok {
					return nil, validate.Field("Consent.employer", ErrConsentScope)
				}
				if _, ok := m.WithheldCategory(); ok {
					return nil, validate.Field("Consent.withheldCategory", ErrConsentScope)
				}
			}
			if id, ok := m.EmployerID(); ok {
				exists, err := m.Client().Employer.Query().Where(employer.ID(id)).Exist(ctx)
				if err != nil {
					return nil, fmt.Errorf("checking the employer: %w", err)
				}
				if !exists {
					return nil, validate.Field("Consent.employer", errors.New("no such employer"))
				}
			}
			at, ok := m.RecordedAt()
			if !ok {
				// To the microsecond, what both databases keep: the entry
				// the append returns is the one read back (its receipt too).
				at = Now(ctx).Truncate(time.Microsecond)
				m.SetRecordedAt(at)
			}
			if _, ok := m.PolicyVersionID(); !ok {
				pv, err := VersionInForce(ctx, m.Client(), at)
				if ent.IsNotFound(err) {
					return nil, ErrNoPolicyVersion
				}
				if err != nil {
					return nil, fmt.Errorf("finding the policy version in force: %w", err)
				}
				m.SetPolicyVersionID(pv.ID)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// Now returns the engine's time (consent.Engine.Now) when ctx carries the
// engine, the clock's otherwise: a ledger entry is stamped with the
// version in force by the same time the engine decides its standing by.
func Now(ctx context.Context) time.Time {
	if e := consent.EngineFrom(ctx); e != nil {
		return e.Now()
	}
	return time.Now()
}
