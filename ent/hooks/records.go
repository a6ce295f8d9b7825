package hooks

import (
	"context"
	"errors"
	"slices"

	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/hook"
)

// ErrRecordsAppendOnly is returned for a change or removal of an access
// record.
var ErrRecordsAppendOnly = errors.New("access records are append-only")

// AppendOnlyRecords refuses every update and delete of access records,
// whatever the privacy decision: the one change allowed is clearing the
// subject (the subject's erasure, package requests), which the records'
// hash chain does not cover (records.Hash hashes the subject's keyed
// pseudonym, subject_ref, instead).
func AppendOnlyRecords() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AccessRecordFunc(func(ctx context.Context, m *ent.AccessRecordMutation) (ent.Value, error) {
			if m.Op().Is(ent.OpDelete|ent.OpDeleteOne) || len(m.Fields()) > 0 || len(m.AddedFields()) > 0 ||
				!slices.Equal(m.ClearedFields(), []string{accessrecord.FieldSubjectID}) {
				return nil, ErrRecordsAppendOnly
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdate|ent.OpUpdateOne|ent.OpDelete|ent.OpDeleteOne)
}
