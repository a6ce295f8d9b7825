package e2e

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"consentgate/ent"
	"consentgate/graph"
)

// refusedCharacters are the characters no text input may hold: C0 controls
// (but tab, line feed and carriage return), DEL, C1 controls and the
// bidirectional controls.
var refusedCharacters = []rune{0x00, 0x01, 0x07, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f, 0x85, 0x9b,
	0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c}

// textInput is one place of the schema a string comes in by: a field's
// argument, or a field of an input object reached from one.
type textInput struct {
	owner     *ast.Definition // the object type of the field
	field     *ast.FieldDefinition
	arg       *ast.ArgumentDefinition
	path      []string // input object fields from the argument down, "[]" for a list
	inputType string   // the input object holding the last field, or "" for the argument itself
}

// textType reports whether values of the named type are text: String, ID
// and the custom scalars (Time, Cursor, Map), which come in as strings.
func textType(s *ast.Schema, name string) bool {
	d := s.Types[name]
	return d != nil && d.Kind == ast.Scalar && name != "Int" && name != "Float" && name != "Boolean"
}

// textInputs enumerates every text input of the schema: every text
// argument of every field, and every text field of every input object an
// argument takes, each by the first path (breadth first) that reaches it.
func textInputs(s *ast.Schema) []textInput {
	// listPath is path with one "[]" per list around t.
	listPath := func(path []string, t *ast.Type) []string {
		path = slices.Clone(path)
		for ; t.Elem != nil; t = t.Elem {
			path = append(path, "[]")
		}
		return path
	}
	type item struct {
		in  textInput
		typ *ast.Type
	}
	var inputs []textInput
	var queue []item
	enqueued := map[string]bool{} // input object types, each expanded once
	reach := func(in textInput, t *ast.Type) {
		in.path = listPath(in.path, t)
		switch d := s.Types[t.Name()]; {
		case textType(s, t.Name()):
			inputs = append(inputs, in)
		case d.Kind == ast.InputObject && !enqueued[d.Name]:
			enqueued[d.Name] = true
			queue = append(queue, item{in, t})
		}
	}
	var owners []string
	for name, d := range s.Types {
		if d.Kind == ast.Object && !strings.HasPrefix(name, "__") {
			owners = append(owners, name)
		}
	}
	slices.Sort(owners) // Mutation and Query first would not matter: each input type once, by the first owner's path
	for _, name := range owners {
		d := s.Types[name]
		for _, f := range d.Fields {
			if !strings.HasPrefix(f.Name, "__") {
				for _, a := range f.Arguments {
					reach(textInput{owner: d, field: f, arg: a}, a.Type)
				}
			}
		}
	}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		d := s.Types[it.typ.Name()]
		for _, f := range d.Fields {
			in := it.in
			in.path, in.inputType = append(slices.Clone(in.path), f.Name), d.Name
			reach(in, f.Type)
		}
	}
	return inputs
}

// selections finds, for every object type the Query type reaches through
// fields that need no argument, the fields that lead to it from the root:
// Job is [jobs edges node].
func selections(s *ast.Schema) map[string][]string {
	paths := map[string][]string{s.Query.Name: {}}
	queue := []string{s.Query.Name}
	for len(queue) > 0 {
		d := s.Types[queue[0]]
		queue = queue[1:]
		for _, f := range d.Fields {
			t := s.Types[f.Type.Name()]
			if t.Kind != ast.Object || paths[t.Name] != nil || slices.ContainsFunc(f.Arguments, func(a *ast.ArgumentDefinition) bool {
				return a.Type.NonNull && a.DefaultValue == nil
			}) {
				continue
			}
			paths[t.Name] = append(slices.Clone(paths[d.Name]), f.Name)
			queue = append(queue, t.Name)
		}
	}
	return paths
}

// sampleValue is a value of type t that coerces: every required field of
// an input object filled, one list element.
func sampleValue(s *ast.Schema, t *ast.Type) any {
	if t.Elem != nil {
		return []any{sampleValue(s, t.Elem)}
	}
	d := s.Types[t.NamedType]
	switch {
	case t.NamedType == "Int":
		return 1
	case t.NamedType == "Float":
		return 1.5
	case t.NamedType == "Boolean":
		return true
	case d.Kind == ast.Enum:
		return d.EnumValues[0].Name
	case d.Kind == ast.InputObject:
		m := map[string]any{}
		for _, f := range d.Fields {
			if f.Type.NonNull && f.DefaultValue == nil {
				m[f.Name] = sampleValue(s, f.Type)
			}
		}
		return m
	}
	return "2026-01-01T00:00:00Z" // text: a String, an ID, a Time
}

// withText returns v (a sample of t) with the text at path set to text.
func withText(s *ast.Schema, t *ast.Type, v any, path []string, text string) any {
	if len(path) == 0 {
		return text
	}
	if path[0] == "[]" {
		return []any{withText(s, t.Elem, sampleValue(s, t.Elem), path[1:], text)}
	}
	m := v.(map[string]any)
	f := s.Types[t.NamedType].Fields.ForName(path[0])
	inner, ok := m[path[0]]
	if !ok {
		inner = sampleValue(s, f.Type)
	}
	m[path[0]] = withText(s, f.Type, inner, path[1:], text)
	return m
}

// where renders the name the error must give: $v.workHistory[0].company.
func where(path []string) string {
	var b strings.Builder
	b.WriteString("$v")
	for _, p := range path {
		if p == "[]" {
			b.WriteString("[0]")
		} else {
			b.WriteString("." + p)
		}
	}
	return b.String()
}

// TestTextInputsRefuseControlCharacters: every text input of the schema
// (enumerated from it: each text argument of each field and each text
// field of each input object an argument takes) refuses control and
// bidirectional control characters with BAD_USER_INPUT naming where the
// text is, before anything runs; and the error does not echo the text.
func TestTextInputsRefuseControlCharacters(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	s := graph.NewSchema(f.client).Schema()
	inputs, reached := textInputs(s), selections(s)
	if len(inputs) < 500 {
		t.Fatalf("only %d text inputs enumerated", len(inputs))
	}
	names := map[string]bool{}
	for i, in := range inputs {
		bad := refusedCharacters[i%len(refusedCharacters)]
		text := "ok" + string(bad) + "MARKER"
		vars := map[string]any{}
		var decls, args []string
		for j, a := range in.field.Arguments {
			name := fmt.Sprintf("r%d", j)
			switch {
			case a == in.arg:
				name = "v"
				vars[name] = withText(s, a.Type, sampleValue(s, a.Type), in.path, text)
			case a.Type.NonNull && a.DefaultValue == nil:
				vars[name] = sampleValue(s, a.Type)
			default:
				continue
			}
			decls = append(decls, "$"+name+": "+a.Type.String())
			args = append(args, a.Name+": $"+name)
		}
		sel := fmt.Sprintf("%s(%s)", in.field.Name, strings.Join(args, ", "))
		if k := s.Types[in.field.Type.Name()].Kind; k != ast.Scalar && k != ast.Enum {
			sel += " { __typename }"
		}
		op := "query"
		if in.owner == s.Mutation {
			op = "mutation"
		} else {
			path, ok := reached[in.owner.Name]
			if !ok {
				t.Fatalf("%s.%s(%s) takes text, but no query without arguments reaches %s: the test does not cover it", in.owner.Name, in.field.Name, in.arg.Name, in.owner.Name)
			}
			for _, p := range slices.Backward(path) {
				sel = p + " { " + sel + " }"
			}
		}
		q := fmt.Sprintf("%s(%s) { %s }", op, strings.Join(decls, ", "), sel)
		for _, viewer := range []string{"", "admin"} {
			r := f.post(t, viewerOrAnonymous(viewer), q, vars)
			want := "invalid " + where(in.path) + ": control characters and bidirectional control characters are not allowed"
			if errorCode(r) != "BAD_USER_INPUT" || len(r.Errors) != 1 || r.Errors[0]["message"] != want || r.Data != nil ||
				strings.Contains(r.Raw, "MARKER") || r.Status >= 500 {
				t.Fatalf("%s.%s(%s) %v (%s) with U+%04X as %q: %d %s\nquery: %s", in.owner.Name, in.field.Name, in.arg.Name, in.path, in.inputType, bad, viewer, r.Status, r.Raw, q)
			}
		}
		if in.inputType == "" {
			names[in.owner.Name+"."+in.field.Name+"("+in.arg.Name+")"] = true
		} else {
			names[in.inputType+"."+strings.Join(in.path, ".")] = true
		}
	}
	t.Logf("%d text inputs refused, each as anonymous and as an admin", len(inputs))
	for _, must := range []string{"CreateApplicantInput.name", "UpdateApplicantInput.sellingPoint", "WorkHistoryEntryInput.workHistory.[].company", "CreateAccessGrantInput.justification", "Mutation.revokeOperation(reason)", "Mutation.handlePrivacyRequest(rejectionReason)", "Job.applications(after)"} {
		if !names[must] {
			t.Errorf("%s not enumerated", must)
		}
	}
	if strings.Contains(f.logs.String(), "MARKER") {
		t.Errorf("logs hold a refused text: %s", f.logs)
	}
}

// TestTextInputCharacters: each refused character is refused, in a
// variable and in a literal (of a fragment too), by the applicant's own
// profile update, and nothing is stored; ordinary text, line breaks and
// tabs included, is stored.
func TestTextInputCharacters(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		update := `mutation($in: UpdateApplicantInput!) { updateMyProfile(input: $in) { sellingPoint } }`
		for _, c := range refusedCharacters {
			for _, in := range []map[string]any{
				{"sellingPoint": "a" + string(c) + "b"},
				{"workHistory": []any{map[string]any{"company": "a" + string(c), "from": "2020-04-01T00:00:00Z", "field": "x", "employmentType": "FULL_TIME"}}},
			} {
				r := f.post(t, as("alice"), update, map[string]any{"in": in})
				if errorCode(r) != "BAD_USER_INPUT" || !strings.HasPrefix(fmt.Sprint(r.Errors[0]["message"]), "invalid $in.") {
					t.Fatalf("U+%04X in %v: %s", c, in, r.Raw)
				}
			}
			lit := fmt.Sprintf(`a\u%04X`, c) // a GraphQL escape: the parser refuses raw control characters itself
			for _, q := range []string{
				`mutation { updateMyProfile(input: {city: "` + lit + `"}) { city } }`,
				`mutation { ...F } fragment F on Mutation { updateMyProfile(input: {skills: ["x", "` + lit + `"]}) { city } }`,
			} {
				r := f.post(t, as("alice"), q, nil)
				if errorCode(r) != "BAD_USER_INPUT" || !strings.HasPrefix(fmt.Sprint(r.Errors[0]["message"]), "invalid updateMyProfile(input.") {
					t.Fatalf("U+%04X as a literal in %s: %s", c, q, r.Raw)
				}
			}
		}
		if r := f.post(t, as("alice"), `{ me { sellingPoint city skills } }`, nil); !strings.Contains(r.Raw, `"sellingPoint":"cnryalicesell","city":"cnryalicecity","skills":["cnryaliceskill"]`) {
			t.Fatalf("a refused update changed the profile: %s", r.Raw)
		}
		ok := "Line one,\tindented\r\nline two: 日本語, émigré, 👩‍💻 (a zero-width joiner), مرحبا"
		r := f.post(t, as("alice"), update, map[string]any{"in": map[string]any{"sellingPoint": ok}})
		if len(r.Errors) > 0 || dig(r.Data, "updateMyProfile", "sellingPoint") != ok {
			t.Fatalf("ordinary text: %s", r.Raw)
		}
	})
}
