package rule

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"consentgate/consent"
	"consentgate/ent/applicant"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/employer"
	"consentgate/ent/predicate"
)

// latestEntries selects the applicants whose latest consent ledger entry
// for the whole of purpose p (no single category) towards org ("" for no
// recipient) has the given grant. "Latest" is by recorded time, then id:
// the ledger is append-only, so the newest entry is the current state.
func latestEntries(p consent.Purpose, org string, granted bool) *sql.Selector {
	c1, c2 := sql.Table(entconsent.Table).As("c1"), sql.Table(entconsent.Table).As("c2")
	sameRecipient := sql.Or(
		sql.And(sql.IsNull(c2.C(entconsent.FieldEmployerID)), sql.IsNull(c1.C(entconsent.FieldEmployerID))),
		sql.ColumnsEQ(c2.C(entconsent.FieldEmployerID), c1.C(entconsent.FieldEmployerID)),
	)
	later := sql.Select(c2.C(entconsent.FieldID)).From(c2).Where(sql.And(
		sql.ColumnsEQ(c2.C(entconsent.FieldApplicantID), c1.C(entconsent.FieldApplicantID)),
		sql.EQ(c2.C(entconsent.FieldPurpose), string(p)),
		sql.IsNull(c2.C(entconsent.FieldWithheldCategory)),
		sameRecipient,
		sql.Or(
			sql.ColumnsGT(c2.C(entconsent.FieldRecordedAt), c1.C(entconsent.FieldRecordedAt)),
			sql.And(
				sql.ColumnsEQ(c2.C(entconsent.FieldRecordedAt), c1.C(entconsent.FieldRecordedAt)),
				sql.ColumnsGT(c2.C(entconsent.FieldID), c1.C(entconsent.FieldID)),
			),
		),
	))
	recipient := sql.IsNull(c1.C(entconsent.FieldEmployerID))
	if org != "" {
		e := sql.Table(employer.Table)
		recipient = sql.In(c1.C(entconsent.FieldEmployerID),
			sql.Select(e.C(employer.FieldID)).From(e).Where(sql.EQ(e.C(employer.FieldExternalID), org)))
	}
	return sql.Select(c1.C(entconsent.FieldApplicantID)).From(c1).Where(sql.And(
		sql.EQ(c1.C(entconsent.FieldPurpose), string(p)),
		sql.IsNull(c1.C(entconsent.FieldWithheldCategory)),
		sql.EQ(c1.C(entconsent.FieldGranted), granted),
		recipient,
		sql.NotExists(later),
	))
}

// consented returns the applicants whose consents allow purpose p towards
// org under the policy's consent default: an opt-in purpose needs a live
// grant, an opt-out purpose no live withdrawal, a necessary one nothing.
func consented(e *consent.Engine, p consent.Purpose, org string) predicate.Applicant {
	switch e.Policy().Purposes[p] {
	case consent.Necessary:
		return all[predicate.Applicant]()
	case consent.OptIn:
		return func(s *sql.Selector) { s.Where(sql.In(s.C(applicant.FieldID), latestEntries(p, org, true))) }
	case consent.OptOut:
		return func(s *sql.Selector) { s.Where(sql.NotIn(s.C(applicant.FieldID), latestEntries(p, org, false))) }
	}
	return none[predicate.Applicant]()
}

// consentedToAll returns the applicants whose consents allow every purpose
// v acts under (none: no one).
func consentedToAll(ctx context.Context, v consent.Viewer) predicate.Applicant {
	e := consent.EngineFrom(ctx)
	if e == nil {
		return none[predicate.Applicant]()
	}
	purposes := e.PurposesOf(v)
	if len(purposes) == 0 {
		return none[predicate.Applicant]()
	}
	ps := make([]predicate.Applicant, 0, len(purposes))
	for _, p := range purposes {
		org := ""
		if p == consent.EmployerProvision {
			org = v.Org
		}
		ps = append(ps, consented(e, p, org))
	}
	return applicant.And(ps...)
}
