package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/demo"
	"consentgate/ent"
	"consentgate/ent/operation"
	"consentgate/ent/privacy"
	"consentgate/graph"
	"consentgate/operations"
)

const (
	registerOp = `mutation($in: RegisterOperationInput!) { registerOperation(input: $in) { id hash name purpose registeredBy approvedBy approvedAt revokedAt } }`
	approveOp  = `mutation($id: ID!) { approveOperation(id: $id) { id registeredBy approvedBy approvedAt revokedAt } }`
	revokeOp   = `mutation($id: ID!, $reason: String!) { revokeOperation(id: $id, reason: $reason) { id revokedAt revokedBy revocationReason } }`
	// analyticsDoc selects a field ANALYTICS hides (name) beside ones it
	// releases (visaStatus) and one no purpose of the role reaches (street).
	analyticsDoc = "query VisaMix {\n  applicants(first: 10) { totalCount edges { node { visaStatus name street } } }\n}\n"
	mailDoc      = "query NameMix {\n  applicants(first: 10) { totalCount edges { node { name street } } }\n}\n"
	statsDoc     = "query VisaStats {\n  applicantStatistics(groupBy: [VISA_STATUS]) { purpose total groups { count } remainder { count } }\n}\n"
)

// secondAdmin is an admin account other than the fixture's admin-1: the
// one that approves what admin-1 registers.
var secondAdmin = &consent.Viewer{Account: "admin-2", Role: consent.Admin}

// register registers doc as admin, has a second admin approve it, and
// returns the operation's node id and document id.
func (f *fixture) register(t *testing.T, name, purpose, doc string) (nodeID, docID string) {
	t.Helper()
	r := f.post(t, as("admin"), registerOp, map[string]any{"in": map[string]any{
		"name": name, "purpose": purpose, "document": doc}})
	if len(r.Errors) > 0 {
		t.Fatalf("registering %s: %s", name, r.Raw)
	}
	nodeID = dig(r.Data, "registerOperation", "id").(string)
	if r := f.post(t, secondAdmin, approveOp, map[string]any{"id": nodeID}); len(r.Errors) > 0 {
		t.Fatalf("approving %s: %s", name, r.Raw)
	}
	return nodeID, dig(r.Data, "registerOperation", "hash").(string)
}

// send posts a raw request body as viewer.
func (f *fixture) send(t *testing.T, viewer *consent.Viewer, body map[string]any) gqlResponse {
	t.Helper()
	b, _ := json.Marshal(body)
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Request-Id", "test-request")
	if viewer != nil {
		req.Header.Set("Authorization", "Bearer "+token(t, *viewer))
	}
	return f.do(t, req)
}

// get sends a GET request with the given query-string parameters.
func (f *fixture) get(t *testing.T, viewer *consent.Viewer, params url.Values) gqlResponse {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/graphql?"+params.Encode(), nil)
	req.Header.Set("Apollo-Require-Preflight", "true")
	req.Header.Set("X-Request-Id", "test-request")
	if viewer != nil {
		req.Header.Set("Authorization", "Bearer "+token(t, *viewer))
	}
	return f.do(t, req)
}

func persisted(docID string) map[string]any {
	return map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.TrimPrefix(docID, "sha256:")}}
}

func countAccessRecords(t *testing.T, client *ent.Client) int {
	t.Helper()
	return client.AccessRecord.Query().CountX(privacy.DecisionContext(context.Background(), privacy.Allow))
}

// TestApprovedOperationsRefuseEverythingElse: analysts and marketing run
// nothing but a registered, unrevoked operation, named by its id, under its
// purpose; every other request is refused with OPERATION_NOT_APPROVED
// before anything runs (no data, no access record, no mutation).
func TestApprovedOperationsRefuseEverythingElse(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		mail := shippedMail(t).Document
		_, analyticsID := f.register(t, "visa_mix", "ANALYTICS", analyticsDoc)
		_, mailID := f.register(t, "mail_audience", "MAIL_MAGAZINE", mail)
		revokedDoc := "query Revoked { applicants(first: 5) { totalCount } }"
		revokedNode, revokedID := f.register(t, "revoked_one", "ANALYTICS", revokedDoc)
		mailRevokedNode, mailRevokedID := f.register(t, "mail_revoked", "MAIL_MAGAZINE", "query MailRevoked { applicants(first: 5) { totalCount } }")
		for _, id := range []string{revokedNode, mailRevokedNode} {
			if r := f.post(t, as("admin"), revokeOp, map[string]any{"id": id, "reason": "superseded"}); len(r.Errors) > 0 {
				t.Fatalf("revoking: %s", r.Raw)
			}
		}
		unknownID := operations.ID("query Unknown { applicants { totalCount } }")

		for _, c := range []struct {
			viewer                    string
			doc, id, revoked, spliced string
		}{
			{"analyst", analyticsDoc, analyticsID, revokedID, strings.Replace(analyticsDoc, "visaStatus", "visaStatus email", 1)},
			{"marketing", mail, mailID, mailRevokedID, strings.Replace(mail, "email", "email phone", 1)},
			{"mailer", mail, mailID, mailRevokedID, strings.Replace(mail, "email", "email phone", 1)},
		} {
			t.Run(c.viewer, func(t *testing.T) {
				v := as(c.viewer)
				splicedMutation := c.doc + "\nmutation M { updateMyProfile(input: {city: \"X\"}) { id } }\n"
				for _, r := range []struct {
					name string
					body map[string]any
				}{
					{"unregistered query", map[string]any{"query": `{ applicants { edges { node { name email visaStatus } } } }`}},
					{"the approved text as a plain query", map[string]any{"query": c.doc}},
					{"unknown documentId", map[string]any{"documentId": unknownID}},
					{"malformed documentId", map[string]any{"documentId": "sha256:1234"}},
					{"revoked documentId", map[string]any{"documentId": c.revoked}},
					{"documentId with a field spliced in", map[string]any{"documentId": c.id, "query": c.spliced}},
					{"documentId with a mutation spliced in", map[string]any{"documentId": c.id, "query": splicedMutation, "operationName": "M"}},
					{"persistedQuery with a field spliced in", map[string]any{"query": c.spliced, "extensions": persisted(c.id)}},
					{"persistedQuery with an unknown hash", map[string]any{"extensions": persisted(unknownID)}},
					{"persistedQuery of a revoked operation", map[string]any{"extensions": persisted(c.revoked)}},
					{"documentId and persistedQuery disagreeing", map[string]any{"documentId": c.id, "extensions": persisted(unknownID)}},
					{"documentId in extensions, unknown", map[string]any{"extensions": map[string]any{"documentId": unknownID}}},
				} {
					before := countAccessRecords(t, client)
					got := f.send(t, v, r.body)
					if got.Status != 200 || errorCode(got) != graph.CodeOperationNotApproved || got.Data != nil || got.Extensions != nil {
						t.Errorf("%s: status %d: %s; want 200 and only an %s error", r.name, got.Status, got.Raw, graph.CodeOperationNotApproved)
					}
					if strings.Contains(got.Raw, "cnry") || strings.Contains(got.Raw, "canary") {
						t.Errorf("%s: personal data in a refusal: %s", r.name, got.Raw)
					}
					if n := countAccessRecords(t, client); n != before {
						t.Errorf("%s: %d access records written by a refused request", r.name, n-before)
					}
				}
				if n := countApplicants(t, client); n != len(fixtureAccounts) {
					t.Errorf("%d applicants: the spliced mutation ran", n)
				}
				// GET: a plain query, an unknown documentId, a revoked one.
				for name, params := range map[string]url.Values{
					"GET query":                {"query": {c.doc}},
					"GET unknown documentId":   {"documentId": {unknownID}},
					"GET revoked documentId":   {"documentId": {c.revoked}},
					"GET unknown persistedQry": {"extensions": {`{"persistedQuery":{"version":1,"sha256Hash":"` + strings.TrimPrefix(unknownID, "sha256:") + `"}}`}},
				} {
					if got := f.get(t, v, params); got.Status != 200 || errorCode(got) != graph.CodeOperationNotApproved || got.Data != nil {
						t.Errorf("%s: status %d: %s", name, got.Status, got.Raw)
					}
				}
			})
		}

		// A stored document that is not a query (written around the API,
		// which refuses one) does not run either: the operation's type is
		// checked again once parsed. OPERATION_NOT_APPROVED, not the
		// privacy rule's FORBIDDEN: no resolver ran.
		sneaky := "mutation Sneaky { updateMyProfile(input: {city: \"X\"}) { id } }"
		admin := consent.WithEngine(viewerContext(consent.Viewer{Account: "admin-7", Role: consent.Admin}), consent.NewEngine(consent.DefaultPolicy()))
		approver := consent.WithEngine(viewerContext(*secondAdmin), consent.NewEngine(consent.DefaultPolicy()))
		sneakyOp := client.Operation.Create().SetName("sneaky").SetPurpose(operation.PurposeANALYTICS).SetDocument(sneaky).SaveX(admin)
		client.Operation.UpdateOne(sneakyOp).SetApprovedAt(time.Now()).ExecX(approver)
		if got := f.send(t, as("analyst"), map[string]any{"documentId": operations.ID(sneaky)}); errorCode(got) != graph.CodeOperationNotApproved || got.Data != nil {
			t.Errorf("a stored mutation ran: %s", got.Raw)
		}

		// A purpose other than the operation's is refused: declared by the
		// token, or one the role may not act under at all.
		for _, c := range []struct{ viewer, id string }{
			{"advertiser", mailID},  // MARKETING declaring ADVERTISING, a MAIL_MAGAZINE operation
			{"mailer", analyticsID}, // MARKETING, an ANALYTICS operation
			{"marketing", analyticsID},
			{"analyst", mailID}, // ANALYST, a MAIL_MAGAZINE operation
		} {
			if got := f.send(t, as(c.viewer), map[string]any{"documentId": c.id}); errorCode(got) != graph.CodeOperationNotApproved || got.Data != nil {
				t.Errorf("%s running %s: %s", c.viewer, c.id, got.Raw)
			}
		}
	})
}

// TestApprovedOperationsRun: a registered operation runs by documentId
// (POST and GET) and by Apollo's persistedQuery form, through the consent
// engine as any query does: a field its purpose hides stays hidden. A
// revocation holds from the very next request.
func TestApprovedOperationsRun(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		// Per-subject rows are the mail magazine's (analytics releases
		// statistics only, below).
		node, id := f.register(t, "name_mix", "MAIL_MAGAZINE", mailDoc)
		want := `{"data":{"applicants":{"totalCount":1,"edges":[{"node":{"name":"cnrybobname","street":null}}]}},` +
			`"extensions":{"withheld":[{"path":["applicants","edges",0,"node"],"fields":{"street":"NOT_PERMITTED"}}]}}`
		before := countAccessRecords(t, client)
		for name, got := range map[string]gqlResponse{
			"documentId":                  f.send(t, as("mailer"), map[string]any{"documentId": id}),
			"documentId and its own text": f.send(t, as("mailer"), map[string]any{"documentId": id, "query": mailDoc}),
			"persistedQuery":              f.send(t, as("mailer"), map[string]any{"extensions": persisted(id)}),
			"persistedQuery and its text": f.send(t, as("mailer"), map[string]any{"query": mailDoc, "extensions": persisted(id)}),
			"GET documentId":              f.get(t, as("mailer"), url.Values{"documentId": {id}}),
			"GET persistedQuery":          f.get(t, as("mailer"), url.Values{"extensions": {`{"persistedQuery":{"version":1,"sha256Hash":"` + id[7:] + `"}}`}}),
			"token declaring no purpose":  f.send(t, as("marketing"), map[string]any{"documentId": id}),
		} {
			if got.Raw != want {
				t.Errorf("%s: %s\nwant %s", name, got.Raw, want)
			}
		}
		if got := f.send(t, as("mailer"), map[string]any{"documentId": "sha256:" + strings.ToUpper(id[7:])}); got.Raw != want {
			t.Errorf("documentId in upper case: %s", got.Raw)
		}
		// Each run released bob's name, under MAIL_MAGAZINE.
		rs := accessRecords(t, client)[before:]
		if len(rs) != 8 {
			t.Fatalf("%d access records for 8 runs", len(rs))
		}
		for _, r := range rs {
			if r.ViewerRole != "MARKETING" || r.Purpose != "MAIL_MAGAZINE" || *r.SubjectID != f.applicants["bob"].ID || strings.Join(r.Categories, ",") != "NAME:PLAIN" {
				t.Errorf("record %+v", r)
			}
		}

		// An analyst's approved operation is a statistic.
		_, statsID := f.register(t, "visa_stats", "ANALYTICS", statsDoc)
		if got := f.send(t, as("analyst"), map[string]any{"documentId": statsID}); len(got.Errors) > 0 || dig(got.Data, "applicantStatistics", "purpose") != "ANALYTICS" {
			t.Errorf("an analyst's statistic: %s", got.Raw)
		}
		if got := f.send(t, as("analyst"), map[string]any{"documentId": statsID, "query": statsDoc + " "}); errorCode(got) != graph.CodeOperationNotApproved {
			t.Errorf("an analyst's statistic with other text: %s", got.Raw)
		}

		// Marketing without a declared purpose is narrowed to the
		// operation's: its record names MAIL_MAGAZINE alone.
		_, mailID := f.register(t, "mail_audience", "MAIL_MAGAZINE", shippedMail(t).Document)
		got := f.send(t, as("marketing"), map[string]any{"documentId": mailID, "variables": map[string]any{"first": 5}})
		if len(got.Errors) > 0 || got.Extensions != nil || dig(got.Data, "applicants", "pageInfo", "hasNextPage") != false ||
			dig(got.Data, "applicants", "edges", 0, "node", "email") != "bob.mail@canary.example" ||
			dig(got.Data, "applicants", "edges", 0, "node", "name") != "cnrybobname" || dig(got.Data, "applicants", "edges", 1) != nil {
			t.Errorf("marketing running the mail magazine's operation: %s", got.Raw)
		}
		if rs := accessRecords(t, client); rs[len(rs)-1].Purpose != "MAIL_MAGAZINE" || rs[len(rs)-1].ViewerRole != "MARKETING" {
			t.Errorf("record of a narrowed marketing viewer: %+v", rs[len(rs)-1])
		}

		// Revocation: the very next request is refused.
		if r := f.post(t, as("admin"), revokeOp, map[string]any{"id": node, "reason": "no longer needed"}); len(r.Errors) > 0 {
			t.Fatal(r.Raw)
		}
		if got := f.send(t, as("analyst"), map[string]any{"documentId": id}); errorCode(got) != graph.CodeOperationNotApproved || got.Data != nil {
			t.Errorf("a revoked operation ran: %s", got.Raw)
		}

		// Other roles: plain queries as before, ids too (the stored document
		// runs as their own query would), and Apollo's flow for an unknown
		// hash (the query then runs as any query of theirs).
		if got := f.post(t, as("acme"), `{ applicants { edges { node { name } } } }`, nil); got.Raw != `{"data":{"applicants":{"edges":[{"node":{"name":"cnryalicename"}}]}}}` {
			t.Errorf("employer's plain query: %s", got.Raw)
		}
		if got := f.send(t, as("compliance"), map[string]any{"documentId": mailID}); len(got.Errors) > 0 || got.Data == nil {
			t.Errorf("compliance running an operation by id: %s", got.Raw)
		}
		q := `{ jobs { totalCount } }`
		if got := f.send(t, as("acme"), map[string]any{"extensions": persisted(operations.ID(q))}); errorCode(got) != "PERSISTED_QUERY_NOT_FOUND" {
			t.Errorf("an employer's unknown persisted query: %s", got.Raw)
		}
		if got := f.send(t, as("acme"), map[string]any{"query": q, "extensions": persisted(operations.ID(q))}); got.Raw != `{"data":{"jobs":{"totalCount":3}}}` {
			t.Errorf("an employer's query with its hash: %s", got.Raw)
		}
		if n, _ := client.Operation.Query().Count(privacy.DecisionContext(context.Background(), privacy.Allow)); n != 3 {
			t.Errorf("%d operations, want the 3 registered: Apollo's flow registered one", n)
		}
	})
}

// TestOperationRegistration: only admins register and revoke; the record
// names who did from the token; a document must be one valid query; a
// document is registered once; an operation is revoked once and never
// otherwise changed or deleted.
func TestOperationRegistration(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		in := func(name, purpose, doc string) map[string]any {
			return map[string]any{"in": map[string]any{"name": name, "purpose": purpose, "document": doc}}
		}
		r := f.post(t, as("admin"), registerOp, in("visa_mix", "ANALYTICS", analyticsDoc))
		op := dig(r.Data, "registerOperation")
		if len(r.Errors) > 0 || dig(op, "hash") != operations.ID(analyticsDoc) || dig(op, "registeredBy") != "admin-1" ||
			dig(op, "approvedBy") != nil || dig(op, "approvedAt") != nil || dig(op, "purpose") != "ANALYTICS" || dig(op, "revokedAt") != nil {
			t.Fatalf("registering: %s", r.Raw)
		}
		node := dig(op, "id").(string)

		// Who registered comes from the token, never from input.
		if r := f.post(t, as("admin"), `mutation { registerOperation(input: {name: "x", purpose: ANALYTICS, document: "{ jobs { totalCount } }", approvedBy: "a", registeredBy: "someone"}) { id } }`, nil); errorCode(r) != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("registeredBy in input: %s", r.Raw)
		}
		admin := consent.WithEngine(viewerContext(consent.Viewer{Account: "admin-7", Role: consent.Admin}), consent.NewEngine(consent.DefaultPolicy()))
		o, err := client.Operation.Create().SetName("direct").SetPurpose(operation.PurposeANALYTICS).SetDocument("{ jobs { totalCount } }").
			SetRegisteredBy("someone-else").SetHash("sha256:" + strings.Repeat("0", 64)).Save(admin)
		if err != nil || o.RegisteredBy != "admin-7" || o.Hash != operations.ID("{ jobs { totalCount } }") || o.ApprovedAt != nil {
			t.Errorf("direct registration: %+v, %v; want registeredBy admin-7, the document's hash, pending", o, err)
		}
		// Nor is an operation registered approved, even around the API.
		if err := client.Operation.Create().SetName("preapproved").SetPurpose(operation.PurposeANALYTICS).
			SetDocument("query Pre { jobs { totalCount } }").SetApprovedBy("admin-8").Exec(admin); err == nil {
			t.Error("an operation registered approved")
		}

		for _, c := range []struct {
			name, purpose, doc, code, msg string
		}{
			{"dup", "ANALYTICS", analyticsDoc, graph.CodeOperationExists, "already registered, as operation visa_mix"},
			{"visa_mix", "ANALYTICS", "query Other { jobs { totalCount } }", "CONFLICT", "already named visa_mix"},
			{"bad_field", "ANALYTICS", "{ applicants { edges { node { secretCanaryField } } } }", "BAD_USER_INPUT", "invalid Operation.document: is not valid against the schema"},
			{"bad_syntax", "ANALYTICS", "{ applicants { edges { node { name ", "BAD_USER_INPUT", "invalid Operation.document: does not parse"},
			{"mutation", "ANALYTICS", `mutation { updateMyProfile(input: {city: "secretCanaryCity"}) { id } }`, "BAD_USER_INPUT", "must be a query"},
			{"two", "ANALYTICS", "query A { jobs { totalCount } } query B { jobs { totalCount } }", "BAD_USER_INPUT", "exactly one operation"},
			{"subscription", "ANALYTICS", "subscription { jobs }", "BAD_USER_INPUT", "invalid Operation.document"},
			{"employer_purpose", "EMPLOYER_PROVISION", "query P { jobs { totalCount } }", "BAD_USER_INPUT", "invalid Operation.purpose"},
			{"support_purpose", "INQUIRY", "query Q { jobs { totalCount } }", "BAD_USER_INPUT", "invalid Operation.purpose"},
			{"bad name!", "ANALYTICS", "query R { jobs { totalCount } }", "BAD_USER_INPUT", "invalid Operation.name"},
		} {
			r := f.post(t, as("admin"), registerOp, in(c.name, c.purpose, c.doc))
			if errorCode(r) != c.code || !strings.Contains(r.Raw, c.msg) || r.Data["registerOperation"] != nil {
				t.Errorf("%s: %s; want %s naming %q", c.name, r.Raw, c.code, c.msg)
			}
			if strings.Contains(r.Raw, "secretCanary") {
				t.Errorf("%s: the error echoes the document: %s", c.name, r.Raw)
			}
		}
		count := func() int { return client.Operation.Query().CountX(sys) }
		if n := count(); n != 2 {
			t.Fatalf("%d operations after refused registrations, want 2", n)
		}

		// Nobody but an admin registers or revokes.
		for _, name := range []string{"", "alice", "acme", "support", "compliance", "analyst", "marketing", "mailer"} {
			v := viewerOrAnonymous(name)
			if r := f.post(t, v, registerOp, in("by_"+name, "ANALYTICS", "query ByOther { jobs { totalCount } }")); len(r.Errors) == 0 || r.Data["registerOperation"] != nil {
				t.Errorf("%q registered an operation: %s", name, r.Raw)
			}
			if r := f.post(t, v, revokeOp, map[string]any{"id": node, "reason": "r"}); len(r.Errors) == 0 || r.Data["revokeOperation"] != nil {
				t.Errorf("%q revoked an operation: %s", name, r.Raw)
			}
		}
		if n := count(); n != 2 {
			t.Errorf("%d operations after others' attempts, want 2", n)
		}
		if o := client.Operation.GetX(sys, idOf(t, node)); o.RevokedAt != nil {
			t.Errorf("revoked by someone else: %+v", o)
		}

		// Revocation: with a reason, once, recording who from the token.
		if r := f.post(t, as("admin"), revokeOp, map[string]any{"id": node, "reason": "  "}); errorCode(r) != "BAD_USER_INPUT" {
			t.Errorf("revoking without a reason: %s", r.Raw)
		}
		r = f.post(t, as("admin"), revokeOp, map[string]any{"id": node, "reason": "the study ended"})
		if len(r.Errors) > 0 || dig(r.Data, "revokeOperation", "revokedBy") != "admin-1" || dig(r.Data, "revokeOperation", "revokedAt") == nil ||
			dig(r.Data, "revokeOperation", "revocationReason") != "the study ended" {
			t.Fatalf("revoking: %s", r.Raw)
		}
		if r := f.post(t, as("admin"), revokeOp, map[string]any{"id": node, "reason": "again"}); errorCode(r) != "CONFLICT" {
			t.Errorf("revoking twice: %s", r.Raw)
		}
		// A revoked document stays registered: it cannot come back as it is.
		if r := f.post(t, as("admin"), registerOp, in("visa_mix_2", "ANALYTICS", analyticsDoc)); errorCode(r) != graph.CodeOperationExists || !strings.Contains(r.Raw, "since revoked") {
			t.Errorf("registering a revoked document again: %s", r.Raw)
		}
		// Its name is free again among the unrevoked.
		r = f.post(t, as("admin"), registerOp, in("visa_mix", "ANALYTICS", "query VisaMix2 { jobs { totalCount } }"))
		if len(r.Errors) > 0 {
			t.Fatalf("reusing a revoked operation's name: %s", r.Raw)
		}
		if r := f.post(t, secondAdmin, approveOp, map[string]any{"id": dig(r.Data, "registerOperation", "id")}); len(r.Errors) > 0 {
			t.Fatalf("approving: %s", r.Raw)
		}

		// Nothing else changes an operation, and nothing deletes one, even
		// for an admin going around the API.
		id := idOf(t, node)
		if err := client.Operation.UpdateOneID(id).SetRevocationReason("rewritten").Exec(admin); err == nil {
			t.Error("an admin rewrote a revocation's reason")
		}
		if err := client.Operation.UpdateOneID(id).ClearRevokedAt().Exec(admin); err == nil {
			t.Error("an admin un-revoked an operation")
		}
		if err := client.Operation.DeleteOneID(id).Exec(admin); err == nil {
			t.Error("an admin deleted an operation")
		}
		if o := client.Operation.GetX(sys, id); o.RevokedAt == nil || *o.RevocationReason != "the study ended" || *o.RevokedBy != "admin-1" {
			t.Errorf("the record changed: %+v", o)
		}

		// Who reads them: admin and compliance all (4: one revoked, one
		// pending), analysts the approved unrevoked ones of their purposes
		// (not "direct", pending), marketing theirs, no one else any.
		// The list is the one plain query analysts and marketing may send:
		// they could not learn the ids of what they may run otherwise.
		f.register(t, "mail_list", "MAIL_MAGAZINE", "query MailList { applicants(first: 5) { edges { node { email } } } }")
		list := `{ __typename operations(first: 50) { totalCount edges { node { name purpose revokedAt } } } }`
		for _, c := range []struct {
			viewer string
			n      int
		}{{"admin", 4}, {"compliance", 4}, {"analyst", 1}, {"mailer", 1}, {"marketing", 1}, {"advertiser", 0}, {"alice", 0}, {"acme", 0}, {"support", 0}, {"", 0}} {
			r := f.send(t, viewerOrAnonymous(c.viewer), map[string]any{"query": list})
			if len(r.Errors) > 0 || dig(r.Data, "operations", "totalCount") != float64(c.n) {
				t.Errorf("%q lists: %s; want %d", c.viewer, r.Raw, c.n)
			}
			if c.viewer != "admin" && c.viewer != "compliance" && strings.Contains(r.Raw, `"revokedAt":"`) {
				t.Errorf("%q lists a revoked operation: %s", c.viewer, r.Raw)
			}
		}
		// Only the list: anything beside it is refused.
		for _, q := range []string{
			`{ operations { totalCount } applicants { totalCount } }`,
			`{ ...F } fragment F on Query { operations { totalCount } applicants { totalCount } }`,
			`{ operations { totalCount } } query Other { applicants { totalCount } }`,
			`mutation { revokeOperation(id: 1, reason: "x") { id } }`,
			`{ node(id: 1) { id } }`,
		} {
			if r := f.send(t, as("analyst"), map[string]any{"query": q}); errorCode(r) != graph.CodeOperationNotApproved || r.Data != nil {
				t.Errorf("analyst sending %s: %s", q, r.Raw)
			}
		}
	})
}

// TestOperationApproval: an operation runs only once a second admin
// approved it, by its own action, recorded from its token. The old path
// (the registering admin naming any approver) is refused; the admin that
// registered it cannot approve it, under any spelling of its account; nor
// can anyone but an admin; an approval is made once, never of a revoked
// operation.
func TestOperationApproval(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)

		// The old path: approvedBy is no input any more.
		old := `mutation { registerOperation(input: {name: "visa_mix", purpose: ANALYTICS, document: "query V { jobs { totalCount } }", approvedBy: "privacy-office"}) { id } }`
		if r := f.post(t, as("admin"), old, nil); errorCode(r) != "GRAPHQL_VALIDATION_FAILED" || r.Data != nil {
			t.Fatalf("registering with an approver named: %s", r.Raw)
		}
		if n := client.Operation.Query().CountX(sys); n != 0 {
			t.Fatalf("%d operations registered by the old path", n)
		}

		r := f.post(t, as("admin"), registerOp, map[string]any{"in": map[string]any{"name": "visa_mix", "purpose": "ANALYTICS", "document": analyticsDoc}})
		node, docID := dig(r.Data, "registerOperation", "id"), operations.ID(analyticsDoc)
		if len(r.Errors) > 0 || dig(r.Data, "registerOperation", "approvedBy") != nil || dig(r.Data, "registerOperation", "approvedAt") != nil {
			t.Fatalf("registering: %s", r.Raw)
		}
		run := func() gqlResponse { return f.send(t, as("analyst"), map[string]any{"documentId": docID}) }
		if got := run(); errorCode(got) != graph.CodeOperationNotApproved || got.Data != nil ||
			!strings.Contains(got.Raw, "not yet approved") {
			t.Fatalf("a pending operation ran: %s", got.Raw)
		}

		// Not by the admin that registered it, however its id is written;
		// not by anyone but an admin.
		for _, account := range []string{"admin-1", "Admin-1", " ADMIN-1 "} {
			wantError(t, f.post(t, &consent.Viewer{Account: account, Role: consent.Admin}, approveOp, map[string]any{"id": node}),
				"approveOperation", "FORBIDDEN", "an operation must be approved by a second admin")
		}
		for _, name := range []string{"", "alice", "acme", "support", "compliance", "analyst", "marketing"} {
			if r := f.post(t, viewerOrAnonymous(name), approveOp, map[string]any{"id": node}); len(r.Errors) == 0 || dig(r.Data, "approveOperation") != nil {
				t.Errorf("%q approved an operation: %s", name, r.Raw)
			}
		}
		if o := client.Operation.GetX(sys, idOf(t, node.(string))); o.ApprovedAt != nil || o.ApprovedBy != nil {
			t.Fatalf("approved by a refused approval: %+v", o)
		}
		if got := run(); errorCode(got) != graph.CodeOperationNotApproved {
			t.Fatalf("runs after refused approvals: %s", got.Raw)
		}

		// A second admin approves: recorded from its token; it runs from the
		// next request.
		r = f.post(t, secondAdmin, approveOp, map[string]any{"id": node})
		if len(r.Errors) > 0 || dig(r.Data, "approveOperation", "approvedBy") != "admin-2" || dig(r.Data, "approveOperation", "registeredBy") != "admin-1" ||
			dig(r.Data, "approveOperation", "approvedAt") == nil {
			t.Fatalf("approving: %s", r.Raw)
		}
		if got := run(); len(got.Errors) > 0 || dig(got.Data, "applicants") == nil {
			t.Fatalf("the approved operation: %s", got.Raw)
		}
		wantError(t, f.post(t, &consent.Viewer{Account: "admin-3", Role: consent.Admin}, approveOp, map[string]any{"id": node}),
			"approveOperation", "CONFLICT", "the operation is already approved")
		if o := client.Operation.GetX(sys, idOf(t, node.(string))); o.ApprovedBy == nil || *o.ApprovedBy != "admin-2" {
			t.Fatalf("the approval changed: %+v", o)
		}

		// A revoked operation is not approved.
		r = f.post(t, as("admin"), registerOp, map[string]any{"in": map[string]any{"name": "mail_mix", "purpose": "MAIL_MAGAZINE", "document": mailDoc}})
		pending := dig(r.Data, "registerOperation", "id")
		if r := f.post(t, as("admin"), revokeOp, map[string]any{"id": pending, "reason": "withdrawn before review"}); len(r.Errors) > 0 {
			t.Fatalf("revoking a pending operation: %s", r.Raw)
		}
		wantError(t, f.post(t, secondAdmin, approveOp, map[string]any{"id": pending}), "approveOperation", "CONFLICT", "the operation is already revoked")
	})
}

// TestSeedOperations: the demo registers the shipped operations once, and
// marketing can run them at once.
func TestSeedOperations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		shipped, err := operations.Shipped()
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []int{len(shipped), 0} {
			if n, err := demo.SeedOperations(t.Context(), client, consent.DefaultPolicy()); err != nil || n != want {
				t.Fatalf("seeding %d: %d, %v; want %d", i+1, n, err, want)
			}
		}
		mail := shippedMail(t)
		o := client.Operation.Query().Where(operation.Hash(mail.ID())).OnlyX(privacy.DecisionContext(context.Background(), privacy.Allow))
		if o.RegisteredBy != demo.Registrar || o.ApprovedBy == nil || *o.ApprovedBy != demo.Approver || o.ApprovedAt == nil ||
			o.Name != "mail_magazine_audience" || o.Purpose != operation.PurposeMAIL_MAGAZINE {
			t.Errorf("seeded %+v", o)
		}
		got := f.send(t, as("mailer"), map[string]any{"documentId": mail.ID(), "variables": map[string]any{"first": 10}})
		if len(got.Errors) > 0 || dig(got.Data, "applicants", "edges", 0, "node", "email") != "bob.mail@canary.example" {
			t.Errorf("the mailer running the shipped operation: %s", got.Raw)
		}
	})
}

// TestApprovedOperationsFailClosed: when the lookup fails (the database is
// away), an analyst's request is answered with the retryable UNAVAILABLE
// and no data; nothing runs.
func TestApprovedOperationsFailClosed(t *testing.T) {
	client := openSQLite(t)
	f := newFixture(t, client)
	_, id := f.register(t, "visa_mix", "ANALYTICS", analyticsDoc)
	client.Close()
	got := f.send(t, as("analyst"), map[string]any{"documentId": id})
	if got.Status != 200 || errorCode(got) != "UNAVAILABLE" || got.Data != nil || strings.Contains(got.Raw, "sql") {
		t.Errorf("lookup with the database away: %d %s", got.Status, got.Raw)
	}
}

// shippedMail is the shipped operation of the mail magazine's audience.
func shippedMail(t *testing.T) operations.File {
	t.Helper()
	shipped, err := operations.Shipped()
	i := slices.IndexFunc(shipped, func(f operations.File) bool { return f.Name == "mail_magazine_audience" })
	if err != nil || i < 0 {
		t.Fatalf("the mail magazine's operation is not shipped: %v", err)
	}
	return shipped[i]
}

// TestOperationsPush: the command registers every *.graphql file of a
// directory through the API, as an admin, pending, and reports each file's
// name and id; a second push registers nothing and fails nothing.
// `operations approve` approves them as a second admin, never as the one
// that registered them; then they run.
func TestOperationsPush(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		srv := httptest.NewServer(testGateway(client, nil, nil))
		t.Cleanup(srv.Close)
		dir := t.TempDir()
		files := map[string]string{
			"mail.graphql":   shippedMail(t).Document,
			"visa.graphql":   "# name: visa_mix\n# purpose: ANALYTICS\n# description: Visa statuses.\n" + analyticsDoc,
			"README.md":      "not an operation",
			"notes.graphqlx": "not an operation",
		}
		for name, text := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		push := func() (string, error) {
			return command(t, "operations", "push", "-url", srv.URL+"/graphql", "-secret", string(testSecret), dir)
		}
		approve := func(sub string) (string, error) {
			return command(t, "operations", "approve", "-url", srv.URL+"/graphql", "-secret", string(testSecret), "-sub", sub, dir)
		}
		mailID, visaID := operations.ID(files["mail.graphql"]), operations.ID(files["visa.graphql"])
		out, err := push()
		want := "mail.graphql\tmail_magazine_audience\t" + mailID + "\tregistered, pending approval by a second admin\n" +
			"visa.graphql\tvisa_mix\t" + visaID + "\tregistered, pending approval by a second admin\n"
		if err != nil || out != want {
			t.Fatalf("first push: %v\n%s\nwant\n%s", err, out, want)
		}
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		ops := client.Operation.Query().Order(ent.Asc(operation.FieldName)).AllX(sys)
		if len(ops) != 2 || ops[0].Hash != mailID || ops[0].Purpose != operation.PurposeMAIL_MAGAZINE || ops[0].RegisteredBy != "admin-1" ||
			ops[0].ApprovedBy != nil || ops[0].ApprovedAt != nil || ops[1].Hash != visaID || ops[1].Description != "Visa statuses." {
			t.Fatalf("registered: %+v", ops)
		}
		out, err = push()
		if err != nil || out != strings.ReplaceAll(want, "\tregistered, pending approval by a second admin\n", "\talready registered\n") {
			t.Fatalf("second push: %v\n%s", err, out)
		}
		if n := client.Operation.Query().CountX(sys); n != 2 {
			t.Errorf("%d operations after pushing twice", n)
		}
		// Pending, they do not run.
		f := &fixture{client: client, handler: srv.Config.Handler}
		if got := f.send(t, as("mailer"), map[string]any{"documentId": mailID}); errorCode(got) != graph.CodeOperationNotApproved || got.Data != nil {
			t.Fatalf("a pending operation ran: %s", got.Raw)
		}
		// The admin that pushed cannot approve them, whatever the case of its id.
		for _, sub := range []string{"admin-1", "Admin-1"} {
			if out, err := approve(sub); err == nil || strings.Count(out, "error: an operation must be approved by a second admin (FORBIDDEN)") != 2 {
				t.Fatalf("approved by %s, who pushed: %v\n%s", sub, err, out)
			}
		}
		out, err = approve("admin-2")
		if want := "mail.graphql\tmail_magazine_audience\t" + mailID + "\tapproved\n" +
			"visa.graphql\tvisa_mix\t" + visaID + "\tapproved\n"; err != nil || out != want {
			t.Fatalf("approve: %v\n%s\nwant\n%s", err, out, want)
		}
		if out, err := approve("admin-3"); err != nil || strings.Count(out, "\talready approved\n") != 2 {
			t.Fatalf("approving twice: %v\n%s", err, out)
		}
		if o := client.Operation.Query().Where(operation.Hash(mailID)).OnlyX(sys); o.ApprovedBy == nil || *o.ApprovedBy != "admin-2" || o.ApprovedAt == nil {
			t.Fatalf("approved: %+v", o)
		}
		if got := f.send(t, as("mailer"), map[string]any{"documentId": mailID, "variables": map[string]any{"first": 1}}); len(got.Errors) > 0 {
			t.Fatalf("the approved operation: %s", got.Raw)
		}

		// A file the gateway refuses is reported; the others still go.
		bad := "# name: bad\n# purpose: ANALYTICS\nmutation { updateMyProfile(input: {city: \"X\"}) { id } }\n"
		if err := os.WriteFile(filepath.Join(dir, "bad.graphql"), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err = push()
		if err == nil || !strings.Contains(out, "bad.graphql\tbad\t"+operations.ID(bad)+"\terror: invalid Operation.document: must be a query") ||
			!strings.Contains(out, "visa.graphql\tvisa_mix\t"+visaID+"\talready registered") {
			t.Errorf("push with a bad file: %v\n%s", err, out)
		}
		// A file without a purpose, or one that names its own approver, is
		// refused before anything is sent.
		for text, msg := range map[string]string{
			"# name: bad\n{ jobs { totalCount } }":                                          `"# purpose:" is required`,
			"# name: bad\n# purpose: ANALYTICS\n# approvedBy: dpo\n{ jobs { totalCount } }": `"# approvedBy:" is not read`,
		} {
			if err := os.WriteFile(filepath.Join(dir, "bad.graphql"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := push(); err == nil || out != "" || !strings.Contains(err.Error(), msg) {
				t.Errorf("push with a file %q: %v, %q; want %s", text, err, out, msg)
			}
		}
	})
}

// TestPersistedQueryManifest: an Apollo persisted-query manifest is pushed
// as operations under the purpose given, approved by a second admin, and a
// client built from it runs them by Apollo's hash; a manifest that is not
// one, an id that is not its body's, or a mutation is refused before
// anything is sent.
func TestPersistedQueryManifest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		srv := httptest.NewServer(f.handler)
		t.Cleanup(srv.Close)
		body := shippedMail(t).Document
		hash := strings.TrimPrefix(operations.ID(body), "sha256:")
		write := func(m map[string]any) string {
			path := filepath.Join(t.TempDir(), "persisted-query-manifest.json")
			b, _ := json.Marshal(m)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			return path
		}
		op := func(id, name, typ, body string) map[string]any {
			return map[string]any{"id": id, "name": name, "type": typ, "body": body}
		}
		manifest := func(ops ...map[string]any) map[string]any {
			return map[string]any{"format": "apollo-persisted-query-manifest", "version": 1, "operations": ops}
		}
		run := func(verb, path string, extra ...string) (string, error) {
			args := append([]string{"operations", verb, "-url", srv.URL + "/graphql", "-secret", string(testSecret)}, extra...)
			return command(t, append(args, path)...)
		}
		push := func(path string, extra ...string) (string, error) { return run("push", path, extra...) }
		good := write(manifest(op(hash, "MailAudience", "query", body)))
		if out, err := push(good); err == nil || !strings.Contains(err.Error(), "give -purpose") {
			t.Fatalf("a manifest without a purpose: %v %s", err, out)
		}
		if out, err := push(good, "-purpose", "MAIL_MAGAZINE", "-approved-by", "dpo"); err == nil || out != "" {
			t.Fatalf("-approved-by, a claim, is no flag any more: %v %s", err, out)
		}
		out, err := push(good, "-purpose", "MAIL_MAGAZINE")
		if err != nil || !strings.Contains(out, "MailAudience\tsha256:"+hash+"\tregistered, pending approval") {
			t.Fatalf("push: %v\n%s", err, out)
		}
		out, err = run("approve", good, "-purpose", "MAIL_MAGAZINE", "-sub", "admin-2")
		if err != nil || !strings.Contains(out, "MailAudience\tsha256:"+hash+"\tapproved") {
			t.Fatalf("approve: %v\n%s", err, out)
		}
		got := f.send(t, as("mailer"), map[string]any{"operationName": "MailMagazineAudience",
			"variables": map[string]any{"first": 10}, "extensions": persisted(operations.ID(body))})
		if len(got.Errors) > 0 || dig(got.Data, "applicants", "edges", 0, "node", "email") != "bob.mail@canary.example" {
			t.Errorf("the mailer by Apollo's hash: %s", got.Raw)
		}
		for name, bad := range map[string]map[string]any{
			"another format": {"format": "relay", "version": 1, "operations": []any{op(hash, "MailAudience", "query", body)}},
			"a wrong id":     manifest(op(strings.Repeat("0", 64), "MailAudience", "query", body)),
			"a mutation":     manifest(op(hash, "Change", "mutation", body)),
			"a bad name":     manifest(op(hash, "mail audience!", "query", body)),
		} {
			if out, err := push(write(bad), "-purpose", "MAIL_MAGAZINE"); err == nil || out != "" {
				t.Errorf("%s: %v %q", name, err, out)
			}
		}
		if n := client.Operation.Query().CountX(privacy.DecisionContext(context.Background(), privacy.Allow)); n != 1 {
			t.Errorf("%d operations registered, want 1", n)
		}
	})
}
