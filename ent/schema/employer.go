package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"consentgate/ent/schema/validate"
)

// Employer is an organisation that publishes jobs and, with an applicant's
// consent, receives their data (policy §4(1), §5(1)). Its data is not
// personal.
type Employer struct{ ent.Schema }

// Mixin of the Employer.
func (Employer) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Employer.
func (Employer) Fields() []ent.Field {
	return []ent.Field{
		field.String("external_id").Unique().Immutable().NotEmpty().MaxLen(128).
			Comment("The organisation's id in tokens (the JWT \"org\" claim)."),
		field.String("name").Validate(validate.MaxLen(200)),
		field.String("legal_name").Optional().Validate(validate.MaxLen(200)).
			Comment("The organisation's registered name (e.g. its commercial registry's): what its records of provision name as the recipient, as it stood at each provision; empty: its name."),
		field.String("prefecture").Optional().Validate(validate.PrefectureName).Comment("Prefecture of the head office."),
		field.String("description").Optional().Validate(validate.MaxLen(5000)),
	}
}

// Edges of the Employer.
func (Employer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("jobs", Job.Type).Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Annotations of the Employer.
func (Employer) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}
