// Package codegen generates the ent client and the GraphQL schema of the
// ent types. It runs at generation time only: from ent/entc.go through
// `go generate ./...`, and from the test that checks generated code is
// current.
//
// It must not be imported at run time.
package codegen

import (
	"errors"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"
)

// Generate runs entc with the entgql extension from the module root: the
// ent client goes to target, the GraphQL schema to graphqlPath, and the
// gqlgen configuration is read from gqlgenConfig.
func Generate(target, graphqlPath, gqlgenConfig string) error {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath(gqlgenConfig),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath(graphqlPath),
		entgql.WithWhereInputs(true),
		entgql.WithSchemaHook(NullablePersonalFields, NullableRequestSubject),
	)
	if err != nil {
		return err
	}
	return entc.Generate("./ent/schema", &gen.Config{
		Target:  target,
		Package: "consentgate/ent",
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureIntercept,
			gen.FeatureSnapshot,
			gen.FeatureGlobalID,
			gen.FeatureUpsert,
			gen.FeatureVersionedMigration,
			gen.FeatureExecQuery,
			gen.FeatureModifier,
		},
	}, entc.Extensions(ex), entc.TemplateFiles("./ent/template/subject_key.tmpl", "./ent/template/update_check.tmpl"))
}

// NullablePersonalFields makes every @personal and @personalPerValue object
// field nullable.
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
			if f.Directives.ForName("personal") != nil || f.Directives.ForName("personalPerValue") != nil {
				f.Type.NonNull = false
			}
		}
	}
	return nil
}

// NullableRequestSubject makes PrivacyRequest.applicant nullable. A request
// outlives its subject's reach: support reaches the subjects of open
// requests only, so the payload of handlePrivacyRequest closing a subject's
// last open request, or a list of closed requests, names a subject support
// no longer reaches. The field is then null, with NOT_FOUND at its path,
// and the request's own fields (its status) still answer, whatever else the
// payload selects.
func NullableRequestSubject(_ *gen.Graph, s *ast.Schema) error {
	t := s.Types["PrivacyRequest"]
	if t == nil || t.Fields.ForName("applicant") == nil {
		return errors.New("nullable request subject: no PrivacyRequest.applicant in the schema")
	}
	t.Fields.ForName("applicant").Type.NonNull = false
	return nil
}
