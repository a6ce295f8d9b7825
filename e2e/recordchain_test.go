package e2e

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/hooks"
	"consentgate/ent/privacy"
	"consentgate/records"
)

// TestRecordsChainVerify: the access records written by real requests,
// concurrent ones on two replicas committed in groups among them, form a hash chain that
// `records verify` passes, also after a subject's erasure cleared their
// subject id; a record altered behind the model's back (its decision, its
// categories) is reported by id with exit status 1, and so is the record
// after one deleted behind it.
func TestRecordsChainVerify(t *testing.T) {
	forEachDurableBackendDSN(t, func(t *testing.T, d durableBackend) {
		f := newFixture(t, d.client)
		verify := func() (string, error) { return command(t, "records", "verify", "-db", d.dsn) }

		// Two replicas on the database, each committing the records of
		// concurrent requests in groups.
		replica := *f
		replica.handler = testGatewayHandlers(openDSN(t, d.dsn), slog.New(slog.NewTextHandler(io.Discard, nil)), nil).API
		var wg sync.WaitGroup
		for i := range 24 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				who := []string{"acme", "support", "compliance"}[i%3]
				[]*fixture{f, &replica}[i%2].post(t, as(who), `{ applicants { edges { node { name email } } } }`, nil)
			}()
		}
		wg.Wait()
		f.post(t, as("acme"), `{ applicants { edges { node { name email street } } } }`, nil)
		// alice's erasure clears her subject id in her records: the chain
		// does not cover it.
		alice := f.applicants["alice"].ID
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		if n := d.client.AccessRecord.Query().Where(accessrecord.SubjectID(alice)).CountX(sys); n == 0 {
			t.Fatal("no record of alice's data")
		}
		f.complete(t, "support", f.file(t, as("alice"), "DELETION", nil))
		if n := d.client.AccessRecord.Query().Where(accessrecord.SubjectID(alice)).CountX(sys); n != 0 {
			t.Fatalf("%d records still name alice", n)
		}

		rs := accessRecords(t, d.client)
		if len(rs) < 5 {
			t.Fatalf("%d records", len(rs))
		}
		prev := records.Genesis
		for _, r := range rs {
			if r.PrevHash != prev || r.Hash != records.Hash(prev, records.FieldsOf(r)) {
				t.Fatalf("record %d is not chained: %+v", r.ID, r)
			}
			prev = r.Hash
		}
		out, err := verify()
		if err != nil || !strings.Contains(out, fmt.Sprintf("access records: OK, %d chained, head %s", len(rs), prev)) {
			t.Fatalf("verify on the records written: %v\n%s", err, out)
		}

		broken := func(id int, problem string) {
			t.Helper()
			out, err := verify()
			if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("exit status 1: consentgate: the access records' chain is broken at record %d", id)) ||
				!strings.Contains(out, fmt.Sprintf("chain broken at record %d: %s", id, problem)) {
				t.Fatalf("verify after tampering with record %d: %v\n%s", id, err, out)
			}
		}
		chainBrokenOnPurpose(t)
		mid := rs[len(rs)/2]
		d.exec(t, fmt.Sprintf(`UPDATE access_records SET decision = 'HIDDEN' WHERE id = %d`, mid.ID))
		broken(mid.ID, "hash mismatch")
		d.exec(t, fmt.Sprintf(`UPDATE access_records SET decision = '%s' WHERE id = %d`, mid.Decision, mid.ID))
		if out, err := verify(); err != nil {
			t.Fatalf("verify after restoring the decision: %v\n%s", err, out)
		}
		d.exec(t, fmt.Sprintf(`UPDATE access_records SET categories = '["NAME:PLAIN"]' WHERE id = %d`, rs[1].ID))
		broken(rs[1].ID, "hash mismatch")
		d.exec(t, fmt.Sprintf(`UPDATE access_records SET categories = '["%s"]' WHERE id = %d`, strings.Join(rs[1].Categories, `","`), rs[1].ID))
		if out, err := verify(); err != nil {
			t.Fatalf("verify after restoring the categories: %v\n%s", err, out)
		}
		// A record removed: the next one no longer follows its predecessor.
		d.exec(t, fmt.Sprintf(`DELETE FROM access_records WHERE id = %d`, mid.ID))
		broken(rs[len(rs)/2+1].ID, "prev_hash")
		if _, err := command(t, "records", "check"); err == nil {
			t.Fatal("an unknown records subcommand passed")
		}
	})
}

// TestRecordsAppendOnly: no access record is changed or removed through the
// model, even by a caller the privacy rules let through; the one change
// allowed is the erasure's clearing of the subject id.
func TestRecordsAppendOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		f.post(t, as("acme"), `{ applicants { edges { node { name email } } } }`, nil)
		rs := accessRecords(t, client)
		if len(rs) == 0 {
			t.Fatal("no records")
		}
		r := rs[0]
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		for name, err := range map[string]error{
			"set the subject": client.AccessRecord.UpdateOneID(r.ID).SetSubjectID(f.applicants["bob"].ID).Exec(sys),
			"update all":      client.AccessRecord.Update().SetSubjectID(f.applicants["bob"].ID).Exec(sys),
			"delete one":      client.AccessRecord.DeleteOneID(r.ID).Exec(sys),
			"delete all":      func() error { _, err := client.AccessRecord.Delete().Exec(sys); return err }(),
			"delete by subject": func() error {
				_, err := client.AccessRecord.Delete().Where(accessrecord.SubjectIDNotNil()).Exec(sys)
				return err
			}(),
		} {
			if !errors.Is(err, hooks.ErrRecordsAppendOnly) {
				t.Errorf("%s: %v, want refused", name, err)
			}
		}
		if got := accessRecords(t, client); len(got) != len(rs) || *got[0].SubjectID != *r.SubjectID {
			t.Fatalf("records changed: %+v", got)
		}
		if err := client.AccessRecord.UpdateOneID(r.ID).ClearSubjectID().Exec(sys); err != nil {
			t.Fatalf("clearing the subject: %v", err)
		}
	})
}

// TestRecordsBeforeTheChain: records written before the chain was kept
// (no hash) are counted, not checked; the chain starts after them, from
// the genesis value.
func TestRecordsBeforeTheChain(t *testing.T) {
	forEachDurableBackendDSN(t, func(t *testing.T, d durableBackend) {
		f := newFixture(t, d.client)
		chainBrokenOnPurpose(t) // records before the chain, on purpose
		for range 2 {
			d.exec(t, `INSERT INTO access_records (at, request_id, viewer_account, viewer_role, subject_ref, categories, decision)
				VALUES ('2026-01-01 00:00:00+00:00', 'legacy', 'rec-acme', 'EMPLOYER', 's:legacy', '["NAME:PLAIN"]', 'PLAIN')`)
		}
		f.post(t, as("acme"), `{ applicants { edges { node { name email } } } }`, nil)
		rs := accessRecords(t, d.client)
		if len(rs) < 3 || rs[2].PrevHash != records.Genesis {
			t.Fatalf("the first chained record: %+v", rs)
		}
		out, err := command(t, "records", "verify", "-db", d.dsn)
		if err != nil || !strings.Contains(out, "access records: 2 before the chain") ||
			!strings.Contains(out, fmt.Sprintf("access records: OK, %d chained", len(rs)-2)) {
			t.Fatalf("verify: %v\n%s", err, out)
		}
	})
}

// TestDemoRecordsVerify: the records the demo's activity leaves (through
// the gateway, before it listens) verify.
func TestDemoRecordsVerify(t *testing.T) {
	for name, b := range schemaBackends(t) {
		t.Run(name, func(t *testing.T) {
			serve(t, []string{"DATABASE_URL=" + b[0]}, "-demo")
			out, err := command(t, "records", "verify", "-db", b[0])
			if err != nil || !strings.Contains(out, "access records: OK, ") || strings.Contains(out, "OK, 0 chained") || strings.Contains(out, "before the chain") {
				t.Fatalf("records verify on the demo: %v\n%s", err, out)
			}
		})
	}
}
