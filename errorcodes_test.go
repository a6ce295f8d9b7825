package consentgate_test

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/errcode"
)

// TestErrorCodesDocumented: the README's table of error codes ("Error
// codes", under API) lists every code the gateway returns, and nothing
// else. The codes are read from the Go sources: the value of a "code" key,
// the code given to errorBody, a constant named Code…, and what a
// function whose first result is named code returns; and gqlgen's own
// parse and validation codes, which pass through the error presenter.
func TestErrorCodesDocumented(t *testing.T) {
	documented := readmeErrorCodes(t)
	returned := sourceErrorCodes(t)
	returned[errcode.ParseFailed] = "gqlgen's parser"
	returned[errcode.ValidationFailed] = "gqlgen's validator"

	for _, code := range []string{"UNAUTHENTICATED", "OPERATION_EXISTS", "RATE_LIMITED", "QUERY_TOO_COMPLEX", "INTERNAL", "CONFLICT"} {
		if returned[code] == "" {
			t.Errorf("the sources were not read right: %s not found", code)
		}
	}
	for code, where := range returned {
		if _, ok := documented[code]; !ok {
			t.Errorf("%s (%s) is not in the README's table of error codes", code, where)
		}
	}
	for code, row := range documented {
		if returned[code] == "" {
			t.Errorf("the README lists %s, which nothing returns", code)
		}
		if len(row) != 3 || slices.Contains(row, "") {
			t.Errorf("%s: want an HTTP status, whether it is retryable and a meaning, got %q", code, row)
		}
	}
}

// readmeErrorCodes returns the rows of the README's table of error codes:
// code → its other cells.
func readmeErrorCodes(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open("README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string][]string{}
	row := regexp.MustCompile("^\\| `([A-Z_]+)` \\|(.*)\\|$")
	section, table := false, false
	for lines := bufio.NewScanner(f); lines.Scan(); {
		line := lines.Text()
		switch {
		case strings.HasPrefix(line, "#"):
			if table {
				return rows
			}
			section = line == "### Error codes"
		case section && strings.HasPrefix(line, "|"):
			table = true
			m := row.FindStringSubmatch(line)
			if m == nil {
				continue // the header and its rule
			}
			if _, dup := rows[m[1]]; dup {
				t.Errorf("README: %s listed twice", m[1])
			}
			cells := strings.Split(m[2], " | ")
			for i := range cells {
				cells[i] = strings.TrimSpace(cells[i])
			}
			rows[m[1]] = cells
		case table:
			return rows
		}
	}
	if len(rows) == 0 {
		t.Fatal(`README.md has no table under "### Error codes"`)
	}
	return rows
}

// sourceErrorCodes returns the error codes the hand-written Go sources
// return, each with a file that does.
func sourceErrorCodes(t *testing.T) map[string]string {
	t.Helper()
	type use struct {
		file string
		expr ast.Expr
	}
	var uses []use
	consts := map[string]string{} // constant name → its string value, any package
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil || bytes.Contains(src[:min(len(src), 500)], []byte("// Code generated")) {
			return err
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if i < len(n.Values) {
						if s, ok := stringLit(n.Values[i]); ok {
							consts[name.Name] = s
						}
						if strings.HasPrefix(name.Name, "Code") {
							uses = append(uses, use{path, n.Values[i]})
						}
					}
				}
			case *ast.KeyValueExpr:
				if k, ok := stringLit(n.Key); ok && k == "code" {
					uses = append(uses, use{path, n.Value})
				}
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "errorBody" && len(n.Args) == 2 {
					uses = append(uses, use{path, n.Args[1]})
				}
			case *ast.FuncDecl:
				results := n.Type.Results
				if n.Body == nil || results == nil || len(results.List[0].Names) == 0 || results.List[0].Names[0].Name != "code" {
					return true
				}
				ast.Inspect(n.Body, func(m ast.Node) bool {
					if ret, ok := m.(*ast.ReturnStmt); ok && len(ret.Results) > 0 {
						uses = append(uses, use{path, ret.Results[0]})
					}
					return true
				})
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	for _, u := range uses {
		code, ok := stringLit(u.expr)
		switch e := u.expr.(type) {
		case *ast.Ident:
			code, ok = consts[e.Name]
		case *ast.SelectorExpr:
			code, ok = consts[e.Sel.Name]
		}
		if ok && regexp.MustCompile(`^[A-Z][A-Z_]+$`).MatchString(code) {
			codes[code] = u.file
		}
	}
	return codes
}

// stringLit returns the value of a string literal.
func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}
