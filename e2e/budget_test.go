package e2e

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/budgetspend"
	"consentgate/ent/privacy"
	"consentgate/gateway"
)

// fakeClock is the statistics' clock in these tests: the day moves on when
// a test says.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// countingNoise adds no noise and counts its draws.
type countingNoise struct{ draws atomic.Int64 }

func (n *countingNoise) DiscreteLaplace(*big.Rat) int64 { n.draws.Add(1); return 0 }

// analystNamed is an analyst account of its own (its own token sub).
func analystNamed(account string) *consent.Viewer {
	return &consent.Viewer{Account: account, Role: consent.Analyst}
}

// otherStatsQuery is another approved operation than statsQuery.
const otherStatsQuery = `{ applicantStatistics(groupBy: [SEX]) { total budgetRemaining } }`

// TestStatisticsOperationBudget: an approved operation has a daily budget
// that every account running it shares (four queries here, each account
// three): a second analyst cannot go past what the first left of it, though
// its own budget is untouched; another operation is not charged; and the
// day rolls over, 24 hours after the spends.
func TestStatisticsOperationBudget(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		newStatsWorld(t, client)
		clock := &fakeClock{t: time.Now()}
		policy := statsPolicy()
		policy.Aggregates.OperationDailyBudget = 8
		f := &fixture{client: client}
		f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Policy = policy; gw.Noise = silent{}; gw.Now = clock.Now })
		a, b := analystNamed("analyst-a"), analystNamed("analyst-b")
		run := func(v *consent.Viewer) gqlResponse {
			return f.post(t, v, statsQuery, map[string]any{"by": []string{"SEX"}})
		}
		remaining := func(r gqlResponse) float64 {
			t.Helper()
			counts(t, r)
			return dig(r.Data, "applicantStatistics", "budgetRemaining").(float64)
		}
		exhausted := func(r gqlResponse, what string) {
			t.Helper()
			if errorCode(r) != "PRIVACY_BUDGET_EXHAUSTED" || r.Data["applicantStatistics"] != nil || strings.Contains(r.Raw, `"total"`) {
				t.Fatalf("%s: want PRIVACY_BUDGET_EXHAUSTED and no data, got %s", what, r.Raw)
			}
		}
		// a spends its own budget (3 queries) on the operation: the
		// remainder shown is the smaller of its two budgets'.
		for i, want := range []float64{4, 2, 0} {
			if got := remaining(run(a)); got != want {
				t.Fatalf("a's query %d: budgetRemaining %v, want %v", i+1, got, want)
			}
		}
		exhausted(run(a), "a's fourth query")
		// b has spent nothing, but the operation has one query left.
		if got := remaining(run(b)); got != 0 {
			t.Fatalf("b's first query: budgetRemaining %v, want 0 (the operation's)", got)
		}
		r := run(b)
		exhausted(r, "b's second query, over the operation's budget")
		if !strings.Contains(r.Raw, "shared by every account") {
			t.Fatalf("the refusal does not say the operation's budget is spent: %s", r.Raw)
		}
		// Another operation has a budget of its own; b's account has 4 left.
		if got := dig(f.post(t, b, otherStatsQuery, nil).Data, "applicantStatistics", "budgetRemaining"); got != 2.0 {
			t.Fatalf("b on another operation: budgetRemaining %v, want 2", got)
		}
		// A day later less a minute, still spent; a day and a second after
		// the spends, both budgets are whole again.
		clock.Add(24*time.Hour - time.Minute)
		exhausted(run(b), "b a minute before the day is over")
		clock.Add(time.Minute + time.Second)
		for _, v := range []*consent.Viewer{a, b} {
			if got := remaining(run(v)); got != 4 {
				t.Fatalf("%s the next day: budgetRemaining %v, want 4", v.Account, got)
			}
		}
	})
}

// TestStatisticsOperationBudgetAcrossAccountsConcurrently: eight analysts
// (eight token subs) run one operation at once: its daily budget (three
// queries) is spent exactly, in the database, whichever replica or
// connection each query reaches.
func TestStatisticsOperationBudgetAcrossAccountsConcurrently(t *testing.T) {
	forEachBackendAsDeployed(t, func(t *testing.T, client *ent.Client) {
		newStatsWorld(t, client)
		policy := statsPolicy()
		policy.Aggregates.DailyBudget, policy.Aggregates.OperationDailyBudget = 100, 6
		f := &fixture{client: client}
		f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Policy = policy; gw.Noise = silent{} })
		f.approve(t, *as("analyst"), statsQuery) // once, before the race
		answered, refused := raceBudget(t, 8, func(i int) gqlResponse {
			return f.post(t, analystNamed(fmt.Sprintf("analyst-%d", i)), statsQuery, map[string]any{"by": []string{"SEX"}})
		})
		if answered != 3 || refused != 5 {
			t.Fatalf("%d answered and %d refused on an operation's budget of 3, want 3 and 5", answered, refused)
		}
		var spent []struct {
			Sum float64 `json:"sum"`
		}
		client.BudgetSpend.Query().Where(budgetspend.OperationHasPrefix("sha256:")).Aggregate(ent.As(ent.Sum("epsilon"), "sum")).
			ScanX(privacy.DecisionContext(context.Background(), privacy.Allow), &spent)
		if len(spent) != 1 || spent[0].Sum != 6 {
			t.Fatalf("spent %v on the operation, want 6", spent)
		}
	})
}

// TestStatisticsSmallFilteredGroupRefused: filters that select fewer
// applicants than the release threshold (10 here) are refused whole,
// before any noise is drawn, and charged like an answer; the unfiltered
// query, and a filter selecting enough, are answered.
func TestStatisticsSmallFilteredGroupRefused(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		newStatsWorld(t, client) // Gunma: 3, of whom gunma-01 alone is FEMALE; Osaka: 12
		noise := &countingNoise{}
		f := &fixture{client: client}
		policy := statsPolicy()
		policy.Aggregates.OperationDailyBudget = 100 // the account's budget is what shows the refusals charged
		f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Policy = policy; gw.Noise = noise })
		for _, filters := range []map[string][]string{
			{"PREFECTURE": {"Gunma"}},                    // 3
			{"PREFECTURE": {"Gunma"}, "SEX": {"FEMALE"}}, // 1
		} {
			r := stats(t, f, "analyst", []string{"SEX"}, filters)
			if errorCode(r) != "STATISTICS_GROUP_TOO_SMALL" || r.Data["applicantStatistics"] != nil {
				t.Fatalf("filters %v: want STATISTICS_GROUP_TOO_SMALL and no data, got %s", filters, r.Raw)
			}
			if strings.Contains(r.Raw, "Gunma") || strings.Contains(r.Raw, `"total"`) {
				t.Fatalf("the refusal echoes a value or a count: %s", r.Raw)
			}
			if n := noise.draws.Load(); n != 0 {
				t.Fatalf("filters %v: %d noise draws before the refusal", filters, n)
			}
		}
		// Unfiltered: answered (noise drawn), and the refusals were charged:
		// the budget of three queries is now spent.
		r := stats(t, f, "analyst", []string{"SEX"}, nil)
		if got := counts(t, r); fmt.Sprint(got) != "map[*:0 FEMALE:17 MALE:18]" || noise.draws.Load() == 0 {
			t.Fatalf("unfiltered: %v after %d draws", got, noise.draws.Load())
		}
		if left := dig(r.Data, "applicantStatistics", "budgetRemaining"); left != 0.0 {
			t.Fatalf("after two refusals and an answer: budgetRemaining %v, want 0", left)
		}
		if r := stats(t, f, "analyst", []string{"SEX"}, nil); errorCode(r) != "PRIVACY_BUDGET_EXHAUSTED" {
			t.Fatalf("a fourth query: %s", r.Raw)
		}
		// A filter that selects enough (Osaka's 12) is answered.
		r = f.post(t, analystNamed("analyst-2"), statsQuery, map[string]any{"by": []string{"SEX"},
			"f": []map[string]any{{"dimension": "PREFECTURE", "values": []string{"Osaka"}}}})
		if got := counts(t, r); fmt.Sprint(got) != "map[*:12]" {
			t.Fatalf("Osaka by sex: %v", got)
		}
	})
}

// probeQuery is the approved operation of issue 14's attack: statistics
// with a filter variable.
const probeQuery = `query Probe($f: [StatisticsFilter!]) {
  applicantStatistics(groupBy: [SEX], filters: $f) { total groups { count } remainder { count } } }`

// TestStatisticsFilterVariableAttack: ten analysts run an approved
// operation with a filter variable that singles out one person (the only
// woman in Gunma), each guessing her age band, rightly or wrongly. Before,
// each answer's total was her presence in the guessed band plus noise, and
// ten of them told it. Now every query is refused alike, before noise,
// whatever the guess, and the refusals spend the operation's budget.
func TestStatisticsFilterVariableAttack(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		w := newStatsWorld(t, client)
		noise := &countingNoise{}
		clock := &fakeClock{t: time.Now()}
		policy := statsPolicy()
		policy.Aggregates.OperationDailyBudget = 20 // ten queries
		f := &fixture{client: client}
		f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Policy = policy; gw.Noise = noise; gw.Now = clock.Now })
		band, ok := consent.AgeBand(w.people["gunma-01"].BirthDate, clock.Now())
		if !ok {
			t.Fatal("no age band")
		}
		probe := func(who, guess string) gqlResponse {
			return f.post(t, analystNamed(who), probeQuery, map[string]any{"f": []map[string]any{
				{"dimension": "PREFECTURE", "values": []string{"Gunma"}},
				{"dimension": "SEX", "values": []string{"FEMALE"}},
				{"dimension": "AGE_BAND", "values": []string{guess}},
			}})
		}
		var bodies []string
		for i := range 10 {
			guess := band
			if i%2 == 1 {
				guess = "80-84"
			}
			r := probe(fmt.Sprintf("attacker-%d", i), guess)
			if errorCode(r) != "STATISTICS_GROUP_TOO_SMALL" || r.Data["applicantStatistics"] != nil {
				t.Fatalf("probe %d (guess %s): %s", i, guess, r.Raw)
			}
			bodies = append(bodies, r.comparable())
		}
		for i, b := range bodies {
			if b != bodies[0] {
				t.Fatalf("the refusals differ with the guess:\n%s\n%s", bodies[0], bodies[i])
			}
		}
		if n := noise.draws.Load(); n != 0 {
			t.Fatalf("%d noise draws for refused queries", n)
		}
		// The ten refusals spent the operation's day, whoever asks next.
		if r := probe("attacker-10", band); errorCode(r) != "PRIVACY_BUDGET_EXHAUSTED" {
			t.Fatalf("an eleventh probe: %s", r.Raw)
		}
	})
}
