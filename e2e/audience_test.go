package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
)

const mailerPage = `query($after: Cursor) { applicants(first: 10, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { name email phone birthDate } } } }`

// TestMailMagazineAudience: the mailer pages through the names and
// addresses of those who opted in to the mail magazine, nothing else of
// theirs, and a withdrawal removes a person from the very next page.
func TestMailMagazineAudience(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		w := newStatsWorld(t, client) // 40 applicants, none opted in to the mail magazine yet
		f := &fixture{client: client}
		f.handler = testGateway(client, nil, nil)
		var optedIn []string
		for account := range w.people {
			if strings.HasPrefix(account, "tokyo-") {
				w.consent(t, account, "MAIL_MAGAZINE", true) // 25
				optedIn = append(optedIn, account)
			}
		}
		page := func(after any) (names []string, next any, total float64) {
			r := f.post(t, as("mailer"), mailerPage, map[string]any{"after": after})
			if len(r.Errors) > 0 {
				t.Fatalf("page: %s", r.Raw)
			}
			for _, e := range dig(r.Data, "applicants", "edges").([]any) {
				n := dig(e, "node").(map[string]any)
				if n["phone"] != nil || n["birthDate"] != nil || n["email"] == nil {
					t.Fatalf("the mailer got more or less than name and email: %v", n)
				}
				names = append(names, n["name"].(string))
			}
			if dig(r.Data, "applicants", "pageInfo", "hasNextPage") == true {
				next = dig(r.Data, "applicants", "pageInfo", "endCursor")
			}
			return names, next, dig(r.Data, "applicants", "totalCount").(float64)
		}
		first, cursor, total := page(nil)
		if len(first) != 10 || total != 25 || cursor == nil {
			t.Fatalf("first page: %d names of %v", len(first), total)
		}
		// Someone not yet seen withdraws, and someone else opts in; the
		// next pages follow at once.
		var leaver string
		seen := strings.Join(first, " ")
		for _, a := range optedIn {
			if !strings.Contains(seen, w.people[a].Name) {
				leaver = a
				break
			}
		}
		w.consent(t, leaver, "MAIL_MAGAZINE", false)
		w.consent(t, "gunma-00", "MAIL_MAGAZINE", true)
		all := append([]string{}, first...)
		for cursor != nil {
			var names []string
			names, cursor, total = page(cursor)
			if total != 25 {
				t.Fatalf("totalCount %v after one left and one joined", total)
			}
			all = append(all, names...)
		}
		got := strings.Join(all, " ")
		if strings.Contains(got, w.people[leaver].Name) {
			t.Fatalf("%s withdrew but was on a later page", leaver)
		}
		for account, a := range w.people {
			in := strings.HasPrefix(account, "tokyo-") && account != leaver || account == "gunma-00"
			if strings.Contains(got, a.Name+" ") || strings.HasSuffix(got, a.Name) {
				if !in {
					t.Errorf("%s is not opted in but was listed", account)
				}
			}
		}
	})
}

// TestWithdrawalRacesEmployerReads: applicants withdraw their provision
// consent while the employer keeps reading its dashboard; no read that
// starts after a withdrawal committed releases that applicant's data.
func TestWithdrawalRacesEmployerReads(t *testing.T) {
	forEachBackendAsDeployed(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		const n = 12
		accounts := make([]string, n)
		for i := range accounts {
			accounts[i] = fmt.Sprintf("racer-%02d", i)
			addApplicantTo(t, f, accounts[i], "acme")
		}
		type read struct {
			start time.Time
			raw   string
		}
		var (
			mu        sync.Mutex
			withdrawn = map[string]time.Time{} // account → when its withdrawal's response arrived
			reads     []read
			wg        sync.WaitGroup
			done      = make(chan struct{})
		)
		// Each withdrawal waits until a read has started after it, so that
		// every one is raced by reads before and after it.
		readAfter := func(at time.Time) bool {
			mu.Lock()
			defer mu.Unlock()
			for _, r := range reads {
				if r.start.After(at) {
					return true
				}
			}
			return false
		}
		wg.Go(func() {
			defer close(done)
			for _, a := range accounts {
				v := consent.Viewer{Account: a, Role: consent.Applicant}
				r := f.post(t, &v, changeConsent, map[string]any{"in": map[string]any{
					"purpose": "EMPLOYER_PROVISION", "employerID": f.employers["acme"].ID, "granted": false}})
				if len(r.Errors) > 0 {
					t.Errorf("withdrawal of %s: %s", a, r.Raw)
				}
				at := time.Now()
				mu.Lock()
				withdrawn[a] = at
				mu.Unlock()
				for deadline := time.Now().Add(10 * time.Second); !readAfter(at) && time.Now().Before(deadline); {
					time.Sleep(time.Millisecond)
				}
			}
		})
		for range 2 {
			wg.Go(func() {
				for {
					select {
					case <-done:
						return
					default:
					}
					start := time.Now()
					r := f.post(t, as("acme"), `{ applicants(first: 100) { edges { node { name } } } }`, nil)
					mu.Lock()
					reads = append(reads, read{start, r.Raw})
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for a, at := range withdrawn {
			if !readAfter(at) {
				t.Fatalf("no read started after %s's withdrawal", a)
			}
		}
		released := 0 // names released by reads that started before the withdrawal
		for _, r := range reads {
			if !strings.HasPrefix(r.raw, `{"data":{"applicants":{"edges":[`) {
				t.Fatalf("a read failed: %s", r.raw)
			}
			for a, at := range withdrawn {
				named := strings.Contains(r.raw, canary(a, "name"))
				if r.start.After(at) && named {
					t.Fatalf("a read started %v after %s's withdrawal released their name", r.start.Sub(at), a)
				}
				if named {
					released++
				}
			}
		}
		if released == 0 {
			t.Fatal("no read released anyone before their withdrawal: the race was not run")
		}
		if r := f.post(t, as("acme"), `{ applicants(first: 100) { totalCount } }`, nil); r.Raw != `{"data":{"applicants":{"totalCount":1}}}` {
			t.Fatalf("after every withdrawal acme reaches: %s", r.Raw) // alice
		}
	})
}

// addApplicantTo creates an applicant whose name is their canary and has
// them apply to the fixture job jobKey (which records their provision
// consent to its employer).
func addApplicantTo(t *testing.T, f *fixture, account, jobKey string) {
	t.Helper()
	ctx := viewerContext(consent.Viewer{Account: account, Role: consent.Applicant})
	a := f.client.Applicant.Create().SetAccountID(account).SetName(canary(account, "name")).
		SetEmail(account + "@cnry.example").SetPhone("090-1111-2222").SetBirthDate(time.Date(1994, 2, 3, 0, 0, 0, 0, time.UTC)).
		SetSex("MALE").SetPrefecture("Tokyo").SaveX(ctx)
	inTx(t, f.client, func(client *ent.Client) {
		app := client.Application.Create().SetApplicant(a).SetJob(f.jobs[jobKey]).SetReason(canary(account, "reason")).SaveX(ctx)
		f.answer(ctx, client, app, jobKey, canary(account, "answer"))
	})
}
