package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"consentgate/ent"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
)

// TestPrivacyRequests: an applicant files any of the seven kinds of §6(2);
// support and compliance move them through the state machine (with a
// reason for a rejection, the handler recorded, invalid moves refused);
// nobody else handles them; overdue requests are listed.
func TestPrivacyRequests(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		file := `mutation($k: PrivacyRequestKind!) { filePrivacyRequest(kind: $k) { id kind status dueAt overdue applicant { name } } }`
		kinds := []string{"NOTICE", "DISCLOSURE", "CORRECTION", "ADDITION", "DELETION", "CEASE_OF_USE", "CEASE_OF_PROVISION"}
		var ids []any
		for _, k := range kinds {
			r := f.post(t, as("alice"), file, map[string]any{"k": k})
			if dig(r.Data, "filePrivacyRequest", "status") != "RECEIVED" || dig(r.Data, "filePrivacyRequest", "overdue") != false ||
				dig(r.Data, "filePrivacyRequest", "applicant", "name") != "cnryalicename" {
				t.Fatalf("file %s: %s", k, r.Raw)
			}
			due, _ := time.Parse(time.RFC3339Nano, dig(r.Data, "filePrivacyRequest", "dueAt").(string))
			if d := time.Until(due); d < 13*24*time.Hour || d > 14*24*time.Hour {
				t.Fatalf("due in %v", d)
			}
			ids = append(ids, dig(r.Data, "filePrivacyRequest", "id"))
		}
		for _, v := range []string{"acme", "admin", "", "newcomer"} {
			if r := f.post(t, viewerOrAnonymous(v), file, map[string]any{"k": "NOTICE"}); errorCode(r) != "FORBIDDEN" {
				t.Errorf("%q filed a request: %s", v, r.Raw)
			}
		}
		// Support reaches alice now that she has an open request, and sees
		// her requests; employers do not.
		if r := f.post(t, as("support"), `{ privacyRequests(first: 20) { totalCount } }`, nil); dig(r.Data, "privacyRequests", "totalCount") != float64(8) { // 7 + dave's
			t.Fatalf("support's requests: %s", r.Raw)
		}
		if r := f.post(t, as("acme"), `{ privacyRequests { totalCount } }`, nil); dig(r.Data, "privacyRequests", "totalCount") != float64(0) {
			t.Fatalf("an employer sees requests: %s", r.Raw)
		}

		handle := `mutation($id: ID!, $s: PrivacyRequestStatus!, $why: String) { handlePrivacyRequest(id: $id, status: $s, rejectionReason: $why) { status handler completedAt rejectionReason } }`
		steps := []struct {
			viewer string
			id     any
			status string
			why    any
			code   string
		}{
			{"alice", ids[0], "IN_PROGRESS", nil, "FORBIDDEN"},
			{"acme", ids[0], "IN_PROGRESS", nil, "FORBIDDEN"},
			{"support", ids[0], "COMPLETED", nil, "BAD_USER_INPUT"}, // received → completed skips a step
			{"support", ids[0], "IN_PROGRESS", nil, ""},
			{"support", ids[0], "COMPLETED", nil, ""},
			{"support", ids[0], "IN_PROGRESS", nil, "NOT_FOUND"},      // completed is final (and no longer open, so out of support's reach)
			{"compliance", ids[1], "REJECTED", nil, "BAD_USER_INPUT"}, // a rejection needs a reason
			{"compliance", ids[1], "REJECTED", "the identity could not be confirmed", ""},
			{"compliance", ids[1], "IN_PROGRESS", nil, "BAD_USER_INPUT"},
		}
		for _, s := range steps {
			r := f.post(t, as(s.viewer), handle, map[string]any{"id": s.id, "s": s.status, "why": s.why})
			if errorCode(r) != s.code {
				t.Fatalf("%s moves %v to %s: %s, want %q", s.viewer, s.id, s.status, r.Raw, s.code)
			}
			if s.code == "" {
				if dig(r.Data, "handlePrivacyRequest", "handler") != as(s.viewer).Account {
					t.Fatalf("handler not recorded: %s", r.Raw)
				}
				if final := s.status != "IN_PROGRESS"; final != (dig(r.Data, "handlePrivacyRequest", "completedAt") != nil) {
					t.Fatalf("completedAt: %s", r.Raw)
				}
			}
		}

		// Overdue: a request past its due date is flagged and listed.
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		f.client.PrivacyRequest.Update().Where(privacyrequest.KindEQ(privacyrequest.KindDELETION)).
			SetDueAt(time.Now().Add(-time.Hour)).ExecX(ctx)
		r := f.post(t, as("compliance"), `{ overduePrivacyRequests { totalCount edges { node { kind overdue } } } }`, nil)
		if r.Raw != `{"data":{"overduePrivacyRequests":{"totalCount":1,"edges":[{"node":{"kind":"DELETION","overdue":true}}]}}}` {
			t.Fatalf("overdue: %s", r.Raw)
		}
		if r := f.post(t, as("acme"), `{ overduePrivacyRequests { totalCount } }`, nil); !strings.Contains(r.Raw, `"totalCount":0`) {
			t.Fatalf("an employer's overdue view: %s", r.Raw)
		}
	})
}
