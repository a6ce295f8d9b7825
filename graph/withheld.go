package graph

import (
	"slices"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"consentgate/consent"
)

// withheldObject lists the fields withheld from one object, by response
// key (alias), with the reason.
type withheldObject struct {
	Path   ast.Path                  `json:"path"`
	Fields map[string]consent.Reason `json:"fields"`
}

// MarshalJSON writes {"path":[...],"fields":{...}} with the fields in key
// order, without reflection: a page of 100 objects carries 100 of these.
// Path names, aliases and reasons are GraphQL names (ASCII letters, digits
// and underscores), so they need no escaping.
func (o *withheldObject) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(o.Fields))
	for k := range o.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b := make([]byte, 0, 32+16*len(o.Path)+40*len(keys))
	b = append(b, `{"path":[`...)
	for i, e := range o.Path {
		if i > 0 {
			b = append(b, ',')
		}
		switch e := e.(type) {
		case ast.PathIndex:
			b = strconv.AppendInt(b, int64(e), 10)
		case ast.PathName:
			b = append(append(append(b, '"'), e...), '"')
		}
	}
	b = append(b, `],"fields":{`...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(append(append(b, '"'), k...), `":"`...)
		b = append(append(b, o.Fields[k]...), '"')
	}
	return append(b, "}}"...), nil
}

// withhold notes that the field of fc resolved to null, and why, under
// its object's entry in extensions.withheld (by response key).
func (st *requestState) withhold(fc *graphql.FieldContext, r consent.Reason) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.withheld == nil {
		st.withheld = map[*graphql.FieldContext]*withheldObject{}
	}
	o := st.withheld[fc.Parent]
	if o == nil {
		o = &withheldObject{Path: fc.Parent.Path(), Fields: map[string]consent.Reason{}}
		st.withheld[fc.Parent] = o
	}
	o.Fields[fc.Field.Alias] = r
}

// withheldJSON returns the withheld objects in response order (by path),
// so that the same data always gives the same bytes.
func (st *requestState) withheldJSON() []*withheldObject {
	st.mu.Lock()
	defer st.mu.Unlock()
	if len(st.withheld) == 0 {
		return nil
	}
	out := make([]*withheldObject, 0, len(st.withheld))
	for _, o := range st.withheld {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b *withheldObject) int { return comparePaths(a.Path, b.Path) })
	return out
}

// comparePaths orders response paths: element by element, indexes by
// number, names by text, an index before a name, a prefix first.
func comparePaths(a, b ast.Path) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := comparePathElems(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

func comparePathElems(a, b ast.PathElement) int {
	ai, aIdx := a.(ast.PathIndex)
	bi, bIdx := b.(ast.PathIndex)
	switch {
	case aIdx && bIdx:
		return int(ai) - int(bi)
	case aIdx:
		return -1
	case bIdx:
		return 1
	}
	an, _ := a.(ast.PathName)
	bn, _ := b.(ast.PathName)
	return strings.Compare(string(an), string(bn))
}
