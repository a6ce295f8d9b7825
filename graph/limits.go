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
	DefaultMaxComplexity = 10000
)

// Limits bound an operation's shape; zero fields take the defaults.
type Limits struct {
	MaxDepth      int // default 12; Relay `edges` and `node` levels do not count, so `applicants { edges { node { applications { edges { node { job { title } } } } } } }` has depth 4
	MaxAliases    int // default 15: fields whose alias differs from their name, counted over the whole operation including fragments
	MaxDirectives int // default 20: directive uses in the operation (including fragments)
	MaxTokens     int // default 5000: gqlparser's token limit, for SetParserTokenLimit
	MaxComplexity int // default 10000 (a page of 100 applicants with every field passes; 100 under 100 does not): each field costs 1; a connection field (type name ending in "Connection") multiplies its children's cost by its `first` or `last` argument (literal or variable; default 20 — graph.DefaultPageSize — when neither is given)
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
	s := measureOperation(oc.Doc, oc.Operation, oc.Variables)
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

// opShape is what the limits measure of a selection set. Every count
// saturates at limitsCap.
type opShape struct {
	depth      int // deepest path of counted fields
	aliases    int
	directives int
	complexity int
}

const limitsCap = math.MaxInt32

func limitsAdd(a, b int) int {
	if a >= limitsCap-b {
		return limitsCap
	}
	return a + b
}

func limitsMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a >= limitsCap/b {
		return limitsCap
	}
	return a * b
}

// add merges o, a sibling selection, into s.
func (s *opShape) add(o opShape) {
	s.depth = max(s.depth, o.depth)
	s.aliases = limitsAdd(s.aliases, o.aliases)
	s.directives = limitsAdd(s.directives, o.directives)
	s.complexity = limitsAdd(s.complexity, o.complexity)
}

// limitsWalker measures one operation. Fragments are measured once each: their
// shape does not depend on where they are spread.
type limitsWalker struct {
	doc       *ast.QueryDocument
	vars      map[string]any
	fragments map[string]*opShape // nil while being walked (a cycle)
}

func measureOperation(doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) opShape {
	w := &limitsWalker{doc: doc, vars: vars, fragments: map[string]*opShape{}}
	s := w.selections(op.SelectionSet)
	s.directives = limitsAdd(s.directives, len(op.Directives))
	for _, v := range op.VariableDefinitions {
		s.directives = limitsAdd(s.directives, len(v.Directives))
	}
	return s
}

func (w *limitsWalker) selections(set ast.SelectionSet) opShape {
	var s opShape
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			s.add(w.field(sel))
		case *ast.InlineFragment:
			o := w.selections(sel.SelectionSet)
			o.directives = limitsAdd(o.directives, len(sel.Directives))
			s.add(o)
		case *ast.FragmentSpread:
			o := w.fragment(sel)
			o.directives = limitsAdd(o.directives, len(sel.Directives))
			s.add(o)
		}
	}
	return s
}

func (w *limitsWalker) fragment(spread *ast.FragmentSpread) opShape {
	if s, seen := w.fragments[spread.Name]; seen {
		if s == nil {
			return opShape{} // a cycle, which validation rejects
		}
		return *s
	}
	def := spread.Definition
	if def == nil && w.doc != nil {
		def = w.doc.Fragments.ForName(spread.Name)
	}
	if def == nil {
		return opShape{}
	}
	w.fragments[spread.Name] = nil
	s := w.selections(def.SelectionSet)
	s.directives = limitsAdd(s.directives, len(def.Directives))
	w.fragments[spread.Name] = &s
	return s
}

func (w *limitsWalker) field(f *ast.Field) opShape {
	children := w.selections(f.SelectionSet)
	s := opShape{
		depth:      children.depth,
		aliases:    children.aliases,
		directives: limitsAdd(children.directives, len(f.Directives)),
	}
	if f.Alias != "" && f.Alias != f.Name {
		s.aliases = limitsAdd(s.aliases, 1)
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
	s.complexity = limitsAdd(1, limitsMul(children.complexity, mult))
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
func (w *limitsWalker) pageSize(f *ast.Field) int {
	n, given := 0, false
	for _, name := range []string{"first", "last"} {
		arg := f.Arguments.ForName(name)
		if arg == nil || arg.Value == nil {
			continue
		}
		v, err := arg.Value.Value(w.vars)
		if err != nil {
			if arg.Value.Kind == ast.IntValue {
				n, given = limitsCap, true // a literal too large to parse
			}
			continue
		}
		if m, ok := pageArgInt(v); ok {
			n, given = max(n, m), true
		}
	}
	if !given {
		return DefaultPageSize
	}
	return n
}

// pageArgInt converts an Int argument's value to an int in [0, limitsCap]; a
// negative one is 0 (limitPage refuses it).
func pageArgInt(v any) (int, bool) {
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
		case v >= limitsCap:
			return limitsCap, true
		}
		n = int64(v)
	case json.Number:
		i, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil {
				return 0, false
			}
			return pageArgInt(f)
		}
		n = i
	default:
		return 0, false
	}
	switch {
	case n < 0:
		return 0, true
	case n > limitsCap:
		return limitsCap, true
	}
	return int(n), true
}
