package operations

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Pusher registers and approves operations through a running gateway's
// GraphQL API, as the admin its token names.
type Pusher struct {
	Endpoint string // the gateway's /graphql URL
	Token    string // an ADMIN bearer token
	Client   *http.Client
}

// CodeOperationExists is the error code of registering a document that is
// registered already.
const CodeOperationExists = "OPERATION_EXISTS"

// Statuses Push and Approve report.
const (
	StatusRegistered        = "registered, pending approval by a second admin"
	StatusAlreadyRegistered = "already registered"
	StatusApproved          = "approved"
	StatusAlreadyApproved   = "already approved"
)

// findQuery looks an operation up by its document id (admins read every
// operation).
const findQuery = `query($hash: String!) { operations(where: {hash: $hash}) { edges { node { id approvedAt revokedAt } } } }`

// gqlError is one error of a GraphQL response.
type gqlError struct {
	Message    string
	Extensions struct{ Code string }
}

// post sends one GraphQL request and decodes its data into data; it
// returns the response's errors, or an error of its own when the gateway
// did not answer with a GraphQL response.
func (p Pusher) post(ctx context.Context, query string, vars map[string]any, data any) ([]gqlError, error) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+p.Token)
	resp, err := p.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	var out struct {
		Data   json.RawMessage
		Errors []gqlError
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("the gateway answered %d, not a GraphQL response", resp.StatusCode)
	}
	if len(out.Errors) == 0 && resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the gateway answered %d", resp.StatusCode)
	}
	if len(out.Data) > 0 && string(out.Data) != "null" {
		if err := json.Unmarshal(out.Data, data); err != nil {
			return nil, fmt.Errorf("the gateway's data: %w", err)
		}
	}
	return out.Errors, nil
}

// Push registers one operation file, pending, and says what became of it:
// StatusRegistered or StatusAlreadyRegistered. It does not run until a
// second admin approves it (Approve).
func (p Pusher) Push(ctx context.Context, f File) (string, error) {
	in := map[string]any{"name": f.Name, "purpose": f.Purpose, "document": f.Document}
	if f.Description != "" {
		in["description"] = f.Description
	}
	var data struct {
		RegisterOperation *struct{ Hash, Name string }
	}
	errs, err := p.post(ctx, RegisterMutation, map[string]any{"in": in}, &data)
	switch {
	case err != nil:
		return "", err
	case len(errs) > 0 && errs[0].Extensions.Code == CodeOperationExists:
		return StatusAlreadyRegistered, nil
	case len(errs) > 0:
		return "", fmt.Errorf("%s (%s)", errs[0].Message, errs[0].Extensions.Code)
	case data.RegisterOperation == nil:
		return "", fmt.Errorf("the gateway answered without the operation")
	case data.RegisterOperation.Hash != f.ID():
		return "", fmt.Errorf("the gateway registered it as %s, not %s", data.RegisterOperation.Hash, f.ID())
	}
	return StatusRegistered, nil
}

// Approve approves the registered operation whose document is f's, as
// the token's admin (who must not be the one that registered it), and says
// what became of it: StatusApproved or StatusAlreadyApproved. Approving by
// the file's id approves exactly the text the approver read.
func (p Pusher) Approve(ctx context.Context, f File) (string, error) {
	var found struct {
		Operations struct {
			Edges []struct {
				Node struct {
					ID                    string
					ApprovedAt, RevokedAt *string
				}
			}
		}
	}
	errs, err := p.post(ctx, findQuery, map[string]any{"hash": f.ID()}, &found)
	switch {
	case err != nil:
		return "", err
	case len(errs) > 0:
		return "", fmt.Errorf("%s (%s)", errs[0].Message, errs[0].Extensions.Code)
	case len(found.Operations.Edges) == 0:
		return "", fmt.Errorf("not registered: push it first")
	}
	op := found.Operations.Edges[0].Node
	switch {
	case op.RevokedAt != nil:
		return "", fmt.Errorf("revoked: it cannot be approved")
	case op.ApprovedAt != nil:
		return StatusAlreadyApproved, nil
	}
	var data struct {
		ApproveOperation *struct{ Hash string }
	}
	errs, err = p.post(ctx, ApproveMutation, map[string]any{"id": op.ID}, &data)
	switch {
	case err != nil:
		return "", err
	case len(errs) > 0:
		return "", fmt.Errorf("%s (%s)", errs[0].Message, errs[0].Extensions.Code)
	case data.ApproveOperation == nil || data.ApproveOperation.Hash != f.ID():
		return "", fmt.Errorf("the gateway answered without the operation")
	}
	return StatusApproved, nil
}
