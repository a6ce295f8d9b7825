package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
	"consentgate/gateway"
)

const (
	fileRequest   = `mutation($k: PrivacyRequestKind!, $c: UpdateApplicantInput) { filePrivacyRequest(kind: $k, changes: $c) { id kind status proposedChanges } }`
	handleRequest = `mutation($id: ID!, $s: PrivacyRequestStatus!, $why: String) { handlePrivacyRequest(id: $id, status: $s, rejectionReason: $why) { id status handler completedAt result } }`
	myRequests    = `{ me { privacyRequests { id kind status proposedChanges result } } }`
)

// file files a privacy request of kind as viewer, with changes (nil: none),
// and returns its id.
func (f *fixture) file(t *testing.T, viewer *consent.Viewer, kind string, changes map[string]any) any {
	t.Helper()
	vars := map[string]any{"k": kind}
	if changes != nil {
		vars["c"] = changes
	}
	r := f.post(t, viewer, fileRequest, vars)
	if len(r.Errors) > 0 || dig(r.Data, "filePrivacyRequest", "status") != "RECEIVED" {
		t.Fatalf("filing %s: %s", kind, r.Raw)
	}
	return dig(r.Data, "filePrivacyRequest", "id")
}

// complete moves request id to IN_PROGRESS, then to COMPLETED, as handler
// (support or compliance), and returns the completion's response.
func (f *fixture) complete(t *testing.T, handler string, id any) gqlResponse {
	t.Helper()
	if r := f.post(t, as(handler), handleRequest, map[string]any{"id": id, "s": "IN_PROGRESS"}); len(r.Errors) > 0 {
		t.Fatalf("taking %v in hand: %s", id, r.Raw)
	}
	r := f.post(t, as(handler), handleRequest, map[string]any{"id": id, "s": "COMPLETED"})
	if len(r.Errors) > 0 || dig(r.Data, "handlePrivacyRequest", "status") != "COMPLETED" {
		t.Fatalf("completing %v: %s", id, r.Raw)
	}
	// The handler is not the subject: the result is not theirs to read.
	if dig(r.Data, "handlePrivacyRequest", "result") != nil || !strings.Contains(r.Raw, `"fields":{"result":"NOT_PERMITTED"}`) {
		t.Fatalf("the handler got the result: %s", r.Raw)
	}
	return r
}

// resultOf returns the result of viewer's own request id, as they read it.
func (f *fixture) resultOf(t *testing.T, viewer *consent.Viewer, id any) map[string]any {
	t.Helper()
	r := f.post(t, viewer, myRequests, nil)
	reqs, _ := dig(r.Data, "me", "privacyRequests").([]any)
	for _, req := range reqs {
		if dig(req, "id") == id {
			res, _ := dig(req, "result").(map[string]any)
			if res == nil {
				t.Fatalf("request %v has no result: %s", id, r.Raw)
			}
			return res
		}
	}
	t.Fatalf("request %v not among the subject's: %s", id, r.Raw)
	return nil
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// count returns the totalCount of a connection query's single field.
func (f *fixture) count(t *testing.T, viewer, query string) any {
	t.Helper()
	r := f.post(t, as(viewer), query, nil)
	for _, v := range r.Data {
		return dig(v, "totalCount")
	}
	t.Fatalf("%s: %s", query, r.Raw)
	return nil
}

// TestNoticeRequest: completing a NOTICE gives the subject the purposes that
// apply to them under their consents and the policy's defaults, what they
// withhold, the employers that received their data (from the access
// records) and the policy version in force; nobody else reads it.
func TestNoticeRequest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		f.post(t, as("acme"), `{ applicants { edges { node { name email } } } }`, nil) // a release to acme, recorded
		id := f.file(t, as("alice"), "NOTICE", nil)
		f.complete(t, "support", id)
		res := f.resultOf(t, as("alice"), id)

		if got := jsonOf(res["policyVersion"]); !strings.Contains(got, `"version":"2026-01"`) || !strings.Contains(got, `"effectiveAt":"20`) {
			t.Errorf("policy version: %s", got)
		}
		acme := fmt.Sprintf(`{"id":%d,"name":"Acme K.K."}`, f.employers["acme"].ID)
		want := `[{"applies":true,"default":"OPT_IN","employers":[` + acme + `],"purpose":"EMPLOYER_PROVISION"},` +
			`{"applies":true,"default":"NECESSARY","purpose":"SERVICE"},` +
			`{"applies":false,"default":"OPT_IN","purpose":"MAIL_MAGAZINE"},` +
			`{"applies":false,"default":"OPT_IN","purpose":"FEEDBACK"},` +
			`{"applies":true,"default":"OPT_OUT","purpose":"ADVERTISING"},` +
			`{"applies":true,"default":"NECESSARY","purpose":"INQUIRY"},` +
			`{"applies":false,"default":"OPT_IN","purpose":"ANALYTICS"}]`
		if got := jsonOf(res["purposes"]); got != want {
			t.Errorf("purposes:\n got %s\nwant %s", got, want)
		}
		if got, want := jsonOf(res["withheld"]), `[{"category":"FAMILY","employer":`+acme+`}]`; got != want {
			t.Errorf("withheld: got %s, want %s", got, want)
		}
		recipients, _ := res["recipients"].([]any)
		if len(recipients) != 1 || dig(recipients, 0, "org") != "acme" || jsonOf(dig(recipients, 0, "employer")) != acme ||
			jsonOf(dig(recipients, 0, "categories")) != `["EMAIL","NAME"]` || dig(recipients, 0, "releases") != float64(1) {
			t.Errorf("recipients: %s", jsonOf(recipients))
		}
		// Compliance reaches the request but not its result.
		r := f.post(t, as("compliance"), `{ privacyRequests { edges { node { kind result } } } }`, nil)
		if strings.Contains(r.Raw, "Acme") || strings.Contains(r.Raw, "OPT_IN") || !strings.Contains(r.Raw, `"result":"NOT_PERMITTED"`) {
			t.Errorf("compliance reads the notice: %s", r.Raw)
		}
	})
}

// TestDisclosureRequest: completing a DISCLOSURE gives the subject, and
// only them, everything held about them: every profile field, the
// applications with their jobs, the consent ledger (current state and
// history), their privacy requests and the access records of every
// release of their data.
func TestDisclosureRequest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		f.post(t, as("acme"), `{ applicants { edges { node { name email } } } }`, nil)
		id := f.file(t, as("alice"), "DISCLOSURE", nil)
		f.complete(t, "compliance", id)
		res := f.resultOf(t, as("alice"), id)
		export := jsonOf(res)

		for value := range canaries("alice") { // every field, applications' reasons and answers included
			if !strings.Contains(export, strings.TrimSuffix(value, `"`)) {
				t.Errorf("the export lacks alice's %q", value)
			}
		}
		for _, other := range []string{"bob", "carol", "dave"} {
			for value := range canaries(other) {
				if strings.Contains(export, strings.TrimSuffix(value, `"`)+`"`) {
					t.Errorf("the export holds %s's %q", other, value)
				}
			}
		}
		profile, _ := res["profile"].(map[string]any)
		if profile["accountID"] != "alice" || profile["visaStatus"] != "ENGINEER_HUMANITIES_INTERNATIONAL" || profile["rent"] != float64(85000) ||
			profile["erasedAt"] != nil || len(profile) != len(applicant.Columns) {
			t.Errorf("profile: %s", jsonOf(profile))
		}
		apps, _ := res["applications"].([]any)
		if len(apps) != 1 || dig(apps, 0, "job", "title") != "Acme engineer" || dig(apps, 0, "job", "employer", "name") != "Acme K.K." ||
			dig(apps, 0, "status") != "APPLIED" || dig(apps, 0, "reason") != canary("alice", "reason") {
			t.Errorf("applications: %s", jsonOf(apps))
		}
		history := jsonOf(dig(res, "consents", "history"))
		for _, want := range []string{`"purpose":"EMPLOYER_PROVISION","recordedAt"`, `"source":"APPLICATION"`, `"withheldCategory":"FAMILY"`, `"policyVersion":"2026-01"`} {
			if !strings.Contains(history, want) {
				t.Errorf("consent history lacks %s: %s", want, history)
			}
		}
		if cur, _ := dig(res, "consents", "current").([]any); len(cur) != 2 {
			t.Errorf("current consents: %s", jsonOf(cur))
		}
		reqs, _ := res["privacyRequests"].([]any)
		if len(reqs) != 1 || dig(reqs, 0, "kind") != "DISCLOSURE" || dig(reqs, 0, "status") != "COMPLETED" {
			t.Errorf("requests: %s", jsonOf(reqs))
		}
		records, _ := res["accessRecords"].([]any)
		if len(records) != 1 || dig(records, 0, "viewerRole") != "EMPLOYER" || dig(records, 0, "viewerOrg") != "acme" ||
			dig(records, 0, "purpose") != "EMPLOYER_PROVISION" || jsonOf(dig(records, 0, "categories")) != `["EMAIL:PLAIN","NAME:PLAIN"]` ||
			dig(records, 0, "at") == nil {
			t.Errorf("access records: %s", jsonOf(records))
		}
		// Nobody else reads it, and nothing of it reaches the logs.
		for _, v := range []string{"compliance", "support", "acme", "admin"} {
			r := f.post(t, as(v), `{ privacyRequests { edges { node { result } } } }`, nil)
			if strings.Contains(r.Raw, canary("alice", "street")) {
				t.Errorf("%s reads the export: %s", v, r.Raw)
			}
		}
		if strings.Contains(f.logs.String(), canary("alice", "street")) {
			t.Errorf("the logs hold the export")
		}
	})
}

// TestCorrectionAndAdditionRequests: proposed changes are validated at
// filing as a profile update is (errors name the field, never the value;
// nothing is stored), shown to the subject only, and applied, validated
// again, when the request completes.
func TestCorrectionAndAdditionRequests(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		requests := func() int { return f.client.PrivacyRequest.Query().CountX(sys) }

		refused := []struct {
			kind    string
			changes map[string]any
			msg     string
		}{
			{"CORRECTION", map[string]any{"postalCode": "cnrybadpostal"}, "invalid Applicant.postalCode: must be a Japanese postal code"},
			{"CORRECTION", map[string]any{"city": strings.Repeat("cnrylong", 20)}, "invalid Applicant.city: is too long"},
			{"CORRECTION", map[string]any{"birthDate": "2099-01-01T00:00:00Z"}, "invalid Applicant.birthDate: "},
			{"ADDITION", map[string]any{"appendWorkHistory": []any{map[string]any{"company": "cnryco", "from": "2099-04-01T00:00:00Z", "field": "IT", "employmentType": "FULL_TIME"}}},
				"invalid Applicant.appendWorkHistory[0].from: "},
			{"ADDITION", map[string]any{"clearCity": true}, "invalid PrivacyRequest.changes.clearCity: an ADDITION adds data"},
			{"DELETION", map[string]any{"city": "cnryDeletionCity"}, "invalid PrivacyRequest.changes: only a CORRECTION or an ADDITION"},
		}
		before := requests()
		for _, c := range refused {
			r := f.post(t, as("alice"), fileRequest, map[string]any{"k": c.kind, "c": c.changes})
			if errorCode(r) != "BAD_USER_INPUT" || !strings.HasPrefix(errorMessage(r), c.msg) || strings.Contains(r.Raw, "cnry") {
				t.Errorf("%s %v: got %s, want BAD_USER_INPUT %q without the value", c.kind, c.changes, r.Raw, c.msg)
			}
		}
		if after := requests(); after != before {
			t.Fatalf("refused requests were stored: %d -> %d", before, after)
		}
		if strings.Contains(f.logs.String(), "cnry") {
			t.Fatalf("the logs hold a proposed value: %s", f.logs.String())
		}

		// A correction: shown to the subject as filed, to nobody else.
		r := f.post(t, as("alice"), fileRequest, map[string]any{"k": "CORRECTION",
			"c": map[string]any{"city": "Kawasaki", "postalCode": "210-0001", "clearBuilding": true, "hasSpouse": false}})
		if want := `"proposedChanges":{"city":"Kawasaki","clearBuilding":true,"hasSpouse":false,"postalCode":"210-0001"}`; !strings.Contains(r.Raw, want) {
			t.Fatalf("filing: %s, want %s", r.Raw, want)
		}
		id := dig(r.Data, "filePrivacyRequest", "id")
		for _, v := range []string{"support", "compliance"} {
			r := f.post(t, as(v), `{ privacyRequests { edges { node { kind proposedChanges } } } }`, nil)
			if strings.Contains(r.Raw, "Kawasaki") || !strings.Contains(r.Raw, `"proposedChanges":"NOT_PERMITTED"`) {
				t.Errorf("%s reads the proposed changes: %s", v, r.Raw)
			}
		}
		if r := f.post(t, as("alice"), `{ me { city } }`, nil); !strings.Contains(r.Raw, canary("alice", "city")) {
			t.Fatalf("applied before completion: %s", r.Raw)
		}
		f.complete(t, "support", id)
		if got := jsonOf(f.resultOf(t, as("alice"), id)); got != `{"appliedFields":["city","clearBuilding","hasSpouse","postalCode"]}` {
			t.Errorf("result: %s", got)
		}
		if r := f.post(t, as("alice"), `{ me { city postalCode building hasSpouse street } }`, nil); r.Raw !=
			`{"data":{"me":{"city":"Kawasaki","postalCode":"210-0001","building":"","hasSpouse":false,"street":"`+canary("alice", "street")+`"}}}` {
			t.Errorf("after the correction: %s", r.Raw)
		}

		// An addition appends.
		id = f.file(t, as("alice"), "ADDITION", map[string]any{"appendQualifications": []any{map[string]any{"name": "JLPT N1"}}})
		f.complete(t, "compliance", id)
		if r := f.post(t, as("alice"), `{ me { qualifications { name } } }`, nil); r.Raw !=
			`{"data":{"me":{"qualifications":[{"name":"`+canary("alice", "qual")+`"},{"name":"JLPT N1"}]}}}` {
			t.Errorf("after the addition: %s", r.Raw)
		}

		// Completion validates again: a stored value no longer valid fails
		// the completion, which changes nothing, the request stays in
		// progress.
		id = f.file(t, as("alice"), "CORRECTION", map[string]any{"city": "Sendai"})
		f.client.PrivacyRequest.UpdateOneID(idOf(t, id)).SetProposedChanges(json.RawMessage(`{"postalCode":"cnrytampered"}`)).ExecX(sys)
		f.post(t, as("support"), handleRequest, map[string]any{"id": id, "s": "IN_PROGRESS"})
		r = f.post(t, as("support"), handleRequest, map[string]any{"id": id, "s": "COMPLETED"})
		if errorCode(r) != "BAD_USER_INPUT" || !strings.HasPrefix(errorMessage(r), "invalid Applicant.postalCode") || strings.Contains(r.Raw, "cnrytampered") {
			t.Errorf("completing a now invalid correction: %s", r.Raw)
		}
		if st := f.client.PrivacyRequest.GetX(sys, idOf(t, id)); st.Status != privacyrequest.StatusIN_PROGRESS || st.CompletedAt != nil || st.Result != nil {
			t.Errorf("a failed completion left the request %s", st.Status)
		}
		if r := f.post(t, as("alice"), `{ me { postalCode } }`, nil); !strings.Contains(r.Raw, "210-0001") {
			t.Errorf("a failed completion changed the profile: %s", r.Raw)
		}
	})
}

// TestCeaseOfProvisionRequest: completing a CEASE_OF_PROVISION withdraws
// provision to every employer (and to all) in the ledger; from the next
// request on, employers reach nothing of the subject on any path.
func TestCeaseOfProvisionRequest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		if n := f.count(t, "acme", `{ applicants { totalCount } }`); n != float64(1) {
			t.Fatalf("acme reaches %v applicants before", n)
		}
		id := f.file(t, as("alice"), "CEASE_OF_PROVISION", nil)
		f.complete(t, "support", id)
		acme := fmt.Sprintf(`{"id":%d,"name":"Acme K.K."}`, f.employers["acme"].ID)
		if got, want := jsonOf(f.resultOf(t, as("alice"), id)),
			`{"withdrawn":[{"employer":null,"purpose":"EMPLOYER_PROVISION"},{"employer":`+acme+`,"purpose":"EMPLOYER_PROVISION"}]}`; got != want {
			t.Errorf("result: got %s, want %s", got, want)
		}
		for _, q := range []string{`{ applicants { totalCount } }`, `{ applications { totalCount } }`} {
			if n := f.count(t, "acme", q); n != float64(0) {
				t.Errorf("acme after cease of provision: %s = %v", q, n)
			}
		}
		for path, r := range runPaths(t, f, as("acme")) {
			for value := range canaries("alice") {
				if strings.Contains(r.Raw, value) {
					t.Errorf("%s: acme still gets alice's %q", path, value)
				}
			}
		}
		r := f.post(t, as("alice"), `{ me { currentConsents { purpose granted source employer { name } } applications { edges { node { status } } } } }`, nil)
		if !strings.Contains(r.Raw, `{"purpose":"EMPLOYER_PROVISION","granted":false,"source":"PRIVACY_REQUEST","employer":{"name":"Acme K.K."}}`) ||
			!strings.Contains(r.Raw, `{"purpose":"EMPLOYER_PROVISION","granted":false,"source":"PRIVACY_REQUEST","employer":null}`) ||
			!strings.Contains(r.Raw, `"status":"APPLIED"`) {
			t.Errorf("alice's consents after cease of provision: %s", r.Raw)
		}
		// Other employers' subjects are untouched.
		if n := f.count(t, "globex", `{ applicants { totalCount } }`); n != float64(1) {
			t.Errorf("globex reaches %v", n)
		}
	})
}

// TestCeaseOfUseRequest: completing a CEASE_OF_USE withdraws every purpose
// that is not necessary (source PRIVACY_REQUEST): the mailer's population
// no longer holds the subject, nor does any employer's.
func TestCeaseOfUseRequest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		f.post(t, as("alice"), changeConsent, map[string]any{"in": map[string]any{"purpose": "MAIL_MAGAZINE", "granted": true}})
		if n := f.count(t, "mailer", `{ applicants { totalCount } }`); n != float64(2) {
			t.Fatalf("mailer reaches %v before", n)
		}
		id := f.file(t, as("alice"), "CEASE_OF_USE", nil)
		f.complete(t, "compliance", id)
		var purposes []string
		for _, w := range f.resultOf(t, as("alice"), id)["withdrawn"].([]any) {
			purposes = append(purposes, fmt.Sprint(dig(w, "purpose")))
		}
		if got := strings.Join(purposes, ","); got != "EMPLOYER_PROVISION,EMPLOYER_PROVISION,MAIL_MAGAZINE,FEEDBACK,ADVERTISING,ANALYTICS" {
			t.Errorf("withdrawn: %s", got)
		}
		if r := f.post(t, as("mailer"), `{ applicants { totalCount edges { node { name } } } }`, nil); r.Raw !=
			`{"data":{"applicants":{"totalCount":1,"edges":[{"node":{"name":"cnrybobname"}}]}}}` {
			t.Errorf("mailer after alice's cease of use: %s", r.Raw)
		}
		if n := f.count(t, "acme", `{ applicants { totalCount } }`); n != float64(0) {
			t.Errorf("acme reaches %v after cease of use", n)
		}
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		entries := f.client.Consent.Query().Where(entconsent.ApplicantID(f.applicants["alice"].ID),
			entconsent.SourceEQ(entconsent.SourcePRIVACY_REQUEST)).AllX(sys)
		if len(entries) != 6 {
			t.Errorf("%d ledger entries from the request, want 6", len(entries))
		}
		for _, e := range entries {
			if e.Granted || e.PolicyVersionID != f.policy.ID || e.RecordedAt.IsZero() {
				t.Errorf("entry %+v: a stamped withdrawal expected", e)
			}
		}
	})
}

// TestCeaseOfUseRequestLeavesStatistics: after a CEASE_OF_USE the subject is no
// longer counted in the analysts' statistics.
func TestCeaseOfUseRequestLeavesStatistics(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		newStatsWorld(t, client)
		f := &fixture{client: client}
		f.handler = testGateway(client, nil, func(gw *gateway.Gateway) { gw.Policy = statsPolicy(); gw.Noise = silent{} })
		if got := counts(t, stats(t, f, "analyst", []string{"PREFECTURE"}, nil)); fmt.Sprint(got) != "map[*:3 Osaka:12 Tokyo:20]" {
			t.Fatalf("before: %v", got)
		}
		subject := &consent.Viewer{Account: "osaka-04", Role: consent.Applicant}
		id := f.file(t, subject, "CEASE_OF_USE", nil)
		f.complete(t, "support", id)
		if got := counts(t, stats(t, f, "analyst", []string{"PREFECTURE"}, nil)); fmt.Sprint(got) != "map[*:3 Osaka:11 Tokyo:20]" {
			t.Errorf("after osaka-04's cease of use: %v", got)
		}
	})
}

// storedText is every row of every table, as JSON: what the database holds.
func storedText(t *testing.T, client *ent.Client) string {
	t.Helper()
	// Every entity client of the ent client (its exported *XClient
	// fields), so that a new entity is searched without a change here.
	ctx := reflect.ValueOf(privacy.DecisionContext(context.Background(), privacy.Allow))
	var all []any
	c := reflect.ValueOf(client).Elem()
	for i := range c.NumField() {
		q := c.Field(i)
		if !c.Type().Field(i).IsExported() || q.Kind() != reflect.Pointer || !q.MethodByName("Query").IsValid() {
			continue
		}
		all = append(all, q.MethodByName("Query").Call(nil)[0].MethodByName("AllX").Call([]reflect.Value{ctx})[0].Interface())
	}
	if len(all) < 12 {
		t.Fatalf("only %d entity clients found", len(all))
	}
	return jsonOf(all)
}

// TestDeletionRequest: completing a DELETION erases the subject's personal
// data everywhere: no role, no path and no export shows any of it, the
// database holds none of it, the subject's token finds no profile,
// employers reach nothing; what remains is kept without it: the requests
// (the fact they were handled), the ledger, the applications (withdrawn,
// answers cleared) and the access records (pseudonymised).
func TestDeletionRequest(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		alice := f.applicants["alice"]

		// Before: a disclosure export holding everything, an open correction
		// proposing a value, releases to acme on record.
		disclosure := f.file(t, as("alice"), "DISCLOSURE", nil)
		f.complete(t, "compliance", disclosure)
		f.file(t, as("alice"), "CORRECTION", map[string]any{"city": "cnryaliceproposed"}) // left open
		f.post(t, as("acme"), `{ applicants { edges { node { name email } } } }`, nil)
		records := f.client.AccessRecord.Query().Where(accessrecord.SubjectID(alice.ID)).CountX(sys)
		if records == 0 || !strings.Contains(storedText(t, client), canary("alice", "street")) {
			t.Fatalf("the world before: %d records", records)
		}

		id := f.file(t, as("alice"), "DELETION", nil)
		f.complete(t, "support", id)

		secrets := canaries("alice")
		secrets["cnryaliceproposed"] = consent.AddressRegion
		// No role, no path.
		for _, name := range []string{"", "alice", "bob", "newcomer", "acme", "globex", "unknownorg", "support", "marketing",
			"mailer", "advertiser", "analyst", "compliance", "admin"} {
			for path, r := range runPaths(t, f, viewerOrAnonymous(name)) {
				for value := range secrets {
					if strings.Contains(r.Raw, value) {
						t.Errorf("%s, %s: alice's %q after her deletion: %s", name, path, value, r.Raw)
					}
				}
			}
			r := f.post(t, viewerOrAnonymous(name), `{ privacyRequests(first: 100) { edges { node { proposedChanges result applicant { name } } } } }`, nil)
			for value := range secrets {
				if strings.Contains(r.Raw, value) {
					t.Errorf("%s: alice's %q in the requests after her deletion: %s", name, value, r.Raw)
				}
			}
		}
		// Nothing stored, nothing logged.
		stored := storedText(t, client)
		for value := range secrets {
			if strings.Contains(stored, strings.TrimSuffix(value, `"`)+`"`) {
				t.Errorf("the database still holds alice's %q", value)
			}
			if strings.Contains(f.logs.String(), value) {
				t.Errorf("the logs hold alice's %q", value)
			}
		}
		// The token finds no profile; employers reach nothing.
		if r := f.post(t, as("alice"), `{ me { id name } }`, nil); r.Raw != `{"data":{"me":null}}` {
			t.Errorf("alice's token after deletion: %s", r.Raw)
		}
		if r := f.post(t, as("alice"), fileRequest, map[string]any{"k": "NOTICE"}); errorCode(r) != "FORBIDDEN" {
			t.Errorf("alice files after deletion: %s", r.Raw)
		}
		for _, q := range []string{`{ applicants { totalCount } }`, `{ applications { totalCount } }`} {
			if n := f.count(t, "acme", q); n != float64(0) {
				t.Errorf("acme after deletion: %s = %v", q, n)
			}
		}

		// What remains: the row, anonymised; the requests; the ledger; the
		// applications; the access records, pseudonymised.
		row := f.client.Applicant.GetX(sys, alice.ID)
		if row.Name != "[erased]" || row.Email != "erased@erased.invalid" || row.ErasedAt == nil ||
			!strings.HasPrefix(row.AccountID, "erased:") || row.City != "" || row.WorkHistory != nil || row.LastIP != "" {
			t.Errorf("the erased row: %+v", row)
		}
		reqs := f.client.PrivacyRequest.Query().Where(privacyrequest.ApplicantID(alice.ID)).Order(ent.Asc(privacyrequest.FieldID)).AllX(sys)
		var states []string
		for _, r := range reqs {
			states = append(states, fmt.Sprintf("%s:%s:%t:%t", r.Kind, r.Status, r.ProposedChanges == nil, r.Result == nil))
		}
		if got := strings.Join(states, " "); got != "DISCLOSURE:COMPLETED:true:true CORRECTION:REJECTED:true:true DELETION:COMPLETED:true:false" {
			t.Errorf("alice's requests after deletion: %s", got)
		}
		if reqs[1].RejectionReason == "" || reqs[1].Handler != as("support").Account {
			t.Errorf("the open correction was not closed with a reason: %+v", reqs[1])
		}
		var result map[string]any
		if err := json.Unmarshal(reqs[2].Result, &result); err != nil || result["erased"] != true ||
			result["accessRecordsPseudonymised"] != float64(records) || result["applicationsWithdrawn"] != float64(1) ||
			result["requestsClosed"] != float64(1) || result["purposesWithdrawn"] != float64(6) {
			t.Errorf("deletion result: %s", reqs[2].Result)
		}
		app := f.client.Application.GetX(sys, f.apps["alice"].ID)
		if app.Status != application.StatusWITHDRAWN || app.Reason != "" || app.QueryAnswers().ExistX(sys) {
			t.Errorf("alice's application after deletion: %+v (answers remain: %v)", app, app.QueryAnswers().ExistX(sys))
		}
		if n := f.client.Consent.Query().Where(entconsent.ApplicantID(alice.ID)).CountX(sys); n < 8 {
			t.Errorf("alice's ledger holds %d entries", n)
		}
		if n := f.client.AccessRecord.Query().Where(accessrecord.SubjectID(alice.ID)).CountX(sys); n != 0 {
			t.Errorf("%d access records still name alice", n)
		}
		pseudonymised := f.client.AccessRecord.Query().Where(accessrecord.SubjectIDIsNil()).AllX(sys)
		if len(pseudonymised) != records {
			t.Errorf("%d pseudonymised records, want %d", len(pseudonymised), records)
		}
		for _, r := range pseudonymised {
			if r.SubjectRef != pseudonymised[0].SubjectRef || !strings.HasPrefix(r.SubjectRef, "s:") {
				t.Errorf("record %d lost its pseudonym: %q", r.ID, r.SubjectRef)
			}
		}

		// The account may register afresh: a new, empty profile.
		r := f.post(t, as("alice"), createProfile, map[string]any{"in": map[string]any{"name": "Alice Again", "email": "again@example.com"}})
		if len(r.Errors) > 0 || f.client.Applicant.Query().Where(applicant.AccountID("alice")).CountX(sys) != 1 {
			t.Errorf("registering afresh: %s", r.Raw)
		}
		if r := f.post(t, as("alice"), `{ me { name city privacyRequests { id } applications { totalCount } } }`, nil); r.Raw !=
			`{"data":{"me":{"name":"Alice Again","city":"","privacyRequests":[],"applications":{"totalCount":0}}}}` {
			t.Errorf("the new profile: %s", r.Raw)
		}
	})
}

// TestCompletionPayloadSelection: the effect of completing a request, and
// what the response says of it, do not depend on what the payload selects.
// Completing a subject's last open request takes the subject out of
// support's reach (support reaches the subjects of open requests), so a
// payload that selects the applicant finds none: that field is NOT_FOUND,
// and only it; the completion stands, as it does for a payload that does
// not select it, and for compliance, who still reaches the subject.
func TestCompletionPayloadSelection(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		const withApplicant = `mutation($id: ID!, $s: PrivacyRequestStatus!) { handlePrivacyRequest(id: $id, status: $s) { status applicant { name } } }`
		const notReached = `{"errors":[{"message":"not found","path":["handlePrivacyRequest","applicant"],"locations":[{"line":1,"column":100}],"extensions":{"code":"NOT_FOUND","requestId":"<request id>"}}],"data":{"handlePrivacyRequest":{"status":"COMPLETED","applicant":null}}}`
		for _, c := range []struct {
			subject, kind, handler string
			raw                    string // the completion's response, request id aside
		}{
			{"alice", "DELETION", "support", notReached},
			{"bob", "NOTICE", "support", notReached},
			// Compliance reaches every request's subject, and sees no name
			// outside a legal basis.
			{"carol", "DELETION", "compliance", `{"data":{"handlePrivacyRequest":{"status":"COMPLETED","applicant":{"name":null}}},"extensions":{"withheld":[{"path":["handlePrivacyRequest","applicant"],"fields":{"name":"NOT_PERMITTED"}}]}}`},
		} {
			id := f.file(t, &consent.Viewer{Account: c.subject, Role: consent.Applicant}, c.kind, nil)
			if r := f.post(t, as(c.handler), withApplicant, map[string]any{"id": id, "s": "IN_PROGRESS"}); len(r.Errors) > 0 {
				t.Fatalf("%s's %s in hand: %s", c.subject, c.kind, r.Raw)
			}
			r := f.post(t, as(c.handler), withApplicant, map[string]any{"id": id, "s": "COMPLETED"})
			if got := r.comparable(); got != c.raw {
				t.Errorf("completing %s's %s as %s:\n got %s\nwant %s", c.subject, c.kind, c.handler, got, c.raw)
			}
			req := client.PrivacyRequest.GetX(sys, idOf(t, id.(string)))
			if req.Status != privacyrequest.StatusCOMPLETED || req.Result == nil {
				t.Errorf("%s's %s after its completion as %s: %s, result %s", c.subject, c.kind, c.handler, req.Status, req.Result)
			}
			if erased := client.Applicant.GetX(sys, f.applicants[c.subject].ID).ErasedAt != nil; erased != (c.kind == "DELETION") {
				t.Errorf("%s erased: %t after a completed %s", c.subject, erased, c.kind)
			}
		}
	})
}

// TestRejectedRequestHasNoEffect: a rejected request changes nothing and
// has no result.
func TestRejectedRequestHasNoEffect(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		before := storedText(t, client)
		for _, kind := range []string{"DELETION", "CEASE_OF_PROVISION", "CORRECTION"} {
			var changes map[string]any
			if kind == "CORRECTION" {
				changes = map[string]any{"city": "Kawasaki"}
			}
			id := f.file(t, as("alice"), kind, changes)
			f.post(t, as("support"), handleRequest, map[string]any{"id": id, "s": "IN_PROGRESS"})
			r := f.post(t, as("compliance"), handleRequest, map[string]any{"id": id, "s": "REJECTED", "why": "the identity could not be confirmed"})
			if dig(r.Data, "handlePrivacyRequest", "status") != "REJECTED" {
				t.Fatalf("rejecting %s: %s", kind, r.Raw)
			}
			if res := f.post(t, as("alice"), myRequests, nil); strings.Contains(res.Raw, `"result":{`) {
				t.Errorf("a rejected %s has a result: %s", kind, res.Raw)
			}
		}
		if r := f.post(t, as("alice"), `{ me { name city } }`, nil); r.Raw != `{"data":{"me":{"name":"cnryalicename","city":"cnryalicecity"}}}` {
			t.Errorf("alice after rejections: %s", r.Raw)
		}
		if n := f.count(t, "acme", `{ applicants { totalCount } }`); n != float64(1) {
			t.Errorf("acme reaches %v after rejections", n)
		}
		// Only the requests were added: every other row is as it was.
		after := storedText(t, client)
		for _, s := range []string{canary("alice", "city"), canary("alice", "reason")} {
			if strings.Count(after, s) != strings.Count(before, s) {
				t.Errorf("%q: %d -> %d occurrences", s, strings.Count(before, s), strings.Count(after, s))
			}
		}
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		if n := f.client.Consent.Query().Where(entconsent.SourceEQ(entconsent.SourcePRIVACY_REQUEST)).CountX(sys); n != 0 {
			t.Errorf("%d ledger entries from rejected requests", n)
		}
	})
}

// TestRequestCompletionRace: handlers completing (or one rejecting) the
// same request at once: exactly one succeeds, the others are refused, and
// the effect happens once.
func TestRequestCompletionRace(t *testing.T) {
	forEachBackendAsDeployed(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		handlers := []string{"support", "compliance", "support", "compliance"}
		tokens := map[string]string{}
		for _, h := range handlers {
			tokens[h] = token(t, *as(h))
		}
		for round := range 6 {
			kind := []string{"CEASE_OF_USE", "CEASE_OF_PROVISION"}[round%2]
			id := f.file(t, as("alice"), kind, nil)
			f.post(t, as("support"), handleRequest, map[string]any{"id": id, "s": "IN_PROGRESS"})
			ledgerBefore := f.client.Consent.Query().Where(entconsent.SourceEQ(entconsent.SourcePRIVACY_REQUEST)).CountX(sys)

			responses := make([]gqlResponse, len(handlers))
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, h := range handlers {
				status := "COMPLETED"
				if round >= 4 && i == 1 {
					status = "REJECTED" // one handler rejects while the others complete
				}
				body, _ := json.Marshal(map[string]any{"query": handleRequest,
					"variables": map[string]any{"id": id, "s": status, "why": "duplicate"}})
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tokens[h])
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					rec := httptest.NewRecorder()
					f.handler.ServeHTTP(rec, req)
					r := gqlResponse{Status: rec.Code, Raw: rec.Body.String()}
					_ = json.Unmarshal(rec.Body.Bytes(), &r)
					responses[i] = r
				}()
			}
			close(start)
			wg.Wait()

			var won, codes []string
			for _, r := range responses {
				codes = append(codes, errorCode(r))
				switch code := errorCode(r); code {
				case "":
					won = append(won, fmt.Sprint(dig(r.Data, "handlePrivacyRequest", "status")))
				case "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT":
				default:
					t.Errorf("round %d: unexpected response %s", round, r.Raw)
				}
			}
			if len(won) != 1 {
				t.Fatalf("round %d: %d handlers succeeded: %v", round, len(won), responses)
			}
			t.Logf("round %d (%s): %v", round, kind, codes)
			stored := f.client.PrivacyRequest.GetX(sys, idOf(t, id))
			if string(stored.Status) != won[0] {
				t.Errorf("round %d: stored %s, the winner set %s", round, stored.Status, won[0])
			}
			added := f.client.Consent.Query().Where(entconsent.SourceEQ(entconsent.SourcePRIVACY_REQUEST)).CountX(sys) - ledgerBefore
			want := map[string]int{"CEASE_OF_USE": 6, "CEASE_OF_PROVISION": 2}[kind] // see the cease tests: one set of withdrawals
			if won[0] == "REJECTED" {
				want = 0
			}
			if added != want {
				t.Errorf("round %d (%s, %s): %d ledger entries added, want %d", round, kind, won[0], added, want)
			}
		}
		if !slices.ContainsFunc(f.client.PrivacyRequest.Query().AllX(sys), func(r *ent.PrivacyRequest) bool { return r.Result != nil }) {
			t.Errorf("no request has a result")
		}
	})
}

// TestProfileAppends: updateMyProfile's appendX lists append, and their
// items are validated as those of a list set whole, the list they make
// included (the SetInput entgql generates appended the list to set
// instead, and nothing checked them).
func TestProfileAppends(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	r := f.post(t, as("alice"), `mutation { updateMyProfile(input: {appendSkills: ["Go"], appendQualifications: [{name: "JLPT N2"}]}) { skills qualifications { name } } }`, nil)
	if want := `{"data":{"updateMyProfile":{"skills":["cnryaliceskill","Go"],"qualifications":[{"name":"cnryalicequal"},{"name":"JLPT N2"}]}}}`; r.Raw != want {
		t.Errorf("appending: got %s, want %s", r.Raw, want)
	}
	r = f.post(t, as("alice"), `mutation { updateMyProfile(input: {appendWorkHistory: [{company: "cnryco", from: "2099-04-01T00:00:00Z", field: "IT", employmentType: "FULL_TIME"}]}) { id } }`, nil)
	if errorCode(r) != "BAD_USER_INPUT" || !strings.HasPrefix(errorMessage(r), "invalid Applicant.appendWorkHistory[0].from: ") || strings.Contains(r.Raw, "cnryco") {
		t.Errorf("appending a bad entry: %s", r.Raw)
	}
	// The list appended to counts: alice has one emergency contact, the
	// limit is 5, so five more are refused and four accepted.
	contacts := func(n int) string {
		return "[" + strings.Repeat(`{name: "Kin", relation: "Sibling", phone: "090-1111-2222"},`, n) + "]"
	}
	r = f.post(t, as("alice"), `mutation { updateMyProfile(input: {appendEmergencyContacts: `+contacts(5)+`}) { id } }`, nil)
	if errorCode(r) != "BAD_USER_INPUT" || !strings.Contains(errorMessage(r), "appendEmergencyContacts") || !strings.Contains(errorMessage(r), "in all") {
		t.Errorf("appending past the list's limit: %s", r.Raw)
	}
	r = f.post(t, as("alice"), `mutation { updateMyProfile(input: {appendEmergencyContacts: `+contacts(4)+`}) { emergencyContacts { name } } }`, nil)
	if n := len(dig(r.Data, "updateMyProfile", "emergencyContacts").([]any)); n != 5 {
		t.Errorf("appending up to the list's limit: %s", r.Raw)
	}
}

// TestRequestCorrectionDeletionRace: a correction and a deletion of the
// same subject completed at once end erased whatever the order: a
// correction applied first is erased with the rest, one coming second
// finds the request rejected or the subject erased; a deletion that lost a
// race is refused (CONFLICT) and completes on retry.
func TestRequestCorrectionDeletionRace(t *testing.T) {
	forEachBackendAsDeployed(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		sys := privacy.DecisionContext(context.Background(), privacy.Allow)
		for _, account := range []string{"alice", "bob", "carol"} {
			late := "cnry" + account + "late"
			subject := &consent.Viewer{Account: account, Role: consent.Applicant}
			correction := f.file(t, subject, "CORRECTION", map[string]any{"city": late})
			deletion := f.file(t, subject, "DELETION", nil)
			for _, id := range []any{correction, deletion} {
				f.post(t, as("support"), handleRequest, map[string]any{"id": id, "s": "IN_PROGRESS"})
			}
			post := func(handler string, id any) gqlResponse {
				body, _ := json.Marshal(map[string]any{"query": handleRequest, "variables": map[string]any{"id": id, "s": "COMPLETED"}})
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token(t, *as(handler)))
				rec := httptest.NewRecorder()
				f.handler.ServeHTTP(rec, req)
				r := gqlResponse{Status: rec.Code, Raw: rec.Body.String()}
				_ = json.Unmarshal(rec.Body.Bytes(), &r)
				return r
			}
			var wg sync.WaitGroup
			var corrected, deleted gqlResponse
			wg.Add(2)
			go func() { defer wg.Done(); corrected = post("compliance", correction) }()
			go func() { defer wg.Done(); deleted = post("support", deletion) }()
			wg.Wait()
			t.Logf("%s: correction %q, deletion %q", account, errorCode(corrected), errorCode(deleted))
			if errorCode(deleted) == "CONFLICT" { // the deadlock's victim: retried
				deleted = post("support", deletion)
			}
			if errorCode(deleted) != "" {
				t.Fatalf("%s: the deletion failed: %s", account, deleted.Raw)
			}
			row := f.client.Applicant.GetX(sys, f.applicants[account].ID)
			if row.ErasedAt == nil || row.City != "" || strings.Contains(storedText(t, client), late) {
				t.Errorf("%s: not erased after a concurrent correction: %+v", account, row)
			}
			c := f.client.PrivacyRequest.GetX(sys, idOf(t, correction))
			if c.Status != privacyrequest.StatusCOMPLETED && c.Status != privacyrequest.StatusREJECTED {
				t.Errorf("%s: the correction ended %s", account, c.Status)
			}
		}
	})
}
