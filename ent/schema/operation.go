package schema

import (
	"errors"
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"consentgate/consent"
	"consentgate/ent/schema/validate"
)

// Operation is an approved operation (a trusted document): a GraphQL query
// an admin registered for one purpose, which runs once a second admin
// approved it. Analysts and marketing run only these, by id (DESIGN.md,
// Roles). The row is its own record: registration, approval and revocation
// are its fields, each stamped from the acting admin's token; nothing is
// deleted, and the only changes are one approval and one revocation.
type Operation struct{ ent.Schema }

// Fields of the Operation.
func (Operation) Fields() []ent.Field {
	return []ent.Field{
		field.String("hash").Unique().Immutable().Match(operationHashRe).
			Comment("The document's id: sha256:<64 lowercase hex> of its exact text, computed on registration."),
		field.String("name").Immutable().Validate(operationName).
			Comment("A short name (letters, digits, _ . -), unique among the unrevoked operations."),
		field.Enum("purpose").Values(consent.Purpose("").Values()...).Immutable().
			Annotations(entgql.Type("Purpose")).
			Comment("The purpose the operation runs under: one that ANALYST or MARKETING may act under."),
		field.String("description").Optional().Immutable().Validate(optionalMaxLen(2000)),
		field.Text("document").Immutable().Validate(validate.MaxLen(100000)).
			Comment("The GraphQL document: one query operation, valid against the gateway's schema."),
		field.String("approved_by").Optional().Nillable().Validate(validate.MaxLen(200)).
			Comment("The admin account that approved it, a second one (not registeredBy); set from the token by approveOperation."),
		field.Time("approved_at").Optional().Nillable().
			Comment("When it was approved; an operation runs only once approved, until it is revoked."),
		field.String("registered_by").Immutable().Validate(validate.MaxLen(128)).
			Comment("The admin account that registered it; set from the token."),
		field.Time("registered_at").Immutable(),
		field.Time("revoked_at").Optional().Nillable().
			Comment("When it was revoked; a revoked operation no longer runs."),
		field.String("revoked_by").Optional().Nillable().Validate(validate.MaxLen(128)).
			Comment("The admin account that revoked it; set from the token."),
		field.String("revocation_reason").Optional().Nillable().Validate(validate.MaxLen(2000)),
	}
}

// Indexes of the Operation: a name is unique among the unrevoked
// operations (a partial index, on SQLite and PostgreSQL alike).
func (Operation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("name").Unique().Annotations(entsql.IndexWhere("revoked_at IS NULL")),
	}
}

// Annotations of the Operation.
func (Operation) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.QueryField(), entgql.RelayConnection()}
}

var (
	operationHashRe = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
	operationNameRe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,99}$`)
)

// operationName validates an operation's name: it is the one thing about
// a document that errors may name.
func operationName(s string) error {
	if !operationNameRe.MatchString(s) {
		return errors.New("must be 1-100 letters, digits, '_', '.' or '-', starting with a letter")
	}
	return nil
}

// optionalMaxLen is validate.MaxLen for an optional text: empty is allowed.
func optionalMaxLen(n int) func(string) error {
	check := validate.MaxLen(n)
	return func(s string) error {
		if s == "" {
			return nil
		}
		return check(s)
	}
}
