package main

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"consentgate/graph"
)

// runArgs runs the command with args and an empty environment.
func runArgs(t *testing.T, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, func(string) string { return "" }, &out, &errOut)
	return out.String(), err
}

// TestHelp: -h, -help and help list every subcommand, one line each, and
// succeed.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"-help"}, {"--help"}, {"help"}} {
		out, err := runArgs(t, args...)
		if err != nil {
			t.Errorf("%v: %v", args, err)
			continue
		}
		lines := strings.Split(out, "\n")
		for _, c := range subcommands {
			n := 0
			for _, l := range lines {
				if strings.HasPrefix(l, "  "+c.name+" ") || l == "  "+c.name {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%v: %d lines for %q in:\n%s", args, n, c.name, out)
			}
		}
	}
	for _, name := range []string{"serve", "migrate", "token", "datamap", "schema", "operations", "consent", "records", "retention", "load", "version", "help"} {
		found := false
		for _, c := range subcommands {
			found = found || c.name == name
		}
		if !found {
			t.Errorf("no subcommand %q", name)
		}
	}
}

// TestDispatch: an unknown subcommand is an error, not a start; flags go
// to serve (which refuses an argument it does not know before opening
// anything); a subcommand's -h succeeds.
func TestDispatch(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string // "" for success
	}{
		{"unknown subcommand", []string{"frob"}, `unknown command "frob"`},
		{"unknown subcommand with flags", []string{"serv", "-demo"}, `unknown command "serv"`},
		{"flags belong to serve", []string{"-nosuchflag"}, "flag provided but not defined: -nosuchflag"},
		{"-demo then an argument", []string{"-demo", "frob"}, `serve: unexpected argument "frob"`},
		{"serve by name", []string{"serve", "-demo", "frob"}, `serve: unexpected argument "frob"`},
		{"serve -h", []string{"-demo", "-h"}, ""},
		{"subcommand -h", []string{"token", "-h"}, ""},
		{"version with an argument", []string{"version", "x"}, `version: unexpected argument "x"`},
		{"schema with an argument", []string{"schema", "x"}, `schema: unexpected argument "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runArgs(t, tt.args...)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("err = %v, want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestVersion: version prints the module's version and the Go version the
// binary was built with.
func TestVersion(t *testing.T) {
	out, err := runArgs(t, "version")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "consentgate ") {
		t.Errorf("first line %q, want consentgate VERSION", lines[0])
	}
	if last := lines[len(lines)-1]; last != "go "+runtime.Version() {
		t.Errorf("last line %q, want %q", last, "go "+runtime.Version())
	}
	for _, l := range lines[1 : len(lines)-1] {
		if !strings.HasPrefix(l, "vcs") {
			t.Errorf("unexpected line %q", l)
		}
	}
}

// TestSchemaCommand: schema prints SDL that loads back into the served
// schema's types and directives, @personal on the personal fields, and
// nothing of gqlgen's code generation.
func TestSchemaCommand(t *testing.T) {
	out, err := runArgs(t, "schema")
	if err != nil {
		t.Fatal(err)
	}
	loaded, gqlErr := gqlparser.LoadSchema(&ast.Source{Name: "printed", Input: out})
	if gqlErr != nil {
		t.Fatalf("the printed SDL does not load: %v", gqlErr)
	}
	served := graph.NewSchema(nil).Schema()
	for name, def := range served.Types {
		got, ok := loaded.Types[name]
		if !ok {
			t.Errorf("type %s missing", name)
			continue
		}
		if len(got.Fields) != len(def.Fields) || len(got.EnumValues) != len(def.EnumValues) {
			t.Errorf("type %s: %d fields and %d values, want %d and %d", name, len(got.Fields), len(got.EnumValues), len(def.Fields), len(def.EnumValues))
		}
	}
	for _, name := range []string{"personal", "personalBundle", "nonPersonal"} {
		if loaded.Directives[name] == nil {
			t.Errorf("directive @%s not declared", name)
		}
	}
	email := loaded.Types["Applicant"].Fields.ForName("email")
	if d := email.Directives.ForName("personal"); d == nil || d.Arguments.ForName("category").Value.Raw != "EMAIL" {
		t.Errorf("Applicant.email: directives %v, want @personal(category: EMAIL)", email.Directives)
	}
	for _, want := range []string{"type Query {", "type Mutation {", "type Applicant implements Node {"} {
		if !strings.Contains(out, "\n"+want+"\n") {
			t.Errorf("no %q", want)
		}
	}
	if strings.Contains(out, "@go") {
		t.Error("the SDL names gqlgen's directives")
	}
}
