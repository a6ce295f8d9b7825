package rule

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"consentgate/ent/employer"
	"consentgate/ent/job"
)

type employerKey struct{}

// resolvedEmployer is the store id of the employer with external id org
// and, when known, the ids of its jobs.
type resolvedEmployer struct {
	org  string
	id   int
	jobs []int // nil: not resolved
}

// MaxResolvedJobs is the most job ids WithEmployerID carries: an
// organisation with more is left to the rules' own subquery.
const MaxResolvedJobs = 1000

// WithEmployerID records in ctx the store id of the employer whose
// external id is org (-1 when no employer has it) and the ids of its jobs
// (nil when not resolved, e.g. more than MaxResolvedJobs), as the gateway
// resolved them for the request. The row rules then name the employer and
// its jobs by value instead of by subqueries on its external id: the rows
// are the same, but PostgreSQL's planner can then estimate the employer's
// own rows from its statistics, where a subquery makes it guess an average
// employer, scan whole tables, or walk every application in id order for
// a page of a small employer's.
func WithEmployerID(ctx context.Context, org string, id int, jobs []int) context.Context {
	if len(jobs) > MaxResolvedJobs {
		jobs = nil
	}
	return context.WithValue(ctx, employerKey{}, resolvedEmployer{org: org, id: id, jobs: jobs})
}

func resolved(ctx context.Context, org string) (resolvedEmployer, bool) {
	r, ok := ctx.Value(employerKey{}).(resolvedEmployer)
	return r, ok && r.org == org
}

// isEmployer returns a predicate: column col holds the store id of the
// employer with external id org, or one of also's values.
func isEmployer(ctx context.Context, col, org string, also ...any) *sql.Predicate {
	if r, ok := resolved(ctx, org); ok {
		return sql.In(col, append(also, r.id)...)
	}
	e := sql.Table(employer.Table)
	p := sql.In(col, sql.Select(e.C(employer.FieldID)).From(e).Where(sql.EQ(e.C(employer.FieldExternalID), org)))
	if len(also) > 0 {
		p = sql.Or(sql.In(col, also...), p)
	}
	return p
}

// isOwnJob returns a predicate: column col holds the id of one of org's
// jobs.
func isOwnJob(ctx context.Context, col, org string) *sql.Predicate {
	if r, ok := resolved(ctx, org); ok && r.jobs != nil {
		if len(r.jobs) == 0 {
			return sql.False()
		}
		ids := make([]any, len(r.jobs))
		for i, id := range r.jobs {
			ids[i] = id
		}
		return sql.In(col, ids...)
	}
	j := sql.Table(job.Table)
	return sql.In(col, sql.Select(j.C(job.FieldID)).From(j).Where(isEmployer(ctx, j.C(job.FieldEmployerID), org)))
}
