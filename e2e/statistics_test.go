package e2e

import (
	"context"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/privacy"
	"consentgate/gateway"
)

// silent adds no noise: the tests of who is counted, and how groups fold,
// read exact counts. The noise itself is tested in consent (the
// distributions of neighbouring databases) and end to end below with the
// real source.
type silent struct{}

func (silent) DiscreteLaplace(*big.Rat) int64 { return 0 }

// statsPolicy is the default policy with a budget the tests can reason
// about: ε = 2 and δ = 10⁻³ per query give a release threshold of k = 10
// itself, and the daily budget holds three queries.
func statsPolicy() *consent.Policy {
	p := *consent.DefaultPolicy()
	p.Aggregates.Epsilon, p.Aggregates.Delta, p.Aggregates.DailyBudget = 2, 1e-3, 6
	return &p
}

// statsWorld is a population for statistics: 40 applicants, 25 in Tokyo,
// 12 in Osaka and 3 in Gunma, alternately female and male; every one opted
// in to ANALYTICS except the Tokyo applicants whose number is divisible by
// 5, and the two first Osaka applicants opted out of ADVERTISING.
type statsWorld struct {
	client  *ent.Client
	version *ent.PolicyVersion
	people  map[string]*ent.Applicant // by account
	clock   time.Time
}

const statsQuery = `query($by: [StatisticsDimension!]!, $f: [StatisticsFilter!]) {
  applicantStatistics(groupBy: $by, filters: $f) { purpose groupBy minGroupSize total epsilon budgetRemaining
    groups { keys { dimension value } count } remainder { keys { value } count } } }`

func newStatsWorld(t *testing.T, client *ent.Client) *statsWorld {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	w := &statsWorld{client: client, people: map[string]*ent.Applicant{}, clock: time.Now().Add(-time.Hour)}
	w.version = client.PolicyVersion.Create().SetVersion("2026-01").SetEffectiveAt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).
		SetTextDigest("sha256:0000000000000000000000000000000000000000000000000000000000000000").SaveX(ctx)
	places := []struct {
		prefecture string
		n          int
	}{{"Tokyo", 25}, {"Osaka", 12}, {"Gunma", 3}}
	i := 0
	for _, pl := range places {
		for j := range pl.n {
			account := fmt.Sprintf("%s-%02d", strings.ToLower(pl.prefecture), j)
			sex := []string{"FEMALE", "MALE"}[i%2]
			w.people[account] = client.Applicant.Create().SetAccountID(account).SetName("cnry" + account + "name").
				SetEmail(account + "@cnry.example").SetPhone(fmt.Sprintf("090-0000-%04d", i)).
				SetBirthDate(time.Date(1990+i%10, 5, 1, 0, 0, 0, 0, time.UTC)).SetSex(applicant.Sex(sex)).SetPrefecture(pl.prefecture).
				SetVisaStatus("ENGINEER_HUMANITIES_INTERNATIONAL").SetEducationLevel("BACHELOR").
				SetOccupation("Software engineer").SetDesiredField("Software").SaveX(ctx)
			if !(pl.prefecture == "Tokyo" && j%5 == 0) {
				w.consent(t, account, "ANALYTICS", true)
			}
			if pl.prefecture == "Osaka" && j < 2 {
				w.consent(t, account, "ADVERTISING", false)
			}
			i++
		}
	}
	return w
}

func (w *statsWorld) consent(t testing.TB, account, purpose string, granted bool) {
	t.Helper()
	w.clock = w.clock.Add(time.Second)
	inTx(t, w.client, func(client *ent.Client) {
		client.Consent.Create().SetApplicant(w.people[account]).SetPurpose(entconsent.Purpose(purpose)).SetGranted(granted).
			SetSource("APPLICANT").SetRecordedAt(w.clock).SetPolicyVersion(w.version).
			SaveX(privacy.DecisionContext(context.Background(), privacy.Allow))
	})
}

// stats runs applicantStatistics as viewer and returns the response.
func stats(t *testing.T, f *fixture, viewer string, by []string, filters map[string][]string) gqlResponse {
	t.Helper()
	var fs []map[string]any
	for d, vs := range filters {
		fs = append(fs, map[string]any{"dimension": d, "values": vs})
	}
	return f.post(t, as(viewer), statsQuery, map[string]any{"by": by, "f": fs})
}

// counts renders a statistics response's groups as "key/key=count" and the
// remainder as "*=count", checking the invariants every response keeps:
// each group at least the threshold, total = groups + remainder.
func counts(t *testing.T, r gqlResponse) map[string]int {
	t.Helper()
	s, ok := dig(r.Data, "applicantStatistics").(map[string]any)
	if !ok || len(r.Errors) > 0 {
		t.Fatalf("no statistics: %s", r.Raw)
	}
	k := int(s["minGroupSize"].(float64))
	out := map[string]int{}
	sum := 0
	for _, g := range s["groups"].([]any) {
		g := g.(map[string]any)
		var keys []string
		for _, key := range g["keys"].([]any) {
			keys = append(keys, key.(map[string]any)["value"].(string))
		}
		n := int(g["count"].(float64))
		if n < k {
			t.Fatalf("group %v of %d, under the threshold %d: %s", keys, n, k, r.Raw)
		}
		out[strings.Join(keys, "/")] = n
		sum += n
	}
	rem := int(dig(s, "remainder", "count").(float64))
	out["*"] = rem
	if total := int(s["total"].(float64)); total != sum+rem {
		t.Fatalf("total %d != groups %d + remainder %d: %s", total, sum, rem, r.Raw)
	}
	return out
}

// TestStatistics: analysts and advertisers get counts over the applicants
// who consented, folded at the threshold, within their purpose's
// dimensions and their budget; nobody else gets any, and analysts get no
// rows.
func TestStatistics(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		w := newStatsWorld(t, client)
		f := &fixture{client: client}
		f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Policy = statsPolicy(); gw.Noise = silent{} })

		// 20 of Tokyo's 25 and all 12 of Osaka consented; Gunma's 3 fold
		// into the remainder.
		if got := counts(t, stats(t, f, "analyst", []string{"PREFECTURE"}, nil)); fmt.Sprint(got) != "map[*:3 Osaka:12 Tokyo:20]" {
			t.Fatalf("by prefecture: %v", got)
		}
		// Filtered to Tokyo and grouped by sex: 10 and 10.
		if got := counts(t, stats(t, f, "analyst", []string{"SEX"}, map[string][]string{"PREFECTURE": {"Tokyo"}})); fmt.Sprint(got) != "map[*:0 FEMALE:10 MALE:10]" {
			t.Fatalf("Tokyo by sex: %v", got)
		}

		// A withdrawal takes the subject out of the very next statistic.
		w.consent(t, "osaka-03", "ANALYTICS", false)
		if got := counts(t, stats(t, f, "analyst", []string{"PREFECTURE"}, nil)); fmt.Sprint(got) != "map[*:3 Osaka:11 Tokyo:20]" {
			t.Fatalf("after a withdrawal: %v", got)
		}
		// The budget held three queries: the fourth is refused, and stays
		// refused on a new gateway (the spends are in the database).
		r := stats(t, f, "analyst", []string{"SEX"}, nil)
		if code := errorCode(r); code != "PRIVACY_BUDGET_EXHAUSTED" || r.Data["applicantStatistics"] != nil {
			t.Fatalf("over budget: %s", r.Raw)
		}
		f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Policy = statsPolicy(); gw.Noise = silent{} })
		if code := errorCode(stats(t, f, "analyst", []string{"SEX"}, nil)); code != "PRIVACY_BUDGET_EXHAUSTED" {
			t.Fatalf("after a restart: %s", code)
		}

		// Advertising counts those who did not opt out: 37 of 40 minus
		// Osaka's two; it may not group by visa status (not released to
		// ADVERTISING), nor filter by it.
		if got := counts(t, stats(t, f, "advertiser", []string{"PREFECTURE"}, nil)); fmt.Sprint(got) != "map[*:3 Osaka:10 Tokyo:25]" {
			t.Fatalf("advertising by prefecture: %v", got)
		}
		for _, r := range []gqlResponse{
			stats(t, f, "advertiser", []string{"VISA_STATUS"}, nil),
			stats(t, f, "advertiser", []string{"SEX"}, map[string][]string{"VISA_STATUS": {"STUDENT"}}),
		} {
			if code := errorCode(r); code != "FORBIDDEN" || !strings.Contains(r.Raw, "VISA_STATUS") {
				t.Fatalf("a dimension advertising does not release: %s", r.Raw)
			}
		}
		// Invalid queries name the rule, never a value.
		for _, q := range []struct {
			by      []string
			filters map[string][]string
		}{
			{[]string{}, nil},
			{[]string{"SEX", "SEX"}, nil},
			{[]string{"SEX", "PREFECTURE", "AGE_BAND", "MONTH"}, nil},
			{[]string{"SEX"}, map[string][]string{"PREFECTURE": {}}},
		} {
			r := stats(t, f, "advertiser", q.by, q.filters)
			if code := errorCode(r); code != "BAD_USER_INPUT" {
				t.Fatalf("%v %v: %s", q.by, q.filters, r.Raw)
			}
		}
		r = stats(t, f, "advertiser", []string{"SEX"}, map[string][]string{"PREFECTURE": {"cnrysecretvalue"}})
		if strings.Contains(r.Raw, "cnrysecretvalue") {
			t.Fatalf("a filter value echoed: %s", r.Raw)
		}

		// Everyone else is refused; the mailer acts under no aggregate purpose.
		for _, who := range []string{"alice", "acme", "support", "mailer", "compliance", "admin"} {
			if r := stats(t, f, who, []string{"SEX"}, nil); errorCode(r) != "FORBIDDEN" {
				t.Fatalf("%s: %s", who, r.Raw)
			}
		}
		if r := f.post(t, nil, `{ applicantStatistics(groupBy: [SEX]) { total } }`, nil); errorCode(r) != "FORBIDDEN" {
			t.Fatalf("anonymous: %s", r.Raw)
		}

		// Analysts and advertisers reach no applicant as a row, by any path.
		id := w.people["osaka-05"].ID
		for _, who := range []string{"analyst", "advertiser"} {
			r := f.post(t, as(who), `query($id: ID!) { applicants { totalCount edges { node { id } } } node(id: $id) { id } }`,
				map[string]any{"id": id})
			// (node answers an unreachable id as it answers one that does
			// not exist.)
			if fmt.Sprint(r.Data) != "map[applicants:map[edges:[] totalCount:0] node:<nil>]" || errorCode(r) != "NOT_FOUND" {
				t.Fatalf("%s reaches rows: %s", who, r.Raw)
			}
		}
	})
}

// TestStatisticsBudgetPerAccount: the daily budget is the account's, not
// its id's spelling: ids that differ only in case, surrounding white space
// or Unicode normal form spend one budget (three queries here).
func TestStatisticsBudgetPerAccount(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		newStatsWorld(t, client)
		f := &fixture{client: client}
		policy := statsPolicy()
		policy.Aggregates.OperationDailyBudget = 100 // the accounts' budgets, not the operation's, are tested here
		f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Policy = policy; gw.Noise = silent{} })
		spellings := []string{"analyst-\u00e9", "Analyst-E\u0301", " ANALYST-\u00c9 ", "analyst-e\u0301"}
		for i, account := range spellings {
			r := f.post(t, &consent.Viewer{Account: account, Role: consent.Analyst}, statsQuery, map[string]any{"by": []string{"SEX"}})
			if i < 3 {
				counts(t, r)
				continue
			}
			if code := errorCode(r); code != "PRIVACY_BUDGET_EXHAUSTED" {
				t.Fatalf("a fourth query under another spelling of the account: %s", r.Raw)
			}
		}
		// Another account has a budget of its own.
		counts(t, f.post(t, &consent.Viewer{Account: "analyst-e", Role: consent.Analyst}, statsQuery, map[string]any{"by": []string{"SEX"}}))
	})
}

// TestStatisticsWithNoise: with the real noise source, every group is at
// least the threshold and the total adds up; no analyst's or advertiser's
// response holds an identifier.
func TestStatisticsWithNoise(t *testing.T) {
	client := openSQLite(t)
	w := newStatsWorld(t, client)
	f := &fixture{client: client}
	policy := statsPolicy()
	policy.Aggregates.DailyBudget = 100
	f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Policy = policy })
	for i := range 20 {
		viewer := []string{"analyst", "advertiser"}[i%2]
		r := stats(t, f, viewer, []string{"PREFECTURE", "SEX"}, nil)
		counts(t, r)
		for account, a := range w.people {
			for _, s := range []string{account, a.Name, a.Email, fmt.Sprint(a.ID)} {
				if strings.Contains(r.Raw, `"`+s+`"`) {
					t.Fatalf("an identifier in a statistic: %s", r.Raw)
				}
			}
		}
	}
}

// TestStatisticsBudgetUnderConcurrency: concurrent queries of one analyst
// spend exactly the daily budget: three are answered, the others refused
// as over budget (a query that lost a race on PostgreSQL's serializable
// check is retried, as a client would); none fails otherwise.
func TestStatisticsBudgetUnderConcurrency(t *testing.T) {
	forEachBackendAsDeployed(t, func(t *testing.T, client *ent.Client) {
		newStatsWorld(t, client)
		f := &fixture{client: client}
		f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Policy = statsPolicy(); gw.Noise = silent{} })
		answered, refused := raceBudget(t, 8, func(int) gqlResponse { return stats(t, f, "analyst", []string{"SEX"}, nil) })
		if answered != 3 || refused != 5 {
			t.Fatalf("%d answered and %d refused on a budget of 3, want 3 and 5", answered, refused)
		}
		var spent []struct {
			Sum float64 `json:"sum"`
		}
		client.BudgetSpend.Query().Aggregate(ent.As(ent.Sum("epsilon"), "sum")).
			ScanX(privacy.DecisionContext(context.Background(), privacy.Allow), &spent)
		if len(spent) != 1 || spent[0].Sum != 6 {
			t.Fatalf("spent %v, want 6", spent)
		}
	})
}

// raceBudget sends ask from n goroutines at once, each retrying a query
// that lost a race on PostgreSQL's serializable check (CONFLICT) as a
// client would, and counts the answers and the refusals as over budget;
// anything else fails the test.
func raceBudget(t *testing.T, n int, ask func(i int) gqlResponse) (answered, refused int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			for {
				r := ask(i)
				code := errorCode(r)
				if code == "CONFLICT" {
					continue
				}
				mu.Lock()
				defer mu.Unlock()
				switch {
				case r.Data["applicantStatistics"] != nil && code == "":
					answered++
				case code == "PRIVACY_BUDGET_EXHAUSTED":
					refused++
				default:
					t.Errorf("neither an answer nor over budget: %s", r.Raw)
				}
				return
			}
		})
	}
	wg.Wait()
	return answered, refused
}
