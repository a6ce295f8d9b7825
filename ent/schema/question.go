package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/vektah/gqlparser/v2/ast"

	"consentgate/consent"
	"consentgate/ent/schema/validate"
)

// Question is one of an employer's questions to the applicants of a job.
// It takes effect (applicants answer it) only once a compliance account
// approves it with a category, which its answers are then released and
// withheld as; a question that asks for special care-required information
// or for a category §5(1) excludes cannot be approved (consent.CheckQuestion).
// Its text never changes: rewording asks a new question, which replaces
// this one once approved, and the answers given stay with the question
// they answered. The employer's data, not personal.
type Question struct{ ent.Schema }

// Mixin of the Question.
func (Question) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Question.
func (Question) Fields() []ent.Field {
	stamped := entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput, entgql.SkipWhereInput)
	return []ent.Field{
		field.String("text").Immutable().Validate(validate.MaxLen(500)).Annotations(entgql.Skip(entgql.SkipWhereInput)).
			Comment("The question as applicants read it. It never changes: rewordQuestion asks a new one."),
		field.Int("position").Immutable().Annotations(stamped).
			Comment("Its place among the job's questions; a rewording takes the place of the question it rewords."),
		field.Enum("status").Values("PENDING", "APPROVED", "REFUSED", "RETIRED").Default("PENDING").
			Annotations(entgql.Type("QuestionStatus"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			Comment("PENDING until compliance reviews it; APPROVED (in effect: applicants answer it) or REFUSED; RETIRED once a rewording of it is approved."),
		field.Enum("category").Values(consent.Category("").Values()...).Optional().Nillable().
			Annotations(entgql.Type("Category"), stamped).
			Comment("Set on approval: the category its answers are released and withheld as."),
		field.Enum("refusal_rule").Values(consent.QuestionRule("").Values()...).Optional().Nillable().
			Annotations(entgql.Type("QuestionRule"), stamped).
			Comment("Set on refusal: the rule the question breaks."),
		field.String("refusal_note").Optional().Validate(validate.MaxLen(500)).Annotations(stamped).
			Comment("Set on refusal: what the reviewer found, e.g. the special care-required matter asked for."),
		field.String("asked_by").Immutable().NotEmpty().MaxLen(128).Annotations(stamped).
			Comment("The employer account that asked it."),
		field.String("reviewed_by").Optional().MaxLen(128).Annotations(stamped).
			Comment("The compliance account that approved or refused it (never the one that asked it)."),
		field.Time("reviewed_at").Optional().Nillable().Annotations(stamped),
		field.Time("retired_at").Optional().Nillable().Annotations(stamped),
		field.Int("job_id").Immutable().Annotations(entgql.Skip()),
		field.Int("replaces_id").Optional().Nillable().Immutable().Annotations(entgql.Skip()),
	}
}

// Edges of the Question.
func (Question) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("job", Job.Type).Ref("questions").Field("job_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("rewording", Question.Type).From("replaces").Field("replaces_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			Comment("replaces: the question this one rewords; rewording: the question that rewords this one."),
		edge.To("answers", Answer.Type).
			Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the Question.
func (Question) Indexes() []ent.Index {
	return []ent.Index{index.Fields("job_id", "position"), index.Fields("status")}
}

// Annotations of the Question.
func (Question) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// Answer is an applicant's answer to one question of the job they applied
// to. Its text is released and withheld as the category its question was
// approved with (copied here when answering: an approved question never
// changes), as @personalPerValue.
type Answer struct{ ent.Schema }

// Fields of the Answer.
func (Answer) Fields() []ent.Field {
	return []ent.Field{
		field.Int("id").Annotations(nonPersonal()),
		field.String("text").Immutable().Validate(validate.MaxLen(5000)).
			Annotations(perValue(providableCategories(), "the category its question was approved with"),
				entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			Comment("The answer. Released and withheld as its category."),
		field.Enum("category").Values(consent.Category("").Values()...).Immutable().
			Annotations(nonPersonal(), entgql.Type("Category"), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			Comment("The category its question was approved with."),
		field.Int("application_id").Immutable().Annotations(entgql.Skip()),
		field.Int("question_id").Immutable().Annotations(entgql.Skip()),
	}
}

// providableCategories lists the categories §5(1) provides to employers:
// those a question may be approved with.
func providableCategories() []consent.Category {
	var out []consent.Category
	for _, c := range consent.Categories {
		if c.ProvidableToEmployers() {
			out = append(out, c)
		}
	}
	return out
}

// Edges of the Answer.
func (Answer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("application", Application.Type).Ref("answers").Field("application_id").Unique().Required().Immutable().
			Annotations(nonPersonal(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.From("question", Question.Type).Ref("answers").Field("question_id").Unique().Required().Immutable().
			Annotations(nonPersonal(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the Answer: one answer per question and application.
func (Answer) Indexes() []ent.Index {
	return []ent.Index{index.Fields("application_id", "question_id").Unique(), index.Fields("question_id")}
}

// perValue marks a field as personal data whose category depends on the
// value (@personalPerValue): the object names it among categories, by rule.
func perValue(categories []consent.Category, rule string) entgql.Annotation {
	list := &ast.Value{Kind: ast.ListValue}
	for _, c := range categories {
		list.Children = append(list.Children, &ast.ChildValue{Value: &ast.Value{Raw: string(c), Kind: ast.EnumValue}})
	}
	return entgql.Annotation{Directives: []entgql.Directive{entgql.NewDirective("personalPerValue",
		&ast.Argument{Name: "categories", Value: list},
		&ast.Argument{Name: "rule", Value: &ast.Value{Raw: rule, Kind: ast.StringValue}})}}
}
