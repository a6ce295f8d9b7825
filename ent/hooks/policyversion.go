package hooks

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/hook"
	"consentgate/ent/policyversion"
	"consentgate/ent/privacy"
	"consentgate/ent/schema/validate"
)

// digestRe is the form of a policy text digest: sha256:<64 hex digits>.
var digestRe = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// ErrPolicyTextDigest: a published text whose SHA-256 is not the digest
// published with it.
var ErrPolicyTextDigest = errors.New("its SHA-256 must be the textDigest")

// ErrNoticePeriod: a version published to take effect sooner than the
// policy's notice period (policyChanges.noticeDays) after its publication.
var ErrNoticePeriod = errors.New("a policy version takes effect no sooner than the policy's notice period (policyChanges.noticeDays) after it is published")

// publishSkew is how far in the past a new version's effective time may
// lie: a version cannot take effect retroactively, beyond clock skew.
const publishSkew = time.Minute

// ValidatePolicyVersion stamps a version with the account publishing it
// and checks it: a text digest
// of the form sha256:<hex>, a text whose SHA-256 it is (required of a
// version a viewer publishes), known purposes, and an effective time that is
// not in the past (a change of purpose applies from when it is announced,
// never before). The first version a deployment records at start is
// written by a trusted job and may carry the digest of the embedded text.
func ValidatePolicyVersion() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PolicyVersionFunc(func(ctx context.Context, m *ent.PolicyVersionMutation) (ent.Value, error) {
			if d, ok := m.TextDigest(); ok && !digestRe.MatchString(d) {
				return nil, validate.Field("PolicyVersion.textDigest", errors.New("must be sha256: followed by 64 lowercase hex digits"))
			}
			changed, _ := m.ChangedPurposes()
			for _, p := range changed {
				if _, err := consent.ParsePurpose(p); err != nil {
					return nil, validate.Field("PolicyVersion.changedPurposes", errors.New("unknown purpose"))
				}
			}
			// An added purpose is a change of it too: it is told, and may be
			// objected to, like any other.
			added, _ := m.AddedPurposes()
			for _, p := range added {
				if _, err := consent.ParsePurpose(p); err != nil {
					return nil, validate.Field("PolicyVersion.addedPurposes", errors.New("unknown purpose"))
				}
				if !slices.Contains(changed, p) {
					changed = append(changed, p)
				}
			}
			if len(added) > 0 {
				m.SetChangedPurposes(changed)
			}
			if at, ok := m.EffectiveAt(); ok { // compared in SQL with the engine's time, in UTC
				m.SetEffectiveAt(at.UTC())
			}
			// A version an identified viewer publishes is stamped as theirs;
			// the one a deployment records at start (a trusted job, no
			// viewer) is not.
			if v := consent.FromContext(ctx); v.Account != "" {
				m.SetPublishedBy(v.Account)
			}
			text, hasText := m.Text()
			if _, published := m.PublishedBy(); published {
				// Published now, by the engine's clock; it takes effect after
				// the notice period (§8), so that applicants are told, and may
				// object, before it applies to them.
				now, e := Now(ctx), consent.EngineFrom(ctx)
				m.SetPublishedAt(now.UTC())
				at, _ := m.EffectiveAt()
				if at.Before(now.Add(-publishSkew)) {
					return nil, validate.Field("PolicyVersion.effectiveAt", errors.New("must not be in the past"))
				}
				if e == nil || at.Before(now.Add(e.Policy().PolicyChanges.NoticePeriod-publishSkew)) {
					return nil, validate.Field("PolicyVersion.effectiveAt", ErrNoticePeriod)
				}
				if text == "" {
					return nil, validate.Field("PolicyVersion.text", errors.New("is required"))
				}
			}
			if hasText && text != "" {
				if d, _ := m.TextDigest(); d != consent.TextDigest([]byte(text)) {
					return nil, validate.Field("PolicyVersion.text", ErrPolicyTextDigest)
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// VersionInForce returns the policy version in force at at: the latest
// whose effective time has passed (the last published, among versions
// effective at the same time). Not found (ent.IsNotFound) before any
// version takes effect. It reads with privileges: published versions are
// public.
func VersionInForce(ctx context.Context, client *ent.Client, at time.Time) (*ent.PolicyVersion, error) {
	return client.PolicyVersion.Query().Where(policyversion.EffectiveAtLTE(at)).
		Order(ent.Desc(policyversion.FieldEffectiveAt), ent.Desc(policyversion.FieldID)).
		First(privacy.DecisionContext(ctx, privacy.Allow))
}
