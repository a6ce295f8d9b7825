package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"consentgate/consent"
	"consentgate/ent/schema/validate"
)

// Application is an applicant applying to a job: the reason and the answers
// to the job's questions (Answer) are the applicant's personal data.
type Application struct{ ent.Schema }

// Mixin of the Application.
func (Application) Mixin() []ent.Mixin { return []ent.Mixin{SubjectTimeMixin{}} }

// Fields of the Application.
func (Application) Fields() []ent.Field {
	return []ent.Field{
		field.Int("id").Annotations(nonPersonal()),
		field.String("reason").Optional().Validate(validate.MaxLen(5000)).
			Annotations(personal(consent.ApplicationAnswers)).Comment("Reason for applying."),
		field.Enum("status").
			Values("APPLIED", "SCREENING", "INTERVIEW", "OFFER", "HIRED", "REJECTED", "WITHDRAWN").
			Default("APPLIED").
			Annotations(nonPersonal(), entgql.Type("ApplicationStatus"), entgql.OrderField("STATUS"),
				entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("status_changed_at").Optional().
			Annotations(nonPersonal(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Int("applicant_id").Immutable().
			Annotations(entgql.Skip()),
		field.Int("job_id").Immutable().
			Annotations(entgql.Skip()),
	}
}

// Edges of the Application.
func (Application) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("applicant", Applicant.Type).Ref("applications").Field("applicant_id").Unique().Required().Immutable().
			Annotations(nonPersonal(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput)),
		edge.From("job", Job.Type).Ref("applications").Field("job_id").Unique().Required().Immutable().
			Annotations(nonPersonal(), entgql.Skip(entgql.SkipWhereInput)),
		edge.To("answers", Answer.Type).
			Annotations(nonPersonal(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			Comment("The answers to the job's questions in effect when applying, each released as its question's category."),
		edge.To("consents", Consent.Type).
			Annotations(nonPersonal(), entsql.OnDelete(entsql.SetNull),
				entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			Comment("The consent ledger entries this application recorded: applying, the grant of provision to the job's employer; withdrawing the last live application to that employer, its withdrawal. Each has its receipt."),
	}
}

// Indexes of the Application.
func (Application) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("applicant_id", "job_id").Unique(),
		index.Fields("job_id", "status"),
	}
}

// Annotations of the Application.
func (Application) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate()),
	}
}
