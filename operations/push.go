package operations

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Pusher registers operations through a running gateway's GraphQL API, as
// the admin its token names.
type Pusher struct {
	Endpoint string // the gateway's /graphql URL
	Token    string // an ADMIN bearer token
	Client   *http.Client
}

// CodeOperationExists is the error code of registering a document that is
// registered already.
const CodeOperationExists = "OPERATION_EXISTS"

// Push registers one operation file and says what became of it:
// "registered" or "already registered".
func (p Pusher) Push(ctx context.Context, f File) (string, error) {
	in := map[string]any{"name": f.Name, "purpose": f.Purpose, "document": f.Document, "approvedBy": f.ApprovedBy}
	if f.Description != "" {
		in["description"] = f.Description
	}
	body, err := json.Marshal(map[string]any{"query": RegisterMutation, "variables": map[string]any{"in": in}})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Endpoint, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+p.Token)
	resp, err := p.Client.Do(req)
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
	case len(out.Errors) > 0 && out.Errors[0].Extensions.Code == CodeOperationExists:
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
