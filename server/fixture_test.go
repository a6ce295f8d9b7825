package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/job"
	"consentgate/ent/privacy"
	"consentgate/ent/schema/schematype"
)

var testSecret = []byte("test-secret-test-secret-test-secret!")

// fixture is a small world whose every personal value is a canary: a
// marker naming its owner, so that a response can be searched for data it
// must not hold.
type fixture struct {
	client     *ent.Client
	handler    http.Handler
	logs       *bytes.Buffer
	applicants map[string]*ent.Applicant // by account
	jobs       map[string]*ent.Job       // acme, acmeDraft, globex
	apps       map[string]*ent.Application
}

// fixtureAccounts are the fixture's applicants: alice applied to acme's
// job, bob to globex's, carol applied to acme and withdrew, dave has an open
// privacy request and no application.
var fixtureAccounts = []string{"alice", "bob", "carol", "dave"}

// canary returns the marker of one field of one applicant.
func canary(account, field string) string { return "cnry" + account + field }

// canaries returns every marker of account's personal data.
func canaries(account string) []string {
	var out []string
	for _, f := range []string{"name", "kana", "city", "street", "building", "occupation", "wpname", "wpdept", "wpaddr",
		"academic", "school", "company", "wfield", "resp", "qual", "skill", "fav", "sell", "achieve", "tool", "thesis",
		"spouse", "ecname", "ecrel", "dfield", "dwork", "reason", "answer"} {
		out = append(out, canary(account, f))
	}
	return append(out, account+".mail@canary.example")
}

func newFixture(t *testing.T, client *ent.Client) *fixture {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	f := &fixture{client: client, logs: &bytes.Buffer{}, applicants: map[string]*ent.Applicant{}, jobs: map[string]*ent.Job{}, apps: map[string]*ent.Application{}}
	log := slog.New(slog.NewJSONHandler(f.logs, nil))
	f.handler = NewHandler(client, NewAuthenticator(testSecret), false, log)

	acme := client.Employer.Create().SetExternalID("acme").SetName("Acme K.K.").SaveX(ctx)
	globex := client.Employer.Create().SetExternalID("globex").SetName("Globex G.K.").SaveX(ctx)
	job := func(e *ent.Employer, title string, status string, questions ...string) *ent.Job {
		return client.Job.Create().SetEmployer(e).SetTitle(title).SetDescription("d").SetPrefecture("Tokyo").
			SetField("Software").SetEmploymentType("FULL_TIME").SetStatus(jobStatus(status)).SetQuestions(questions).SaveX(ctx)
	}
	f.jobs["acme"] = job(acme, "Acme engineer", "PUBLISHED", "Why Acme?")
	f.jobs["acmeDraft"] = job(acme, "Acme draft", "DRAFT")
	f.jobs["globex"] = job(globex, "Globex analyst", "PUBLISHED")

	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	for i, a := range fixtureAccounts {
		c := func(field string) string { return canary(a, field) }
		to := day(2022, 3, 31)
		f.applicants[a] = client.Applicant.Create().SetAccountID(a).
			SetName(c("name")).SetNameKana(c("kana")).SetBirthDate(day(1990+i, 4, 1)).SetSex("FEMALE").
			SetPrefecture("Osaka").SetCity(c("city")).SetStreet(c("street")).SetBuilding(c("building")).SetPostalCode("530-000" + string(rune('1'+i))).
			SetPhone("090-1234-000" + string(rune('1'+i))).SetEmail(a + ".mail@canary.example").
			SetOccupation(c("occupation")).SetWorkplaceName(c("wpname")).SetWorkplaceDepartment(c("wpdept")).
			SetWorkplaceAddress(c("wpaddr")).SetWorkplacePhone("06-1234-567" + string(rune('1'+i))).
			SetVisaStatus("ENGINEER_HUMANITIES_INTERNATIONAL").SetVisaExpiresOn(day(2028, 1, 1)).
			SetEducationLevel("BACHELOR").SetAcademicBackground(c("academic")).SetSchoolName(c("school")).SetGraduatedOn(day(2012, 3, 31)).
			SetWorkHistory([]schematype.WorkHistoryEntry{{Company: c("company"), From: day(2015, 4, 1), To: &to, Field: c("wfield"), EmploymentType: "FULL_TIME", Responsibilities: c("resp")}}).
			SetQualifications([]schematype.Qualification{{Name: c("qual")}}).
			SetSkills([]string{c("skill")}).SetFavoriteSubject(c("fav")).SetSellingPoint(c("sell")).SetAchievements(c("achieve")).
			SetTools([]string{c("tool")}).SetThesesAndPatents(c("thesis")).
			SetDependents(2).SetHasSpouse(true).SetSpouseOccupation(c("spouse")).
			SetEmergencyContacts([]schematype.EmergencyContact{{Name: c("ecname"), Relation: c("ecrel"), Phone: "+81-90-0000-000" + string(rune('1'+i))}}).
			SetDwellingType("RENTED").SetRent(85000 + i).SetDesiredField(c("dfield")).SetDesiredWorkplace(c("dwork")).
			SetLastIP("192.0.2." + string(rune('1'+i))).
			SaveX(ctx)
	}
	apply := func(account, jobKey string) *ent.Application {
		j := f.jobs[jobKey]
		answers := make([]string, len(j.Questions))
		for i := range answers {
			answers[i] = canary(account, "answer")
		}
		return client.Application.Create().SetApplicant(f.applicants[account]).SetJob(j).
			SetReason(canary(account, "reason")).SetAnswers(answers).SaveX(ctx)
	}
	f.apps["alice"] = apply("alice", "acme")
	f.apps["bob"] = apply("bob", "globex")
	f.apps["carol"] = apply("carol", "acme")
	f.apps["carol"] = client.Application.UpdateOne(f.apps["carol"]).SetStatus("WITHDRAWN").SaveX(ctx)
	client.PrivacyRequest.Create().SetApplicant(f.applicants["dave"]).SetKind("DISCLOSURE").
		SetDueAt(time.Now().Add(14 * 24 * time.Hour)).SaveX(ctx)
	return f
}

// viewers of the fixture, by a short name.
var fixtureViewers = map[string]consent.Viewer{
	"alice":      {Account: "alice", Role: consent.Applicant},
	"bob":        {Account: "bob", Role: consent.Applicant},
	"newcomer":   {Account: "newcomer", Role: consent.Applicant},
	"acme":       {Account: "rec-acme", Role: consent.Employer, Org: "acme"},
	"globex":     {Account: "rec-globex", Role: consent.Employer, Org: "globex"},
	"unknownorg": {Account: "rec-x", Role: consent.Employer, Org: "nobody"},
	"support":    {Account: "support-1", Role: consent.Support},
	"marketing":  {Account: "marketing-1", Role: consent.Marketing},
	"analyst":    {Account: "analyst-1", Role: consent.Analyst},
	"compliance": {Account: "compliance-1", Role: consent.Compliance},
	"admin":      {Account: "admin-1", Role: consent.Admin},
}

func token(t *testing.T, v consent.Viewer) string {
	t.Helper()
	tok, err := SignToken(testSecret, v, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// gqlResponse is a GraphQL response, with the raw body kept for searching.
type gqlResponse struct {
	Status     int
	Raw        string
	Data       map[string]any   `json:"data"`
	Errors     []map[string]any `json:"errors"`
	Extensions map[string]any   `json:"extensions"`
}

// post sends a GraphQL operation over HTTP as viewer (nil: anonymous).
func (f *fixture) post(t *testing.T, viewer *consent.Viewer, query string, vars map[string]any) gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if viewer != nil {
		req.Header.Set("Authorization", "Bearer "+token(t, *viewer))
	}
	return f.do(t, req)
}

func (f *fixture) do(t *testing.T, req *http.Request) gqlResponse {
	t.Helper()
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	raw, _ := io.ReadAll(rec.Body)
	r := gqlResponse{Status: rec.Code, Raw: string(raw)}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || json.Valid(raw) {
		_ = json.Unmarshal(raw, &r)
	}
	return r
}

// as returns a pointer to the named fixture viewer.
func as(name string) *consent.Viewer {
	v, ok := fixtureViewers[name]
	if !ok {
		panic("no fixture viewer " + name)
	}
	return &v
}

// viewerOrAnonymous is as(name), or nil (anonymous) for "".
func viewerOrAnonymous(name string) *consent.Viewer {
	if name == "" {
		return nil
	}
	return as(name)
}

// dig follows a path of keys and indexes into decoded JSON.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func jobStatus(s string) job.Status { return job.Status(s) }
