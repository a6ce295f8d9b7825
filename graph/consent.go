package graph

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessgrant"
	"consentgate/ent/applicant"
	"consentgate/ent/consentstate"
	"consentgate/ent/employer"
	"consentgate/ent/job"
	"consentgate/ent/privacy"
	"consentgate/ent/rule"
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
	client  *ent.Client
	engine  *consent.Engine
	masker  consent.Masker
	metrics *Metrics
	log     *slog.Logger
	// fields holds what the guard knows of each field definition; byName
	// maps "Type.field" to the category of each personal field, so that a
	// definition not found by identity is still found by name.
	fields        map[*ast.FieldDefinition]fieldInfo
	byName        map[string]consent.Category
	bundles       map[string]bool // "Type.field" of each @personalBundle field
	personalTypes map[string]bool
}

// fieldInfo is what the guard needs to know of a field, computed once from
// the schema: its category if personal, and whether it returns a page of
// subjects (whose consents are then loaded at once).
type fieldInfo struct {
	category consent.Category
	index    int // the category's index (consent.Category.Index)
	personal bool
	bundle   bool // @personalBundle: data of every category at once
	page     bool
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
	g := &fieldGuard{client: client, engine: o.Engine, masker: o.Masker, metrics: o.Metrics, log: o.Log,
		fields: map[*ast.FieldDefinition]fieldInfo{}, byName: Categories(s), bundles: map[string]bool{}, personalTypes: map[string]bool{}}
	for _, t := range s.Types {
		for _, f := range t.Fields {
			inf := fieldInfo{page: returnsPage(f.Type)}
			inf.category, inf.personal = g.byName[t.Name+"."+f.Name]
			inf.index = inf.category.Index()
			inf.bundle = f.Directives.ForName("personalBundle") != nil
			if inf.bundle {
				g.bundles[t.Name+"."+f.Name] = true
			}
			if inf.personal || inf.bundle {
				g.personalTypes[t.Name] = true
			}
			g.fields[f] = inf
		}
	}
	return g
}

// returnsPage reports whether a field of type t returns several subjects:
// a connection or list of applicants or applications, or a list of nodes.
func returnsPage(t *ast.Type) bool {
	switch t.Name() {
	case "ApplicantConnection", "ApplicationConnection":
		return true
	case "Node", "Applicant", "Application":
		return t.Elem != nil
	}
	return false
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
	}
	return inf
}

// Categories maps "Type.field" to the category its @personal directive
// names, for every personal field of the schema. An unknown category name
// is kept as it is: the engine hides it.
// Bundles returns the "Type.field" of every @personalBundle field of s,
// sorted: fields that hold data of every category at once.
func Bundles(s *ast.Schema) []string {
	var out []string
	for _, t := range s.Types {
		for _, f := range t.Fields {
			if f.Directives.ForName("personalBundle") != nil {
				out = append(out, t.Name+"."+f.Name)
			}
		}
	}
	slices.Sort(out)
	return out
}

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
	st := &requestState{viewer: v, grants: v.Role == consent.Compliance && v.Account != ""}
	if v.Role != consent.Applicant {
		st.purposes = g.engine.PurposesOf(v)
	}
	ctx = consent.WithEngine(context.WithValue(ctx, stateKey{}, st), g.engine)
	if v.Role == consent.Employer && v.Org != "" {
		ctx = g.withEmployerID(ctx, v.Org)
	}
	resp := next(ctx)
	g.metrics.flush(v, &st.counts)
	if resp == nil && ctx.Err() != nil { // the request's deadline passed before anything resolved
		resp = &graphql.Response{Errors: gqlerror.List{timeoutError(ctx)}}
	}
	if err := st.stateErr.Load(); err != nil {
		// Decided without the consent state: nothing leaves, nothing was released.
		g.log.ErrorContext(ctx, "consent state not read", "request_id", RequestID(ctx), "error", redactLiterals((*err).Error()))
		return &graphql.Response{Errors: gqlerror.List{consentStateError(ctx)}}
	}
	written, err := g.record(ctx, st)
	st.mu.Lock()
	g.metrics.released(len(st.releasedTo), written)
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
// cannot be read, the rules look them up themselves.
func (g *fieldGuard) withEmployerID(ctx context.Context, org string) context.Context {
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	id, err := g.clientFrom(ctx).Employer.Query().Where(employer.ExternalID(org)).OnlyID(sys)
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
	if inf.bundle {
		return g.interceptBundle(ctx, fc, next)
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
	d := consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}
	var sub *subjectState
	var id int
	if st != nil {
		var found bool
		if id, found = subjectOf(fc.Parent); found {
			d, sub = g.decide(ctx, st, id, inf)
		}
	}
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
func (g *fieldGuard) interceptBundle(ctx context.Context, fc *graphql.FieldContext, next graphql.Resolver) (any, error) {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	if st == nil {
		return nil, nil
	}
	id, found := subjectOf(fc.Parent)
	if !found {
		st.withhold(fc, consent.NotPermitted)
		return nil, nil
	}
	var sub *subjectState
	for _, inf := range allCategories {
		var d consent.Decision
		if d, sub = g.decide(ctx, st, id, inf); d.Outcome != consent.Plain {
			st.withhold(fc, d.Reason)
			return nil, nil
		}
	}
	for _, inf := range allCategories {
		st.released(sub, id, inf, consent.Plain)
	}
	return next(ctx)
}

// decide returns the decision for one category of one subject, computing
// it once per operation for all subjects in the same consent state (a page
// of applicants shares a few). Fields resolve concurrently; a decision
// already made is read without a lock.
func (g *fieldGuard) decide(ctx context.Context, st *requestState, id int, inf fieldInfo) (consent.Decision, *subjectState) {
	c, i := inf.category, inf.index
	if i < 0 {
		return consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}, nil
	}
	sub := g.subject(ctx, st, id)
	if sub.failed {
		return consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}, nil
	}
	var d consent.Decision
	if k := sub.class.decisions[i].Load(); k != 0 {
		d = st.distinct[k-1]
	} else {
		d = g.engine.Decide(st.viewer, consent.Subject{Self: sub.self, Consents: sub.consents, LegalBasis: sub.basis}, c)
		st.mu.Lock()
		if sub.class.decisions[i].Load() == 0 {
			sub.class.decisions[i].Store(uint32(st.intern(d)))
		}
		st.mu.Unlock()
	}
	if bit := uint32(1) << i; sub.counted.Load()&bit == 0 && sub.counted.Or(bit)&bit == 0 {
		st.counts[i][d.Outcome].Add(1) // once per subject and category
	}
	return d, sub
}

// released notes that a value of one category of a subject's data left,
// plain or masked, once per subject and category: the subject's own
// access is not a release.
func (st *requestState) released(sub *subjectState, id int, inf fieldInfo, o consent.Outcome) {
	if sub == nil || sub.self {
		return
	}
	if bit := uint32(1) << inf.index; sub.recorded.Load()&bit == 0 && sub.recorded.Or(bit)&bit == 0 {
		st.mu.Lock()
		st.releases = append(st.releases, release{subject: id, category: inf.category, outcome: o})
		if !slices.Contains(st.releasedTo, id) {
			st.releasedTo = append(st.releasedTo, id)
		}
		st.mu.Unlock()
	}
}

// subject returns what the operation knows of one subject, loading their
// consents if no page did.
func (g *fieldGuard) subject(ctx context.Context, st *requestState, id int) *subjectState {
	if sub, ok := st.subjects.Load(id); ok {
		return sub.(*subjectState)
	}
	g.loadConsents(ctx, st, []int{id})
	sub, _ := st.subjects.Load(id)
	return sub.(*subjectState)
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

// isSelf reports whether the applicant with id is the viewer. The
// viewer's own profile is looked up once per operation (in the mutation's
// transaction, if any); until it exists nothing is anyone's own.
func (g *fieldGuard) isSelf(ctx context.Context, st *requestState, id int) bool {
	v := st.viewer
	if v.Role != consent.Applicant || v.Account == "" {
		return false
	}
	st.selfMu.Lock()
	defer st.selfMu.Unlock()
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

// loadConsents reads the consent state of the subjects not loaded yet, in
// one indexed query, keeping only the lines that can matter to this
// viewer: its purposes, and for EMPLOYER_PROVISION those towards all
// employers or towards its own organisation (rule.Towards). The state is
// read as the enforcement layer, not as the viewer: deciding needs it
// whatever rows the viewer may see. If it cannot be read, the subjects are
// marked failed, every decision about them hides, and the operation's
// response carries no data at all (InterceptResponse): fail closed, for
// every consent default, opt-out included. A viewer whose decisions depend
// on no consent reads nothing. For a compliance viewer it reads the live
// access grants it holds for these subjects instead (liveGrants).
func (g *fieldGuard) loadConsents(ctx context.Context, st *requestState, ids []int) {
	var missing []int
	for _, id := range ids {
		if _, ok := st.subjects.Load(id); !ok && !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return
	}
	lines := make(map[int][]consent.Entry, len(missing))
	failed := false
	if len(st.purposes) > 0 {
		purposes := make([]consentstate.Purpose, len(st.purposes))
		for i, p := range st.purposes {
			purposes[i] = consentstate.Purpose(p)
		}
		rows, err := g.clientFrom(ctx).ConsentState.Query().
			Where(consentstate.ApplicantIDIn(missing...), consentstate.PurposeIn(purposes...), rule.Towards(ctx, st.viewer.Org)).
			Select(consentstate.FieldApplicantID, consentstate.FieldPurpose, consentstate.FieldRecipientID,
				consentstate.FieldCategory, consentstate.FieldConsentID, consentstate.FieldGranted).
			All(privacy.DecisionContext(ctx, privacy.Allow))
		if err != nil {
			failed = true
			st.failConsentState(err)
		}
		for _, r := range rows {
			e := consent.Entry{Seq: int64(r.ConsentID), Purpose: consent.Purpose(r.Purpose),
				Category: consent.Category(r.Category), Granted: r.Granted}
			if r.RecipientID != 0 { // towards the viewer's organisation: the query kept no other
				e.Recipient = st.viewer.Org
			}
			lines[r.ApplicantID] = append(lines[r.ApplicantID], e)
		}
	}
	var bases map[int]consent.LegalBasis
	if st.grants {
		bases = g.liveGrants(ctx, st, missing)
	}
	for _, id := range missing {
		c := consent.State(lines[id]...)
		self := g.isSelf(ctx, st, id)
		b := bases[id]
		st.subjects.LoadOrStore(id, &subjectState{consents: c, self: self, basis: b, failed: failed, class: st.classOf(self, c, b)})
	}
}

// failConsentState notes that the consent state could not be read: the
// response will carry no data, only a retryable error.
func (st *requestState) failConsentState(err error) {
	st.stateErr.CompareAndSwap(nil, &err)
}

// liveGrants returns the legal basis of the live access grant the
// compliance viewer holds for each of the subjects that has one (the
// oldest grant's, if several), in one query evaluated by the database at
// this moment (rule.LiveGrants): an expiry or a revocation counts from the
// next request. Grants are read as the enforcement layer. If they cannot
// be read, no subject has a basis: fail closed.
func (g *fieldGuard) liveGrants(ctx context.Context, st *requestState, ids []int) map[int]consent.LegalBasis {
	rows, err := g.clientFrom(ctx).AccessGrant.Query().
		Where(accessgrant.SubjectIDIn(ids...), rule.LiveGrants(st.viewer.Account, time.Now())).
		Order(ent.Asc(accessgrant.FieldID)).
		Select(accessgrant.FieldSubjectID, accessgrant.FieldBasis).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil || len(rows) == 0 {
		return nil
	}
	out := make(map[int]consent.LegalBasis, len(rows))
	for _, r := range rows {
		if _, ok := out[r.SubjectID]; !ok {
			out[r.SubjectID] = consent.LegalBasis(r.Basis)
		}
	}
	return out
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
// ancestor that is an applicant, or an application or privacy request of
// theirs. Values in between (a work history entry, the list holding it)
// belong to that ancestor. Any other entity first means there is no
// subject, and the field is hidden.
func subjectOf(fc *graphql.FieldContext) (int, bool) {
	for ; fc != nil; fc = fc.Parent {
		r := fc.Result
		if _, direct := r.(ent.Noder); !direct {
			r = deref(r)
		}
		switch r := r.(type) {
		case *ent.Applicant:
			return r.ID, r != nil
		case *ent.Application:
			return r.ApplicantID, r != nil && r.ApplicantID != 0
		case *ent.PrivacyRequest:
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

// release is one category of one subject's data released, plain or masked.
type release struct {
	subject  int
	category consent.Category
	outcome  consent.Outcome
}

// subjectState is what an operation knows of one subject: whether they are
// the viewer, their consents (fixed once loaded), the legal basis of the
// viewer's live access grant for them (compliance only), the decision class
// they share with every subject in the same state, and which categories of
// theirs have been counted in the metrics.
type subjectState struct {
	self     bool
	consents consent.Consents
	basis    consent.LegalBasis
	failed   bool // the consent state could not be read: every decision hides
	class    *decisionClass
	counted  atomic.Uint32 // bit i: category i counted in the metrics
	recorded atomic.Uint32 // bit i: category i released, for the access record
}

// decisionClass holds the decisions for one consent state, by category
// index: 0 until decided, then the 1-based index of the decision in
// requestState.distinct.
type decisionClass struct {
	decisions [consent.NumCategories]atomic.Uint32
}

// classOf returns the decision class of subjects in this state.
func (st *requestState) classOf(self bool, c consent.Consents, basis consent.LegalBasis) *decisionClass {
	key := c.Key()
	if self {
		key = "self\x02" + key
	}
	if basis != "" {
		key = "basis\x03" + string(basis) + "\x03" + key
	}
	cl, _ := st.classes.LoadOrStore(key, &decisionClass{})
	return cl.(*decisionClass)
}

// requestState is what the guard keeps for one operation.
type requestState struct {
	viewer   consent.Viewer
	purposes []consent.Purpose // the viewer's: its decisions depend on subjects' consents
	grants   bool              // a compliance viewer: its decisions depend on its live access grants

	selfMu sync.Mutex
	selfID int // the viewer's own applicant id, once found

	subjects   sync.Map // subject id → *subjectState
	classes    sync.Map // consent state key → *decisionClass
	counts     decisionCounts
	releases   []release             // personal data released to someone other than its subject
	releasedTo []int                 // the subjects of those releases, counted as they happen
	stateErr   atomic.Pointer[error] // the consent state could not be read

	mu        sync.Mutex
	distinct  [255]consent.Decision // the operation's distinct decisions, ndistinct of them
	ndistinct int
	withheld  map[*graphql.FieldContext]*withheldObject // by the object's field context
}

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

// record writes one access record per subject whose data the operation
// released, all in one statement, before the response leaves: viewer, role,
// organisation, purpose, subject (and its keyed pseudonym), each category
// with its outcome, the legal basis of a release under an access grant, the
// policy version, the request id and the time.
func (g *fieldGuard) record(ctx context.Context, st *requestState) (written int, err error) {
	st.mu.Lock()
	releases := st.releases
	st.mu.Unlock()
	if len(releases) == 0 {
		return 0, nil
	}
	bySubject := map[int][]release{}
	var order []int
	for _, r := range releases {
		if bySubject[r.subject] == nil {
			order = append(order, r.subject)
		}
		bySubject[r.subject] = append(bySubject[r.subject], r)
	}
	slices.Sort(order)
	purpose := string(st.viewer.Purpose)
	if purpose == "" {
		names := make([]string, len(st.purposes))
		for i, p := range st.purposes {
			names[i] = string(p)
		}
		purpose = strings.Join(names, ",")
	}
	allow := privacy.DecisionContext(ctx, privacy.Allow)
	// The policy version in force at request time (§8); the policy file's
	// own before any is published.
	version := g.engine.Policy().Version
	if pv, err := policyVersionInForce(allow, g.client); err != nil {
		return 0, err
	} else if pv != nil {
		version = pv.Version
	}
	now := time.Now()
	builders := make([]*ent.AccessRecordCreate, 0, len(order))
	for _, id := range order {
		rs := bySubject[id]
		slices.SortFunc(rs, func(a, b release) int { return strings.Compare(string(a.category), string(b.category)) })
		cats := make([]string, len(rs))
		decision := consent.Masked
		for i, r := range rs {
			cats[i] = string(r.category) + ":" + r.outcome.String()
			decision = min(decision, r.outcome)
		}
		b := g.client.AccessRecord.Create().
			SetAt(now).SetRequestID(RequestID(ctx)).SetViewerAccount(st.viewer.Account).
			SetViewerRole(string(st.viewer.Role)).SetViewerOrg(st.viewer.Org).SetPurpose(purpose).
			SetSubjectID(id).SetSubjectRef(g.pseudonym(id)).SetCategories(cats).SetDecision(decision.String()).
			SetPolicyVersion(version)
		if st.grants {
			if sub, ok := st.subjects.Load(id); ok && sub.(*subjectState).basis != "" {
				b.SetLegalBasis(string(sub.(*subjectState).basis))
			}
		}
		builders = append(builders, b)
	}
	if err := g.client.AccessRecord.CreateBulk(builders...).Exec(allow); err != nil {
		return 0, err
	}
	return len(builders), nil
}

// pseudonym is the subject's keyed, stable token, kept in access records
// after the subject's deletion.
func (g *fieldGuard) pseudonym(id int) string {
	mac := hmac.New(sha256.New, g.masker.HashKey)
	mac.Write([]byte("applicant:" + strconv.Itoa(id)))
	return "s:" + hex.EncodeToString(mac.Sum(nil)[:16])
}
