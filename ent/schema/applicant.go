package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"consentgate/consent"
	"consentgate/ent/schema/schematype"
	"consentgate/ent/schema/validate"
)

// Applicant is the subject: a foreign job seeker and every item of personal
// data policy §1 and §5(1) name about them. Each field names its category;
// most are optional because a profile is filled in over time.
type Applicant struct{ ent.Schema }

// Mixin of the Applicant.
func (Applicant) Mixin() []ent.Mixin { return []ent.Mixin{SubjectTimeMixin{}} }

// text is an optional free-text personal field of category c, at most n characters.
func text(name string, n int, c consent.Category, comment string) ent.Field {
	return field.String(name).Optional().Validate(validate.MaxLen(n)).Annotations(personal(c)).Comment(comment)
}

// Fields of the Applicant.
func (Applicant) Fields() []ent.Field {
	return []ent.Field{
		field.Int("id").Annotations(nonPersonal()),
		// The account behind the token (the JWT "sub"): how the applicant is
		// found, never shown. Only erasure changes it (to a tombstone no
		// token names); rule.UpdateOwnProfile never lets an applicant.
		field.String("account_id").Unique().NotEmpty().MaxLen(128).
			Annotations(entgql.Skip()),
		field.Time("erased_at").Optional().Nillable().
			Annotations(nonPersonal(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipOrderField, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			Comment("When a completed DELETION request erased the applicant's personal data; null otherwise."),

		field.String("name").Validate(validate.MaxLen(100)).Annotations(personal(consent.Name)).
			Comment("Full name. Masked INITIAL: the initials only (\"N. V. A.\")."),
		text("name_kana", 100, consent.Name, "Full name in katakana."),
		field.Time("birth_date").Optional().Annotations(personal(consent.BirthDate)).
			Comment("Date of birth. Masked AGE_BAND: January 1 of the first year of a five-year birth cohort (1990-01-01 means born 1990-1994); masked YEAR: January 1 of the birth year."),
		field.Enum("sex").Values("FEMALE", "MALE", "OTHER").Optional().
			Annotations(personal(consent.Sex), entgql.Type("Sex")),

		field.String("prefecture").Optional().Validate(validate.PrefectureName).Annotations(personal(consent.AddressRegion)).
			Comment("Prefecture of residence, English name (one of Japan's 47). Masked PREFECTURE: unchanged (the city is withheld)."),
		text("city", 100, consent.AddressRegion, "City, ward, town or village of residence."),
		text("street", 200, consent.AddressStreet, "Street address below the city."),
		text("building", 200, consent.AddressStreet, "Building and room."),
		field.String("postal_code").Optional().Validate(validate.PostalCode).Annotations(personal(consent.AddressStreet)),

		field.String("phone").Optional().Validate(validate.Phone).Annotations(personal(consent.Phone)).
			Comment("Telephone number. Masked LAST4: all but the last four characters replaced by *."),
		field.String("email").Validate(validate.Email).Annotations(personal(consent.Email)).
			Comment("Email address. Masked EMAIL: the local part's first character, ***, and the domain (j***@example.com)."),

		text("occupation", 100, consent.Occupation, "Current occupation."),
		text("workplace_name", 200, consent.Workplace, "Current employer's name."),
		text("workplace_department", 200, consent.Workplace, ""),
		text("workplace_address", 300, consent.Workplace, ""),
		field.String("workplace_phone").Optional().Validate(validate.Phone).Annotations(personal(consent.Workplace)),

		field.String("visa_status").Optional().Validate(validate.VisaStatus).Annotations(personal(consent.Visa)).
			Comment("Status of residence code, from the documented list (see README)."),
		field.Time("visa_expires_on").Optional().Annotations(personal(consent.Visa)).
			Comment("Last day of the visa's validity period. Masked YEAR: January 1 of that year."),

		field.Enum("education_level").Values("HIGH_SCHOOL", "VOCATIONAL", "ASSOCIATE", "BACHELOR", "MASTER", "DOCTORATE", "OTHER").
			Optional().Annotations(personal(consent.Education), entgql.Type("EducationLevel")),
		text("academic_background", 300, consent.Education, "Degree and major, e.g. \"B.Eng. Mechanical Engineering\"."),
		text("school_name", 200, consent.Education, ""),
		field.Time("graduated_on").Optional().Annotations(personal(consent.Education)).
			Comment("Date of graduation. Masked YEAR: January 1 of that year."),

		field.JSON("work_history", []schematype.WorkHistoryEntry{}).Optional().Annotations(personal(consent.WorkHistory)),
		field.JSON("qualifications", []schematype.Qualification{}).Optional().Annotations(personal(consent.Qualifications)).
			Comment("Licences and qualifications."),

		field.Strings("skills").Optional().Annotations(personal(consent.SelfPR)),
		text("favorite_subject", 200, consent.SelfPR, ""),
		text("selling_point", 2000, consent.SelfPR, ""),
		text("achievements", 2000, consent.SelfPR, ""),
		field.Strings("tools").Optional().Annotations(personal(consent.SelfPR)).Comment("Tools the applicant can use."),
		text("theses_and_patents", 2000, consent.SelfPR, ""),

		field.Int("dependents").Optional().Min(0).Max(20).Annotations(personal(consent.Family)).Comment("Number of dependents."),
		field.Bool("has_spouse").Optional().Annotations(personal(consent.Family)),
		text("spouse_occupation", 100, consent.Family, ""),

		field.JSON("emergency_contacts", []schematype.EmergencyContact{}).Optional().Annotations(personal(consent.EmergencyContact)),

		field.Enum("dwelling_type").Values("OWNED", "RENTED", "COMPANY_HOUSING", "SHARE_HOUSE", "WITH_FAMILY", "OTHER").
			Optional().Annotations(personal(consent.Housing), entgql.Type("DwellingType")),
		field.Int("rent").Optional().Min(0).Max(10_000_000).Annotations(personal(consent.Housing)).
			Comment("Monthly rent in yen. Masked RANGE: the lower bound of its bucket."),

		text("desired_field", 200, consent.Preferences, "Desired field of work."),
		text("desired_workplace", 200, consent.Preferences, "Desired workplace (place or kind of employer)."),

		field.String("last_ip").Optional().Validate(validate.IP).Annotations(personal(consent.Network),
			entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)).
			Comment("Address of the last request the applicant made (recorded by the service, not entered)."),
	}
}

// Edges of the Applicant.
func (Applicant) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("applications", Application.Type).
			Annotations(nonPersonal(), entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("consents", Consent.Type).
			Annotations(nonPersonal(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		edge.To("privacy_requests", PrivacyRequest.Type).
			Annotations(nonPersonal(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// Indexes of the Applicant.
func (Applicant) Indexes() []ent.Index {
	return []ent.Index{index.Fields("created_at")}
}

// Annotations of the Applicant.
func (Applicant) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.QueryField(),
		entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}
