package graph

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"github.com/99designs/gqlgen/graphql"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	"consentgate/ent/budgetspend"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/predicate"
	"consentgate/ent/privacy"
	"consentgate/ent/rule"
	"consentgate/graph/model"
)

// maxDaysToHire clips each hire's days before they are summed: one person
// moves a group's sum by at most this much.
const maxDaysToHire = 365

// statistics answers applicantStatistics: it charges the viewer's privacy
// budget and computes the statistic over the subjects the row rules let an
// aggregate reach.
func (r *Resolver) statistics(ctx context.Context, groupBy []model.StatisticsDimension, filters []*model.StatisticsFilter) (*model.Statistics, error) {
	e, v := consent.EngineFrom(ctx), consent.FromContext(ctx)
	q := consent.AggregateQuery{MaxDaysToHire: maxDaysToHire}
	for _, d := range groupBy {
		q.GroupBy = append(q.GroupBy, consent.Dimension(d))
	}
	for _, f := range filters {
		if q.Filters == nil {
			q.Filters = map[consent.Dimension][]string{}
		}
		d := consent.Dimension(f.Dimension)
		if _, dup := q.Filters[d]; dup {
			return nil, fmt.Errorf("%w: filters: %s given twice", consent.ErrInvalidAggregate, d)
		}
		q.Filters[d] = f.Values
	}
	q, p, err := e.PrepareAggregate(v, q)
	if err != nil {
		return nil, err
	}
	q.WithoutAverages = !selectsAverages(ctx)
	// Statistics run in approved operations only (their roles run nothing
	// else): the operation's id keys its daily budget.
	op, ok := approvedOperation(ctx)
	if !ok {
		return nil, ErrStatisticsOutsideOperation
	}
	budget := e.Policy().Aggregates

	now := r.now()
	// The budget is the account's, whatever case or form its id is written in.
	left, err := r.spend(ctx, consent.CanonicalAccount(v.Account), op.id, p, q.Epsilon, budget, now)
	r.metrics.spent(p, err)
	if err != nil {
		return nil, err
	}
	// The population: the subjects whose consents allow p itself (the
	// viewer narrowed to the purpose it asks under), reachable only here.
	// Read after the spend committed: a failure from here on leaves the
	// budget charged, which fails closed, and the scan holds no write lock.
	// So is a refusal of filters that select too few (consent.ErrGroupTooSmall,
	// decided on the true count): it tells one bit exactly, and costs what
	// an answer costs, from both budgets, so that probing with refusals is
	// no cheaper than asking.
	narrowed := v
	narrowed.Purpose = p
	actx := rule.ForAggregate(consent.NewContext(ctx, narrowed))
	cells, err := aggregateCells(actx, r.client, q, now)
	if err != nil {
		return nil, err
	}
	res, err := consent.AggregateCells(cells, q, r.noise)
	if err != nil {
		return nil, err
	}
	out := &model.Statistics{
		Purpose: entconsent.Purpose(p), GroupBy: groupBy, MinGroupSize: res.Threshold, Total: res.Total,
		Epsilon: q.Epsilon, BudgetRemaining: left,
		Remainder: &model.StatisticsGroup{Keys: []*model.StatisticsKey{}, Count: res.Remainder.Count, AverageDaysToHire: res.Remainder.AverageDaysToHire},
		Groups:    make([]*model.StatisticsGroup, len(res.Groups)),
	}
	for i, g := range res.Groups {
		keys := make([]*model.StatisticsKey, len(g.Keys))
		for j, k := range g.Keys {
			keys[j] = &model.StatisticsKey{Dimension: groupBy[j], Value: k}
		}
		out.Groups[i] = &model.StatisticsGroup{Keys: keys, Count: g.Count, AverageDaysToHire: g.AverageDaysToHire}
	}
	return out, nil
}

// selectsAverages reports whether the statistics field of ctx selects an
// average days to hire, of its groups or of its remainder (outside a
// GraphQL field, it does).
func selectsAverages(ctx context.Context) bool {
	if graphql.GetFieldContext(ctx) == nil || !graphql.HasOperationContext(ctx) {
		return true
	}
	op := graphql.GetOperationContext(ctx)
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name != "groups" && f.Name != "remainder" {
			continue
		}
		for _, g := range graphql.CollectFields(op, f.Selections, nil) {
			if g.Name == "averageDaysToHire" {
				return true
			}
		}
	}
	return false
}

// personalDimensions are the dimensions read from an applicant's own
// fields: the GraphQL field each is computed from (the data map shows the
// dimension on it) and its column. aggregateCells groups by the column's
// value, generalised as the dimension says (AGE_BAND: dimensionExpr).
var personalDimensions = []struct {
	dim    consent.Dimension
	field  string // "Type.field"
	column string
}{
	{consent.ByPrefecture, "Applicant.prefecture", applicant.FieldPrefecture},
	{consent.ByAgeBand, "Applicant.birthDate", applicant.FieldBirthDate},
	{consent.BySex, "Applicant.sex", applicant.FieldSex},
	{consent.ByVisaStatus, "Applicant.visaStatus", applicant.FieldVisaStatus},
	{consent.ByEducationLevel, "Applicant.educationLevel", applicant.FieldEducationLevel},
	{consent.ByOccupation, "Applicant.occupation", applicant.FieldOccupation},
	{consent.ByDesiredField, "Applicant.desiredField", applicant.FieldDesiredField},
}

// DimensionField returns the GraphQL field ("Type.field") a personal
// dimension is computed from, or false for a dimension of service data.
func DimensionField(d consent.Dimension) (string, bool) {
	for _, p := range personalDimensions {
		if p.dim == d {
			return p.field, true
		}
	}
	return "", false
}

// spend charges epsilon to account's budget for purpose p and to the
// approved operation's budget (shared by every account), in one short
// serializable transaction of its own, so that concurrent queries, of one
// account or of several running one operation, cannot overspend either.
// It returns what the viewer may still spend in this operation over the
// next 24 hours (the smaller of the two budgets' remainders), or
// ErrBudgetExhausted or ErrOperationBudgetExhausted, charging nothing.
func (r *Resolver) spend(ctx context.Context, account, operation string, p consent.Purpose, epsilon float64, budget consent.AggregatePolicy, now time.Time) (float64, error) {
	tx, err := r.client.BeginTx(ctx, &stdsql.TxOptions{Isolation: stdsql.LevelSerializable})
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit, a no-op
	since := now.Add(-24 * time.Hour)
	spentBy := func(ctx context.Context, where predicate.BudgetSpend) (float64, error) {
		var sums []struct {
			Spent stdsql.NullFloat64 `json:"spent"`
		}
		err := tx.BudgetSpend.Query().Where(where, budgetspend.SpentAtGT(since)).
			Aggregate(ent.As(ent.Sum(budgetspend.FieldEpsilon), "spent")).Scan(ctx, &sums)
		if err != nil || len(sums) != 1 {
			return 0, err
		}
		return sums[0].Spent.Float64, nil
	}
	byAccount, err := spentBy(ctx, budgetspend.Account(account))
	if err != nil {
		return 0, err
	}
	if !budget.Allows(byAccount) {
		return 0, ErrBudgetExhausted
	}
	// The operation's spends are every account's, which the viewer's row
	// rules do not reach (a viewer reads its own spends): the sum is read
	// past them, as the gateway's own bookkeeping, and reaches the viewer
	// only as what it may still spend.
	byOperation, err := spentBy(privacy.DecisionContext(ctx, privacy.Allow), budgetspend.Operation(operation))
	if err != nil {
		return 0, err
	}
	if !budget.AllowsOperation(byOperation) {
		return 0, ErrOperationBudgetExhausted
	}
	if err := tx.BudgetSpend.Create().SetAccount(account).SetOperation(operation).SetPurpose(budgetspend.Purpose(p)).
		SetEpsilon(epsilon).SetSpentAt(now).SetRequestID(RequestID(ctx)).Exec(ctx); err != nil {
		return 0, err
	}
	left := min(budget.DailyBudget-byAccount, budget.OperationBudget()-byOperation) - epsilon
	return max(0, left), tx.Commit()
}

// aggregateCells tallies, in the database, the applicants ctx's row rules
// reach (the applicant query's own policy), grouped by their value of each
// dimension q groups or filters by, generalised as the dimension says, with
// how many were hired by their latest application and their whole days to
// hire (consent.WholeDays, of whole seconds, clipped to q.MaxDaysToHire):
// one row per group whatever the number of applicants, and no parameter
// per applicant. consent.AggregateCells filters and releases. The latest
// applications are read only when the query needs them: it groups or
// filters by APPLICATION_STATUS, or releases averages.
//
// The applications read are those of the applicants reached, which is
// what the application rows rule reaches under an aggregate
// (rule.ApplicationRows): it is not applied a second time.
func aggregateCells(ctx context.Context, client *ent.Client, q consent.AggregateQuery, now time.Time) ([]consent.AggregateCell, error) {
	dims := q.Dimensions()
	hires := !q.WithoutAverages || slices.Contains(dims, consent.ByApplicationStatus)
	var out []struct {
		K0    string `json:"k0"`
		K1    string `json:"k1"`
		K2    string `json:"k2"`
		K3    string `json:"k3"`
		K4    string `json:"k4"`
		K5    string `json:"k5"`
		K6    string `json:"k6"`
		K7    string `json:"k7"`
		K8    string `json:"k8"`
		Count int    `json:"n"`
		Hired int    `json:"hired"`
		Days  int64  `json:"days"`
	}
	err := client.Applicant.Query().Modify(func(s *sql.Selector) {
		pg := s.Dialect() == dialect.Postgres
		var latest *sql.SelectTable
		if hires {
			// Each applicant's latest application: the first of theirs in
			// this order, found by the index on its applicant.
			latest = sql.Table(application.Table).As("latest")
			first := sql.Dialect(s.Dialect()).Select(application.FieldID).From(sql.Table(application.Table).As("ap"))
			first.Where(sql.ColumnsEQ(first.C(application.FieldApplicantID), s.C(applicant.FieldID))).
				OrderExpr(sql.Expr(first.C(application.FieldCreatedAt) + " DESC, " + first.C(application.FieldID) + " DESC")).Limit(1)
			s.LeftJoin(latest).OnP(sql.P(func(b *sql.Builder) {
				b.WriteString(latest.C(application.FieldID) + " = ").Wrap(func(b *sql.Builder) { b.Join(first) })
			}))
		}
		s.Select()
		keys := make([]string, len(dims))
		for i, d := range dims {
			keys[i] = "k" + strconv.Itoa(i)
			s.AppendSelectExprAs(dimensionExpr(s, latest, d, now, pg), keys[i])
		}
		s.AppendSelectExprAs(sql.Expr("COUNT(*)"), "n")
		if hires {
			// How long the application took to reach its status, in whole
			// seconds, and in whole days rounded (halves up) for secs > 0.
			at := func(column string) string {
				if pg {
					return fmt.Sprintf("CAST(FLOOR(EXTRACT(EPOCH FROM %s)) AS BIGINT)", latest.C(column))
				}
				return fmt.Sprintf("CAST(strftime('%%s', %s) AS INTEGER)", latest.C(column))
			}
			secs := fmt.Sprintf("(%s - %s)", at(application.FieldStatusChangedAt), at(application.FieldCreatedAt))
			hired := fmt.Sprintf("%s = %s", latest.C(application.FieldStatus), quote(string(application.StatusHIRED)))
			whole := fmt.Sprintf("(%s + 43200) / 86400", secs)
			s.AppendSelectExprAs(sql.Expr(fmt.Sprintf("CAST(COALESCE(SUM(CASE WHEN %s THEN 1 ELSE 0 END), 0) AS BIGINT)", hired)), "hired").
				AppendSelectExprAs(sql.Expr(fmt.Sprintf(
					"CAST(COALESCE(SUM(CASE WHEN NOT (%[1]s) OR %[2]s IS NULL OR %[2]s <= 0 THEN 0 WHEN %[3]s > %[4]d THEN %[4]d ELSE %[3]s END), 0) AS BIGINT)",
					hired, secs, whole, q.MaxDaysToHire)), "days")
		}
		if len(keys) > 0 {
			s.GroupBy(keys...)
		}
	}).Scan(ctx, &out)
	if err != nil {
		return nil, err
	}
	cells := make([]consent.AggregateCell, len(out))
	for i, o := range out {
		k := [...]string{o.K0, o.K1, o.K2, o.K3, o.K4, o.K5, o.K6, o.K7, o.K8}
		for j, d := range dims {
			if d == consent.ByAgeBand {
				k[j] = ageBand(k[j])
			}
			cells[i].Keys[d.Index()] = k[j]
		}
		cells[i].Count, cells[i].Hired, cells[i].Days = o.Count, o.Hired, o.Days
	}
	return cells, nil
}

// dimensionExpr returns the SQL expression of an applicant's value of d
// ("" for unknown), generalised as the dimension says except AGE_BAND,
// which is the age in whole years (ageBand generalises it), over the
// applicants of s and their latest application.
func dimensionExpr(s *sql.Selector, latest *sql.SelectTable, d consent.Dimension, now time.Time, pg bool) sql.Querier {
	switch d {
	case consent.ByApplicationStatus:
		return sql.Expr(fmt.Sprintf("COALESCE(%s, 'NONE')", latest.C(application.FieldStatus)))
	case consent.ByMonth:
		if pg {
			return sql.Expr(fmt.Sprintf("to_char(%s AT TIME ZONE 'UTC', 'YYYY-MM')", s.C(applicant.FieldCreatedAt)))
		}
		return sql.Expr(fmt.Sprintf("strftime('%%Y-%%m', %s)", s.C(applicant.FieldCreatedAt)))
	case consent.ByAgeBand:
		// The age at now, both as dates in UTC: the difference of the
		// dates written as numbers YYYYMMDD, in ten thousands, rounded
		// down, is the age consent.AgeBand computes (February 29
		// included); a birth after now is -1. The date is computed once
		// per row (SQLite: read from the text of a time stored in UTC, as
		// ent stores them, else converted by strftime, which costs more).
		b := s.C(applicant.FieldBirthDate)
		day := fmt.Sprintf("CAST(to_char(%s AT TIME ZONE 'UTC', 'YYYYMMDD') AS INTEGER)", b)
		if !pg {
			day = fmt.Sprintf("CAST(CASE WHEN substr(%[1]s, -6) = '+00:00' THEN substr(%[1]s, 1, 4) || substr(%[1]s, 6, 2) || substr(%[1]s, 9, 2) ELSE strftime('%%Y%%m%%d', %[1]s) END AS INTEGER)", b)
		}
		y, m, dd := now.UTC().Date()
		// Shifted by a thousand years, so that integer division, which
		// truncates, rounds down.
		shifted := y*10000 + int(m)*100 + dd + 1000*10000
		return sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("COALESCE(CAST((")
			b.Arg(shifted)
			b.WriteString(" - " + day + ") / 10000 - 1000 AS TEXT), '')")
		})
	}
	for _, p := range personalDimensions {
		if p.dim == d {
			return sql.Expr(fmt.Sprintf("COALESCE(%s, '')", s.C(p.column)))
		}
	}
	panic("statistics: no column for dimension " + string(d)) // consent.Dimensions and personalDimensions disagree
}

// maxAge bounds the ages ageBand tells apart: older is unknown (""), as no
// one is (validate.BirthDate accepts no one past 100).
const maxAge = 200

// ageBand generalises an age in whole years, as dimensionExpr reads it,
// to its five-year band ("" for none, a birth after now, or past maxAge).
func ageBand(age string) string {
	n, err := strconv.Atoi(age)
	if err != nil || n > maxAge {
		return ""
	}
	band, _ := consent.AgeBandOf(n)
	return band
}

// quote renders a constant as an SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
