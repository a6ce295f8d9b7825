package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"consentgate/consent"
	"consentgate/ent/privacy"
	"consentgate/gateway"
)

// TestPrivacyCentre loads /privacy in headless Chromium with an
// applicant's token in the fragment (demo mode): the token leaves the
// address bar, the page shows the applicant's own data grouped by
// category with who may see each one (the data map's), and the access
// history with the employer that read them; the language switch turns the
// labels Japanese. Every request goes to the gateway, with the token.
func TestPrivacyCentre(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	if r := f.post(t, as("acme"), `{ applications { edges { node { applicant { name email } } } } }`, nil); len(r.Errors) > 0 {
		t.Fatal(r.Raw)
	}
	alice := token(t, fixtureViewers["alice"])
	b := newTab(t, testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Dev = true }))

	b.do("loading the privacy centre",
		chromedp.Navigate(b.url+"/privacy#token="+alice),
		waitText(`[data-category="NAME"]`, canary("alice", "name")),
		waitText(`[data-category="EMAIL"]`, f.applicants["alice"].Email),
		waitText(`#history-table`, "acme"),
	)
	href, _ := chromedp.Run(b.ctx, chromedp.Location())
	if href != b.url+"/privacy" {
		t.Errorf("the address bar holds %q: the token should have left it", href)
	}
	seen, street, history := b.text(`[data-category="NAME"] .seen`), b.text(`[data-category="ADDRESS_STREET"] .seen`), b.text(`#history-table tbody`)
	if !strings.Contains(seen, "Employer / Provision to employers: plain") {
		t.Errorf("NAME is seen by %q, want the employers (plain) among them", seen)
	}
	if strings.Contains(street, "Employer / Provision to employers") {
		t.Errorf("ADDRESS_STREET is seen by %q: employers never see the street", street)
	}
	if !strings.Contains(history, "Employer · acme") || !strings.Contains(history, "Name (plain)") {
		t.Errorf("the access history shows %q, want acme's read of the name", history)
	}
	if p := b.text("#provisions-table tbody"); !strings.Contains(p, f.employers["acme"].Name) || !strings.Contains(p, "while an application is open") {
		t.Errorf("the provisions show %q, want acme's, open", p)
	}
	b.checkControls()

	b.do("switching to Japanese",
		choose("#lang", "ja"),
		waitText("#data-h", "私のデータ"),
		waitText(`[data-category="NAME"] h3`, "氏名"),
		waitText(`#history-table thead`, "受領者"),
	)
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.graphqlReq) < 2 || b.graphqlReq[0] != "Bearer "+alice {
		t.Errorf("the gateway received GraphQL requests with %q, want alice's token", b.graphqlReq)
	}
}

// TestPrivacyCentreConsents: the applicant turns off provision to one employer
// in the privacy centre; the page shows the receipt and the switch off,
// and that employer's next API request no longer reaches them. Withholding
// one category from all employers takes effect the same way.
func TestPrivacyCentreConsents(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	acmeSees := func() string {
		r := f.post(t, as("acme"), `{ applications { edges { node { applicant { name email } } } } }`, nil)
		if len(r.Errors) > 0 {
			t.Fatal(r.Raw)
		}
		return r.Raw
	}
	if got := acmeSees(); !strings.Contains(got, canary("alice", "name")) {
		t.Fatalf("acme does not see alice before: %s", got)
	}
	b := newTab(t, testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Dev = true }))
	acme := f.employers["acme"].Name
	row := `#employers-table [data-employer="` + acme + `"]`
	b.do("withholding the email from all employers",
		chromedp.Navigate(b.url+"/privacy#token="+token(t, fixtureViewers["alice"])),
		chromedp.WaitVisible(chromedp.CSS(`#withhold-table [data-category="EMAIL"] input`)),
		chromedp.Click(chromedp.CSS(`#withhold-table [data-category="EMAIL"] td:nth-of-type(1) input`)),
		waitText("#consent-receipt", "Recorded: Provision to employers · Email → withheld"),
		chromedp.Poll[chromedp.Void](`document.querySelector('#withhold-table [data-category="EMAIL"] td:nth-of-type(1) input').checked`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	if got := acmeSees(); !strings.Contains(got, canary("alice", "name")) || strings.Contains(got, f.applicants["alice"].Email) {
		t.Errorf("after withholding the email acme sees %s", got)
	}
	b.do("turning provision to acme off",
		chromedp.Click(chromedp.CSS(row+" input")),
		waitText("#consent-receipt", "Recorded: Provision to employers · "+acme+" → withdrawn"),
		chromedp.Poll[chromedp.Void](`!document.querySelector(`+jsString(row+" input")+`).checked`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	if got := acmeSees(); strings.Contains(got, canary("alice", "name")) {
		t.Errorf("after alice turned provision off acme still sees her: %s", got)
	}
	r := f.post(t, as("alice"), `{ me { currentConsents { purpose granted withheldCategory employer { name } } } }`, nil)
	if !strings.Contains(r.Raw, `{"purpose":"EMPLOYER_PROVISION","granted":false,"withheldCategory":null,"employer":{"name":"`+acme+`"}}`) {
		t.Errorf("currentConsents: %s", r.Raw)
	}
}

// TestPrivacyCentreRequests: the applicant files a disclosure request in the
// privacy centre (after the page says what it will do), support completes
// it through the API, and the page offers the result as a JSON file, which
// downloads with the applicant's data; a policy change is acknowledged in
// the page.
func TestPrivacyCentreRequests(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	published := f.post(t, as("admin"), `mutation($in: PublishPolicyVersionInput!) { publishPolicyVersion(input: $in) { version } }`, map[string]any{"in": map[string]any{
		"version": "2099-01", "effectiveAt": time.Now().Add(31 * 24 * time.Hour).UTC().Format(time.RFC3339), "summary": "Feedback surveys by SMS.",
		"textDigest": consent.TextDigest([]byte(policyTextOf("2099-01"))), "text": policyTextOf("2099-01"), "changedPurposes": []string{"FEEDBACK"}}})
	if len(published.Errors) > 0 {
		t.Fatal(published.Raw)
	}
	b := newTab(t, testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Dev = true }))
	alice := token(t, fixtureViewers["alice"])
	b.do("filing a disclosure request",
		chromedp.Navigate(b.url+"/privacy#token="+alice),
		waitText("#notices-table", "2099-01"),
		choose("#request-kind", "DISCLOSURE"),
		chromedp.Click(chromedp.CSS(`#request-form button[type=submit]`)),
		waitText("#request-confirm .confirm-what", "This files a request of this kind: Disclosure of everything held."),
		chromedp.Click(chromedp.CSS("#request-confirm .confirm-yes")),
		waitText(`#requests-table [data-kind="DISCLOSURE"]`, "received"),
	)
	r := f.post(t, as("alice"), `{ me { privacyRequests { id kind } } }`, nil)
	var id string
	for _, pr := range dig(r.Data, "me", "privacyRequests").([]any) {
		if pr.(map[string]any)["kind"] == "DISCLOSURE" {
			id = pr.(map[string]any)["id"].(string)
		}
	}
	for _, status := range []string{"IN_PROGRESS", "COMPLETED"} {
		if r := f.post(t, as("support"), `mutation($id: ID!, $s: PrivacyRequestStatus!) { handlePrivacyRequest(id: $id, status: $s) { status } }`, map[string]any{"id": id, "s": status}); len(r.Errors) > 0 {
			t.Fatal(r.Raw)
		}
	}
	dir := t.TempDir()
	b.do("downloading the disclosure",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir})
			return err
		}),
		chromedp.Reload(), // the token is gone with the page: paste it
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), alice),
		chromedp.Click(chromedp.CSS(`#token-form button[type=submit]`)),
		waitText(`#requests-table [data-request="`+id+`"]`, "completed"),
		chromedp.Click(chromedp.CSS(`#requests-table [data-request="`+id+`"] button.download`)),
	)
	file := filepath.Join(dir, "consentgate-disclosure-"+id+".json")
	var disclosure []byte
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if disclosure, _ = os.ReadFile(file); len(disclosure) > 0 && json.Valid(disclosure) {
			break
		}
	}
	if !strings.Contains(string(disclosure), canary("alice", "name")) || !strings.Contains(string(disclosure), `"accessRecords"`) {
		t.Errorf("the downloaded disclosure %s: %.300s", file, disclosure)
	}

	b.do("acknowledging the policy change",
		chromedp.Click(chromedp.CSS(`#notices-table [data-version="2099-01"] button.acknowledge`)),
		waitText("#notice-confirm .confirm-what", "This acknowledges policy version 2099-01."),
		chromedp.Click(chromedp.CSS("#notice-confirm .confirm-yes")),
		chromedp.Poll[chromedp.Void](`document.querySelector('#notices-table [data-version="2099-01"] button.acknowledge') === null`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	r = f.post(t, as("alice"), `{ me { notices { policyVersion { version } acknowledgedAt } } }`, nil)
	if strings.Contains(r.Raw, `"acknowledgedAt":null`) {
		t.Errorf("notices after acknowledging: %s", r.Raw)
	}
}

// TestConsoleQueue: support sees the open requests in the console, the
// overdue one first, takes it in hand and completes it, each after the
// page said what it would do; the request is completed.
func TestConsoleQueue(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	overdue := f.client.PrivacyRequest.Create().SetApplicant(f.applicants["bob"]).SetKind("CEASE_OF_PROVISION").
		SetDueAt(time.Now().Add(-24 * time.Hour)).SaveX(privacy.DecisionContext(context.Background(), privacy.Allow))
	id := strconv.Itoa(overdue.ID)
	b := newTab(t, testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Dev = true }))
	row := `#queue-table [data-request="` + id + `"]`
	b.do("loading the queue",
		chromedp.Navigate(b.url+"/console#token="+token(t, fixtureViewers["support"])),
		waitText(row, "overdue"),
	)
	if first := b.text("#queue-table tbody tr"); !strings.Contains(first, "CEASE_OF_PROVISION") || !strings.Contains(first, canary("bob", "name")) {
		t.Errorf("the first row is %q, want bob's overdue request", first)
	}
	b.do("taking the request in hand",
		chromedp.Click(chromedp.CSS(row+" button.take")),
		waitText("#queue-confirm .confirm-what", "This marks the request IN_PROGRESS, with you as its handler."),
		chromedp.Click(chromedp.CSS("#queue-confirm .confirm-yes")),
		waitText(row, "IN_PROGRESS"),
		waitText(row, "support-1"),
		chromedp.Click(chromedp.CSS(row+" button.complete")),
		waitText("#queue-confirm .confirm-what", "provision to every employer is withdrawn"),
		chromedp.Click(chromedp.CSS("#queue-confirm .confirm-yes")),
		chromedp.Poll[chromedp.Void](`document.querySelector(`+jsString(row)+`) === null`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	if got := f.client.PrivacyRequest.GetX(privacy.DecisionContext(context.Background(), privacy.Allow), overdue.ID); got.Status != "COMPLETED" || got.Handler != "support-1" {
		t.Errorf("the request is %s, handled by %v", got.Status, got.Handler)
	}
}

// TestConsoleGrant: a compliance officer opens a legal-basis grant in the
// console, may not approve it (the refusal's meaning is shown), and a
// second compliance account approves it in the same page after the first
// token is forgotten; the grant is live.
func TestConsoleGrant(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	b := newTab(t, testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Dev = true }))
	subject := strconv.Itoa(f.applicants["alice"].ID)
	b.do("opening a grant",
		chromedp.Navigate(b.url+"/console#token="+token(t, fixtureViewers["compliance"])),
		chromedp.WaitVisible(chromedp.CSS("#grant-form")),
		chromedp.SendKeys(chromedp.CSS("#grant-subject"), subject),
		chromedp.SendKeys(chromedp.CSS("#grant-reference"), "Tokyo District Court order 2026-123"),
		chromedp.SendKeys(chromedp.CSS("#grant-justification"), "production ordered in a pending civil case"),
		chromedp.Click(chromedp.CSS(`#grant-form button[type=submit]`)),
		waitText("#grant-confirm .confirm-what", "takes effect only once a second compliance account approves it"),
		chromedp.Click(chromedp.CSS("#grant-confirm .confirm-yes")),
		waitText("#grants-table", "Tokyo District Court order 2026-123"),
		chromedp.Click(chromedp.CSS("#grants-table button.approve")),
		chromedp.Click(chromedp.CSS("#grant-confirm .confirm-yes")),
		waitText("#grant-confirm", "This account may not do this."),
		chromedp.Click(chromedp.CSS("#forget")),
		chromedp.WaitVisible(chromedp.CSS("#token")),
		chromedp.SendKeys(chromedp.CSS("#token"), token(t, fixtureViewers["approver"])),
		chromedp.Click(chromedp.CSS(`#token-form button[type=submit]`)),
		waitText("#grants-table", "Tokyo District Court order 2026-123"),
		chromedp.Click(chromedp.CSS("#grants-table button.approve")),
		waitText("#grant-confirm .confirm-what", "the account that opened it sees the subject's data"),
		chromedp.Click(chromedp.CSS("#grant-confirm .confirm-yes")),
		waitText("#grants-table .live", "yes"),
		waitText("#grants-table", "compliance-2"),
	)
	b.checkControls()
	r := f.post(t, as("compliance"), `{ accessGrants { edges { node { live requestedBy approvedBy } } } }`, nil)
	if !strings.Contains(r.Raw, `{"live":true,"requestedBy":"compliance-1","approvedBy":"compliance-2"}`) {
		t.Errorf("grants: %s", r.Raw)
	}
}
