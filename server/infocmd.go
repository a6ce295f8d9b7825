package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"consentgate/graph"
)

// schemaCommand prints the SDL of the schema the gateway serves (types and
// directives sorted by name, built-ins left out): what a client generator
// or a schema registry reads, without a running gateway or a database.
// gqlgen's own directives (@goModel and the like, which name Go types) are
// left out: they configure code generation, and no client sees them.
func schemaCommand(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("schema: unexpected argument %q", args[0])
	}
	served := graph.NewSchema(nil).Schema()
	formatter.NewFormatter(stdout, formatter.WithIndent("  ")).FormatSchema(withoutGqlgenDirectives(served))
	return nil
}

// gqlgenDirectives are the directives gqlgen reads at generation time.
var gqlgenDirectives = map[string]bool{"goModel": true, "goField": true, "goTag": true, "goExtraField": true, "goEnum": true}

// withoutGqlgenDirectives returns a copy of s without gqlgen's directives,
// neither declared nor applied; s itself (the generated code's) is left
// as it is.
func withoutGqlgenDirectives(s *ast.Schema) *ast.Schema {
	keep := func(list ast.DirectiveList) ast.DirectiveList {
		var kept ast.DirectiveList
		for _, d := range list {
			if !gqlgenDirectives[d.Name] {
				kept = append(kept, d)
			}
		}
		return kept
	}
	out := *s
	out.Directives = map[string]*ast.DirectiveDefinition{}
	for name, d := range s.Directives {
		if !gqlgenDirectives[name] {
			out.Directives[name] = d
		}
	}
	out.Types = map[string]*ast.Definition{}
	for name, def := range s.Types {
		d := *def
		d.Directives = keep(def.Directives)
		d.Fields = make(ast.FieldList, len(def.Fields))
		for i, f := range def.Fields {
			c := *f
			c.Directives = keep(f.Directives)
			d.Fields[i] = &c
		}
		d.EnumValues = make(ast.EnumValueList, len(def.EnumValues))
		for i, v := range def.EnumValues {
			c := *v
			c.Directives = keep(v.Directives)
			d.EnumValues[i] = &c
		}
		out.Types[name] = &d
	}
	return &out
}

// versionCommand prints what the binary was built from: the module's
// version, the VCS revision, its time and whether the tree had changes
// (when go build recorded them), and the Go version.
func versionCommand(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return fmt.Errorf("version: unexpected argument %q", args[0])
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return errors.New("version: the binary carries no build information")
	}
	version := info.Main.Version
	if version == "" {
		version = "(devel)"
	}
	fmt.Fprintf(stdout, "consentgate %s\n", version)
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs", "vcs.revision", "vcs.time", "vcs.modified":
			fmt.Fprintf(stdout, "%s %s\n", s.Key, s.Value)
		}
	}
	_, err := fmt.Fprintf(stdout, "go %s\n", info.GoVersion)
	return err
}
