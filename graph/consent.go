package graph

import (
	"context"
	"encoding/json"
	"reflect"
	"slices"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/employer"
	"consentgate/ent/privacy"
)

// fieldGuard enforces @personal on every field that carries it, wherever
// it resolves: lists, connections, node/nodes, nested edges, fragments,
// aliases and mutation payloads. It is one gqlgen field interceptor over a
// map built once from the schema, not a generated directive call per field.
//
// Each (subject, category) is decided once per operation by the consent
// engine and applied to every field of that category: plain fields resolve
// as they are, masked ones through the engine's masks (keeping their type),
// hidden ones to null, listed in the response's extensions.withheld (one
// entry per object) so that a client can tell "hidden" from "empty".
type fieldGuard struct {
	client     *ent.Client
	engine     *consent.Engine
	masker     consent.Masker
	metrics    *Metrics
	categories map[string]consent.Category // "Type.field" → category
}

var _ interface {
	graphql.HandlerExtension
	graphql.FieldInterceptor
	graphql.ResponseInterceptor
} = (*fieldGuard)(nil)

// Categories maps "Type.field" to the category its @personal directive
// names, for every personal field of the schema. An unknown category name
// is kept as it is: the engine hides it.
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

// InterceptResponse gives each operation its own decisions, consents and
// record of withheld fields, and attaches that record to the response. The
// engine travels in the context for the data layer's row rules.
func (g *fieldGuard) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	v := consent.FromContext(ctx)
	st := &requestState{
		viewer:        v,
		needsConsents: v.Role != consent.Applicant && len(g.engine.PurposesOf(v)) > 0,
	}
	ctx = consent.WithEngine(context.WithValue(ctx, stateKey{}, st), g.engine)
	resp := next(ctx)
	if resp != nil {
		// Fields resolve concurrently: errors are put in response order so
		// that the same data always gives the same bytes.
		slices.SortStableFunc(resp.Errors, func(a, b *gqlerror.Error) int { return comparePaths(a.Path, b.Path) })
		if w := st.withheldJSON(); w != nil {
			if resp.Extensions == nil {
				resp.Extensions = map[string]any{}
			}
			resp.Extensions["withheld"] = w
		}
	}
	return resp
}

// InterceptField decides every personal field before it resolves, and
// after a field that returns subjects (a page, a list, a node) loads all
// of their consents at once.
func (g *fieldGuard) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	st, _ := ctx.Value(stateKey{}).(*requestState)
	c, personal := g.categories[fc.Object+"."+fc.Field.Name]
	if !personal {
		res, err := next(ctx)
		if st != nil && st.needsConsents && err == nil {
			if ids := subjectsIn(res); len(ids) > 0 {
				g.loadConsents(ctx, st, ids)
			}
		}
		return res, err
	}
	d := consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}
	if st != nil {
		if id, found := subjectOf(fc.Parent); found {
			d = g.decide(ctx, st, id, c)
		}
	}
	switch d.Outcome {
	case consent.Plain:
		return next(ctx)
	case consent.Masked:
		v, err := next(ctx)
		if err != nil {
			return nil, err
		}
		if out, ok := g.masker.Apply(d.Mask, v); ok {
			return out, nil
		}
		d = consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}
	}
	if st != nil {
		st.withhold(fc, d.Reason)
	}
	return nil, nil
}

// decide returns the decision for one category of one subject, computing
// it once per operation.
func (g *fieldGuard) decide(ctx context.Context, st *requestState, id int, c consent.Category) consent.Decision {
	st.mu.Lock()
	d, ok := st.decisions[decisionKey{id, c}]
	st.mu.Unlock()
	if ok {
		return d
	}
	s := consent.Subject{Self: g.isSelf(ctx, st, id)}
	if st.needsConsents {
		s.Consents = g.consentsOf(ctx, st, id)
	}
	d = g.engine.Decide(st.viewer, s, c)
	st.mu.Lock()
	if st.decisions == nil {
		st.decisions = map[decisionKey]consent.Decision{}
	}
	st.decisions[decisionKey{id, c}] = d
	st.mu.Unlock()
	g.metrics.observe(st.viewer, c, d)
	return d
}

// isSelf reports whether the applicant with id is the viewer. The
// viewer's own profile is looked up once per operation (in the mutation's
// transaction, if any); until it exists nothing is anyone's own.
func (g *fieldGuard) isSelf(ctx context.Context, st *requestState, id int) bool {
	v := st.viewer
	if v.Role != consent.Applicant || v.Account == "" {
		return false
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.selfID == 0 {
		self, err := g.clientFrom(ctx).Applicant.Query().Where(applicant.AccountID(v.Account)).OnlyID(ctx)
		if err != nil {
			return false
		}
		st.selfID = self
	}
	return st.selfID == id
}

func (g *fieldGuard) clientFrom(ctx context.Context) *ent.Client {
	if c := ent.FromContext(ctx); c != nil {
		return c
	}
	return g.client
}

// consentsOf returns a subject's consents, loading them if no page did.
func (g *fieldGuard) consentsOf(ctx context.Context, st *requestState, id int) consent.Consents {
	st.mu.Lock()
	c, ok := st.consents[id]
	st.mu.Unlock()
	if !ok {
		g.loadConsents(ctx, st, []int{id})
		st.mu.Lock()
		c = st.consents[id]
		st.mu.Unlock()
	}
	return c
}

// loadConsents reads the consent ledgers of the subjects not loaded yet, in
// one query. The ledger is read as the enforcement layer, not as the
// viewer: deciding needs it whatever rows the viewer may see. A subject
// whose ledger cannot be read keeps an empty one: fail closed.
func (g *fieldGuard) loadConsents(ctx context.Context, st *requestState, ids []int) {
	st.mu.Lock()
	var missing []int
	for _, id := range ids {
		if _, ok := st.consents[id]; !ok && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	st.mu.Unlock()
	if len(missing) == 0 {
		return
	}
	rows, err := g.clientFrom(ctx).Consent.Query().
		Where(entconsent.ApplicantIDIn(missing...)).
		WithEmployer(func(q *ent.EmployerQuery) { q.Select(employer.FieldExternalID) }).
		Order(ent.Asc(entconsent.FieldRecordedAt), ent.Asc(entconsent.FieldID)).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	ledgers := make(map[int][]consent.Entry, len(missing))
	if err == nil {
		for _, r := range rows {
			e := consent.Entry{Purpose: consent.Purpose(r.Purpose), Granted: r.Granted}
			if r.Edges.Employer != nil {
				e.Recipient = r.Edges.Employer.ExternalID
			}
			if r.WithheldCategory != nil {
				e.Category = consent.Category(*r.WithheldCategory)
			}
			ledgers[r.ApplicantID] = append(ledgers[r.ApplicantID], e)
		}
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.consents == nil {
		st.consents = map[int]consent.Consents{}
	}
	for _, id := range missing {
		if _, ok := st.consents[id]; !ok {
			st.consents[id] = consent.Summarize(ledgers[id])
		}
	}
}

// subjectsIn lists the subjects a resolved value holds: the applicants of
// a page, list or node of applicants or applications.
func subjectsIn(v any) []int {
	var ids []int
	add := func(n any) {
		switch n := n.(type) {
		case *ent.Applicant:
			if n != nil {
				ids = append(ids, n.ID)
			}
		case *ent.Application:
			if n != nil && n.ApplicantID != 0 {
				ids = append(ids, n.ApplicantID)
			}
		}
	}
	switch v := v.(type) {
	case *ent.ApplicantConnection:
		if v != nil {
			for _, e := range v.Edges {
				add(e.Node)
			}
		}
	case *ent.ApplicationConnection:
		if v != nil {
			for _, e := range v.Edges {
				add(e.Node)
			}
		}
	case []ent.Noder:
		for _, n := range v {
			add(n)
		}
	default:
		add(v)
	}
	return ids
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

type decisionKey struct {
	subject  int
	category consent.Category
}

// requestState is what the guard keeps for one operation.
type requestState struct {
	viewer        consent.Viewer
	needsConsents bool // the viewer's decisions depend on subjects' consents

	mu        sync.Mutex
	selfID    int // the viewer's own applicant id, once found
	consents  map[int]consent.Consents
	decisions map[decisionKey]consent.Decision
	withheld  map[string]*withheldObject // by the object's path
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
