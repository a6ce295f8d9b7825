package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/privacy"
)

// The scope rule of DESIGN.md ("Consent state"), tested through the API
// only: for a subject, a purpose and an employer X, the ledger entries that
// apply are those naming X and those naming no employer (all employers);
// the most recent applicable entry, in ledger order, wins, whichever scope
// it has; the same for each withheld category. Applying to X records a
// grant to X.

// scopeEntry is one consent ledger entry as the scope rule reads it.
type scopeEntry struct {
	purpose  consent.Purpose
	employer string // the employer's external id; "" for all employers
	category consent.Category
	granted  bool
}

// refProvided is the reference of the scope rule for the whole of
// EMPLOYER_PROVISION, written out here independently of the engine and the
// row rules: the latest entry naming employer or no employer decides;
// without one, provision is not given (opt-in).
func refProvided(ledger []scopeEntry, employer string) bool {
	provided := false
	for _, e := range ledger {
		if e.purpose == consent.EmployerProvision && e.category == "" && (e.employer == employer || e.employer == "") {
			provided = e.granted
		}
	}
	return provided
}

// refWithheld is the same rule for one category: the latest entry for c
// naming employer or no employer decides; without one, c is not withheld.
func refWithheld(ledger []scopeEntry, employer string, c consent.Category) bool {
	withheld := false
	for _, e := range ledger {
		if e.purpose == consent.EmployerProvision && e.category == c && (e.employer == employer || e.employer == "") {
			withheld = !e.granted
		}
	}
	return withheld
}

// neverToEmployers are the categories policy §1 names and §5(1) does not:
// no employer ever receives them (DESIGN.md's category table).
var neverToEmployers = []consent.Category{consent.AddressStreet, consent.Workplace, consent.Network}

// refEmployerSees lists what an employer that reaches a subject sees of
// them: every category but those never provided and those withheld.
func refEmployerSees(ledger []scopeEntry, employer string) []consent.Category {
	var out []consent.Category
	for _, c := range consent.Categories {
		if !slices.Contains(neverToEmployers, c) && !refWithheld(ledger, employer, c) {
			out = append(out, c)
		}
	}
	return out
}

// TestScopeReference pins the reference itself to the examples of issue 10
// and DESIGN.md, so that the tests built on it test the rule as written.
func TestScopeReference(t *testing.T) {
	acme := func(granted bool) scopeEntry { return scopeEntry{consent.EmployerProvision, "acme", "", granted} }
	all := func(granted bool) scopeEntry { return scopeEntry{consent.EmployerProvision, "", "", granted} }
	family := func(employer string, granted bool) scopeEntry {
		return scopeEntry{consent.EmployerProvision, employer, consent.Family, granted}
	}
	cases := []struct {
		name          string
		ledger        []scopeEntry
		acme, globex  bool // provided
		acmeW, globeW bool // FAMILY withheld
	}{
		{"nothing", nil, false, false, false, false},
		{"applied to acme", []scopeEntry{acme(true)}, true, false, false, false},
		{"global withdrawal after applying", []scopeEntry{acme(true), all(false)}, false, false, false, false},
		{"applying again after a global withdrawal", []scopeEntry{acme(true), all(false), acme(true)}, true, false, false, false},
		{"global grant after withdrawing from acme", []scopeEntry{acme(false), all(true)}, true, true, false, false},
		{"withdrawing from acme after a global grant", []scopeEntry{all(true), acme(false)}, false, true, false, false},
		{"released to acme, then withheld from all", []scopeEntry{family("acme", true), family("", false)}, false, false, true, true},
		{"withheld from all, then released to acme", []scopeEntry{family("", false), family("acme", true)}, false, false, false, true},
		{"withheld from acme, then released to all", []scopeEntry{family("acme", false), family("", true)}, false, false, false, false},
	}
	for _, c := range cases {
		got := []bool{refProvided(c.ledger, "acme"), refProvided(c.ledger, "globex"),
			refWithheld(c.ledger, "acme", consent.Family), refWithheld(c.ledger, "globex", consent.Family)}
		if want := []bool{c.acme, c.globex, c.acmeW, c.globeW}; !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", c.name, got, want)
		}
	}
}

// scopePaths are the employer's ways to a subject and their applications:
// by id, node and nodes, lists, filters on the subject, connections of
// applications, and nested edges from jobs. $id is the subject's, $ids the
// subject's and their applications' ids.
var scopePaths = []accessPath{
	{"applicant by id", `query($id: ID!) { applicant(id: $id) { ...P } }`},
	{"node", `query($id: ID!) { node(id: $id) { id ... on Applicant { ...P } } }`},
	{"nodes", `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Applicant { ...P } ... on Application { ...A } } }`},
	{"applicants", `{ applicants(first: 100) { totalCount edges { cursor node { ...P } } } }`},
	{"applicants where id", `query($id: ID!) { applicants(first: 100, where: {id: $id}) { totalCount edges { node { ...P } } } }`},
	{"applicants where idIn", `query($ids: [ID!]) { applicants(where: {idIn: $ids}) { totalCount pageInfo { hasNextPage } edges { node { ...P } } } }`},
	{"applications", `{ applications(first: 100) { totalCount edges { node { ...A } } } }`},
	{"applications where status", `{ applications(first: 100, where: {status: APPLIED}) { totalCount edges { node { ...A } } } }`},
	{"jobs to applications", `{ jobs(first: 10) { totalCount edges { node { id applications(first: 10) { totalCount edges { node { ...A } } } } } } }`},
	{"applications to applicant to applications", `{ applications(first: 10) { edges { node { applicant { ...P applications(first: 5) { totalCount edges { node { ...A } } } } } } } }`},
	{"counts only", `{ applicants { totalCount } applications { totalCount } }`},
}

// scopeWant is what one employer must get of the subject.
type scopeWant struct {
	reaches bool
	apps    []string // the keys in f.apps of the subject's applications the employer reaches
	sees    []consent.Category
}

// scopeStep is one change the subject makes through the API.
type scopeStep struct {
	employer string // "" for all employers
	category consent.Category
	granted  bool
	apply    string // instead of a consent change: apply to this job (a key of f.jobs)
}

// TestScopeOnEveryPath runs the scope rule's cases through every access
// path of both employers: bob (who applied to globex in the fixture) also
// applies to acme through the API, then changes his consents through
// changeConsent, as an applicant would. Each employer must reach bob
// exactly when the rule says so, with exactly the categories it says, and
// counts must count what the rows show.
func TestScopeOnEveryPath(t *testing.T) {
	providable := refEmployerSees(nil, "")
	cases := []struct {
		name          string
		steps         []scopeStep
		acme, globex  scopeWant
		ownWithdrawal bool // me { currentConsents } shows the global withdrawal
	}{
		{name: "applied to both", acme: scopeWant{true, []string{"bob-acme"}, providable}, globex: scopeWant{true, []string{"bob"}, providable}},
		// Issue 10: a withdrawal from all employers withdraws from each.
		{name: "global withdrawal", steps: []scopeStep{{granted: false}},
			acme: scopeWant{}, globex: scopeWant{}, ownWithdrawal: true},
		{name: "withdrawal from acme alone", steps: []scopeStep{{employer: "acme"}},
			acme: scopeWant{}, globex: scopeWant{true, []string{"bob"}, providable}},
		{name: "global withdrawal after a grant to acme", steps: []scopeStep{{employer: "acme", granted: true}, {}},
			acme: scopeWant{}, globex: scopeWant{}, ownWithdrawal: true},
		// A global withholding after a release to one employer hides the
		// category from that employer too; a release to one employer after a
		// global withholding releases it to that employer alone.
		{name: "released to acme, then withheld from all", steps: []scopeStep{{employer: "acme", category: consent.Family, granted: true}, {category: consent.Family}},
			acme:   scopeWant{true, []string{"bob-acme"}, without(providable, consent.Family)},
			globex: scopeWant{true, []string{"bob"}, without(providable, consent.Family)}},
		{name: "withheld from all, then released to acme", steps: []scopeStep{{category: consent.Family}, {employer: "acme", category: consent.Family, granted: true}},
			acme:   scopeWant{true, []string{"bob-acme"}, providable},
			globex: scopeWant{true, []string{"bob"}, without(providable, consent.Family)}},
		{name: "withheld from acme, then released to all", steps: []scopeStep{{employer: "acme", category: consent.Family}, {category: consent.Family, granted: true}},
			acme: scopeWant{true, []string{"bob-acme"}, providable}, globex: scopeWant{true, []string{"bob"}, providable}},
		// Applying again after a global withdrawal provides to that employer
		// alone.
		{name: "global withdrawal, then applying to another acme job", steps: []scopeStep{{}, {apply: "acme2"}},
			acme: scopeWant{true, []string{"bob-acme", "bob-acme2"}, providable}, globex: scopeWant{}, ownWithdrawal: true},
	}
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					// The table is checked against the reference: bob's
					// applications to globex (the fixture's) and acme, then
					// the steps.
					ledger := []scopeEntry{{consent.EmployerProvision, "globex", "", true}, {consent.EmployerProvision, "acme", "", true}}
					f := newScopeFixture(t, b.open(t))
					for _, s := range c.steps {
						ledger = append(ledger, f.scopeChange(t, "bob", s))
					}
					for employer, w := range map[string]scopeWant{"acme": c.acme, "globex": c.globex} {
						sees := refEmployerSees(ledger, employer)
						if w.reaches != refProvided(ledger, employer) || (w.reaches && !slices.Equal(w.sees, sees)) {
							t.Fatalf("the case's %s row disagrees with the reference: %+v, reference reaches %v sees %v", employer, w, refProvided(ledger, employer), sees)
						}
					}
					checkScope(t, f, "acme", "bob", c.acme)
					checkScope(t, f, "globex", "bob", c.globex)
					if c.ownWithdrawal {
						r := f.post(t, as("bob"), `{ me { currentConsents { purpose granted withheldCategory employer { name } } } }`, nil)
						if !strings.Contains(r.Raw, `{"purpose":"EMPLOYER_PROVISION","granted":false,"withheldCategory":null,"employer":null}`) {
							t.Errorf("bob's current consents do not show the global withdrawal: %s", r.Raw)
						}
					}
				})
			}
		})
	}
}

// newScopeFixture is the fixture with a second published acme job
// ("acme2") and bob's application to acme's first job ("bob-acme"), made
// through the API: bob then has live applications to both employers.
func newScopeFixture(t *testing.T, client *ent.Client) *fixture {
	t.Helper()
	f := newFixture(t, client)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	f.jobs["acme2"] = f.client.Job.Create().SetEmployer(f.employers["acme"]).SetTitle("Acme second").SetDescription("d").
		SetPrefecture("Tokyo").SetField("Software").SetEmploymentType("FULL_TIME").SetStatus("PUBLISHED").SaveX(ctx)
	f.scopeChange(t, "bob", scopeStep{apply: "acme"})
	return f
}

// scopeChange makes one step as account through the API and returns the
// ledger entry it appends.
func (f *fixture) scopeChange(t *testing.T, account string, s scopeStep) scopeEntry {
	t.Helper()
	if s.apply != "" {
		j := f.jobs[s.apply]
		r := f.post(t, applicantViewer(account), `mutation($job: ID!, $reason: String, $answers: [AnswerInput!]) { applyToJob(input: {jobID: $job, reason: $reason}, answers: $answers) { id } }`,
			map[string]any{"job": j.ID, "reason": canary(account, "reason"), "answers": f.answerInputs(s.apply, canary(account, "answer"))})
		if errorCode(r) != "" {
			t.Fatalf("%s applying to %s: %s", account, s.apply, r.Raw)
		}
		var id int
		fmt.Sscan(fmt.Sprint(dig(r.Data, "applyToJob", "id")), &id)
		f.apps[account+"-"+s.apply] = f.client.Application.GetX(privacy.DecisionContext(context.Background(), privacy.Allow), id)
		return scopeEntry{consent.EmployerProvision, j.QueryEmployer().OnlyX(privacy.DecisionContext(context.Background(), privacy.Allow)).ExternalID, "", true}
	}
	in := map[string]any{"purpose": "EMPLOYER_PROVISION", "granted": s.granted}
	if s.employer != "" {
		in["employerID"] = f.employers[s.employer].ID
	}
	if s.category != "" {
		in["category"] = string(s.category)
	}
	r := f.post(t, applicantViewer(account), changeConsent, map[string]any{"in": in})
	if errorCode(r) != "" {
		t.Fatalf("%s changing consent %v: %s", account, in, r.Raw)
	}
	return scopeEntry{consent.EmployerProvision, s.employer, s.category, s.granted}
}

// applicantViewer is the applicant with account, as a viewer.
func applicantViewer(account string) *consent.Viewer {
	return &consent.Viewer{Account: account, Role: consent.Applicant}
}

// applicantFields maps each top-level field of fragment P to its category.
var applicantFields = map[string]consent.Category{
	"name": consent.Name, "nameKana": consent.Name, "birthDate": consent.BirthDate, "sex": consent.Sex,
	"prefecture": consent.AddressRegion, "city": consent.AddressRegion, "street": consent.AddressStreet,
	"building": consent.AddressStreet, "postalCode": consent.AddressStreet, "phone": consent.Phone, "email": consent.Email,
	"occupation": consent.Occupation, "workplaceName": consent.Workplace, "workplaceDepartment": consent.Workplace,
	"workplaceAddress": consent.Workplace, "workplacePhone": consent.Workplace, "visaStatus": consent.Visa,
	"visaExpiresOn": consent.Visa, "visaExpired": consent.Visa, "educationLevel": consent.Education, "academicBackground": consent.Education,
	"schoolName": consent.Education, "graduatedOn": consent.Education, "workHistory": consent.WorkHistory,
	"qualifications": consent.Qualifications, "skills": consent.SelfPR, "favoriteSubject": consent.SelfPR,
	"sellingPoint": consent.SelfPR, "achievements": consent.SelfPR, "tools": consent.SelfPR, "thesesAndPatents": consent.SelfPR,
	"dependents": consent.Family, "hasSpouse": consent.Family, "spouseOccupation": consent.Family,
	"emergencyContacts": consent.EmergencyContact, "dwellingType": consent.Housing, "rent": consent.Housing,
	"desiredField": consent.Preferences, "desiredWorkplace": consent.Preferences, "lastIP": consent.Network,
}

// checkScope runs every scope path as employer and checks what it gets of
// account against want, and that the fixture's other subjects are as
// before (acme reaches alice, without FAMILY; globex no one else).
func checkScope(t *testing.T, f *fixture, employer, account string, want scopeWant) {
	t.Helper()
	subject := fmt.Sprint(f.applicants[account].ID)
	var ownApps, wantApps []string
	for key, a := range f.apps {
		if strings.HasPrefix(key, account) {
			ownApps = append(ownApps, fmt.Sprint(a.ID))
		}
	}
	for _, key := range want.apps {
		wantApps = append(wantApps, fmt.Sprint(f.apps[key].ID))
	}
	sort.Strings(wantApps)
	others := map[string][]string{"acme": {fmt.Sprint(f.applicants["alice"].ID)}, "globex": nil}[employer]
	otherApps := map[string][]string{"acme": {fmt.Sprint(f.apps["alice"].ID)}, "globex": nil}[employer]
	ids := append([]string{subject}, ownApps...)
	for _, p := range scopePaths {
		frags := personalFragment
		if !strings.Contains(p.query, "...A") {
			frags = personalFragment[:strings.Index(personalFragment, "fragment A")]
		}
		q := p.query
		if strings.Contains(q, "...") {
			q += frags
		}
		r := f.post(t, as(employer), q, map[string]any{"id": subject, "ids": ids})
		where := fmt.Sprintf("%s, %s", employer, p.name)
		if r.Status != 200 {
			t.Errorf("%s: status %d: %s", where, r.Status, r.Raw)
			continue
		}
		for _, e := range r.Errors {
			// Unreached rows are not found; nodes also asks for the
			// subject's applications to the other employer.
			if code := dig(e, "extensions", "code"); code != "NOT_FOUND" || (want.reaches && p.name != "nodes") {
				t.Errorf("%s: unexpected error %v: %s", where, e, r.Raw)
			}
		}
		// Rows: the subject and their applications appear exactly when
		// reached, wherever they can appear.
		applicants, applications := rowsIn(r.Data)
		if p.name != "counts only" {
			wantApplicants := slices.Clone(others)
			if want.reaches {
				wantApplicants = append(wantApplicants, subject)
			}
			if p.name == "applicant by id" || p.name == "node" || p.name == "nodes" || strings.HasPrefix(p.name, "applicants where") {
				wantApplicants = nil
				if want.reaches {
					wantApplicants = []string{subject}
				}
			}
			if strings.HasPrefix(p.name, "applications") || p.name == "jobs to applications" {
				// applications carry their applicants
				wantApplicants = slices.Clone(others)
				if want.reaches && len(wantApps) > 0 {
					wantApplicants = append(wantApplicants, subject)
				}
			}
			sort.Strings(wantApplicants)
			if !slices.Equal(applicants, wantApplicants) {
				t.Errorf("%s: applicants %v, want %v: %s", where, applicants, wantApplicants, short(r.Raw))
			}
			if strings.Contains(p.query, "...A") {
				wantA := slices.Clone(wantApps)
				if p.name != "nodes" {
					wantA = append(wantA, otherApps...)
				}
				if !want.reaches {
					wantA = slices.DeleteFunc(wantA, func(id string) bool { return !slices.Contains(otherApps, id) })
				}
				sort.Strings(wantA)
				if !slices.Equal(applications, wantA) {
					t.Errorf("%s: applications %v, want %v: %s", where, applications, wantA, short(r.Raw))
				}
			}
		}
		// Counts count what the rows show.
		for _, c := range connections(r.Data) {
			if c.edges >= 0 && c.total != c.edges {
				t.Errorf("%s: totalCount %d at %s, but %d edges", where, c.total, c.path, c.edges)
			}
		}
		if p.name == "counts only" {
			nApplicants, nApps := len(others), len(otherApps)
			if want.reaches {
				nApplicants, nApps = nApplicants+1, nApps+len(wantApps)
			}
			if got := fmt.Sprint(dig(r.Data, "applicants", "totalCount"), " ", dig(r.Data, "applications", "totalCount")); got != fmt.Sprint(nApplicants, " ", nApps) {
				t.Errorf("%s: counts %s, want %d %d", where, got, nApplicants, nApps)
			}
		}
		// Values: none of a category the employer may not see, on any
		// path; an employer never reaches a row whose consent it lacks.
		var leaked []string
		for value, c := range canaries(account) {
			if strings.Contains(r.Raw, value) && (!want.reaches || !slices.Contains(want.sees, c)) && !slices.Contains(leaked, string(c)) {
				leaked = append(leaked, string(c))
			}
		}
		if len(leaked) > 0 {
			slices.Sort(leaked)
			t.Errorf("%s: %s's values of %v released: %s", where, account, leaked, short(r.Raw))
		}
		if strings.Contains(r.Raw, "CONSENT_REQUIRED") {
			t.Errorf("%s: a reached row's fields are withheld for want of consent (row rule and field guard disagree): %s", where, short(r.Raw))
		}
		// The withheld extension: for the subject by id, exactly the
		// categories never provided and those withheld by the subject.
		if p.name == "applicant by id" && want.reaches {
			wantFields := map[string]any{}
			for field, c := range applicantFields {
				switch {
				case slices.Contains(neverToEmployers, c):
					wantFields[field] = "NOT_PERMITTED"
				case !slices.Contains(want.sees, c):
					wantFields[field] = "WITHHELD_BY_SUBJECT"
				}
			}
			wantFields["updatedAt"] = "NOT_PERMITTED" // it moves with the fields never provided too (@personalTimestamp)
			got := withheldAt(r, []any{"applicant"})
			if fmt.Sprint(got) != fmt.Sprint(wantFields) {
				t.Errorf("%s: withheld %v, want %v", where, got, wantFields)
			}
			for value, c := range canaries(account) {
				if slices.Contains(want.sees, c) && c != consent.ApplicationAnswers && !strings.Contains(r.Raw, value) {
					t.Errorf("%s: %s's %s value %q is allowed but missing: %s", where, account, c, value, short(r.Raw))
				}
			}
		}
	}
}

// short cuts a response down for a failure message.
func short(raw string) string {
	if len(raw) > 400 {
		return raw[:400] + "..."
	}
	return raw
}

// withheldAt returns the fields listed in extensions.withheld for the
// object at path.
func withheldAt(r gqlResponse, path []any) map[string]any {
	entries, _ := r.Extensions["withheld"].([]any)
	for _, e := range entries {
		if fmt.Sprint(dig(e, "path")) == fmt.Sprint(path) {
			m, _ := dig(e, "fields").(map[string]any)
			return m
		}
	}
	return nil
}

// rowsIn returns the sorted, distinct ids of the applicants (objects
// selected with fragment P: they have nameKana) and applications (fragment
// A: they have answers) anywhere in a response's data.
func rowsIn(data any) (applicants, applications []string) {
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["nameKana"]; ok && !slices.Contains(applicants, fmt.Sprint(x["id"])) {
				applicants = append(applicants, fmt.Sprint(x["id"]))
			}
			if _, ok := x["answers"]; ok && !slices.Contains(applications, fmt.Sprint(x["id"])) {
				applications = append(applications, fmt.Sprint(x["id"]))
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(data)
	sort.Strings(applicants)
	sort.Strings(applications)
	return applicants, applications
}

// connection is one connection in a response: its totalCount and, when
// it selects edges, their number (else -1).
type connection struct {
	path         string
	total, edges int
}

func connections(data any) []connection {
	var out []connection
	var walk func(v any, path string)
	walk = func(v any, path string) {
		switch x := v.(type) {
		case map[string]any:
			if n, ok := x["totalCount"].(float64); ok {
				c := connection{path: path, total: int(n), edges: -1}
				if edges, ok := x["edges"].([]any); ok {
					if hasNext, _ := dig(x, "pageInfo", "hasNextPage").(bool); !hasNext {
						c.edges = len(edges)
					}
				}
				out = append(out, c)
			}
			for k, y := range x {
				walk(y, path+"."+k)
			}
		case []any:
			for i, y := range x {
				walk(y, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(data, "")
	return out
}

// scopeOrders returns every sequence of n moves drawn from moves, with
// repetition: every order of grants and withdrawals between the scopes.
func scopeOrders(moves []scopeStep, n int) [][]scopeStep {
	if n == 0 {
		return [][]scopeStep{nil}
	}
	var out [][]scopeStep
	for _, prefix := range scopeOrders(moves, n-1) {
		for _, m := range moves {
			out = append(out, append(slices.Clone(prefix), m))
		}
	}
	return out
}

// TestScopeEveryOrder gives each of 64 applicants, who applied to acme and
// to globex through the API, one of every sequence of three consent
// changes drawn from {grant to acme, withdrawal from acme, grant to all,
// withdrawal from all} (and, for FAMILY, {release to acme, withholding from
// acme, release to all, withholding from all}), and checks what each
// employer reaches against the reference: rows and counts of applicants
// and applications, node lookups, the category's values and its withheld
// reason.
func TestScopeEveryOrder(t *testing.T) {
	kinds := []struct {
		name     string
		category consent.Category
	}{{"provision", ""}, {"FAMILY", consent.Family}}
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, kind := range kinds {
				t.Run(kind.name, func(t *testing.T) {
					moves := []scopeStep{
						{employer: "acme", category: kind.category, granted: true}, {employer: "acme", category: kind.category},
						{category: kind.category, granted: true}, {category: kind.category},
					}
					scopeEveryOrder(t, newFixture(t, b.open(t)), scopeOrders(moves, 3))
				})
			}
		})
	}
}

func scopeEveryOrder(t *testing.T, f *fixture, orders [][]scopeStep) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	type subject struct {
		account string
		id      string
		apps    map[string]string // by employer
		order   []scopeStep
		ledger  []scopeEntry
	}
	var subjects []subject
	var allIDs []string
	for k, order := range orders {
		acct := fmt.Sprintf("order%02d", k)
		a := f.client.Applicant.Create().SetAccountID(acct).SetName(acct + "name").SetEmail(acct + "@example.com").
			SetSpouseOccupation(acct + "spouse").SaveX(ctx)
		f.applicants[acct] = a
		s := subject{account: acct, id: fmt.Sprint(a.ID), apps: map[string]string{}, order: order}
		for _, job := range []string{"acme", "globex"} {
			s.ledger = append(s.ledger, f.scopeChange(t, acct, scopeStep{apply: job}))
			s.apps[job] = fmt.Sprint(f.apps[acct+"-"+job].ID)
		}
		for _, step := range order {
			s.ledger = append(s.ledger, f.scopeChange(t, acct, step))
		}
		subjects = append(subjects, s)
		allIDs = append(allIDs, s.id, s.apps["acme"], s.apps["globex"])
	}
	describe := func(order []scopeStep) string {
		var parts []string
		for _, s := range order {
			to := s.employer
			if to == "" {
				to = "all"
			}
			verb := map[bool]string{true: "grant", false: "withdraw"}[s.granted]
			if s.category != "" {
				verb = map[bool]string{true: "release", false: "withhold"}[s.granted] + " " + string(s.category)
			}
			parts = append(parts, verb+" "+to)
		}
		return strings.Join(parts, ", ")
	}
	q := `query($ids: [ID!]!) {
		applicants(first: 100) { totalCount edges { node { id name spouseOccupation } } }
		applications(first: 100) { totalCount edges { node { id applicant { id } } } }
		nodes(ids: $ids) { id ... on Applicant { name spouseOccupation } }
	}`
	for _, employer := range []string{"acme", "globex"} {
		r := f.post(t, as(employer), q, map[string]any{"ids": allIDs})
		if r.Status != 200 {
			t.Fatalf("%s: status %d: %s", employer, r.Status, short(r.Raw))
		}
		applicants := map[string]int{} // id → edge index
		for i, e := range dig(r.Data, "applicants", "edges").([]any) {
			applicants[fmt.Sprint(dig(e, "node", "id"))] = i
		}
		applications := map[string]bool{}
		for _, e := range dig(r.Data, "applications", "edges").([]any) {
			applications[fmt.Sprint(dig(e, "node", "id"))] = true
		}
		nodes := map[string]int{}
		for i, n := range dig(r.Data, "nodes").([]any) {
			if n != nil {
				nodes[fmt.Sprint(dig(n, "id"))] = i
			}
		}
		// The fixture's own: acme reaches alice, globex bob.
		nApplicants, nApps := 1, 1
		wrong := 0
		for _, s := range subjects {
			reaches := refProvided(s.ledger, employer)
			withheld := refWithheld(s.ledger, employer, consent.Family)
			_, listed := applicants[s.id]
			_, byNode := nodes[s.id]
			_, appByNode := nodes[s.apps[employer]]
			var problems []string
			if listed != reaches || byNode != reaches {
				problems = append(problems, fmt.Sprintf("reached in applicants %v, by node %v", listed, byNode))
			}
			if applications[s.apps[employer]] != reaches || appByNode != reaches {
				problems = append(problems, fmt.Sprintf("application reached in applications %v, by node %v", applications[s.apps[employer]], appByNode))
			}
			if reaches {
				nApplicants++
				nApps++
				edge := dig(r.Data, "applicants", "edges", applicants[s.id], "node")
				if got := dig(edge, "name"); got != s.account+"name" {
					problems = append(problems, fmt.Sprintf("name %v", got))
				}
				wantSpouse, wantReason := any(s.account+"spouse"), any(nil)
				if withheld {
					wantSpouse, wantReason = nil, "WITHHELD_BY_SUBJECT"
				}
				path := []any{"applicants", "edges", float64(applicants[s.id]), "node"}
				if got := dig(edge, "spouseOccupation"); got != wantSpouse {
					problems = append(problems, fmt.Sprintf("spouseOccupation %v, want %v", got, wantSpouse))
				}
				if got := withheldAt(r, path)["spouseOccupation"]; got != wantReason {
					problems = append(problems, fmt.Sprintf("spouseOccupation withheld as %v, want %v", got, wantReason))
				}
				if got := dig(r.Data, "nodes", nodes[s.id], "spouseOccupation"); got != wantSpouse {
					problems = append(problems, fmt.Sprintf("by node spouseOccupation %v, want %v", got, wantSpouse))
				}
			}
			if len(problems) > 0 {
				wrong++
				t.Errorf("%s, after applying to both then %s (reference: reaches %v, FAMILY withheld %v): %s",
					employer, describe(s.order), reaches, withheld, strings.Join(problems, "; "))
			}
		}
		if got := fmt.Sprint(dig(r.Data, "applicants", "totalCount"), " ", dig(r.Data, "applications", "totalCount")); got != fmt.Sprint(nApplicants, " ", nApps) {
			t.Errorf("%s: totalCounts (applicants, applications) %s, want %d %d", employer, got, nApplicants, nApps)
		}
		if wrong > 0 {
			t.Logf("%s: %d of %d orders wrong", employer, wrong, len(subjects))
		}
	}
}

// TestCanariesUnderScope is TestCanaries over generated ledgers: in each
// world alice also applied to globex and bob to acme, then alice, bob and
// carol (whose one application is withdrawn) append two to five random
// provision entries naming acme, globex or all employers, for the whole
// purpose or for FAMILY or HOUSING, in random orders. Every access path
// runs as each employer, and what each may see of whom comes from the
// scope rule's reference, not from the gateway's code.
// CONSENTGATE_CANARY_WORLDS sets the number of worlds (default 8 on
// SQLite; 2 on PostgreSQL).
func TestCanariesUnderScope(t *testing.T) {
	for _, b := range backends(t) {
		worlds := 8
		if s := os.Getenv("CONSENTGATE_CANARY_WORLDS"); s != "" {
			worlds, _ = strconv.Atoi(s)
		}
		if b.name == "postgres" {
			worlds = 2
		}
		t.Run(b.name, func(t *testing.T) {
			ran, globalRows, globalCategories := 0, 0, 0
			for seed := range worlds {
				t.Run(fmt.Sprint("world=", seed), func(t *testing.T) {
					rows, cats := canaryWorld(t, newFixture(t, b.open(t)), rand.New(rand.NewPCG(uint64(seed), 10)))
					ran, globalRows, globalCategories = ran+1, globalRows+rows, globalCategories+cats
				})
			}
			t.Logf("rows hidden only by entries naming all employers: %d; categories: %d", globalRows, globalCategories)
			if ran >= 8 && (globalRows == 0 || globalCategories == 0) {
				t.Errorf("no world has a row (%d) or category (%d) that only an entry naming all employers hides: the test does not test the scope rule", globalRows, globalCategories)
			}
		})
	}
}

// canaryWorld draws one world's ledgers into f, checks both employers'
// canaries, and returns how many (employer, applicant) rows and categories
// only an entry naming all employers hides.
func canaryWorld(t *testing.T, f *fixture, r *rand.Rand) (globalRows, globalCategories int) {
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	apply := func(account, jobKey string) {
		j := f.jobs[jobKey]
		f.clock = f.clock.Add(time.Second)
		inTx(t, f.client, func(client *ent.Client) {
			f.apps[account+"-"+jobKey] = client.Application.Create().SetApplicant(f.applicants[account]).SetJob(j).
				SetReason(canary(account, "reason")).SetCreatedAt(f.clock).SetUpdatedAt(f.clock).SaveX(ctx)
			f.answer(ctx, client, f.apps[account+"-"+jobKey], jobKey, canary(account, "answer"))
		})
	}
	apply("alice", "globex")
	apply("bob", "acme")
	// The fixture's ledgers, as applying, withdrawing and its entries
	// recorded them, then the drawn entries.
	ledgers := map[string][]scopeEntry{
		"alice": {{consent.EmployerProvision, "acme", "", true}, {consent.EmployerProvision, "acme", consent.Family, false}, {consent.EmployerProvision, "globex", "", true}},
		"bob":   {{consent.EmployerProvision, "globex", "", true}, {consent.EmployerProvision, "acme", "", true}},
		"carol": {{consent.EmployerProvision, "acme", "", true}, {consent.EmployerProvision, "acme", "", false}},
	}
	live := map[string][]string{"alice": {"acme", "globex"}, "bob": {"acme", "globex"}}
	for _, account := range []string{"alice", "bob", "carol"} {
		for range 2 + r.IntN(4) {
			e := scopeEntry{consent.EmployerProvision, []string{"acme", "globex", ""}[r.IntN(3)],
				[]consent.Category{"", "", consent.Family, consent.Housing}[r.IntN(4)], r.IntN(2) == 0}
			var to *ent.Employer
			if e.employer != "" {
				to = f.employers[e.employer]
			}
			f.grant(t, account, string(e.purpose), to, string(e.category), e.granted)
			ledgers[account] = append(ledgers[account], e)
		}
	}
	for _, employer := range []string{"acme", "globex"} {
		visible := map[string][]consent.Category{}
		for account, ledger := range ledgers {
			own := slices.DeleteFunc(slices.Clone(ledger), func(e scopeEntry) bool { return e.employer == "" })
			if !slices.Contains(live[account], employer) {
				continue
			}
			if refProvided(own, employer) && !refProvided(ledger, employer) {
				globalRows++
			}
			if !refProvided(ledger, employer) {
				continue
			}
			visible[account] = refEmployerSees(ledger, employer)
			for _, c := range consent.Categories {
				if !refWithheld(own, employer, c) && refWithheld(ledger, employer, c) {
					globalCategories++
				}
			}
		}
		t.Run("viewer="+employer, func(t *testing.T) {
			// Answers are on acme's applications only (its job asks a
			// question); reasons on every application.
			onPath := func(account, value string) bool {
				return !strings.HasSuffix(value, "answer") || employer == "acme"
			}
			checkCanaries(t, f, employer, visible, onPath)
			if t.Failed() {
				for _, account := range []string{"alice", "bob", "carol"} {
					t.Logf("%s's ledger: %v (reference: %s reaches them %v)", account, ledgers[account], employer, visible[account] != nil)
				}
			}
		})
	}
	return globalRows, globalCategories
}
