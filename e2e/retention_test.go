package e2e

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	"consentgate/ent/budgetspend"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/privacy"
	"consentgate/ent/retentionaction"
	"consentgate/gateway"
	"consentgate/records"
	"consentgate/retention"
)

// retentionWorld is the fixture with retention to do, at a clock past
// every default period (3 years and a day after the fixture): alice and
// dave inactive since the fixture (alice has a live application, dave an
// open request), bob active (his profile changed a day before the sweep),
// carol active (a consent entry a day before); alice's application (once
// her erasure withdraws it) and carol's (withdrawn) closed for longer than
// 6 months, bob's live; every access record older than 3 years but the
// head; one budget spend of 31 days, one of an hour.
type retentionWorld struct {
	*fixture
	now time.Time
}

func newRetentionWorld(t *testing.T, client *ent.Client) *retentionWorld {
	t.Helper()
	f := newFixture(t, client)
	sys := privacy.DecisionContext(context.Background(), privacy.Allow)
	now := time.Now().UTC().AddDate(3, 0, 2)
	// Traffic: access records, self-access among them.
	for _, v := range []string{"acme", "alice", "compliance", "support"} {
		f.post(t, as(v), `{ applicants { edges { node { name email } } } }`, nil)
	}
	f.post(t, as("alice"), `{ me { name } }`, nil)
	client.Applicant.UpdateOne(f.applicants["bob"]).SetUpdatedAt(now.AddDate(0, 0, -1)).ExecX(sys)
	inTx(t, client, func(client *ent.Client) {
		client.Consent.Create().SetApplicant(f.applicants["carol"]).SetPurpose("MAIL_MAGAZINE").SetGranted(true).
			SetSource("APPLICANT").SetRecordedAt(now.AddDate(0, 0, -1)).SetPolicyVersion(f.policy).ExecX(sys)
	})
	client.BudgetSpend.Create().SetAccount("analyst-1").SetPurpose("ANALYTICS").SetEpsilon(1).SetSpentAt(now.AddDate(0, 0, -31)).ExecX(sys)
	client.BudgetSpend.Create().SetAccount("analyst-1").SetPurpose("ANALYTICS").SetEpsilon(1).SetSpentAt(now.Add(-time.Hour)).ExecX(sys)
	return &retentionWorld{fixture: f, now: now}
}

func (w *retentionWorld) sweeper(client *ent.Client) *retention.Sweeper {
	return &retention.Sweeper{Client: client, Engine: consent.NewEngine(consent.DefaultPolicy()), Now: func() time.Time { return w.now }, Replica: "test"}
}

// sweepCounts returns a report's count per kind.
func sweepCounts(rep *retention.Report) map[consent.RetentionKind]int {
	out := map[consent.RetentionKind]int{}
	for _, r := range rep.Rules {
		out[r.Kind] = r.Count
	}
	return out
}

// TestRetentionSweep: a sweep at the end of the periods erases the
// inactive accounts (as a DELETION does: no role and no path shows their
// data, the database holds none of it), the applications closed long
// enough, the access records past three years (and `records verify`
// still passes, from the purge's checkpoint) and the old budget spends;
// keeps the active accounts and the live application; records what it
// did under which rule, with no personal value; a dry run before it
// reports the same counts and changes nothing; a second sweep finds
// nothing to do.
func TestRetentionSweep(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		w := newRetentionWorld(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		if !strings.Contains(w.post(t, as("support"), `{ applicants { edges { node { name } } } }`, nil).Raw, canary("dave", "name")) {
			t.Fatalf("support does not reach dave before the sweep")
		}
		recordsBefore := client.AccessRecord.Query().CountX(sys)
		want := map[consent.RetentionKind]int{consent.InactiveAccounts: 2, consent.ClosedApplications: 2,
			consent.ConsentLedger: 0, consent.AccessRecords: recordsBefore - 1, consent.BudgetSpends: 1}

		s := w.sweeper(client)
		s.Metrics = retention.NewMetrics()
		metrics := testGatewayHandlers(client, nil, func(gw *gateway.Gateway) { gw.Collectors = append(gw.Collectors, s.Metrics) }).Metrics
		dry, err := s.Sweep(context.Background(), true)
		if err != nil {
			t.Fatal(err)
		}
		// A dry run counts what is due now: not alice's application, which
		// only her erasure (rolled back) closes.
		wantDry := maps.Clone(want)
		wantDry[consent.ClosedApplications] = 1
		if got := sweepCounts(dry); fmt.Sprint(got) != fmt.Sprint(wantDry) {
			t.Errorf("dry run: %v, want %v", got, wantDry)
		}
		if n := client.RetentionAction.Query().CountX(sys); n != 0 || client.Applicant.Query().Where(applicant.ErasedAtNotNil()).ExistX(sys) ||
			client.AccessRecord.Query().CountX(sys) != recordsBefore {
			t.Fatalf("the dry run changed something: %d actions", n)
		}

		rep, err := s.Sweep(context.Background(), false)
		if err != nil {
			t.Fatal(err)
		}
		if got := sweepCounts(rep); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sweep: %v, want %v", got, want)
		}

		// Counted at /metrics, by kind and action (a dry run not).
		m := metricsOf(t, metrics)
		for _, line := range []string{
			`consentgate_retention_rows_total{action="ERASE",kind="INACTIVE_ACCOUNTS"} 2`,
			`consentgate_retention_rows_total{action="ERASE",kind="CLOSED_APPLICATIONS"} 2`,
			fmt.Sprintf(`consentgate_retention_rows_total{action="ERASE",kind="ACCESS_RECORDS"} %d`, recordsBefore-1),
		} {
			if !strings.Contains(m, line+"\n") {
				t.Errorf("/metrics lacks %s", line)
			}
		}

		actions := client.RetentionAction.Query().CountX(sys)
		// Idempotent: a second sweep finds nothing to do.
		again, err := s.Sweep(context.Background(), false)
		if err != nil || again.Total() != 0 || client.RetentionAction.Query().CountX(sys) != actions {
			t.Errorf("a second sweep: %+v, %v", again, err)
		}

		// Erased: alice and dave, as a DELETION erases; no role, no path.
		for _, acc := range []string{"alice", "dave"} {
			a := client.Applicant.GetX(sys, w.applicants[acc].ID)
			if a.ErasedAt == nil || !a.ErasedAt.Equal(w.now.Truncate(time.Microsecond)) || a.Name != "[erased]" || a.City != "" {
				t.Errorf("%s after the sweep: %+v", acc, a)
			}
		}
		for _, acc := range []string{"bob", "carol"} {
			if a := client.Applicant.GetX(sys, w.applicants[acc].ID); a.ErasedAt != nil || a.Name != canary(acc, "name") {
				t.Errorf("%s (active) was erased", acc)
			}
		}
		secrets := canaries("alice")
		for k, v := range canaries("dave") {
			secrets[k] = v
		}
		for _, name := range []string{"", "alice", "bob", "acme", "globex", "support", "marketing", "mailer", "analyst", "compliance", "admin"} {
			for path, r := range runPaths(t, w.fixture, viewerOrAnonymous(name)) {
				for value := range secrets {
					if strings.Contains(r.Raw, value) {
						t.Errorf("%s, %s: %q after the sweep: %s", name, path, value, r.Raw)
					}
				}
			}
		}
		stored := storedText(t, client)
		for value := range secrets {
			if strings.Contains(stored, strings.TrimSuffix(value, `"`)+`"`) {
				t.Errorf("the database still holds %q", value)
			}
		}
		// dave's open request was closed by the erasure.
		if r := w.post(t, as("support"), `{ applicants { edges { node { name } } } }`, nil); strings.Contains(r.Raw, canary("dave", "name")) {
			t.Errorf("support reaches dave after the sweep: %s", r.Raw)
		}

		// Applications: alice's and carol's gone (with their answers),
		// bob's live one kept; the ledger kept, the link cleared.
		for _, acc := range []string{"alice", "carol"} {
			if client.Application.Query().Where(application.ID(w.apps[acc].ID)).ExistX(sys) {
				t.Errorf("%s's closed application is still there", acc)
			}
			if r := w.post(t, as("compliance"), fmt.Sprintf(`{ node(id: %d) { id } }`, w.apps[acc].ID), nil); strings.Contains(r.Raw, `"id"`) {
				t.Errorf("compliance finds %s's erased application: %s", acc, r.Raw)
			}
		}
		if !client.Application.Query().Where(application.ID(w.apps["bob"].ID)).ExistX(sys) {
			t.Error("bob's live application was erased")
		}
		if n := client.Consent.Query().Where(entconsent.ApplicantID(w.applicants["alice"].ID)).CountX(sys); n == 0 {
			t.Error("alice's ledger was removed")
		}
		if r := w.post(t, as("acme"), `{ applications { totalCount } }`, nil); !strings.Contains(r.Raw, `"totalCount":0`) {
			t.Errorf("acme after the sweep: %s", r.Raw)
		}

		// Records: the prefix gone, the chain verified from the checkpoint.
		rep2, err := records.Verify(context.Background(), client)
		if err != nil || rep2.Break != nil || rep2.PurgedThrough == 0 {
			t.Errorf("records verify after the purge: %+v, %v", rep2, err)
		}
		if n := client.BudgetSpend.Query().Where(budgetspend.SpentAtLT(w.now.AddDate(0, 0, -30))).CountX(sys); n != 0 {
			t.Errorf("%d old spends remain", n)
		}

		// Recorded: per rule, ids and counts, no personal value.
		acts := client.RetentionAction.Query().AllX(sys)
		byKind := map[retentionaction.Kind]int{}
		for _, a := range acts {
			byKind[a.Kind] += a.Count
			if a.Run != rep.Run || a.Replica != "test" || !a.At.Equal(w.now.Truncate(time.Microsecond)) {
				t.Errorf("action %+v", a)
			}
		}
		if byKind["INACTIVE_ACCOUNTS"] != 2 || byKind["CLOSED_APPLICATIONS"] != 2 || byKind["ACCESS_RECORDS"] != recordsBefore-1 || byKind["BUDGET_SPENDS"] != 1 {
			t.Errorf("recorded: %v", byKind)
		}
		if j := jsonOf(acts); strings.Contains(j, "cnry") || strings.Contains(j, "canary") {
			t.Errorf("a personal value in what was recorded: %s", j)
		}

		// New records chain on from what the purge left (checked when the
		// test ends).
		w.post(t, as("bob"), `{ me { name } }`, nil)
	})
}

// retentionState is what a sweep leaves, to compare two databases built
// alike: the erased applicants, the applications, the records' count and
// chain, the spends, and what was recorded (kind, target, count).
func retentionState(t *testing.T, client *ent.Client) string {
	t.Helper()
	sys := privacy.DecisionContext(context.Background(), privacy.Allow)
	erased := client.Applicant.Query().Where(applicant.ErasedAtNotNil()).Order(ent.Asc(applicant.FieldID)).IDsX(sys)
	apps := client.Application.Query().Order(ent.Asc(application.FieldID)).IDsX(sys)
	rep, err := records.Verify(context.Background(), client)
	if err != nil || rep.Break != nil {
		t.Fatalf("records verify: %+v, %v", rep, err)
	}
	var acts []string
	for _, a := range client.RetentionAction.Query().AllX(sys) {
		target := "-"
		if a.TargetID != nil {
			target = fmt.Sprint(*a.TargetID)
		}
		acts = append(acts, fmt.Sprintf("%s:%s:%d", a.Kind, target, a.Count))
	}
	slices.Sort(acts)
	return fmt.Sprintf("erased %v apps %v records %d purged through %d spends %d actions %v", erased, apps,
		client.AccessRecord.Query().CountX(sys), rep.PurgedThrough, client.BudgetSpend.Query().CountX(sys), acts)
}

// errCrash is the failure a test injects into a sweep's transaction.
var errCrash = errors.New("crash")

// TestRetentionSweepCrash: a sweep that fails in the middle (a transaction
// failing just before its commit, as a crash would leave it) leaves each
// transaction whole or undone: nothing half-erased (every account is
// either erased and recorded, or untouched), the chain verified; the next
// sweeps finish, and the end state is the one an uninterrupted sweep
// leaves on a database built alike, each action recorded once.
func TestRetentionSweepCrash(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		w := newRetentionWorld(t, client)
		for _, failAt := range []int{1, 2, 4} {
			s := w.sweeper(client)
			s.Batch = 1
			s.BeforeCommit = func(done int) error {
				if done == failAt {
					return errCrash
				}
				return nil
			}
			if _, err := s.Sweep(context.Background(), false); !errors.Is(err, errCrash) {
				t.Fatalf("failing at %d: %v", failAt, err)
			}
			// Nothing half-erased.
			recorded := map[int]bool{}
			for _, a := range client.RetentionAction.Query().Where(retentionaction.KindEQ("INACTIVE_ACCOUNTS")).AllX(sys) {
				recorded[*a.TargetID] = true
			}
			for _, acc := range fixtureAccounts {
				a := client.Applicant.GetX(sys, w.applicants[acc].ID)
				whole := a.ErasedAt != nil && a.Name == "[erased]" && a.City == "" && recorded[a.ID]
				untouched := a.ErasedAt == nil && a.Name == canary(acc, "name") && a.City == canary(acc, "city") && !recorded[a.ID]
				if !whole && !untouched {
					t.Errorf("after a crash at %d: %s half-erased: %+v (recorded %v)", failAt, acc, a, recorded[a.ID])
				}
			}
			if rep, err := records.Verify(context.Background(), client); err != nil || rep.Break != nil {
				t.Errorf("after a crash at %d: records verify %+v, %v", failAt, rep, err)
			}
		}
		s := w.sweeper(client)
		s.Batch = 1
		if _, err := s.Sweep(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		got := retentionState(t, client)

		twin := newRetentionWorldOn(t, client)
		ts := twin.sweeper(twin.client)
		ts.Batch = 1
		if _, err := ts.Sweep(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		if want := retentionState(t, twin.client); got != want {
			t.Errorf("after crashes and a finishing sweep:\n%s\nan uninterrupted sweep:\n%s", got, want)
		}
	})
}

// newRetentionWorldOn builds the retention world on a fresh database of
// client's backend.
func newRetentionWorldOn(t *testing.T, client *ent.Client) *retentionWorld {
	t.Helper()
	pg, err := records.IsPostgres(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	if pg {
		return newRetentionWorld(t, openPostgres(t, os.Getenv("CONSENTGATE_TEST_POSTGRES")))
	}
	return newRetentionWorld(t, openSQLite(t))
}

// TestRetentionReplicas: two sweepers on one PostgreSQL database (two
// replicas' clients). While one sweeps, the other's sweep is skipped; two
// started together, transaction by transaction, erase each thing once and
// miss nothing: the end state is a lone sweep's.
func TestRetentionReplicas(t *testing.T) {
	pgDSN := os.Getenv("CONSENTGATE_TEST_POSTGRES")
	if pgDSN == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must set CONSENTGATE_TEST_POSTGRES")
		}
		t.Skip("CONSENTGATE_TEST_POSTGRES is not set")
	}
	t.Run("one at a time", func(t *testing.T) {
		clientA, dsn := openPostgresDSN(t, pgDSN)
		clientB := openDSN(t, dsn)
		w := newRetentionWorld(t, clientA)
		a, b := w.sweeper(clientA), w.sweeper(clientB)
		a.Replica, b.Replica = "a", "b"
		var bRep *retention.Report
		var bErr error
		a.BeforeCommit = func(done int) error {
			if done == 0 { // A is sweeping: B's sweep now
				bRep, bErr = b.Sweep(context.Background(), false)
			}
			return nil
		}
		aRep, err := a.Sweep(context.Background(), false)
		if err != nil || aRep.Skipped || aRep.Total() == 0 {
			t.Fatalf("A: %+v, %v", aRep, err)
		}
		if bErr != nil || bRep == nil || !bRep.Skipped || bRep.Total() != 0 {
			t.Errorf("B while A sweeps: %+v, %v", bRep, bErr)
		}
		// Once A is done, B sweeps, and finds nothing to do.
		if rep, err := b.Sweep(context.Background(), false); err != nil || rep.Skipped || rep.Total() != 0 {
			t.Errorf("B after A: %+v, %v", rep, err)
		}
	})
	t.Run("together", func(t *testing.T) {
		clientA, dsn := openPostgresDSN(t, pgDSN)
		clientB := openDSN(t, dsn)
		w := newRetentionWorld(t, clientA)
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, 2)
		for i, c := range []*ent.Client{clientA, clientB} {
			s := w.sweeper(c)
			s.Batch, s.Replica = 1, fmt.Sprint(i)
			wg.Go(func() {
				<-start
				_, errs[i] = s.Sweep(context.Background(), false)
			})
		}
		close(start)
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatal(errs)
		}
		got := retentionState(t, clientA)
		twin := newRetentionWorldOn(t, clientA)
		ts := twin.sweeper(twin.client)
		ts.Batch = 1
		if _, err := ts.Sweep(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		if want := retentionState(t, twin.client); got != want {
			t.Errorf("two replicas together:\n%s\na lone sweep:\n%s", got, want)
		}
	})
}

// TestRetentionCommandAndPurgedChain: `retention -dry-run` and `retention`
// on a database report per rule, counts only; after a purge of the
// records' oldest prefix (a sweep years later), `records verify` passes
// from the purge's checkpoint, new records chain on, and a record altered,
// or removed just after the checkpoint, is still reported.
func TestRetentionCommandAndPurgedChain(t *testing.T) {
	forEachDurableBackendDSN(t, func(t *testing.T, d durableBackend) {
		w := newRetentionWorld(t, d.client)
		// By the real clock nothing is due: the world is old only by the
		// sweeper's.
		out, err := command(t, "retention", "-dry-run", "-db", d.dsn)
		if err != nil || !regexp.MustCompile(`ACCESS_RECORDS +3y +ERASE +0\n`).MatchString(out) ||
			!strings.Contains(out, "would act on (dry run)") || !strings.Contains(out, ", 0 rows") || strings.Contains(out, "cnry") {
			t.Fatalf("retention -dry-run: %v\n%s", err, out)
		}
		if _, err := w.sweeper(d.client).Sweep(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		for _, v := range []string{"globex", "globex", "globex"} {
			w.post(t, as(v), `{ applicants { edges { node { name } } } }`, nil)
		}
		out, err = command(t, "records", "verify", "-db", d.dsn)
		if err != nil || !strings.Contains(out, "access records: OK") {
			t.Fatalf("records verify after a purge: %v\n%s", err, out)
		}
		out, err = command(t, "retention", "-db", d.dsn)
		if err != nil || !strings.Contains(out, "erased or anonymised") || !strings.Contains(out, ", 0 rows") {
			t.Fatalf("retention: %v\n%s", err, out)
		}

		chainBrokenOnPurpose(t)
		rs := accessRecords(t, d.client)
		broken := func(id int, problem string) {
			t.Helper()
			out, err := command(t, "records", "verify", "-db", d.dsn)
			if err == nil || !strings.Contains(out, fmt.Sprintf("chain broken at record %d: %s", id, problem)) {
				t.Fatalf("verify after tampering with record %d: %v\n%s", id, err, out)
			}
		}
		d.exec(t, fmt.Sprintf(`UPDATE access_records SET decision = 'HIDDEN' WHERE id = %d`, rs[2].ID))
		broken(rs[2].ID, "hash mismatch")
		d.exec(t, fmt.Sprintf(`UPDATE access_records SET decision = '%s' WHERE id = %d`, rs[2].Decision, rs[2].ID))
		// The first record left (the head the purge kept) removed behind
		// the model: the next one no longer follows the checkpoint.
		d.exec(t, fmt.Sprintf(`DELETE FROM access_records WHERE id = %d`, rs[0].ID))
		broken(rs[1].ID, "prev_hash")
	})
}

// TestRetentionEvery: the server's loop sweeps once per tick (its clock
// injected) and stops when the ticks end; a failed sweep is logged, and
// the next tick's sweep finishes the work.
func TestRetentionEvery(t *testing.T) {
	client := openSQLite(t)
	w := newRetentionWorld(t, client)
	sys := privacy.DecisionContext(context.Background(), privacy.Allow)
	var logs strings.Builder
	s := w.sweeper(client)
	s.Log = slog.New(slog.NewTextHandler(&logs, nil))
	s.BeforeCommit = func(done int) error {
		if done == 1 && !strings.Contains(logs.String(), "failed") {
			return errCrash
		}
		return nil
	}
	ticks := make(chan time.Time)
	stopped := make(chan struct{})
	go func() { s.Every(context.Background(), ticks); close(stopped) }()
	ticks <- w.now
	ticks <- w.now
	close(ticks)
	<-stopped
	if n := client.Applicant.Query().Where(applicant.ErasedAtNotNil()).CountX(sys); n != 2 {
		t.Errorf("%d accounts erased after two ticks, want 2", n)
	}
	if !strings.Contains(logs.String(), "retention sweep failed") || strings.Contains(logs.String(), "cnry") {
		t.Errorf("the loop's log:\n%s", logs.String())
	}
}

// TestRetentionSealsAndPurgesIdentities: an account the sweeper erases
// while records of provision of it are within their period keeps its
// identity sealed, as a DELETION does: without a sealer the sweep fails and
// erases nothing (each account's transaction undone), with one it seals
// every such subject; once their records are purged at the end of the
// period, the sealed identities go with them, those whose records are left
// stay, and the chain still verifies.
func TestRetentionSealsAndPurgesIdentities(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		for _, v := range []string{"acme", "support", "compliance"} {
			f.post(t, as(v), `{ applicants { edges { node { name email } } } }`, nil)
		}
		subjects := len(client.AccessRecord.Query().Where(accessrecord.SubjectIDNotNil()).GroupBy(accessrecord.FieldSubjectRef).StringsX(sys))
		if subjects < 2 {
			t.Fatalf("%d subjects with records: the world tests too little", subjects)
		}
		// Every account inactive after a day: all erased two days on,
		// their records (of today) well within three years.
		policy := consent.DefaultPolicy()
		policy.Retention[consent.InactiveAccounts] = consent.RetentionRule{Kind: consent.InactiveAccounts,
			Period: consent.Period{Days: 1}, Action: consent.Erase, Reason: "test"}
		now := time.Now().UTC().Add(48 * time.Hour)
		s := &retention.Sweeper{Client: client, Engine: consent.NewEngine(policy), Now: func() time.Time { return now }, Replica: "test"}
		if _, err := s.Sweep(context.Background(), false); !errors.Is(err, records.ErrNoSealer) {
			t.Fatalf("sweep without a sealer: %v, want ErrNoSealer", err)
		}
		if client.Applicant.Query().Where(applicant.ErasedAtNotNil()).ExistX(sys) || client.SealedSubject.Query().ExistX(sys) {
			t.Fatal("a sweep that failed erased or sealed something")
		}
		sealer, err := records.NewSealer([]byte("0123456789abcdef0123456789abcdef"))
		if err != nil {
			t.Fatal(err)
		}
		s.Sealer = sealer
		if _, err := s.Sweep(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		if n := client.SealedSubject.Query().CountX(sys); n != subjects {
			t.Fatalf("%d identities sealed, want %d (every erased subject with records)", n, subjects)
		}

		// Three years and a day on: every record but the chain's head is
		// purged, and with them the identities of whom none is left.
		now = now.AddDate(3, 0, 2)
		if _, err := s.Sweep(context.Background(), false); err != nil {
			t.Fatal(err)
		}
		left := client.AccessRecord.Query().GroupBy(accessrecord.FieldSubjectRef).StringsX(sys)
		sealed := client.SealedSubject.Query().AllX(sys)
		if len(sealed) >= subjects {
			t.Fatalf("%d identities still sealed of %d: none purged with its records", len(sealed), subjects)
		}
		for _, x := range sealed {
			if !slices.Contains(left, x.SubjectRef) {
				t.Fatalf("an identity is kept though none of its records is")
			}
		}
		if rep, err := records.Verify(context.Background(), client); err != nil || rep.Break != nil {
			t.Fatalf("records verify after the purge: %v, %+v", err, rep)
		}
		if !client.RetentionAction.Query().Where(retentionaction.RuleContains("sealed identities")).ExistX(sys) {
			t.Fatal("the identities' purge is not recorded")
		}
	})
}
