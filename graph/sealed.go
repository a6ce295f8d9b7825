package graph

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessgrant"
	"consentgate/ent/privacy"
	"consentgate/ent/rule"
	"consentgate/ent/sealedsubject"
	"consentgate/graph/model"
	"consentgate/records"
)

// sealedState is what an operation knows of one erased subject's sealed
// identity: the live access grant of the viewer's naming it (none: id 0),
// and which categories of it have been released, for the access record.
type sealedState struct {
	grant    int
	basis    consent.LegalBasis
	recorded atomic.Uint32 // bit i: category i released
}

// sealedOf returns the sealed identity a field belongs to: its object's,
// as the root field sealedSubject returns it (a plain type assertion: it
// runs for every personal field). A sealed identity reached any other way
// is not one here, and its fields are hidden (subjectOf finds no subject).
func sealedOf(fc *graphql.FieldContext) (*model.SealedIdentity, bool) {
	if fc == nil {
		return nil, false
	}
	s, ok := fc.Result.(*model.SealedIdentity)
	return s, ok && s != nil
}

// decideSealed decides one field of a sealed identity: the engine's
// decision for a subject held under the legal basis of the viewer's live
// grant naming the identity's pseudonym (plain, for the compliance account
// that opened it), hidden for everyone else. The row rule
// (rule.FilterSealedSubjects) already kept the identity from anyone
// without such a grant; this is the field's own check, and it finds the
// grant the access record names.
func (g *fieldGuard) decideSealed(ctx context.Context, st *requestState, s *model.SealedIdentity, inf fieldInfo) (consent.Decision, *sealedState) {
	if st == nil || !st.grants || inf.index < 0 {
		return consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}, nil
	}
	sub := g.sealedGrant(ctx, st, s.SubjectRef)
	if sub.grant == 0 {
		return consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}, nil
	}
	return g.engine.Decide(st.viewer, consent.Subject{LegalBasis: sub.basis}, inf.category), sub
}

// sealedGrant returns what the operation knows of the sealed identity of
// ref, finding once the oldest live grant the viewer holds for it (as the
// enforcement layer, evaluated by the database now). If grants cannot be
// read there is none: fail closed.
func (g *fieldGuard) sealedGrant(ctx context.Context, st *requestState, ref string) *sealedState {
	if s, ok := st.sealed.Load(ref); ok {
		return s.(*sealedState)
	}
	s := &sealedState{}
	row, err := g.clientFrom(ctx).AccessGrant.Query().
		Where(accessgrant.SubjectRef(ref), rule.LiveGrants(st.viewer.Account, time.Now())).
		Order(ent.Asc(accessgrant.FieldID)).Select(accessgrant.FieldID, accessgrant.FieldBasis).
		First(privacy.DecisionContext(ctx, privacy.Allow))
	if err == nil {
		s.grant, s.basis = row.ID, consent.LegalBasis(row.Basis)
	}
	actual, _ := st.sealed.LoadOrStore(ref, s)
	return actual.(*sealedState)
}

// releasedSealed notes that a category of a sealed identity left.
func (st *requestState) releasedSealed(s *sealedState, inf fieldInfo) {
	if bit := uint32(1) << inf.index; s.recorded.Load()&bit == 0 {
		s.recorded.Or(bit)
	}
}

// sealedRecords returns the access records of the sealed identities the
// operation released: one per identity, its pseudonym, no subject id (the
// subject is erased), the categories, the legal basis and the grant.
func (g *fieldGuard) sealedRecords(ctx context.Context, st *requestState, now time.Time, version string) []*ent.AccessRecordCreate {
	var refs []string
	st.sealed.Range(func(k, v any) bool {
		if v.(*sealedState).recorded.Load() != 0 {
			refs = append(refs, k.(string))
		}
		return true
	})
	slices.Sort(refs)
	out := make([]*ent.AccessRecordCreate, 0, len(refs))
	for _, ref := range refs {
		v, _ := st.sealed.Load(ref)
		s := v.(*sealedState)
		var cats []string
		for i, c := range consent.Categories {
			if s.recorded.Load()&(1<<i) != 0 {
				cats = append(cats, string(c)+":"+consent.Plain.String())
			}
		}
		slices.SortFunc(cats, strings.Compare)
		out = append(out, g.client.AccessRecord.Create().
			SetAt(now).SetRequestID(RequestID(ctx)).SetViewerAccount(st.viewer.Account).
			SetViewerRole(string(st.viewer.Role)).SetViewerOrg(st.viewer.Org).SetPurpose("").
			SetSubjectRef(ref).SetCategories(cats).SetDecision(consent.Plain.String()).SetPolicyVersion(version).
			SetLegalBasis(string(s.basis)).SetGrantID(s.grant))
	}
	return out
}

// openSealed returns the sealed identity of ref as the viewer reaches it
// (the row rule: a live grant of its own naming it), opened; nil if it
// does not reach one.
func openSealed(ctx context.Context, client *ent.Client, ref string) (*model.SealedIdentity, error) {
	row, err := client.SealedSubject.Query().Where(sealedsubject.SubjectRef(ref)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil // none, or none the viewer reaches: the same answer
	}
	if err != nil {
		return nil, err
	}
	sealer := records.SealerFrom(ctx)
	if sealer == nil {
		return nil, records.ErrNoSealer
	}
	id, err := sealer.Open(row.SubjectRef, row.Sealed)
	if err != nil {
		return nil, err
	}
	out := &model.SealedIdentity{SubjectRef: row.SubjectRef, SealedAt: row.SealedAt, PurgeAfter: row.PurgeAfter,
		ApplicantID: &id.ApplicantID, AccountID: &id.AccountID, Name: &id.Name, Email: &id.Email, BirthDate: id.BirthDate}
	if id.NameKana != "" {
		out.NameKana = &id.NameKana
	}
	if id.Phone != "" {
		out.Phone = &id.Phone
	}
	return out, nil
}
