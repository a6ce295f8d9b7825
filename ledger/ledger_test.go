package ledger_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"consentgate/ent"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/consentstate"
	"consentgate/ent/enttest"
	"consentgate/ent/privacy"
	_ "consentgate/ent/runtime"
	"consentgate/ledger"
)

// world is one applicant, two employers and a policy version.
type world struct {
	client    *ent.Client
	applicant *ent.Applicant
	acme      *ent.Employer
	globex    *ent.Employer
	version   *ent.PolicyVersion
}

var sys = privacy.DecisionContext(context.Background(), privacy.Allow)

func newWorld(t *testing.T) *world {
	t.Helper()
	client := enttest.Open(t, "sqlite3", fmt.Sprintf("file:%s?mode=memory&cache=shared&_fk=1", t.Name()))
	t.Cleanup(func() { client.Close() })
	return &world{
		client:    client,
		applicant: client.Applicant.Create().SetAccountID("a").SetName("n").SetEmail("a@example.com").SaveX(sys),
		acme:      client.Employer.Create().SetExternalID("acme").SetName("Acme").SaveX(sys),
		globex:    client.Employer.Create().SetExternalID("globex").SetName("Globex").SaveX(sys),
		version: client.PolicyVersion.Create().SetVersion("v1").SetEffectiveAt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).
			SetTextDigest("sha256:0000000000000000000000000000000000000000000000000000000000000000").SaveX(sys),
	}
}

// appendEntry appends one ledger entry in a transaction of its own.
func (w *world) appendEntry(t *testing.T, to *ent.Employer, category string, granted bool) *ent.Consent {
	t.Helper()
	tx, err := w.client.Tx(sys)
	if err != nil {
		t.Fatal(err)
	}
	c := tx.Consent.Create().SetApplicant(w.applicant).SetPurpose(entconsent.PurposeEMPLOYER_PROVISION).
		SetGranted(granted).SetSource(entconsent.SourceAPPLICANT).SetPolicyVersion(w.version)
	if to != nil {
		c.SetEmployer(to)
	}
	if category != "" {
		c.SetWithheldCategory(entconsent.WithheldCategory(category))
	}
	entry := c.SaveX(sys)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return entry
}

// lineOf returns the entry the state holds for a key (0: no line).
func (w *world) lineOf(t *testing.T, to *ent.Employer, category string) int {
	t.Helper()
	recipient := 0
	if to != nil {
		recipient = to.ID
	}
	l, err := w.client.ConsentState.Query().Where(consentstate.ApplicantID(w.applicant.ID),
		consentstate.RecipientID(recipient), consentstate.Category(category)).Only(sys)
	if ent.IsNotFound(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return l.ConsentID
}

func verify(t *testing.T, client *ent.Client) []ledger.Difference {
	t.Helper()
	diffs, err := ledger.Verify(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	return diffs
}

// TestMaintain: each append becomes its key's line; a later append of the
// same key replaces it; other keys keep theirs; the state is the
// ledger's fold.
func TestMaintain(t *testing.T) {
	w := newWorld(t)
	w.appendEntry(t, w.acme, "", true) // replaced by acme2 below
	all := w.appendEntry(t, nil, "", false)
	family := w.appendEntry(t, nil, "FAMILY", false)
	acme2 := w.appendEntry(t, w.acme, "", false)
	for _, c := range []struct {
		to       *ent.Employer
		category string
		want     int
	}{{w.acme, "", acme2.ID}, {nil, "", all.ID}, {nil, "FAMILY", family.ID}, {w.globex, "", 0}} {
		if got := w.lineOf(t, c.to, c.category); got != c.want {
			t.Errorf("line %v %q: entry %d, want %d", c.to, c.category, got, c.want)
		}
	}
	if d := verify(t, w.client); len(d) > 0 {
		t.Fatalf("verify: %v", d)
	}
}

// TestApplyLaterWins: Apply keeps the later entry whatever order entries
// come in, and a repeated key in one call is written in turn.
func TestApplyLaterWins(t *testing.T) {
	w := newWorld(t)
	first := w.appendEntry(t, w.acme, "", true)
	second := w.appendEntry(t, w.acme, "", false)
	for _, order := range [][]*ent.Consent{{first}, {second, first}, {first, second, first}} {
		if err := ledger.Apply(sys, w.client, order...); err != nil {
			t.Fatal(err)
		}
		if got := w.lineOf(t, w.acme, ""); got != second.ID {
			t.Fatalf("after applying %d entries: line holds %d, want the later %d", len(order), got, second.ID)
		}
	}
}

// TestVerifyRebuildFill: Verify names a line changed behind the hook's
// back; Rebuild restores the fold; Fill builds a missing state once.
func TestVerifyRebuildFill(t *testing.T) {
	w := newWorld(t)
	w.appendEntry(t, w.acme, "", true)
	last := w.appendEntry(t, nil, "", false)
	if _, err := w.client.ConsentState.Update().Where(consentstate.ConsentID(last.ID)).SetGranted(true).Save(sys); err != nil {
		t.Fatal(err)
	}
	diffs := verify(t, w.client)
	want := fmt.Sprintf("applicant %d, EMPLOYER_PROVISION, recipient 0, category \"\": stored entry %d granted, derived from the ledger entry %d withdrawn",
		w.applicant.ID, last.ID, last.ID)
	if len(diffs) != 1 || diffs[0].String() != want {
		t.Fatalf("verify: %v\nwant: %s", diffs, want)
	}
	if n, err := ledger.Rebuild(context.Background(), w.client); err != nil || n != 2 {
		t.Fatalf("rebuild: %d lines, %v", n, err)
	}
	if d := verify(t, w.client); len(d) > 0 {
		t.Fatalf("verify after rebuild: %v", d)
	}
	w.client.ConsentState.Delete().ExecX(sys)
	if filled, err := ledger.Fill(context.Background(), w.client); err != nil || !filled {
		t.Fatalf("fill: %v %v", filled, err)
	}
	if filled, err := ledger.Fill(context.Background(), w.client); err != nil || filled {
		t.Fatalf("second fill: %v %v", filled, err)
	}
	if d := verify(t, w.client); len(d) > 0 {
		t.Fatalf("verify after fill: %v", d)
	}
}

// TestAppendOnlyInTransaction: an append outside a transaction, and any
// change or removal of an entry, are refused; nothing is written.
func TestAppendOnlyInTransaction(t *testing.T) {
	w := newWorld(t)
	err := w.client.Consent.Create().SetApplicant(w.applicant).SetPurpose(entconsent.PurposeMAIL_MAGAZINE).
		SetGranted(true).SetSource(entconsent.SourceAPPLICANT).SetPolicyVersion(w.version).Exec(sys)
	if !errors.Is(err, ledger.ErrNotInTransaction) {
		t.Fatalf("append outside a transaction: %v", err)
	}
	entry := w.appendEntry(t, nil, "", true)
	if err := w.client.Consent.UpdateOne(entry).Exec(sys); !errors.Is(err, ledger.ErrAppendOnly) {
		t.Errorf("update: %v", err)
	}
	if err := w.client.Consent.DeleteOne(entry).Exec(sys); !errors.Is(err, ledger.ErrAppendOnly) {
		t.Errorf("delete: %v", err)
	}
	if n := w.client.Consent.Query().CountX(sys); n != 1 {
		t.Errorf("%d ledger entries, want 1", n)
	}
}
