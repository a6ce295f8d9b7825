package hooks

import (
	"context"
	"errors"
	"time"

	"consentgate/ent"
	"consentgate/ent/hook"
	"consentgate/ent/sealedsubject"
)

// ErrSealedInsertOnly is returned for a change of a sealed identity.
var ErrSealedInsertOnly = errors.New("sealed identities are insert-only")

// purgeTimeKey is the context key of the time a purge runs at.
type purgeTimeKey struct{}

// WithPurgeTime returns a copy of ctx in which a removal of sealed
// identities runs at now (records.PurgeSealed's clock) instead of the
// current time.
func WithPurgeTime(ctx context.Context, now time.Time) context.Context {
	return context.WithValue(ctx, purgeTimeKey{}, now)
}

// SealedInsertOnly refuses every update of a sealed identity, whatever the
// privacy decision, and narrows every removal to the rows whose
// purge_after has passed (at the purge's time, WithPurgeTime, else now):
// no path of the model removes an identity its records still need.
func SealedInsertOnly() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.SealedSubjectFunc(func(ctx context.Context, m *ent.SealedSubjectMutation) (ent.Value, error) {
			if !m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
				return nil, ErrSealedInsertOnly
			}
			now, ok := ctx.Value(purgeTimeKey{}).(time.Time)
			if !ok {
				now = time.Now()
			}
			m.Where(sealedsubject.PurgeAfterLTE(now.UTC()))
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdate|ent.OpUpdateOne|ent.OpDelete|ent.OpDeleteOne)
}
