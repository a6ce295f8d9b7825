package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Defaults of Limits.
const (
	DefaultMaxDepth      = 12
	DefaultMaxAliases    = 15
	DefaultMaxDirectives = 20
	DefaultMaxTokens     = 5000
	DefaultMaxComplexity = 5000
)

// Limits bound an operation's shape; zero fields take the defaults.
type Limits struct {
	MaxDepth      int // default 12; Relay `edges` and `node` levels do not count, so `applicants { edges { node { applications { edges { node { job { title } } } } } } }` has depth 4
	MaxAliases    int // default 15: fields whose alias differs from their name, counted over the whole operation including fragments
	MaxDirectives int // default 20: directive uses in the operation (including fragments)
	MaxTokens     int // default 5000: gqlparser's token limit, for SetParserTokenLimit
	MaxComplexity int // default 5000: each field costs 1; a connection field (type name ending in "Connection") multiplies its children's cost by its `first` or `last` argument (literal or variable; default 20 — graph.DefaultPageSize — when neither is given)
}

// WithDefaults returns l with zero fields set to the defaults. A negative
// field is taken as zero: a limit cannot be switched off.
func (l Limits) WithDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxAliases, DefaultMaxAliases)
	def(&l.MaxDirectives, DefaultMaxDirectives)
	def(&l.MaxTokens, DefaultMaxTokens)
	def(&l.MaxComplexity, DefaultMaxComplexity)
	return l
}

// Install adds the limits to srv: the token limit via
// srv.SetParserTokenLimit, and one extension that walks the parsed,
// validated operation and refuses it before execution with a
// *gqlerror.Error whose message names the limit and the numbers, and whose
// extensions are {"code": "QUERY_TOO_COMPLEX", "limit":
// "depth"|"aliases"|"directives"|"complexity"}. The message never echoes
// anything from the query but counts. Zero fields take the defaults.
//
// Introspection (__schema, __type) is exempt from the depth limit only.
// Fragments are counted as expanded: a fragment spread twice counts twice
// (each fragment is walked once and its totals reused, so the walk stays
// linear in the document's size).
func (l Limits) Install(srv *handler.Server) {
	l = l.WithDefaults()
	srv.SetParserTokenLimit(l.MaxTokens)
	srv.Use(&queryLimits{limits: l})
}

// CodeQueryTooComplex is the error code of an operation refused by Limits.
const CodeQueryTooComplex = "QUERY_TOO_COMPLEX"

// queryLimits is the extension Install adds.
type queryLimits struct {
	limits Limits // with defaults
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = (*queryLimits)(nil)

func (*queryLimits) ExtensionName() string { return "QueryLimits" }

func (*queryLimits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext refuses an operation over any of the limits; it
// runs after parsing and validation and before the root resolver.
func (q *queryLimits) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc == nil || oc.Operation == nil {
		return nil
	}
	l := q.limits.WithDefaults()
	s := measure(oc.Doc, oc.Operation, oc.Variables)
	switch {
	case s.depth > l.MaxDepth:
		return tooComplex("depth", fmt.Sprintf("query depth %d exceeds the limit of %d", s.depth, l.MaxDepth))
	case s.aliases > l.MaxAliases:
		return tooComplex("aliases", fmt.Sprintf("query has %d aliases, exceeding the limit of %d", s.aliases, l.MaxAliases))
	case s.directives > l.MaxDirectives:
		return tooComplex("directives", fmt.Sprintf("query has %d directives, exceeding the limit of %d", s.directives, l.MaxDirectives))
	case s.complexity > l.MaxComplexity:
		return tooComplex("complexity", fmt.Sprintf("query complexity %d exceeds the limit of %d", s.complexity, l.MaxComplexity))
	}
	return nil
}

func tooComplex(limit, msg string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    msg,
		Extensions: map[string]any{"code": CodeQueryTooComplex, "limit": limit},
	}
}

// shape is what the limits measure of a selection set. Every count
// saturates at costCap.
type shape struct {
	depth      int // deepest path of counted fields
	aliases    int
	directives int
	complexity int
}

const costCap = math.MaxInt32

func satAdd(a, b int) int {
	if a >= costCap-b {
		return costCap
	}
	return a + b
}

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a >= costCap/b {
		return costCap
	}
	return a * b
}

// add merges o, a sibling selection, into s.
func (s *shape) add(o shape) {
	s.depth = max(s.depth, o.depth)
	s.aliases = satAdd(s.aliases, o.aliases)
	s.directives = satAdd(s.directives, o.directives)
	s.complexity = satAdd(s.complexity, o.complexity)
}

// walker measures one operation. Fragments are measured once each: their
// shape does not depend on where they are spread.
type walker struct {
	doc       *ast.QueryDocument
	vars      map[string]any
	fragments map[string]*shape // nil while being walked (a cycle)
}

func measure(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) shape {
	w := &walker{doc: doc, vars: vars, fragments: map[string]*shape{}}
	s := w.selections(op.SelectionSet)
	s.directives = satAdd(s.directives, len(op.Directives))
	for _, v := range op.VariableDefinitions {
		s.directives = satAdd(s.directives, len(v.Directives))
	}
	return s
}

func (w *walker) selections(set ast.SelectionSet) shape {
	var s shape
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			s.add(w.field(sel))
		case *ast.InlineFragment:
			o := w.selections(sel.SelectionSet)
			o.directives = satAdd(o.directives, len(sel.Directives))
			s.add(o)
		case *ast.FragmentSpread:
			o := w.fragment(sel)
			o.directives = satAdd(o.directives, len(sel.Directives))
			s.add(o)
		}
	}
	return s
}

func (w *walker) fragment(spread *ast.FragmentSpread) shape {
	if s, seen := w.fragments[spread.Name]; seen {
		if s == nil {
			return shape{} // a cycle, which validation rejects
		}
		return *s
	}
	def := spread.Definition
	if def == nil && w.doc != nil {
		def = w.doc.Fragments.ForName(spread.Name)
	}
	if def == nil {
		return shape{}
	}
	w.fragments[spread.Name] = nil
	s := w.selections(def.SelectionSet)
	s.directives = satAdd(s.directives, len(def.Directives))
	w.fragments[spread.Name] = &s
	return s
}

func (w *walker) field(f *ast.Field) shape {
	children := w.selections(f.SelectionSet)
	s := shape{
		depth:      children.depth,
		aliases:    children.aliases,
		directives: satAdd(children.directives, len(f.Directives)),
	}
	if f.Alias != "" && f.Alias != f.Name {
		s.aliases = satAdd(s.aliases, 1)
	}
	switch {
	case f.Name == "__schema" || f.Name == "__type":
		// Introspection resolves from memory, and gqlparser's
		// MaxIntrospectionDepth rule bounds its nesting; the standard
		// introspection query nests deeper than MaxDepth.
		s.depth = 0
	case countsForDepth(f):
		s.depth++
	}
	mult := 1
	if f.Definition != nil && f.Definition.Type != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection") {
		mult = w.pageSize(f)
	}
	s.complexity = satAdd(1, satMul(children.complexity, mult))
	return s
}

// countsForDepth reports whether f is a level of depth: every field but
// __typename and the Relay edges and node of a connection and its edge.
func countsForDepth(f *ast.Field) bool {
	parent := ""
	if f.ObjectDefinition != nil {
		parent = f.ObjectDefinition.Name
	}
	switch f.Name {
	case "__typename":
		return false
	case "edges":
		return !strings.HasSuffix(parent, "Connection")
	case "node":
		return !strings.HasSuffix(parent, "Edge")
	}
	return true
}

// pageSize is the multiplier of a connection field: the larger of its
// first and last, or DefaultPageSize when neither is given.
func (w *walker) pageSize(f *ast.Field) int {
	n, given := 0, false
	for _, name := range []string{"first", "last"} {
		arg := f.Arguments.ForName(name)
		if arg == nil || arg.Value == nil {
			continue
		}
		v, err := arg.Value.Value(w.vars)
		if err != nil {
			if arg.Value.Kind == ast.IntValue {
				n, given = costCap, true // a literal too large to parse
			}
			continue
		}
		if m, ok := toInt(v); ok {
			n, given = max(n, m), true
		}
	}
	if !given {
		return DefaultPageSize
	}
	return n
}

// toInt converts an Int argument's value to an int in [0, costCap]; a
// negative one is 0 (limitPage refuses it).
func toInt(v any) (int, bool) {
	var n int64
	switch v := v.(type) {
	case int:
		n = int64(v)
	case int32:
		n = int64(v)
	case int64:
		n = v
	case float64:
		switch {
		case v != math.Trunc(v):
			return 0, false
		case v < 0:
			return 0, true
		case v >= costCap:
			return costCap, true
		}
		n = int64(v)
	case json.Number:
		i, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil {
				return 0, false
			}
			return toInt(f)
		}
		n = i
	default:
		return 0, false
	}
	switch {
	case n < 0:
		return 0, true
	case n > costCap:
		return costCap, true
	}
	return int(n), true
}
