package rule

import (
	"context"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/budgetspend"
	"consentgate/ent/predicate"
	"consentgate/ent/privacy"
)

type aggregateKey struct{}

// ForAggregate marks ctx as computing an aggregate: only there do the
// subjects of an aggregate-only purpose (ANALYTICS, ADVERTISING) become
// rows, and only the statistics resolver sets it.
func ForAggregate(ctx context.Context) context.Context {
	return context.WithValue(ctx, aggregateKey{}, true)
}

func forAggregate(ctx context.Context) bool {
	b, _ := ctx.Value(aggregateKey{}).(bool)
	return b
}

// aggregateOnly reports whether v acts under a purpose that releases
// aggregates only.
func aggregateOnly(ctx context.Context, v consent.Viewer) bool {
	e := consent.EngineFrom(ctx)
	if e == nil {
		return true
	}
	for _, p := range e.PurposesOf(v) {
		if p.AggregateOnly() {
			return true
		}
	}
	return false
}

// BudgetSpendRows returns the budget spends v reaches: its own, or every
// one for compliance.
func BudgetSpendRows(v consent.Viewer) predicate.BudgetSpend {
	switch {
	case v.Account == "":
	case v.Role == consent.Compliance:
		return all[predicate.BudgetSpend]()
	default:
		return budgetspend.Account(consent.CanonicalAccount(v.Account))
	}
	return none[predicate.BudgetSpend]()
}

// FilterBudgetSpends limits every budget spend query to BudgetSpendRows.
func FilterBudgetSpends() privacy.QueryRule {
	return privacy.BudgetSpendQueryRuleFunc(func(ctx context.Context, q *ent.BudgetSpendQuery) error {
		q.Where(BudgetSpendRows(consent.FromContext(ctx)))
		return privacy.Allow
	})
}

// SpendOwnBudget lets a viewer acting under an aggregate purpose record a
// spend of their own budget for that purpose.
func SpendOwnBudget() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.BudgetSpendMutationRuleFunc(func(ctx context.Context, m *ent.BudgetSpendMutation) error {
		v := consent.FromContext(ctx)
		account, _ := m.Account()
		purpose, _ := m.Purpose()
		e := consent.EngineFrom(ctx)
		if v.Account == "" || !consent.SameAccount(account, v.Account) || e == nil {
			return privacy.Skip
		}
		for _, p := range e.PurposesOf(v) {
			if string(p) == string(purpose) && p.AggregateOnly() {
				return privacy.Allow
			}
		}
		return privacy.Skip
	}), ent.OpCreate)
}
