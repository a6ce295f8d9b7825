package ledger

import (
	"context"
	"fmt"
	"time"

	"entgo.io/ent/dialect/sql"

	"consentgate/consent"
	"consentgate/ent"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/consentstate"
	"consentgate/ent/privacy"
)

// InForce keeps, of the consent ledger entries a query selects, those in
// force (the entries the state's lines hold), in the order their lines
// were first written. As a query's order option it makes a subject's
// entries their current state, read by the state's index.
func InForce(s *sql.Selector) {
	l := sql.Table(consentstate.Table)
	line := sql.Select(l.C(consentstate.FieldID)).From(l).Where(sql.ColumnsEQ(l.C(consentstate.FieldConsentID), s.C(entconsent.FieldID)))
	s.Where(sql.Exists(line))
	s.OrderExpr(sql.ExprFunc(func(b *sql.Builder) { b.Wrap(func(b *sql.Builder) { b.Join(line) }) }))
}

// Current returns a subject's ledger entries now in force (InForce), with
// each entry's employer and policy version. It reads as the enforcement
// layer: callers decide who may see the result.
func Current(ctx context.Context, client *ent.Client, applicantID int) ([]*ent.Consent, error) {
	current, err := client.Consent.Query().Where(entconsent.ApplicantID(applicantID)).Unique(false).Order(InForce).
		WithEmployer().WithPolicyVersion().WithState().All(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, fmt.Errorf("reading the consent state: %w", err)
	}
	return current, nil
}

// StateOf returns the consent state of the entries Current returned as it
// stands at now, for the engine: each entry's recipient is its employer's
// external id.
func StateOf(current []*ent.Consent, now time.Time) consent.Consents {
	lines := make([]consent.Entry, len(current))
	for i, c := range current {
		lines[i] = EntryOf(c)
	}
	return consent.StateAt(now, lines...)
}

// EntryOf returns the engine's line of a ledger entry Current returned
// (with its employer and state line).
func EntryOf(c *ent.Consent) consent.Entry {
	l := consent.Entry{Seq: int64(c.ID), Purpose: consent.Purpose(c.Purpose), Granted: c.Granted}
	if emp := c.Edges.Employer; emp != nil {
		l.Recipient = emp.ExternalID
	}
	if c.WithheldCategory != nil {
		l.Category = consent.Category(*c.WithheldCategory)
	}
	if st := c.Edges.State; st != nil {
		l.From = timeOf(st.AppliesFrom)
		l.Until = timeOf(st.VoidFrom)
	}
	return l
}

func timeOf(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// Recipients returns the employers a subject's consent state names for the
// whole of EMPLOYER_PROVISION (given or withdrawn by name), by id.
func Recipients(ctx context.Context, client *ent.Client, applicantID int) ([]int, error) {
	ids, err := client.ConsentState.Query().Where(consentstate.ApplicantID(applicantID),
		consentstate.PurposeEQ(consentstate.PurposeEMPLOYER_PROVISION), consentstate.Category(""),
		consentstate.RecipientIDNEQ(0)).
		Order(ent.Asc(consentstate.FieldRecipientID)).Select(consentstate.FieldRecipientID).
		Ints(privacy.DecisionContext(ctx, privacy.Allow))
	if err != nil {
		return nil, fmt.Errorf("reading the consent state: %w", err)
	}
	return ids, nil
}
