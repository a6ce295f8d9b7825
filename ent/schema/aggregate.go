package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"consentgate/consent"
)

// BudgetSpend is one statistics query's spend of its viewer's privacy
// budget (ε, differential privacy): the aggregates of issue 5 add noise
// calibrated to ε, and a viewer may spend at most the policy's daily budget
// in any 24 hours, so that repeating a query to average the noise away
// runs out. The approved operation the query ran has a daily budget of its
// own, shared by every account. It holds a staff account, an operation's id
// and numbers, no subject's data.
type BudgetSpend struct{ ent.Schema }

// Fields of the BudgetSpend.
func (BudgetSpend) Fields() []ent.Field {
	return []ent.Field{
		field.String("account").Immutable().NotEmpty().MaxLen(128).Comment("The viewer's account."),
		field.Enum("purpose").Values(consent.Purpose("").Values()...).Immutable(),
		field.Float("epsilon").Immutable().Positive(),
		field.Time("spent_at").Immutable(),
		field.String("request_id").Optional().Immutable().MaxLen(64),
		field.String("operation").Optional().Immutable().MaxLen(71).
			Comment("The approved operation the query ran in (its document id, sha256:<hex>): every account's spends on it count against its own daily budget."),
	}
}

// Indexes of the BudgetSpend.
func (BudgetSpend) Indexes() []ent.Index {
	return []ent.Index{index.Fields("account", "spent_at"), index.Fields("operation", "spent_at")}
}

// Annotations of the BudgetSpend: not part of the GraphQL schema (the
// statistics answer carries the remaining budget).
func (BudgetSpend) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
