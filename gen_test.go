package consentgate_test

import (
	"os"
	"path/filepath"
	"testing"

	"consentgate/ent/codegen"
)

// TestGeneratedCodeIsCurrent regenerates the ent client and its GraphQL
// schema into a temporary directory and fails if the committed files
// differ: run `go generate ./...` after changing ent/schema.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	dir := t.TempDir()
	// The configuration is copied so that the committed schema files (found
	// through its schema globs) do not shape the fresh one.
	cfg, err := os.ReadFile("gqlgen.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gqlgen.yml"), cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := codegen.Generate(filepath.Join(dir, "ent"), filepath.Join(dir, "ent.graphqls"), filepath.Join(dir, "gqlgen.yml")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ committed, fresh string }{
		{"schema/ent.graphqls", filepath.Join(dir, "ent.graphqls")},
		{"ent/client.go", filepath.Join(dir, "ent", "client.go")},
		{"ent/gql_node.go", filepath.Join(dir, "ent", "gql_node.go")},
		{"ent/mutation.go", filepath.Join(dir, "ent", "mutation.go")},
		{"ent/application_query.go", filepath.Join(dir, "ent", "application_query.go")},
	} {
		want, err := os.ReadFile(f.committed)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(f.fresh)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s is out of date: run go generate ./...", f.committed)
		}
	}
}
