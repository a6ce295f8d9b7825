package graph

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/schema/schematype"
)

// personalTypes are the types that hold an applicant's personal data. The
// walk below also finds any other type with a @personal or @personalBundle
// field.
var personalTypes = []string{"Applicant", "Application", "Answer", "WorkHistoryEntry", "Qualification", "EmergencyContact", "PrivacyRequest", "SealedIdentity"}

// TestEveryFieldOfPersonalTypesIsClassified walks the schema: every field
// of a type that holds personal data names a known category with
// @personal, holds data of every category (@personalBundle) or is marked
// @nonPersonal, and no field is more than one of these.
func TestEveryFieldOfPersonalTypesIsClassified(t *testing.T) {
	s := NewSchema(&ent.Client{}).Schema()
	for _, name := range personalTypes {
		if s.Types[name] == nil {
			t.Errorf("type %s is missing from the schema", name)
		}
	}
	for _, typ := range s.Types {
		if typ.Kind != ast.Object || (!slices.Contains(personalTypes, typ.Name) && !hasPersonalField(typ)) {
			continue
		}
		if !slices.Contains(personalTypes, typ.Name) {
			t.Errorf("type %s has personal fields: add it to personalTypes", typ.Name)
		}
		for _, f := range typ.Fields {
			if f.Name == "__typename" {
				continue
			}
			p, np, b := f.Directives.ForName("personal"), f.Directives.ForName("nonPersonal"), f.Directives.ForName("personalBundle")
			v, ts := f.Directives.ForName("personalPerValue"), f.Directives.ForName("personalTimestamp")
			marks := 0
			for _, d := range []*ast.Directive{p, np, b, v, ts} {
				if d != nil {
					marks++
				}
			}
			switch {
			case marks == 0:
				t.Errorf("%s.%s has neither @personal(category:), @personalPerValue, @personalBundle, @personalTimestamp nor @nonPersonal", typ.Name, f.Name)
			case marks > 1:
				t.Errorf("%s.%s is marked more than one of personal, per value, bundle, timestamp and non-personal", typ.Name, f.Name)
			case (b != nil || ts != nil) && f.Type.NonNull:
				t.Errorf("%s.%s is a personal bundle or timestamp and non-null: hiding it would null its parent", typ.Name, f.Name)
			case v != nil:
				pv, _ := perValueOf(f)
				if len(pv.Categories) < 2 || pv.Rule == "" {
					t.Errorf("%s.%s: @personalPerValue needs two categories or more and a rule", typ.Name, f.Name)
				}
				for _, c := range pv.Categories {
					if _, err := consent.ParseCategory(string(c)); err != nil {
						t.Errorf("%s.%s: %v", typ.Name, f.Name, err)
					}
				}
				if f.Type.NonNull {
					t.Errorf("%s.%s is personal and non-null: hiding it would null its parent", typ.Name, f.Name)
				}
			case p != nil:
				c := p.Arguments.ForName("category")
				if c == nil {
					t.Errorf("%s.%s: @personal without a category", typ.Name, f.Name)
				} else if _, err := consent.ParseCategory(c.Value.Raw); err != nil {
					t.Errorf("%s.%s: %v", typ.Name, f.Name, err)
				}
				if f.Type.NonNull {
					t.Errorf("%s.%s is personal and non-null: hiding it would null its parent", typ.Name, f.Name)
				}
			}
		}
	}
}

func hasPersonalField(t *ast.Definition) bool {
	for _, f := range t.Fields {
		if f.Directives.ForName("personal") != nil || f.Directives.ForName("personalBundle") != nil ||
			f.Directives.ForName("personalPerValue") != nil || f.Directives.ForName("personalTimestamp") != nil {
			return true
		}
	}
	return false
}

// TestCategoryEnumMatchesEngine keeps the schema's Category enum and the
// engine's categories the same set.
func TestCategoryEnumMatchesEngine(t *testing.T) {
	s := NewSchema(&ent.Client{}).Schema()
	var got []string
	for _, v := range s.Types["Category"].EnumValues {
		got = append(got, v.Name)
	}
	want := consent.Category("").Values()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("Category enum = %v, engine = %v", got, want)
	}
}

// TestEveryCategoryIsUsed checks that the schema names each category on at
// least one field, so the map from DESIGN.md is complete.
func TestEveryCategoryIsUsed(t *testing.T) {
	used := map[consent.Category]bool{}
	for _, c := range Categories(NewSchema(&ent.Client{}).Schema()) {
		used[c] = true
	}
	for _, c := range consent.Categories {
		if !used[c] {
			t.Errorf("no field has category %s", c)
		}
	}
}

// TestPersonalFieldsAreNotFilterableOrSortable checks that no where-input
// field or orderBy value names a personal field (per value, or a
// timestamp that moves with personal fields, included).
func TestPersonalFieldsAreNotFilterableOrSortable(t *testing.T) {
	s := NewSchema(&ent.Client{}).Schema()
	cats := Categories(s)
	keys := slices.Collect(maps.Keys(cats))
	keys = append(keys, Timestamps(s)...)
	for _, pv := range PerValueFields(s) {
		keys = append(keys, pv.Field)
	}
	for _, key := range keys {
		typ, field, _ := cut(key)
		if w := s.Types[typ+"WhereInput"]; w != nil {
			for _, f := range w.Fields {
				if f.Name == field || len(f.Name) > len(field) && f.Name[:len(field)] == field && isPredicateSuffix(f.Name[len(field):]) {
					t.Errorf("%sWhereInput.%s filters on personal field %s", typ, f.Name, key)
				}
			}
		}
	}
	for _, typ := range s.Types {
		if typ.Kind == ast.Enum && len(typ.Name) > 10 && typ.Name[len(typ.Name)-10:] == "OrderField" {
			for _, v := range typ.EnumValues {
				switch v.Name {
				case "CREATED_AT", "UPDATED_AT", "TITLE", "STATUS", "DUE_AT", "AT":
				default:
					t.Errorf("%s.%s: order fields are limited to non-personal ones", typ.Name, v.Name)
				}
				if owner := strings.TrimSuffix(typ.Name, "OrderField"); v.Name == "UPDATED_AT" && slices.Contains(personalTypes, owner) {
					t.Errorf("%s.%s: a personal type's update time moves with hidden fields", typ.Name, v.Name)
				}
			}
		}
	}
}

func cut(key string) (string, string, bool) {
	for i := range key {
		if key[i] == '.' {
			return key[:i], key[i+1:], true
		}
	}
	return key, "", false
}

func isPredicateSuffix(s string) bool {
	return slices.Contains([]string{"NEQ", "In", "NotIn", "GT", "GTE", "LT", "LTE", "Contains", "HasPrefix",
		"HasSuffix", "EqualFold", "ContainsFold", "IsNil", "NotNil"}, s)
}

// TestDimensionFields: each personal dimension of a statistic names a
// personal field of the schema whose category is the dimension's.
func TestDimensionFields(t *testing.T) {
	cats := Categories(NewSchema(&ent.Client{}).Schema())
	for _, d := range consent.Dimensions {
		field, ok := DimensionField(d)
		if d.Category() == "" {
			if ok {
				t.Errorf("%s is service data but names %s", d, field)
			}
			continue
		}
		if cats[field] != d.Category() {
			t.Errorf("%s: field %q has category %q, want %s", d, field, cats[field], d.Category())
		}
	}
}

// TestPerValueCategories: each @personalPerValue field's Go type names, for
// it, one of the categories the schema lists, by the stated rule: a work
// history entry's company is WORKPLACE while current, WORK_HISTORY once
// it has ended.
func TestPerValueCategories(t *testing.T) {
	fields := PerValueFields(NewSchema(&ent.Client{}).Schema())
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Field
	}
	if !slices.Contains(names, "WorkHistoryEntry.company") || !slices.Contains(names, "Answer.text") {
		t.Fatalf("per-value fields %v lack WorkHistoryEntry.company or Answer.text", names)
	}
	// An answer may be of any category a question may be approved with:
	// those §5(1) provides to employers, and no other.
	for _, f := range fields {
		if f.Field != "Answer.text" {
			continue
		}
		for _, c := range consent.Categories {
			if slices.Contains(f.Categories, c) != c.ProvidableToEmployers() {
				t.Errorf("Answer.text may be %s: %v", c, slices.Contains(f.Categories, c))
			}
		}
	}
	ended := time.Date(2022, 3, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		entry schematype.WorkHistoryEntry
		field string
		want  consent.Category
	}{
		{schematype.WorkHistoryEntry{Company: "Acme"}, "company", consent.Workplace},
		{schematype.WorkHistoryEntry{Company: "Acme", To: &ended}, "company", consent.WorkHistory},
		{schematype.WorkHistoryEntry{Company: "Acme"}, "field", consent.WorkHistory},
	} {
		if got := c.entry.PersonalCategory(c.field); got != c.want {
			t.Errorf("%+v.%s: %s, want %s", c.entry, c.field, got, c.want)
		}
	}
}

// fixedTimestamps are the timestamps of personal types that a viewer who
// is not the subject may see: each moves with nothing it may not see.
var fixedTimestamps = map[string]string{
	"Applicant.createdAt":         "set once, when the profile is created",
	"Applicant.erasedAt":          "set once, when a deletion request completes: the erasure the request asked for, no value",
	"Application.createdAt":       "set once, when the applicant applies",
	"Application.statusChangedAt": "moves with the status only, which is not personal",
	"PrivacyRequest.createdAt":    "set once, when the request is filed",
	"PrivacyRequest.dueAt":        "set once: the filing time plus the due period",
	"PrivacyRequest.completedAt":  "set once, with the status COMPLETED",
	"SealedIdentity.sealedAt":     "set once, when the erasure sealed the identity",
	"SealedIdentity.purgeAfter":   "set once, when sealed: the latest record's time plus the legal period",
}

// TestTimestampsOfPersonalTypes: every timestamp (Time) field of a type
// that holds personal data is a personal value (@personal,
// @personalPerValue), released only to a viewer that sees every category
// (@personalTimestamp: an update time, which moves with hidden fields too),
// or one of fixedTimestamps, which move with nothing personal; the
// update time of each is a @personalTimestamp.
func TestTimestampsOfPersonalTypes(t *testing.T) {
	s := NewSchema(&ent.Client{}).Schema()
	seen := map[string]bool{}
	for _, name := range personalTypes {
		for _, f := range s.Types[name].Fields {
			if f.Type.Name() != "Time" {
				continue
			}
			key := name + "." + f.Name
			seen[key] = true
			personal := f.Directives.ForName("personal") != nil || f.Directives.ForName("personalPerValue") != nil
			timestamp := f.Directives.ForName("personalTimestamp") != nil
			_, fixed := fixedTimestamps[key]
			switch {
			case f.Name == "updatedAt" && !timestamp:
				t.Errorf("%s: an update time moves with every field: it must be @personalTimestamp", key)
			case !personal && !timestamp && !fixed:
				t.Errorf("%s: a timestamp of a personal type that is neither personal, a @personalTimestamp nor fixed (fixedTimestamps)", key)
			case fixed && (personal || timestamp):
				t.Errorf("%s is listed as fixed and marked personal", key)
			}
		}
	}
	for key := range fixedTimestamps {
		if !seen[key] {
			t.Errorf("fixedTimestamps lists %s, which is no timestamp of the schema", key)
		}
	}
	for _, typ := range []string{"Applicant", "Application", "PrivacyRequest"} {
		if !slices.Contains(Timestamps(s), typ+".updatedAt") {
			t.Errorf("%s.updatedAt is not a @personalTimestamp", typ)
		}
	}
}
