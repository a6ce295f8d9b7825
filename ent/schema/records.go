package schema

import (
	"encoding/json"
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"consentgate/consent"
	"consentgate/ent/schema/validate"
)

// PolicyVersion is a published version of the privacy policy (§8). Consents
// point to the version they were given under.
type PolicyVersion struct{ ent.Schema }

// maxPolicyText bounds a policy version's text (the shipped one is about
// 6 KB).
const maxPolicyText = 200_000

// Fields of the PolicyVersion.
func (PolicyVersion) Fields() []ent.Field {
	return []ent.Field{
		field.String("version").Unique().Immutable().Validate(validate.MaxLen(50)).Comment("Identifier, e.g. \"2026-04\"."),
		field.Time("effective_at").Immutable(),
		field.String("summary").Optional().Validate(validate.MaxLen(5000)).Comment("What changed, for applicants."),
		field.String("text_digest").Immutable().Validate(validate.MaxLen(100)).Comment("sha256:<hex> of the policy text."),
		field.Text("text").Optional().Immutable().Validate(validate.MaxLen(maxPolicyText)).Annotations(entgql.Skip()).
			Comment("The policy text, whose SHA-256 is text_digest (checked on publishing), served at GET /policy/{version}; empty in versions recorded before texts were kept."),
		field.Strings("changed_purposes").Optional().Immutable().Comment("Purposes (§4 codes) this version adds or changes."),
		field.Strings("added_purposes").Optional().Immutable().
			Comment("Of changed_purposes, those this version adds (§4 codes): like a change of EMPLOYER_PROVISION, they stand on no deemed agreement."),
		field.Time("published_at").Default(time.Now).Immutable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput)).Comment("When it was published (its notice period starts)."),
		field.String("published_by").Optional().Immutable().MaxLen(128).
			Annotations(entgql.Skip()).Comment("The ADMIN account that published it (set from the token; a staff account, not shown through the API)."),
	}
}

// Annotations of the PolicyVersion.
func (PolicyVersion) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// PolicyAcknowledgement records that an applicant acknowledged a published
// policy version (§8): their consents for the purposes it changed then
// stand on their explicit agreement instead of a deemed one.
type PolicyAcknowledgement struct{ ent.Schema }

// Fields of the PolicyAcknowledgement.
func (PolicyAcknowledgement) Fields() []ent.Field {
	return []ent.Field{
		field.Time("acknowledged_at").Immutable(),
		field.Int("applicant_id").Immutable(),
		field.Int("policy_version_id").Immutable(),
	}
}

// Edges of the PolicyAcknowledgement.
func (PolicyAcknowledgement) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("applicant", Applicant.Type).Field("applicant_id").Unique().Required().Immutable(),
		edge.To("policy_version", PolicyVersion.Type).Field("policy_version_id").Unique().Required().Immutable(),
	}
}

// Indexes of the PolicyAcknowledgement: one per applicant and version.
func (PolicyAcknowledgement) Indexes() []ent.Index {
	return []ent.Index{index.Fields("applicant_id", "policy_version_id").Unique()}
}

// Annotations of the PolicyAcknowledgement: shown through
// Applicant.notices, not as a type of its own.
func (PolicyAcknowledgement) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// Consent is one append-only entry of a subject's consent ledger: a grant
// or withdrawal of a purpose, optionally for one recipient employer and
// optionally withholding one category, under a policy version.
type Consent struct{ ent.Schema }

// Fields of the Consent.
func (Consent) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("purpose").Values(consent.Purpose("").Values()...).Immutable().Annotations(entgql.Type("Purpose")),
		field.Enum("withheld_category").Values(consent.Category("").Values()...).Optional().Nillable().Immutable().
			Annotations(entgql.Type("Category")).
			Comment("When set, this entry withholds (granted = false) or releases (granted = true) one category only."),
		field.Bool("granted").Immutable(),
		field.Enum("source").Values("APPLICANT", "APPLICATION", "PRIVACY_REQUEST", "POLICY_CHANGE", "SYSTEM").Immutable().
			Annotations(entgql.Type("ConsentSource")),
		field.Enum("basis").Values("EXPLICIT", "DEEMED").Default("EXPLICIT").Immutable().
			Annotations(entgql.Type("ConsentBasis")).Comment("Explicit, or deemed under policy §8."),
		field.Time("recorded_at").Immutable().
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput)).Comment("When the change was made; set on recording."),
		field.Int("applicant_id").Immutable().Annotations(entgql.Skip()),
		field.Int("employer_id").Optional().Nillable().Immutable().Annotations(entgql.Skip()),
		field.Int("policy_version_id").Immutable().Annotations(entgql.Skip()),
		field.Int("application_id").Optional().Nillable().Immutable().Annotations(entgql.Skip()).
			Comment("The application whose creation or withdrawal recorded the entry (source APPLICATION)."),
		field.Time("effective_at").Optional().Nillable().Immutable().Annotations(entgql.Skip()).
			Comment("When the entry takes effect, if later than recorded: an objection filed in a version's notice period withdraws from the version's effective time."),
	}
}

// Edges of the Consent.
func (Consent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("applicant", Applicant.Type).Ref("consents").Field("applicant_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("employer", Employer.Type).Field("employer_id").Unique().Immutable().Comment("The recipient, for EMPLOYER_PROVISION.").
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.To("policy_version", PolicyVersion.Type).Field("policy_version_id").Unique().Required().Immutable().
			Annotations(entgql.Skip(entgql.SkipWhereInput)),
		edge.From("application", Application.Type).Ref("consents").Field("application_id").Unique().Immutable().
			Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("state", ConsentState.Type).Unique().
			Annotations(entgql.Skip(entgql.SkipAll)).Comment("The state line this entry is in force for, if it is."),
	}
}

// Indexes of the Consent.
func (Consent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("applicant_id", "purpose", "recorded_at")}
}

// ConsentState is one line of a subject's current consent state: for a
// purpose, a recipient scope (one employer, or all employers) and a
// category (or the whole purpose), the ledger entry now in force, which is
// the latest of that key in the ledger's order (its id, given by the
// database). It is derived from the ledger by ledger.Apply in the same
// transaction as each append, never written otherwise, and read by every
// decision (consent package doc: the scope rule). `go run ./server consent
// verify` recomputes it from the whole ledger.
type ConsentState struct{ ent.Schema }

// Fields of the ConsentState.
func (ConsentState) Fields() []ent.Field {
	return []ent.Field{
		field.Int("applicant_id").Immutable(),
		field.Enum("purpose").Values(consent.Purpose("").Values()...).Immutable(),
		field.Int("recipient_id").Default(0).Immutable().
			Comment("The employer, for a line towards one employer (EMPLOYER_PROVISION); 0 for all employers."),
		field.String("category").Default("").Immutable().Validate(func(s string) error {
			if s == "" {
				return nil
			}
			_, err := consent.ParseCategory(s)
			return err
		}).Comment("The one category withheld or released; empty for the whole purpose."),
		field.Int("consent_id").Comment("The ledger entry in force: the latest of this key."),
		field.Bool("granted").Comment("The entry's grant (true) or withdrawal (false)."),
		field.Time("applies_from").Optional().Nillable().
			Comment("When the entry takes effect, if later than recorded (an objection in a notice period): until then the line is as if absent."),
		field.Time("void_from").Optional().Nillable().
			Comment("For a grant: from when it no longer applies (a version it has no deemed standing under, or one the subject objected to, takes effect): from then the line counts as a withdrawal."),
	}
}

// Edges of the ConsentState.
func (ConsentState) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("applicant", Applicant.Type).Field("applicant_id").Unique().Required().Immutable(),
		edge.From("entry", Consent.Type).Ref("state").Field("consent_id").Unique().Required(),
	}
}

// Indexes of the ConsentState: one line per key, in the order the row
// rules look lines up (a subject, a purpose, a category, then the
// recipient scopes that apply: all employers and the viewer's).
func (ConsentState) Indexes() []ent.Index {
	return []ent.Index{index.Fields("applicant_id", "purpose", "category", "recipient_id").Unique()}
}

// Annotations of the ConsentState: not part of the API; Applicant's
// currentConsents shows the entries it points to.
func (ConsentState) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}

// PrivacyRequest is a subject's request under policy §6(2).
type PrivacyRequest struct{ ent.Schema }

// Mixin of the PrivacyRequest.
func (PrivacyRequest) Mixin() []ent.Mixin { return []ent.Mixin{SubjectTimeMixin{}} }

// Fields of the PrivacyRequest.
func (PrivacyRequest) Fields() []ent.Field {
	return []ent.Field{
		field.Int("id").Annotations(nonPersonal()),
		field.Enum("kind").
			Values("NOTICE", "DISCLOSURE", "CORRECTION", "ADDITION", "DELETION", "CEASE_OF_USE", "CEASE_OF_PROVISION").
			Immutable().Annotations(nonPersonal(), entgql.Type("PrivacyRequestKind")),
		field.Enum("status").Values("RECEIVED", "IN_PROGRESS", "COMPLETED", "REJECTED").Default("RECEIVED").
			Annotations(nonPersonal(), entgql.Type("PrivacyRequestStatus"), entgql.OrderField("STATUS")),
		field.Time("due_at").Annotations(nonPersonal(), entgql.OrderField("DUE_AT")),
		field.Time("completed_at").Optional().Nillable().Annotations(nonPersonal()),
		field.String("handler").Optional().MaxLen(128).Annotations(nonPersonal()).
			Comment("Account id of the staff member handling it."),
		field.String("rejection_reason").Optional().Validate(validate.MaxLen(2000)).Annotations(nonPersonal()),
		// The subject's own data: shown through the API by the
		// hand-written proposedChanges and result fields (@personalBundle,
		// schema/privacy_request.graphqls), erased with the subject.
		field.JSON("proposed_changes", json.RawMessage{}).Optional().Annotations(entgql.Skip()).
			Comment("CORRECTION and ADDITION: the profile changes proposed, as an update-profile input (GraphQL names)."),
		field.JSON("result", json.RawMessage{}).Optional().Annotations(entgql.Skip()).
			Comment("What completing the request did or answered (hooks.RequestEffects)."),
		field.Int("applicant_id").Immutable().Annotations(entgql.Skip()),
	}
}

// Edges of the PrivacyRequest.
func (PrivacyRequest) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("applicant", Applicant.Type).Ref("privacy_requests").Field("applicant_id").Unique().Required().Immutable().
			Annotations(nonPersonal(), entgql.Skip(entgql.SkipWhereInput)),
	}
}

// Annotations of the PrivacyRequest.
func (PrivacyRequest) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// AccessRecord is the audit entry for one release of personal data. It
// holds ids, roles and category names, never a personal value. Records are
// append-only (hooks.AppendOnlyRecords) and hash-chained in id order
// (package records).
type AccessRecord struct{ ent.Schema }

// Fields of the AccessRecord.
func (AccessRecord) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").Immutable().Annotations(entgql.OrderField("AT")),
		field.String("request_id").Immutable().MaxLen(64),
		field.String("viewer_account").Immutable().MaxLen(128).
			Annotations(entgql.Skip()).Comment("The viewer's account: kept for compliance, never shown through the API yet."),
		field.String("viewer_role").Immutable().MaxLen(32).
			Annotations(entgql.Directives(entgql.Deprecated("Use role, typed."))),
		field.String("viewer_org").Optional().Immutable().MaxLen(128),
		field.String("purpose").Optional().Immutable().MaxLen(32).
			Annotations(entgql.Directives(entgql.Deprecated("Use purposes, typed."))),
		field.Int("subject_id").Optional().Nillable().Comment("The applicant; cleared when they are deleted."),
		field.String("subject_ref").Immutable().MaxLen(100).Comment("Keyed pseudonym of the subject, kept after deletion."),
		field.Strings("categories").Immutable().
			Annotations(entgql.Directives(entgql.Deprecated("Use releases, typed."))),
		field.String("decision").Immutable().MaxLen(32),
		field.String("legal_basis").Optional().Immutable().MaxLen(32),
		field.String("policy_version").Optional().Immutable().MaxLen(50),
		field.String("recipient_name").Optional().Immutable().MaxLen(200).
			Comment("The recipient organisation's legal name at the time of provision (Employer.legal_name, else its name); empty when the viewer acts for no organisation. Kept as it was: a later rename does not rewrite it."),
		field.Int("consent_id").Optional().Nillable().Immutable().Annotations(entgql.Type("ID")).
			Comment("The consent ledger entry relied on: the entry in force for the whole purpose (towards the recipient, for EMPLOYER_PROVISION) when the data was released; null when none was (a necessary purpose, a legal basis, records from before it was kept)."),
		field.Int("grant_id").Optional().Nillable().Immutable().Annotations(entgql.Type("ID")).
			Comment("The access grant relied on, for a release under a legal basis (legal_basis); null otherwise."),
		field.String("prev_hash").Optional().Immutable().MaxLen(64).Annotations(entgql.Skip()).
			Comment("The previous record's hash (package records: the chain); empty in records written before the chain."),
		field.String("hash").Optional().Immutable().MaxLen(64).Annotations(entgql.Skip()).
			Comment("SHA-256 (hex) of prev_hash and the record's immutable fields (records.Hash); empty in records written before the chain."),
	}
}

// Indexes of the AccessRecord.
func (AccessRecord) Indexes() []ent.Index {
	return []ent.Index{index.Fields("subject_id", "at"), index.Fields("at"), index.Fields("subject_ref", "at")}
}

// Annotations of the AccessRecord: compliance searches every record
// (accessRecords, with filters); an applicant reaches their own.
func (AccessRecord) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

// SealedSubject keeps the identity of an erased subject whose records of
// provision are still within their legal period (records.LegalPeriod):
// written by the DELETION that erased them, in its transaction, it holds
// the subject's identity (applicant id, account, name, email, phone, birth
// date) sealed with AES-256-GCM under a key of its own (records.Sealer),
// bound to the subject's keyed pseudonym. Only a COMPLIANCE account holding
// a live access grant naming that pseudonym reads it
// (rule.FilterSealedSubjects), and each read is itself recorded. It is
// insert-only: nothing changes a row, and a row is removed only once
// purge_after has passed (hooks.SealedInsertOnly, records.PurgeSealed).
type SealedSubject struct{ ent.Schema }

// Fields of the SealedSubject.
func (SealedSubject) Fields() []ent.Field {
	return []ent.Field{
		field.String("subject_ref").Unique().Immutable().NotEmpty().MaxLen(100).
			Comment("The subject's keyed pseudonym, as in their access records."),
		field.Bytes("sealed").Immutable().Sensitive().MaxLen(8192).
			Comment("The identity, sealed (records.Sealer): never stored, logged or shown in the clear."),
		field.Time("sealed_at").Immutable(),
		field.Time("purge_after").Immutable().
			Comment("The latest of the subject's records' times plus the records' legal period: when the row is purged."),
	}
}

// Indexes of the SealedSubject: the purge's.
func (SealedSubject) Indexes() []ent.Index {
	return []ent.Index{index.Fields("purge_after")}
}

// Annotations of the SealedSubject: not an API type; the hand-written
// sealedSubject query opens it (schema/sealed.graphqls).
func (SealedSubject) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
