package ledger

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"consentgate/ent"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/privacy"
)

// chunk is how many ledger entries a rebuild reads at a time.
const chunk = 5000

// Rebuild replaces the whole state with the fold of the whole ledger, in
// one transaction, and returns the number of lines it holds.
func Rebuild(ctx context.Context, client *ent.Client) (int, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	tx, err := client.Tx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if err := rebuild(ctx, tx.Client()); err != nil {
		return 0, err
	}
	n, err := tx.ConsentState.Query().Count(ctx)
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// Fill builds the state from the ledger of a database that has a ledger
// and no state yet (one from before the state existed), once, in one
// transaction. It does nothing to a database whose state is kept.
func Fill(ctx context.Context, client *ent.Client) (filled bool, err error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	tx, err := client.Tx(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	kept, err := tx.ConsentState.Query().Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("reading the consent state: %w", err)
	}
	entries, err := tx.Consent.Query().Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("reading the consent ledger: %w", err)
	}
	if kept || !entries {
		return false, nil
	}
	if err := rebuild(ctx, tx.Client()); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// rebuild empties the state and folds the whole ledger into it, a chunk at
// a time in the ledger's order.
func rebuild(ctx context.Context, client *ent.Client) error {
	if _, err := client.ConsentState.Delete().Exec(ctx); err != nil {
		return fmt.Errorf("emptying the consent state: %w", err)
	}
	after := 0
	for {
		entries, err := client.Consent.Query().Where(entconsent.IDGT(after)).Order(ent.Asc(entconsent.FieldID)).Limit(chunk).
			Select(entconsent.FieldApplicantID, entconsent.FieldPurpose, entconsent.FieldEmployerID,
				entconsent.FieldWithheldCategory, entconsent.FieldGranted, entconsent.FieldPolicyVersionID,
				entconsent.FieldRecordedAt, entconsent.FieldEffectiveAt).All(ctx)
		if err != nil {
			return fmt.Errorf("reading the consent ledger: %w", err)
		}
		if len(entries) == 0 {
			return nil
		}
		if err := Apply(ctx, client, entries...); err != nil {
			return fmt.Errorf("folding the consent ledger: %w", err)
		}
		after = entries[len(entries)-1].ID
	}
}

// Difference is one state line that disagrees with the fold of the ledger:
// stored but not derived, derived but not stored, or both with another
// entry or grant.
type Difference struct {
	Applicant int
	Purpose   string
	Recipient int    // 0: all employers
	Category  string // "": the whole purpose
	Stored    string // "entry N granted|withdrawn", or "none"
	Derived   string
}

func (d Difference) String() string {
	return fmt.Sprintf("applicant %d, %s, recipient %d, category %q: stored %s, derived from the ledger %s",
		d.Applicant, d.Purpose, d.Recipient, d.Category, d.Stored, d.Derived)
}

// Verify recomputes the state from the whole ledger (the same fold, in a
// transaction it rolls back) and returns every line that differs from the
// stored state. None means the state is the ledger's. On SQLite it holds
// the write lock while it runs; on PostgreSQL appends for subjects wait.
func Verify(ctx context.Context, client *ent.Client) ([]Difference, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	tx, err := client.Tx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	stored, err := lines(ctx, tx.Client())
	if err != nil {
		return nil, err
	}
	if err := rebuild(ctx, tx.Client()); err != nil {
		return nil, err
	}
	derived, err := lines(ctx, tx.Client())
	if err != nil {
		return nil, err
	}
	var out []Difference
	for _, k := range sortedKeys(stored, derived) {
		s, d := stored[k], derived[k]
		if s != d {
			out = append(out, Difference{Applicant: k.applicant, Purpose: string(k.purpose), Recipient: k.recipient,
				Category: k.category, Stored: describe(s), Derived: describe(d)})
		}
	}
	return out, nil
}

// line is what a state line says: the entry in force, its grant, and
// when it applies from and stands until (zero: at once, for ever).
type line struct {
	entry       int
	granted     bool
	from, until int64 // Unix microseconds
}

func describe(l line) string {
	var s string
	switch {
	case l.entry == 0:
		return "none"
	case l.granted:
		s = "entry " + strconv.Itoa(l.entry) + " granted"
	default:
		s = "entry " + strconv.Itoa(l.entry) + " withdrawn"
	}
	if l.from != 0 {
		s += " from " + time.UnixMicro(l.from).UTC().Format(time.RFC3339)
	}
	if l.until != 0 {
		s += " until " + time.UnixMicro(l.until).UTC().Format(time.RFC3339)
	}
	return s
}

func micros(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.UnixMicro()
}

func lines(ctx context.Context, client *ent.Client) (map[key]line, error) {
	rows, err := client.ConsentState.Query().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the consent state: %w", err)
	}
	out := make(map[key]line, len(rows))
	for _, r := range rows {
		out[key{applicant: r.ApplicantID, recipient: r.RecipientID, purpose: entconsent.Purpose(r.Purpose), category: r.Category}] =
			line{entry: r.ConsentID, granted: r.Granted, from: micros(r.AppliesFrom), until: micros(r.VoidFrom)}
	}
	return out, nil
}

func sortedKeys(ms ...map[key]line) []key {
	var out []key
	seen := map[key]bool{}
	for _, m := range ms {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	slices.SortFunc(out, func(a, b key) int {
		switch {
		case a.applicant != b.applicant:
			return a.applicant - b.applicant
		case a.purpose != b.purpose:
			return cmp.Compare(string(a.purpose), string(b.purpose))
		case a.category != b.category:
			return cmp.Compare(a.category, b.category)
		}
		return a.recipient - b.recipient
	})
	return out
}
