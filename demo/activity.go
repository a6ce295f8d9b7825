package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"time"

	"consentgate/consent"
	"consentgate/operations"
)

// demoAct is one request of the demo's activity.
type demoAct struct {
	viewer consent.Viewer
	query  string
	vars   map[string]any
}

// demoActivity is what the demo's staff do when the demo is first seeded,
// sent through the gateway itself so that the access records they leave
// are the ones the field guard writes: every employer's recruiter reads its
// dashboard, support reads the subjects of the open privacy requests, and
// the mailer reads the first page of the mail magazine audience (the
// shipped approved operation, which SeedOperations registers).
func demoActivity() ([]demoAct, error) {
	var out []demoAct
	for _, e := range demoEmployers {
		out = append(out, demoAct{consent.Viewer{Account: "recruiter-" + e.externalID + "-1", Role: consent.Employer, Org: e.externalID},
			`{ applications(first: 100) { edges { node { status reason applicant { name email phone birthDate visaStatus educationLevel skills } } } } }`, nil})
	}
	shipped, err := operations.Shipped()
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(shipped, func(f operations.File) bool { return f.Name == "mail_magazine_audience" })
	if i < 0 {
		return nil, errors.New("the mail magazine's operation is not shipped")
	}
	return append(out,
		demoAct{consent.Viewer{Account: "support-1", Role: consent.Support},
			`{ privacyRequests(first: 50) { edges { node { kind applicant { name email phone } } } } }`, nil},
		demoAct{consent.Viewer{Account: "mailer-1", Role: consent.Marketing, Purpose: consent.MailMagazine},
			shipped[i].Document, map[string]any{"first": 100}}), nil
}

// RunActivity sends demoActivity through h, each request with a token
// sign makes for its viewer, and fails on any error: the demo's access
// trail is real.
func RunActivity(ctx context.Context, h http.Handler, sign Signer) error {
	acts, err := demoActivity()
	if err != nil {
		return err
	}
	for _, a := range acts {
		tok, err := sign(a.viewer, time.Minute)
		if err != nil {
			return err
		}
		params := map[string]any{"query": a.query, "variables": a.vars}
		if a.viewer.Role.ApprovedOperationsOnly() {
			params = map[string]any{"documentId": operations.ID(a.query), "variables": a.vars}
		}
		body, _ := json.Marshal(params)
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var resp struct {
			Errors []json.RawMessage `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); rec.Code != http.StatusOK || err != nil || len(resp.Errors) > 0 {
			return fmt.Errorf("demo activity of %s %s: status %d, %d errors", a.viewer.Role, a.viewer.Org, rec.Code, len(resp.Errors))
		}
	}
	return nil
}
