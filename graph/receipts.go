package graph

import (
	"context"
	"fmt"

	"consentgate/ent"
	"consentgate/ent/privacy"
	"consentgate/receipt"
)

// receipt signs the receipt of a consent ledger entry the viewer reaches
// (package receipt): its fields, the policy version's identifier and text
// digest, the employer's external id, and the subject's pseudonym. The
// version and the employer are public and read with privileges; the entry
// itself was read under the viewer's row rules. Nil without a signer.
func (r *Resolver) receipt(ctx context.Context, c *ent.Consent) (*string, error) {
	if r.receipts == nil {
		return nil, nil
	}
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	client := r.clientFrom(ctx)
	pv, err := client.PolicyVersion.Get(sys, c.PolicyVersionID)
	if err != nil {
		return nil, fmt.Errorf("reading a receipt's policy version: %w", err)
	}
	claims := receipt.Claims{
		Issuer: receipt.Issuer, Subject: r.masker.Pseudonym(c.ApplicantID), Purpose: c.Purpose.String(),
		Granted: c.Granted, PolicyVersion: pv.Version, PolicyDigest: pv.TextDigest,
	}
	claims.Time, claims.IssuedAt = receipt.EntryTime(c.RecordedAt)
	if c.EmployerID != nil {
		e, err := client.Employer.Get(sys, *c.EmployerID)
		if err != nil {
			return nil, fmt.Errorf("reading a receipt's recipient: %w", err)
		}
		claims.Recipient = &e.ExternalID
	}
	if c.WithheldCategory != nil {
		category := c.WithheldCategory.String()
		claims.Category = &category
	}
	jws, err := r.receipts.Sign(claims)
	if err != nil {
		return nil, err
	}
	return &jws, nil
}
