package rule

import (
	"context"
	"time"

	"entgo.io/ent/dialect/sql"

	"consentgate/consent"
	"consentgate/ent/application"
	"consentgate/ent/job"
	"consentgate/ent/predicate"
)

// The end of provision (consent/provision.go, policy endOfProvision): an
// application's provision to its employer ends the policy's grace period
// after the application reaches a final status (WITHDRAWN, REJECTED,
// HIRED: the time it did is its status_changed_at, since a final status
// never changes) or its job closes (the job's closed_at; a hire is not
// ended by it), whichever is earlier. A final state without a time has
// ended (fail closed). Only a hire keeps something after it: the
// categories the policy keeps for employment.
//
// These predicates are the one definition of it: the row rules use them
// for which applications, and so which applicants, an employer reaches,
// and the field guard for where provision stands for each subject and
// application it decides (ProvisionOpen, ProvisionKept).

type nowKey struct{}

// WithNow records in ctx the time the operation decides the end of
// provision at, so that its row rules and its field guard agree on which
// provisions have ended; without it each asks the clock.
func WithNow(ctx context.Context, now time.Time) context.Context {
	return context.WithValue(ctx, nowKey{}, now)
}

// Now returns the time recorded by WithNow, or the clock's.
func Now(ctx context.Context) time.Time {
	if t, ok := ctx.Value(nowKey{}).(time.Time); ok {
		return t.UTC()
	}
	return time.Now().UTC()
}

// provisionEnded returns a predicate on the applications of selector s:
// the application's provision to its employer (org) has ended, or, with
// keep, ended but for what a hire keeps (the grace period after a hire is
// over).
func provisionEnded(ctx context.Context, s *sql.Selector, p *consent.Policy, org string) *sql.Predicate {
	now := Now(ctx)
	status, at := s.C(application.FieldStatus), s.C(application.FieldStatusChangedAt)
	past := func(st consent.FinalState, col string) *sql.Predicate {
		if p.EndOfProvision[st].Grace <= 0 { // at once, whatever the clock that stamped it
			return sql.Not(sql.False())
		}
		return sql.Or(sql.IsNull(col), sql.LTE(col, p.Cutoff(st, now)))
	}
	j := sql.Table(job.Table)
	closed := sql.Select(j.C(job.FieldID)).From(j).Where(sql.And(
		isEmployer(ctx, j.C(job.FieldEmployerID), org),
		sql.EQ(j.C(job.FieldStatus), job.StatusCLOSED),
		past(consent.JobClosed, j.C(job.FieldClosedAt)),
	))
	return sql.Or(
		sql.And(sql.EQ(status, application.StatusWITHDRAWN), past(consent.Withdrawn, at)),
		sql.And(sql.EQ(status, application.StatusREJECTED), past(consent.Rejected, at)),
		sql.And(sql.EQ(status, application.StatusHIRED), past(consent.Hired, at)),
		sql.And(sql.NEQ(status, application.StatusHIRED), sql.In(s.C(application.FieldJobID), closed)),
	)
}

// ProvisionOpen returns the applications to org's jobs whose provision to
// it has not ended: the employer reaches them, and their applicants,
// with everything the applicant's consent allows. No policy in ctx: none.
func ProvisionOpen(ctx context.Context, org string) predicate.Application {
	return func(s *sql.Selector) {
		e := consent.EngineFrom(ctx)
		if e == nil || org == "" {
			s.Where(sql.False())
			return
		}
		s.Where(sql.And(isOwnJob(ctx, s.C(application.FieldJobID), org), sql.Not(provisionEnded(ctx, s, e.Policy(), org))))
	}
}

// ProvisionKept returns the hires to org's jobs whose grace period is
// over, when the policy keeps categories for employment: the employer
// still reaches them, and their applicants, with those categories only.
// No policy in ctx, or nothing kept: none.
func ProvisionKept(ctx context.Context, org string) predicate.Application {
	return func(s *sql.Selector) {
		e := consent.EngineFrom(ctx)
		if e == nil || org == "" || len(e.Policy().EndOfProvision[consent.Hired].Keep) == 0 {
			s.Where(sql.False())
			return
		}
		hired := sql.And(isOwnJob(ctx, s.C(application.FieldJobID), org), sql.EQ(s.C(application.FieldStatus), application.StatusHIRED))
		s.Where(sql.And(hired, provisionEnded(ctx, s, e.Policy(), org)))
	}
}
