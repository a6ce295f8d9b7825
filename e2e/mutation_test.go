package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"consentgate/ent"
	"consentgate/ent/privacy"
	"consentgate/graph"
)

func countApplicants(t *testing.T, c *ent.Client) int {
	t.Helper()
	return c.Applicant.Query().CountX(privacy.DecisionContext(context.Background(), privacy.Allow))
}

func errorCode(r gqlResponse) string {
	if len(r.Errors) == 0 {
		return ""
	}
	return fmt.Sprint(dig(r.Errors[0], "extensions", "code"))
}

func errorMessage(r gqlResponse) string {
	if len(r.Errors) == 0 {
		return ""
	}
	return fmt.Sprint(r.Errors[0]["message"])
}

const createProfile = `mutation($in: CreateApplicantInput!) { createMyProfile(input: $in) { id name email prefecture } }`

// TestCreateProfileValidation sends one bad value per case: each is refused
// with an error naming the field (and not the value), and nothing is stored.
func TestCreateProfileValidation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		base := func() map[string]any {
			return map[string]any{"name": "Nguyen Van An", "email": "an@example.com", "prefecture": "Tokyo"}
		}
		cases := []struct {
			field string
			value any
			want  string
		}{
			{"email", "not-an-email", "invalid Applicant.email"},
			{"email", "An <an@example.com>", "invalid Applicant.email"},
			{"prefecture", "Atlantis", "invalid Applicant.prefecture"},
			{"phone", "12345", "invalid Applicant.phone"},
			{"postalCode", "1500001", "invalid Applicant.postalCode"},
			{"birthDate", "2020-01-01T00:00:00Z", "invalid Applicant.birthDate"},
			{"birthDate", "1800-01-01T00:00:00Z", "invalid Applicant.birthDate"},
			{"visaExpiresOn", "1990-01-01T00:00:00Z", "invalid Applicant.visaExpiresOn"},
			{"graduatedOn", "2090-01-01T00:00:00Z", "invalid Applicant.graduatedOn"},
			{"visaStatus", "TOURISTY", "invalid Applicant.visaStatus"},
			{"name", "   ", "invalid Applicant.name"},
			{"rent", -5, "invalid Applicant.rent"},
			{"lastIP", "1.2.3.4", ""}, // not an input field at all
			{"workHistory", []map[string]any{{"company": "ACME", "from": "2020-04-01T00:00:00Z", "to": "2019-01-01T00:00:00Z", "field": "IT", "employmentType": "FULL_TIME"}}, "invalid Applicant.workHistory[0].to"},
			{"emergencyContacts", []map[string]any{{"name": "Mai", "relation": "sister", "phone": "call me"}}, "invalid Applicant.emergencyContacts[0].phone"},
			{"qualifications", []map[string]any{{"name": ""}}, "invalid Applicant.qualifications[0].name"},
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s=%v", c.field, c.value), func(t *testing.T) {
				before := countApplicants(t, client)
				in := base()
				in[c.field] = c.value
				r := f.post(t, as("newcomer"), createProfile, map[string]any{"in": in})
				if len(r.Errors) == 0 {
					t.Fatalf("no error: %s", r.Raw)
				}
				if c.want != "" {
					if !strings.HasPrefix(errorMessage(r), c.want) || errorCode(r) != "BAD_USER_INPUT" {
						t.Fatalf("error = %s, want %q BAD_USER_INPUT", r.Raw, c.want)
					}
				}
				if s, ok := c.value.(string); ok && len(s) > 3 && strings.Contains(r.Raw, s) {
					t.Fatalf("error echoes the value: %s", r.Raw)
				}
				if after := countApplicants(t, client); after != before {
					t.Fatalf("applicants %d -> %d: a bad profile was stored", before, after)
				}
			})
		}
	})
}

// TestProfileLifecycle creates, reads and updates a profile as its owner.
func TestProfileLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		r := f.post(t, as("newcomer"), `{ me { id } }`, nil)
		if r.Raw != `{"data":{"me":null}}` {
			t.Fatalf("me before creating = %s", r.Raw)
		}
		in := map[string]any{"name": "Maria Santos", "email": "maria@example.com", "prefecture": "Aichi", "visaStatus": "PERMANENT_RESIDENT",
			"workHistory": []map[string]any{{"company": "Toyota Boshoku", "from": "2018-04-01T00:00:00Z", "field": "Manufacturing", "employmentType": "FULL_TIME"}}}
		r = f.post(t, as("newcomer"), createProfile, map[string]any{"in": in})
		if len(r.Errors) > 0 || dig(r.Data, "createMyProfile", "name") != "Maria Santos" || dig(r.Data, "createMyProfile", "email") != "maria@example.com" {
			t.Fatalf("create: %s", r.Raw)
		}
		if r.Extensions != nil {
			t.Fatalf("the owner's payload withholds something: %s", r.Raw)
		}
		r = f.post(t, as("newcomer"), createProfile, map[string]any{"in": in})
		if errorCode(r) != "CONFLICT" {
			t.Fatalf("second create: %s", r.Raw)
		}
		r = f.post(t, as("newcomer"), `mutation { updateMyProfile(input: {city: "Nagoya", clearPhone: true}) { city workHistory { company } } }`, nil)
		if dig(r.Data, "updateMyProfile", "city") != "Nagoya" || dig(r.Data, "updateMyProfile", "workHistory", 0, "company") != "Toyota Boshoku" {
			t.Fatalf("update: %s", r.Raw)
		}
		r = f.post(t, as("newcomer"), `mutation { updateMyProfile(input: {prefecture: "Narnia"}) { prefecture } }`, nil)
		if !strings.HasPrefix(errorMessage(r), "invalid Applicant.prefecture") {
			t.Fatalf("bad update: %s", r.Raw)
		}
		r = f.post(t, as("newcomer"), `{ me { prefecture city } }`, nil)
		if r.Raw != `{"data":{"me":{"prefecture":"Aichi","city":"Nagoya"}}}` {
			t.Fatalf("after a refused update: %s", r.Raw)
		}
	})
}

// TestProfileMutationsAreTheApplicantsOwn checks that no other role
// creates or updates a profile, and nothing is stored when refused.
// Analysts and marketing never get as far as the privacy rules: a mutation
// is never an approved operation.
func TestProfileMutationsAreTheApplicantsOwn(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	in := map[string]any{"name": "X", "email": "x@example.com"}
	for _, name := range []string{"", "acme", "support", "compliance", "admin", "analyst", "marketing"} {
		v := viewerOrAnonymous(name)
		want := "FORBIDDEN"
		if v != nil && v.Role.ApprovedOperationsOnly() {
			want = graph.CodeOperationNotApproved
		}
		before := countApplicants(t, f.client)
		r := f.post(t, v, createProfile, map[string]any{"in": in})
		if errorCode(r) != want || countApplicants(t, f.client) != before {
			t.Errorf("%s createMyProfile: %s", name, r.Raw)
		}
		r = f.post(t, v, `mutation { updateMyProfile(input: {city: "X"}) { id } }`, nil)
		if errorCode(r) != want {
			t.Errorf("%s updateMyProfile: %s", name, r.Raw)
		}
	}
}

// TestApplications covers applying, withdrawing and moving applications,
// by whom, and the state machine.
func TestApplications(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		apply := `mutation($job: ID!, $answers: [AnswerInput!]) { applyToJob(input: {jobID: $job, reason: "I like it"}, answers: $answers) { id status reason answers { text } job { id } applicant { name } } }`
		cases := []struct {
			name    string
			viewer  string
			job     string
			answers []map[string]any
			code    string
			msg     string
		}{
			{"apply", "alice", "globex", nil, "", ""},
			{"apply twice", "alice", "acme", f.answerInputs("acme", "again"), "CONFLICT", ""},
			{"missing answer", "bob", "acme", nil, "BAD_USER_INPUT", "invalid Application.answers"},
			{"extra answer", "bob", "acme", append(f.answerInputs("acme", "a"), f.answerInputs("acme", "b")...), "BAD_USER_INPUT", "invalid Application.answers"},
			{"draft job", "bob", "acmeDraft", nil, "BAD_USER_INPUT", "invalid Application.jobID"},
			{"employer cannot apply", "acme", "globex", nil, "FORBIDDEN", ""},
			{"no profile", "newcomer", "globex", nil, "FORBIDDEN", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.post(t, as(c.viewer), apply, map[string]any{"job": f.jobs[c.job].ID, "answers": c.answers})
				if errorCode(r) != c.code || !strings.HasPrefix(errorMessage(r), c.msg) {
					t.Fatalf("got %s, want code %q message %q", r.Raw, c.code, c.msg)
				}
				if c.code == "" && (dig(r.Data, "applyToJob", "status") != "APPLIED" || dig(r.Data, "applyToJob", "applicant", "name") != canary(c.viewer, "name")) {
					t.Fatalf("payload: %s", r.Raw)
				}
			})
		}

		move := `mutation($id: ID!, $s: ApplicationStatus!) { moveApplication(id: $id, status: $s) { status applicant { name } } }`
		withdraw := `mutation($id: ID!) { withdrawApplication(id: $id) { status } }`
		steps := []struct {
			name, viewer, app, op, status, code string
		}{
			{"employer moves its own", "acme", "alice", move, "SCREENING", ""},
			{"skipping ahead is refused", "acme", "alice", move, "HIRED", "BAD_USER_INPUT"},
			{"employer cannot withdraw for the applicant", "acme", "alice", move, "WITHDRAWN", "FORBIDDEN"},
			{"other employer cannot move it", "globex", "alice", move, "INTERVIEW", "NOT_FOUND"},
			{"applicant cannot move it", "alice", "alice", move, "INTERVIEW", "FORBIDDEN"},
			{"applicant cannot withdraw another's", "alice", "bob", withdraw, "", "NOT_FOUND"},
			{"applicant withdraws their own", "alice", "alice", withdraw, "", ""},
			{"withdrawn is final", "acme", "alice", move, "INTERVIEW", "NOT_FOUND"},
			{"withdrawing twice", "alice", "alice", withdraw, "", "BAD_USER_INPUT"},
		}
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				vars := map[string]any{"id": f.apps[s.app].ID}
				if s.status != "" {
					vars["s"] = s.status
				}
				r := f.post(t, as(s.viewer), s.op, vars)
				if errorCode(r) != s.code {
					t.Fatalf("got %s, want code %q", r.Raw, s.code)
				}
			})
		}
		// The employer's payload carries what the applicant provided to it.
		r := f.post(t, as("globex"), move, map[string]any{"id": f.apps["bob"].ID, "s": "SCREENING"})
		if r.Raw != `{"data":{"moveApplication":{"status":"SCREENING","applicant":{"name":"cnrybobname"}}}}` {
			t.Fatalf("globex move: %s", r.Raw)
		}
	})
}

// TestJobs covers creating and updating jobs, by whom, with validation.
func TestJobs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		create := `mutation($in: CreateJobInput!) { createJob(input: $in) { id title status employer { name } } }`
		in := func(kv ...any) map[string]any {
			m := map[string]any{"title": "Care worker", "description": "Day shifts", "prefecture": "Shizuoka", "field": "Nursing care",
				"employmentType": "FULL_TIME", "status": "PUBLISHED", "salaryMin": 3000000, "salaryMax": 4000000}
			for i := 0; i+1 < len(kv); i += 2 {
				m[kv[i].(string)] = kv[i+1]
			}
			return map[string]any{"in": m}
		}
		r := f.post(t, as("acme"), create, in())
		if len(r.Errors) > 0 || dig(r.Data, "createJob", "employer", "name") != "Acme K.K." {
			t.Fatalf("create: %s", r.Raw)
		}
		newID := dig(r.Data, "createJob", "id")
		for _, c := range []struct {
			name, viewer string
			vars         map[string]any
			code, msg    string
		}{
			{"bad prefecture", "acme", in("prefecture", "Gotham"), "BAD_USER_INPUT", "invalid Job.prefecture"},
			{"inverted salary", "acme", in("salaryMin", 5000000, "salaryMax", 1000000), "BAD_USER_INPUT", "invalid Job.salaryMax"},
			{"applicant", "alice", in(), "FORBIDDEN", ""},
			{"unknown organisation", "unknownorg", in(), "FORBIDDEN", ""},
			{"anonymous", "", in(), "FORBIDDEN", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := f.post(t, viewerOrAnonymous(c.viewer), create, c.vars)
				if errorCode(r) != c.code || !strings.HasPrefix(errorMessage(r), c.msg) {
					t.Fatalf("got %s, want %q %q", r.Raw, c.code, c.msg)
				}
			})
		}
		update := `mutation($id: ID!) { updateJob(id: $id, input: {title: "Renamed", status: CLOSED}) { title status } }`
		if r := f.post(t, as("globex"), update, map[string]any{"id": newID}); errorCode(r) != "NOT_FOUND" {
			t.Fatalf("globex updating acme's job: %s", r.Raw)
		}
		if r := f.post(t, as("acme"), update, map[string]any{"id": newID}); dig(r.Data, "updateJob", "status") != "CLOSED" {
			t.Fatalf("acme updating its job: %s", r.Raw)
		}
		// Questions are asked one by one, pending review
		// (server/questions_test.go), and validated.
		ask := `mutation($id: ID!, $q: String!) { askQuestion(jobID: $id, text: $q) { text status } }`
		r = f.post(t, as("acme"), ask, map[string]any{"id": newID, "q": "Your notice period?"})
		if r.Raw != `{"data":{"askQuestion":{"text":"Your notice period?","status":"PENDING"}}}` {
			t.Fatalf("asking a question: %s", r.Raw)
		}
		for _, q := range []string{strings.Repeat("q", 501), " "} {
			if r := f.post(t, as("acme"), ask, map[string]any{"id": newID, "q": q}); errorCode(r) != "BAD_USER_INPUT" || !strings.HasPrefix(errorMessage(r), "invalid Question.text") {
				t.Fatalf("asking a question too long or blank: %s", r.Raw)
			}
		}
		// A closed job is no longer visible to anyone but its employer.
		if r := f.post(t, nil, `query($id: ID!) { job(id: $id) { id } }`, map[string]any{"id": newID}); errorCode(r) != "NOT_FOUND" {
			t.Fatalf("anonymous reading a closed job: %s", r.Raw)
		}
	})
}

// TestPageSize checks the default and maximum page size of connections.
func TestPageSize(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	for _, c := range []struct {
		query, code string
	}{
		{`{ jobs(first: 101) { totalCount } }`, "BAD_USER_INPUT"},
		{`{ jobs(last: 1000) { totalCount } }`, "BAD_USER_INPUT"},
		{`{ jobs(first: -1) { totalCount } }`, "BAD_USER_INPUT"},
		{`{ jobs(first: 100) { totalCount } }`, ""},
		{`{ jobs(first: 1) { edges { node { applications(first: 500) { totalCount } } } } }`, "BAD_USER_INPUT"},
	} {
		r := f.post(t, as("acme"), c.query, nil)
		if errorCode(r) != c.code {
			t.Errorf("%s: %s", c.query, r.Raw)
		}
	}
	// 25 published jobs: a page without first holds 20.
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	emp := f.client.Employer.Query().FirstX(ctx)
	for i := 0; i < 23; i++ {
		f.client.Job.Create().SetEmployer(emp).SetTitle(fmt.Sprint("j", i)).SetDescription("d").SetPrefecture("Tokyo").
			SetField("f").SetEmploymentType("PART_TIME").SetStatus("PUBLISHED").SaveX(ctx)
	}
	r := f.post(t, nil, `{ jobs { totalCount edges { node { id } } pageInfo { hasNextPage } } }`, nil)
	if n := len(dig(r.Data, "jobs", "edges").([]any)); n != 20 || dig(r.Data, "jobs", "totalCount") != float64(25) || dig(r.Data, "jobs", "pageInfo", "hasNextPage") != true {
		t.Fatalf("default page: %d edges: %s", n, r.Raw)
	}
}
