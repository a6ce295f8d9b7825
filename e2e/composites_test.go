package e2e

import (
	"context"
	"strings"
	"testing"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/answer"
	"consentgate/ent/privacy"
)

// No hidden value through another field (issue 12): every part of a
// composite value has its own category. The fixture's applicants have a
// current job whose company is their workplace's name (the WORKPLACE
// canary), so every canary test (TestCanaries, TestEndOfProvision) already
// fails if any path releases it inside the work history; the tests here
// state the rule on its own.

// TestCurrentCompanyIsWorkplace: the company of a current job (no end date)
// is released as WORKPLACE, of a past job as WORK_HISTORY: an employer
// gets null for the first, listed as NOT_PERMITTED at the entry's path,
// and the name once the job has ended; the applicant gets both.
func TestCurrentCompanyIsWorkplace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		q := `query($id: ID!) { applicant(id: $id) { workplaceName workHistory { company to field } } }`
		vars := map[string]any{"id": f.applicants["alice"].ID}
		r := f.post(t, as("acme"), q, vars)
		want := `{"data":{"applicant":{"workplaceName":null,"workHistory":[{"company":"cnryalicecompany","to":"2022-03-31T00:00:00Z","field":"cnryalicewfield"},{"company":null,"to":null,"field":"cnryalicewfield"}]}},` +
			`"extensions":{"withheld":[{"path":["applicant"],"fields":{"workplaceName":"NOT_PERMITTED"}},{"path":["applicant","workHistory",1],"fields":{"company":"NOT_PERMITTED"}}]}}`
		if r.Raw != want {
			t.Fatalf("acme: got %s\nwant %s", r.Raw, want)
		}
		// Aliases and fragments change nothing.
		r = f.post(t, as("acme"), `query($id: ID!) { a: applicant(id: $id) { ... on Applicant { w: workHistory { c: company company ...E } } } } fragment E on WorkHistoryEntry { company }`, vars)
		if strings.Contains(r.Raw, "cnryalicewpname") || !strings.Contains(r.Raw, `"fields":{"c":"NOT_PERMITTED","company":"NOT_PERMITTED"}`) {
			t.Fatalf("acme, aliased: %s", r.Raw)
		}
		r = f.post(t, as("alice"), `{ me { workHistory { company to } } }`, nil)
		if want := `{"data":{"me":{"workHistory":[{"company":"cnryalicecompany","to":"2022-03-31T00:00:00Z"},{"company":"cnryalicewpname","to":null}]}}}`; r.Raw != want {
			t.Fatalf("alice: got %s\nwant %s", r.Raw, want)
		}

		// Alice leaves that job: its company is work history now, and she
		// names her new workplace, current and hidden in its turn.
		r = f.post(t, as("alice"), `mutation { updateMyProfile(input: {workplaceName: "cnryalicenewwp", workHistory: [
			{company: "cnryalicecompany", from: "2015-04-01T00:00:00Z", to: "2022-03-31T00:00:00Z", field: "IT", employmentType: "FULL_TIME"},
			{company: "cnryalicewpname", from: "2022-04-01T00:00:00Z", to: "2025-03-31T00:00:00Z", field: "IT", employmentType: "FULL_TIME"},
			{company: "cnryalicenewwp", from: "2025-04-01T00:00:00Z", field: "IT", employmentType: "FULL_TIME"}]}) { id } }`, nil)
		if r.Errors != nil {
			t.Fatal(r.Raw)
		}
		r = f.post(t, as("acme"), `query($id: ID!) { applicant(id: $id) { workHistory { company } } }`, vars)
		if want := `{"data":{"applicant":{"workHistory":[{"company":"cnryalicecompany"},{"company":"cnryalicewpname"},{"company":null}]}},"extensions":{"withheld":[{"path":["applicant","workHistory",2],"fields":{"company":"NOT_PERMITTED"}}]}}`; r.Raw != want {
			t.Fatalf("acme, after alice changed jobs: got %s\nwant %s", r.Raw, want)
		}
	})
}

// TestStreetInAnAnswer: the street is ADDRESS_STREET wherever it would be
// put. A question asking for it cannot be approved under any category, so
// nobody answers it (an answer offered is refused and nothing is stored);
// rewording an answered question into it leaves the answer with the
// question it answered; on every path, acme gets none of alice's street,
// and all of what she provided.
func TestStreetInAnAnswer(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		street := canary("alice", "street")

		// Asked on globex's job: approvable under no category.
		q := f.ask(t, "globex", f.jobs["globex"], "What is your home street address?")
		for _, c := range consent.Categories {
			r := f.approveQuestion(t, as("compliance"), q["id"], string(c))
			if errorCode(r) != "BAD_USER_INPUT" || !strings.Contains(errorMessage(r), "(NOT_PROVIDABLE)") {
				t.Fatalf("approving the street question as %s: %s", c, r.Raw)
			}
		}
		r := f.post(t, as("alice"), `mutation($j: ID!, $a: [AnswerInput!]) { applyToJob(input: {jobID: $j}, answers: $a) { id } }`,
			map[string]any{"j": f.jobs["globex"].ID, "a": []map[string]any{{"questionID": q["id"], "text": street}}})
		if errorCode(r) != "BAD_USER_INPUT" || strings.Contains(r.Raw, street) {
			t.Fatalf("answering the street question: %s", r.Raw)
		}
		if client.Answer.Query().Where(answer.TextContains(street)).ExistX(sys) {
			t.Fatal("the street was stored as an answer")
		}

		// Acme rewords the question alice answered into the street one.
		r = f.post(t, as("acme"), `mutation($id: ID!) { rewordQuestion(id: $id, text: "What is your home street address?") { id } }`,
			map[string]any{"id": f.questions["acme"][0].ID})
		if r.Errors != nil {
			t.Fatal(r.Raw)
		}
		if r := f.approveQuestion(t, as("compliance"), dig(r.Data, "rewordQuestion", "id"), "APPLICATION_ANSWERS"); errorCode(r) != "BAD_USER_INPUT" {
			t.Fatalf("approving the rewording: %s", r.Raw)
		}
		checkCanaries(t, f, "acme", visible["acme"], onAPath)
		r = f.post(t, as("acme"), `{ applications { edges { node { answers { text question { text status } } } } } }`, nil)
		if want := `{"data":{"applications":{"edges":[{"node":{"answers":[{"text":"cnryaliceanswer","question":{"text":"Why Acme?","status":"APPROVED"}}]}}]}}}`; r.Raw != want {
			t.Fatalf("acme: got %s\nwant %s", r.Raw, want)
		}
	})
}
