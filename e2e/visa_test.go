package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/privacy"
)

// visaDay is the UTC day d days from today, as the API writes a date.
func visaDay(d int) string {
	y, m, day := time.Now().UTC().Date()
	return time.Date(y, m, day+d, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
}

// TestVisaExpired: Applicant.visaExpired is true once the day is after
// visaExpiresOn (the expiry day itself is still valid), false before, null
// without a date, and decided as VISA: an employer who may see VISA sees
// it, one whose subject withholds VISA and a role that never sees VISA
// get it withheld like visaStatus. Past expiries written by the system
// (no viewer: a seed, history) are stored and shown as expired.
func TestVisaExpired(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		alice := f.applicants["alice"]
		query := fmt.Sprintf(`{ applicant(id: %d) { visaExpiresOn visaExpired } }`, alice.ID)
		for _, c := range []struct {
			days int // from today; 1000: no date
			want string
		}{{-400, "true"}, {-1, "true"}, {0, "false"}, {1, "false"}, {1000, "null"}} {
			u := client.Applicant.UpdateOne(alice)
			date := "null"
			if c.days == 1000 {
				u.ClearVisaExpiresOn()
			} else {
				day, _ := time.Parse(time.RFC3339, visaDay(c.days))
				u.SetVisaExpiresOn(day)
				date = `"` + visaDay(c.days) + `"`
			}
			u.ExecX(ctx)
			want := fmt.Sprintf(`{"data":{"applicant":{"visaExpiresOn":%s,"visaExpired":%s}}}`, date, c.want)
			if r := f.post(t, as("acme"), query, nil); r.Raw != want {
				t.Errorf("acme, expiry %+d days: %s, want %s", c.days, r.Raw, want)
			}
			if r := f.post(t, as("alice"), `{ me { visaExpired } }`, nil); r.Raw != `{"data":{"me":{"visaExpired":`+c.want+`}}}` {
				t.Errorf("alice herself, expiry %+d days: %s", c.days, r.Raw)
			}
		}

		// Withheld as VISA: dave (support reaches him, names only) and
		// alice once she withholds VISA from acme.
		client.Applicant.UpdateOne(f.applicants["dave"]).SetVisaExpiresOn(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)).ExecX(ctx)
		r := f.post(t, as("support"), fmt.Sprintf(`{ applicant(id: %d) { name visaStatus visaExpired } }`, f.applicants["dave"].ID), nil)
		want := `{"data":{"applicant":{"name":"cnrydavename","visaStatus":null,"visaExpired":null}},` +
			`"extensions":{"withheld":[{"path":["applicant"],"fields":{"visaExpired":"NOT_PERMITTED","visaStatus":"NOT_PERMITTED"}}]}}`
		if r.Raw != want {
			t.Errorf("support: %s, want %s", r.Raw, want)
		}
		f.grant(t, "alice", "EMPLOYER_PROVISION", f.employers["acme"], string(consent.Visa), false)
		r = f.post(t, as("acme"), fmt.Sprintf(`{ applicant(id: %d) { name visaStatus visaExpired } }`, alice.ID), nil)
		want = `{"data":{"applicant":{"name":"cnryalicename","visaStatus":null,"visaExpired":null}},` +
			`"extensions":{"withheld":[{"path":["applicant"],"fields":{"visaExpired":"WITHHELD_BY_SUBJECT","visaStatus":"WITHHELD_BY_SUBJECT"}}]}}`
		if r.Raw != want {
			t.Errorf("acme, VISA withheld: %s, want %s", r.Raw, want)
		}
	})
}

// TestVisaExpiryAtEntry: an expiry already past is refused as current
// wherever someone enters it through the API (sign-up, profile update, a
// correction request, staff completing a correction), with the field
// named, the value not echoed, and nothing written; today's and later
// ones are accepted.
func TestVisaExpiryAtEntry(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		refused := func(t *testing.T, what string, r gqlResponse, date string) {
			t.Helper()
			if !strings.HasPrefix(errorMessage(r), "invalid Applicant.visaExpiresOn: must not be in the past") || errorCode(r) != "BAD_USER_INPUT" {
				t.Fatalf("%s: %s, want invalid Applicant.visaExpiresOn BAD_USER_INPUT", what, r.Raw)
			}
			if strings.Contains(r.Raw, date[:10]) {
				t.Fatalf("%s: the error echoes the value: %s", what, r.Raw)
			}
		}
		in := map[string]any{"name": "Nguyen Van An", "email": "an@example.com", "prefecture": "Tokyo",
			"visaStatus": "ENGINEER_HUMANITIES_INTERNATIONAL", "visaExpiresOn": visaDay(-1)}
		before := countApplicants(t, client)
		refused(t, "sign-up", f.post(t, as("newcomer"), createProfile, map[string]any{"in": in}), visaDay(-1))
		if after := countApplicants(t, client); after != before {
			t.Fatalf("applicants %d -> %d: a refused sign-up was stored", before, after)
		}
		in["visaExpiresOn"] = visaDay(0) // valid through its expiry day
		if r := f.post(t, as("newcomer"), createProfile, map[string]any{"in": in}); len(r.Errors) > 0 {
			t.Fatalf("sign-up expiring today: %s", r.Raw)
		}

		const update = `mutation($d: Time) { updateMyProfile(input: {visaExpiresOn: $d, city: "Nagoya"}) { visaExpiresOn visaExpired } }`
		refused(t, "update", f.post(t, as("newcomer"), update, map[string]any{"d": visaDay(-30)}), visaDay(-30))
		if r := f.post(t, as("newcomer"), `{ me { city visaExpiresOn visaExpired } }`, nil); r.Raw != `{"data":{"me":{"city":"","visaExpiresOn":"`+visaDay(0)+`","visaExpired":false}}}` {
			t.Fatalf("after a refused update: %s", r.Raw)
		}
		if r := f.post(t, as("newcomer"), update, map[string]any{"d": visaDay(365)}); r.Raw != `{"data":{"updateMyProfile":{"visaExpiresOn":"`+visaDay(365)+`","visaExpired":false}}}` {
			t.Fatalf("update to a later expiry: %s", r.Raw)
		}

		// A correction request proposing a past expiry is refused when filed.
		r := f.post(t, as("alice"), fileRequest, map[string]any{"k": "CORRECTION", "c": map[string]any{"visaExpiresOn": visaDay(-1)}})
		refused(t, "correction request", r, visaDay(-1))

		// Staff completing a correction enter its values: one proposing an
		// expiry that has passed since (stored by the system here) is
		// refused at completion, and the profile keeps its expiry.
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		changes, _ := json.Marshal(map[string]any{"visaExpiresOn": visaDay(-2)})
		req := client.PrivacyRequest.Create().SetApplicant(f.applicants["alice"]).SetKind("CORRECTION").
			SetProposedChanges(changes).SetDueAt(time.Now().Add(14 * 24 * time.Hour)).SaveX(ctx)
		id := fmt.Sprint(req.ID)
		if r := f.post(t, as("compliance"), handleRequest, map[string]any{"id": id, "s": "IN_PROGRESS"}); len(r.Errors) > 0 {
			t.Fatalf("taking the correction in hand: %s", r.Raw)
		}
		refused(t, "completing the correction", f.post(t, as("compliance"), handleRequest, map[string]any{"id": id, "s": "COMPLETED"}), visaDay(-2))
		if got := client.Applicant.GetX(ctx, f.applicants["alice"].ID).VisaExpiresOn; !got.Equal(f.applicants["alice"].VisaExpiresOn) {
			t.Fatalf("alice's expiry %v after a refused correction, want %v", got, f.applicants["alice"].VisaExpiresOn)
		}
	})
}
