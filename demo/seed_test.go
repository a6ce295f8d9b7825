package demo

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/answer"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/employer"
	"consentgate/ent/enttest"
	"consentgate/ent/job"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
	"consentgate/ent/question"
	_ "consentgate/ent/runtime"
	"consentgate/ent/schema/validate"
	"consentgate/ledger/ledgertest"
)

// openSeedTestDB opens a fresh in-memory SQLite database, named after the
// test and suffix so that one test can open several.
func openSeedTestDB(t *testing.T, suffix string) *ent.Client {
	t.Helper()
	client := enttest.Open(t, "sqlite3", "file:"+t.Name()+suffix+"?mode=memory&cache=shared&_fk=1")
	t.Cleanup(func() { client.Close() })
	ledgertest.VerifyAtEnd(t, client)
	return client
}

// seedTestContext is a context that reads past the privacy rules.
func seedTestContext(t *testing.T) context.Context {
	return privacy.DecisionContext(t.Context(), privacy.Allow)
}

// seedOrFail seeds client and fails the test unless it seeded.
func seedOrFail(t *testing.T, client *ent.Client) {
	t.Helper()
	start := time.Now()
	seeded, err := Seed(t.Context(), client)
	if err != nil {
		t.Fatalf("Seed: %v", err)
	}
	if !seeded {
		t.Fatal("Seed on an empty database reported false")
	}
	t.Logf("seeded in %v", time.Since(start))
}

func TestSeedDemoSeedsOnce(t *testing.T) {
	client := openSeedTestDB(t, "")
	ctx := seedTestContext(t)
	seedOrFail(t, client)

	counts := func() [6]int {
		return [6]int{
			client.Applicant.Query().CountX(ctx),
			client.Employer.Query().CountX(ctx),
			client.Job.Query().CountX(ctx),
			client.Application.Query().CountX(ctx),
			client.Consent.Query().CountX(ctx),
			client.PrivacyRequest.Query().CountX(ctx),
		}
	}
	before := counts()

	seeded, err := Seed(t.Context(), client)
	if err != nil || seeded {
		t.Fatalf("second Seed = %v, %v; want false, nil", seeded, err)
	}
	if after := counts(); after != before {
		t.Errorf("counts after the second seed = %v, want %v", after, before)
	}
}

func TestSeedDemoCounts(t *testing.T) {
	client := openSeedTestDB(t, "")
	ctx := seedTestContext(t)
	seedOrFail(t, client)

	if n := client.Applicant.Query().CountX(ctx); n != 300 {
		t.Errorf("applicants = %d, want 300", n)
	}
	if n := client.Employer.Query().CountX(ctx); n != 4 {
		t.Errorf("employers = %d, want 4", n)
	}
	if n := client.Application.Query().CountX(ctx); n < 350 || n > 480 {
		t.Errorf("applications = %d, want about 400", n)
	}
	if n := client.PolicyVersion.Query().CountX(ctx); n != 2 {
		t.Errorf("policy versions = %d, want 2 (the first and a change of purposes)", n)
	}
	for _, p := range []entconsent.Purpose{entconsent.PurposeEMPLOYER_PROVISION, entconsent.PurposeMAIL_MAGAZINE, entconsent.PurposeANALYTICS, entconsent.PurposeADVERTISING, entconsent.PurposeFEEDBACK} {
		if n := client.Consent.Query().Where(entconsent.PurposeEQ(p)).CountX(ctx); n == 0 {
			t.Errorf("no %s consents", p)
		}
	}
	if n := client.Consent.Query().Where(entconsent.WithheldCategoryNotNil()).CountX(ctx); n == 0 {
		t.Error("no withheld categories")
	}
	for _, s := range []privacyrequest.Status{privacyrequest.StatusRECEIVED, privacyrequest.StatusIN_PROGRESS, privacyrequest.StatusCOMPLETED, privacyrequest.StatusREJECTED} {
		if n := client.PrivacyRequest.Query().Where(privacyrequest.StatusEQ(s)).CountX(ctx); n == 0 {
			t.Errorf("no %s privacy requests", s)
		}
	}
	for _, s := range []application.Status{application.StatusAPPLIED, application.StatusSCREENING, application.StatusINTERVIEW,
		application.StatusOFFER, application.StatusHIRED, application.StatusREJECTED, application.StatusWITHDRAWN} {
		if n := client.Application.Query().Where(application.StatusEQ(s)).CountX(ctx); n == 0 {
			t.Errorf("no %s applications", s)
		}
	}
	for _, s := range []job.Status{job.StatusDRAFT, job.StatusPUBLISHED, job.StatusCLOSED} {
		for _, e := range client.Employer.Query().AllX(ctx) {
			if !e.QueryJobs().Where(job.StatusEQ(s)).ExistX(ctx) {
				t.Errorf("employer %s has no %s job", e.ExternalID, s)
			}
		}
	}
}

func TestSeedDemoIdentities(t *testing.T) {
	client := openSeedTestDB(t, "")
	ctx := seedTestContext(t)
	seedOrFail(t, client)

	first := client.Applicant.Query().Order(ent.Asc(applicant.FieldID)).FirstX(ctx)
	if first.AccountID != ApplicantAccount {
		t.Errorf("first applicant = %q, want %q", first.AccountID, ApplicantAccount)
	}
	firstOrg := client.Employer.Query().Order(ent.Asc(employer.FieldID)).FirstX(ctx)
	if firstOrg.ExternalID != EmployerOrg || firstOrg.Name != "Sakura Technologies K.K." || firstOrg.Prefecture != "Tokyo" {
		t.Errorf("first employer = %q %q %q, want %q Sakura Technologies K.K. Tokyo", firstOrg.ExternalID, firstOrg.Name, firstOrg.Prefecture, EmployerOrg)
	}
	for _, id := range []string{"applicant-0001", "applicant-0150", "applicant-0300"} {
		if !client.Applicant.Query().Where(applicant.AccountID(id)).ExistX(ctx) {
			t.Errorf("applicant %s missing", id)
		}
	}

	demo := client.Applicant.Query().Where(applicant.AccountID(ApplicantAccount)).OnlyX(ctx)
	if n := demo.QueryApplications().CountX(ctx); n < 2 {
		t.Errorf("demo applicant has %d applications, want at least 2", n)
	}
	live := demo.QueryApplications().Where(
		application.HasJobWith(job.HasEmployerWith(employer.ExternalID(EmployerOrg))),
		application.StatusNEQ(application.StatusWITHDRAWN),
	).ExistX(ctx)
	if !live {
		t.Errorf("demo applicant has no live application to %s", EmployerOrg)
	}
	if !demo.QueryPrivacyRequests().Where(privacyrequest.StatusEQ(privacyrequest.StatusRECEIVED)).ExistX(ctx) {
		t.Error("demo applicant has no RECEIVED privacy request")
	}
}

func TestSeedDemoConsistency(t *testing.T) {
	client := openSeedTestDB(t, "")
	ctx := seedTestContext(t)
	seedOrFail(t, client)

	emails := map[string]bool{}
	for _, a := range client.Applicant.Query().AllX(ctx) {
		if emails[a.Email] {
			t.Errorf("%s: email not unique", a.AccountID)
		}
		emails[a.Email] = true
		if err := validate.VisaStatus(a.VisaStatus); err != nil {
			t.Errorf("%s: visa status: %v", a.AccountID, err)
		}
		if age := ageOn(a.BirthDate, demoReferenceDay); age < 20 || age > 55 {
			t.Errorf("%s: age %d, want 20-55", a.AccountID, age)
		}
		if y := a.VisaExpiresOn.Year(); y < 2026 || y > 2030 {
			t.Errorf("%s: visa expires in %d, want 2026-2030", a.AccountID, y)
		}
		if len(a.WorkHistory) > 3 || len(a.Qualifications) > 2 || len(a.EmergencyContacts) != 1 {
			t.Errorf("%s: %d jobs, %d qualifications, %d emergency contacts", a.AccountID, len(a.WorkHistory), len(a.Qualifications), len(a.EmergencyContacts))
		}
		for _, w := range a.WorkHistory {
			if w.To != nil && w.To.Before(w.From) || w.From.After(demoReferenceDay) {
				t.Errorf("%s: work history period out of order", a.AccountID)
			}
		}
	}

	versions := client.PolicyVersion.Query().Order(ent.Asc("effective_at")).AllX(ctx)
	if len(versions) != 2 || versions[1].Version != demoPolicyChange || fmt.Sprint(versions[1].ChangedPurposes) != "[ANALYTICS MAIL_MAGAZINE]" {
		t.Fatalf("policy versions: %v", versions)
	}
	if n, people := client.PolicyAcknowledgement.Query().CountX(ctx), client.Applicant.Query().CountX(ctx); n != (people+2)/3 {
		t.Errorf("%d acknowledgements of the policy change, want %d", n, (people+2)/3)
	}
	pv := versions[0]
	sum := sha256.Sum256(consent.PolicyText())
	if want := "sha256:" + hex.EncodeToString(sum[:]); pv.TextDigest != want || pv.Version != "2026-01" {
		t.Errorf("policy version %s %s, want 2026-01 %s", pv.Version, pv.TextDigest, want)
	}
	if len(pv.ChangedPurposes) != 7 {
		t.Errorf("changed purposes = %v, want all seven", pv.ChangedPurposes)
	}

	apps := client.Application.Query().WithJob().AllX(ctx)
	for _, a := range apps {
		if j := a.Edges.Job; j.Status != job.StatusPUBLISHED && (j.Status != job.StatusCLOSED || j.ClosedAt == nil || !j.ClosedAt.After(a.CreatedAt)) {
			t.Errorf("application %d is to a %s job (closed at %v)", a.ID, j.Status, j.ClosedAt)
		}
		// One answer per approved question (or the earlier wording it
		// retired), each to a question of the job, with its category.
		answers := a.QueryAnswers().WithQuestion().AllX(ctx)
		approved := a.Edges.Job.QueryQuestions().Where(question.StatusEQ(question.StatusAPPROVED)).CountX(ctx)
		if len(answers) != approved {
			t.Errorf("application %d has %d answers to %d approved questions", a.ID, len(answers), approved)
		}
		for _, an := range answers {
			q := an.Edges.Question
			if q.JobID != a.JobID || q.Category == nil || string(*q.Category) != string(an.Category) ||
				(q.Status != question.StatusAPPROVED && q.Status != question.StatusRETIRED) {
				t.Errorf("application %d answers question %d (%s, %v) as %s", a.ID, q.ID, q.Status, q.Category, an.Category)
			}
		}
		grant := client.Consent.Query().Where(
			entconsent.ApplicantID(a.ApplicantID),
			entconsent.EmployerID(a.Edges.Job.EmployerID),
			entconsent.PurposeEQ(entconsent.PurposeEMPLOYER_PROVISION),
			entconsent.Granted(true),
			entconsent.SourceEQ(entconsent.SourceAPPLICATION),
		).ExistX(ctx)
		if !grant {
			t.Errorf("application %d has no EMPLOYER_PROVISION grant", a.ID)
		}
	}
	if n := client.Consent.Query().Where(entconsent.RecordedAtLT(pv.EffectiveAt)).CountX(ctx); n > 0 {
		t.Errorf("%d consents recorded before their policy version took effect", n)
	}

	for _, r := range client.PrivacyRequest.Query().AllX(ctx) {
		if !r.DueAt.Equal(r.CreatedAt.AddDate(0, 0, 14)) {
			t.Errorf("request %d: due %v, created %v", r.ID, r.DueAt, r.CreatedAt)
		}
		switch r.Status {
		case privacyrequest.StatusCOMPLETED:
			if r.CompletedAt == nil || r.Handler == "" {
				t.Errorf("completed request %d lacks completedAt or handler", r.ID)
			}
		case privacyrequest.StatusREJECTED:
			if r.RejectionReason == "" {
				t.Errorf("rejected request %d lacks a reason", r.ID)
			}
		}
	}
}

// ageOn returns the age in whole years on day of someone born on birth.
func ageOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.YearDay() < birth.YearDay() {
		age--
	}
	return age
}

func TestSeedDemoDeterministic(t *testing.T) {
	type row struct {
		account, name, kana, email, prefecture, city, visa string
		birth                                              time.Time
	}
	type app struct {
		account, job string
		status       application.Status
		created      time.Time
	}
	snapshot := func(suffix string) ([]row, []app, int) {
		client := openSeedTestDB(t, suffix)
		ctx := seedTestContext(t)
		seedOrFail(t, client)
		var rows []row
		for _, a := range client.Applicant.Query().Order(ent.Asc(applicant.FieldAccountID)).AllX(ctx) {
			rows = append(rows, row{a.AccountID, a.Name, a.NameKana, a.Email, a.Prefecture, a.City, a.VisaStatus, a.BirthDate.UTC()})
		}
		var apps []app
		for _, a := range client.Application.Query().WithApplicant().WithJob().AllX(ctx) {
			apps = append(apps, app{a.Edges.Applicant.AccountID, a.Edges.Job.Title, a.Status, a.CreatedAt.UTC()})
		}
		slices.SortFunc(apps, func(x, y app) int {
			return cmp.Or(cmp.Compare(x.account, y.account), cmp.Compare(x.job, y.job))
		})
		return rows, apps, client.Consent.Query().CountX(ctx)
	}
	rowsA, appsA, consentsA := snapshot("-a")
	rowsB, appsB, consentsB := snapshot("-b")
	if len(rowsA) != 300 {
		t.Fatalf("got %d applicants, want 300", len(rowsA))
	}
	if !slices.Equal(rowsA, rowsB) {
		t.Error("two seeds gave different applicants")
	}
	if !slices.Equal(appsA, appsB) {
		t.Error("two seeds gave different applications")
	}
	if consentsA != consentsB {
		t.Errorf("two seeds gave %d and %d consents", consentsA, consentsB)
	}
}

// TestSeedDemoRollsBack makes the seed fail half-way (a trigger refuses
// the applications it writes after the employers and applicants) and
// checks that nothing of it was kept.
func TestSeedDemoRollsBack(t *testing.T) {
	client := openSeedTestDB(t, "")
	ctx := seedTestContext(t)
	db, err := sql.Open("sqlite3", "file:"+t.Name()+"?mode=memory&cache=shared&_fk=1")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TRIGGER refuse_applications BEFORE INSERT ON applications BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`); err != nil {
		t.Fatal(err)
	}

	seeded, err := Seed(t.Context(), client)
	if err == nil || seeded || !strings.Contains(err.Error(), "seeding demo applications") {
		t.Fatalf("Seed = %v, %v; want the applications' error", seeded, err)
	}
	for name, n := range map[string]int{
		"policy versions": client.PolicyVersion.Query().CountX(ctx),
		"applicants":      client.Applicant.Query().CountX(ctx),
		"employers":       client.Employer.Query().CountX(ctx),
		"applications":    client.Application.Query().CountX(ctx),
	} {
		if n != 0 {
			t.Errorf("%d %s left after a failed seed", n, name)
		}
	}
}

// TestSeedRefusesAUsedDatabase: a database that holds data, but not the
// demo's, is refused with ErrUsedDatabase naming what it holds, and left
// as it was; one the demo seeded is left alone, even once the demo
// applicant's account is gone.
func TestSeedRefusesAUsedDatabase(t *testing.T) {
	digest := "sha256:" + strings.Repeat("0", 64)
	tests := []struct {
		name  string
		fill  func(ctx context.Context, c *ent.Client)
		holds string
	}{
		{"a policy version published by a start", func(ctx context.Context, c *ent.Client) {
			c.PolicyVersion.Create().SetVersion("2026-01").SetEffectiveAt(time.Now()).SetTextDigest(digest).ExecX(ctx)
		}, "(it holds 1 policy version (2026-01))"},
		{"an applicant and two policy versions", func(ctx context.Context, c *ent.Client) {
			c.PolicyVersion.Create().SetVersion("2026-01").SetEffectiveAt(demoPolicyEffective).SetTextDigest(digest).ExecX(ctx)
			c.PolicyVersion.Create().SetVersion("2026-12").SetEffectiveAt(time.Now()).SetTextDigest(digest).ExecX(ctx)
			c.Applicant.Create().SetAccountID("someone").SetName("Someone").SetEmail("someone@example.com").ExecX(ctx)
		}, "(it holds 2 policy versions (2026-01, 2026-12), 1 applicant)"},
		{"an employer of its own", func(ctx context.Context, c *ent.Client) {
			c.Employer.Create().SetExternalID("acme").SetName("Acme").ExecX(ctx)
		}, "(it holds 1 employer)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := openSeedTestDB(t, "")
			ctx := seedTestContext(t)
			tt.fill(ctx, client)
			before := [3]int{client.PolicyVersion.Query().CountX(ctx), client.Employer.Query().CountX(ctx), client.Applicant.Query().CountX(ctx)}
			seeded, err := Seed(t.Context(), client)
			if !errors.Is(err, ErrUsedDatabase) || seeded || !strings.HasSuffix(err.Error(), tt.holds) {
				t.Fatalf("Seed = %v, %v; want ErrUsedDatabase ending %q", seeded, err, tt.holds)
			}
			after := [3]int{client.PolicyVersion.Query().CountX(ctx), client.Employer.Query().CountX(ctx), client.Applicant.Query().CountX(ctx)}
			if after != before {
				t.Errorf("counts after the refusal %v, want %v", after, before)
			}
		})
	}

	t.Run("the demo data, its applicant erased", func(t *testing.T) {
		client := openSeedTestDB(t, "")
		ctx := seedTestContext(t)
		seedOrFail(t, client)
		client.Applicant.Update().Where(applicant.AccountID(ApplicantAccount)).SetAccountID("tombstone").ExecX(ctx)
		if seeded, err := Seed(t.Context(), client); err != nil || seeded {
			t.Fatalf("Seed = %v, %v; want false, nil", seeded, err)
		}
	})
}

// TestSeedTablesCoverPrefectures checks that every prefecture has a city
// and every listed city belongs to a real prefecture.
func TestSeedTablesCoverPrefectures(t *testing.T) {
	for _, p := range validate.Prefectures {
		if _, ok := prefectureCapitals[p.Name]; !ok {
			t.Errorf("no capital for %s", p.Name)
		}
	}
	for name := range prefectureCities {
		if err := validate.PrefectureName(name); err != nil {
			t.Errorf("prefectureCities: %s: %v", name, err)
		}
	}
	for name := range prefectureWeights {
		if err := validate.PrefectureName(name); err != nil {
			t.Errorf("prefectureWeights: %s: %v", name, err)
		}
	}
	for _, v := range visaProfiles {
		if err := validate.VisaStatus(v.code); err != nil {
			t.Errorf("visa profile %s: %v", v.code, err)
		}
	}
}

// TestSeedDemoEndsOfProvision: the demo holds every case of the end of
// provision for the demo employer (rejections and hires on either side of
// the 30-day grace period) and jobs closed on either side of it with
// applications to them.
func TestSeedDemoEndsOfProvision(t *testing.T) {
	client := openSeedTestDB(t, "")
	ctx := seedTestContext(t)
	seedOrFail(t, client)
	grace := time.Now().AddDate(0, 0, -30)
	sakura := application.HasJobWith(job.HasEmployerWith(employer.ExternalID(EmployerOrg)))
	for _, c := range []struct {
		name   string
		status application.Status
		past   bool
	}{
		{"rejected, past the grace period", application.StatusREJECTED, true},
		{"rejected, in the grace period", application.StatusREJECTED, false},
		{"hired, past the grace period", application.StatusHIRED, true},
		{"hired, in the grace period", application.StatusHIRED, false},
	} {
		when := application.StatusChangedAtGT(grace)
		if c.past {
			when = application.StatusChangedAtLT(grace)
		}
		if !client.Application.Query().Where(sakura, application.StatusEQ(c.status), when).ExistX(ctx) {
			t.Errorf("%s: no application to %s", c.name, EmployerOrg)
		}
	}
	for _, past := range []bool{true, false} {
		when := job.ClosedAtGT(grace)
		if past {
			when = job.ClosedAtLT(grace)
		}
		if !client.Job.Query().Where(job.StatusEQ(job.StatusCLOSED), when, job.HasApplications()).ExistX(ctx) {
			t.Errorf("no job closed with applications (past the grace period: %v)", past)
		}
	}
}

// TestSeedDemoQuestions: the demo holds questions in every state of their
// review: approved with a category, pending, refused under each rule (the
// refusal naming what was asked for), and a rewording that retired an
// approved question whose answers stay with it.
func TestSeedDemoQuestions(t *testing.T) {
	client := openSeedTestDB(t, "")
	ctx := seedTestContext(t)
	seedOrFail(t, client)
	for _, s := range []question.Status{question.StatusAPPROVED, question.StatusPENDING, question.StatusREFUSED, question.StatusRETIRED} {
		if !client.Question.Query().Where(question.StatusEQ(s)).ExistX(ctx) {
			t.Errorf("no %s question", s)
		}
	}
	for _, r := range []question.RefusalRule{question.RefusalRuleSPECIAL_CARE_REQUIRED, question.RefusalRuleNOT_PROVIDABLE} {
		if !client.Question.Query().Where(question.RefusalRuleEQ(r), question.RefusalNoteNEQ("")).ExistX(ctx) {
			t.Errorf("no question refused as %s", r)
		}
	}
	for _, q := range client.Question.Query().AllX(ctx) {
		if q.Status == question.StatusAPPROVED || q.Status == question.StatusRETIRED {
			if err := consent.CheckQuestion(q.Text, consent.Category(*q.Category)); err != nil || q.ReviewedBy == q.AskedBy {
				t.Errorf("question %q approved: %v (asked by %s, reviewed by %s)", q.Text, err, q.AskedBy, q.ReviewedBy)
			}
		}
		if q.Status == question.StatusREFUSED {
			if rule, _, ok := consent.ScreenQuestion(q.Text); !ok || string(rule) != string(*q.RefusalRule) {
				t.Errorf("question %q refused as %v, the screen says %v", q.Text, q.RefusalRule, rule)
			}
		}
	}
	retired := client.Question.Query().Where(question.StatusEQ(question.StatusRETIRED)).OnlyX(ctx)
	rewording := retired.QueryRewording().OnlyX(ctx)
	if rewording.Status != question.StatusAPPROVED || rewording.Position != retired.Position || rewording.Text == retired.Text {
		t.Errorf("the retired question's rewording: %+v", rewording)
	}
	if n := retired.QueryAnswers().CountX(ctx); n == 0 {
		t.Error("no answer stays with the retired wording")
	}
	if n := rewording.QueryAnswers().CountX(ctx); n == 0 {
		t.Error("no answer to the rewording")
	}
	if client.Answer.Query().Where(answer.HasQuestionWith(question.StatusIn(question.StatusPENDING, question.StatusREFUSED))).ExistX(ctx) {
		t.Error("an answer to a question that never took effect")
	}
}
