package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"
)

// TimeMixin stamps rows with their creation and last update time.
type TimeMixin struct{ mixin.Schema }

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Immutable().Default(time.Now).
			Annotations(nonPersonal(), entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now).
			Annotations(nonPersonal(), entgql.OrderField("UPDATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// SubjectTimeMixin stamps the rows that hold a subject's personal data
// (applicants, applications, privacy requests) like TimeMixin, but keeps
// the update time out of the generated GraphQL type, filters and orders:
// it moves when any field of the row changes, hidden ones included, so it
// would tell a viewer that something it may not see has changed. The SDL
// gives it back as @personalTimestamp, released only to a viewer that sees
// every category of the subject plain.
type SubjectTimeMixin struct{ mixin.Schema }

// Fields of the SubjectTimeMixin.
func (SubjectTimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Immutable().Default(time.Now).
			Annotations(nonPersonal(), entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now).
			Annotations(entgql.Skip()),
	}
}
