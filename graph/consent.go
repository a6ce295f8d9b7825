package graph

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
)

// fieldGuard enforces @personal on every field that carries it, wherever
// it resolves: lists, connections, node/nodes, nested edges, fragments,
// aliases and mutation payloads. It is one gqlgen field interceptor over a
// map built once from the schema, not a generated directive call per field.
//
// A hidden field resolves to null and is listed in the response's
// extensions.withheld, one entry per object, so a client can tell "hidden"
// from "empty" without an error per field per row.
type fieldGuard struct {
	client     *ent.Client
	categories map[string]consent.Category // "Type.field" → category
}

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
	graphql.ResponseInterceptor
} = (*fieldGuard)(nil)

// newFieldGuard reads the category of every @personal field of s. An
// unknown category name is kept as it is: the engine hides it.
func newFieldGuard(client *ent.Client, s *ast.Schema) *fieldGuard {
	g := &fieldGuard{client: client, categories: map[string]consent.Category{}}
	for name, c := range Categories(s) {
		g.categories[name] = c
	}
	return g
}

// Categories maps "Type.field" to the category its @personal directive
// names, for every personal field of the schema.
func Categories(s *ast.Schema) map[string]consent.Category {
	out := map[string]consent.Category{}
	for _, t := range s.Types {
		for _, f := range t.Fields {
			if d := f.Directives.ForName("personal"); d != nil {
				if a := d.Arguments.ForName("category"); a != nil && a.Value != nil {
					out[t.Name+"."+f.Name] = consent.Category(a.Value.Raw)
				}
			}
		}
	}
	return out
}

func (*fieldGuard) ExtensionName() string                   { return "ConsentFieldGuard" }
func (*fieldGuard) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptResponse gives each operation its own record of withheld fields
// and attaches it to the response.
func (g *fieldGuard) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	st := &requestState{}
	resp := next(context.WithValue(ctx, stateKey{}, st))
	if resp != nil {
		if w := st.withheldJSON(); w != nil {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["withheld"] = w
		}
	}
	return resp
}

// InterceptField decides every personal field before it resolves.
func (g *fieldGuard) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	c, ok := g.categories[fc.Object+"."+fc.Field.Name]
	if !ok {
		return next(ctx)
	}
	st, _ := ctx.Value(stateKey{}).(*requestState)
	d := consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}
	if st != nil {
		if id, found := subjectOf(fc.Parent); found {
			d = consent.Decide(consent.FromContext(ctx), consent.Subject{Self: g.isSelf(ctx, st, id)}, c)
		}
	}
	if d.Outcome == consent.Plain {
		return next(ctx)
	}
	// Masks arrive with the policy engine; until then anything but plain
	// is hidden.
	if st != nil {
		st.withhold(fc, d.Reason)
	}
	return nil, nil
}

// isSelf reports whether the applicant with id is the viewer. The
// viewer's own profile is looked up once per operation (in the mutation's
// transaction, if any); until it exists nothing is anyone's own.
func (g *fieldGuard) isSelf(ctx context.Context, st *requestState, id int) bool {
	v := consent.FromContext(ctx)
	if v.Role != consent.Applicant || v.Account == "" {
		return false
	}
	st.selfMu.Lock()
	defer st.selfMu.Unlock()
	if st.selfID == 0 {
		client := ent.FromContext(ctx)
		if client == nil {
			client = g.client
		}
		self, err := client.Applicant.Query().Where(applicant.AccountID(v.Account)).OnlyID(ctx)
		if err != nil {
			return false
		}
		st.selfID = self
	}
	return st.selfID == id
}

// subjectOf finds the applicant a personal field belongs to: the nearest
// ancestor that is an applicant or an application. Values in between (a
// work history entry, the list holding it) belong to that ancestor. Any
// other entity first means there is no subject, and the field is hidden.
func subjectOf(fc *graphql.FieldContext) (int, bool) {
	for ; fc != nil; fc = fc.Parent {
		switch r := deref(fc.Result).(type) {
		case *ent.Applicant:
			return r.ID, r != nil
		case *ent.Application:
			return r.ApplicantID, r != nil && r.ApplicantID != 0
		case ent.Noder:
			return 0, false
		}
	}
	return 0, false
}

// deref unwraps the pointers gqlgen puts around list elements (&v[i]).
func deref(v any) any {
	rv := reflect.ValueOf(v)
	for rv.IsValid() && rv.Kind() == reflect.Pointer && !rv.IsNil() &&
		(rv.Elem().Kind() == reflect.Pointer || rv.Elem().Kind() == reflect.Interface) {
		rv = rv.Elem()
		if rv.Kind() == reflect.Interface {
			rv = rv.Elem()
		}
	}
	if !rv.IsValid() {
		return nil
	}
	return rv.Interface()
}

type stateKey struct{}

// requestState is what the guard keeps for one operation.
type requestState struct {
	selfMu sync.Mutex
	selfID int // the viewer's own applicant id, once found

	mu       sync.Mutex
	withheld map[string]*withheldObject // by the object's path
}

// withheldObject lists the fields withheld from one object, by response
// key (alias), with the reason.
type withheldObject struct {
	Path   ast.Path                  `json:"path"`
	Fields map[string]consent.Reason `json:"fields"`
}

func (st *requestState) withhold(fc *graphql.FieldContext, r consent.Reason) {
	path := fc.Parent.Path()
	key := path.String()
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.withheld == nil {
		st.withheld = map[string]*withheldObject{}
	}
	o := st.withheld[key]
	if o == nil {
		o = &withheldObject{Path: path, Fields: map[string]consent.Reason{}}
		st.withheld[key] = o
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

func comparePaths(a, b ast.Path) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		ai, aIdx := a[i].(ast.PathIndex)
		bi, bIdx := b[i].(ast.PathIndex)
		switch {
		case aIdx && bIdx:
			if ai != bi {
				return int(ai) - int(bi)
			}
		default:
			as, bs := pathElem(a[i]), pathElem(b[i])
			if as < bs {
				return -1
			}
			if as > bs {
				return 1
			}
		}
	}
	return len(a) - len(b)
}

func pathElem(e ast.PathElement) string {
	b, _ := json.Marshal(e)
	return string(b)
}
