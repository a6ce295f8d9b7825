// Package ledger keeps the current consent state (ent's ConsentState)
// beside the consent ledger (ent's Consent), which stays the append-only
// source of truth.
//
// The state holds, per subject, purpose, recipient scope (one employer, or
// all employers) and category (or the whole purpose), the ledger entry now
// in force: the latest of that key in the ledger's order. The order is the
// ledger's id, given by the database in the appending transaction, never a
// replica's clock: an entry appended after another comes after it, however
// the replicas' clocks disagree.
//
// Apply is the one fold. Maintain runs it in the transaction of each
// append, so that the state never disagrees with the ledger; Rebuild and
// Verify run it over the whole ledger. Readers (row rules, the field
// guard, notices, exports, statistics) read the state by index; how they
// combine its lines (the scope rule) is the consent package's.
//
// This package must not import graph or server: it is part of the model.
package ledger

import (
	"context"
	"errors"
	"fmt"

	"entgo.io/ent/dialect/sql"

	"consentgate/ent"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/consentstate"
	"consentgate/ent/hook"
	"consentgate/ent/privacy"
)

// Errors of the ledger's writes.
var (
	// ErrNotInTransaction: a ledger entry appended outside a transaction,
	// whose state line could not be written atomically with it.
	ErrNotInTransaction = errors.New("the consent ledger is appended only inside a transaction")
	// ErrAppendOnly: a change or removal of a ledger entry, even by a
	// trusted job: the ledger is the record the state is derived from.
	ErrAppendOnly = errors.New("the consent ledger is append-only")
)

// Maintain keeps the state in step with the ledger: each appended entry is
// folded into the state (Apply) in the append's own transaction, after the
// entry has its id. Appends outside a transaction, and any update or
// deletion of entries, are refused.
func Maintain() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ConsentFunc(func(ctx context.Context, m *ent.ConsentMutation) (ent.Value, error) {
			if !m.Op().Is(ent.OpCreate) {
				return nil, ErrAppendOnly
			}
			if _, err := m.Tx(); err != nil {
				return nil, ErrNotInTransaction
			}
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			c, ok := v.(*ent.Consent)
			if !ok {
				return nil, fmt.Errorf("ledger: unexpected value %T", v)
			}
			if err := Apply(ctx, m.Client(), c); err != nil {
				return nil, fmt.Errorf("keeping the consent state: %w", err)
			}
			return v, nil
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne|ent.OpDelete|ent.OpDeleteOne)
}

// key is what a state line is kept per.
type key struct {
	applicant, recipient int
	purpose              entconsent.Purpose
	category             string
}

func keyOf(c *ent.Consent) key {
	k := key{applicant: c.ApplicantID, purpose: c.Purpose}
	if c.EmployerID != nil {
		k.recipient = *c.EmployerID
	}
	if c.WithheldCategory != nil {
		k.category = string(*c.WithheldCategory)
	}
	return k
}

// batch is how many lines one statement writes (six parameters each, well
// under SQLite's limit).
const batch = 500

// Apply folds ledger entries into the state: each entry becomes the line
// of its key unless the line already holds an entry that comes later in
// the ledger's order (a greater id). The rule is applied by the database
// in the write itself (an upsert whose update is conditional), so that
// concurrent appends for the same key leave the later entry in force
// whichever commits first. Entries may come in any order.
func Apply(ctx context.Context, client *ent.Client, entries ...*ent.Consent) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	for len(entries) > 0 {
		// One statement may not update the same line twice: a repeated key
		// starts the next statement.
		seen := make(map[key]bool, min(len(entries), batch))
		n := 0
		for ; n < len(entries) && n < batch; n++ {
			k := keyOf(entries[n])
			if seen[k] {
				break
			}
			seen[k] = true
		}
		builders := make([]*ent.ConsentStateCreate, n)
		for i, c := range entries[:n] {
			k := keyOf(c)
			builders[i] = client.ConsentState.Create().
				SetApplicantID(k.applicant).SetPurpose(consentstate.Purpose(k.purpose)).SetRecipientID(k.recipient).
				SetCategory(k.category).SetConsentID(c.ID).SetGranted(c.Granted)
		}
		err := client.ConsentState.CreateBulk(builders...).OnConflict(
			sql.ConflictColumns(consentstate.FieldApplicantID, consentstate.FieldPurpose,
				consentstate.FieldCategory, consentstate.FieldRecipientID),
			sql.ResolveWith(func(u *sql.UpdateSet) {
				u.SetExcluded(consentstate.FieldConsentID)
				u.SetExcluded(consentstate.FieldGranted)
			}),
			sql.UpdateWhere(sql.ExprP(consentstate.Table+"."+consentstate.FieldConsentID+" < excluded."+consentstate.FieldConsentID)),
		).Exec(ctx)
		if err != nil {
			return err
		}
		entries = entries[n:]
	}
	return nil
}
