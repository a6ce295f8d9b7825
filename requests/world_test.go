package requests_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/application"
	"consentgate/ent/enttest"
	"consentgate/ent/hooks"
	"consentgate/ent/job"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
	_ "consentgate/ent/runtime"
	"consentgate/records"
)

// The world of the examples: one employer (Sakura Technologies) with one
// job, and alice, who applied to it and whose data Sakura's recruiter saw
// twice. Each example opens a world of its own, in memory.

var (
	aliceViewer   = consent.Viewer{Account: "alice", Role: consent.Applicant}
	supportViewer = consent.Viewer{Account: "support-1", Role: consent.Support}
	sakuraViewer  = consent.Viewer{Account: "rec-sakura", Role: consent.Employer, Org: "sakura-tech"}
)

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
	sys    context.Context // a trusted job's: every row rule allows
	alice  *ent.Applicant
	sakura *ent.Employer
	job    *ent.Job
}

var worlds atomic.Int64

func newWorld() *world {
	dsn := fmt.Sprintf("file:requests-example-%d?mode=memory&cache=shared&_fk=1", worlds.Add(1))
	client := enttest.Open(must{}, "sqlite3", dsn)
	sealer, err := records.NewSealer(bytes.Repeat([]byte{7}, records.KeySize))
	check(err)
	ctx := records.WithSealer(consent.WithEngine(context.Background(), consent.NewEngine(consent.DefaultPolicy())), sealer)
	w := &world{client: client, ctx: ctx, sys: privacy.DecisionContext(ctx, privacy.Allow)}

	_, err = client.PolicyVersion.Create().SetVersion("2026-01").SetEffectiveAt(time.Now().Add(-24 * time.Hour)).
		SetTextDigest("sha256:" + strings.Repeat("0", 64)).Save(w.sys)
	check(err)
	w.sakura, err = client.Employer.Create().SetExternalID("sakura-tech").SetName("Sakura Technologies K.K.").
		SetPrefecture("Tokyo").Save(w.sys)
	check(err)
	w.job, err = client.Job.Create().SetEmployer(w.sakura).SetTitle("Backend engineer (Go)").
		SetDescription("Build our matching platform.").SetPrefecture("Tokyo").SetField("Software").
		SetEmploymentType(job.EmploymentTypeFULL_TIME).SetSalaryMin(4_000_000).SetSalaryMax(6_500_000).
		SetStatus(job.StatusPUBLISHED).Save(w.sys)
	check(err)
	w.alice, err = client.Applicant.Create().SetAccountID("alice").SetName("Alice Tanaka").
		SetEmail("alice@example.jp").SetPrefecture("Tokyo").SetCity("Shibuya").SetBuilding("Sakura Heights 101").
		SetPostalCode("150-0001").SetSkills([]string{"Go"}).Save(w.sys)
	check(err)

	// Applying appends the provision grant to the ledger: in a transaction.
	w.inTx(func(tx *ent.Client) {
		_, err := tx.Application.Create().SetApplicant(w.alice).SetJob(w.job).SetReason("I like Go.").
			Save(consent.NewContext(w.ctx, aliceViewer))
		check(err)
	})
	// What the gateway records when Sakura's recruiter reads alice's name
	// and email (and, once, her email only).
	for _, categories := range [][]string{{"NAME", "EMAIL"}, {"EMAIL"}} {
		check(client.AccessRecord.Create().SetAt(time.Now()).SetRequestID("req-1").SetViewerAccount(sakuraViewer.Account).
			SetViewerRole(string(consent.Employer)).SetViewerOrg("sakura-tech").SetPurpose(string(consent.EmployerProvision)).
			SetSubjectID(w.alice.ID).SetSubjectRef("ref-alice").SetCategories(categories).SetDecision("PLAIN").Exec(w.sys))
	}
	return w
}

func (w *world) close() { w.client.Close() }

// inTx runs f in a transaction, committed if f returns.
func (w *world) inTx(f func(tx *ent.Client)) {
	tx, err := w.client.Tx(w.ctx)
	check(err)
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	f(tx.Client())
	check(tx.Commit())
}

// file files alice's request of kind, proposing changes if any.
func (w *world) file(kind privacyrequest.Kind, changes *ent.UpdateApplicantInput) (*ent.PrivacyRequest, error) {
	create := w.client.PrivacyRequest.Create().SetApplicant(w.alice).SetKind(kind).SetDueAt(time.Now().Add(30 * 24 * time.Hour))
	if changes != nil {
		raw, err := hooks.EncodeProfileChanges(*changes)
		check(err)
		create.SetProposedChanges(raw)
	}
	return create.Save(consent.NewContext(w.ctx, aliceViewer))
}

// complete files alice's request of kind, and support takes it in hand and
// completes it, as handlePrivacyRequest does: in a transaction. It returns
// the request's stored result, decoded into R.
func complete[R any](w *world, kind privacyrequest.Kind, changes *ent.UpdateApplicantInput) *R {
	var result R
	check(json.Unmarshal(w.complete(kind, changes), &result))
	return &result
}

// complete files alice's request of kind and has support complete it,
// returning its stored result.
func (w *world) complete(kind privacyrequest.Kind, changes *ent.UpdateApplicantInput) json.RawMessage {
	req, err := w.file(kind, changes)
	check(err)
	support := consent.NewContext(w.ctx, supportViewer)
	for _, s := range []privacyrequest.Status{privacyrequest.StatusIN_PROGRESS, privacyrequest.StatusCOMPLETED} {
		w.inTx(func(tx *ent.Client) {
			req, err = tx.PrivacyRequest.UpdateOneID(req.ID).SetStatus(s).SetHandler(supportViewer.Account).Save(support)
			check(err)
		})
	}
	return req.Result
}

// reached returns the names of the applicants v reaches (the row rules).
func (w *world) reached(v consent.Viewer) []string {
	names, err := w.client.Applicant.Query().Select("name").Strings(consent.NewContext(w.ctx, v))
	check(err)
	return names
}

// applicationStatus returns the status of alice's application.
func (w *world) applicationStatus() application.Status {
	app, err := w.client.Application.Query().Only(w.sys)
	check(err)
	return app.Status
}
