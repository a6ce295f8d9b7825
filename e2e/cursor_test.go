package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/contrib/entgql"

	"consentgate/ent"
	"consentgate/ent/privacy"
	"consentgate/gateway"
	"consentgate/graph"
)

// testCursorKey seals the cursors of the test gateways (testGatewayHandlers):
// one key, so that a cursor of one test gateway pages another, as the
// replicas of one deployment do.
var testCursorKey = []byte("test-cursor-key-test-cursor-key!")

// cursorConnections are the schema's connection fields, each as a query
// whose $c is the cursor of that field, a viewer who reaches a row of it in
// the fixture, and the path of its page info.
var cursorConnections = []struct {
	field, viewer, query string
	path                 []any
}{
	{"Query.jobs", "", `query($c: Cursor) { jobs(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } }`, []any{"jobs"}},
	{"Query.questions", "acme", `query($c: Cursor) { questions(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } }`, []any{"questions"}},
	{"Query.applicants", "acme", `query($c: Cursor) { applicants(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } }`, []any{"applicants"}},
	{"Query.applications", "acme", `query($c: Cursor) { applications(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } }`, []any{"applications"}},
	{"Query.accessGrants", "compliance", `query($c: Cursor) { accessGrants(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } }`, []any{"accessGrants"}},
	{"Query.accessRecords", "compliance", `query($c: Cursor) { accessRecords(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } }`, []any{"accessRecords"}},
	{"Query.operations", "compliance", `query($c: Cursor) { operations(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } }`, []any{"operations"}},
	{"Query.privacyRequests", "support", `query($c: Cursor) { privacyRequests(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } }`, []any{"privacyRequests"}},
	{"Query.overduePrivacyRequests", "support", `query($c: Cursor) { overduePrivacyRequests(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } }`, []any{"overduePrivacyRequests"}},
	{"Applicant.applications", "acme", `query($c: Cursor) { applicants(first: 1) { edges { node { applications(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } } } } }`,
		[]any{"applicants", "edges", 0, "node", "applications"}},
	{"Job.applications", "acme", `query($c: Cursor) { jobs(first: 1, where: {title: "Acme engineer"}) { edges { node { applications(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } } } } }`,
		[]any{"jobs", "edges", 0, "node", "applications"}},
	{"Employer.jobs", "", `query($c: Cursor) { jobs(first: 1) { edges { node { employer { jobs(first: 1, after: $c) { edges { cursor } pageInfo { endCursor } } } } } } }`,
		[]any{"jobs", "edges", 0, "node", "employer", "jobs"}},
}

// cursorFixture is the fixture with a row in every connection: an access
// grant, an access record (a release to acme), an approved operation, and
// dave's privacy request overdue.
func cursorFixture(t *testing.T, client *ent.Client) *fixture {
	f := newFixture(t, client)
	mustGrant(t, f.requestGrant(t, as("compliance"), f.applicants["alice"].ID, "LAW"), "requestAccessGrant")
	f.post(t, as("acme"), `{ applicants { edges { node { name } } } }`, nil)
	f.post(t, as("analyst"), `{ jobs { totalCount } }`, nil) // an approved operation
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	client.PrivacyRequest.Update().SetDueAt(time.Now().Add(-time.Hour)).ExecX(ctx)
	return f
}

// endCursor follows one page of c's connection (after cursor, or from the
// start) and returns its end cursor, failing on any error.
func endCursor(t *testing.T, f *fixture, c int, after any) string {
	t.Helper()
	conn := cursorConnections[c]
	r := f.post(t, viewerOrAnonymous(conn.viewer), conn.query, map[string]any{"c": after})
	end, _ := dig(r.Data, append(slices.Clone(conn.path), "pageInfo", "endCursor")...).(string)
	if len(r.Errors) > 0 || (after == nil && end == "") {
		t.Fatalf("%s: %s", conn.field, r.Raw)
	}
	return end
}

// wantCursorRefused: r refuses its cursor argument as bad input, naming the
// field and argument, never the value, before anything runs (no data).
func wantCursorRefused(t *testing.T, field string, r gqlResponse) {
	t.Helper()
	const rule = "(after): not a cursor this gateway issued for this connection and ordering"
	if errorCode(r) != "BAD_USER_INPUT" || !strings.HasPrefix(errorMessage(r), "invalid ") || !strings.HasSuffix(errorMessage(r), rule) ||
		r.Data != nil || len(r.Errors) != 1 {
		t.Fatalf("%s: a cursor that is not the gateway's is not refused as BAD_USER_INPUT %q: %s", field, rule, r.Raw)
	}
}

// TestCursorsAreAuthenticated: every connection's end cursor pages on as
// it is, and is refused (BAD_USER_INPUT, no value named, never INTERNAL)
// with its last character changed, cut short, as garbage, or as another
// connection's. Every connection of the schema is in cursorConnections.
func TestCursorsAreAuthenticated(t *testing.T) {
	var listed []string
	for _, c := range cursorConnections {
		listed = append(listed, c.field)
	}
	for _, typ := range graph.NewSchema(nil).Schema().Types {
		for _, fd := range typ.Fields {
			if strings.HasSuffix(fd.Type.Name(), "Connection") && !slices.Contains(listed, typ.Name+"."+fd.Name) {
				t.Errorf("the connection %s.%s is not in cursorConnections", typ.Name, fd.Name)
			}
		}
	}
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := cursorFixture(t, client)
		jobs, applicants := endCursor(t, f, 0, nil), endCursor(t, f, 2, nil)
		var unsealed bytes.Buffer // entgql's own cursor, as the gateway issued them before they were sealed
		entgql.Cursor[int]{ID: f.jobs["acme"].ID}.MarshalGQL(&unsealed)
		for i, conn := range cursorConnections {
			end := endCursor(t, f, i, nil)
			endCursor(t, f, i, end) // the gateway's own cursor pages on, as a variable or a literal
			literal := func(c string) string {
				return strings.Replace(strings.TrimPrefix(conn.query, "query($c: Cursor) "), "$c", strconv.Quote(c), 1)
			}
			if r := f.post(t, viewerOrAnonymous(conn.viewer), literal(end), nil); len(r.Errors) > 0 {
				t.Fatalf("%s: its own cursor as a literal: %s", conn.field, r.Raw)
			}
			wantCursorRefused(t, conn.field+", changed literal", f.post(t, viewerOrAnonymous(conn.viewer), literal(end[:len(end)-2]), nil))
			swap := "A"
			if end[len(end)-1] == 'A' {
				swap = "B"
			}
			another := jobs // a cursor of another connection type
			if strings.HasSuffix(conn.field, ".jobs") {
				another = applicants
			}
			for _, c := range []struct{ name, cursor string }{
				{"last character changed", end[:len(end)-1] + swap},
				{"cut short", end[:len(end)-4]},
				{"garbage", "not-a-cursor"},
				{"empty", ""},
				{"unsealed", strings.Trim(unsealed.String(), `"`)},
				{"another connection's", another},
			} {
				wantCursorRefused(t, conn.field+", "+c.name, f.post(t, viewerOrAnonymous(conn.viewer), conn.query, map[string]any{"c": c.cursor}))
			}
		}
	})
}

// TestCursorsHoldNoValueInClear: a cursor of jobs ordered by title, read
// as base64 either way, holds no title; nor does it hold the job's id in
// MessagePack (entgql's encoding).
func TestCursorsHoldNoValueInClear(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	r := f.post(t, nil, `{ jobs(first: 2, orderBy: {field: TITLE}) { edges { cursor node { title } } } }`, nil)
	edges, _ := dig(r.Data, "jobs", "edges").([]any)
	if len(edges) != 2 {
		t.Fatalf("jobs: %s\n%s", r.Raw, f.logs)
	}
	for i := range edges {
		c, title := dig(edges, i, "cursor").(string), dig(edges, i, "node", "title").(string)
		for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
			plain, _ := enc.DecodeString(c)
			if strings.Contains(string(plain), title) || strings.Contains(string(plain), "Acme") || strings.Contains(string(plain), "Globex") {
				t.Fatalf("cursor %s holds the title %q in clear: %q", c, title, plain)
			}
		}
	}
}

// TestCursorsAcrossRestarts: a gateway started again with the same
// CONSENTGATE_CURSOR_KEY (another process, as far as the database can
// tell) pages on from the cursors of the first; one with another key
// refuses them as bad input.
func TestCursorsAcrossRestarts(t *testing.T) {
	forEachDurableBackend(t, func(t *testing.T, client *ent.Client, reopen func() *ent.Client) {
		f := newFixture(t, client)
		const q = `query($c: Cursor) { jobs(first: 1, after: $c, orderBy: {field: TITLE}) { edges { node { title } } pageInfo { endCursor } } }`
		first := f.post(t, nil, q, nil)
		end := dig(first.Data, "jobs", "pageInfo", "endCursor")
		if dig(first.Data, "jobs", "edges", 0, "node", "title") != "Acme engineer" || end == nil {
			t.Fatalf("first page: %s", first.Raw)
		}
		for _, c := range []struct {
			name string
			key  []byte
		}{{"the same key", testCursorKey}, {"another key", []byte("another-cursor-key-another-key!!")}} {
			again := *f
			again.handler = testGatewayHandlers(reopen(), nil, func(gw *gateway.Gateway) { gw.CursorKey = c.key }).API
			r := again.post(t, nil, q, map[string]any{"c": end})
			if c.name == "another key" {
				wantCursorRefused(t, c.name, r)
				continue
			}
			if len(r.Errors) > 0 || dig(r.Data, "jobs", "edges", 0, "node", "title") != "Globex analyst" {
				t.Fatalf("%s: the second page is not Globex's job: %s", c.name, r.Raw)
			}
		}
	})
}

// TestCursorKeyAtStart: a malformed CONSENTGATE_CURSOR_KEY stops the start
// with a message naming the setting, never the value. (Without one the key
// is derived from the HASH key: gateway.TestCursorKeyConfig.)
func TestCursorKeyAtStart(t *testing.T) {
	for _, bad := range []string{"not-a-key", base64.StdEncoding.EncodeToString([]byte("sixteen-byte-key"))} {
		_, err := commandEnv(t, []string{"CONSENTGATE_CURSOR_KEY=" + bad}, "-demo")
		if err == nil || !strings.Contains(err.Error(), "CONSENTGATE_CURSOR_KEY must be 32 random bytes in base64") || strings.Contains(err.Error(), bad) {
			t.Errorf("a start with the cursor key %q: %v", bad, err)
		}
	}
}
