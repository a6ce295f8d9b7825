package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"consentgate/ent"
	"consentgate/ent/privacy"
)

// Timestamps that tell nothing (issue 12): a viewer who is not the subject
// sees no timestamp that moves with fields it cannot see. The update time
// of an applicant, an application or a privacy request moves with every
// field: it goes only to a viewer that sees every category plain
// (@personalTimestamp), and nothing filters or sorts by it.
// graph.TestTimestampsOfPersonalTypes checks every timestamp of the schema.

// TestHiddenEditsLeaveNoTrace: alice edits fields acme may not see (her
// street, her workplace): every response acme gets is the same, byte for
// byte, before and after; alice sees her update time move.
func TestHiddenEditsLeaveNoTrace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		queries := []string{
			`query($id: ID!) { applicant(id: $id) { id createdAt updatedAt erasedAt name workplaceName applications { edges { node { createdAt updatedAt statusChangedAt } } } } }`,
			`{ applicants(orderBy: {field: CREATED_AT, direction: DESC}) { totalCount edges { cursor node { id createdAt updatedAt } } } }`,
			`{ applications { edges { node { createdAt updatedAt statusChangedAt applicant { updatedAt } } } } }`,
			`query($id: ID!) { node(id: $id) { ... on Applicant { updatedAt } } }`,
		}
		vars := map[string]any{"id": f.applicants["alice"].ID}
		var before []string
		for _, q := range queries {
			r := f.post(t, as("acme"), q, vars)
			if r.Errors != nil || !strings.Contains(r.Raw, `"updatedAt":null`) || !strings.Contains(r.Raw, `"updatedAt":"NOT_PERMITTED"`) {
				t.Fatalf("acme: %s", r.Raw)
			}
			before = append(before, r.Raw)
		}
		mine := func() string {
			r := f.post(t, as("alice"), `{ me { updatedAt } }`, nil)
			s, _ := dig(r.Data, "me", "updatedAt").(string)
			if s == "" {
				t.Fatalf("alice's own update time: %s", r.Raw)
			}
			return s
		}
		// An update time an hour old, so that the edits must move it.
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		client.Applicant.UpdateOneID(f.applicants["alice"].ID).SetUpdatedAt(time.Now().Add(-time.Hour)).ExecX(ctx)
		for i, q := range queries {
			before[i] = f.post(t, as("acme"), q, vars).Raw
		}
		first := mine()
		for _, edit := range []string{
			`mutation { updateMyProfile(input: {street: "cnryalicenewstreet"}) { id } }`,
			`mutation { updateMyProfile(input: {workplaceName: "cnryalicenewwp", workplacePhone: "06-9999-0000"}) { id } }`,
		} {
			if r := f.post(t, as("alice"), edit, nil); r.Errors != nil {
				t.Fatal(r.Raw)
			}
		}
		if mine() == first {
			t.Fatal("alice's update time did not move with her edits")
		}
		for i, q := range queries {
			if r := f.post(t, as("acme"), q, vars); r.Raw != before[i] {
				t.Fatalf("acme sees a hidden edit: %s\nbefore: %s\nafter:  %s", firstDifference(before[i], r.Raw), before[i], r.Raw)
			}
		}
	})
}

// TestUpdateTimesAreNotArguments: nothing filters or orders by an update
// time of a personal type.
func TestUpdateTimesAreNotArguments(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		for _, q := range []string{
			`{ applicants(orderBy: {field: UPDATED_AT}) { totalCount } }`,
			`{ applicants(where: {updatedAtGT: "2020-01-01T00:00:00Z"}) { totalCount } }`,
			`{ applications(orderBy: {field: UPDATED_AT}) { totalCount } }`,
			`{ applications(where: {updatedAtLT: "2099-01-01T00:00:00Z"}) { totalCount } }`,
			`{ privacyRequests(orderBy: {field: UPDATED_AT}) { totalCount } }`,
		} {
			if r := f.post(t, as("acme"), q, nil); errorCode(r) != "GRAPHQL_VALIDATION_FAILED" {
				t.Errorf("%s: %s", q, r.Raw)
			}
		}
		// Jobs hold no personal data: their update time stays.
		if r := f.post(t, as("acme"), `{ jobs(orderBy: {field: UPDATED_AT}) { totalCount edges { node { updatedAt } } } }`, nil); r.Errors != nil {
			t.Errorf("jobs by update time: %s", r.Raw)
		}
	})
}

// TestUpdateTimesOfOthers: support and compliance see a privacy request's
// status and dates but not its update time (the proposed changes and the
// result move it too); a compliance account under a live grant, which sees
// every category, gets the update time, and reading it alone records no
// release.
func TestUpdateTimesOfOthers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		for _, viewer := range []string{"support", "compliance"} {
			r := f.post(t, as(viewer), `{ privacyRequests { edges { node { status createdAt dueAt completedAt updatedAt } } } }`, nil)
			if !strings.Contains(r.Raw, `"updatedAt":null`) || !strings.Contains(r.Raw, `"fields":{"updatedAt":"NOT_PERMITTED"}`) || !strings.Contains(r.Raw, `"dueAt":"`) {
				t.Errorf("%s: %s", viewer, r.Raw)
			}
		}
		alice := f.applicants["alice"]
		g := mustGrant(t, f.requestGrant(t, as("compliance"), alice.ID, "LAW"), "requestAccessGrant")
		mustGrant(t, f.approveGrant(t, as("approver"), g["id"]), "approveAccessGrant")
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		records := client.AccessRecord.Query().CountX(ctx)
		r := f.post(t, as("compliance"), `query($id: ID!) { applicant(id: $id) { updatedAt } }`, map[string]any{"id": alice.ID})
		if s, _ := dig(r.Data, "applicant", "updatedAt").(string); s == "" || r.Extensions["withheld"] != nil {
			t.Fatalf("compliance under a grant: %s", r.Raw)
		}
		if n := client.AccessRecord.Query().CountX(ctx); n != records {
			t.Errorf("reading an update time wrote %d access records", n-records)
		}
	})
}
