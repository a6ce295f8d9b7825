//go:build ignore

// entc.go generates the ent client and the GraphQL schema of the ent types
// (schema/ent.graphqls). Run through `go generate ./...` from the module root.
package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"

	"consentgate/ent/gqlschema"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./schema/ent.graphqls"),
		entgql.WithWhereInputs(true),
		entgql.WithSchemaHook(gqlschema.Hooks...),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:  "./ent",
		Package: "consentgate/ent",
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureIntercept,
			gen.FeatureSnapshot,
			gen.FeatureGlobalID,
		},
	}, entc.Extensions(ex), entc.TemplateFiles("./ent/template/keep_selected.tmpl"))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}
