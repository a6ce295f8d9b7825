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
	"slices"
	"time"

	"entgo.io/ent/dialect/sql"

	"consentgate/ent"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/consentstate"
	"consentgate/ent/hook"
	"consentgate/ent/policyversion"
	"consentgate/ent/predicate"
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
// whichever commits first. Entries may come in any order, but an
// objection (Pending) voids only the grants folded before it: Rebuild
// folds in the ledger's order.
//
// The fold also keeps each grant's standing under the policy versions
// (policy §8): a grant stops standing (the line's void_from) at the
// effective time of the first version that needs an explicit grant for its
// purpose (Explicit) and came after the version it was given under.
func Apply(ctx context.Context, client *ent.Client, entries ...*ent.Consent) error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	versions, err := loadVersions(ctx, client)
	if err != nil {
		return err
	}
	var plain []*ent.Consent
	for _, c := range entries {
		if Pending(c) {
			if err := flush(ctx, client, versions, plain); err != nil {
				return err
			}
			plain = nil
			if err := object(ctx, client, c); err != nil {
				return err
			}
			continue
		}
		plain = append(plain, c)
	}
	return flush(ctx, client, versions, plain)
}

// flush folds entries that take effect when recorded.
func flush(ctx context.Context, client *ent.Client, versions map[int]*ent.PolicyVersion, entries []*ent.Consent) error {
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
				SetCategory(k.category).SetConsentID(c.ID).SetGranted(c.Granted).SetNillableVoidFrom(voidFrom(c, versions))
		}
		err := client.ConsentState.CreateBulk(builders...).OnConflict(
			sql.ConflictColumns(consentstate.FieldApplicantID, consentstate.FieldPurpose,
				consentstate.FieldCategory, consentstate.FieldRecipientID),
			sql.ResolveWith(func(u *sql.UpdateSet) {
				u.SetExcluded(consentstate.FieldConsentID)
				u.SetExcluded(consentstate.FieldGranted)
				u.SetExcluded(consentstate.FieldVoidFrom)
				u.SetNull(consentstate.FieldAppliesFrom)
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

// Pending reports whether a ledger entry is an objection to a policy
// version: a withdrawal with its own effective time, the version's (or
// when it was filed, if the version was in force by then).
func Pending(c *ent.Consent) bool { return c.EffectiveAt != nil }

// object folds an objection (a withdrawal of the whole purpose for all
// employers, effective at the version's effective time, or when filed if
// later): every grant of the purpose folded before it,
// towards any recipient, stops standing at that time (void_from), and the
// line of its own key, if there is none, is the withdrawal from then on
// (applies_from). A grant appended after it replaces its line as usual.
func object(ctx context.Context, client *ent.Client, c *ent.Consent) error {
	at := *c.EffectiveAt
	_, err := client.ConsentState.Update().Where(consentstate.ApplicantID(c.ApplicantID),
		consentstate.PurposeEQ(consentstate.Purpose(c.Purpose)), consentstate.Category(""), consentstate.Granted(true),
		predicate.ConsentState(sql.FieldLT(consentstate.FieldConsentID, c.ID)), consentstate.Or(consentstate.VoidFromIsNil(), consentstate.VoidFromGT(at))).
		SetVoidFrom(at).Save(ctx)
	if err != nil {
		return err
	}
	k := keyOf(c)
	exists, err := client.ConsentState.Query().Where(consentstate.ApplicantID(k.applicant),
		consentstate.PurposeEQ(consentstate.Purpose(k.purpose)), consentstate.RecipientID(k.recipient),
		consentstate.Category(k.category)).Exist(ctx)
	if err != nil || exists {
		return err
	}
	return client.ConsentState.Create().SetApplicantID(k.applicant).SetPurpose(consentstate.Purpose(k.purpose)).
		SetRecipientID(k.recipient).SetCategory(k.category).SetConsentID(c.ID).SetGranted(false).SetAppliesFrom(at).Exec(ctx)
}

// Explicit returns the purposes a policy version changed under which a
// grant given before it has no deemed standing (policy §8 deems agreement
// only to a change of purpose; APPI asks actual consent for provision to
// third parties and for a new purpose): EMPLOYER_PROVISION, if it changed
// it, and every purpose it added.
func Explicit(v *ent.PolicyVersion) []string {
	out := slices.Clone(v.AddedPurposes)
	if slices.Contains(v.ChangedPurposes, string(entconsent.PurposeEMPLOYER_PROVISION)) && !slices.Contains(out, string(entconsent.PurposeEMPLOYER_PROVISION)) {
		out = append(out, string(entconsent.PurposeEMPLOYER_PROVISION))
	}
	return out
}

// loadVersions reads the published policy versions (few), by id.
func loadVersions(ctx context.Context, client *ent.Client) (map[int]*ent.PolicyVersion, error) {
	vs, err := client.PolicyVersion.Query().Select(policyversion.FieldEffectiveAt, policyversion.FieldChangedPurposes,
		policyversion.FieldAddedPurposes).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the policy versions: %w", err)
	}
	out := make(map[int]*ent.PolicyVersion, len(vs))
	for _, v := range vs {
		out[v.ID] = v
	}
	return out, nil
}

// voidFrom returns when a grant stops standing: the earliest effective
// time of a version that needs an explicit grant for its purpose and takes
// effect after the version the grant was given under; nil if none does
// (and for a withdrawal).
func voidFrom(c *ent.Consent, versions map[int]*ent.PolicyVersion) *time.Time {
	given, ok := versions[c.PolicyVersionID]
	if !c.Granted || !ok {
		return nil
	}
	var out *time.Time
	for _, v := range versions {
		if v.EffectiveAt.After(given.EffectiveAt) && slices.Contains(Explicit(v), string(c.Purpose)) &&
			(out == nil || v.EffectiveAt.Before(*out)) {
			at := v.EffectiveAt
			out = &at
		}
	}
	return out
}

// VoidOnPublish keeps the state's standing when a version is published:
// from its effective time, the grants it gives no deemed standing
// (Explicit) and that were given under an earlier version stop standing
// (the same rule as Apply's, for the lines already folded).
func VoidOnPublish() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PolicyVersionFunc(func(ctx context.Context, m *ent.PolicyVersionMutation) (ent.Value, error) {
			val, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			v, ok := val.(*ent.PolicyVersion)
			if !ok {
				return nil, fmt.Errorf("ledger: unexpected value %T", val)
			}
			purposes := Explicit(v)
			if len(purposes) == 0 {
				return val, nil
			}
			ps := make([]consentstate.Purpose, len(purposes))
			for i, p := range purposes {
				ps[i] = consentstate.Purpose(p)
			}
			ctx = privacy.DecisionContext(ctx, privacy.Allow)
			client := m.Client()
			earlier, err := client.PolicyVersion.Query().Where(policyversion.EffectiveAtLT(v.EffectiveAt)).IDs(ctx)
			if err != nil {
				return nil, fmt.Errorf("reading the policy versions: %w", err)
			}
			_, err = client.ConsentState.Update().Where(consentstate.PurposeIn(ps...), consentstate.Granted(true),
				consentstate.Or(consentstate.VoidFromIsNil(), consentstate.VoidFromGT(v.EffectiveAt)),
				consentstate.HasEntryWith(entconsent.PolicyVersionIDIn(earlier...))).
				SetVoidFrom(v.EffectiveAt).Save(ctx)
			if err != nil {
				return nil, fmt.Errorf("keeping the consent state: %w", err)
			}
			return val, nil
		})
	}, ent.OpCreate)
}
