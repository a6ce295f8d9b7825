package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"consentgate/consent"
)

// demoAct is one request of the demo's activity.
type demoAct struct {
	viewer consent.Viewer
	query  string
}

// demoActivity is what the demo's staff do when the demo is first seeded,
// sent through the gateway itself so that the access records they leave
// are the ones the field guard writes: every employer's recruiter reads its
// dashboard, support reads the subjects of the open privacy requests, and
// the mailer reads the first page of the mail magazine audience.
func demoActivity() []demoAct {
	var out []demoAct
	for _, e := range demoEmployers {
		out = append(out, demoAct{consent.Viewer{Account: "recruiter-" + e.externalID + "-1", Role: consent.Employer, Org: e.externalID},
			`{ applications(first: 100) { edges { node { status reason applicant { name email phone birthDate visaStatus educationLevel skills } } } } }`})
	}
	return append(out,
		demoAct{consent.Viewer{Account: "support-1", Role: consent.Support},
			`{ privacyRequests(first: 50) { edges { node { kind applicant { name email phone } } } } }`},
		demoAct{consent.Viewer{Account: "mailer-1", Role: consent.Marketing, Purpose: consent.MailMagazine},
			`{ applicants(first: 100) { edges { node { name email } } } }`})
}

// RunDemoActivity sends demoActivity through h, signed with secret, and
// fails on any error: the demo's access trail is real.
func RunDemoActivity(ctx context.Context, h http.Handler, secret []byte) error {
	for _, a := range demoActivity() {
		tok, err := SignToken(secret, a.viewer, time.Minute, time.Now())
		if err != nil {
			return err
		}
		body, _ := json.Marshal(map[string]any{"query": a.query})
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
