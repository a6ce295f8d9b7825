package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"consentgate/consent"
	"consentgate/demo"
	"consentgate/gateway"
)

// demoGateway is a gateway as -demo serves it (the demo data set and the
// shipped operations, demo mode), and a function that posts a GraphQL
// request to it as a viewer and returns the decoded answer.
func demoGateway(t *testing.T) (http.Handler, func(v consent.Viewer, query string, vars map[string]any) map[string]any) {
	client := openSQLite(t)
	seedOrFail(t, client)
	if _, err := demo.SeedOperations(t.Context(), client, consent.DefaultPolicy()); err != nil { // as -demo does
		t.Fatal(err)
	}
	handler := testGateway(client, nil, func(gw *gateway.Gateway) { gw.Demo = true })
	return handler, func(v consent.Viewer, query string, vars map[string]any) map[string]any {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token(t, v))
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		var r map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
			t.Fatalf("%s: %s", query, rec.Body)
		}
		return r
	}
}

// TestPrivacyCentreDemo runs the scenario against the demo data
// set, as -demo serves it: the demo applicant's timeline shows the demo
// employer's earlier read; the applicant withdraws provision to it in the
// privacy centre, and the employer's next API request no longer reaches
// them. Its first screen is the README's image (docs/privacy-centre.png),
// Japanese included.
func TestPrivacyCentreDemo(t *testing.T) {
	handler, post := demoGateway(t)
	applicant, employer := demo.Viewers[0], demo.Viewers[1]
	me := post(applicant, `{ me { id name nameKana provisions { employer { id name } ended } } }`, nil)
	id, _ := dig(me, "data", "me", "id").(string)
	name, _ := dig(me, "data", "me", "name").(string)
	kana, _ := dig(me, "data", "me", "nameKana").(string)
	var sakura string
	for _, p := range dig(me, "data", "me", "provisions").([]any) {
		if p := p.(map[string]any); p["ended"] == false {
			sakura = dig(p, "employer", "name").(string)
		}
	}
	if id == "" || name == "" || kana == "" || sakura == "" {
		t.Fatalf("the demo applicant: %v", me)
	}
	reach := `query($id: ID!) { applicant(id: $id) { name } }`
	if got := dig(post(employer, reach, map[string]any{"id": id}), "data", "applicant", "name"); got != name {
		t.Fatalf("the demo employer does not reach the demo applicant before: %v", got)
	}

	b := newTab(t, handler)
	row := `#employers-table [data-employer="` + sakura + `"]`
	b.do("loading the privacy centre",
		chromedp.Navigate(b.url+"/privacy#token="+token(t, applicant)),
		waitText(`[data-category="NAME"]`, name),
		waitText(`[data-category="NAME"]`, kana), // Japanese, on the first screen
		waitText("#history-table", demo.EmployerOrg),
	)
	b.screenshot("privacy-centre")
	b.checkAccessibility()
	b.do("withdrawing provision",
		chromedp.Click(chromedp.CSS(row+" input")),
		waitText("#consent-receipt", "Recorded: Provision to employers · "+sakura+" → withdrawn"),
	)
	if r := post(employer, reach, map[string]any{"id": id}); dig(r, "data", "applicant") != nil || !strings.Contains(mustJSON(r), "NOT_FOUND") {
		t.Errorf("after the withdrawal the employer gets %s", mustJSON(r))
	}
	b.checkControls()
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
