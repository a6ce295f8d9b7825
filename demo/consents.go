package demo

import (
	"context"
	"slices"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/privacyrequest"
)

// ---------------------------------------------------------------------------
// Policy version, privacy requests and consents

// seedPolicyVersion writes policy version 2026-01, which every demo
// consent is given under.
func (s *demoSeeder) seedPolicyVersion(ctx context.Context) error {
	pv, err := s.tx.PolicyVersion.Create().
		SetVersion("2026-01").
		SetEffectiveAt(demoPolicyEffective).
		SetSummary("First version under consentgate. Consent is asked per purpose (§4 (1)-(7)); " +
			"applying to a job consents to providing the §5(1) items to that employer only, " +
			"and single categories can be withheld from employers.").
		SetTextDigest(consent.PolicyTextDigest()).SetText(string(consent.PolicyText())).
		SetChangedPurposes(consent.Purpose("").Values()).
		Save(ctx)
	if err != nil {
		return err
	}
	s.policyVersionID = pv.ID
	// A later version changed the analysis and mail magazine purposes
	// (§8): applicants who granted them before it stand on deemed
	// agreement unless they acknowledged it (seedAcknowledgements).
	later, err := s.tx.PolicyVersion.Create().
		SetVersion(demoPolicyChange).
		SetEffectiveAt(demoPolicyChangeEffective).
		SetPublishedAt(demoPolicyChangeEffective.AddDate(0, -1, 0)).
		SetSummary("Analysis (§4 (7)) now also measures how well job matching works; " +
			"mail magazines (§4 (3)) may include events of partner schools.").
		SetTextDigest(consent.PolicyTextDigest()).SetText(string(consent.PolicyText())).
		SetChangedPurposes([]string{string(consent.Analytics), string(consent.MailMagazine)}).
		Save(ctx)
	if err != nil {
		return err
	}
	s.policyChangeID = later.ID
	return nil
}

// seedAcknowledgements records that every third applicant acknowledged the
// policy change, a week after it took effect.
func (s *demoSeeder) seedAcknowledgements(ctx context.Context) error {
	var builders []*ent.PolicyAcknowledgementCreate
	for i, p := range s.people {
		if i%3 == 0 {
			builders = append(builders, s.tx.PolicyAcknowledgement.Create().SetApplicantID(p.id).
				SetPolicyVersionID(s.policyChangeID).SetAcknowledgedAt(demoPolicyChangeEffective.AddDate(0, 0, 7)))
		}
	}
	return s.tx.PolicyAcknowledgement.CreateBulk(builders...).Exec(ctx)
}

// plannedRequest is a privacy request to make: whose, in which status, of
// which kind.
type plannedRequest struct {
	person int // index into people
	status privacyrequest.Status
	kind   privacyrequest.Kind
}

// seedPrivacyRequests writes requests in every status, including an open
// one of the demo applicant, each due demoRequestDays after it was made.
func (s *demoSeeder) seedPrivacyRequests(ctx context.Context) error {
	r := s.r
	// The demo applicant's open request, then others for distinct
	// applicants registered early enough to have closed requests.
	plan := []plannedRequest{{0, privacyrequest.StatusRECEIVED, privacyrequest.KindDISCLOSURE}}
	others := r.Perm(249)
	for _, group := range requestPlan {
		for range group.count {
			person := 1 + others[len(plan)-1]
			kind := pickWeighted(r, requestKinds, func(k requestKind) int { return k.weight })
			if group.status == privacyrequest.StatusCOMPLETED && kind.kind == privacyrequest.KindDELETION {
				kind = requestKinds[0] // a completed deletion would have removed the applicant
			}
			plan = append(plan, plannedRequest{person, group.status, kind.kind})
		}
	}
	builders := make([]*ent.PrivacyRequestCreate, len(plan))
	for i, pr := range plan {
		p := s.people[pr.person]
		b := s.tx.PrivacyRequest.Create().SetApplicantID(p.id).SetKind(pr.kind).SetStatus(pr.status)
		var created time.Time
		switch pr.status {
		case privacyrequest.StatusRECEIVED, privacyrequest.StatusIN_PROGRESS:
			created = between(r, latest(p.registeredAt.Add(time.Hour), demoReferenceDay.AddDate(0, 0, -12)), demoReferenceDay.Add(-time.Hour))
		default:
			created = between(r, p.registeredAt.AddDate(0, 0, 1), demoReferenceDay.AddDate(0, 0, -15))
		}
		b.SetCreatedAt(created).SetDueAt(created.AddDate(0, 0, demoRequestDays))
		if pr.status != privacyrequest.StatusRECEIVED {
			b.SetHandler(oneOf(r, requestHandlers))
		}
		switch pr.status {
		case privacyrequest.StatusCOMPLETED:
			done := created.Add(time.Duration(1+r.IntN(13*24)) * time.Hour)
			b.SetCompletedAt(done)
			if pr.kind == privacyrequest.KindCEASE_OF_PROVISION {
				s.ceased = append(s.ceased, ceasedProvision{person: pr.person, at: done})
			}
		case privacyrequest.StatusREJECTED:
			b.SetRejectionReason(oneOf(r, rejectionReasons))
		}
		builders[i] = b
	}
	return s.tx.PrivacyRequest.CreateBulk(builders...).Exec(ctx)
}

// seedConsents writes the consent ledger: each applicant's own choices at
// registration, a grant to the employer for each application and its
// withdrawal when the application is withdrawn, a few categories withheld
// from employers, and withdrawals by completed cease-of-provision requests.
func (s *demoSeeder) seedConsents(ctx context.Context) error {
	r := s.r
	var builders []*ent.ConsentCreate
	add := func(person int, purpose entconsent.Purpose, granted bool, source entconsent.Source, at time.Time) *ent.ConsentCreate {
		b := s.tx.Consent.Create().
			SetApplicantID(s.people[person].id).
			SetPolicyVersionID(s.policyVersionID).
			SetPurpose(purpose).
			SetGranted(granted).
			SetSource(source).
			SetBasis(entconsent.BasisEXPLICIT).
			SetRecordedAt(at)
		builders = append(builders, b)
		return b
	}

	for i, p := range s.people {
		at := p.registeredAt.Add(time.Minute)
		if r.IntN(100) < 40 {
			add(i, entconsent.PurposeMAIL_MAGAZINE, true, entconsent.SourceAPPLICANT, at)
		}
		if r.IntN(100) < 70 {
			add(i, entconsent.PurposeANALYTICS, true, entconsent.SourceAPPLICANT, at)
		}
		if r.IntN(100) < 15 {
			add(i, entconsent.PurposeADVERTISING, false, entconsent.SourceAPPLICANT, between(r, at, demoReferenceDay))
		}
		if r.IntN(100) < 6 {
			add(i, entconsent.PurposeFEEDBACK, true, entconsent.SourceAPPLICANT, between(r, at, demoReferenceDay))
		}
	}

	// Provision grants and withdrawals are recorded by applying and
	// withdrawing (hooks.ProvisionConsent); some applicants also withhold a
	// category from the employer they applied to.
	withheld := map[int]bool{} // people who already withheld a category
	for _, a := range s.applications {
		employer := s.employerIDs[s.jobs[a.job].employer]
		switch {
		case a.status() == application.StatusWITHDRAWN:
		case !withheld[a.person] && r.IntN(100) < 2:
			withheld[a.person] = true
			add(a.person, entconsent.PurposeEMPLOYER_PROVISION, false, entconsent.SourceAPPLICANT, a.appliedAt.Add(10*time.Minute)).
				SetEmployerID(employer).
				SetWithheldCategory(oneOf(r, []entconsent.WithheldCategory{entconsent.WithheldCategoryFAMILY, entconsent.WithheldCategoryHOUSING}))
		}
	}

	// A cease of provision withdraws it from the employers applied to
	// before it. The seed appends the applications' grants first, and the
	// ledger's order is the order of its appends: an employer applied to
	// again after the cease (a grant later in time) gets no withdrawal.
	for _, c := range s.ceased {
		for _, e := range s.employersAppliedTo(c.person, c.at) {
			add(c.person, entconsent.PurposeEMPLOYER_PROVISION, false, entconsent.SourcePRIVACY_REQUEST, c.at).
				SetEmployerID(s.employerIDs[e])
		}
	}

	_, err := saveInBatches(ctx, builders, func(ctx context.Context, bs []*ent.ConsentCreate) ([]struct{}, error) {
		return nil, s.tx.Consent.CreateBulk(bs...).Exec(ctx)
	})
	return err
}

// employersAppliedTo lists the employers (indexes into demoEmployers)
// person applied to before a time and not since, in table order.
func (s *demoSeeder) employersAppliedTo(person int, before time.Time) []int {
	var out, after []int
	for _, a := range s.applications {
		if a.person != person {
			continue
		}
		e := s.jobs[a.job].employer
		if a.appliedAt.Before(before) {
			out = append(out, e)
		} else {
			after = append(after, e)
		}
	}
	out = slices.DeleteFunc(out, func(e int) bool { return slices.Contains(after, e) })
	slices.Sort(out)
	return slices.Compact(out)
}

// ---------------------------------------------------------------------------
// Tables of privacy requests

// requestPlan is how many privacy requests the demo holds in each status,
// besides the demo applicant's.
var requestPlan = []struct {
	status privacyrequest.Status
	count  int
}{
	{privacyrequest.StatusRECEIVED, 6},
	{privacyrequest.StatusIN_PROGRESS, 6},
	{privacyrequest.StatusCOMPLETED, 8},
	{privacyrequest.StatusREJECTED, 4},
}

// requestKind is a kind of privacy request, weighted; the first is the
// fallback for kinds that cannot be completed in the demo.
type requestKind struct {
	kind   privacyrequest.Kind
	weight int
}

var requestKinds = []requestKind{
	{privacyrequest.KindDISCLOSURE, 6}, {privacyrequest.KindCORRECTION, 5}, {privacyrequest.KindDELETION, 4},
	{privacyrequest.KindCEASE_OF_USE, 3}, {privacyrequest.KindCEASE_OF_PROVISION, 3}, {privacyrequest.KindNOTICE, 2},
	{privacyrequest.KindADDITION, 2},
}

var requestHandlers = []string{"support-1", "compliance-1"}

var rejectionReasons = []string{
	"The requester's identity could not be verified.",
	"The data is kept under a legal retention obligation (Employment Security Act records).",
	"Duplicate of an earlier request that has already been completed.",
}
