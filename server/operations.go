package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/operation"
	"consentgate/graph"
	"consentgate/operations"
)

// The operations command registers approved operations through a running
// gateway's GraphQL API, as an admin:
//
//	go run ./server operations push [-url URL] [-token T | -secret S] [-sub ADMIN] DIR
//
// Each *.graphql file of DIR is one operation, with "# name:",
// "# purpose:", "# description:" and "# approvedBy:" header comments (see
// package operations). A document registered already is reported and
// skipped, so pushing a directory twice changes nothing.

func operationsCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "push" {
		return errors.New("usage: operations push [-url URL] [-token T | -secret S] [-sub ADMIN] DIR")
	}
	fs := flag.NewFlagSet("operations push", flag.ContinueOnError)
	endpoint := fs.String("url", "http://localhost:8080/graphql", "the gateway's GraphQL endpoint")
	token := fs.String("token", "", "an ADMIN token (default: one signed with -secret)")
	secret := fs.String("secret", "", "HS256 secret to sign an ADMIN token with (default: CONSENTGATE_JWT_SECRET, else the demo secret)")
	sub := fs.String("sub", "admin-1", "the admin account a signed token names (recorded as registeredBy)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("operations push: one directory expected")
	}
	files, err := operations.ReadDir(os.DirFS(fs.Arg(0)), ".")
	if err != nil {
		return fmt.Errorf("operations push: %w", err)
	}
	if len(files) == 0 {
		return fmt.Errorf("operations push: no *.graphql file in %s", fs.Arg(0))
	}
	tok := *token
	if tok == "" {
		key := []byte(*secret)
		if len(key) == 0 {
			key = tokenSecret()
		}
		if tok, err = SignToken(key, consent.Viewer{Account: *sub, Role: consent.Admin}, 10*time.Minute, time.Now()); err != nil {
			return err
		}
	}
	p := operationPusher{endpoint: *endpoint, token: tok, client: &http.Client{Timeout: 30 * time.Second}}
	failed := 0
	for _, f := range files {
		status, err := p.push(ctx, f)
		if err != nil {
			failed++
			status = "error: " + err.Error()
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", f.Path, f.Name, f.ID(), status)
	}
	if failed > 0 {
		return fmt.Errorf("operations push: %d of %d operations not registered", failed, len(files))
	}
	return nil
}

// operationPusher registers operations through one gateway.
type operationPusher struct {
	endpoint, token string
	client          *http.Client
}

// push registers one operation file and says what became of it:
// "registered" or "already registered".
func (p operationPusher) push(ctx context.Context, f operations.File) (string, error) {
	in := map[string]any{"name": f.Name, "purpose": f.Purpose, "document": f.Document, "approvedBy": f.ApprovedBy}
	if f.Description != "" {
		in["description"] = f.Description
	}
	body, err := json.Marshal(map[string]any{"query": operations.RegisterMutation, "variables": map[string]any{"in": in}})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.endpoint, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+p.token)
	resp, err := p.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", err
	}
	var out struct {
		Data struct {
			RegisterOperation *struct{ Hash, Name string }
		}
		Errors []struct {
			Message    string
			Extensions struct{ Code string }
		}
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return "", fmt.Errorf("the gateway answered %d, not a GraphQL response", resp.StatusCode)
	}
	switch {
	case len(out.Errors) > 0 && out.Errors[0].Extensions.Code == graph.CodeOperationExists:
		return "already registered", nil
	case len(out.Errors) > 0:
		return "", fmt.Errorf("%s (%s)", out.Errors[0].Message, out.Errors[0].Extensions.Code)
	case resp.StatusCode != http.StatusOK || out.Data.RegisterOperation == nil:
		return "", fmt.Errorf("the gateway answered %d without the operation", resp.StatusCode)
	case out.Data.RegisterOperation.Hash != f.ID():
		return "", fmt.Errorf("the gateway registered it as %s, not %s", out.Data.RegisterOperation.Hash, f.ID())
	}
	return "registered", nil
}

// demoRegistrar is the admin account the demo registers the shipped
// operations as.
const demoRegistrar = "consentgate-demo"

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
	ctx = consent.WithEngine(consent.NewContext(ctx, consent.Viewer{Account: demoRegistrar, Role: consent.Admin}), consent.NewEngine(p))
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
