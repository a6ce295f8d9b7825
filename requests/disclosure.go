package requests

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/answer"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/hooks"
	"consentgate/ent/privacyrequest"
	"consentgate/ledger"
)

// disclosure answers a DISCLOSURE: everything held about the subject, as
// it is now: the profile (every field), applications (with their jobs),
// the consent ledger (current state and whole history), privacy requests
// (with any proposed changes) and the access records of every release of
// their data (who, in which role and organisation, for which purpose,
// which categories, when).
func (e *effects) disclosure(a *ent.Applicant) (*Disclosure, error) {
	pv, err := e.policyVersion()
	if err != nil {
		return nil, err
	}
	apps, err := e.client.Application.Query().Where(application.ApplicantID(a.ID)).
		WithJob(func(q *ent.JobQuery) { q.WithEmployer() }).
		WithAnswers(func(q *ent.AnswerQuery) { q.WithQuestion().Order(ent.Asc(answer.FieldID)) }).
		Order(ent.Asc(application.FieldCreatedAt), ent.Asc(application.FieldID)).All(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the applications: %w", err)
	}
	applications := make([]DisclosedApplication, len(apps))
	for i, app := range apps {
		var job *JobRef
		if j := app.Edges.Job; j != nil {
			job = &JobRef{ID: j.ID, Title: j.Title, Employer: employerRef(j.Edges.Employer)}
		}
		answers := make([]DisclosedAnswer, len(app.Edges.Answers))
		for k, an := range app.Edges.Answers {
			answers[k] = DisclosedAnswer{Category: string(an.Category), Text: an.Text}
			if q := an.Edges.Question; q != nil {
				answers[k].Question = q.Text
			}
		}
		applications[i] = DisclosedApplication{ID: app.ID, CreatedAt: app.CreatedAt, Status: app.Status,
			StatusChangedAt: timeOrNil(app.StatusChangedAt), Reason: app.Reason, Answers: answers, Job: job}
	}
	history, err := e.client.Consent.Query().Where(entconsent.ApplicantID(a.ID)).WithEmployer().WithPolicyVersion().
		Order(ent.Asc(entconsent.FieldID)).All(e.ctx)
	if err != nil {
		return nil, err
	}
	current, err := ledger.Current(e.ctx, e.client, a.ID)
	if err != nil {
		return nil, err
	}
	reqs, err := e.client.PrivacyRequest.Query().Where(privacyrequest.ApplicantID(a.ID)).
		Order(ent.Asc(privacyrequest.FieldCreatedAt), ent.Asc(privacyrequest.FieldID)).All(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the privacy requests: %w", err)
	}
	requests := make([]DisclosedRequest, len(reqs))
	for i, r := range reqs {
		requests[i] = DisclosedRequest{ID: r.ID, Kind: r.Kind, Status: r.Status, CreatedAt: r.CreatedAt, DueAt: r.DueAt,
			CompletedAt: r.CompletedAt, RejectionReason: r.RejectionReason}
		if len(r.ProposedChanges) > 0 {
			requests[i].ProposedChanges = r.ProposedChanges
		}
	}
	records, err := e.client.AccessRecord.Query().Where(accessrecord.SubjectID(a.ID)).
		Order(ent.Asc(accessrecord.FieldAt), ent.Asc(accessrecord.FieldID)).All(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the access records: %w", err)
	}
	accessRecords := make([]DisclosedRecord, len(records))
	for i, r := range records {
		accessRecords[i] = DisclosedRecord{At: r.At, ViewerRole: r.ViewerRole, ViewerOrg: r.ViewerOrg, Purpose: r.Purpose,
			Categories: r.Categories, Decision: r.Decision, LegalBasis: r.LegalBasis,
			PolicyVersion: r.PolicyVersion, RequestID: r.RequestID, RecipientName: r.RecipientName, ConsentID: r.ConsentID, GrantID: r.GrantID}
	}
	return &Disclosure{
		GeneratedAt:     e.now,
		PolicyVersion:   pv,
		Profile:         profileOf(a),
		Applications:    applications,
		Consents:        DisclosedConsents{Current: consentEntries(current), History: consentEntries(history)},
		PrivacyRequests: requests,
		AccessRecords:   accessRecords,
	}, nil
}

// consentEntries renders ledger entries, loaded with their employer and
// policy version.
func consentEntries(cs []*ent.Consent) []ConsentEntry {
	out := make([]ConsentEntry, len(cs))
	for i, c := range cs {
		out[i] = ConsentEntry{Purpose: c.Purpose, Granted: c.Granted, WithheldCategory: c.WithheldCategory,
			Employer: employerRef(c.Edges.Employer), Source: c.Source, Basis: c.Basis, RecordedAt: c.RecordedAt}
		if pv := c.Edges.PolicyVersion; pv != nil {
			out[i].PolicyVersion = &pv.Version
		}
	}
	return out
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// profileOf renders every field of an applicant, keyed by its GraphQL name
// (account_id: accountID), an unset date as null: the fields come from the
// entity itself, so a field added to the schema is exported with no change
// here.
func profileOf(a *ent.Applicant) map[string]any {
	out := map[string]any{}
	v := reflect.ValueOf(a).Elem()
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" || name == "edges" || !v.Type().Field(i).IsExported() {
			continue
		}
		value := v.Field(i).Interface()
		if t, ok := value.(time.Time); ok {
			value = timeOrNil(t)
		}
		out[hooks.GraphQLName(name)] = value
	}
	return out
}
