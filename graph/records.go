package graph

import (
	"context"
	"slices"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/privacy"
	"consentgate/ent/rule"
)

// release is one category of one subject's data released, plain or masked.
type release struct {
	subject  int
	category consent.Category
	outcome  consent.Outcome
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

// record writes one access record per subject whose data the operation
// released, with those of the operations writing theirs at the same time
// (recorder), before the response leaves: viewer, role,
// organisation, purpose, subject (and its keyed pseudonym), each category
// with its outcome, the legal basis of a release under an access grant, the
// policy version, the request id and the time.
func (g *fieldGuard) record(ctx context.Context, st *requestState) (written int, err error) {
	st.mu.Lock()
	releases := st.releases
	st.mu.Unlock()
	if len(releases) == 0 && !st.sealedReleased() {
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
	if pv, err := policyVersionInForce(allow, g.client, rule.Now(ctx)); err != nil {
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
		if st.recipientName != "" {
			b.SetRecipientName(st.recipientName)
		}
		if v, ok := st.subjects.Load(id); ok {
			sub := v.(*subjectState)
			switch {
			case st.grants && sub.basis != "":
				b.SetLegalBasis(string(sub.basis))
				if sub.grant != 0 {
					b.SetGrantID(sub.grant)
				}
			default:
				if entry := st.consentReliedOn(sub); entry != 0 {
					b.SetConsentID(entry)
				}
			}
		}
		builders = append(builders, b)
	}
	builders = append(builders, g.sealedRecords(ctx, st, now, version)...)
	if len(builders) == 0 {
		return 0, nil
	}
	if err := g.recorder.write(allow, builders); err != nil {
		return 0, err
	}
	return len(builders), nil
}

// consentReliedOn returns the consent ledger entry the release of sub's
// data relied on: of the purposes the viewer acted under, in the policy's
// order, the first whose entry in force for the whole purpose (towards the
// viewer's organisation, for EMPLOYER_PROVISION: the scope rule) is a
// grant; 0 if none is (a necessary purpose, an opt-out one never
// withdrawn). It reads the consent state lines the decisions were made
// with: no query of its own.
func (st *requestState) consentReliedOn(sub *subjectState) int {
	for _, p := range st.purposes {
		recipient := ""
		if p == consent.EmployerProvision {
			recipient = st.viewer.Org
		}
		if e, ok := sub.consents.InForce(p, recipient, ""); ok && e.Granted {
			return int(e.Seq)
		}
	}
	return 0
}

// sealedReleased reports whether the operation released any sealed
// identity.
func (st *requestState) sealedReleased() bool {
	found := false
	st.sealed.Range(func(_, v any) bool {
		found = v.(*sealedState).recorded.Load() != 0
		return !found
	})
	return found
}

// pseudonym is the subject's keyed, stable token (consent.Masker.Pseudonym),
// kept in access records after the subject's deletion.
func (g *fieldGuard) pseudonym(id int) string { return g.masker.Pseudonym(id) }
