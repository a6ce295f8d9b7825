package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/policyversion"
	"consentgate/ent/privacy"
)

const publishVersion = `mutation($in: PublishPolicyVersionInput!) { publishPolicyVersion(input: $in) { version effectiveAt summary changedPurposes } }`

const standingQuery = `{ me { notices { policyVersion { version } inForce acknowledgedAt }
  currentConsents { purpose granted standing { basis policyVersion { version } } } } }`

func versionInput(version string, at time.Time, purposes ...string) map[string]any {
	text := policyTextOf(version)
	return map[string]any{"in": map[string]any{"version": version, "effectiveAt": at.Format(time.RFC3339Nano),
		"summary": "Analysis now covers matching quality.", "textDigest": consent.TextDigest([]byte(text)), "text": text, "changedPurposes": purposes}}
}

// policyTextOf is the text tests publish as version's: the shipped
// policy's, its title naming the version.
func policyTextOf(version string) string {
	return "Privacy policy, version " + version + "\r\n\r\n" + string(consent.PolicyText())
}

// standings renders an applicant's current consents as
// "PURPOSE:granted:BASIS@version".
func standings(t *testing.T, r gqlResponse) string {
	t.Helper()
	var out []string
	cs, ok := dig(r.Data, "me", "currentConsents").([]any)
	if !ok {
		t.Fatalf("no consents: %s", r.Raw)
	}
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%v:%v:%v@%v", dig(c, "purpose"), dig(c, "granted"), dig(c, "standing", "basis"), dig(c, "standing", "policyVersion", "version")))
	}
	return strings.Join(out, " ")
}

// TestPolicyVersions: admins publish versions (§8), effective after the
// notice period; applicants see what changed as notices and may
// acknowledge them; a grant whose purpose a version in force changed
// stands on deemed agreement until acknowledged, and someone who asked for
// deletion since objected to it: their grant stands withdrawn.
func TestPolicyVersions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f, clock := policyClockFixture(t, client)
		ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
		// erin registered and gave her consents an hour ago.
		erinV := consent.Viewer{Account: "erin", Role: consent.Applicant}
		erin := client.Applicant.Create().SetAccountID("erin").SetName("cnryerinname").SetEmail("erin@cnry.example").SetPhone("090-0000-9999").
			SetBirthDate(time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)).SetSex("FEMALE").SetPrefecture("Tokyo").SaveX(ctx)
		inTx(t, client, func(client *ent.Client) {
			for _, p := range []string{"ANALYTICS", "MAIL_MAGAZINE", "FEEDBACK"} {
				client.Consent.Create().SetApplicant(erin).SetPurpose(entconsent.Purpose(p)).SetGranted(p != "FEEDBACK").
					SetSource("APPLICANT").SetRecordedAt(time.Now().Add(-time.Hour)).SetPolicyVersion(f.policy).SaveX(ctx)
			}
		})
		want := "ANALYTICS:true:EXPLICIT@2026-01 MAIL_MAGAZINE:true:EXPLICIT@2026-01 FEEDBACK:false:EXPLICIT@2026-01"
		if got := standings(t, f.post(t, &erinV, standingQuery, nil)); got != want {
			t.Fatalf("before any change: %s", got)
		}

		// Only an admin publishes, and only a well-formed version.
		later := clock.Now().Add(40 * day)
		for _, who := range []string{"alice", "compliance", "analyst", "support"} {
			// (An analyst's plain document is refused before anything runs.)
			if r := f.post(t, as(who), publishVersion, versionInput("2026-07", later, "ANALYTICS")); errorCode(r) != "FORBIDDEN" && errorCode(r) != "OPERATION_NOT_APPROVED" {
				t.Fatalf("%s published: %s", who, r.Raw)
			}
		}
		bad := versionInput("2026-07", later, "ANALYTICS")
		bad["in"].(map[string]any)["textDigest"] = "md5:cnrydigest"
		if r := f.post(t, as("admin"), publishVersion, bad); errorCode(r) != "BAD_USER_INPUT" || !strings.Contains(r.Raw, "textDigest") || strings.Contains(r.Raw, "cnrydigest") {
			t.Fatalf("a bad digest: %s", r.Raw)
		}
		if r := f.post(t, as("admin"), publishVersion, versionInput("2026-06", clock.Now().Add(-time.Hour), "ANALYTICS")); errorCode(r) != "BAD_USER_INPUT" || !strings.Contains(r.Raw, "effectiveAt") {
			t.Fatalf("a retroactive version: %s", r.Raw)
		}
		if r := f.post(t, as("admin"), publishVersion, versionInput("2026-01", later, "ANALYTICS")); errorCode(r) != "CONFLICT" {
			t.Fatalf("a duplicate version: %s", r.Raw)
		}

		// A version announced for after the notice period: a notice, not
		// yet in force.
		if r := f.post(t, as("admin"), publishVersion, versionInput("2026-07", later, "ANALYTICS")); len(r.Errors) > 0 {
			t.Fatalf("publish: %s", r.Raw)
		}
		r := f.post(t, &erinV, standingQuery, nil)
		if got := fmt.Sprint(dig(r.Data, "me", "notices")); got != "[map[acknowledgedAt:<nil> inForce:false policyVersion:map[version:2026-07]]]" {
			t.Fatalf("notices: %s", r.Raw)
		}
		if got := standings(t, r); got != want {
			t.Fatalf("before it takes effect: %s", got)
		}

		// A version in force (its notice period over) that changes
		// analytics and the mail magazine: erin's grants stand on deemed
		// agreement; her withdrawal stays a withdrawal.
		if r := f.post(t, as("admin"), publishVersion, versionInput("2026-08", clock.Now().Add(31*day), "ANALYTICS", "MAIL_MAGAZINE", "FEEDBACK")); len(r.Errors) > 0 {
			t.Fatalf("publish: %s", r.Raw)
		}
		clock.Add(32 * day)
		if r := f.post(t, nil, `{ policyVersionInForce { version } policyVersions { version } }`, nil); r.Raw != `{"data":{"policyVersionInForce":{"version":"2026-08"},"policyVersions":[{"version":"2026-01"},{"version":"2026-08"},{"version":"2026-07"}]}}` {
			t.Fatalf("versions: %s", r.Raw)
		}
		// A version announced for an hour after the notice period, written
		// in another zone, is not in force then (SQLite compares times as text: they are
		// stored in UTC).
		inAnHour := clock.Now().Add(30*day + time.Hour).In(time.FixedZone("EST", -5*3600))
		if r := f.post(t, as("admin"), publishVersion, versionInput("2026-09", inAnHour, "FEEDBACK")); len(r.Errors) > 0 {
			t.Fatalf("publish: %s", r.Raw)
		}
		if r := f.post(t, nil, `{ policyVersionInForce { version } }`, nil); r.Raw != `{"data":{"policyVersionInForce":{"version":"2026-08"}}}` {
			t.Fatalf("in force with a version in an hour, written in UTC-5: %s", r.Raw)
		}
		if client.PolicyVersion.Query().Where(policyversion.Version("2026-09"), policyversion.EffectiveAtLTE(clock.Now().Add(30*day))).ExistX(ctx) {
			t.Fatal("the database takes a version effective in an hour after the notice, written in UTC-5, as in force then")
		}
		deemed := "ANALYTICS:true:DEEMED@2026-08 MAIL_MAGAZINE:true:DEEMED@2026-08 FEEDBACK:false:EXPLICIT@2026-01"
		if got := standings(t, f.post(t, &erinV, standingQuery, nil)); got != deemed {
			t.Fatalf("after 2026-08: %s", got)
		}
		// Releases are recorded under the version in force.
		f.post(t, as("acme"), `{ applicants { edges { node { name } } } }`, nil)
		if rs := accessRecords(t, client); rs[len(rs)-1].PolicyVersion != "2026-08" {
			t.Fatalf("a release recorded under %q", rs[len(rs)-1].PolicyVersion)
		}
		// A new change is stamped with the version in force.
		if r := f.post(t, as("bob"), changeConsent, map[string]any{"in": map[string]any{"purpose": "FEEDBACK", "granted": true}}); !strings.Contains(r.Raw, `"policyVersion":{"version":"2026-08"}`) {
			t.Fatalf("stamp: %s", r.Raw)
		}

		// Acknowledging makes the agreement explicit, once.
		ack := `mutation($v: String!) { acknowledgePolicyVersion(version: $v) { policyVersion { version } inForce acknowledgedAt } }`
		first := f.post(t, &erinV, ack, map[string]any{"v": "2026-08"})
		if dig(first.Data, "acknowledgePolicyVersion", "acknowledgedAt") == nil || dig(first.Data, "acknowledgePolicyVersion", "inForce") != true {
			t.Fatalf("acknowledge: %s", first.Raw)
		}
		if again := f.post(t, &erinV, ack, map[string]any{"v": "2026-08"}); again.comparable() != first.comparable() {
			t.Fatalf("a second acknowledgement: %s, first %s", again.Raw, first.Raw)
		}
		if got := standings(t, f.post(t, &erinV, standingQuery, nil)); got != strings.ReplaceAll(deemed, "DEEMED", "EXPLICIT") {
			t.Fatalf("after acknowledging: %s", got)
		}
		if r := f.post(t, as("support"), ack, map[string]any{"v": "2026-08"}); errorCode(r) == "" {
			t.Fatalf("support acknowledged: %s", r.Raw)
		}

		// Asking for deletion after a change: nothing is deemed.
		inTx(t, client, func(client *ent.Client) {
			client.Consent.Create().SetApplicant(f.applicants["dave"]).SetPurpose("ANALYTICS").SetGranted(true).
				SetSource("APPLICANT").SetRecordedAt(time.Now().Add(-time.Hour)).SetPolicyVersion(f.policy).SaveX(ctx)
		})
		daveV := consent.Viewer{Account: "dave", Role: consent.Applicant}
		daveQ := func() string { return standings(t, f.post(t, &daveV, standingQuery, nil)) }
		if got := daveQ(); got != "ANALYTICS:true:DEEMED@2026-08" {
			t.Fatalf("dave: %s", got)
		}
		if r := f.post(t, &daveV, `mutation { filePrivacyRequest(kind: DELETION) { status } }`, nil); len(r.Errors) > 0 {
			t.Fatalf("file: %s", r.Raw)
		}
		// Asking for deletion objected to every version published since
		// dave registered: the one in force withdrew his analytics grant
		// at once, and the purposes he had not consented to are withdrawn
		// from its effective time.
		if got := daveQ(); got != "ANALYTICS:true:EXPLICIT@2026-08 MAIL_MAGAZINE:false:EXPLICIT@2026-08 FEEDBACK:false:EXPLICIT@2026-08" {
			t.Fatalf("dave after asking for deletion: %s", got)
		}
		if applies, status := f.applies(t, "dave", "ANALYTICS"); applies || status != "OBJECTED" {
			t.Fatalf("dave's analytics after asking for deletion: applies %v, %s", applies, status)
		}
		if r := f.post(t, &daveV, `{ me { notices { policyVersion { version } objectedAt } } }`, nil); strings.Contains(r.Raw, `"objectedAt":null`) {
			t.Fatalf("dave's notices after asking for deletion: %s", r.Raw)
		}
	})
}
