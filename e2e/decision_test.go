package e2e

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"consentgate/consent"
	"consentgate/ent"
)

// TestDecisionsThroughHTTP is the table of role × purpose × category ×
// consent state → exact output under the default policy, through the
// HTTP handler: a plain value, the exact masked value, or null with the
// reason in extensions.withheld; or no row at all.
func TestDecisionsThroughHTTP(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		f.grant(t, "carol", "ADVERTISING", nil, "", false) // carol opts out of advertising
		const notFound = "NOT_FOUND"
		hidden := func(r consent.Reason) string { return "null " + string(r) }
		cases := []struct {
			viewer, subject, field string
			want                   string // JSON value, "null REASON", or NOT_FOUND
		}{
			// Provision to employers: §5(1) plain with consent, the rest never.
			{"acme", "alice", "name", `"cnryalicename"`},
			{"acme", "alice", "email", `"alice.mail@canary.example"`},
			{"acme", "alice", "phone", `"090-1234-0001"`},
			{"acme", "alice", "birthDate", `"1990-04-01T00:00:00Z"`},
			{"acme", "alice", "visaStatus", `"ENGINEER_HUMANITIES_INTERNATIONAL"`},
			{"acme", "alice", "rent", `85000`},
			{"acme", "alice", "street", hidden(consent.NotPermitted)},
			{"acme", "alice", "postalCode", hidden(consent.NotPermitted)},
			{"acme", "alice", "workplaceName", hidden(consent.NotPermitted)},
			{"acme", "alice", "lastIP", hidden(consent.NotPermitted)},
			{"acme", "alice", "spouseOccupation", hidden(consent.WithheldBySubject)}, // alice withholds FAMILY from acme
			{"acme", "alice", "dependents", hidden(consent.WithheldBySubject)},
			{"acme", "carol", "name", notFound}, // withdrew her application and its consent
			{"acme", "bob", "name", notFound},   // applied to globex only
			{"globex", "bob", "spouseOccupation", `"cnrybobspouse"`},
			{"employer-analytics", "alice", "name", notFound}, // a purpose the role may not use
			// Support (INQUIRY and SERVICE, necessary): names plain, contact masked.
			{"support", "dave", "name", `"cnrydavename"`},
			{"support", "dave", "email", `"d***@canary.example"`},
			{"support", "dave", "phone", `"*********0004"`},
			{"support", "dave", "birthDate", hidden(consent.NotPermitted)},
			{"support", "alice", "name", notFound}, // no open request
			{"support-feedback", "dave", "name", hidden(consent.NotPermitted)},
			// Marketing: mail magazine (opt-in) and advertising (opt-out).
			{"mailer", "bob", "email", `"bob.mail@canary.example"`},
			{"mailer", "bob", "phone", hidden(consent.NotPermitted)},
			{"mailer", "alice", "email", notFound}, // never opted in
			// A marketing token declaring no purpose runs an approved
			// operation under the operation's purpose only (fixture.approve
			// registers it under MAIL_MAGAZINE): not the stricter of both.
			{"marketing", "bob", "name", `"cnrybobname"`},
			{"marketing", "bob", "sex", hidden(consent.NotPermitted)},
			// Advertising and analytics release statistics only
			// (server/statistics_test.go): no subject is a row for them, with
			// or without consent, whatever the field.
			{"advertiser", "alice", "sex", notFound},
			{"advertiser", "carol", "sex", notFound},   // opted out
			{"analyst", "bob", "visaStatus", notFound}, // opted in
			{"analyst", "alice", "visaStatus", notFound},
			// Compliance and admin act under no purpose.
			{"compliance", "dave", "name", hidden(consent.NotPermitted)},
			{"admin", "dave", "name", notFound},
			// The subject sees everything of their own.
			{"alice", "alice", "street", `"cnryalicestreet"`},
			{"alice", "alice", "lastIP", `"192.0.2.1"`},
			{"alice", "bob", "name", notFound},
		}
		viewers := map[string]consent.Viewer{
			"employer-analytics": {Account: "rec-acme", Role: consent.Employer, Org: "acme", Purpose: consent.Analytics},
			"support-feedback":   {Account: "support-1", Role: consent.Support, Purpose: consent.Feedback},
		}
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/%s/%s", c.viewer, c.subject, c.field), func(t *testing.T) {
				v, ok := viewers[c.viewer]
				if !ok {
					v = *as(c.viewer)
				}
				r := f.post(t, &v, fmt.Sprintf(`query($id: ID!) { applicant(id: $id) { %s } }`, c.field),
					map[string]any{"id": f.applicants[c.subject].ID})
				var want string
				switch {
				case c.want == notFound:
					if errorCode(r) != "NOT_FOUND" || r.Data["applicant"] != nil {
						t.Fatalf("got %s, want no row", r.Raw)
					}
					return
				case strings.HasPrefix(c.want, "null "):
					want = fmt.Sprintf(`{"data":{"applicant":{"%s":null}},"extensions":{"withheld":[{"path":["applicant"],"fields":{"%s":"%s"}}]}}`,
						c.field, c.field, strings.TrimPrefix(c.want, "null "))
				default:
					want = fmt.Sprintf(`{"data":{"applicant":{"%s":%s}}}`, c.field, c.want)
				}
				if r.Raw != want {
					t.Fatalf("got  %s\nwant %s", r.Raw, want)
				}
			})
		}
	})
}

// TestRevocation checks that once a withdrawal commits, the very next
// request releases nothing it covered: no row, no field, no count.
func TestRevocation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		q := `{ applicants { totalCount edges { node { name dwellingType } } } applications { totalCount } }`
		if r := f.post(t, as("acme"), q, nil); !strings.Contains(r.Raw, `"totalCount":1,"edges":[{"node":{"name":"cnryalicename","dwellingType":"RENTED"}}]`) {
			t.Fatalf("before: %s", r.Raw)
		}
		// Withholding one category hides that category at once.
		f.grant(t, "alice", "EMPLOYER_PROVISION", nil, "HOUSING", false)
		if r := f.post(t, as("acme"), q, nil); !strings.Contains(r.Raw, `"dwellingType":null`) || !strings.Contains(r.Raw, `"dwellingType":"WITHHELD_BY_SUBJECT"`) {
			t.Fatalf("after withholding HOUSING: %s", r.Raw)
		}
		// Withdrawing provision to acme removes alice from acme's view.
		f.grant(t, "alice", "EMPLOYER_PROVISION", f.employers["acme"], "", false)
		want := `{"data":{"applicants":{"totalCount":0,"edges":[]},"applications":{"totalCount":0}}}`
		if r := f.post(t, as("acme"), q, nil); r.Raw != want {
			t.Fatalf("after withdrawing: got %s, want %s", r.Raw, want)
		}
		// Withdrawing the application ends provision too.
		if r := f.post(t, as("globex"), q, nil); !strings.Contains(r.Raw, "cnrybobname") {
			t.Fatalf("globex before: %s", r.Raw)
		}
		if r := f.post(t, as("bob"), `mutation($id: ID!) { withdrawApplication(id: $id) { status } }`, map[string]any{"id": f.apps["bob"].ID}); errorCode(r) != "" {
			t.Fatalf("withdraw: %s", r.Raw)
		}
		if r := f.post(t, as("globex"), q, nil); r.Raw != want {
			t.Fatalf("globex after bob withdrew: got %s, want %s", r.Raw, want)
		}
		// Opting out of the mail magazine takes bob off the mailer's list.
		f.grant(t, "bob", "MAIL_MAGAZINE", nil, "", false)
		if r := f.post(t, as("mailer"), `{ applicants { totalCount } }`, nil); r.Raw != `{"data":{"applicants":{"totalCount":0}}}` {
			t.Fatalf("mailer after the opt-out: %s", r.Raw)
		}
	})
}

// TestApplyingRecordsProvision checks that an application made through the
// API grants provision to that employer alone, so it reaches the applicant.
func TestApplyingRecordsProvision(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	if r := f.post(t, as("globex"), `{ applicants { totalCount } }`, nil); r.Raw != `{"data":{"applicants":{"totalCount":1}}}` {
		t.Fatalf("before: %s", r.Raw)
	}
	r := f.post(t, as("alice"), `mutation($job: ID!) { applyToJob(input: {jobID: $job}) { status } }`, map[string]any{"job": f.jobs["globex"].ID})
	if errorCode(r) != "" {
		t.Fatalf("apply: %s", r.Raw)
	}
	r = f.post(t, as("globex"), `{ applicants(orderBy: {field: CREATED_AT}) { totalCount edges { node { name spouseOccupation } } } }`, nil)
	// alice's FAMILY withholding is towards acme only: globex sees it.
	if !strings.Contains(r.Raw, `"totalCount":2`) || !strings.Contains(r.Raw, `{"name":"cnryalicename","spouseOccupation":"cnryalicespouse"}`) {
		t.Fatalf("after applying: %s", r.Raw)
	}
}

// TestSideDoors checks that no argument can involve a personal field: where
// predicates, orderBy values and edge predicates on personal data are not in
// the schema, so such a request is refused before it runs; cursors carry no
// personal value; counts and hasNextPage count reachable rows only.
func TestSideDoors(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	refused := []string{
		`{ applicants(where: {nameContains: "cnry"}) { totalCount } }`,
		`{ applicants(where: {emailHasPrefix: "a"}) { totalCount } }`,
		`{ applicants(where: {visaStatus: "STUDENT"}) { totalCount } }`,
		`{ applicants(orderBy: {field: NAME}) { totalCount } }`,
		`{ applicants(orderBy: {field: BIRTH_DATE}) { totalCount } }`,
		`{ applications(where: {reasonContains: "x"}) { totalCount } }`,
		`{ applications(where: {hasApplicantWith: {id: 1}}) { totalCount } }`,
		`{ jobs(where: {hasApplicationsWith: {status: APPLIED}}) { totalCount } }`,
		`{ privacyRequests(where: {hasApplicantWith: {id: 1}}) { totalCount } }`,
	}
	for _, q := range refused {
		r := f.post(t, as("acme"), q, nil)
		if r.Status != 200 || errorCode(r) != "GRAPHQL_VALIDATION_FAILED" || r.Data != nil {
			t.Errorf("%s: %d %s", q, r.Status, r.Raw)
		}
		if strings.Contains(r.Raw, "cnry") {
			t.Errorf("%s: the error echoes a value: %s", q, r.Raw)
		}
	}
	r := f.post(t, as("acme"), `{ applicants(first: 1) { totalCount pageInfo { hasNextPage endCursor } edges { cursor } } }`, nil)
	if !strings.Contains(r.Raw, `"totalCount":1,"pageInfo":{"hasNextPage":false`) {
		t.Fatalf("counts: %s", r.Raw)
	}
	for _, e := range dig(r.Data, "applicants", "edges").([]any) {
		raw, err := base64.StdEncoding.DecodeString(fmt.Sprint(dig(e, "cursor")))
		if err != nil {
			raw, _ = base64.RawURLEncoding.DecodeString(fmt.Sprint(dig(e, "cursor")))
		}
		for value := range canaries("alice") {
			if strings.Contains(string(raw), value) {
				t.Errorf("cursor holds %q", value)
			}
		}
	}
	// A forged cursor reaches no further than the rows the viewer reaches.
	r = f.post(t, as("acme"), `query($c: Cursor) { applicants(after: $c) { totalCount edges { node { id } } } }`,
		map[string]any{"c": base64.StdEncoding.EncodeToString([]byte{0x81, 0xa1, 'i', 0x00})})
	if strings.Contains(r.Raw, fmt.Sprint(f.applicants["bob"].ID)) || strings.Contains(r.Raw, "cnry") {
		t.Fatalf("forged cursor: %s", r.Raw)
	}
}
