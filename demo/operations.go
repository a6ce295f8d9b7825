package demo

import (
	"context"
	"fmt"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/operation"
	"consentgate/graph"
	"consentgate/operations"
)

// The demo's two admin accounts for the shipped operations: one registers
// them, the other approves them, as two admins would through the API
// (registerOperation, then approveOperation).
const (
	Registrar = "consentgate-demo"
	Approver  = "consentgate-demo-approver"
)

// SeedOperations registers the operations shipped in operations/ that the
// database does not hold yet, as the demo's registrar, approves them as its
// approver, and returns how many it registered: the demo runs it at every
// start, so an operation shipped since the database was seeded is
// registered too, and one left pending is approved. A shipped operation
// whose document changed replaces the unrevoked one of the same name,
// which is revoked.
func SeedOperations(ctx context.Context, client *ent.Client, p *consent.Policy) (int, error) {
	files, err := operations.Shipped()
	if err != nil {
		return 0, fmt.Errorf("reading the shipped operations: %w", err)
	}
	schema := graph.NewSchema(client).Schema()
	engine := consent.NewEngine(p)
	approver := consent.WithEngine(consent.NewContext(ctx, consent.Viewer{Account: Approver, Role: consent.Admin}), engine)
	ctx = consent.WithEngine(consent.NewContext(ctx, consent.Viewer{Account: Registrar, Role: consent.Admin}), engine)
	registered := 0
	for _, f := range files {
		if err := graph.CheckDocument(schema, f.Document); err != nil {
			return registered, fmt.Errorf("%s: %w", f.Path, err)
		}
		purpose, err := consent.ParsePurpose(f.Purpose)
		if err != nil {
			return registered, fmt.Errorf("%s: %w", f.Path, err)
		}
		op, err := client.Operation.Query().Where(operation.Hash(f.ID())).Only(ctx)
		switch {
		case err == nil && op.ApprovedAt == nil && op.RevokedAt == nil:
			if err := client.Operation.UpdateOne(op).SetApprovedAt(time.Now()).Exec(approver); err != nil {
				return registered, fmt.Errorf("%s: approving: %w", f.Path, err)
			}
			continue
		case err == nil:
			continue
		case !ent.IsNotFound(err):
			return registered, err
		}
		older, err := client.Operation.Query().Where(operation.Name(f.Name), operation.RevokedAtIsNil()).IDs(ctx)
		if err != nil {
			return registered, err
		}
		for _, id := range older {
			err := client.Operation.UpdateOneID(id).SetRevokedAt(time.Now()).
				SetRevocationReason("replaced by the shipped version " + f.ID()).Exec(ctx)
			if err != nil {
				return registered, fmt.Errorf("%s: revoking the version it replaces: %w", f.Path, err)
			}
		}
		create := client.Operation.Create().SetName(f.Name).SetPurpose(operation.Purpose(purpose)).
			SetDocument(f.Document)
		if f.Description != "" {
			create.SetDescription(f.Description)
		}
		op, err = create.Save(ctx)
		if err != nil {
			return registered, fmt.Errorf("%s: %w", f.Path, err)
		}
		if err := client.Operation.UpdateOne(op).SetApprovedAt(time.Now()).Exec(approver); err != nil {
			return registered, fmt.Errorf("%s: approving: %w", f.Path, err)
		}
		registered++
	}
	return registered, nil
}
