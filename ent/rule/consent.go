package rule

import (
	"context"
	"time"

	"entgo.io/ent/dialect/sql"

	"consentgate/consent"
	"consentgate/ent/consentstate"
	"consentgate/ent/predicate"
)

// Towards returns the consent state lines that can apply to a viewer of
// organisation org: those naming all employers and, for an employer, those
// naming its own organisation.
func Towards(ctx context.Context, org string) predicate.ConsentState {
	return func(s *sql.Selector) {
		if org == "" {
			s.Where(sql.EQ(s.C(consentstate.FieldRecipientID), 0))
			return
		}
		s.Where(isEmployer(ctx, s.C(consentstate.FieldRecipientID), org, 0))
	}
}

// inForce returns a predicate: the state line in force for the whole of
// purpose p towards org ("" for a purpose without recipients) of the
// subject in column subject has the given grant. It is the scope rule of
// package consent in SQL: of the lines naming org's employer and the line
// naming all employers, the one holding the latest ledger entry is in
// force. Each line is found by the state's unique index (subject, purpose,
// category, recipient), so a row costs a lookup or two, whatever the size
// of the ledger.
//
// Each line stands as the engine's consent.Entry.At says, at the engine's
// time of the operation (Now): a line that applies from later (an objection in a notice
// period) is as if absent; a grant past its void_from (a version it has no
// standing under took effect) is a withdrawal.
func inForce(ctx context.Context, now time.Time, subject string, p consent.Purpose, org string, granted bool) *sql.Predicate {
	applicable := func(alias string) *sql.Selector {
		l := sql.Select(consentstate.FieldID).From(sql.Table(consentstate.Table).As(alias))
		l.Where(sql.And(sql.EQ(l.C(consentstate.FieldPurpose), string(p)), sql.EQ(l.C(consentstate.FieldCategory), ""),
			sql.Or(sql.IsNull(l.C(consentstate.FieldAppliesFrom)), sql.LTE(l.C(consentstate.FieldAppliesFrom), now))))
		Towards(ctx, org)(l)
		return l
	}
	line := applicable("cs_line")
	standing := sql.And(sql.EQ(line.C(consentstate.FieldGranted), true),
		sql.Or(sql.IsNull(line.C(consentstate.FieldVoidFrom)), sql.GT(line.C(consentstate.FieldVoidFrom), now)))
	if !granted {
		standing = sql.Not(standing)
	}
	line.Where(sql.And(sql.ColumnsEQ(line.C(consentstate.FieldApplicantID), subject), standing))
	if org != "" {
		// A later applicable line of the other scope overrides this one.
		later := applicable("cs_later")
		later.Where(sql.And(sql.ColumnsEQ(later.C(consentstate.FieldApplicantID), line.C(consentstate.FieldApplicantID)),
			sql.ColumnsGT(later.C(consentstate.FieldConsentID), line.C(consentstate.FieldConsentID))))
		line.Where(sql.NotExists(later))
	}
	return sql.Exists(line)
}

// consented returns a predicate: the consents of the subject in column
// subject allow purpose p towards org under the policy's consent default:
// an opt-in purpose needs a grant in force, an opt-out purpose no
// withdrawal in force, a necessary one nothing.
func consented(ctx context.Context, e *consent.Engine, subject string, p consent.Purpose, org string) *sql.Predicate {
	switch e.Policy().Purposes[p] {
	case consent.Necessary:
		return sql.Not(sql.False())
	case consent.OptIn:
		return inForce(ctx, Now(ctx), subject, p, org, true)
	case consent.OptOut:
		return sql.Not(inForce(ctx, Now(ctx), subject, p, org, false))
	}
	return sql.False()
}

// consentedToAll returns a predicate: the consents of the subject in
// column subject (an applicant's id, an application's applicant) allow
// every purpose v acts under (none: no one).
func consentedToAll(ctx context.Context, v consent.Viewer, subject string) *sql.Predicate {
	e := consent.EngineFrom(ctx)
	if e == nil {
		return sql.False()
	}
	purposes := e.PurposesOf(v)
	if len(purposes) == 0 {
		return sql.False()
	}
	ps := make([]*sql.Predicate, 0, len(purposes))
	for _, p := range purposes {
		org := ""
		if p == consent.EmployerProvision {
			org = v.Org
		}
		ps = append(ps, consented(ctx, e, subject, p, org))
	}
	return sql.And(ps...)
}
