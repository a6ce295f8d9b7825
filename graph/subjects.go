package graph

import (
	"context"
	"reflect"
	"slices"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessgrant"
	"consentgate/ent/application"
	"consentgate/ent/consentstate"
	"consentgate/ent/predicate"
	"consentgate/ent/privacy"
	"consentgate/ent/rule"
)

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

// subjectRef names the subject a personal field belongs to and, when the
// field is an application's own (its reason, its answers), that
// application.
type subjectRef struct {
	id  int // the applicant
	app int // the application, or 0
}

// subjectOf finds the applicant a personal field belongs to: the nearest
// ancestor that is an applicant, or an application or privacy request of
// theirs. Values in between (a work history entry, the list holding it)
// belong to that ancestor. Any other entity first means there is no
// subject, and the field is hidden.
func subjectOf(fc *graphql.FieldContext) (subjectRef, bool) {
	for ; fc != nil; fc = fc.Parent {
		r := fc.Result
		if _, direct := r.(ent.Noder); !direct {
			r = deref(r)
		}
		switch r := r.(type) {
		case *ent.Applicant:
			return subjectRef{id: r.ID}, r != nil
		case *ent.Application:
			return subjectRef{id: r.ApplicantID, app: r.ID}, r != nil && r.ApplicantID != 0
		case *ent.PrivacyRequest:
			return subjectRef{id: r.ApplicantID}, r != nil && r.ApplicantID != 0
		case *ent.Answer:
			// A value of the application it answers: that is the
			// subject's (an answer reached on its own has none).
			continue
		case ent.Noder:
			return subjectRef{}, false
		}
	}
	return subjectRef{}, false
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

// subjectState is what an operation knows of one subject: whether they are
// the viewer, their consents (fixed once loaded), the legal basis of the
// viewer's live access grant for them (compliance only), where provision
// to the viewer's organisation stands (employers only: for the subject,
// and for each of their applications to it), the decision class they
// share with every subject in the same state (one per provision stage),
// and which categories of theirs have been counted in the metrics.
type subjectState struct {
	self      bool
	consents  consent.Consents
	basis     consent.LegalBasis
	grant     int                            // the live access grant basis is of (0: none)
	stage     consent.ProvisionStage         // the most any application of theirs to the viewer's organisation provides
	appStages map[int]consent.ProvisionStage // by application: each one's own (absent: ended)
	failed    bool                           // the consent state could not be read: every decision hides
	classes   [consent.NumProvisionStages]*decisionClass
	counted   atomic.Uint32 // bit i: category i counted in the metrics
	recorded  atomic.Uint32 // bit i: category i released, for the access record
}

// stageOf returns where provision stands for a field of ref: the
// application's own for an application's field, the subject's otherwise.
// Only an employer's decisions depend on it.
func (sub *subjectState) stageOf(st *requestState, ref subjectRef) consent.ProvisionStage {
	if !st.stages {
		return sub.stage
	}
	if ref.app != 0 {
		return sub.appStages[ref.app]
	}
	return sub.stage
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
		started := time.Now()
		rows, err := g.clientFrom(ctx).ConsentState.Query().
			Where(consentstate.ApplicantIDIn(missing...), consentstate.PurposeIn(purposes...), rule.Towards(ctx, st.viewer.Org)).
			Select(consentstate.FieldApplicantID, consentstate.FieldPurpose, consentstate.FieldRecipientID,
				consentstate.FieldCategory, consentstate.FieldConsentID, consentstate.FieldGranted,
				consentstate.FieldAppliesFrom, consentstate.FieldVoidFrom).
			All(privacy.DecisionContext(ctx, privacy.Allow))
		g.metrics.stateRead(time.Since(started), err)
		if err != nil {
			failed = true
			st.failConsentState(err)
		}
		for _, r := range rows {
			e := consent.Entry{Seq: int64(r.ConsentID), Purpose: consent.Purpose(r.Purpose),
				Category: consent.Category(r.Category), Granted: r.Granted}
			if r.AppliesFrom != nil {
				e.From = *r.AppliesFrom
			}
			if r.VoidFrom != nil {
				e.Until = *r.VoidFrom
			}
			if r.RecipientID != 0 { // towards the viewer's organisation: the query kept no other
				e.Recipient = st.viewer.Org
			}
			lines[r.ApplicantID] = append(lines[r.ApplicantID], e)
		}
	}
	var bases map[int]liveGrant
	if st.grants {
		bases = g.liveGrants(ctx, st, missing)
	}
	var stages map[int]consent.ProvisionStage
	var appStages map[int]map[int]consent.ProvisionStage
	if st.stages && !failed {
		var err error
		if stages, appStages, err = g.provisionStages(ctx, st, missing); err != nil {
			failed = true
			st.failConsentState(err)
		}
	}
	for _, id := range missing {
		c := consent.StateAt(rule.Now(ctx), lines[id]...)
		self := g.isSelf(ctx, st, id)
		b := bases[id].basis
		sub := &subjectState{consents: c, self: self, basis: b, grant: bases[id].id, failed: failed, stage: stages[id], appStages: appStages[id]}
		for stage := range sub.classes {
			if stage == 0 || st.stages {
				sub.classes[stage] = st.classOf(self, c, b, consent.ProvisionStage(stage))
			}
		}
		st.subjects.LoadOrStore(id, sub)
	}
}

// provisionStages finds, for an employer viewer, where provision to its
// organisation stands for each of the subjects (the most any of their
// applications to it provides) and for each of those applications, by the
// row rules' own definition (rule.ProvisionOpen, rule.ProvisionKept), at
// the operation's time. Read as the enforcement layer; an application
// found by neither has ended.
func (g *fieldGuard) provisionStages(ctx context.Context, st *requestState, ids []int) (map[int]consent.ProvisionStage, map[int]map[int]consent.ProvisionStage, error) {
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	subjects := map[int]consent.ProvisionStage{}
	apps := map[int]map[int]consent.ProvisionStage{}
	for _, q := range []struct {
		stage consent.ProvisionStage
		where predicate.Application
	}{
		{consent.ProvisionKept, rule.ProvisionKept(ctx, st.viewer.Org)},
		{consent.ProvisionOpen, rule.ProvisionOpen(ctx, st.viewer.Org)},
	} {
		rows, err := g.clientFrom(ctx).Application.Query().
			Where(application.ApplicantIDIn(ids...), q.where).
			Select(application.FieldID, application.FieldApplicantID).All(sys)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range rows {
			subjects[r.ApplicantID] = max(subjects[r.ApplicantID], q.stage)
			if apps[r.ApplicantID] == nil {
				apps[r.ApplicantID] = map[int]consent.ProvisionStage{}
			}
			apps[r.ApplicantID][r.ID] = q.stage
		}
	}
	return subjects, apps, nil
}

// failConsentState notes that the consent state could not be read: the
// response will carry no data, only a retryable error.
func (st *requestState) failConsentState(err error) {
	st.stateErr.CompareAndSwap(nil, &err)
}

// liveGrant is a live access grant: its id and its legal basis.
type liveGrant struct {
	id    int
	basis consent.LegalBasis
}

// liveGrants returns the live access grant the compliance viewer holds for
// each of the subjects that has one (the oldest, if several), in one query
// evaluated by the database at this moment (rule.LiveGrants): an expiry or
// a revocation counts from the next request. Grants are read as the
// enforcement layer. If they cannot be read, no subject has a basis: fail
// closed.
func (g *fieldGuard) liveGrants(ctx context.Context, st *requestState, ids []int) map[int]liveGrant {
	rows, err := g.clientFrom(ctx).AccessGrant.Query().
		Where(accessgrant.SubjectIDIn(ids...), rule.LiveGrants(st.viewer.Account, time.Now())).
		Order(ent.Asc(accessgrant.FieldID)).
		Select(accessgrant.FieldID, accessgrant.FieldSubjectID, accessgrant.FieldBasis).
		All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil || len(rows) == 0 {
		return nil
	}
	out := make(map[int]liveGrant, len(rows))
	for _, r := range rows {
		if r.SubjectID == nil {
			continue
		}
		if _, ok := out[*r.SubjectID]; !ok {
			out[*r.SubjectID] = liveGrant{id: r.ID, basis: consent.LegalBasis(r.Basis)}
		}
	}
	return out
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
		self, err := ownProfile(ctx, g.clientFrom(ctx)).OnlyID(ctx)
		if err != nil {
			return false
		}
		st.selfID = self
	}
	return st.selfID == id
}

func (g *fieldGuard) clientFrom(ctx context.Context) *ent.Client { return clientFor(ctx, g.client) }
