package rule

import (
	"context"

	"entgo.io/ent/dialect/sql"

	"consentgate/ent/employer"
)

type employerKey struct{}

// resolvedEmployer is the store id of the employer with external id org.
type resolvedEmployer struct {
	org string
	id  int
}

// WithEmployerID records in ctx the store id of the employer whose
// external id is org, as the gateway resolved it for the request (-1 when
// no employer has it). The row rules then name the employer by value
// instead of by a subquery on its external id: the result is the same, but
// PostgreSQL's planner can then estimate the employer's own rows from its
// statistics, where a subquery makes it guess an average employer and
// scan whole tables.
func WithEmployerID(ctx context.Context, org string, id int) context.Context {
	return context.WithValue(ctx, employerKey{}, resolvedEmployer{org: org, id: id})
}

// isEmployer returns a predicate: column col holds the store id of the
// employer with external id org, or one of also's values.
func isEmployer(ctx context.Context, col, org string, also ...any) *sql.Predicate {
	if r, ok := ctx.Value(employerKey{}).(resolvedEmployer); ok && r.org == org {
		return sql.In(col, append(also, r.id)...)
	}
	e := sql.Table(employer.Table)
	p := sql.In(col, sql.Select(e.C(employer.FieldID)).From(e).Where(sql.EQ(e.C(employer.FieldExternalID), org)))
	if len(also) > 0 {
		p = sql.Or(sql.In(col, also...), p)
	}
	return p
}
