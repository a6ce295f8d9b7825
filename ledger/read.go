package ledger

import (
	"context"
	"fmt"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/consentstate"
	"consentgate/ent/privacy"
)

// Current returns a subject's ledger entries now in force, one per state
// line, in the order their keys first entered the state, with each entry's
// employer and policy version. It reads as the enforcement layer: callers
// decide who may see the result.
func Current(ctx context.Context, client *ent.Client, applicantID int) ([]*ent.Consent, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	states, err := client.ConsentState.Query().Where(consentstate.ApplicantID(applicantID)).
		Order(ent.Asc(consentstate.FieldID)).
		WithEntry(func(q *ent.ConsentQuery) { q.WithEmployer().WithPolicyVersion() }).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the consent state: %w", err)
	}
	out := make([]*ent.Consent, len(states))
	for i, s := range states {
		if out[i] = s.Edges.Entry; out[i] == nil {
			return nil, fmt.Errorf("reading the consent state: line %d has no entry", s.ID)
		}
	}
	return out, nil
}

// StateOf returns the consent state of the entries Current returned, for
// the engine: each entry's recipient is its employer's external id.
func StateOf(current []*ent.Consent) consent.Consents {
	lines := make([]consent.Entry, len(current))
	for i, c := range current {
		lines[i] = consent.Entry{Seq: int64(c.ID), Purpose: consent.Purpose(c.Purpose), Granted: c.Granted}
		if emp := c.Edges.Employer; emp != nil {
			lines[i].Recipient = emp.ExternalID
		}
		if c.WithheldCategory != nil {
			lines[i].Category = consent.Category(*c.WithheldCategory)
		}
	}
	return consent.State(lines...)
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
