package graph

import (
	"context"
	stdsql "database/sql"
	"fmt"
	"strconv"
	"time"

	"entgo.io/ent/dialect/sql"

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
	rows, err := aggregateRows(actx, r.client, now)
	if err != nil {
		return nil, err
	}
	res, err := consent.Aggregate(rows, q, r.noise)
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

// personalDimensions are the dimensions read from an applicant's own
// fields: the GraphQL field each is computed from (the data map shows the
// dimension on it), its column, and its generalised value. aggregateRows
// selects and reads them from this one table.
var personalDimensions = []struct {
	dim    consent.Dimension
	field  string // "Type.field"
	column string
	value  func(a *ent.Applicant, now time.Time) string
}{
	{consent.ByPrefecture, "Applicant.prefecture", applicant.FieldPrefecture, func(a *ent.Applicant, _ time.Time) string { return a.Prefecture }},
	{consent.ByAgeBand, "Applicant.birthDate", applicant.FieldBirthDate, func(a *ent.Applicant, now time.Time) string {
		if band, ok := consent.AgeBand(a.BirthDate, now); ok && !a.BirthDate.IsZero() {
			return band
		}
		return ""
	}},
	{consent.BySex, "Applicant.sex", applicant.FieldSex, func(a *ent.Applicant, _ time.Time) string { return string(a.Sex) }},
	{consent.ByVisaStatus, "Applicant.visaStatus", applicant.FieldVisaStatus, func(a *ent.Applicant, _ time.Time) string { return a.VisaStatus }},
	{consent.ByEducationLevel, "Applicant.educationLevel", applicant.FieldEducationLevel, func(a *ent.Applicant, _ time.Time) string { return string(a.EducationLevel) }},
	{consent.ByOccupation, "Applicant.occupation", applicant.FieldOccupation, func(a *ent.Applicant, _ time.Time) string { return a.Occupation }},
	{consent.ByDesiredField, "Applicant.desiredField", applicant.FieldDesiredField, func(a *ent.Applicant, _ time.Time) string { return a.DesiredField }},
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

// aggregateRows loads, for each applicant ctx's row rules reach, their
// value of every dimension, generalised as the dimension says, and whether
// and how fast their latest application led to a hire. The applications
// are read in a query of their own under the same row rules (those of the
// applicants reached), not by a list of the applicants' ids: a statistic
// over many applicants passes no parameter per applicant.
func aggregateRows(ctx context.Context, client *ent.Client, now time.Time) ([]consent.AggregateRow, error) {
	columns := []string{applicant.FieldID, applicant.FieldCreatedAt}
	for _, p := range personalDimensions {
		columns = append(columns, p.column)
	}
	people, err := client.Applicant.Query().Select(columns...).Order(ent.Asc(applicant.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	// Each applicant's latest application: the first of theirs in this order.
	apps, err := client.Application.Query().
		Select(application.FieldApplicantID, application.FieldCreatedAt, application.FieldStatus, application.FieldStatusChangedAt).
		Order(application.ByApplicantID(), application.ByCreatedAt(sql.OrderDesc()), application.ByID(sql.OrderDesc())).
		All(ctx)
	if err != nil {
		return nil, err
	}
	latest := make(map[int]*ent.Application, len(people))
	for _, a := range apps {
		if _, ok := latest[a.ApplicantID]; !ok {
			latest[a.ApplicantID] = a
		}
	}
	rows := make([]consent.AggregateRow, len(people))
	for i, a := range people {
		row := &rows[i]
		row.Subject = strconv.Itoa(a.ID)
		set := func(d consent.Dimension, v string) { row.Keys[d.Index()] = v }
		for _, p := range personalDimensions {
			set(p.dim, p.value(a, now))
		}
		set(consent.ByMonth, a.CreatedAt.UTC().Format("2006-01"))
		set(consent.ByApplicationStatus, "NONE")
		if app, ok := latest[a.ID]; ok {
			set(consent.ByApplicationStatus, string(app.Status))
			if app.Status == application.StatusHIRED {
				row.Hired = true
				row.DaysToHire = app.StatusChangedAt.Sub(app.CreatedAt).Hours() / 24
			}
		}
	}
	return rows, nil
}
