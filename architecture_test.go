package consentgate_test

import (
	"go/ast"
	"go/parser"
	"go/token"
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
			if sel.Sel.Name == "Role" || sel.Sel.Name == "ApprovedOperationsOnly" {
				t.Errorf("%s reads a viewer's role (.%s)", name, sel.Sel.Name)
			}
			return true
		})
	}
}
