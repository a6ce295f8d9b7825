package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessgrant"
	"consentgate/ent/privacy"
	"consentgate/gateway"
	"consentgate/graph"
)

// The legal-basis access of policy §5(2): a compliance account opens a
// grant for one subject, a second compliance account approves it, and
// until it expires or is revoked the opener (only) sees that subject's data
// plain, every release recorded with the basis.

const grantFields = `id subjectID basis reference requestedBy approvedBy approvedAt expiresAt revokedBy revokedAt revocationReason live`

// requestGrant opens a grant as viewer for the subject with id.
func (f *fixture) requestGrant(t *testing.T, viewer *consent.Viewer, subject int, basis string) gqlResponse {
	t.Helper()
	return f.post(t, viewer, `mutation($in: CreateAccessGrantInput!) { requestAccessGrant(input: $in) { `+grantFields+` } }`,
		map[string]any{"in": map[string]any{"subjectID": subject, "basis": basis, "reference": "Tokyo District Court order 2026-123",
			"justification": "Production ordered in a pending civil case concerning this applicant."}})
}

func (f *fixture) approveGrant(t *testing.T, viewer *consent.Viewer, id any) gqlResponse {
	t.Helper()
	return f.post(t, viewer, `mutation($id: ID!) { approveAccessGrant(id: $id) { `+grantFields+` } }`, map[string]any{"id": id})
}

func (f *fixture) revokeGrant(t *testing.T, viewer *consent.Viewer, id any, reason string) gqlResponse {
	t.Helper()
	return f.post(t, viewer, `mutation($id: ID!, $reason: String!) { revokeAccessGrant(id: $id, reason: $reason) { `+grantFields+` } }`,
		map[string]any{"id": id, "reason": reason})
}

// mustGrant returns the grant a mutation returned, failing on any error.
func mustGrant(t *testing.T, r gqlResponse, field string) map[string]any {
	t.Helper()
	g, _ := dig(r.Data, field).(map[string]any)
	if len(r.Errors) > 0 || g == nil {
		t.Fatalf("%s: %s", field, r.Raw)
	}
	return g
}

// wantError checks a refused mutation: its code, its message if given, and
// no data.
func wantError(t *testing.T, r gqlResponse, field, code, message string) {
	t.Helper()
	if errorCode(r) != code || (message != "" && errorMessage(r) != message) || dig(r.Data, field) != nil {
		t.Fatalf("%s: want %s %q, got %s", field, code, message, r.Raw)
	}
}

// leaked returns the fixture applicants among accounts with a marked value
// in raw.
func leaked(raw string, accounts ...string) []string {
	var out []string
	for _, acc := range accounts {
		for value := range canaries(acc) {
			if strings.Contains(raw, value) {
				out = append(out, acc)
				break
			}
		}
	}
	return out
}

// grantRecords returns the access records written for compliance viewers.
func grantRecords(t *testing.T, client *ent.Client) []*ent.AccessRecord {
	t.Helper()
	var out []*ent.AccessRecord
	for _, r := range accessRecords(t, client) {
		if r.ViewerRole == string(consent.Compliance) {
			out = append(out, r)
		}
	}
	return out
}

// TestGrantLifecycle: a grant releases nothing until a second compliance
// account approves it; then its opener, and nobody else, sees that subject
// (and no other) plain on every access path, each release recorded with the
// basis; once it expires, nothing.
func TestGrantLifecycle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		alice := f.applicants["alice"]
		others := []string{"bob", "carol", "dave"}

		g := mustGrant(t, f.requestGrant(t, as("compliance"), alice.ID, "LAW"), "requestAccessGrant")
		id := g["id"]
		if g["requestedBy"] != "compliance-1" || g["basis"] != "LAW" || g["live"] != false || g["approvedAt"] != nil ||
			g["expiresAt"] != nil || fmt.Sprint(g["subjectID"]) != fmt.Sprint(alice.ID) {
			t.Fatalf("requested grant: %v", g)
		}

		// Requested, not approved: alice is out of reach, nothing of anyone's is released.
		for path, r := range runPaths(t, f, as("compliance")) {
			if l := leaked(r.Raw, fixtureAccounts...); l != nil {
				t.Fatalf("before approval, %s released %v: %s", path, l, r.Raw)
			}
		}
		if r := f.post(t, as("compliance"), fmt.Sprintf(`{ applicant(id: %d) { id name } }`, alice.ID), nil); dig(r.Data, "applicant") != nil {
			t.Fatalf("an unapproved grant reaches its subject: %s", r.Raw)
		}

		// Nobody approves their own grant.
		wantError(t, f.approveGrant(t, as("compliance"), id), "approveAccessGrant", "FORBIDDEN",
			"a grant must be approved by a second compliance account")
		if r := f.post(t, as("compliance"), `{ accessGrants { totalCount edges { node { live approvedAt } } } }`, nil); r.Raw !=
			`{"data":{"accessGrants":{"totalCount":1,"edges":[{"node":{"live":false,"approvedAt":null}}]}}}` {
			t.Fatalf("after a self-approval: %s", r.Raw)
		}
		if rs := grantRecords(t, client); len(rs) != 0 {
			t.Fatalf("records before approval: %+v", rs)
		}

		// A second account approves: live for the default lifetime.
		g = mustGrant(t, f.approveGrant(t, as("approver"), id), "approveAccessGrant")
		approved, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(g["approvedAt"]))
		expires, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(g["expiresAt"]))
		if g["live"] != true || g["approvedBy"] != "compliance-2" || g["requestedBy"] != "compliance-1" ||
			expires.Sub(approved) != 4*time.Hour || time.Since(approved) > time.Minute {
			t.Fatalf("approved grant: %v", g)
		}
		wantError(t, f.approveGrant(t, as("approver"), id), "approveAccessGrant", "CONFLICT", "the access grant is already approved")

		// The opener sees alice plain on every path, and nobody else's data.
		var all strings.Builder
		releases := 0
		for path, r := range runPaths(t, f, as("compliance")) {
			all.WriteString(r.Raw)
			if l := leaked(r.Raw, others...); l != nil {
				t.Errorf("%s: released %v beyond the grant: %s", path, l, r.Raw)
			}
			if leaked(r.Raw, "alice") != nil {
				releases++
			}
		}
		for value, c := range canaries("alice") {
			if !strings.Contains(all.String(), value) {
				t.Errorf("alice's %s value %q is never released to the opener", c, value)
			}
		}
		r := f.post(t, as("compliance"), fmt.Sprintf(`{ applicant(id: %d) { name street lastIP } }`, alice.ID), nil)
		if want := `{"data":{"applicant":{"name":"cnryalicename","street":"cnryalicestreet","lastIP":"192.0.2.1"}}}`; r.Raw != want {
			t.Fatalf("the opener: %s, want %s", r.Raw, want)
		}
		// The grant's own subject edge, for the opener only.
		r = f.post(t, as("compliance"), `{ accessGrants { edges { node { subject { name } } } } }`, nil)
		if want := `{"data":{"accessGrants":{"edges":[{"node":{"subject":{"name":"cnryalicename"}}}]}}}`; r.Raw != want {
			t.Fatalf("the opener, through the grant: %s", r.Raw)
		}
		// The approver sees nothing of alice's, on any path.
		for path, r := range runPaths(t, f, as("approver")) {
			if l := leaked(r.Raw, fixtureAccounts...); l != nil {
				t.Fatalf("the approver: %s released %v: %s", path, l, r.Raw)
			}
		}
		if r := f.post(t, as("approver"), `{ accessGrants { edges { node { live subject { name } } } } }`, nil); r.Raw !=
			`{"data":{"accessGrants":{"edges":[{"node":{"live":true,"subject":null}}]}}}` {
			t.Fatalf("the approver, through the grant: %s", r.Raw)
		}

		// Every release is recorded: one record per request, alice's, with the basis.
		rs := grantRecords(t, client)
		if len(rs) != releases+2 { // the paths, then applicant(id) and the grant's subject edge
			t.Fatalf("%d compliance records for %d releases", len(rs), releases+2)
		}
		seen, requests := map[string]bool{}, map[string]bool{}
		for _, rec := range rs {
			if rec.SubjectID == nil || *rec.SubjectID != alice.ID || rec.LegalBasis != "LAW" || rec.Purpose != "" ||
				rec.ViewerAccount != "compliance-1" || !gatewayRequestID.MatchString(rec.RequestID) || requests[rec.RequestID] || rec.Decision != "PLAIN" {
				t.Fatalf("record %+v", rec)
			}
			requests[rec.RequestID] = true
			for _, c := range rec.Categories {
				cat, outcome, _ := strings.Cut(c, ":")
				if outcome != "PLAIN" {
					t.Fatalf("record %+v: %s", rec, c)
				}
				seen[cat] = true
			}
		}
		for _, c := range consent.Categories {
			if !seen[string(c)] {
				t.Errorf("no record of %s released", c)
			}
		}

		// Expired: the next request reaches and releases nothing.
		client.AccessGrant.UpdateOneID(idOf(t, id)).SetExpiresAt(time.Now().Add(-time.Second)).
			ExecX(privacy.DecisionContext(context.Background(), privacy.Allow))
		before := len(grantRecords(t, client))
		for path, r := range runPaths(t, f, as("compliance")) {
			if l := leaked(r.Raw, fixtureAccounts...); l != nil {
				t.Fatalf("after expiry, %s released %v: %s", path, l, r.Raw)
			}
		}
		if r := f.post(t, as("compliance"), fmt.Sprintf(`{ applicant(id: %d) { name } accessGrants { edges { node { live } } } }`, alice.ID), nil); dig(r.Data, "applicant") != nil ||
			fmt.Sprint(dig(r.Data, "accessGrants", "edges", 0, "node", "live")) != "false" {
			t.Fatalf("after expiry: %s", r.Raw)
		}
		if after := len(grantRecords(t, client)); after != before {
			t.Fatalf("%d records written after expiry", after-before)
		}
		wantError(t, f.approveGrant(t, as("approver"), id), "approveAccessGrant", "CONFLICT", "the access grant is already approved")
	})
}

// TestGrantFourEyesCanonicalAccounts: four eyes compare accounts, not
// strings: an id that differs from the opener's only in case, surrounding
// white space or Unicode normal form is the opener, and may not approve;
// a second account may.
func TestGrantFourEyesCanonicalAccounts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		alice := f.applicants["alice"]
		compliance := func(account string) *consent.Viewer {
			return &consent.Viewer{Account: account, Role: consent.Compliance}
		}
		for _, c := range []struct {
			opener   string
			variants []string
		}{
			{"compliance-1", []string{"Compliance-1", "COMPLIANCE-1", " compliance-1", "compliance-1\t", "\u00a0Compliance-1 "}},
			// é composed (U+00E9) and decomposed (e, U+0301); ß folds to ss.
			{"compliance-\u00e9", []string{"compliance-e\u0301", "COMPLIANCE-E\u0301", "Compliance-\u00c9"}},
			{"compliance-stra\u00dfe", []string{"compliance-strasse", "COMPLIANCE-STRASSE"}},
		} {
			id := mustGrant(t, f.requestGrant(t, compliance(c.opener), alice.ID, "LAW"), "requestAccessGrant")["id"]
			for _, v := range c.variants {
				wantError(t, f.approveGrant(t, compliance(v), id), "approveAccessGrant", "FORBIDDEN",
					"a grant must be approved by a second compliance account")
			}
			g := mustGrant(t, f.approveGrant(t, as("approver"), id), "approveAccessGrant")
			if g["live"] != true || g["approvedBy"] != "compliance-2" || g["requestedBy"] != c.opener {
				t.Fatalf("approved by a second account: %v", g)
			}
		}
	})
}

// TestGrantRevocation: any compliance account revokes a grant, once, with a
// reason; it takes effect on the next request; a revoked grant is never
// approved, and a request not approved within the grant lifetime lapses.
func TestGrantRevocation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		bob := f.applicants["bob"]
		id := mustGrant(t, f.requestGrant(t, as("compliance"), bob.ID, "LIFE_PROTECTION"), "requestAccessGrant")["id"]
		mustGrant(t, f.approveGrant(t, as("approver"), id), "approveAccessGrant")
		q := fmt.Sprintf(`{ applicant(id: %d) { name email } }`, bob.ID)
		if r := f.post(t, as("compliance"), q, nil); r.Raw != `{"data":{"applicant":{"name":"cnrybobname","email":"bob.mail@canary.example"}}}` {
			t.Fatalf("live grant: %s", r.Raw)
		}
		if rs := grantRecords(t, client); len(rs) != 1 || rs[0].LegalBasis != "LIFE_PROTECTION" || *rs[0].SubjectID != bob.ID {
			t.Fatalf("records: %+v", rs)
		}

		wantError(t, f.revokeGrant(t, as("approver"), id, "  "), "revokeAccessGrant", "BAD_USER_INPUT",
			"invalid AccessGrant.revocationReason: a revocation needs a reason")
		g := mustGrant(t, f.revokeGrant(t, as("approver"), id, "the court order was set aside"), "revokeAccessGrant")
		if g["live"] != false || g["revokedBy"] != "compliance-2" || g["revokedAt"] == nil || g["revocationReason"] != "the court order was set aside" {
			t.Fatalf("revoked grant: %v", g)
		}
		if r := f.post(t, as("compliance"), q, nil); dig(r.Data, "applicant") != nil || leaked(r.Raw, fixtureAccounts...) != nil {
			t.Fatalf("after revocation: %s", r.Raw)
		}
		for path, r := range runPaths(t, f, as("compliance")) {
			if l := leaked(r.Raw, fixtureAccounts...); l != nil {
				t.Fatalf("after revocation, %s released %v", path, l)
			}
		}
		if n := len(grantRecords(t, client)); n != 1 {
			t.Fatalf("%d records, want the one before revocation", n)
		}
		wantError(t, f.revokeGrant(t, as("compliance"), id, "again"), "revokeAccessGrant", "CONFLICT", "the access grant is revoked")

		// A request revoked (withdrawn) before approval is never approved.
		pending := mustGrant(t, f.requestGrant(t, as("compliance"), f.applicants["carol"].ID, "PUBLIC_HEALTH"), "requestAccessGrant")["id"]
		mustGrant(t, f.revokeGrant(t, as("compliance"), pending, "opened by mistake"), "revokeAccessGrant")
		wantError(t, f.approveGrant(t, as("approver"), pending), "approveAccessGrant", "CONFLICT", "the access grant is revoked")

		// A request older than the grant lifetime has lapsed.
		ctx := privacy.DecisionContext(viewerContext(*as("compliance")), privacy.Allow)
		old := client.AccessGrant.Create().SetSubjectID(f.applicants["dave"].ID).SetBasis(accessgrant.BasisGOVERNMENT_COOPERATION).
			SetReference("r").SetJustification("j").SetRequestedAt(time.Now().Add(-5 * time.Hour)).SaveX(ctx)
		if old.RequestedBy != "compliance-1" {
			t.Fatalf("requested by %q", old.RequestedBy)
		}
		wantError(t, f.approveGrant(t, as("approver"), old.ID), "approveAccessGrant", "CONFLICT",
			"the access grant request has expired unapproved; open a new one")
		if r := f.post(t, as("compliance"), fmt.Sprintf(`{ applicant(id: %d) { name } }`, f.applicants["dave"].ID), nil); leaked(r.Raw, "dave") != nil {
			t.Fatalf("a lapsed request released: %s", r.Raw)
		}
	})
}

// TestGrantRoles: only compliance requests, approves, revokes or lists
// access grants; every other role is refused or finds none, and the grant
// is left as it was.
func TestGrantRoles(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		alice := f.applicants["alice"].ID
		pending := mustGrant(t, f.requestGrant(t, as("compliance"), alice, "LAW"), "requestAccessGrant")["id"]
		for _, name := range []string{"", "alice", "acme", "support", "marketing", "analyst", "admin"} {
			t.Run("viewer="+name, func(t *testing.T) {
				v := viewerOrAnonymous(name)
				code := "FORBIDDEN"
				if v != nil && v.Role.ApprovedOperationsOnly() {
					code = graph.CodeOperationNotApproved // a mutation is never an approved operation
				}
				wantError(t, f.requestGrant(t, v, alice, "LAW"), "requestAccessGrant", code, "")
				wantError(t, f.approveGrant(t, v, pending), "approveAccessGrant", code, "")
				wantError(t, f.revokeGrant(t, v, pending, "no"), "revokeAccessGrant", code, "")
				r := f.post(t, v, `query($id: ID!) { accessGrants { totalCount edges { node { id } } } node(id: $id) { id } }`,
					map[string]any{"id": pending})
				if !strings.HasSuffix(r.Raw, `"data":{"accessGrants":{"totalCount":0,"edges":[]},"node":null}}`) ||
					(len(r.Errors) > 0 && errorCode(r) != "NOT_FOUND") { // the node is as if it did not exist
					t.Fatalf("listing: %s", r.Raw)
				}
			})
		}
		g := client.AccessGrant.GetX(privacy.DecisionContext(context.Background(), privacy.Allow), idOf(t, pending))
		if g.ApprovedAt != nil || g.RevokedAt != nil || g.ExpiresAt != nil || g.RequestedBy != "compliance-1" {
			t.Fatalf("the grant changed: %+v", g)
		}
		all, err := client.AccessGrant.Query().Count(privacy.DecisionContext(context.Background(), privacy.Allow))
		if err != nil || all != 1 {
			t.Fatalf("%d grants, %v", all, err)
		}
		// Both compliance accounts list it.
		for _, name := range []string{"compliance", "approver"} {
			if r := f.post(t, as(name), `{ accessGrants { totalCount } }`, nil); r.Raw != `{"data":{"accessGrants":{"totalCount":1}}}` {
				t.Fatalf("%s: %s", name, r.Raw)
			}
		}
		// Nobody deletes a grant, not even compliance (there is no mutation
		// for it, and the data layer refuses it too).
		if err := client.AccessGrant.DeleteOneID(idOf(t, pending)).Exec(viewerContext(*as("compliance"))); err == nil {
			t.Fatal("a grant was deleted")
		}
	})
}

// TestGrantRequestIsNoExistenceOracle: opening a grant answers the same for
// an id no applicant has as for an applicant the opener does not reach:
// compliance cannot learn who exists by guessing ids. Approved, a grant of
// an id nobody has reaches nobody.
func TestGrantRequestIsNoExistenceOracle(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		alice := f.applicants["alice"].ID // no privacy request: compliance does not reach her
		guessed := alice + 1000
		if r := f.post(t, as("compliance"), fmt.Sprintf(`{ applicant(id: %d) { id } }`, alice), nil); errorCode(r) != "NOT_FOUND" {
			t.Fatalf("compliance reaches alice before any grant: %s", r.Raw)
		}
		const fields = `subjectID basis reference requestedBy approvedBy approvedAt expiresAt revokedBy revokedAt live subject { id }`
		request := func(subject int) gqlResponse {
			return f.post(t, as("compliance"), `mutation($in: CreateAccessGrantInput!) { requestAccessGrant(input: $in) { id `+fields+` } }`,
				map[string]any{"in": map[string]any{"subjectID": subject, "basis": "LAW", "reference": "order 7", "justification": "needed"}})
		}
		// The two answers differ in the grant's own id and the subject id
		// asked for, and in nothing else.
		same := func(r gqlResponse, subject int) string {
			g := mustGrant(t, r, "requestAccessGrant")
			return strings.NewReplacer(fmt.Sprint(g["id"]), "<grant>", fmt.Sprint(subject), "<subject>").Replace(r.comparable())
		}
		existing, nobody := request(alice), request(guessed)
		if a, b := same(existing, alice), same(nobody, guessed); a != b {
			t.Fatalf("an existing applicant and a guessed id are answered differently:\n%s\n%s", a, b)
		}
		// Approved, the guessed id's grant reaches no one, and opens nothing.
		id := mustGrant(t, nobody, "requestAccessGrant")["id"]
		if g := mustGrant(t, f.approveGrant(t, as("approver"), id), "approveAccessGrant"); g["live"] != true || g["subject"] != nil {
			t.Fatalf("the guessed id's grant approved: %v", g)
		}
		if r := f.post(t, as("compliance"), `{ applicants { totalCount } }`, nil); dig(r.Data, "applicants", "totalCount") != float64(1) {
			t.Fatalf("a live grant of an id nobody has reaches: %s", r.Raw) // dave's open request, only
		}
		for path, r := range runPaths(t, f, as("compliance")) {
			if l := leaked(r.Raw, fixtureAccounts...); l != nil {
				t.Fatalf("%s released %v under a grant of nobody: %s", path, l, r.Raw)
			}
		}
	})
}

// TestGrantValidation: bad input is refused before anything is stored, and
// neither the error nor the logs echo a reference, a justification or a
// reason; what a grant is stamped with never comes from input.
func TestGrantValidation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		const marker = "cnrysecretcase"
		subject := f.applicants["alice"].ID
		input := func(edit func(map[string]any)) map[string]any {
			in := map[string]any{"subjectID": subject, "basis": "LAW", "reference": "order 1", "justification": "needed"}
			edit(in)
			return map[string]any{"in": in}
		}
		const request = `mutation($in: CreateAccessGrantInput!) { requestAccessGrant(input: $in) { id } }`
		cases := []struct {
			name    string
			vars    map[string]any
			code    string
			message string
		}{
			{"blank reference", input(func(in map[string]any) { in["reference"] = "   " }), "BAD_USER_INPUT", "invalid AccessGrant.reference: must not be blank"},
			{"long reference", input(func(in map[string]any) { in["reference"] = marker + strings.Repeat("x", 200) }), "BAD_USER_INPUT",
				"invalid AccessGrant.reference: is too long (at most 200 characters)"},
			{"long justification", input(func(in map[string]any) { in["justification"] = marker + strings.Repeat("x", 2000) }), "BAD_USER_INPUT",
				"invalid AccessGrant.justification: is too long (at most 2000 characters)"},
			{"empty justification", input(func(in map[string]any) { in["justification"] = "" }), "BAD_USER_INPUT", "invalid AccessGrant.justification: must not be blank"},
			{"a job's id", input(func(in map[string]any) { in["subjectID"] = f.jobs["acme"].ID }), "BAD_USER_INPUT", "invalid AccessGrant.subjectID: not an applicant's id"},
			{"unknown basis", input(func(in map[string]any) { in["basis"] = marker }), "BAD_USER_INPUT", ""},
			{"requester as input", input(func(in map[string]any) { in["requestedBy"] = marker }), "BAD_USER_INPUT", ""},
			{"approval as input", input(func(in map[string]any) { in["approvedAt"] = "2026-01-01T00:00:00Z" }), "BAD_USER_INPUT", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := f.post(t, as("compliance"), request, c.vars)
				if errorCode(r) != c.code || (c.message != "" && errorMessage(r) != c.message) || strings.Contains(r.Raw, marker) {
					t.Fatalf("got %s", r.Raw)
				}
			})
		}
		id := mustGrant(t, f.post(t, as("compliance"), request, input(func(in map[string]any) { in["reference"] = marker })), "requestAccessGrant")["id"]
		r := f.revokeGrant(t, as("compliance"), id, marker+strings.Repeat("x", 2000))
		if errorCode(r) != "BAD_USER_INPUT" || strings.Contains(r.Raw, marker) {
			t.Fatalf("long reason: %s", r.Raw)
		}
		if n, _ := client.AccessGrant.Query().Count(privacy.DecisionContext(context.Background(), privacy.Allow)); n != 1 {
			t.Fatalf("%d grants stored, want the one valid request", n)
		}
		if strings.Contains(f.logs.String(), marker) {
			t.Fatal("the logs hold a grant's text")
		}
	})
}

// TestGrantTTL: the gateway's grant lifetime sets each approval's expiry,
// and the data layer refuses a lifetime over 24 hours whatever it is given.
func TestGrantTTL(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	alice := f.applicants["alice"].ID
	f.handler = testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.GrantTTL = 90 * time.Minute })
	g := mustGrant(t, f.approveGrant(t, as("approver"), mustGrant(t, f.requestGrant(t, as("compliance"), alice, "LAW"), "requestAccessGrant")["id"]),
		"approveAccessGrant")
	approved, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(g["approvedAt"]))
	expires, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(g["expiresAt"]))
	if expires.Sub(approved) != 90*time.Minute {
		t.Fatalf("lifetime %s", expires.Sub(approved))
	}

	f.handler = testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.GrantTTL = 25 * time.Hour })
	id := mustGrant(t, f.requestGrant(t, as("compliance"), alice, "LAW"), "requestAccessGrant")["id"]
	wantError(t, f.approveGrant(t, as("approver"), id), "approveAccessGrant", "BAD_USER_INPUT",
		"invalid AccessGrant.expiresAt: must lie after the approval, at most 24h0m0s later")
}
