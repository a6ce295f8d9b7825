package hooks

import (
	"context"
	"errors"
	"regexp"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/hook"
	"consentgate/ent/schema/validate"
)

// digestRe is the form of a policy text digest: sha256:<64 hex digits>.
var digestRe = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// publishSkew is how far in the past a new version's effective time may
// lie: a version cannot take effect retroactively, beyond clock skew.
const publishSkew = time.Minute

// ValidatePolicyVersion checks a version being published: a text digest
// of the form sha256:<hex>, known purposes, and an effective time that is
// not in the past (a change of purpose applies from when it is announced,
// never before). The first version a deployment records at start is
// written by a trusted job and may carry the digest of the embedded text.
func ValidatePolicyVersion() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PolicyVersionFunc(func(ctx context.Context, m *ent.PolicyVersionMutation) (ent.Value, error) {
			if d, ok := m.TextDigest(); ok && !digestRe.MatchString(d) {
				return nil, validate.Field("PolicyVersion.textDigest", errors.New("must be sha256: followed by 64 lowercase hex digits"))
			}
			if ps, ok := m.ChangedPurposes(); ok {
				for _, p := range ps {
					if _, err := consent.ParsePurpose(p); err != nil {
						return nil, validate.Field("PolicyVersion.changedPurposes", errors.New("unknown purpose"))
					}
				}
			}
			if _, published := m.PublishedBy(); published {
				if at, ok := m.EffectiveAt(); ok && at.Before(time.Now().Add(-publishSkew)) {
					return nil, validate.Field("PolicyVersion.effectiveAt", errors.New("must not be in the past"))
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}
