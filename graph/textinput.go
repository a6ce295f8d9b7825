package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Text inputs. Every string a request brings in (a profile's text, an
// answer, a reason, a name, a filter, an id, a cursor), whether a literal in
// the document or a variable's value, at any depth of an input object or
// list, is refused when it holds a control character or a bidirectional
// control character: a NUL or an escape sequence would reach logs,
// exports and terminals, and a right-to-left override (U+202E) makes text
// read otherwise than it is stored. Tab, line feed and carriage return are
// kept: profile texts and GraphQL documents have lines.
//
// The check is one extension over the whole operation, before any resolver
// runs, rather than a validator per ent field: it covers every input of the
// schema (the generated ones, the hand-written ones, the filters, the JSON
// lists of an applicant, a privacy request's proposed changes) and any
// input added later, without a list to keep.

// textInputs is the extension that refuses such input.
type textInputs struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = textInputs{}

func (textInputs) ExtensionName() string                   { return "TextInputs" }
func (textInputs) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext checks the operation's variables and the literal
// arguments of its fields and directives (fragments included), and refuses
// the operation at the first string that does not pass, naming where it is
// (`$in.workHistory[0].company`, `updateMyProfile(input.city)`), never the
// value.
func (textInputs) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	names := make([]string, 0, len(oc.Variables))
	for name := range oc.Variables {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if at, bad := badText(oc.Variables[name], "$"+name); bad {
			return textInputError(at)
		}
	}
	if oc.Operation == nil {
		return nil
	}
	seen := map[string]bool{}
	var walk func(ast.SelectionSet) string
	walk = func(set ast.SelectionSet) string {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				if at := literalArgs(s.Name, s.Arguments, s.Directives); at != "" {
					return at
				}
				if at := walk(s.SelectionSet); at != "" {
					return at
				}
			case *ast.InlineFragment:
				if at := literalArgs("", nil, s.Directives); at != "" {
					return at
				}
				if at := walk(s.SelectionSet); at != "" {
					return at
				}
			case *ast.FragmentSpread:
				if at := literalArgs("", nil, s.Directives); at != "" {
					return at
				}
				if s.Definition != nil && !seen[s.Name] {
					seen[s.Name] = true
					if at := walk(s.Definition.SelectionSet); at != "" {
						return at
					}
				}
			}
		}
		return ""
	}
	if at := literalArgs("", nil, oc.Operation.Directives); at != "" {
		return textInputError(at)
	}
	if at := walk(oc.Operation.SelectionSet); at != "" {
		return textInputError(at)
	}
	return nil
}

// literalArgs checks the literal values of a field's arguments and of
// directives' arguments, and returns where the first bad string is.
func literalArgs(field string, args ast.ArgumentList, dirs ast.DirectiveList) string {
	check := func(owner string, args ast.ArgumentList) string {
		for _, a := range args {
			if at := badLiteral(a.Value, a.Name); at != "" {
				return owner + "(" + at + ")"
			}
		}
		return ""
	}
	if at := check(field, args); at != "" {
		return at
	}
	for _, d := range dirs {
		if at := check("@"+d.Name, d.Arguments); at != "" {
			return at
		}
	}
	return ""
}

// badLiteral returns where in the literal v (at path) the first bad string
// is, or "". Variables are checked from their values.
func badLiteral(v *ast.Value, path string) string {
	if v == nil {
		return ""
	}
	switch v.Kind {
	case ast.StringValue, ast.BlockValue:
		if !acceptableText(v.Raw) {
			return path
		}
	case ast.ListValue:
		for i, c := range v.Children {
			if at := badLiteral(c.Value, fmt.Sprintf("%s[%d]", path, i)); at != "" {
				return at
			}
		}
	case ast.ObjectValue:
		for _, c := range v.Children {
			if at := badLiteral(c.Value, path+"."+c.Name); at != "" {
				return at
			}
		}
	}
	return ""
}

// badText walks a variable's coerced JSON value and reports where the first
// bad string is.
func badText(v any, path string) (string, bool) {
	switch x := v.(type) {
	case string:
		return path, !acceptableText(x)
	case []any:
		for i, e := range x {
			if at, bad := badText(e, fmt.Sprintf("%s[%d]", path, i)); bad {
				return at, true
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			// A key is text too (a Map scalar's).
			if !acceptableText(k) {
				return path, true
			}
			if at, bad := badText(x[k], path+"."+k); bad {
				return at, true
			}
		}
	}
	return "", false
}

// acceptableText reports whether s is valid UTF-8 without a control
// character (C0 but tab, line feed and carriage return; DEL; C1) or a
// bidirectional control character (the embeddings and overrides U+202A to
// U+202E, the isolates U+2066 to U+2069, the marks U+200E, U+200F and
// U+061C).
func acceptableText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	return !strings.ContainsFunc(s, refusedRune)
}

func refusedRune(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\r':
		return false
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// textInputRule is the rule a text input broke.
const textInputRule = "control characters and bidirectional control characters are not allowed"

func textInputError(at string) *gqlerror.Error {
	return &gqlerror.Error{Message: "invalid " + at + ": " + textInputRule,
		Extensions: map[string]any{"code": "BAD_USER_INPUT", "field": at}}
}
