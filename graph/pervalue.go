package graph

import (
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"consentgate/consent"
	"consentgate/ent"
)

// A @personalPerValue field holds personal data whose category depends on
// the value: the object that holds it names the category of each of its
// values, among the ones the schema lists (a work history entry's company
// is WORK_HISTORY for a past job and WORKPLACE while current; an answer is
// of its question's approved category). The field guard then decides the
// value as a @personal field of that category, so that no value the viewer
// may not see in one field comes out through another.

// PerValue is one @personalPerValue field: "Type.field", the categories
// its values may have and the rule that picks one, as the schema says.
type PerValue struct {
	Field      string
	Categories []consent.Category
	Rule       string
}

// PerValueFields returns every @personalPerValue field of s, sorted by
// name. An unknown category name is kept as it is: the engine hides it.
func PerValueFields(s *ast.Schema) []PerValue {
	var out []PerValue
	for _, t := range s.Types {
		for _, f := range t.Fields {
			if pv, ok := perValueOf(f); ok {
				pv.Field = t.Name + "." + f.Name
				out = append(out, pv)
			}
		}
	}
	slices.SortFunc(out, func(a, b PerValue) int {
		switch {
		case a.Field < b.Field:
			return -1
		case a.Field > b.Field:
			return 1
		}
		return 0
	})
	return out
}

// perValueOf reads a field's @personalPerValue directive.
func perValueOf(f *ast.FieldDefinition) (PerValue, bool) {
	d := f.Directives.ForName("personalPerValue")
	if d == nil {
		return PerValue{}, false
	}
	pv := PerValue{Categories: []consent.Category{}}
	if a := d.Arguments.ForName("categories"); a != nil && a.Value != nil {
		for _, c := range a.Value.Children {
			pv.Categories = append(pv.Categories, consent.Category(c.Value.Raw))
		}
	}
	if a := d.Arguments.ForName("rule"); a != nil && a.Value != nil {
		pv.Rule = a.Value.Raw
	}
	return pv, true
}

// Categorized is a value that names the category of one of its
// @personalPerValue fields.
type Categorized interface {
	PersonalCategory(field string) consent.Category
}

// valueCategory returns the category the object holding the field of fc
// names for it, if the object names one and the schema allows it.
func valueCategory(fc *graphql.FieldContext, allowed []consent.Category) (consent.Category, bool) {
	if fc.Parent == nil {
		return "", false
	}
	var c consent.Category
	switch obj := deref(fc.Parent.Result).(type) {
	case *ent.Answer: // the category its question was approved with
		if obj == nil {
			return "", false
		}
		c = consent.Category(obj.Category)
	case Categorized:
		c = obj.PersonalCategory(fc.Field.Name)
	default:
		return "", false
	}
	return c, c.Index() >= 0 && slices.Contains(allowed, c)
}
