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

// Registrar is the admin account the demo registers the shipped
// operations as.
const Registrar = "consentgate-demo"

// SeedOperations registers the operations shipped in operations/ that the
// database does not hold yet, as the demo's admin, and returns how many it
// registered: the demo runs it at every start, so an operation shipped
// since the database was seeded is registered too. A shipped operation
// whose document changed replaces the unrevoked one of the same name,
// which is revoked.
func SeedOperations(ctx context.Context, client *ent.Client, p *consent.Policy) (int, error) {
	files, err := operations.Shipped()
	if err != nil {
		return 0, fmt.Errorf("reading the shipped operations: %w", err)
	}
	schema := graph.NewSchema(client).Schema()
	ctx = consent.WithEngine(consent.NewContext(ctx, consent.Viewer{Account: Registrar, Role: consent.Admin}), consent.NewEngine(p))
	registered := 0
	for _, f := range files {
		if err := graph.CheckDocument(schema, f.Document); err != nil {
			return registered, fmt.Errorf("%s: %w", f.Path, err)
		}
		purpose, err := consent.ParsePurpose(f.Purpose)
		if err != nil {
			return registered, fmt.Errorf("%s: %w", f.Path, err)
		}
		exists, err := client.Operation.Query().Where(operation.Hash(f.ID())).Exist(ctx)
		if err != nil {
			return registered, err
		}
		if exists {
			continue
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
			SetDocument(f.Document).SetApprovedBy(f.ApprovedBy)
		if f.Description != "" {
			create.SetDescription(f.Description)
		}
		err = create.Exec(ctx)
		if err != nil {
			return registered, fmt.Errorf("%s: %w", f.Path, err)
		}
		registered++
	}
	return registered, nil
}
