package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/demo"
	"consentgate/ent"
	"consentgate/ent/application"
	"consentgate/ent/employer"
	"consentgate/ent/job"
	"consentgate/ent/privacy"
)

// The end of provision (issue 12): an application's provision to its
// employer ends when it reaches a final state (REJECTED, WITHDRAWN, HIRED,
// or its job CLOSED), after the policy's grace period for that state
// (defaults: 0 for WITHDRAWN, 30 days for REJECTED and a closed job, 30
// days for HIRED, after which the employer keeps what employment needs).
// After it the employer reaches neither the applicant nor the
// application's personal fields by any path.

const day = 24 * time.Hour

// keptForEmployment are the categories the default policy keeps for a
// hire past its grace period, written out from DESIGN.md and policy.yaml.
var keptForEmployment = []consent.Category{consent.Name, consent.BirthDate, consent.Sex, consent.Phone, consent.Email,
	consent.Visa, consent.Qualifications, consent.EmergencyContact}

// moveAs moves an application through the API, one status after another,
// as the employer viewer, and fails the test on any error.
func (f *fixture) moveAs(t *testing.T, viewer string, app *ent.Application, statuses ...string) {
	t.Helper()
	for _, s := range statuses {
		r := f.post(t, as(viewer), `mutation($id: ID!, $s: ApplicationStatus!) { moveApplication(id: $id, status: $s) { status } }`,
			map[string]any{"id": app.ID, "s": s})
		if dig(r.Data, "moveApplication", "status") != s {
			t.Fatalf("moving application %d to %s: %s", app.ID, s, r.Raw)
		}
	}
}

func applicationStatus(s string) application.Status { return application.Status(s) }

// closeJobAs closes a job through the API as the employer viewer.
func (f *fixture) closeJobAs(t *testing.T, viewer string, j *ent.Job) {
	t.Helper()
	r := f.post(t, as(viewer), `mutation($id: ID!) { updateJob(id: $id, input: {status: CLOSED}) { status } }`, map[string]any{"id": j.ID})
	if dig(r.Data, "updateJob", "status") != "CLOSED" {
		t.Fatalf("closing job %d: %s", j.ID, r.Raw)
	}
}

// ageApplication moves the time an application reached its status back
// by d, as if it had happened d ago (the grace periods count from it).
func (f *fixture) ageApplication(t testing.TB, app *ent.Application, d time.Duration) {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	a := f.client.Application.GetX(ctx, app.ID)
	f.client.Application.UpdateOne(a).SetStatusChangedAt(a.StatusChangedAt.Add(-d)).ExecX(ctx)
}

// ageJob moves the time a job closed back by d.
func (f *fixture) ageJob(t testing.TB, j *ent.Job, d time.Duration) {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	closed := f.client.Job.GetX(ctx, j.ID)
	if closed.ClosedAt == nil {
		t.Fatalf("job %d is not closed", j.ID)
	}
	f.client.Job.UpdateOne(closed).SetClosedAt(closed.ClosedAt.Add(-d)).ExecX(ctx)
}

// provisionCase brings alice's application to acme (alice withholds
// FAMILY from acme) to one state, through the API, and says what acme then
// reaches of her: everything §5(1) lists but FAMILY (open), the categories
// a hire keeps (kept), or nothing (ended).
type provisionCase struct {
	name  string
	end   func(t *testing.T, f *fixture)
	stage consent.ProvisionStage
}

var provisionCases = []provisionCase{
	{"live", func(t *testing.T, f *fixture) {}, consent.ProvisionOpen},
	{"rejected, in the grace period", func(t *testing.T, f *fixture) {
		f.moveAs(t, "acme", f.apps["alice"], "REJECTED")
		f.ageApplication(t, f.apps["alice"], 29*day)
	}, consent.ProvisionOpen},
	{"rejected, past the grace period", func(t *testing.T, f *fixture) {
		f.moveAs(t, "acme", f.apps["alice"], "SCREENING", "REJECTED")
		f.ageApplication(t, f.apps["alice"], 30*day+time.Minute)
	}, consent.ProvisionEnded},
	{"withdrawn, at once", func(t *testing.T, f *fixture) {
		r := f.post(t, as("alice"), `mutation($id: ID!) { withdrawApplication(id: $id) { status } }`, map[string]any{"id": f.apps["alice"].ID})
		if dig(r.Data, "withdrawApplication", "status") != "WITHDRAWN" {
			t.Fatalf("withdrawing: %s", r.Raw)
		}
	}, consent.ProvisionEnded},
	{"job closed, in the grace period", func(t *testing.T, f *fixture) {
		f.closeJobAs(t, "acme", f.jobs["acme"])
		f.ageJob(t, f.jobs["acme"], 29*day)
	}, consent.ProvisionOpen},
	{"job closed, past the grace period", func(t *testing.T, f *fixture) {
		f.moveAs(t, "acme", f.apps["alice"], "INTERVIEW")
		f.closeJobAs(t, "acme", f.jobs["acme"])
		f.ageJob(t, f.jobs["acme"], 31*day)
	}, consent.ProvisionEnded},
	{"rejected after the job closed: the closing's end", func(t *testing.T, f *fixture) {
		f.closeJobAs(t, "acme", f.jobs["acme"])
		f.ageJob(t, f.jobs["acme"], 31*day)
		// Past the closing's end the employer cannot reach it to reject it...
		r := f.post(t, as("acme"), `mutation($id: ID!) { moveApplication(id: $id, status: REJECTED) { status } }`, map[string]any{"id": f.apps["alice"].ID})
		if errorCode(r) != "NOT_FOUND" {
			t.Fatalf("moving an application past its end of provision: %s", r.Raw)
		}
	}, consent.ProvisionEnded},
	{"hired, in the grace period", func(t *testing.T, f *fixture) {
		f.moveAs(t, "acme", f.apps["alice"], "INTERVIEW", "OFFER", "HIRED")
		f.ageApplication(t, f.apps["alice"], 29*day)
	}, consent.ProvisionOpen},
	{"hired, past the grace period", func(t *testing.T, f *fixture) {
		f.moveAs(t, "acme", f.apps["alice"], "INTERVIEW", "OFFER", "HIRED")
		f.ageApplication(t, f.apps["alice"], 31*day)
	}, consent.ProvisionKept},
	{"hired, then the job closed long ago: the hire's own end", func(t *testing.T, f *fixture) {
		f.moveAs(t, "acme", f.apps["alice"], "INTERVIEW", "OFFER", "HIRED")
		f.closeJobAs(t, "acme", f.jobs["acme"])
		f.ageApplication(t, f.apps["alice"], 31*day)
		f.ageJob(t, f.jobs["acme"], 300*day)
	}, consent.ProvisionKept},
	{"hired past the grace period, then consent withdrawn", func(t *testing.T, f *fixture) {
		f.moveAs(t, "acme", f.apps["alice"], "INTERVIEW", "OFFER", "HIRED")
		f.ageApplication(t, f.apps["alice"], 31*day)
		r := f.post(t, as("alice"), `mutation($e: ID!) { changeConsent(input: {purpose: EMPLOYER_PROVISION, employerID: $e, granted: false}) { granted } }`,
			map[string]any{"e": f.employers["acme"].ID})
		if dig(r.Data, "changeConsent", "granted") != false {
			t.Fatalf("withdrawing consent: %s", r.Raw)
		}
	}, consent.ProvisionEnded},
}

// reachedBy is what acme may see of alice at a stage.
func (c provisionCase) reachedBy() map[string][]consent.Category {
	switch c.stage {
	case consent.ProvisionOpen:
		return map[string][]consent.Category{"alice": without(providable(), consent.Family)}
	case consent.ProvisionKept:
		return map[string][]consent.Category{"alice": keptForEmployment}
	}
	return map[string][]consent.Category{}
}

// TestEndOfProvision brings alice's application to acme to each case and
// runs every access path as acme: each of her values appears only where
// the stage allows its category, and each allowed one appears; she is a
// row for acme (lists, counts, node lookups) exactly while something is
// provided, her application exactly while its own provision is not over;
// globex and alice herself see what they saw before.
func TestEndOfProvision(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, c := range provisionCases {
				t.Run(c.name, func(t *testing.T) {
					f := newFixture(t, b.open(t))
					c.end(t, f)
					checkCanaries(t, f, "acme", c.reachedBy(), onAPath)
					r := f.post(t, as("acme"), `query($a: ID!, $app: ID!) {
						applicants { totalCount edges { node { id } } }
						applications { totalCount edges { node { id } } }
						applicant(id: $a) { id }
						node(id: $app) { id }
					}`, map[string]any{"a": f.applicants["alice"].ID, "app": f.apps["alice"].ID})
					reached := c.stage != consent.ProvisionEnded
					want := []string(nil)
					if reached {
						want = []string{fmt.Sprint(f.applicants["alice"].ID)}
					}
					if got := idSet(r, "applicants", "edges"); !slices.Equal(got, want) || fmt.Sprint(dig(r.Data, "applicants", "totalCount")) != fmt.Sprint(len(want)) {
						t.Errorf("acme's applicants = %v, want %v: %s", got, want, r.Raw)
					}
					if got := idSet(r, "applications", "edges"); len(got) != len(want) {
						t.Errorf("acme's applications = %v, want %d: %s", got, len(want), r.Raw)
					}
					if (dig(r.Data, "applicant") != nil) != reached || (dig(r.Data, "node") != nil) != reached {
						t.Errorf("lookups by id: %s", r.Raw)
					}
					// Globex never reached alice; alice sees all of hers.
					if r := f.post(t, as("globex"), `{ applicants { totalCount edges { node { id name } } } }`, nil); strings.Contains(r.Raw, "cnryalice") {
						t.Errorf("globex reaches alice: %s", r.Raw)
					}
					if r := f.post(t, as("alice"), `{ me { name street applications { totalCount edges { node { reason } } } } }`, nil); !strings.Contains(r.Raw, `"street":"cnryalicestreet"`) ||
						!strings.Contains(r.Raw, `"reason":"cnryalicereason"`) || r.Extensions["withheld"] != nil {
						t.Errorf("alice's own: %s", r.Raw)
					}
				})
			}
		})
	}
}

// TestEndOfProvisionWithheld: what acme gets for alice's fields once only
// a hire is left, past its grace period: the kept categories plain, the
// rest null and listed in extensions.withheld as PROVISION_ENDED (the
// application's answers too), the §5(1) exclusions as NOT_PERMITTED.
func TestEndOfProvisionWithheld(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		f.moveAs(t, "acme", f.apps["alice"], "INTERVIEW", "OFFER", "HIRED")
		q := `query($id: ID!) { applicant(id: $id) { name phone city street occupation spouseOccupation applications { edges { node { status reason answers { text } } } } } }`
		vars := map[string]any{"id": f.applicants["alice"].ID}
		r := f.post(t, as("acme"), q, vars)
		if want := `{"data":{"applicant":{"name":"cnryalicename","phone":"090-1234-0001","city":"cnryalicecity","street":null,"occupation":"cnryaliceoccupation","spouseOccupation":null,"applications":{"edges":[{"node":{"status":"HIRED","reason":"cnryalicereason","answers":[{"text":"cnryaliceanswer"}]}}]}}},"extensions":{"withheld":[{"path":["applicant"],"fields":{"spouseOccupation":"WITHHELD_BY_SUBJECT","street":"NOT_PERMITTED"}}]}}`; r.Raw != want {
			t.Fatalf("in the grace period: got %s\nwant %s", r.Raw, want)
		}
		f.ageApplication(t, f.apps["alice"], 31*day)
		r = f.post(t, as("acme"), q, vars)
		want := `{"data":{"applicant":{"name":"cnryalicename","phone":"090-1234-0001","city":null,"street":null,"occupation":null,"spouseOccupation":null,"applications":{"edges":[{"node":{"status":"HIRED","reason":null,"answers":[{"text":null}]}}]}}},` +
			`"extensions":{"withheld":[{"path":["applicant"],"fields":{"city":"PROVISION_ENDED","occupation":"PROVISION_ENDED","spouseOccupation":"PROVISION_ENDED","street":"NOT_PERMITTED"}},` +
			`{"path":["applicant","applications","edges",0,"node"],"fields":{"reason":"PROVISION_ENDED"}},` +
			`{"path":["applicant","applications","edges",0,"node","answers",0],"fields":{"text":"PROVISION_ENDED"}}]}}`
		if r.Raw != want {
			t.Fatalf("past the grace period: got %s\nwant %s", r.Raw, want)
		}
		// The access record of that response names the kept categories only.
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		last := client.AccessRecord.Query().Order(ent.Desc("id")).FirstX(ctx)
		if want := []string{"NAME:PLAIN", "PHONE:PLAIN"}; !slices.Equal(last.Categories, want) {
			t.Errorf("access record categories = %v, want %v", last.Categories, want)
		}
	})
}

// TestEndOfProvisionPerApplication: an applicant with two applications to
// one employer is reached through the one not past its end of provision;
// the other (rejected long ago, or a hire past its grace period) shows
// none of its own personal fields: its row is not reached, or its answers
// are withheld, whatever the live one allows.
func TestEndOfProvisionPerApplication(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		second := client.Job.Create().SetEmployer(f.employers["acme"]).SetTitle("Acme second").SetDescription("d").SetPrefecture("Tokyo").
			SetField("Software").SetEmploymentType("FULL_TIME").SetStatus("PUBLISHED").SaveX(ctx)
		r := f.post(t, as("alice"), `mutation($j: ID!) { applyToJob(input: {jobID: $j, reason: "cnryalicesecondreason"}) { id } }`, map[string]any{"j": second.ID})
		live := idOf(t, dig(r.Data, "applyToJob", "id"))
		q := `{ applications(orderBy: {field: CREATED_AT, direction: ASC}) { totalCount edges { node { id reason } } } applicants { edges { node { name city } } } }`

		f.moveAs(t, "acme", f.apps["alice"], "REJECTED")
		f.ageApplication(t, f.apps["alice"], 40*day)
		r = f.post(t, as("acme"), q, nil)
		if want := fmt.Sprintf(`{"data":{"applications":{"totalCount":1,"edges":[{"node":{"id":"%d","reason":"cnryalicesecondreason"}}]},"applicants":{"edges":[{"node":{"name":"cnryalicename","city":"cnryalicecity"}}]}}}`, live); r.Raw != want {
			t.Fatalf("rejected long ago beside a live one: got %s\nwant %s", r.Raw, want)
		}
		if r := f.post(t, as("acme"), `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": f.apps["alice"].ID}); dig(r.Data, "node") != nil {
			t.Errorf("the ended application is reached by id: %s", r.Raw)
		}
	})
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		second := client.Job.Create().SetEmployer(f.employers["acme"]).SetTitle("Acme second").SetDescription("d").SetPrefecture("Tokyo").
			SetField("Software").SetEmploymentType("FULL_TIME").SetStatus("PUBLISHED").SaveX(ctx)
		f.moveAs(t, "acme", f.apps["alice"], "INTERVIEW", "OFFER", "HIRED")
		f.ageApplication(t, f.apps["alice"], 40*day)
		r := f.post(t, as("alice"), `mutation($j: ID!) { applyToJob(input: {jobID: $j, reason: "cnryalicesecondreason"}) { id } }`, map[string]any{"j": second.ID})
		live := idOf(t, dig(r.Data, "applyToJob", "id"))
		r = f.post(t, as("acme"), `{ applications(orderBy: {field: CREATED_AT, direction: ASC}) { edges { node { id status reason } } } applicants { edges { node { name city } } } }`, nil)
		want := fmt.Sprintf(`{"data":{"applications":{"edges":[{"node":{"id":"%d","status":"HIRED","reason":null}},{"node":{"id":"%d","status":"APPLIED","reason":"cnryalicesecondreason"}}]},"applicants":{"edges":[{"node":{"name":"cnryalicename","city":"cnryalicecity"}}]}}`+
			`,"extensions":{"withheld":[{"path":["applications","edges",0,"node"],"fields":{"reason":"PROVISION_ENDED"}}]}}`, f.apps["alice"].ID, live)
		if r.Raw != want {
			t.Fatalf("a hire past its grace period beside a live one: got %s\nwant %s", r.Raw, want)
		}
	})
}

// TestProvisions: the applicant's provisions say, per employer, since when
// it is provided their data, when that ends or ended and what a hire keeps;
// an employer sees its own line only, while it reaches the applicant.
func TestProvisions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		q := `{ me { provisions { employer { name } since endsAt ended keeps } } }`
		provisions := func(viewer string) []any {
			r := f.post(t, as(viewer), q, nil)
			l, _ := dig(r.Data, "me", "provisions").([]any)
			if l == nil {
				t.Fatalf("no provisions: %s", r.Raw)
			}
			return l
		}
		applied := f.apps["alice"].CreatedAt.UTC().Format(time.RFC3339Nano)
		if got := provisions("alice"); len(got) != 1 || dig(got, 0, "employer", "name") != "Acme K.K." || dig(got, 0, "endsAt") != nil ||
			dig(got, 0, "ended") != false || len(dig(got, 0, "keeps").([]any)) != 0 || !sameInstant(t, dig(got, 0, "since"), applied) {
			t.Fatalf("a live application: %v", got)
		}
		// Rejected ten days ago: ends twenty days from now.
		f.moveAs(t, "acme", f.apps["alice"], "REJECTED")
		f.ageApplication(t, f.apps["alice"], 10*day)
		rejectedAt := client.Application.GetX(ctx, f.apps["alice"].ID).StatusChangedAt
		got := provisions("alice")
		if !sameInstant(t, dig(got, 0, "endsAt"), rejectedAt.Add(30*day).UTC().Format(time.RFC3339Nano)) || dig(got, 0, "ended") != false {
			t.Fatalf("rejected ten days ago: %v", got)
		}
		// Acme, which still reaches her, sees the same line.
		r := f.post(t, as("acme"), `query($id: ID!) { applicant(id: $id) { provisions { employer { name } endsAt ended } } }`, map[string]any{"id": f.applicants["alice"].ID})
		if l, _ := dig(r.Data, "applicant", "provisions").([]any); len(l) != 1 || dig(l, 0, "endsAt") != dig(got, 0, "endsAt") {
			t.Fatalf("acme's view: %s", r.Raw)
		}
		// Twenty-one days later it has ended, and acme reaches nothing.
		f.ageApplication(t, f.apps["alice"], 21*day)
		if got := provisions("alice"); dig(got, 0, "ended") != true {
			t.Fatalf("rejected 31 days ago: %v", got)
		}
		if r := f.post(t, as("acme"), `query($id: ID!) { applicant(id: $id) { provisions { ended } } }`, map[string]any{"id": f.applicants["alice"].ID}); dig(r.Data, "applicant") != nil {
			t.Fatalf("acme reaches alice after the end: %s", r.Raw)
		}

		// Bob, hired by globex, and applying to acme: globex's line keeps
		// what employment needs; acme's line is live; globex sees its own.
		f.moveAs(t, "globex", f.apps["bob"], "INTERVIEW", "OFFER", "HIRED")
		r = f.post(t, as("bob"), `mutation($j: ID!, $a: [AnswerInput!]) { applyToJob(input: {jobID: $j}, answers: $a) { id } }`,
			map[string]any{"j": f.jobs["acme"].ID, "a": f.answerInputs("acme", "x")})
		if r.Errors != nil {
			t.Fatal(r.Raw)
		}
		got = provisions("bob")
		if len(got) != 2 || dig(got, 0, "employer", "name") != "Globex G.K." || dig(got, 1, "employer", "name") != "Acme K.K." || dig(got, 1, "endsAt") != nil {
			t.Fatalf("bob's provisions: %v", got)
		}
		var keeps []consent.Category
		for _, k := range dig(got, 0, "keeps").([]any) {
			keeps = append(keeps, consent.Category(k.(string)))
		}
		if !slices.Equal(keeps, keptForEmployment) || dig(got, 0, "ended") != false {
			t.Fatalf("globex's line: %v", got[0])
		}
		r = f.post(t, as("globex"), `query($id: ID!) { applicant(id: $id) { provisions { employer { name } } } }`, map[string]any{"id": f.applicants["bob"].ID})
		if want := `{"data":{"applicant":{"provisions":[{"employer":{"name":"Globex G.K."}}]}}}`; r.Raw != want {
			t.Fatalf("globex sees %s, want %s", r.Raw, want)
		}
	})
}

// sameInstant reports whether a response's time string is the instant
// want (RFC 3339); the databases keep different precisions.
func sameInstant(t *testing.T, got any, want string) bool {
	t.Helper()
	s, _ := got.(string)
	g, err1 := time.Parse(time.RFC3339Nano, s)
	w, err2 := time.Parse(time.RFC3339Nano, want)
	if err1 != nil || err2 != nil {
		return false
	}
	return g.Sub(w).Abs() < time.Millisecond
}

// TestClosedJobStaysClosed: a closed job cannot be reopened (its
// applications' end of provision counts from its closing).
func TestClosedJobStaysClosed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		f.closeJobAs(t, "acme", f.jobs["acme"])
		r := f.post(t, as("acme"), `mutation($id: ID!) { updateJob(id: $id, input: {status: PUBLISHED}) { status } }`, map[string]any{"id": f.jobs["acme"].ID})
		if errorCode(r) != "BAD_USER_INPUT" || !strings.Contains(errorMessage(r), "a closed job stays closed") {
			t.Fatalf("reopening: %s", r.Raw)
		}
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		if j := client.Job.GetX(ctx, f.jobs["acme"].ID); j.Status != "CLOSED" || j.ClosedAt == nil {
			t.Fatalf("job after the refused reopening: %+v", j)
		}
	})
}

// provisionWorldApplicant is one applicant of the end-of-provision twin
// world: their applications, and what acme sees of them.
type provisionWorldApplicant struct {
	apps   []provisionWorldApp
	stage  consent.ProvisionStage // towards acme
	globex bool                   // live at globex: the twin keeps what globex sees
}

// provisionWorldApp is one application: to which job (0, 1: acme's open
// jobs; 2: acme's, closed 40 days ago; 3: acme's, closed 5 days ago; 4:
// globex's), the statuses it moves through, how long ago it reached the
// last one (base and twin), and whether acme sees its own fields.
type provisionWorldApp struct {
	job             int
	path            []string
	ago, twinAgo    time.Duration
	ownFieldsHidden bool
}

// provisionWorld is the twin world's applicants: each end-of-provision
// case, and cases where one application has ended beside another that has
// not.
var provisionWorld = []provisionWorldApplicant{
	{[]provisionWorldApp{{job: 0}}, consent.ProvisionOpen, false},
	{[]provisionWorldApp{{job: 0, path: []string{"REJECTED"}, ago: 31 * day, twinAgo: 200 * day}}, consent.ProvisionEnded, false},
	{[]provisionWorldApp{{job: 0, path: []string{"REJECTED"}, ago: 10 * day, twinAgo: 10 * day}}, consent.ProvisionOpen, false},
	{[]provisionWorldApp{{job: 0, path: []string{"INTERVIEW", "OFFER", "HIRED"}, ago: 40 * day, twinAgo: 40 * day, ownFieldsHidden: true}}, consent.ProvisionKept, false},
	{[]provisionWorldApp{{job: 2, path: []string{"SCREENING"}, ago: 50 * day, twinAgo: 60 * day}}, consent.ProvisionEnded, false},
	{[]provisionWorldApp{{job: 3, path: []string{"INTERVIEW"}, ago: 20 * day, twinAgo: 20 * day}}, consent.ProvisionOpen, false},
	{[]provisionWorldApp{{job: 0, path: []string{"WITHDRAWN"}, ago: time.Hour, twinAgo: 100 * day}}, consent.ProvisionEnded, false},
	{[]provisionWorldApp{{job: 0, path: []string{"REJECTED"}, ago: 31 * day, twinAgo: 90 * day, ownFieldsHidden: true}, {job: 1}}, consent.ProvisionOpen, false},
	{[]provisionWorldApp{{job: 0, path: []string{"INTERVIEW", "OFFER", "HIRED"}, ago: 40 * day, twinAgo: 40 * day, ownFieldsHidden: true}, {job: 1}}, consent.ProvisionOpen, false},
	{[]provisionWorldApp{{job: 4}}, consent.ProvisionEnded, true},
}

// buildProvisionWorld writes the world at the time now: the values of
// applicant i from seeds[i], the reason of their application k from
// reasons[i][k]; a twin also gets one more applicant acme does not reach
// (rejected long ago), written last so that the other ids stay the same.
func buildProvisionWorld(t *testing.T, open func(testing.TB) *ent.Client, now time.Time, seeds []map[consent.Category]uint64, reasons [][]uint64, twin bool) *fixture {
	t.Helper()
	client := open(t)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	f := &fixture{client: client, applicants: map[string]*ent.Applicant{}, jobs: map[string]*ent.Job{}, apps: map[string]*ent.Application{},
		employers: map[string]*ent.Employer{}}
	f.handler = testGateway(client, nil, nil)
	client.PolicyVersion.Create().SetVersion("v").SetEffectiveAt(now.Add(-400 * day)).SetTextDigest("sha256:0000000000000000000000000000000000000000000000000000000000000000").ExecX(ctx)
	for _, e := range worldEmployers {
		f.employers[e] = client.Employer.Create().SetExternalID(e).SetName(e).SaveX(ctx)
	}
	var jobs []*ent.Job
	for i, e := range []string{"acme", "acme", "acme", "acme", "globex"} {
		jobs = append(jobs, client.Job.Create().SetEmployer(f.employers[e]).SetTitle(fmt.Sprint("job", i)).SetDescription("d").
			SetPrefecture("Tokyo").SetField("f").SetEmploymentType("FULL_TIME").SetStatus("PUBLISHED").
			SetCreatedAt(now.Add(-300*day)).SetUpdatedAt(now.Add(-300*day)).SaveX(ctx))
		f.jobs[fmt.Sprint(i)] = jobs[i]
	}
	people := slices.Clone(provisionWorld)
	if twin {
		people = append(people, provisionWorldApplicant{[]provisionWorldApp{{job: 0, path: []string{"REJECTED"}, ago: 100 * day, twinAgo: 100 * day}}, consent.ProvisionEnded, false})
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range people {
		account := fmt.Sprintf("acct-%d", i)
		created := now.Add(-200*day + time.Duration(i)*time.Hour)
		b := tx.Applicant.Create().SetAccountID(account).SetCreatedAt(created).SetUpdatedAt(created)
		setPersonal(b, seeds[i])
		a := b.SaveX(ctx)
		f.applicants[account] = a
		for k, w := range p.apps {
			applied := created.Add(time.Duration(k+1) * time.Hour)
			app := tx.Application.Create().SetApplicant(a).SetJob(jobs[w.job]).SetReason(word(valueSource(reasons[i][k]), "reason")).
				SetCreatedAt(applied).SetUpdatedAt(applied).SaveX(ctx)
			for _, s := range w.path {
				tx.Application.UpdateOneID(app.ID).SetStatus(applicationStatus(s)).ExecX(ctx)
			}
			ago := w.ago
			if twin {
				ago = w.twinAgo
			}
			if len(w.path) == 0 {
				ago = now.Sub(applied)
			}
			tx.Application.UpdateOneID(app.ID).SetStatusChangedAt(now.Add(-ago)).SetUpdatedAt(now.Add(-ago)).ExecX(ctx)
			f.apps[fmt.Sprintf("%s/%d", account, k)] = app
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	for j, ago := range map[int]time.Duration{2: 40 * day, 3: 5 * day} {
		client.Job.UpdateOne(jobs[j]).SetStatus("CLOSED").ExecX(ctx)
		client.Job.UpdateOneID(jobs[j].ID).SetClosedAt(now.Add(-ago)).SetUpdatedAt(now.Add(-ago)).ExecX(ctx)
	}
	return f
}

// TestEndOfProvisionNonInterference: two worlds that differ only in what
// acme may not see (every value of the applicants whose provision has
// ended, and when it ended; a hire's values beyond what it keeps; the
// reasons of applications past their end beside live ones; the values
// §5(1) excludes; and, in the twin, one more applicant rejected long ago)
// give acme, and globex, byte-identical responses on every access path.
func TestEndOfProvisionNonInterference(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			worlds := 3
			if b.name == "postgres" {
				worlds = 1
			}
			for seed := range worlds {
				r := rand.New(rand.NewPCG(uint64(seed), 12))
				now := time.Now()
				n := len(provisionWorld) + 1
				seeds, twinSeeds := make([]map[consent.Category]uint64, n), make([]map[consent.Category]uint64, n)
				reasons, twinReasons := make([][]uint64, n), make([][]uint64, n)
				for i := range n {
					seeds[i], twinSeeds[i] = map[consent.Category]uint64{}, map[consent.Category]uint64{}
					stage, apps := consent.ProvisionEnded, []provisionWorldApp{{}}
					if i < len(provisionWorld) {
						stage, apps = provisionWorld[i].stage, provisionWorld[i].apps
					}
					visible := map[consent.ProvisionStage][]consent.Category{consent.ProvisionOpen: providable(), consent.ProvisionKept: keptForEmployment}[stage]
					if i < len(provisionWorld) && provisionWorld[i].globex {
						stage, visible = consent.ProvisionOpen, providable()
					}
					for _, c := range consent.Categories {
						seeds[i][c] = r.Uint64()
						twinSeeds[i][c] = seeds[i][c]
						if !slices.Contains(visible, c) {
							twinSeeds[i][c] = r.Uint64()
						}
					}
					for _, a := range apps {
						reason := r.Uint64()
						reasons[i], twinReasons[i] = append(reasons[i], reason), append(twinReasons[i], reason)
						if stage != consent.ProvisionOpen || a.ownFieldsHidden {
							twinReasons[i][len(twinReasons[i])-1] = r.Uint64()
						}
					}
				}
				base := buildProvisionWorld(t, b.open, now, seeds, reasons, false)
				twin := buildProvisionWorld(t, b.open, now, twinSeeds, twinReasons, true)
				var ids []string
				for _, a := range base.applicants {
					ids = append(ids, fmt.Sprint(a.ID))
				}
				for _, a := range base.apps {
					ids = append(ids, fmt.Sprint(a.ID))
				}
				slices.Sort(ids)
				ops := []string{
					`{ applicants(first: 20) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...P provisions { employer { name } endsAt ended keeps } } } } }`,
					`{ applicants(last: 3, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount pageInfo { hasPreviousPage startCursor } edges { cursor node { ...P } } } }`,
					`{ applications(first: 30) { totalCount edges { cursor node { ...A statusChangedAt } } } }`,
					`{ applications(where: {status: REJECTED}) { totalCount edges { node { id } } } x: applications(where: {status: HIRED}) { totalCount } }`,
					`{ jobs(first: 10) { edges { node { title status applications(first: 10) { totalCount edges { node { ...A } } } } } } }`,
					`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Applicant { ...P } ... on Application { ...A } } }`,
				}
				for _, viewer := range []string{"acme", "globex"} {
					for _, op := range ops {
						q := op + personalFragment
						switch {
						case !strings.Contains(op, "..."):
							q = op
						case !strings.Contains(op, "...A"):
							q = op + personalFragment[:strings.Index(personalFragment, "fragment A")]
						}
						vars := map[string]any{"ids": ids}
						a, b := base.post(t, as(viewer), q, vars), twin.post(t, as(viewer), q, vars)
						if a.Errors != nil && errorCode(a) != "NOT_FOUND" {
							t.Fatalf("%s: %s", op, a.Raw)
						}
						if a.comparable() != b.comparable() {
							t.Fatalf("world %d, %s: responses differ\nquery: %s\nfirst difference: %s", seed, viewer, op, firstDifference(a.comparable(), b.comparable()))
						}
					}
				}
				// The world holds every case: acme reaches 6 of the 10
				// applicants (one a hire past its grace period) and 7 of
				// their 12 applications.
				reached := base.post(t, as("acme"), `{ applicants { totalCount } applications { totalCount } }`, nil)
				if fmt.Sprint(dig(reached.Data, "applicants", "totalCount"), dig(reached.Data, "applications", "totalCount")) != "6 7" {
					t.Fatalf("acme reaches %s", reached.Raw)
				}
			}
		})
	}
}

// TestDemoEndOfProvision: in the demo, the demo employer reaches no
// application past its end of provision (no withdrawal, no rejection older
// than the grace period), its hires past the grace period show only what
// employment needs, and applicants whose only application to it ended are
// not reached at all, though the data set holds them.
func TestDemoEndOfProvision(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		seedOrFail(t, client)
		f := &fixture{client: client, handler: testGateway(client, nil, nil)}
		recruiter := demo.Viewers[1]
		grace := time.Now().Add(-30 * day)
		seen := map[string]int{}
		type person struct {
			open       bool // an application to the employer not past its end of provision
			city, name any
		}
		people := map[string]*person{}
		var after any
		for {
			r := f.post(t, &recruiter, `query($after: Cursor) { applications(first: 100, after: $after) {
				pageInfo { hasNextPage endCursor } edges { node { status statusChangedAt reason applicant { id name city } } } } }`,
				map[string]any{"after": after})
			if r.Errors != nil {
				t.Fatal(r.Raw)
			}
			for _, e := range dig(r.Data, "applications", "edges").([]any) {
				n := dig(e, "node")
				status := dig(n, "status").(string)
				at, _ := time.Parse(time.RFC3339Nano, dig(n, "statusChangedAt").(string))
				past := at.Before(grace)
				id := fmt.Sprint(dig(n, "applicant", "id"))
				if people[id] == nil {
					people[id] = &person{city: dig(n, "applicant", "city"), name: dig(n, "applicant", "name")}
				}
				switch {
				case status == "WITHDRAWN", status == "REJECTED" && past:
					t.Errorf("a %s application past its end of provision is reached: %v", status, n)
				case status == "HIRED" && past:
					seen["hired, past the grace period"]++
					if dig(n, "reason") != nil {
						t.Errorf("a hire past its grace period shows its reason: %v", n)
					}
				default:
					people[id].open = true
					if status == "REJECTED" {
						seen["rejected, in the grace period"]++
					}
				}
			}
			if dig(r.Data, "applications", "pageInfo", "hasNextPage") != true {
				break
			}
			after = dig(r.Data, "applications", "pageInfo", "endCursor")
		}
		for id, p := range people {
			switch {
			case p.name == nil:
				t.Errorf("applicant %s: no name", id)
			case !p.open && p.city != nil:
				t.Errorf("applicant %s, reached through a hire past its grace period only, shows a city", id)
			case !p.open:
				seen["kept for employment only"]++
			}
		}
		for _, c := range []string{"hired, past the grace period", "rejected, in the grace period", "kept for employment only"} {
			if seen[c] == 0 {
				t.Errorf("the demo employer sees %v: nothing %s", seen, c)
			}
		}
		ctx := seedTestContext(t)
		ended := client.Application.Query().Where(application.HasJobWith(job.HasEmployerWith(employer.ExternalID(demo.EmployerOrg))),
			application.StatusEQ(application.StatusREJECTED), application.StatusChangedAtLT(grace)).CountX(ctx)
		if ended == 0 {
			t.Error("the demo holds no rejection past its grace period")
		}
	})
}
