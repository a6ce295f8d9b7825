package rule_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/enttest"
	"consentgate/ent/job"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
	_ "consentgate/ent/runtime"
)

// The world of the examples: two employers, Acme (two jobs) and Sakura
// (one), and three applicants: alice applied to Acme, bob to Sakura, carol
// to both.

// must is the testing.T of an example: a failure panics.
type must struct{}

func (must) Error(args ...any) { panic(fmt.Sprint(args...)) }
func (must) FailNow()          {}

func check(err error) {
	if err != nil {
		panic(err)
	}
}

type world struct {
	client *ent.Client
	ctx    context.Context // with the consent engine, as the gateway's requests carry it
	sys    context.Context // a trusted job's
	jobs   map[string]*ent.Job
}

func newWorld(name string) *world {
	client := enttest.Open(must{}, "sqlite3", "file:rule-"+name+"?mode=memory&cache=shared&_fk=1")
	ctx := consent.WithEngine(context.Background(), consent.NewEngine(consent.DefaultPolicy()))
	w := &world{client: client, ctx: ctx, sys: privacy.DecisionContext(ctx, privacy.Allow), jobs: map[string]*ent.Job{}}
	check(client.PolicyVersion.Create().SetVersion("2026-01").SetEffectiveAt(time.Now().Add(-24 * time.Hour)).
		SetTextDigest("sha256:" + strings.Repeat("0", 64)).Exec(w.sys))
	employers := map[string]*ent.Employer{
		"acme":   client.Employer.Create().SetExternalID("acme").SetName("Acme K.K.").SetPrefecture("Tokyo").SaveX(w.sys),
		"sakura": client.Employer.Create().SetExternalID("sakura").SetName("Sakura K.K.").SetPrefecture("Tokyo").SaveX(w.sys),
	}
	for key, org := range map[string]string{"acme": "acme", "acme2": "acme", "sakura": "sakura"} {
		w.jobs[key] = client.Job.Create().SetEmployer(employers[org]).SetTitle("Engineer (" + key + ")").
			SetDescription("Build things.").SetPrefecture("Tokyo").SetField("Software").
			SetEmploymentType(job.EmploymentTypeFULL_TIME).SetSalaryMin(4_000_000).SetSalaryMax(6_000_000).
			SetStatus(job.StatusPUBLISHED).SaveX(w.sys)
	}
	for _, name := range []string{"alice", "bob", "carol"} {
		client.Applicant.Create().SetAccountID(name).SetName(name).SetEmail(name + "@example.jp").SaveX(w.sys)
	}
	w.apply("alice", "acme")
	w.apply("bob", "sakura")
	w.apply("carol", "acme")
	w.apply("carol", "sakura")
	return w
}

func (w *world) close() { w.client.Close() }

func as(account string, role consent.Role, org string) consent.Viewer {
	return consent.Viewer{Account: account, Role: role, Org: org}
}

var (
	acme    = as("rec-acme", consent.Employer, "acme")
	sakura  = as("rec-sakura", consent.Employer, "sakura")
	support = as("support-1", consent.Support, "")
)

func applicantOf(name string) consent.Viewer { return as(name, consent.Applicant, "") }

// inTx runs f as v in a transaction, committed if f returns: the ledger is
// written (applying, changing a consent) only inside one.
func (w *world) inTx(v consent.Viewer, f func(ctx context.Context, tx *ent.Client)) {
	tx, err := w.client.Tx(w.ctx)
	check(err)
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	f(consent.NewContext(w.ctx, v), tx.Client())
	check(tx.Commit())
}

func (w *world) self(ctx context.Context, tx *ent.Client, name string) *ent.Applicant {
	return tx.Applicant.Query().Where(applicant.AccountID(name)).OnlyX(ctx)
}

// apply has name apply to the job, as they do through applyToJob.
func (w *world) apply(name, jobKey string) {
	w.inTx(applicantOf(name), func(ctx context.Context, tx *ent.Client) {
		tx.Application.Create().SetApplicant(w.self(ctx, tx, name)).SetJob(w.jobs[jobKey]).SaveX(ctx)
	})
}

// withdrawApplication has name withdraw their application to the job.
func (w *world) withdrawApplication(name, jobKey string) {
	w.inTx(applicantOf(name), func(ctx context.Context, tx *ent.Client) {
		app := tx.Application.Query().Where(application.HasApplicantWith(applicant.AccountID(name)),
			application.JobID(w.jobs[jobKey].ID)).OnlyX(ctx)
		tx.Application.UpdateOne(app).SetStatus(application.StatusWITHDRAWN).ExecX(ctx)
	})
}

// withdrawProvision has name withdraw provision to every employer, as
// changeConsent(purpose: EMPLOYER_PROVISION, granted: false) with no
// employer does.
func (w *world) withdrawProvision(name string) {
	w.inTx(applicantOf(name), func(ctx context.Context, tx *ent.Client) {
		tx.Consent.Create().SetApplicant(w.self(ctx, tx, name)).SetPurpose(entconsent.PurposeEMPLOYER_PROVISION).
			SetGranted(false).SetSource(entconsent.SourceAPPLICANT).ExecX(ctx)
	})
}

// reached returns the names of the applicants v reaches.
func (w *world) reached(v consent.Viewer) []string {
	return w.client.Applicant.Query().Order(ent.Asc(applicant.FieldID)).Select(applicant.FieldName).
		StringsX(consent.NewContext(w.ctx, v))
}

// An employer reaches the applicants with a live application to one of its
// jobs and a live provision consent for it; a global withdrawal of
// provision ends it, applying again gives it anew, to that employer only.
func Example_employer() {
	w := newWorld("employer")
	defer w.close()

	fmt.Println("after applying: acme", w.reached(acme), "sakura", w.reached(sakura))
	w.withdrawProvision("carol")
	fmt.Println("carol withdraws provision to everyone: acme", w.reached(acme), "sakura", w.reached(sakura))
	w.apply("carol", "acme2")
	fmt.Println("carol applies to another acme job: acme", w.reached(acme), "sakura", w.reached(sakura))
	w.withdrawApplication("alice", "acme")
	fmt.Println("alice withdraws her application: acme", w.reached(acme))
	// Output:
	// after applying: acme [alice carol] sakura [bob carol]
	// carol withdraws provision to everyone: acme [alice] sakura [bob]
	// carol applies to another acme job: acme [alice carol] sakura [bob]
	// alice withdraws her application: acme [carol]
}

// An applicant reaches themself only.
func Example_applicant() {
	w := newWorld("applicant")
	defer w.close()

	fmt.Println("alice:", w.reached(applicantOf("alice")))
	fmt.Println("dave, with no profile:", w.reached(applicantOf("dave")))
	fmt.Println("nobody:", w.reached(consent.Viewer{}))
	// Output:
	// alice: [alice]
	// dave, with no profile: []
	// nobody: []
}

// Support reaches the subjects of an open privacy request, while it is
// open.
func Example_support() {
	w := newWorld("support")
	defer w.close()

	fmt.Println("no request:", w.reached(support))
	var req *ent.PrivacyRequest
	w.inTx(applicantOf("bob"), func(ctx context.Context, tx *ent.Client) {
		req = tx.PrivacyRequest.Create().SetApplicant(w.self(ctx, tx, "bob")).SetKind(privacyrequest.KindDISCLOSURE).
			SetDueAt(time.Now().Add(30 * 24 * time.Hour)).SaveX(ctx)
	})
	fmt.Println("bob files a request:", w.reached(support))
	w.inTx(support, func(ctx context.Context, tx *ent.Client) {
		tx.PrivacyRequest.UpdateOne(req).SetStatus(privacyrequest.StatusREJECTED).SetHandler(support.Account).
			SetRejectionReason("filed twice").ExecX(ctx)
	})
	fmt.Println("support rejects it:", w.reached(support))
	fmt.Println("sakura, all along:", w.reached(sakura))
	// Output:
	// no request: []
	// bob files a request: [bob]
	// support rejects it: []
	// sakura, all along: [bob carol]
}
