package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"consentgate/consent"
)

// RetentionAction records one thing the retention sweeper (package
// retention) did under a rule of the policy's retention section: an
// account erased, an application erased or anonymised (one row each, by
// the row's id), or a batch of access records or budget spends removed (a
// count). It holds ids, names and counts, never a personal value. The
// records purge's rows are also the access records' chain checkpoint: the
// last record removed and its hash, from which records.Verify checks the
// chain that remains.
type RetentionAction struct{ ent.Schema }

// Fields of the RetentionAction.
func (RetentionAction) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").Immutable().Default(time.Now).Comment("When the action's transaction ran (the sweeper's clock)."),
		field.String("run").Immutable().MaxLen(64).Comment("The sweep it was part of."),
		field.String("replica").Immutable().MaxLen(128).Comment("The process that swept (host and process id)."),
		field.Enum("kind").Values(consent.RetentionKind("").Values()...).Immutable(),
		field.String("rule").Immutable().MaxLen(64).Comment("The rule's period and action, e.g. \"3y ERASE\"."),
		field.Int("target_id").Optional().Nillable().Immutable().
			Comment("The row acted on (an applicant, an application); null for a batch."),
		field.Int("count").Immutable().Comment("Rows acted on: 1 for a target, the batch's size otherwise."),
		field.Int("through_id").Optional().Nillable().Immutable().
			Comment("ACCESS_RECORDS: the last record removed (records are removed oldest first, in id order)."),
		field.String("through_hash").Optional().Immutable().MaxLen(64).
			Comment("ACCESS_RECORDS: the last removed record's hash, which the next record's prev_hash names."),
	}
}

// Indexes of the RetentionAction.
func (RetentionAction) Indexes() []ent.Index {
	return []ent.Index{index.Fields("kind", "through_id"), index.Fields("at")}
}

// Annotations of the RetentionAction: not part of the GraphQL schema.
func (RetentionAction) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
