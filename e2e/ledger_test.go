package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"consentgate/ent"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/privacy"
	"consentgate/ledger"
)

const changeConsent = `mutation($in: ConsentChangeInput!) { changeConsent(input: $in) { purpose granted withheldCategory source basis employer { name } policyVersion { version } } }`

// TestConsentLedgerThroughTheAPI: an applicant grants and withdraws
// purposes and withholds categories from employers through the API; each
// change is an appended entry stamped with the policy version, and takes
// effect for the very next request.
func TestConsentLedgerThroughTheAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		mailerSees := func() string {
			return f.post(t, as("mailer"), `{ applicants { totalCount } }`, nil).Raw
		}
		if got := mailerSees(); got != `{"data":{"applicants":{"totalCount":1}}}` { // bob
			t.Fatalf("before: %s", got)
		}
		r := f.post(t, as("alice"), changeConsent, map[string]any{"in": map[string]any{"purpose": "MAIL_MAGAZINE", "granted": true}})
		if want := `{"data":{"changeConsent":{"purpose":"MAIL_MAGAZINE","granted":true,"withheldCategory":null,"source":"APPLICANT","basis":"EXPLICIT","employer":null,"policyVersion":{"version":"2026-01"}}}}`; r.Raw != want {
			t.Fatalf("grant: got %s, want %s", r.Raw, want)
		}
		if got := mailerSees(); got != `{"data":{"applicants":{"totalCount":2}}}` {
			t.Fatalf("after alice's grant: %s", got)
		}
		f.post(t, as("alice"), changeConsent, map[string]any{"in": map[string]any{"purpose": "MAIL_MAGAZINE", "granted": false}})
		if got := mailerSees(); got != `{"data":{"applicants":{"totalCount":1}}}` {
			t.Fatalf("after alice's withdrawal: %s", got)
		}

		// Withholding HOUSING from acme alone: acme stops seeing it at once.
		acmeID := f.employers["acme"].ID
		r = f.post(t, as("alice"), changeConsent, map[string]any{"in": map[string]any{"purpose": "EMPLOYER_PROVISION", "employerID": acmeID, "category": "HOUSING", "granted": false}})
		if !strings.Contains(r.Raw, `"withheldCategory":"HOUSING"`) || !strings.Contains(r.Raw, `"employer":{"name":"Acme K.K."}`) {
			t.Fatalf("withhold: %s", r.Raw)
		}
		if r := f.post(t, as("acme"), `{ applicants { edges { node { rent } } } }`, nil); !strings.Contains(r.Raw, `"rent":"WITHHELD_BY_SUBJECT"`) {
			t.Fatalf("acme after the withholding: %s", r.Raw)
		}

		// The history keeps every entry; the current state the latest per key.
		r = f.post(t, as("alice"), `{ me { consents { purpose granted } currentConsents { purpose granted withheldCategory } } }`, nil)
		history := fmt.Sprint(dig(r.Data, "me", "consents"))
		if strings.Count(history, "MAIL_MAGAZINE") != 2 {
			t.Fatalf("history: %s", r.Raw)
		}
		current := fmt.Sprint(dig(r.Data, "me", "currentConsents"))
		if strings.Count(current, "MAIL_MAGAZINE") != 1 || !strings.Contains(current, "map[granted:false purpose:MAIL_MAGAZINE withheldCategory:<nil>]") {
			t.Fatalf("current state: %s", r.Raw)
		}
	})
}

// TestConsentChangesRefused: bad scopes are refused with a clear error,
// nobody but the applicant changes their ledger, and nothing is stored.
func TestConsentChangesRefused(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	count := func() int {
		return f.client.Consent.Query().CountX(privacy.DecisionContext(context.Background(), privacy.Allow))
	}
	before := count()
	cases := []struct {
		viewer string
		in     map[string]any
		code   string
		msg    string
	}{
		{"alice", map[string]any{"purpose": "MAIL_MAGAZINE", "category": "FAMILY", "granted": false}, "BAD_USER_INPUT", "invalid Consent.withheldCategory"},
		{"alice", map[string]any{"purpose": "ANALYTICS", "employerID": f.employers["acme"].ID, "granted": true}, "BAD_USER_INPUT", "invalid Consent.employer"},
		{"alice", map[string]any{"purpose": "EMPLOYER_PROVISION", "employerID": 12345, "granted": true}, "BAD_USER_INPUT", "invalid Consent.employer"},
		{"acme", map[string]any{"purpose": "EMPLOYER_PROVISION", "granted": true}, "FORBIDDEN", ""},
		{"support", map[string]any{"purpose": "FEEDBACK", "granted": true}, "FORBIDDEN", ""},
		{"", map[string]any{"purpose": "MAIL_MAGAZINE", "granted": true}, "FORBIDDEN", ""},
	}
	for _, c := range cases {
		r := f.post(t, viewerOrAnonymous(c.viewer), changeConsent, map[string]any{"in": c.in})
		if errorCode(r) != c.code || !strings.HasPrefix(errorMessage(r), c.msg) {
			t.Errorf("%s %v: got %s, want %s %q", c.viewer, c.in, r.Raw, c.code, c.msg)
		}
	}
	if after := count(); after != before {
		t.Fatalf("ledger entries %d -> %d", before, after)
	}
	// Entries can be neither changed nor removed, by anyone.
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	c := f.client.Consent.Query().Where(entconsent.ApplicantID(f.applicants["bob"].ID)).FirstX(ctx)
	for _, name := range []string{"bob", "compliance", "admin"} {
		vctx := viewerContext(*as(name))
		if err := f.client.Consent.UpdateOne(c).Exec(vctx); err == nil {
			t.Errorf("%s updated a ledger entry", name)
		}
		if err := f.client.Consent.DeleteOne(c).Exec(vctx); err == nil {
			t.Errorf("%s deleted a ledger entry", name)
		}
	}
	// Not even a trusted job's: the state is derived from the ledger.
	if err := f.client.Consent.UpdateOne(c).Exec(ctx); !errors.Is(err, ledger.ErrAppendOnly) {
		t.Errorf("a trusted update of a ledger entry: %v", err)
	}
	if err := f.client.Consent.DeleteOne(c).Exec(ctx); !errors.Is(err, ledger.ErrAppendOnly) {
		t.Errorf("a trusted deletion of a ledger entry: %v", err)
	}
}
