package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"consentgate/consent"
	"consentgate/ent/schema/validate"
)

// AccessGrant is a compliance account's access to one subject's personal
// data under a legal basis of policy §5(2), the only way data leaves without
// consent. It is opened as a request (basis, reference, justification),
// takes effect only when a second compliance account approves it, expires
// on its own (approval time plus the configured TTL, at most 24 hours) and
// may be revoked. While live, the account that opened it sees the subject's
// data plain, and every release is recorded with the basis.
//
// Reference and justification are not the subject's personal data but may
// name people or cases: they are never logged or echoed in errors.
type AccessGrant struct{ ent.Schema }

// Fields of the AccessGrant.
func (AccessGrant) Fields() []ent.Field {
	// Set by the gateway, never input.
	stamped := entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)
	return []ent.Field{
		field.Int("subject_id").Optional().Nillable().Immutable().Annotations(entgql.Type("ID")).
			Comment("The id of the applicant whose data the grant opens; whether an applicant has it is not checked, so that opening a grant tells nothing of who exists. Exactly one of subjectID and subjectRef is set."),
		field.String("subject_ref").Optional().Immutable().MaxLen(100).
			Comment("The keyed pseudonym (an access record's subjectRef) of an erased subject whose sealed identity the grant opens (sealedSubject); whether a sealed identity has it is not checked either."),
		field.Enum("basis").Values(consent.LegalBasis("").Values()...).Immutable().
			Annotations(entgql.Type("LegalBasis")).Comment("The case of policy §5(2)."),
		field.String("reference").Immutable().Validate(validate.MaxLen(200)).
			Annotations(entgql.Skip(entgql.SkipWhereInput)).
			Comment("The instrument the basis rests on: a court order, a statute and article, an authority's request number."),
		field.String("justification").Immutable().Validate(validate.MaxLen(2000)).
			Annotations(entgql.Skip(entgql.SkipWhereInput)).
			Comment("Why this subject's data is needed, for the approver and the audit."),
		field.String("requested_by").Immutable().NotEmpty().MaxLen(128).Annotations(stamped).
			Comment("The compliance account that opened the grant: the only one it shows data to."),
		field.Time("requested_at").Immutable().Annotations(stamped),
		field.String("approved_by").Optional().MaxLen(128).Annotations(stamped).
			Comment("The second compliance account that approved it."),
		field.Time("approved_at").Optional().Nillable().Annotations(stamped),
		field.Time("expires_at").Optional().Nillable().Annotations(stamped).
			Comment("Set on approval: the approval time plus the configured TTL."),
		field.String("revoked_by").Optional().MaxLen(128).Annotations(stamped),
		field.Time("revoked_at").Optional().Nillable().Annotations(stamped),
		field.String("revocation_reason").Optional().Validate(validate.MaxLen(2000)).
			Annotations(stamped, entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Edges of the AccessGrant: none. The subject is an id, not a reference
// the database checks, so that opening a grant is no existence oracle: a
// request for an id no applicant has is accepted exactly as one for an
// applicant the opener does not reach (hooks.AccessGrantLifecycle checks
// only that the id is of the applicants' range), and a grant of an id
// nobody has reaches nobody. The hand-written AccessGrant.subject resolves
// the applicant under the reader's row rules.
func (AccessGrant) Edges() []ent.Edge { return nil }

// Indexes of the AccessGrant: the live grants of one account, and of one
// subject.
func (AccessGrant) Indexes() []ent.Index {
	return []ent.Index{index.Fields("requested_by", "expires_at"), index.Fields("subject_id"), index.Fields("subject_ref")}
}

// Annotations of the AccessGrant.
func (AccessGrant) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate()),
	}
}
