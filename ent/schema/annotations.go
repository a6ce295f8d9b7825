package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent/schema"
	"github.com/vektah/gqlparser/v2/ast"

	"consentgate/consent"
)

// personal marks a field as personal data of the given category: the
// GraphQL field carries @personal(category: ...), which the consent layer
// enforces on every path, and the field is left out of where-inputs and
// orderBy so that no filter, sort or cursor can reveal it.
func personal(c consent.Category) schema.Annotation {
	return entgql.Annotation{
		Directives: []entgql.Directive{entgql.NewDirective("personal", &ast.Argument{
			Name:  "category",
			Value: &ast.Value{Raw: string(c), Kind: ast.EnumValue},
		})},
		Skip: entgql.SkipWhereInput | entgql.SkipOrderField,
	}
}

// nonPersonal marks a field of a personal-data type as holding no personal
// data (ids, timestamps, statuses, edges). The schema test requires every
// field of such a type to be marked one way or the other.
func nonPersonal() schema.Annotation {
	return entgql.Directives(entgql.NewDirective("nonPersonal"))
}
