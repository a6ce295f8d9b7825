package consentgate_test

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// parseDir parses the non-test Go files of dir.
func parseDir(t *testing.T, dir string, mode parser.Mode) map[string]*ast.File {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*ast.File{}
	fset := token.NewFileSet()
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, mode)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = f
	}
	if len(files) == 0 {
		t.Fatalf("no Go file in %s", dir)
	}
	return files
}

// TestConsentImportsNothingOfTheProject: the consent engine is plain Go
// (no GraphQL, no SQL, nothing of the project), so that it stays the
// smallest and most read package (DESIGN.md, "Shape of the code").
func TestConsentImportsNothingOfTheProject(t *testing.T) {
	for name, f := range parseDir(t, "consent", parser.ImportsOnly) {
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if strings.HasPrefix(path, "consentgate") || strings.Contains(path, "gqlgen") ||
				strings.Contains(path, "gqlparser") || strings.Contains(path, "entgo.io") || path == "database/sql" {
				t.Errorf("%s imports %s", name, path)
			}
		}
	}
}

// roleNames are the consent package's role constants.
var roleNames = map[string]bool{"Anonymous": true, "Applicant": true, "Employer": true, "Support": true,
	"Marketing": true, "Analyst": true, "Compliance": true, "Admin": true}

// TestResolversCheckNoRole: authorization lives in the named enforcement
// points (ent/rule, the field guard, the operations gate), never in a
// resolver: no resolver file reads a viewer's role or names one.
func TestResolversCheckNoRole(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("graph", "*.resolvers.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no resolver files: %v", err)
	}
	for name, f := range parseDir(t, "graph", parser.SkipObjectResolution) {
		if !strings.HasSuffix(name, ".resolvers.go") {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "consent" && roleNames[sel.Sel.Name] {
				t.Errorf("%s names the role consent.%s", name, sel.Sel.Name)
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "model" {
				return true // the GraphQL enum model.Role, a type, reads nothing
			}
			if sel.Sel.Name == "Role" || sel.Sel.Name == "ApprovedOperationsOnly" {
				t.Errorf("%s reads a viewer's role (.%s)", name, sel.Sel.Name)
			}
			return true
		})
	}
}

// TestLayers: each package imports only the layers below it, as their doc
// comments say: the gateway is imported by the command and the jobs built
// around it, never the other way, and the command (server/) is imported by
// nothing.
func TestLayers(t *testing.T) {
	forbidden := map[string][]string{
		"gateway": {"consentgate/server", "consentgate/demo", "consentgate/load", "consentgate/e2e"},
		"graph":   {"consentgate/gateway", "consentgate/server", "consentgate/demo", "consentgate/load"},
		"demo":    {"consentgate/gateway", "consentgate/server"},
		"load":    {"consentgate/gateway", "consentgate/server", "consentgate/demo"},
		"datamap": {"consentgate/gateway", "consentgate/server"},
		// the pages reach data through the public API alone
		"gateway/pages": {"consentgate/graph", "consentgate/ent", "consentgate/gateway", "consentgate/server", "consentgate/requests", "consentgate/ledger"},
		"ledger":        {"consentgate/graph", "consentgate/gateway", "consentgate/server"},
		"requests":      {"consentgate/graph", "consentgate/gateway", "consentgate/server"},
		"ent/rule":      {"consentgate/graph", "consentgate/gateway", "consentgate/server"},
		"records":       {"consentgate/graph", "consentgate/gateway", "consentgate/server"},
		"retention":     {"consentgate/graph", "consentgate/gateway", "consentgate/server"},
	}
	for dir, paths := range forbidden {
		for name, f := range parseDir(t, dir, parser.ImportsOnly) {
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				for _, p := range paths {
					if path == p || strings.HasPrefix(path, p+"/") {
						t.Errorf("%s imports %s", name, path)
					}
				}
			}
		}
	}
}

// TestFileSizes: no hand-written Go file (tests aside) is over 500 lines,
// and none of the command's (server/) over 300: a file that grows past
// them holds more than one job.
func TestFileSizes(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(src[:min(len(src), 500)], []byte("// Code generated")) {
			return nil
		}
		limit := 500
		if strings.HasPrefix(path, "server/") {
			limit = 300
		}
		if n := bytes.Count(src, []byte("\n")); n > limit {
			t.Errorf("%s has %d lines, more than %d", path, n, limit)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
