package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"consentgate/ent/schema/validate"
)

// Job is a position an employer offers. Only published jobs are visible to
// anyone but the employer; applying needs one.
type Job struct{ ent.Schema }

// Mixin of the Job.
func (Job) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Job.
func (Job) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").Validate(validate.MaxLen(200)).Annotations(entgql.OrderField("TITLE")),
		field.String("description").Validate(validate.MaxLen(10000)),
		field.String("prefecture").Validate(validate.PrefectureName).Comment("Prefecture of the workplace."),
		field.String("field").Validate(validate.MaxLen(100)).Comment("Field of work, e.g. \"Software\", \"Nursing care\"."),
		field.Enum("employment_type").Values("FULL_TIME", "PART_TIME", "CONTRACT", "TEMPORARY", "INTERNSHIP").
			Annotations(entgql.Type("EmploymentType")),
		field.Int("salary_min").Optional().Min(0).Comment("Lower end of the annual salary range, yen."),
		field.Int("salary_max").Optional().Min(0).Comment("Upper end of the annual salary range, yen."),
		field.Enum("status").Values("DRAFT", "PUBLISHED", "CLOSED").Default("DRAFT").
			Annotations(entgql.Type("JobStatus")).
			Comment("DRAFT, PUBLISHED or CLOSED; a closed job stays closed (its applications' provision ends from its closing)."),
		field.Time("closed_at").Optional().Nillable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			Comment("When the job closed; null while it is not closed. Applications to it that are not final reach their end of provision the policy's grace period later (endOfProvision.JOB_CLOSED)."),
		field.Int("employer_id").Immutable().
			Annotations(entgql.Skip(entgql.SkipType, entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Edges of the Job.
func (Job) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("employer", Employer.Type).Ref("jobs").Field("employer_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput)),
		edge.To("applications", Application.Type).
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("questions", Question.Type).
			Annotations(entgql.Skip(entgql.SkipAll)).
			Comment("The employer's questions to applicants (Job.questions in the SDL: in order, as the viewer reaches them)."),
	}
}

// Indexes of the Job.
func (Job) Indexes() []ent.Index {
	return []ent.Index{index.Fields("status", "created_at"), index.Fields("employer_id")}
}

// Annotations of the Job.
func (Job) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
