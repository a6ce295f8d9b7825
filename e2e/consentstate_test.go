package e2e

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/intercept"
	"consentgate/ent/privacy"
	"consentgate/ent/rule"
	"consentgate/gateway"
	"consentgate/ledger"
	"consentgate/migrations"
)

// durableBackend is a database of the suite that outlives its clients,
// with its DSN: a SQLite file as deployed, or a PostgreSQL database of the
// test's own.
type durableBackend struct {
	name, dsn, driver string
	client            *ent.Client
}

// forEachDurableBackendDSN is forEachDurableBackend for tests that also
// reach the database behind the model's back (raw SQL) or run a command
// on it.
func forEachDurableBackendDSN(t *testing.T, f func(t *testing.T, b durableBackend)) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			d := durableBackend{name: b.name}
			if b.name == "sqlite" {
				d.dsn, d.driver = sqliteFileDSN(t), "sqlite3"
				d.client = openDSN(t, d.dsn)
			} else {
				d.client, d.dsn = openPostgresDSN(t, os.Getenv("CONSENTGATE_TEST_POSTGRES"))
				d.driver = "pgx"
			}
			f(t, d)
		})
	}
}

// exec runs one statement on the database directly, behind the model's back.
func (d durableBackend) exec(t *testing.T, query string) {
	t.Helper()
	db, err := sql.Open(d.driver, d.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

const aliceForAcme = `{ applications(first: 10) { totalCount edges { node { reason applicant { name phone } } } } }`

// TestConsentStateUnreadable: when the consent state cannot be read, the
// response carries no data, nothing is recorded as released, and the
// error is a retryable code; for every consent default (provision opt-in
// as shipped, opt-out in an edited policy, support's necessary purposes).
func TestConsentStateUnreadable(t *testing.T) {
	optOut := consent.DefaultPolicy()
	optOut.Purposes[consent.EmployerProvision] = consent.OptOut
	cases := []struct {
		name   string
		policy *consent.Policy
		viewer string
		query  string
	}{
		{"employer, provision opt-in", nil, "acme", aliceForAcme},
		{"employer, provision opt-out", optOut, "acme", aliceForAcme},
		{"support, necessary purposes", nil, "support", `{ privacyRequests { edges { node { applicant { name email } } } } }`},
	}
	injected := errors.New("injected: consent state unreadable")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, client *ent.Client) {
				f := newFixture(t, client)
				if c.policy != nil {
					f.handler = testGateway(client, nil, func(g *gateway.Gateway) { g.Policy = c.policy })
				}
				sys := privacy.DecisionContext(context.Background(), privacy.Allow)
				subject := "alice"
				if c.viewer == "support" {
					subject = "dave"
				}
				before := f.post(t, as(c.viewer), c.query, nil)
				if !strings.Contains(before.Raw, canary(subject, "name")) {
					t.Fatalf("the state readable, %s should see %s's name: %s", c.viewer, subject, before.Raw)
				}
				records := client.AccessRecord.Query().CountX(sys)
				client.ConsentState.Intercept(intercept.Func(func(context.Context, intercept.Query) error { return injected }))
				r := f.post(t, as(c.viewer), c.query, nil)
				if r.Data != nil || errorCode(r) != "UNAVAILABLE" {
					t.Fatalf("state unreadable: want no data and UNAVAILABLE, got %s", r.Raw)
				}
				for value := range canaries(subject) {
					if strings.Contains(r.Raw, value) {
						t.Fatalf("released %q with the state unreadable: %s", value, r.Raw)
					}
				}
				if strings.Contains(r.Raw, "injected") {
					t.Fatalf("the cause reached the client: %s", r.Raw)
				}
				if n := client.AccessRecord.Query().CountX(sys); n != records {
					t.Fatalf("%d access records written for a response that released nothing", n-records)
				}
			})
		})
	}
}

// TestConsentStateFilledOnStart: a database from before the state was
// kept (its ledger, no state table, and, as it was created by automatic
// migration, no record of versioned migrations) is refused at start with
// the command to run; `migrate -baseline` adds the table, and the next
// start fills the state from the ledger, once; then verify passes and the
// row rules decide as before.
func TestConsentStateFilledOnStart(t *testing.T) {
	forEachDurableBackendDSN(t, func(t *testing.T, d durableBackend) {
		f := newFixture(t, d.client)
		f.grant(t, "alice", "EMPLOYER_PROVISION", nil, "", false) // a global withdrawal: alice leaves acme
		f.grant(t, "bob", "EMPLOYER_PROVISION", nil, "FAMILY", false)
		want := map[string]string{}
		for _, v := range []string{"acme", "globex"} {
			want[v] = f.post(t, as(v), aliceForAcme, nil).Raw
		}
		d.exec(t, "DROP TABLE consent_states")
		d.exec(t, "DROP TABLE schema_revisions")
		if _, err := gateway.OpenDatabase(context.Background(), d.dsn, 0, false); !errors.Is(err, migrations.ErrUnversioned) ||
			!strings.Contains(err.Error(), "go run ./server migrate -baseline") {
			t.Fatalf("start on an unversioned database: %v", err)
		}
		if _, err := gateway.OpenDatabase(context.Background(), d.dsn, 0, true); !errors.Is(err, migrations.ErrUnversioned) {
			t.Fatalf("-demo's migration of an unversioned database: %v", err)
		}
		if out, err := command(t, "migrate", "-db", d.dsn, "-baseline"); err != nil || !strings.Contains(out, "baselined") {
			t.Fatalf("migrate -baseline: %v\n%s", err, out)
		}
		reopened, err := gateway.OpenDatabase(context.Background(), d.dsn, 0, false)
		if err != nil {
			t.Fatal(err)
		}
		defer reopened.Close()
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		lines := reopened.ConsentState.Query().CountX(sys)
		if lines == 0 {
			t.Fatal("the state was not filled from the ledger")
		}
		if diffs, err := ledger.Verify(context.Background(), reopened); err != nil || len(diffs) > 0 {
			t.Fatalf("verify after the fill: %v %v", err, diffs)
		}
		f.handler = testGateway(reopened, nil, nil)
		for v, w := range want {
			if got := f.post(t, as(v), aliceForAcme, nil).Raw; got != w {
				t.Errorf("%s after the fill:\n%s\nbefore:\n%s", v, got, w)
			}
		}
		// Once: a second start finds the state kept and leaves it alone.
		if filled, err := ledger.Fill(context.Background(), reopened); err != nil || filled {
			t.Fatalf("second fill: %v %v", filled, err)
		}
	})
}

// TestLedgerOrderIsTheDatabases: the ledger's order is the order of its
// appends, not the time a replica stamps. A replica whose clock is an hour
// behind appends a withdrawal from acme after another replica's grant
// (alice applied to acme): the withdrawal wins, on every path, at once.
func TestLedgerOrderIsTheDatabases(t *testing.T) {
	forEachDurableBackendDSN(t, func(t *testing.T, d durableBackend) {
		f := newFixture(t, d.client)
		if r := f.post(t, as("acme"), aliceForAcme, nil); !strings.Contains(r.Raw, canary("alice", "name")) {
			t.Fatalf("acme should reach alice first: %s", r.Raw)
		}
		// The second replica: another client on the same database, its
		// clock an hour behind the first's.
		behind, err := gateway.OpenDatabase(context.Background(), d.dsn, 0, true)
		if err != nil {
			t.Fatal(err)
		}
		defer behind.Close()
		skewed := time.Now().Add(-time.Hour)
		inTx(t, behind, func(client *ent.Client) {
			client.Consent.Create().SetApplicant(f.applicants["alice"]).SetPurpose(entconsent.PurposeEMPLOYER_PROVISION).
				SetEmployer(f.employers["acme"]).SetGranted(false).SetSource(entconsent.SourceAPPLICANT).SetRecordedAt(skewed).SetPolicyVersion(f.policy).
				SaveX(privacy.DecisionContext(context.Background(), privacy.Allow))
		})
		for _, p := range accessPaths {
			if p.query == "" {
				continue
			}
			r := f.post(t, as("acme"), strings.ReplaceAll(strings.ReplaceAll(p.query, "...P", "name phone"), "...A", "reason applicant { name }"),
				map[string]any{"ids": []string{fmt.Sprint(f.applicants["alice"].ID), fmt.Sprint(f.apps["alice"].ID)}})
			for value := range canaries("alice") {
				if strings.Contains(r.Raw, value) {
					t.Fatalf("%s: released %q after the skewed replica's withdrawal: %s", p.name, value, r.Raw)
				}
			}
		}
	})
}

// TestConsentStateRace: applicants' global withdrawals and grants,
// withholdings, and re-applications race through the API; afterwards the
// state is exactly the fold of the ledger (verify), and what acme reaches
// is what the ledger's last applicable entries say.
func TestConsentStateRace(t *testing.T) {
	forEachBackendAsDeployed(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		job := fmt.Sprint(f.jobs["acme"].ID)
		people := []string{"alice", "bob", "dave"}
		ops := []struct {
			query string
			vars  map[string]any
		}{
			{`mutation { changeConsent(input: {purpose: EMPLOYER_PROVISION, granted: false}) { id } }`, nil},
			{`mutation { changeConsent(input: {purpose: EMPLOYER_PROVISION, granted: true}) { id } }`, nil},
			{`mutation($e: ID!) { changeConsent(input: {purpose: EMPLOYER_PROVISION, granted: false, employerID: $e}) { id } }`,
				map[string]any{"e": fmt.Sprint(f.employers["acme"].ID)}},
			{`mutation { changeConsent(input: {purpose: EMPLOYER_PROVISION, category: FAMILY, granted: false}) { id } }`, nil},
			{`mutation($e: ID!) { changeConsent(input: {purpose: EMPLOYER_PROVISION, category: FAMILY, granted: true, employerID: $e}) { id } }`,
				map[string]any{"e": fmt.Sprint(f.employers["acme"].ID)}},
			{`mutation($j: ID!, $a: [AnswerInput!]) { applyToJob(input: {jobID: $j, reason: "again"}, answers: $a) { id } }`,
				map[string]any{"j": job, "a": f.answerInputs("acme", "a")}},
		}
		var wg sync.WaitGroup
		var done atomic.Int64
		for w := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(w), 7))
				for range 15 {
					op := ops[rng.IntN(len(ops))]
					who := people[rng.IntN(len(people))]
					r := f.post(t, &consent.Viewer{Account: who, Role: consent.Applicant}, op.query, op.vars)
					switch code := errorCode(r); code {
					case "":
						done.Add(1)
					case "CONFLICT", "BAD_USER_INPUT":
					default:
						t.Errorf("unexpected response: %s", r.Raw)
					}
				}
			}()
		}
		wg.Wait()
		if n := done.Load(); n < 45 {
			t.Fatalf("only %d of 90 changes went through: the race raced nothing", n)
		}
		t.Logf("%d of 90 changes went through", done.Load())
		if diffs, err := ledger.Verify(context.Background(), client); err != nil || len(diffs) > 0 {
			t.Fatalf("after the race: %v %v", err, diffs)
		}
		// What acme reaches, against the ledger read in its order.
		ledgerRows := client.Consent.Query().Where(entconsent.PurposeEQ(entconsent.PurposeEMPLOYER_PROVISION), entconsent.WithheldCategoryIsNil()).
			Order(ent.Asc(entconsent.FieldID)).AllX(sys)
		r := f.post(t, as("acme"), `{ applicants(first: 100) { edges { node { name } } } }`, nil)
		for _, p := range people {
			live := client.Application.Query().Where(application.ApplicantID(f.applicants[p].ID), application.JobID(f.jobs["acme"].ID),
				application.StatusNEQ(application.StatusWITHDRAWN)).ExistX(sys)
			granted := false
			for _, c := range ledgerRows {
				if c.ApplicantID == f.applicants[p].ID && (c.EmployerID == nil || *c.EmployerID == f.employers["acme"].ID) {
					granted = c.Granted
				}
			}
			if got := strings.Contains(r.Raw, canary(p, "name")); got != (live && granted) {
				t.Errorf("%s: acme reaches %v; live application %v, the ledger's last applicable entry grants %v", p, got, live, granted)
			}
		}
	})
}

// TestEmployerRowsResolvedOrNot: the row rules give an employer the same
// rows whether the gateway resolved its organisation's id for the request
// (as the field guard does) or the rules look it up themselves (any other
// caller of the model), in every scope case of the fixture.
func TestEmployerRowsResolvedOrNot(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		f.grant(t, "alice", "EMPLOYER_PROVISION", nil, "", false)                // alice leaves every employer,
		f.grant(t, "bob", "EMPLOYER_PROVISION", nil, "", false)                  // so does bob,
		f.grant(t, "bob", "EMPLOYER_PROVISION", f.employers["globex"], "", true) // then provides to globex again
		engine := consent.NewEngine(consent.DefaultPolicy())
		for _, name := range []string{"acme", "globex", "unknownorg"} {
			v := *as(name)
			plain := consent.WithEngine(viewerContext(v), engine)
			resolvedID, jobs := -1, []int{}
			if e, ok := f.employers[v.Org]; ok {
				resolvedID = e.ID
				jobs = e.QueryJobs().IDsX(privacy.DecisionContext(context.Background(), privacy.Allow))
			}
			// Not resolved, the employer resolved, and its jobs too.
			for _, ctx := range []context.Context{plain, rule.WithEmployerID(plain, v.Org, resolvedID, nil),
				rule.WithEmployerID(plain, v.Org, resolvedID, jobs)} {
				applicants := client.Applicant.Query().Order(ent.Asc("id")).IDsX(ctx)
				apps := client.Application.Query().Order(ent.Asc("id")).IDsX(ctx)
				want := map[string][2]int{"acme": {0, 0}, "globex": {1, 1}, "unknownorg": {0, 0}}[name]
				if len(applicants) != want[0] || len(apps) != want[1] {
					t.Errorf("%s: %d applicants and %d applications, want %v", name, len(applicants), len(apps), want)
				}
			}
		}
	})
}

// TestDatabasePoolIsBounded: the gateway's PostgreSQL connection pool
// holds at most the configured number of connections (it was unbounded:
// under load it opened connections until the server refused them): with
// all of them held by open transactions, one more waits. (SQLite's
// transactions take the write lock up front, so there a second one waits
// anyway.)
func TestDatabasePoolIsBounded(t *testing.T) {
	forEachDurableBackendDSN(t, func(t *testing.T, d durableBackend) {
		if d.name == "sqlite" {
			t.Skip("SQLite serialises transactions by its write lock")
		}
		client, err := gateway.OpenDatabase(context.Background(), d.dsn, 3, true)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		var held []*ent.Tx
		defer func() {
			for _, tx := range held {
				_ = tx.Rollback()
			}
		}()
		for range 3 {
			// A read in each, so that each holds its own connection.
			tx, err := client.BeginTx(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, tx)
			tx.Employer.Query().CountX(privacy.DecisionContext(context.Background(), privacy.Allow))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		if tx, err := client.BeginTx(ctx, nil); err == nil {
			_ = tx.Rollback()
			t.Fatal("a fourth connection was opened past a pool of 3")
		}
	})
}

// TestConsentVerifyCommand: `consent verify` passes on a database whose
// state the hooks kept, reports (exit 1) a state line altered behind their
// back, and -repair rebuilds it from the ledger.
func TestConsentVerifyCommand(t *testing.T) {
	forEachDurableBackendDSN(t, func(t *testing.T, d durableBackend) {
		f := newFixture(t, d.client)
		verify := func(args ...string) (string, error) {
			return command(t, append([]string{"consent", "verify", "-db", d.dsn}, args...)...)
		}
		if out, err := verify(); err != nil || !strings.Contains(out, "in step") {
			t.Fatalf("verify on a kept state: %v\n%s", err, out)
		}
		// acme reaches alice; flip her provision line behind the hooks' back.
		alice := f.applicants["alice"].ID
		d.exec(t, fmt.Sprintf(`UPDATE consent_states SET granted = NOT granted
			WHERE applicant_id = %d AND purpose = 'EMPLOYER_PROVISION' AND category = '' AND recipient_id = %d`, alice, f.employers["acme"].ID))
		if r := f.post(t, as("acme"), aliceForAcme, nil); strings.Contains(r.Raw, canary("alice", "name")) {
			t.Fatalf("the altered state still provides alice: %s", r.Raw)
		}
		out, err := verify()
		if err == nil || !strings.Contains(err.Error(), "exit status 1: consentgate: the consent state differs from the ledger") {
			t.Fatalf("verify on an altered state: %v\n%s", err, out)
		}
		want := fmt.Sprintf("applicant %d, EMPLOYER_PROVISION, recipient %d, category \"\": stored entry", alice, f.employers["acme"].ID)
		if !strings.Contains(out, want) || !strings.Contains(out, "withdrawn, derived from the ledger entry") || strings.Count(out, "\n") != 1 {
			t.Fatalf("verify should name the one altered line:\n%s", out)
		}
		if out, err := verify("-repair"); err != nil || !strings.Contains(out, "rebuilt") {
			t.Fatalf("verify -repair: %v\n%s", err, out)
		}
		if out, err := verify(); err != nil {
			t.Fatalf("verify after repair: %v\n%s", err, out)
		}
		if r := f.post(t, as("acme"), aliceForAcme, nil); !strings.Contains(r.Raw, canary("alice", "name")) {
			t.Fatalf("the repaired state does not provide alice: %s", r.Raw)
		}
		if _, err := command(t, "consent", "check"); err == nil {
			t.Fatal("an unknown consent subcommand passed")
		}
	})
}
