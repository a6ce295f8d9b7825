// Package rule holds the ent privacy rules: which rows each role reaches and
// which writes it may make. They run on every query and mutation of the
// client, so every GraphQL path (lists, connections, node, nested edges,
// mutation payloads) gets the same rows.
//
// Reads filter rather than fail: a viewer asking for rows it may not reach
// gets none, exactly as if they did not exist. Writes fail with
// privacy.Deny unless a rule allows them.
//
// It imports ent, consent and the consent state's table; it must not import
// graph, the gateway or anything GraphQL: rows are decided below the API.
package rule

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	"consentgate/ent/employer"
	"consentgate/ent/job"
	"consentgate/ent/operation"
	"consentgate/ent/predicate"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"

	entconsent "consentgate/ent/consent"
)

// none is a predicate no row satisfies.
func none[P ~func(*sql.Selector)]() P {
	return func(s *sql.Selector) { s.Where(sql.False()) }
}

// all is a predicate every row satisfies. It writes one (NOT FALSE) so
// that it composes everywhere, UPDATE filters included.
func all[P ~func(*sql.Selector)]() P {
	return func(s *sql.Selector) { s.Where(sql.Not(sql.False())) }
}

// ApplicantRows returns the applicants v reaches (DESIGN.md, Roles): an
// applicant themself; an employer the applicants with an application to
// one of its jobs not past its end of provision (or a hire it keeps
// categories of for employment) and a live provision consent for it; support the subjects
// of an open privacy request; marketing and analysts the subjects whose
// consents allow every purpose they act under (inside an aggregate only,
// when one of those purposes releases aggregates only); compliance the subjects of
// any privacy request and those of its own live access grants (§5(2)); nobody
// else anyone.
func ApplicantRows(ctx context.Context, v consent.Viewer) predicate.Applicant {
	switch {
	case v.Account == "":
		return none[predicate.Applicant]()
	case v.Role == consent.Applicant:
		return applicant.AccountID(v.Account)
	case v.Role == consent.Employer && v.Org != "":
		return func(s *sql.Selector) {
			s.Where(sql.And(sql.In(s.C(applicant.FieldID), applicantsOf(liveApplicationTo(ctx, v.Org))),
				consentedToAll(ctx, v, s.C(applicant.FieldID))))
		}
	case v.Role == consent.Support:
		return applicant.HasPrivacyRequestsWith(openRequest())
	case v.Role == consent.Marketing, v.Role == consent.Analyst:
		if aggregateOnly(ctx, v) && !forAggregate(ctx) {
			// Statistics only: never a subject as a row of its own.
			return none[predicate.Applicant]()
		}
		return func(s *sql.Selector) { s.Where(consentedToAll(ctx, v, s.C(applicant.FieldID))) }
	case v.Role == consent.Compliance:
		return applicant.Or(applicant.HasPrivacyRequests(), underLiveGrant(v.Account))
	}
	return none[predicate.Applicant]()
}

// ApplicationRows returns the applications v reaches: an applicant their
// own, an employer the ones to its own jobs not past their end of
// provision (and hires it keeps categories of) from the applicants it reaches, an aggregate those of the applicants it reaches,
// compliance those of the subjects of its own live access grants.
func ApplicationRows(ctx context.Context, v consent.Viewer) predicate.Application {
	switch {
	case v.Role == consent.Applicant && v.Account != "":
		return application.HasApplicantWith(applicant.AccountID(v.Account))
	case v.Role == consent.Employer && v.Org != "" && v.Account != "":
		// The application itself is the applicant's live application to
		// the organisation: what remains of ApplicantRows is the consent.
		return application.And(liveApplicationTo(ctx, v.Org), func(s *sql.Selector) {
			s.Where(consentedToAll(ctx, v, s.C(application.FieldApplicantID)))
		})
	case (v.Role == consent.Marketing || v.Role == consent.Analyst) && forAggregate(ctx):
		return application.HasApplicantWith(ApplicantRows(ctx, v))
	case v.Role == consent.Compliance && v.Account != "":
		return application.HasApplicantWith(underLiveGrant(v.Account))
	}
	return none[predicate.Application]()
}

// JobRows returns the jobs v reaches: published jobs for everyone, plus an
// employer's own jobs in any status, the jobs an applicant applied to, and
// for compliance the jobs the subjects of its live access grants applied to
// and the jobs with questions (which it reviews).
func JobRows(v consent.Viewer) predicate.Job {
	published := job.StatusEQ(job.StatusPUBLISHED)
	switch {
	case v.Role == consent.Employer && v.Org != "":
		return job.Or(published, ownJob(v.Org))
	case v.Role == consent.Applicant && v.Account != "":
		return job.Or(published, job.HasApplicationsWith(application.HasApplicantWith(applicant.AccountID(v.Account))))
	case v.Role == consent.Compliance && v.Account != "":
		// The jobs of the subjects it holds a grant for, and those whose
		// questions it reviews.
		return job.Or(published, job.HasApplicationsWith(application.HasApplicantWith(underLiveGrant(v.Account))), job.HasQuestions())
	}
	return published
}

// ConsentRows returns the consent ledger entries v reaches: those of the
// subjects it reaches, for the subject and staff handling their requests.
func ConsentRows(ctx context.Context, v consent.Viewer) predicate.Consent {
	switch v.Role {
	case consent.Applicant, consent.Support, consent.Compliance:
		return entconsent.HasApplicantWith(ApplicantRows(ctx, v))
	}
	return none[predicate.Consent]()
}

// PrivacyRequestRows returns the privacy requests v reaches: an applicant
// their own; support the open ones, whose subjects it reaches; compliance
// all of them.
func PrivacyRequestRows(v consent.Viewer) predicate.PrivacyRequest {
	switch {
	case v.Account == "":
	case v.Role == consent.Applicant:
		return privacyrequest.HasApplicantWith(applicant.AccountID(v.Account))
	case v.Role == consent.Support:
		return openRequest()
	case v.Role == consent.Compliance:
		return all[predicate.PrivacyRequest]()
	}
	return none[predicate.PrivacyRequest]()
}

func openRequest() predicate.PrivacyRequest {
	return privacyrequest.StatusIn(privacyrequest.StatusRECEIVED, privacyrequest.StatusIN_PROGRESS)
}

// AccessRecordRows returns the access records v reaches: an applicant the
// trail of their own data, compliance all of them.
func AccessRecordRows(v consent.Viewer) predicate.AccessRecord {
	switch {
	case v.Role == consent.Applicant && v.Account != "":
		return func(s *sql.Selector) {
			a := sql.Table(applicant.Table)
			s.Where(sql.In(s.C(accessrecord.FieldSubjectID),
				sql.Select(a.C(applicant.FieldID)).From(a).Where(sql.EQ(a.C(applicant.FieldAccountID), v.Account))))
		}
	case v.Role == consent.Compliance && v.Account != "":
		return all[predicate.AccessRecord]()
	}
	return none[predicate.AccessRecord]()
}

// OperationRows returns the approved operations v reaches: admin and
// compliance every one, revoked or not (they are the record of approvals);
// analysts and marketing the unrevoked ones under the purposes they act
// under, which are what they may run; nobody else any.
func OperationRows(ctx context.Context, v consent.Viewer) predicate.Operation {
	switch {
	case v.Account == "":
	case v.Role == consent.Admin, v.Role == consent.Compliance:
		return all[predicate.Operation]()
	case v.Role == consent.Analyst, v.Role == consent.Marketing:
		e := consent.EngineFrom(ctx)
		if e == nil {
			break
		}
		purposes := e.PurposesOf(v)
		if len(purposes) == 0 {
			break
		}
		ps := make([]operation.Purpose, len(purposes))
		for i, p := range purposes {
			ps[i] = operation.Purpose(p)
		}
		return operation.And(operation.ApprovedAtNotNil(), operation.RevokedAtIsNil(), operation.PurposeIn(ps...))
	}
	return none[predicate.Operation]()
}

// liveApplicationTo returns the applications to org's jobs whose
// provision to org has not ended (provision.go), and the hires whose grace
// period is over when the policy keeps categories for employment: IN over
// org's job ids (isOwnJob; the applications' job index), so that it costs
// what org's own applications cost. No policy in ctx: none.
func liveApplicationTo(ctx context.Context, org string) predicate.Application {
	return func(s *sql.Selector) {
		e := consent.EngineFrom(ctx)
		if e == nil {
			s.Where(sql.False())
			return
		}
		reach := sql.Not(provisionEnded(ctx, s, e.Policy(), org))
		if len(e.Policy().EndOfProvision[consent.Hired].Keep) > 0 {
			reach = sql.Or(reach, sql.EQ(s.C(application.FieldStatus), application.StatusHIRED))
		}
		s.Where(sql.And(isOwnJob(ctx, s.C(application.FieldJobID), org), reach))
	}
}

// applicantsOf selects the applicant ids of the applications p selects.
func applicantsOf(p predicate.Application) *sql.Selector {
	a := sql.Select(application.FieldApplicantID).From(sql.Table(application.Table))
	p(a)
	return a
}

func ownJob(org string) predicate.Job {
	return job.HasEmployerWith(employer.ExternalID(org))
}

// FilterApplicants limits every applicant query to ApplicantRows.
func FilterApplicants() privacy.QueryRule {
	return privacy.ApplicantQueryRuleFunc(func(ctx context.Context, q *ent.ApplicantQuery) error {
		q.Where(ApplicantRows(ctx, consent.FromContext(ctx)))
		return privacy.Allow
	})
}

// FilterApplications limits every application query to ApplicationRows.
func FilterApplications() privacy.QueryRule {
	return privacy.ApplicationQueryRuleFunc(func(ctx context.Context, q *ent.ApplicationQuery) error {
		q.Where(ApplicationRows(ctx, consent.FromContext(ctx)))
		return privacy.Allow
	})
}

// FilterJobs limits every job query to JobRows.
func FilterJobs() privacy.QueryRule {
	return privacy.JobQueryRuleFunc(func(ctx context.Context, q *ent.JobQuery) error {
		q.Where(JobRows(consent.FromContext(ctx)))
		return privacy.Allow
	})
}

// FilterConsents limits every consent query to ConsentRows.
func FilterConsents() privacy.QueryRule {
	return privacy.ConsentQueryRuleFunc(func(ctx context.Context, q *ent.ConsentQuery) error {
		q.Where(ConsentRows(ctx, consent.FromContext(ctx)))
		return privacy.Allow
	})
}

// FilterPrivacyRequests limits every privacy request query to PrivacyRequestRows.
func FilterPrivacyRequests() privacy.QueryRule {
	return privacy.PrivacyRequestQueryRuleFunc(func(ctx context.Context, q *ent.PrivacyRequestQuery) error {
		q.Where(PrivacyRequestRows(consent.FromContext(ctx)))
		return privacy.Allow
	})
}

// FilterAccessRecords limits every access record query to AccessRecordRows.
func FilterAccessRecords() privacy.QueryRule {
	return privacy.AccessRecordQueryRuleFunc(func(ctx context.Context, q *ent.AccessRecordQuery) error {
		q.Where(AccessRecordRows(consent.FromContext(ctx)))
		return privacy.Allow
	})
}

// FilterOperations limits every operation query to OperationRows.
func FilterOperations() privacy.QueryRule {
	return privacy.OperationQueryRuleFunc(func(ctx context.Context, q *ent.OperationQuery) error {
		q.Where(OperationRows(ctx, consent.FromContext(ctx)))
		return privacy.Allow
	})
}
