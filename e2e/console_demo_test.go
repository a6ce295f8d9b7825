package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"consentgate/demo"
)

// TestConsoleDemo runs the console's scenario against the demo data set,
// as -demo serves it: the demo's compliance officer sees the queue overdue
// first, takes the demo applicant's open disclosure request in hand and
// completes it; opens a legal-basis grant for that applicant, may not
// approve it, and a second compliance account (demo.GrantApprover) approves
// it in a tab of its own. The API then says the request is COMPLETED, with
// its result, and the grant live: its opener, and only it, reaches the
// applicant. The console's first screen is the README's image
// (docs/console.png).
func TestConsoleDemo(t *testing.T) {
	handler, post := demoGateway(t)
	applicant, compliance, approver := demo.Viewers[0], demo.Viewers[5], demo.GrantApprover
	me := post(applicant, `{ me { id name privacyRequests { id kind status } } }`, nil)
	subject, _ := dig(me, "data", "me", "id").(string)
	name, _ := dig(me, "data", "me", "name").(string)
	var request string
	for _, pr := range dig(me, "data", "me", "privacyRequests").([]any) {
		if pr := pr.(map[string]any); pr["kind"] == "DISCLOSURE" && pr["status"] == "RECEIVED" {
			request = pr["id"].(string)
		}
	}
	if subject == "" || name == "" || request == "" {
		t.Fatalf("the demo applicant and their open disclosure request: %v", me)
	}
	reach := `query($id: ID!) { applicant(id: $id) { name } }`
	if got := dig(post(compliance, reach, map[string]any{"id": subject}), "data", "applicant", "name"); got != nil {
		t.Fatalf("compliance sees the applicant's name before any grant: %v", got)
	}

	b := newTab(t, handler)
	row := `#queue-table [data-request="` + request + `"]`
	b.do("loading the console",
		chromedp.Navigate(b.url+"/console#token="+token(t, compliance)),
		waitText(row, "DISCLOSURE"),
		waitText("#operations-table", "applicants_by_prefecture"),
	)
	b.screenshot("console")
	b.checkAccessibility()
	overdue := dig(post(compliance, `{ overduePrivacyRequests { totalCount } }`, nil), "data", "overduePrivacyRequests", "totalCount")
	if first := b.text("#queue-table tbody tr"); overdue == float64(0) || !strings.Contains(first, "overdue") {
		t.Errorf("%v requests are overdue, and the queue starts with %q", overdue, first)
	}
	b.checkControls()
	b.do("completing the demo applicant's disclosure request",
		chromedp.Click(chromedp.CSS(row+" button.take")),
		waitText("#queue-confirm .confirm-what", "This marks the request IN_PROGRESS, with you as its handler."),
		chromedp.Click(chromedp.CSS("#queue-confirm .confirm-yes")),
		waitText(row, "IN_PROGRESS"),
		waitText(row, compliance.Account),
		chromedp.Click(chromedp.CSS(row+" button.complete")),
		waitText("#queue-confirm .confirm-what", "the subject receives everything held about them."),
		chromedp.Click(chromedp.CSS("#queue-confirm .confirm-yes")),
		chromedp.Poll[chromedp.Void](`document.querySelector(`+jsString(row)+`) === null`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	requests := post(applicant, `{ me { privacyRequests { id status handler completedAt result } } }`, nil)
	var done map[string]any
	for _, pr := range dig(requests, "data", "me", "privacyRequests").([]any) {
		if pr.(map[string]any)["id"] == request {
			done = pr.(map[string]any)
		}
	}
	if done["status"] != "COMPLETED" || done["handler"] != compliance.Account || done["completedAt"] == nil || !strings.Contains(mustJSON(done["result"]), name) {
		t.Errorf("the request after the console completed it: %.400s", mustJSON(done))
	}

	const reference = "Tokyo District Court order 2026-123"
	b.do("opening a grant",
		chromedp.SendKeys(chromedp.CSS("#grant-subject"), subject),
		chromedp.SendKeys(chromedp.CSS("#grant-reference"), reference),
		chromedp.SendKeys(chromedp.CSS("#grant-justification"), "production ordered in a pending civil case"),
		chromedp.Click(chromedp.CSS(`#grant-form button[type=submit]`)),
		waitText("#grant-confirm .confirm-what", "takes effect only once a second compliance account approves it"),
		chromedp.Click(chromedp.CSS("#grant-confirm .confirm-yes")),
		waitText("#grants-table", reference),
	)
	var grant string
	for _, e := range dig(post(compliance, `{ accessGrants { edges { node { id reference } } } }`, nil), "data", "accessGrants", "edges").([]any) {
		if dig(e, "node", "reference") == reference {
			grant = dig(e, "node", "id").(string)
		}
	}
	grantRow := `#grants-table [data-grant="` + grant + `"]`
	b.do("approving one's own grant",
		chromedp.Click(chromedp.CSS(grantRow+" button.approve")),
		chromedp.Click(chromedp.CSS("#grant-confirm .confirm-yes")),
		waitText("#grant-confirm", "This account may not do this."),
		waitText(grantRow+" .live", "no"),
	)

	second := newTab(t, handler)
	second.do("approving the grant as a second compliance account",
		chromedp.Navigate(second.url+"/console#token="+token(t, approver)),
		waitText(grantRow, reference),
		chromedp.Click(chromedp.CSS(grantRow+" button.approve")),
		waitText("#grant-confirm .confirm-what", "the account that opened it sees the subject's data"),
		chromedp.Click(chromedp.CSS("#grant-confirm .confirm-yes")),
		waitText(grantRow+" .live", "yes"),
		waitText(grantRow, approver.Account),
	)
	second.checkControls()
	b.do("seeing the grant live as its opener",
		chromedp.Navigate(b.url+"/console#token="+token(t, compliance)),
		waitText(grantRow+" .live", "yes"),
	)

	grants := post(compliance, `{ accessGrants { edges { node { id live requestedBy approvedBy } } } }`, nil)
	want := `{"node":{"approvedBy":"` + approver.Account + `","id":"` + grant + `","live":true,"requestedBy":"` + compliance.Account + `"}}`
	if !strings.Contains(mustJSON(grants), want) {
		t.Errorf("the grants after approval: %s, want %s", mustJSON(grants), want)
	}
	if got := dig(post(compliance, reach, map[string]any{"id": subject}), "data", "applicant", "name"); got != name {
		t.Errorf("the grant's opener reaches the applicant as %v, want their name", got)
	}
	if got := dig(post(approver, reach, map[string]any{"id": subject}), "data", "applicant", "name"); got != nil {
		t.Errorf("the approver, who opened no grant, sees the applicant's name: %v", got)
	}
}
