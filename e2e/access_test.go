package e2e

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"consentgate/consent"
	"consentgate/ent"
)

const personalFragment = `
fragment P on Applicant { id createdAt updatedAt name nameKana birthDate sex prefecture city street building postalCode phone email
  occupation workplaceName workplaceDepartment workplaceAddress workplacePhone visaStatus visaExpiresOn visaExpired
  educationLevel academicBackground schoolName graduatedOn
  workHistory { company from to field employmentType responsibilities } qualifications { name acquiredOn }
  skills favoriteSubject sellingPoint achievements tools thesesAndPatents dependents hasSpouse spouseOccupation
  emergencyContacts { name relation phone } dwellingType rent desiredField desiredWorkplace lastIP }
fragment A on Application { id createdAt updatedAt status reason answers { id text category question { id text } } applicant { ...P } job { id title } }
`

// accessPath is one way of reaching applicants' personal data.
type accessPath struct {
	name  string
	query string
}

// accessPaths covers every query path to personal data: lists, single
// lookups, node and nodes, me, nested edges in both directions, aliases,
// the same field twice, inline and named fragments, @include/@skip.
var accessPaths = []accessPath{
	{name: "applicants", query: `{ applicants(first: 100) { totalCount edges { cursor node { ...P } } } }`},
	{name: "applicant by id"}, // one applicant(id:) per fixture applicant, built by runPaths
	{name: "node applicant and application", query: `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Applicant { ...P } ... on Application { ...A } } }`},
	{name: "me", query: `{ me { ...P applications { totalCount edges { node { ...A } } } } }`},
	{name: "applications", query: `{ applications(first: 100) { totalCount edges { node { ...A } } } }`},
	{name: "jobs to applications to applicants", query: `{ jobs(first: 10) { totalCount edges { node { id applications(first: 10) { totalCount edges { node { ...A } } } } } } }`},
	{name: "both directions", query: `{ applications(first: 3) { edges { node { applicant { applications(first: 3) { edges { node { job { employer { jobs(first: 3) { edges { node { applications(first: 3) { edges { node { ...A } } } } } } } } } } } } } } } }`},
	{name: "aliases and repeats", query: `{ x: applicants { edges { node { a: name b: email name name email ...on Applicant { street } ...P } } } y: applications { edges { node { r: reason applicant { n: name } } } } }`},
	{name: "include skip", query: `query($yes: Boolean = true, $no: Boolean = false) { applicants { edges { node { name @include(if: $yes) email @skip(if: $no) phone @include(if: $no) ...P @include(if: $yes) } } } }`},
	{name: "privacy requests", query: `{ privacyRequests { totalCount edges { node { id kind status applicant { ...P } } } } }`},
}

// runPaths runs every access path as viewer and returns the responses.
func runPaths(t *testing.T, f *fixture, viewer *consent.Viewer) map[string]gqlResponse {
	t.Helper()
	var allIDs []string
	for _, a := range f.applicants {
		allIDs = append(allIDs, fmt.Sprint(a.ID))
	}
	for _, a := range f.apps {
		allIDs = append(allIDs, fmt.Sprint(a.ID))
	}
	sort.Strings(allIDs)
	out := map[string]gqlResponse{}
	for _, p := range accessPaths {
		q := p.query
		if q == "" { // one applicant(id:) lookup per fixture applicant
			var b strings.Builder
			b.WriteString("{")
			for _, acc := range fixtureAccounts {
				fmt.Fprintf(&b, " %s: applicant(id: %d) { ...P }", acc, f.applicants[acc].ID)
			}
			b.WriteString(" }")
			q = b.String()
		}
		frags := personalFragment
		if !strings.Contains(q, "...A") {
			frags = personalFragment[:strings.Index(personalFragment, "fragment A")]
		}
		r := f.post(t, viewer, q+frags, map[string]any{"ids": allIDs})
		if r.Status != 200 {
			t.Fatalf("%s: status %d: %s", p.name, r.Status, r.Raw)
		}
		if code := errorCode(r); code == "QUERY_TOO_COMPLEX" || code == "GRAPHQL_VALIDATION_FAILED" {
			t.Fatalf("%s: the path did not run: %s", p.name, r.Raw)
		}
		out[p.name] = r
	}
	return out
}

// visible lists, per fixture viewer and applicant, the categories whose
// values the viewer may see in the clear under the default policy. It is
// written out by hand from DESIGN.md, not computed by the engine.
var visible = map[string]map[string][]consent.Category{
	"alice": {"alice": consent.Categories},
	"bob":   {"bob": consent.Categories},
	// Provision to acme: alice's §5(1) data but FAMILY, which she withholds
	// from acme; carol withdrew her application and its consent.
	"acme":   {"alice": without(providable(), consent.Family)},
	"globex": {"bob": providable()},
	// Support: names plain; email and phone only masked.
	"support": {"dave": {consent.Name}},
	// Mail magazine: names and emails of those who opted in. Marketing
	// without a declared purpose runs its approved operations under theirs
	// (fixture.approve registers them under MAIL_MAGAZINE).
	"mailer":    {"bob": {consent.Name, consent.Email}},
	"marketing": {"bob": {consent.Name, consent.Email}},
	// Advertising and analytics release statistics only, never a row: no
	// marker on any path (server/statistics_test.go tests what they get).
}

func providable() []consent.Category {
	var out []consent.Category
	for _, c := range consent.Categories {
		if c.ProvidableToEmployers() {
			out = append(out, c)
		}
	}
	return out
}

func without(cs []consent.Category, drop consent.Category) []consent.Category {
	return slices.DeleteFunc(slices.Clone(cs), func(c consent.Category) bool { return c == drop })
}

// TestCanaries runs every access path as every viewer and searches each
// response (data, errors, extensions) and the server's logs for every
// applicant's marked values: a value may appear only where the viewer is
// allowed its category, and each allowed one does appear somewhere.
func TestCanaries(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		viewers := []string{"", "alice", "bob", "newcomer", "acme", "globex", "unknownorg", "support", "marketing",
			"mailer", "advertiser", "analyst", "compliance", "admin"}
		for _, name := range viewers {
			t.Run("viewer="+name, func(t *testing.T) { checkCanaries(t, f, name, visible[name], onAPath) })
		}
		for _, acc := range fixtureAccounts {
			for value := range canaries(acc) {
				if strings.Contains(f.logs.String(), value) {
					t.Errorf("logs hold %s's value %q", acc, value)
				}
			}
		}
	})
}

// checkCanaries runs every access path as the fixture viewer name and
// searches each response for every applicant's marked values: a value may
// appear only where visible allows its category, and each allowed one
// appears somewhere (of those onPath says the paths select).
func checkCanaries(t *testing.T, f *fixture, name string, visible map[string][]consent.Category, onPath func(account, value string) bool) {
	t.Helper()
	var all strings.Builder
	for path, r := range runPaths(t, f, viewerOrAnonymous(name)) {
		all.WriteString(r.Raw)
		for _, acc := range fixtureAccounts {
			for value, cat := range canaries(acc) {
				if strings.Contains(r.Raw, value) && !slices.Contains(visible[acc], cat) {
					t.Errorf("%s: %s's %s value %q leaked: %s", path, acc, cat, value, r.Raw)
				}
			}
		}
	}
	for acc, cats := range visible {
		for value, cat := range canaries(acc) {
			if slices.Contains(cats, cat) && !strings.Contains(all.String(), value) && onPath(acc, value) {
				t.Errorf("%s's %s value %q is allowed but never released", acc, cat, value)
			}
		}
	}
}

// onAPath reports whether the access paths select a value at all:
// application answers and reasons only come with live applications (alice's
// to acme, with one answer; bob's to globex, without questions).
func onAPath(account, value string) bool {
	switch {
	case strings.HasSuffix(value, "answer"):
		return account == "alice"
	case strings.HasSuffix(value, "reason"):
		return account == "alice" || account == "bob"
	}
	return true
}

// TestSubjectSeesOwnDataOnEveryPath checks the other half: the subject's
// own values come back plain wherever they reach themself.
func TestSubjectSeesOwnDataOnEveryPath(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		rs := runPaths(t, f, as("alice"))
		withApplications := []string{"me", "applications", "node applicant and application"}
		for _, path := range []string{"applicants", "applicant by id", "node applicant and application", "me", "applications"} {
			r := rs[path]
			for value, c := range canaries("alice") {
				if c == consent.ApplicationAnswers && !slices.Contains(withApplications, path) {
					continue // applications are not selected on these paths
				}
				if !strings.Contains(r.Raw, value) {
					t.Errorf("%s: alice's own %q is missing: %s", path, value, r.Raw)
				}
			}
			if r.Extensions["withheld"] != nil {
				t.Errorf("%s: nothing of alice's own may be withheld: %s", path, r.Raw)
			}
			for _, e := range r.Errors { // only the other applicants' rows, as if they did not exist
				if dig(e, "extensions", "code") != "NOT_FOUND" {
					t.Errorf("%s: unexpected error %v", path, e)
				}
			}
		}
	})
}

// TestHiddenFieldsAreNullAndListed checks what a viewer who reaches a row
// but not all of its personal fields gets: nulls, and one withheld entry per
// object naming each hidden field (by alias) and the reason; masked fields
// keep their type; plain fields are not listed.
func TestHiddenFieldsAreNullAndListed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		r := f.post(t, as("acme"), `{ applicants { edges { node { n: name street spouseOccupation lastIP createdAt } } } }`, nil)
		want := `{"data":{"applicants":{"edges":[{"node":{"n":"cnryalicename","street":null,"spouseOccupation":null,"lastIP":null,"createdAt":"`
		if !strings.HasPrefix(r.Raw, want) {
			t.Fatalf("got %s", r.Raw)
		}
		wantExt := `"extensions":{"withheld":[{"path":["applicants","edges",0,"node"],"fields":{"lastIP":"NOT_PERMITTED","spouseOccupation":"WITHHELD_BY_SUBJECT","street":"NOT_PERMITTED"}}]}}`
		if !strings.HasSuffix(r.Raw, wantExt) {
			t.Fatalf("got %s, want the suffix %s", r.Raw, wantExt)
		}
		r = f.post(t, as("support"), `{ applicants { edges { node { name email phone city } } } }`, nil)
		if want := `{"data":{"applicants":{"edges":[{"node":{"name":"cnrydavename","email":"d***@canary.example","phone":"*********0004","city":null}}]}},"extensions":{"withheld":[{"path":["applicants","edges",0,"node"],"fields":{"city":"NOT_PERMITTED"}}]}}`; r.Raw != want {
			t.Fatalf("support: got %s, want %s", r.Raw, want)
		}
	})
}

func idSet(r gqlResponse, path ...any) []string {
	var out []string
	edges, _ := dig(r.Data, path...).([]any)
	for _, e := range edges {
		out = append(out, fmt.Sprint(dig(e, "node", "id")))
	}
	sort.Strings(out)
	return out
}

// sortedIDs returns the ids of the fixture rows named by keys, sorted.
func sortedIDs[T any](rows map[string]T, keys []string, id func(T) int) []string {
	var out []string
	for _, k := range keys {
		out = append(out, fmt.Sprint(id(rows[k])))
	}
	sort.Strings(out)
	return out
}

// TestRowsStayWithinRole checks which rows each role reaches, on lists,
// counts and node lookups.
func TestRowsStayWithinRole(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		applicantIDs := func(keys ...string) []string {
			return sortedIDs(f.applicants, keys, func(a *ent.Applicant) int { return a.ID })
		}
		jobIDs := func(keys ...string) []string { return sortedIDs(f.jobs, keys, func(j *ent.Job) int { return j.ID }) }
		appIDs := func(keys ...string) []string {
			return sortedIDs(f.apps, keys, func(a *ent.Application) int { return a.ID })
		}
		cases := []struct {
			viewer                 string
			applicants, jobs, apps []string
		}{
			{"", nil, jobIDs("acme", "globex"), nil},
			{"alice", applicantIDs("alice"), jobIDs("acme", "globex"), appIDs("alice")},
			{"newcomer", nil, jobIDs("acme", "globex"), nil},
			{"acme", applicantIDs("alice"), jobIDs("acme", "acmeDraft", "globex"), appIDs("alice")},
			{"globex", applicantIDs("bob"), jobIDs("acme", "globex"), appIDs("bob")},
			{"unknownorg", nil, jobIDs("acme", "globex"), nil},
			{"support", applicantIDs("dave"), jobIDs("acme", "globex"), nil},
			{"compliance", applicantIDs("dave"), jobIDs("acme", "globex"), nil},
			// Marketing without a declared purpose runs the fixture's
			// operations under MAIL_MAGAZINE (fixture.approve).
			{"marketing", applicantIDs("bob"), jobIDs("acme", "globex"), nil},
			{"mailer", applicantIDs("bob"), jobIDs("acme", "globex"), nil},
			{"advertiser", nil, jobIDs("acme", "globex"), nil},
			{"analyst", nil, jobIDs("acme", "globex"), nil},
			{"admin", nil, jobIDs("acme", "globex"), nil},
		}
		all := append(append(applicantIDs(fixtureAccounts...), jobIDs("acme", "acmeDraft", "globex")...), appIDs("alice", "bob", "carol")...)
		for _, c := range cases {
			t.Run("viewer="+c.viewer, func(t *testing.T) {
				r := f.post(t, viewerOrAnonymous(c.viewer), `query($ids: [ID!]!) {
					applicants(first: 100) { totalCount edges { node { id } } }
					jobs(first: 100) { totalCount edges { node { id } } }
					applications(first: 100) { totalCount edges { node { id } } }
					nodes(ids: $ids) { id }
				}`, map[string]any{"ids": all})
				for _, x := range []struct {
					name string
					want []string
				}{{"applicants", c.applicants}, {"jobs", c.jobs}, {"applications", c.apps}} {
					got := idSet(r, x.name, "edges")
					if !slices.Equal(got, x.want) {
						t.Errorf("%s = %v, want %v", x.name, got, x.want)
					}
					if n := dig(r.Data, x.name, "totalCount"); fmt.Sprint(n) != fmt.Sprint(len(x.want)) {
						t.Errorf("%s.totalCount = %v, want %d", x.name, n, len(x.want))
					}
				}
				var reached []string
				nodes, _ := dig(r.Data, "nodes").([]any)
				for _, n := range nodes {
					if n != nil {
						reached = append(reached, fmt.Sprint(dig(n, "id")))
					}
				}
				sort.Strings(reached)
				want := append(append(append([]string{}, c.applicants...), c.jobs...), c.apps...)
				sort.Strings(want)
				if !slices.Equal(reached, want) {
					t.Errorf("nodes reached %v, want %v", reached, want)
				}
			})
		}
	})
}
