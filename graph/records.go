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
		if st.grants {
			if sub, ok := st.subjects.Load(id); ok && sub.(*subjectState).basis != "" {
				b.SetLegalBasis(string(sub.(*subjectState).basis))
			}
		}
		builders = append(builders, b)
	}
	if err := g.recorder.write(allow, builders); err != nil {
		return 0, err
	}
	return len(builders), nil
}

// pseudonym is the subject's keyed, stable token (consent.Masker.Pseudonym),
// kept in access records after the subject's deletion.
func (g *fieldGuard) pseudonym(id int) string { return g.masker.Pseudonym(id) }
