package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/job"
	"consentgate/ent/operation"
	"consentgate/ent/privacy"
	"consentgate/ent/question"
	"consentgate/ent/schema/schematype"
	"consentgate/gateway"
	"consentgate/graph"
	"consentgate/operations"
	"consentgate/receipt"
)

// unlimited is a rate limit tests do not reach (TestRateLimit tests the real one).
var unlimited = gateway.RateLimit{Rate: 1e6, Burst: 1e6}

var (
	testSecret  = []byte("test-secret-test-secret-test-secret!")
	testHashKey = []byte("test-hash-key-test-hash-key-test-hash")
	// testReceiptKey is a CONSENTGATE_RECEIPT_KEY (the base64 of an Ed25519 seed).
	testReceiptKey = base64.StdEncoding.EncodeToString([]byte("test-receipt-key-test-receipt-ke"))
)

// testReceipts signs the test gateways' receipts with testReceiptKey.
func testReceipts() *receipt.Signer {
	seed, err := receipt.ParseSeed(testReceiptKey)
	if err != nil {
		panic(err)
	}
	s, err := receipt.NewSigner(seed)
	if err != nil {
		panic(err)
	}
	return s
}

// fixture is a small world whose every personal value is a canary: a
// marker naming its owner, so that a response can be searched for data it
// must not hold.
type fixture struct {
	client     *ent.Client
	handler    http.Handler
	metrics    http.Handler // the gateway's metrics listener's
	logs       *bytes.Buffer
	applicants map[string]*ent.Applicant  // by account
	jobs       map[string]*ent.Job        // acme, acmeDraft, globex
	questions  map[string][]*ent.Question // each job's, by the job's key
	apps       map[string]*ent.Application
	policy     *ent.PolicyVersion
	employers  map[string]*ent.Employer
	clock      time.Time // recorded_at of the next ledger entry
}

// grant appends one entry to account's consent ledger: purpose, towards an
// employer (nil: everyone), for one category ("" for the whole purpose).
func (f *fixture) grant(t testing.TB, account, purpose string, to *ent.Employer, category string, granted bool) {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	f.clock = f.clock.Add(time.Second)
	inTx(t, f.client, func(client *ent.Client) { f.grantWith(ctx, client, account, purpose, to, category, granted) })
}

// grantWith is grant through client (a transaction's).
func (f *fixture) grantWith(ctx context.Context, client *ent.Client, account, purpose string, to *ent.Employer, category string, granted bool) {
	c := client.Consent.Create().SetApplicant(f.applicants[account]).SetPurpose(entconsent.Purpose(purpose)).
		SetGranted(granted).SetSource("APPLICANT").SetRecordedAt(f.clock).SetPolicyVersion(f.policy)
	if to != nil {
		c.SetEmployer(to)
	}
	if category != "" {
		c.SetWithheldCategory(entconsent.WithheldCategory(category))
	}
	c.SaveX(ctx)
}

// idOf turns an id from a response (a JSON string or number, or a string
// of digits) into the int the model uses.
func idOf(t testing.TB, id any) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(fmt.Sprint(id), &n); err != nil {
		t.Fatalf("id %v: %v", id, err)
	}
	return n
}

// inTx runs f with a client inside one transaction and commits it: the
// consent ledger, and so an application (which appends to it), is written
// only in a transaction, with its state (ledger.Maintain).
func inTx(t testing.TB, client *ent.Client, f func(client *ent.Client)) {
	t.Helper()
	tx, err := client.Tx(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	f(tx.Client())
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// fixtureAccounts are the fixture's applicants: alice applied to acme's
// job, bob to globex's, carol applied to acme and withdrew, dave has an open
// privacy request and no application.
var fixtureAccounts = []string{"alice", "bob", "carol", "dave"}

// canary returns the marker of one field of one applicant.
func canary(account, field string) string { return "cnry" + account + field }

// canaryFields are the fixture's marked text fields and their categories.
var canaryFields = map[string]consent.Category{
	"name": consent.Name, "kana": consent.Name, "city": consent.AddressRegion, "street": consent.AddressStreet,
	"building": consent.AddressStreet, "occupation": consent.Occupation, "wpname": consent.Workplace,
	"wpdept": consent.Workplace, "wpaddr": consent.Workplace, "academic": consent.Education, "school": consent.Education,
	"company": consent.WorkHistory, "wfield": consent.WorkHistory, "resp": consent.WorkHistory, "qual": consent.Qualifications,
	"skill": consent.SelfPR, "fav": consent.SelfPR, "sell": consent.SelfPR, "achieve": consent.SelfPR, "tool": consent.SelfPR,
	"thesis": consent.SelfPR, "spouse": consent.Family, "ecname": consent.EmergencyContact, "ecrel": consent.EmergencyContact,
	"dfield": consent.Preferences, "dwork": consent.Preferences, "reason": consent.ApplicationAnswers, "answer": consent.ApplicationAnswers,
}

// canaries returns every marked value of account's personal data, with its
// category: the text fields above and the formatted ones (email, phones,
// postal code, IP address), each unique to the applicant.
func canaries(account string) map[string]consent.Category {
	out := map[string]consent.Category{}
	for f, c := range canaryFields {
		out[canary(account, f)] = c
	}
	n := string(rune('1' + slices.Index(fixtureAccounts, account)))
	out[account+".mail@canary.example"] = consent.Email
	out["090-1234-000"+n] = consent.Phone
	out["06-1234-567"+n] = consent.Workplace
	out["530-000"+n] = consent.AddressStreet
	out["192.0.2."+n+`"`] = consent.Network
	return out
}

func newFixture(t testing.TB, client *ent.Client) *fixture {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	f := &fixture{client: client, logs: &bytes.Buffer{}, applicants: map[string]*ent.Applicant{}, jobs: map[string]*ent.Job{},
		questions: map[string][]*ent.Question{}, apps: map[string]*ent.Application{}, employers: map[string]*ent.Employer{}, clock: time.Now()}
	log := slog.New(slog.NewJSONHandler(f.logs, nil))
	h := testGatewayHandlers(client, log, nil)
	f.handler, f.metrics = h.API, h.Metrics

	// acme has a legal name of its own, which its records of provision
	// name; globex has none, and its records name it by its name.
	acme := client.Employer.Create().SetExternalID("acme").SetName("Acme K.K.").SetLegalName("Acme Kabushiki Kaisha").SaveX(ctx)
	globex := client.Employer.Create().SetExternalID("globex").SetName("Globex G.K.").SaveX(ctx)
	f.employers["acme"], f.employers["globex"] = acme, globex
	job := func(key string, e *ent.Employer, title string, status string, questions ...string) {
		f.jobs[key] = client.Job.Create().SetEmployer(e).SetTitle(title).SetDescription("d").SetPrefecture("Tokyo").
			SetField("Software").SetEmploymentType("FULL_TIME").SetStatus(jobStatus(status)).SaveX(ctx)
		for _, text := range questions {
			f.questions[key] = append(f.questions[key], f.approvedQuestion(ctx, client, f.jobs[key], text, consent.ApplicationAnswers))
		}
	}
	job("acme", acme, "Acme engineer", "PUBLISHED", "Why Acme?")
	job("acmeDraft", acme, "Acme draft", "DRAFT")
	job("globex", globex, "Globex analyst", "PUBLISHED")

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
			// The current job's company is the workplace's name (WORKPLACE,
			// hidden from employers), as it is for most people.
			SetWorkHistory([]schematype.WorkHistoryEntry{{Company: c("company"), From: day(2015, 4, 1), To: &to, Field: c("wfield"), EmploymentType: "FULL_TIME", Responsibilities: c("resp")},
				{Company: c("wpname"), From: day(2022, 4, 1), Field: c("wfield"), EmploymentType: "FULL_TIME"}}).
			SetQualifications([]schematype.Qualification{{Name: c("qual")}}).
			SetSkills([]string{c("skill")}).SetFavoriteSubject(c("fav")).SetSellingPoint(c("sell")).SetAchievements(c("achieve")).
			SetTools([]string{c("tool")}).SetThesesAndPatents(c("thesis")).
			SetDependents(2).SetHasSpouse(true).SetSpouseOccupation(c("spouse")).
			SetEmergencyContacts([]schematype.EmergencyContact{{Name: c("ecname"), Relation: c("ecrel"), Phone: "+81-90-0000-000" + string(rune('1'+i))}}).
			SetDwellingType("RENTED").SetRent(85000 + i).SetDesiredField(c("dfield")).SetDesiredWorkplace(c("dwork")).
			SetLastIP("192.0.2." + string(rune('1'+i))).
			SaveX(ctx)
	}
	f.policy = client.PolicyVersion.Create().SetVersion("2026-01").SetEffectiveAt(day(2026, 1, 1)).SetTextDigest("sha256:0000000000000000000000000000000000000000000000000000000000000000").SaveX(ctx)
	apply := func(client *ent.Client, account, jobKey string) *ent.Application {
		app := client.Application.Create().SetApplicant(f.applicants[account]).SetJob(f.jobs[jobKey]).
			SetReason(canary(account, "reason")).SaveX(ctx)
		f.answer(ctx, client, app, jobKey, canary(account, "answer"))
		return app
	}
	inTx(t, client, func(client *ent.Client) {
		f.apps["alice"] = apply(client, "alice", "acme")
		f.apps["bob"] = apply(client, "bob", "globex")
		f.apps["carol"] = apply(client, "carol", "acme")
		f.apps["carol"] = client.Application.UpdateOne(f.apps["carol"]).SetStatus("WITHDRAWN").SaveX(ctx)
	})
	// The consent ledger: applying granted provision to the job's employer
	// (and carol withdrew it with her application); alice withholds FAMILY
	// from acme; bob opted in to the mail magazine and to analytics.
	f.grant(t, "alice", "EMPLOYER_PROVISION", acme, "FAMILY", false)
	f.grant(t, "bob", "MAIL_MAGAZINE", nil, "", true)
	f.grant(t, "bob", "ANALYTICS", nil, "", true)
	client.PrivacyRequest.Create().SetApplicant(f.applicants["dave"]).SetKind("DISCLOSURE").
		SetDueAt(time.Now().Add(14 * 24 * time.Hour)).SaveX(ctx)
	return f
}

// approvedQuestion asks a question on job as its employer's recruiter and
// approves it as compliance, with category c (as a trusted job: ctx allows
// every write and names the accounts).
func (f *fixture) approvedQuestion(ctx context.Context, client *ent.Client, j *ent.Job, text string, c consent.Category) *ent.Question {
	q := client.Question.Create().SetJob(j).SetText(text).SetAskedBy("rec-" + j.QueryEmployer().OnlyX(ctx).ExternalID).SaveX(ctx)
	return client.Question.UpdateOneID(q.ID).SetStatus(question.StatusAPPROVED).SetCategory(question.Category(c)).
		SetReviewedBy("compliance-1").SaveX(ctx)
}

// answer answers each approved question of the job with key jobKey, for
// app, with text (as a trusted job).
func (f *fixture) answer(ctx context.Context, client *ent.Client, app *ent.Application, jobKey, text string) {
	for _, q := range f.questions[jobKey] {
		client.Answer.Create().SetApplication(app).SetQuestion(q).SetText(text).ExecX(ctx)
	}
}

// answerInputs is the answers argument of applyToJob answering each
// approved question of the job with key jobKey with text.
func (f *fixture) answerInputs(jobKey, text string) []map[string]any {
	out := []map[string]any{}
	for _, q := range f.questions[jobKey] {
		out = append(out, map[string]any{"questionID": q.ID, "text": text})
	}
	return out
}

// testGateway is the gateway's handler over client as the tests build it:
// the test secrets, the default policy, no rate limit; edit changes what a
// test needs changed.
func testGateway(client *ent.Client, log *slog.Logger, edit func(*gateway.Gateway)) http.Handler {
	return testGatewayHandlers(client, log, edit).API
}

// testGatewayHandlers is testGateway with the metrics listener's handler.
func testGatewayHandlers(client *ent.Client, log *slog.Logger, edit func(*gateway.Gateway)) gateway.Handlers {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	gw := gateway.Gateway{Config: gateway.Defaults(), Client: client, Auth: gateway.NewAuthenticator(testSecret), Log: log}
	gw.HashKey, gw.CursorKey, gw.RateLimit, gw.Receipts = testHashKey, testCursorKey, unlimited, testReceipts()
	if edit != nil {
		edit(&gw)
	}
	return gw.Handlers()
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
	"mailer":     {Account: "mailer-1", Role: consent.Marketing, Purpose: consent.MailMagazine},
	"advertiser": {Account: "ads-1", Role: consent.Marketing, Purpose: consent.Advertising},
	"analyst":    {Account: "analyst-1", Role: consent.Analyst},
	"compliance": {Account: "compliance-1", Role: consent.Compliance},
	"approver":   {Account: "compliance-2", Role: consent.Compliance}, // a second compliance account
	"admin":      {Account: "admin-1", Role: consent.Admin},
}

func token(t testing.TB, v consent.Viewer) string {
	t.Helper()
	tok, err := gateway.SignToken(testSecret, v, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// gqlResponse is a GraphQL response, with the raw body kept for searching.
type gqlResponse struct {
	Status     int
	RequestID  string // the gateway's own id of the request (X-Request-Id)
	Raw        string
	Data       map[string]any   `json:"data"`
	Errors     []map[string]any `json:"errors"`
	Extensions map[string]any   `json:"extensions"`
}

// post sends a GraphQL operation over HTTP as viewer (nil: anonymous). A
// viewer held to approved operations (analyst, marketing) sends a query as
// an approved operation, by documentId (see approve); anything else it
// sends as it is, and it is refused.
func (f *fixture) post(t *testing.T, viewer *consent.Viewer, query string, vars map[string]any) gqlResponse {
	t.Helper()
	params := map[string]any{"query": query, "variables": vars}
	if viewer != nil && viewer.Role.ApprovedOperationsOnly() {
		if id, ok := f.approve(t, *viewer, query); ok {
			params = map[string]any{"documentId": id, "variables": vars}
		}
	}
	body, _ := json.Marshal(params)
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", "test-request") // a caller's own id: the correlation id, never the request's
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
	r := gqlResponse{Status: rec.Code, RequestID: rec.Header().Get("X-Request-Id"), Raw: string(raw)}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || json.Valid(raw) {
		_ = json.Unmarshal(raw, &r)
	}
	return r
}

// gatewayRequestID is what the gateway's own request ids look like.
var gatewayRequestID = regexp.MustCompile(`^[0-9a-f]{24}$`)

// comparable is the response's body with its request id (in errors'
// extensions), which differs on every request, replaced: two responses to
// the same request compare byte for byte.
func (r gqlResponse) comparable() string {
	if r.RequestID == "" {
		return r.Raw
	}
	return strings.ReplaceAll(r.Raw, r.RequestID, "<request id>")
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

// approve registers query, if it is a valid query, as an approved
// operation for v (directly in the database, as an admin would), and
// returns its id: the tests written for every role's plain queries run the
// analyst's and marketing's through approved operations, the only way
// those roles can run anything. The operation's purpose is v's, or its
// role's first: a viewer declaring none is narrowed to it. One text is one
// operation of one purpose, so the purpose is added to the text as a
// comment.
func (f *fixture) approve(t *testing.T, v consent.Viewer, query string) (string, bool) {
	t.Helper()
	approving.Lock() // concurrent requests of one test approve their query once
	defer approving.Unlock()
	if graph.CheckDocument(graph.NewSchema(f.client).Schema(), query) != nil {
		return "", false
	}
	policy := consent.DefaultPolicy()
	purpose := v.Purpose
	if purpose == "" {
		purpose = policy.RolePurposes[v.Role][0]
	}
	doc := query + "\n# approved for " + string(purpose) + "\n"
	id := operations.ID(doc)
	engine := consent.NewEngine(policy)
	ctx := consent.WithEngine(consent.NewContext(context.Background(), consent.Viewer{Account: "test-admin", Role: consent.Admin}), engine)
	approver := consent.WithEngine(consent.NewContext(context.Background(), consent.Viewer{Account: "test-admin-2", Role: consent.Admin}), engine)
	if exists, err := f.client.Operation.Query().Where(operation.Hash(id)).Exist(ctx); err != nil || exists {
		return id, err == nil
	}
	op, err := f.client.Operation.Create().SetName("test_" + id[7:23]).SetPurpose(operation.Purpose(purpose)).
		SetDocument(doc).Save(ctx)
	if err == nil {
		err = f.client.Operation.UpdateOne(op).SetApprovedAt(time.Now()).Exec(approver)
	}
	if err != nil {
		t.Fatalf("approving a test operation: %v", err)
	}
	return id, true
}

var approving sync.Mutex

func jobStatus(s string) job.Status { return job.Status(s) }

// viewerContext is a context acting as v, for direct ent calls.
func viewerContext(v consent.Viewer) context.Context {
	return consent.NewContext(context.Background(), v)
}
