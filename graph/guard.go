package graph

import (
	"cmp"
	"context"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/employer"
	"consentgate/ent/job"
	"consentgate/ent/privacy"
	"consentgate/ent/rule"
	"consentgate/records"
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
//
// It also runs each mutation's transaction, inside its own response
// interceptor, so that the access records are written after that
// transaction has ended whatever the order of srv.Use (InterceptResponse).
type fieldGuard struct {
	client   *ent.Client
	tx       txPerMutation
	recorder *recorder // writes the access records, grouped
	engine   *consent.Engine
	masker   consent.Masker
	sealer   *records.Sealer // opens and seals erased subjects' identities; carried in each operation's context
	metrics  *Metrics
	log      *slog.Logger
	// fields holds what the guard knows of each field definition; byName
	// maps "Type.field" to the category of each personal field, so that a
	// definition not found by identity is still found by name.
	fields        map[*ast.FieldDefinition]fieldInfo
	byName        map[string]consent.Category
	bundles       map[string]bool               // "Type.field" of each @personalBundle field
	timestamps    map[string]bool               // "Type.field" of each @personalTimestamp field
	perValue      map[string][]consent.Category // "Type.field" of each @personalPerValue field: its categories
	personalTypes map[string]bool
}

// fieldInfo is what the guard needs to know of a field, computed once from
// the schema: its category if personal, and whether it returns a page of
// subjects (whose consents are then loaded at once).
type fieldInfo struct {
	category  consent.Category
	index     int // the category's index (consent.Category.Index)
	personal  bool
	bundle    bool               // @personalBundle: data of every category at once
	timestamp bool               // @personalTimestamp: moves with every category, holds none
	perValue  []consent.Category // @personalPerValue: the categories the object may name for it
	page      bool
}

// allCategories are the fields of every category, for deciding bundles.
var allCategories = func() []fieldInfo {
	out := make([]fieldInfo, len(consent.Categories))
	for i, c := range consent.Categories {
		out[i] = fieldInfo{category: c, index: c.Index(), personal: true}
	}
	return out
}()

// newFieldGuard reads every object field of s.
func newFieldGuard(client *ent.Client, s *ast.Schema, o Options) *fieldGuard {
	g := &fieldGuard{client: client, tx: txPerMutation{entgql.Transactioner{TxOpener: client}}, recorder: newRecorder(client, o.Metrics.grouped),
		engine: o.Engine, masker: o.Masker, sealer: o.Sealer, metrics: o.Metrics, log: o.Log,
		fields: map[*ast.FieldDefinition]fieldInfo{}, byName: Categories(s), bundles: map[string]bool{}, timestamps: map[string]bool{},
		perValue: map[string][]consent.Category{}, personalTypes: map[string]bool{}}
	for _, t := range s.Types {
		for _, f := range t.Fields {
			inf := fieldInfo{page: returnsPage(f.Type)}
			inf.category, inf.personal = g.byName[t.Name+"."+f.Name]
			inf.index = inf.category.Index()
			inf.bundle = f.Directives.ForName("personalBundle") != nil
			if inf.bundle {
				g.bundles[t.Name+"."+f.Name] = true
			}
			inf.timestamp = f.Directives.ForName("personalTimestamp") != nil
			if inf.timestamp {
				g.timestamps[t.Name+"."+f.Name] = true
			}
			if pv, ok := perValueOf(f); ok && !inf.personal && !inf.bundle {
				inf.perValue = pv.Categories
				g.perValue[t.Name+"."+f.Name] = pv.Categories
			}
			if inf.personal || inf.bundle || inf.timestamp || inf.perValue != nil {
				g.personalTypes[t.Name] = true
			}
			g.fields[f] = inf
		}
	}
	return g
}

// info returns what the guard knows of the field being resolved. A field
// not found by its definition is looked up by name, so that a personal
// field is never missed.
func (g *fieldGuard) info(fc *graphql.FieldContext) fieldInfo {
	if inf, ok := g.fields[fc.Field.Definition]; ok {
		return inf
	}
	inf := fieldInfo{}
	if fc.Field.Definition != nil {
		inf.page = returnsPage(fc.Field.Definition.Type)
	}
	if g.personalTypes[fc.Object] {
		inf.category, inf.personal = g.byName[fc.Object+"."+fc.Field.Name]
		inf.index = inf.category.Index()
		inf.bundle = !inf.personal && g.bundles[fc.Object+"."+fc.Field.Name]
		inf.timestamp = !inf.personal && g.timestamps[fc.Object+"."+fc.Field.Name]
		if !inf.personal && !inf.bundle {
			inf.perValue = g.perValue[fc.Object+"."+fc.Field.Name]
		}
	}
	return inf
}

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

// Bundles returns the "Type.field" of every @personalBundle field of s,
// sorted: fields that hold data of every category at once.
func Bundles(s *ast.Schema) []string { return withDirective(s, "personalBundle") }

// Timestamps returns the "Type.field" of every @personalTimestamp field of
// s, sorted: update times that move with every category.
func Timestamps(s *ast.Schema) []string { return withDirective(s, "personalTimestamp") }

func withDirective(s *ast.Schema, directive string) []string {
	var out []string
	for _, t := range s.Types {
		for _, f := range t.Fields {
			if f.Directives.ForName(directive) != nil {
				out = append(out, t.Name+"."+f.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.ResponseInterceptor
	graphql.FieldInterceptor
} = (*fieldGuard)(nil)

func (*fieldGuard) ExtensionName() string                        { return "ConsentFieldGuard" }
func (g *fieldGuard) Validate(es graphql.ExecutableSchema) error { return g.tx.Validate(es) }

// MutateOperationContext lets the mutation's transaction run its
// resolvers one at a time (entgql.Transactioner).
func (g *fieldGuard) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	return g.tx.MutateOperationContext(ctx, oc)
}

// InterceptResponse runs one operation in this order, which is fixed here
// and which no order of srv.Use can change:
//
//  1. the operation gets its own decisions, consents and record of
//     withheld fields (the engine, which the row rules read too, is in the
//     context already: the gateway's authentication puts it there with the
//     viewer);
//  2. the resolvers run, a mutation's in its own transaction (txPerMutation),
//     which has ended, committed or rolled back, when they return;
//  3. then, before the response leaves: nothing leaves if the consent
//     state could not be read; the access records of what was released
//     are written, with the root client, outside that transaction (inside
//     it they would wait for the write lock it holds on SQLite, and fail);
//     nothing leaves if they could not be; and the record of withheld
//     fields is attached to the response.
func (g *fieldGuard) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	v := consent.FromContext(ctx)
	st := &requestState{viewer: v, grants: v.Role == consent.Compliance && v.Account != ""}
	if v.Role != consent.Applicant {
		st.purposes = g.engine.PurposesOf(v)
	}
	st.stages = v.Role == consent.Employer && v.Org != "" && slices.Contains(st.purposes, consent.EmployerProvision)
	// One time for the whole operation, the engine's: its row rules and its
	// decisions agree on which provisions have ended and how each consent
	// stands under the policy versions.
	ctx = rule.WithNow(ctx, g.engine.Now())
	ctx = context.WithValue(ctx, stateKey{}, st)
	ctx = records.WithSealer(ctx, g.sealer)
	if v.Role == consent.Employer && v.Org != "" {
		ctx = g.withEmployerID(ctx, st, v.Org)
	}
	resp := g.tx.InterceptResponse(ctx, next)
	g.metrics.flush(v, &st.counts)
	if resp == nil && ctx.Err() != nil { // the request's deadline passed before anything resolved
		resp = &graphql.Response{Errors: gqlerror.List{timeoutError(ctx)}}
	}
	if err := st.stateErr.Load(); err != nil {
		// Decided without the consent state: nothing leaves, nothing was released.
		g.log.ErrorContext(ctx, "consent state not read", "request_id", RequestID(ctx), "error", redactLiterals((*err).Error()))
		return &graphql.Response{Errors: gqlerror.List{consentStateError(ctx)}}
	}
	started := time.Now()
	written, err := g.record(ctx, st)
	st.mu.Lock()
	g.metrics.recorded(len(st.releasedTo), written, time.Since(started), err)
	st.mu.Unlock()
	if err != nil {
		// No release without its record: the response leaves without data.
		g.log.ErrorContext(ctx, "access records not written", "request_id", RequestID(ctx), "error", redactLiterals(err.Error()))
		return &graphql.Response{Errors: gqlerror.List{auditError(ctx)}}
	}
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

// withEmployerID resolves the viewer's organisation to its employer's
// store id and its jobs' ids once per operation, for the row rules
// (rule.WithEmployerID): id -1 and no jobs if no employer has it. If they
// cannot be read, the rules look them up themselves. It also notes the
// organisation's legal name as it stands now, which the operation's access
// records name as the recipient (st.recipientName).
func (g *fieldGuard) withEmployerID(ctx context.Context, st *requestState, org string) context.Context {
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	e, err := g.clientFrom(ctx).Employer.Query().Where(employer.ExternalID(org)).
		Select(employer.FieldID, employer.FieldName, employer.FieldLegalName).Only(sys)
	var id int
	if err == nil {
		id, st.recipientName = e.ID, cmp.Or(e.LegalName, e.Name)
	}
	switch {
	case ent.IsNotFound(err):
		return rule.WithEmployerID(ctx, org, -1, []int{})
	case err != nil:
		return ctx
	}
	jobs, err := g.clientFrom(ctx).Job.Query().Where(job.EmployerID(id)).Order(ent.Asc(job.FieldID)).
		Limit(rule.MaxResolvedJobs + 1).IDs(sys)
	if err != nil {
		jobs = nil
	} else if jobs == nil {
		jobs = []int{}
	}
	return rule.WithEmployerID(ctx, org, id, jobs)
}

// InterceptField decides every personal field before it resolves, and
// after a field that returns subjects (a page, a list, a node) loads all
// of their consents (for compliance, its live access grants) at once. It
// also limits page sizes (limitPage): one interceptor per field rather
// than two.
func (g *fieldGuard) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	inf := g.info(fc)
	if inf.perValue != nil {
		// Decided as a @personal field of the category its object names;
		// none, or one the schema does not list: hidden.
		c, ok := valueCategory(fc, inf.perValue)
		if !ok {
			c = ""
		}
		inf = fieldInfo{category: c, index: c.Index(), personal: true}
	}
	if inf.bundle || inf.timestamp {
		return g.interceptBundle(ctx, fc, next, inf.bundle)
	}
	if !inf.personal {
		if err := limitPage(fc); err != nil {
			return nil, err
		}
		if !inf.page {
			return next(ctx)
		}
		res, err := next(ctx)
		if st, _ := ctx.Value(stateKey{}).(*requestState); st != nil && (len(st.purposes) > 0 || st.grants) && err == nil {
			g.loadConsents(ctx, st, subjectsIn(res))
		}
		return res, err
	}
	st, _ := ctx.Value(stateKey{}).(*requestState)
	if sealed, ok := sealedOf(fc.Parent); ok {
		// An erased subject's sealed identity: released under a legal
		// basis only, and recorded by its pseudonym.
		d, s := g.decideSealed(ctx, st, sealed, inf)
		if d.Outcome == consent.Plain {
			st.releasedSealed(s, inf)
			return next(ctx)
		}
		if st != nil {
			st.withhold(fc, cmp.Or(d.Reason, consent.NotPermitted))
		}
		return nil, nil
	}
	d := consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}
	var sub *subjectState
	var ref subjectRef
	if st != nil {
		var found bool
		if ref, found = subjectOf(fc.Parent); found {
			d, sub = g.decide(ctx, st, ref, inf)
		}
	}
	id := ref.id
	switch d.Outcome {
	case consent.Plain:
		st.released(sub, id, inf, d.Outcome)
		return next(ctx)
	case consent.Masked:
		v, err := next(ctx)
		if err != nil {
			return nil, err
		}
		if out, ok := g.masker.Apply(d.Mask, v); ok {
			st.released(sub, id, inf, d.Outcome)
			return out, nil
		}
		d = consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}
	}
	if st != nil {
		st.withhold(fc, d.Reason)
	}
	return nil, nil
}

// interceptBundle releases a @personalBundle field, which holds data of
// any or every category of its subject, only when the viewer gets every
// category of that subject plain: in effect only the subject themself.
// Otherwise it resolves to null, withheld for the first category's reason.
// A @personalTimestamp field, which moves with every category but holds no
// value of any, is released alike, and recorded as no release (record
// false).
func (g *fieldGuard) interceptBundle(ctx context.Context, fc *graphql.FieldContext, next graphql.Resolver, record bool) (any, error) {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	if st == nil {
		return nil, nil
	}
	ref, found := subjectOf(fc.Parent)
	if !found {
		st.withhold(fc, consent.NotPermitted)
		return nil, nil
	}
	id := ref.id
	var sub *subjectState
	for _, inf := range allCategories {
		var d consent.Decision
		if d, sub = g.decide(ctx, st, ref, inf); d.Outcome != consent.Plain {
			st.withhold(fc, d.Reason)
			return nil, nil
		}
	}
	if record {
		for _, inf := range allCategories {
			st.released(sub, id, inf, consent.Plain)
		}
	}
	return next(ctx)
}

// decide returns the decision for one category of one subject, computing
// it once per operation for all subjects in the same consent state (a page
// of applicants shares a few). Fields resolve concurrently; a decision
// already made is read without a lock.
func (g *fieldGuard) decide(ctx context.Context, st *requestState, ref subjectRef, inf fieldInfo) (consent.Decision, *subjectState) {
	c, i := inf.category, inf.index
	if i < 0 {
		return consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}, nil
	}
	sub := g.subject(ctx, st, ref.id)
	if sub.failed {
		return consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}, nil
	}
	stage := sub.stageOf(st, ref)
	class := sub.classes[stage]
	var d consent.Decision
	if k := class.decisions[i].Load(); k != 0 {
		d = st.distinct[k-1]
	} else {
		d = g.engine.Decide(st.viewer, consent.Subject{Self: sub.self, Consents: sub.consents, LegalBasis: sub.basis, Provision: stage}, c)
		st.mu.Lock()
		if class.decisions[i].Load() == 0 {
			class.decisions[i].Store(uint32(st.intern(d)))
		}
		st.mu.Unlock()
	}
	if bit := uint32(1) << i; sub.counted.Load()&bit == 0 && sub.counted.Or(bit)&bit == 0 {
		st.counts[i][d.Outcome].Add(1) // once per subject and category
	}
	return d, sub
}

// intern returns the 1-based index of d among the operation's distinct
// decisions, adding it if new: a page of subjects shares a handful of them.
// Called with st.mu held; 0 (not kept: decided anew each time) if the table
// is full. A slot is written before its index is published.
func (st *requestState) intern(d consent.Decision) uint8 {
	for i, x := range st.distinct[:st.ndistinct] {
		if x.Outcome == d.Outcome && x.Reason == d.Reason && x.Mask.Name == d.Mask.Name && x.Mask.N == d.Mask.N &&
			slices.Equal(x.Mask.Bounds, d.Mask.Bounds) {
			return uint8(i + 1)
		}
	}
	if st.ndistinct == len(st.distinct) {
		return 0
	}
	st.distinct[st.ndistinct] = d
	st.ndistinct++
	return uint8(st.ndistinct)
}

// stateKey is the context key of the operation's requestState.
type stateKey struct{}

// requestState is what the guard keeps for one operation.
type requestState struct {
	viewer   consent.Viewer
	purposes []consent.Purpose // the viewer's: its decisions depend on subjects' consents
	grants   bool              // a compliance viewer: its decisions depend on its live access grants
	stages   bool              // an employer viewer: its decisions depend on where provision to it stands

	selfMu sync.Mutex
	selfID int // the viewer's own applicant id, once found

	subjects   sync.Map // subject id → *subjectState
	classes    sync.Map // consent state key → *decisionClass
	counts     decisionCounts
	releases   []release             // personal data released to someone other than its subject
	releasedTo []int                 // the subjects of those releases, counted as they happen
	stateErr   atomic.Pointer[error] // the consent state could not be read
	sealed     sync.Map              // an erased subject's pseudonym → *sealedState (sealed.go)

	// recipientName is the legal name of the viewer's organisation, for an
	// employer (withEmployerID): the recipient its access records name.
	recipientName string

	mu        sync.Mutex
	distinct  [255]consent.Decision // the operation's distinct decisions, ndistinct of them
	ndistinct int
	withheld  map[*graphql.FieldContext]*withheldObject // by the object's field context
}

// decisionClass holds the decisions for one consent state, by category
// index: 0 until decided, then the 1-based index of the decision in
// requestState.distinct.
type decisionClass struct {
	decisions [consent.NumCategories]atomic.Uint32
}

// classOf returns the decision class of subjects in this state, at this
// provision stage.
func (st *requestState) classOf(self bool, c consent.Consents, basis consent.LegalBasis, stage consent.ProvisionStage) *decisionClass {
	key := stage.String() + "\x04" + c.Key()
	if self {
		key = "self\x02" + key
	}
	if basis != "" {
		key = "basis\x03" + string(basis) + "\x03" + key
	}
	cl, _ := st.classes.LoadOrStore(key, &decisionClass{})
	return cl.(*decisionClass)
}
