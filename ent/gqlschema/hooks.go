// Package gqlschema holds the hooks that shape the GraphQL schema entgql
// generates from the ent schema. It runs at generation time only.
package gqlschema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"
)

// Hooks are passed to entgql.WithSchemaHook by ent/entc.go.
var Hooks = []entgql.SchemaHook{NullablePersonalFields}

// NullablePersonalFields makes every @personal object field nullable.
//
// The consent layer hides a field by resolving it to null; a non-null field
// would instead null its whole parent object (and that parent's parent),
// wiping out data the viewer may see. The model keeps its own rules on which
// values are required: this only changes what the API may answer.
func NullablePersonalFields(_ *gen.Graph, s *ast.Schema) error {
	for _, t := range s.Types {
		if t.Kind != ast.Object {
			continue
		}
		for _, f := range t.Fields {
			if f.Directives.ForName("personal") != nil {
				f.Type.NonNull = false
			}
		}
	}
	return nil
}
