package e2e

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/privacy"
)

// Reviewed questions (issue 12): a job's questions take effect only once a
// compliance account (not the asker) approves each with a category; the
// answers are released, and withheld, as that category; a question that
// asks for special care-required information or for a category §5(1)
// excludes cannot be approved, and the refusal names the rule; approved
// questions never change: a rewording is a new question, and earlier
// answers stay with the question they answered.

const questionFields = `id text status category refusalRule refusalNote askedBy reviewedBy position`

func (f *fixture) ask(t *testing.T, viewer string, j *ent.Job, text string) map[string]any {
	t.Helper()
	r := f.post(t, as(viewer), `mutation($j: ID!, $t: String!) { askQuestion(jobID: $j, text: $t) { `+questionFields+` } }`,
		map[string]any{"j": j.ID, "t": text})
	q, _ := dig(r.Data, "askQuestion").(map[string]any)
	if q == nil {
		t.Fatalf("asking %q: %s", text, r.Raw)
	}
	return q
}

func (f *fixture) approveQuestion(t *testing.T, viewer *consent.Viewer, id any, category string) gqlResponse {
	t.Helper()
	return f.post(t, viewer, `mutation($id: ID!, $c: Category!) { approveQuestion(id: $id, category: $c) { `+questionFields+` } }`,
		map[string]any{"id": id, "c": category})
}

// jobQuestions lists the texts and statuses of a job's questions as viewer
// reaches them.
func (f *fixture) jobQuestions(t *testing.T, viewer *consent.Viewer, j *ent.Job) []string {
	t.Helper()
	r := f.post(t, viewer, `query($id: ID!) { job(id: $id) { questions { text status } } }`, map[string]any{"id": j.ID})
	var out []string
	qs, _ := dig(r.Data, "job", "questions").([]any)
	for _, q := range qs {
		out = append(out, fmt.Sprint(dig(q, "text"), ":", dig(q, "status")))
	}
	if r.Errors != nil {
		t.Fatalf("questions: %s", r.Raw)
	}
	return out
}

// TestQuestionReview: a question asked by an employer is pending, seen by
// its employer and compliance only, unanswerable; a compliance account
// (not the employer, not the account that asked it) approves it with a
// category, once; then everyone sees it and applying answers it.
func TestQuestionReview(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		j := f.jobs["globex"] // no question yet
		q := f.ask(t, "globex", j, "What is your JLPT level?")
		if q["status"] != "PENDING" || q["askedBy"] != "rec-globex" || q["category"] != nil || q["reviewedBy"] != "" || q["position"] != float64(1) {
			t.Fatalf("asked: %v", q)
		}
		for _, c := range []struct {
			viewer string
			want   []string
		}{
			{"", nil}, {"alice", nil}, {"acme", nil},
			{"globex", []string{"What is your JLPT level?:PENDING"}},
			{"compliance", []string{"What is your JLPT level?:PENDING"}},
		} {
			if got := f.jobQuestions(t, viewerOrAnonymous(c.viewer), j); !slices.Equal(got, c.want) {
				t.Errorf("%s sees %v, want %v", c.viewer, got, c.want)
			}
		}
		// No employer asks on another's job, nor an applicant at all.
		for _, viewer := range []string{"acme", "alice"} {
			if r := f.post(t, as(viewer), `mutation($j: ID!) { askQuestion(jobID: $j, text: "Why?") { id } }`, map[string]any{"j": j.ID}); errorCode(r) != "FORBIDDEN" {
				t.Fatalf("%s asking on globex's job: %s", viewer, r.Raw)
			}
		}
		// The questions connection: compliance lists what awaits review;
		// an employer its own and those in effect; anyone those in effect.
		list := `{ questions(where: {status: PENDING}) { totalCount edges { node { text job { title } } } } all: questions { totalCount } }`
		for _, c := range []struct{ viewer, want string }{
			{"compliance", `{"data":{"questions":{"totalCount":1,"edges":[{"node":{"text":"What is your JLPT level?","job":{"title":"Globex analyst"}}}]},"all":{"totalCount":2}}}`},
			{"globex", `{"data":{"questions":{"totalCount":1,"edges":[{"node":{"text":"What is your JLPT level?","job":{"title":"Globex analyst"}}}]},"all":{"totalCount":2}}}`},
			{"acme", `{"data":{"questions":{"totalCount":0,"edges":[]},"all":{"totalCount":1}}}`},
			{"", `{"data":{"questions":{"totalCount":0,"edges":[]},"all":{"totalCount":1}}}`},
		} {
			if r := f.post(t, viewerOrAnonymous(c.viewer), list, nil); r.Raw != c.want {
				t.Errorf("%s lists %s, want %s", c.viewer, r.Raw, c.want)
			}
		}
		// Compliance reviews the questions of jobs not published yet too.
		draft := f.ask(t, "acme", f.jobs["acmeDraft"], "Which data tools have you used?")
		if r := f.post(t, as("compliance"), `query($id: ID!) { node(id: $id) { ... on Question { job { title status } } } }`, map[string]any{"id": draft["id"]}); r.Raw != `{"data":{"node":{"job":{"title":"Acme draft","status":"DRAFT"}}}}` {
			t.Errorf("compliance reading a draft job's question: %s", r.Raw)
		}
		apply := `mutation($j: ID!, $a: [AnswerInput!]) { applyToJob(input: {jobID: $j}, answers: $a) { id answers { text category } } }`
		pending := []map[string]any{{"questionID": q["id"], "text": "N2"}}
		if r := f.post(t, as("alice"), apply, map[string]any{"j": j.ID, "a": pending}); errorCode(r) != "BAD_USER_INPUT" {
			t.Fatalf("answering a pending question: %s", r.Raw)
		}

		// Not the employer, nor a compliance account that asked it.
		if r := f.approveQuestion(t, as("globex"), q["id"], "QUALIFICATIONS"); errorCode(r) != "FORBIDDEN" {
			t.Fatalf("the employer approving: %s", r.Raw)
		}
		asker := &consent.Viewer{Account: "rec-globex", Role: consent.Compliance}
		if r := f.approveQuestion(t, asker, q["id"], "QUALIFICATIONS"); errorCode(r) != "FORBIDDEN" ||
			errorMessage(r) != "a question must be reviewed by another account than the one that asked it" {
			t.Fatalf("the asker approving: %s", r.Raw)
		}
		r := f.approveQuestion(t, as("compliance"), q["id"], "QUALIFICATIONS")
		got, _ := dig(r.Data, "approveQuestion").(map[string]any)
		if got["status"] != "APPROVED" || got["category"] != "QUALIFICATIONS" || got["reviewedBy"] != "compliance-1" {
			t.Fatalf("approved: %s", r.Raw)
		}
		if r := f.approveQuestion(t, as("approver"), q["id"], "SELF_PR"); errorCode(r) != "BAD_USER_INPUT" ||
			errorMessage(r) != "invalid Question.status: status change not allowed: from APPROVED to APPROVED" {
			t.Fatalf("approving twice: %s", r.Raw)
		}
		if got := f.jobQuestions(t, nil, j); !slices.Equal(got, []string{"What is your JLPT level?:APPROVED"}) {
			t.Fatalf("anonymous sees %v", got)
		}
		if r := f.post(t, as("alice"), apply, map[string]any{"j": j.ID, "a": nil}); errorCode(r) != "BAD_USER_INPUT" ||
			errorMessage(r) != "invalid Application.answers: must answer each of the job's 1 questions in effect, once" {
			t.Fatalf("applying without answering: %s", r.Raw)
		}
		r = f.post(t, as("alice"), apply, map[string]any{"j": j.ID, "a": pending})
		if want := `{"data":{"applyToJob":{"id":"`; !strings.HasPrefix(r.Raw, want) || !strings.HasSuffix(r.Raw, `"answers":[{"text":"N2","category":"QUALIFICATIONS"}]}}}`) {
			t.Fatalf("applying: %s", r.Raw)
		}
	})
}

// TestQuestionRules: what cannot be approved, whatever category a reviewer
// picks, with the rule named; the question stays pending and is refused
// with the rule.
func TestQuestionRules(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		for _, c := range []struct {
			text, category, field, rule, matter string
		}{
			{"Have you ever been convicted of a crime?", "APPLICATION_ANSWERS", "text", "SPECIAL_CARE_REQUIRED", "criminal record"},
			{"Have you ever been the victim of a crime?", "APPLICATION_ANSWERS", "text", "SPECIAL_CARE_REQUIRED", "having been a victim of crime"},
			{"Do you have any chronic illness?", "QUALIFICATIONS", "text", "SPECIAL_CARE_REQUIRED", "medical history"},
			{"Do you have a disability we should know about?", "APPLICATION_ANSWERS", "text", "SPECIAL_CARE_REQUIRED", "disability"},
			{"What is your religion?", "SELF_PR", "text", "SPECIAL_CARE_REQUIRED", "creed"},
			{"What is your race or ethnic origin?", "APPLICATION_ANSWERS", "text", "SPECIAL_CARE_REQUIRED", "race"},
			{"Where is your family register (honseki)?", "ADDRESS_REGION", "text", "SPECIAL_CARE_REQUIRED", "social status"},
			{"前科はありますか", "APPLICATION_ANSWERS", "text", "SPECIAL_CARE_REQUIRED", "criminal record"},
			{"What is your home street address?", "ADDRESS_REGION", "text", "NOT_PROVIDABLE", "ADDRESS_STREET"},
			{"What is the name of your current employer?", "WORK_HISTORY", "text", "NOT_PROVIDABLE", "WORKPLACE"},
			{"Which team are you in?", "WORKPLACE", "category", "NOT_PROVIDABLE", "WORKPLACE"},
			{"What is your IP address?", "APPLICATION_ANSWERS", "text", "NOT_PROVIDABLE", "NETWORK"},
			{"Which operating system do you use?", "NETWORK", "category", "NOT_PROVIDABLE", "NETWORK"},
		} {
			t.Run(c.text, func(t *testing.T) {
				q := f.ask(t, "acme", f.jobs["acme"], c.text)
				r := f.approveQuestion(t, as("compliance"), q["id"], c.category)
				want := fmt.Sprintf("invalid Question.%s: cannot be approved (%s): ", c.field, c.rule)
				if c.rule == "SPECIAL_CARE_REQUIRED" {
					want += "it asks for special care-required information (APPI Art. 2(3)): " + c.matter
				} else {
					want += "policy §5(1) does not provide " + c.matter + " to employers"
				}
				if errorCode(r) != "BAD_USER_INPUT" || errorMessage(r) != want || dig(r.Data, "approveQuestion") != nil {
					t.Fatalf("approving: %s\nwant the message %q", r.Raw, want)
				}
				r = f.post(t, as("approver"), `mutation($id: ID!, $r: QuestionRule!, $n: String) { refuseQuestion(id: $id, rule: $r, note: $n) { `+questionFields+` } }`,
					map[string]any{"id": q["id"], "r": c.rule, "n": c.matter})
				if got, _ := dig(r.Data, "refuseQuestion").(map[string]any); got["status"] != "REFUSED" || got["refusalRule"] != c.rule ||
					got["refusalNote"] != c.matter || got["reviewedBy"] != "compliance-2" || got["category"] != nil {
					t.Fatalf("refusing: %s", r.Raw)
				}
			})
		}
		// Refused questions take no effect: alice's application to acme
		// answers the approved one only; nothing else is asked of anyone.
		if got := f.jobQuestions(t, nil, f.jobs["acme"]); !slices.Equal(got, []string{"Why Acme?:APPROVED"}) {
			t.Fatalf("anonymous sees %v", got)
		}
		// Only compliance refuses.
		q := f.ask(t, "acme", f.jobs["acme"], "When could you start?")
		if r := f.post(t, as("acme"), `mutation($id: ID!) { refuseQuestion(id: $id, rule: NOT_PROVIDABLE) { id } }`, map[string]any{"id": q["id"]}); errorCode(r) != "FORBIDDEN" {
			t.Fatalf("the employer refusing: %s", r.Raw)
		}
	})
}

// TestRewordedQuestion: an approved question's text never changes; a
// rewording is a new question in its place, pending until approved (the
// old one stays in effect meanwhile, and retires then); the answers given
// stay with the question they answered. A rewording into what cannot be
// approved changes nothing.
func TestRewordedQuestion(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		old := f.questions["acme"][0]
		reword := func(id any, text string) map[string]any {
			r := f.post(t, as("acme"), `mutation($id: ID!, $t: String!) { rewordQuestion(id: $id, text: $t) { `+questionFields+` } }`,
				map[string]any{"id": id, "t": text})
			q, _ := dig(r.Data, "rewordQuestion").(map[string]any)
			if q == nil {
				t.Fatalf("rewording: %s", r.Raw)
			}
			return q
		}
		aliceAnswers := func(viewer string) string {
			r := f.post(t, as(viewer), `query($id: ID!) { node(id: $id) { ... on Application { answers { text category question { text status } } } } }`,
				map[string]any{"id": f.apps["alice"].ID})
			return r.Raw
		}
		wantAnswer := func(status string) string {
			return `{"data":{"node":{"answers":[{"text":"cnryaliceanswer","category":"APPLICATION_ANSWERS","question":{"text":"Why Acme?","status":"` + status + `"}}]}}}`
		}

		// The reword attack: "Why Acme?" answered, then reworded to ask for
		// the street. The answer stays with "Why Acme?"; the rewording
		// cannot be approved; "Why Acme?" stays in effect.
		street := reword(old.ID, "What is your home street address?")
		if street["status"] != "PENDING" || street["position"] != float64(old.Position) {
			t.Fatalf("the rewording: %v", street)
		}
		if r := f.approveQuestion(t, as("compliance"), street["id"], "APPLICATION_ANSWERS"); !strings.Contains(errorMessage(r), "(NOT_PROVIDABLE)") {
			t.Fatalf("approving the street: %s", r.Raw)
		}
		for _, viewer := range []string{"acme", "alice"} {
			if got := aliceAnswers(viewer); got != wantAnswer("APPROVED") {
				t.Fatalf("%s after the rewording: %s", viewer, got)
			}
		}
		if got := f.jobQuestions(t, nil, f.jobs["acme"]); !slices.Equal(got, []string{"Why Acme?:APPROVED"}) {
			t.Fatalf("anonymous sees %v", got)
		}

		// A rewording that can be approved takes the old one's place.
		better := reword(old.ID, "Why do you want to join Acme?")
		r := f.approveQuestion(t, as("compliance"), better["id"], "APPLICATION_ANSWERS")
		if dig(r.Data, "approveQuestion", "status") != "APPROVED" {
			t.Fatalf("approving the rewording: %s", r.Raw)
		}
		if got := f.jobQuestions(t, as("acme"), f.jobs["acme"]); !slices.Equal(got, []string{"Why Acme?:RETIRED",
			"What is your home street address?:PENDING", "Why do you want to join Acme?:APPROVED"}) {
			t.Fatalf("acme sees %v", got)
		}
		if got := f.jobQuestions(t, nil, f.jobs["acme"]); !slices.Equal(got, []string{"Why do you want to join Acme?:APPROVED"}) {
			t.Fatalf("anonymous sees %v", got)
		}
		for _, viewer := range []string{"acme", "alice"} {
			if got := aliceAnswers(viewer); got != wantAnswer("RETIRED") {
				t.Fatalf("%s after the approved rewording: %s", viewer, got)
			}
		}
		// A retired question is answered no more; the rewording is.
		apply := `mutation($j: ID!, $a: [AnswerInput!]) { applyToJob(input: {jobID: $j}, answers: $a) { answers { text question { text } } } }`
		if r := f.post(t, as("bob"), apply, map[string]any{"j": f.jobs["acme"].ID, "a": []map[string]any{{"questionID": old.ID, "text": "x"}}}); errorCode(r) != "BAD_USER_INPUT" {
			t.Fatalf("answering the retired wording: %s", r.Raw)
		}
		r = f.post(t, as("bob"), apply, map[string]any{"j": f.jobs["acme"].ID, "a": []map[string]any{{"questionID": better["id"], "text": "x"}}})
		if r.Raw != `{"data":{"applyToJob":{"answers":[{"text":"x","question":{"text":"Why do you want to join Acme?"}}]}}}` {
			t.Fatalf("answering the rewording: %s", r.Raw)
		}
		// A retired question is reworded no more.
		if r := f.post(t, as("acme"), `mutation($id: ID!) { rewordQuestion(id: $id, text: "Why?") { id } }`, map[string]any{"id": old.ID}); errorCode(r) != "BAD_USER_INPUT" {
			t.Fatalf("rewording a retired question: %s", r.Raw)
		}
		// Another employer cannot reword acme's questions.
		if r := f.post(t, as("globex"), `mutation($id: ID!) { rewordQuestion(id: $id, text: "Why?") { id } }`, map[string]any{"id": better["id"]}); r.Errors == nil {
			t.Fatalf("globex rewording acme's question: %s", r.Raw)
		}
	})
}

// TestAnswersReleasedAsCategory: each answer is released as its question's
// category and withheld with it: alice withholds FAMILY from acme, so her
// answer to a question approved as FAMILY is withheld while the one
// approved as HOUSING is shown; the access record names the categories
// released; a hire past its grace period keeps only the answers of the
// categories kept for employment.
func TestAnswersReleasedAsCategory(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		j := client.Job.Create().SetEmployer(f.employers["acme"]).SetTitle("Acme care").SetDescription("d").SetPrefecture("Tokyo").
			SetField("Care").SetEmploymentType("FULL_TIME").SetStatus("PUBLISHED").SaveX(ctx)
		f.jobs["care"] = j
		for _, q := range []struct {
			text string
			c    consent.Category
		}{
			{"Do you live with your family?", consent.Family},
			{"Do you need a company flat?", consent.Housing},
			{"Do you hold the care certificate?", consent.Qualifications},
		} {
			f.questions["care"] = append(f.questions["care"], f.approvedQuestion(ctx, client, j, q.text, q.c))
		}
		var answers []map[string]any
		for _, q := range f.questions["care"] {
			answers = append(answers, map[string]any{"questionID": q.ID, "text": "cnryalice" + string(*q.Category)})
		}
		r := f.post(t, as("alice"), `mutation($j: ID!, $a: [AnswerInput!]) { applyToJob(input: {jobID: $j}, answers: $a) { id } }`,
			map[string]any{"j": j.ID, "a": answers})
		if r.Errors != nil {
			t.Fatal(r.Raw)
		}
		app := client.Application.GetX(ctx, idOf(t, dig(r.Data, "applyToJob", "id")))
		q := `query($id: ID!) { node(id: $id) { ... on Application { answers { text category } } } }`
		r = f.post(t, as("acme"), q, map[string]any{"id": app.ID})
		want := `{"data":{"node":{"answers":[{"text":null,"category":"FAMILY"},{"text":"cnryaliceHOUSING","category":"HOUSING"},{"text":"cnryaliceQUALIFICATIONS","category":"QUALIFICATIONS"}]}},` +
			`"extensions":{"withheld":[{"path":["node","answers",0],"fields":{"text":"WITHHELD_BY_SUBJECT"}}]}}`
		if r.Raw != want {
			t.Fatalf("acme: got %s\nwant %s", r.Raw, want)
		}
		last := client.AccessRecord.Query().Order(ent.Desc("id")).FirstX(ctx)
		if got := fmt.Sprint(last.Categories); got != "[HOUSING:PLAIN QUALIFICATIONS:PLAIN]" {
			t.Errorf("access record categories = %s", got)
		}
		// Alice releases FAMILY to acme: the answer is shown.
		f.grant(t, "alice", "EMPLOYER_PROVISION", f.employers["acme"], "FAMILY", true)
		if r := f.post(t, as("acme"), q, map[string]any{"id": app.ID}); !strings.Contains(r.Raw, `{"text":"cnryaliceFAMILY","category":"FAMILY"}`) {
			t.Fatalf("acme after the release: %s", r.Raw)
		}
		// Hired, past the grace period: what is kept for employment.
		f.moveAs(t, "acme", app, "INTERVIEW", "OFFER", "HIRED")
		f.ageApplication(t, app, 31*day)
		r = f.post(t, as("acme"), q, map[string]any{"id": app.ID})
		want = `{"data":{"node":{"answers":[{"text":null,"category":"FAMILY"},{"text":null,"category":"HOUSING"},{"text":"cnryaliceQUALIFICATIONS","category":"QUALIFICATIONS"}]}},` +
			`"extensions":{"withheld":[{"path":["node","answers",0],"fields":{"text":"PROVISION_ENDED"}},{"path":["node","answers",1],"fields":{"text":"PROVISION_ENDED"}}]}}`
		if r.Raw != want {
			t.Fatalf("acme after the hire's grace period: got %s\nwant %s", r.Raw, want)
		}
		// Alice herself sees every answer.
		if r := f.post(t, as("alice"), q, map[string]any{"id": app.ID}); strings.Count(r.Raw, `"text":"cnryalice`) != 3 || r.Extensions["withheld"] != nil {
			t.Fatalf("alice: %s", r.Raw)
		}
	})
}
