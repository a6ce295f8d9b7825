package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"consentgate/gateway"
)

// browser is a headless Chromium tab on a gateway served over HTTP, with
// what the page requested and reported.
type browser struct {
	t          *testing.T
	ctx        context.Context
	url        string // the gateway's
	mu         sync.Mutex
	requested  []string
	problems   []string
	graphqlReq []string // the Authorization header of each GraphQL request the gateway received
}

// newBrowser serves handler and opens a tab on it; when the test ends it
// checks that every request went to the gateway and that the page
// reported no error (an exception, console.error, a refusal by its content
// security policy).
func newBrowser(t *testing.T, handler http.Handler) *browser {
	exe := chromium(t)
	b := &browser{t: t}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/graphql" {
			b.mu.Lock()
			b.graphqlReq = append(b.graphqlReq, r.Header.Get("Authorization"))
			b.mu.Unlock()
		}
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	b.url = srv.URL
	listen := func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requested = append(b.requested, ev.Request.URL)
		case *runtime.EventExceptionThrown:
			b.problems = append(b.problems, "exception: "+ev.ExceptionDetails.Text+" "+ev.ExceptionDetails.Exception.Description)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				b.problems = append(b.problems, "console.error: "+strings.Join(args, " "))
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == "error" {
				b.problems = append(b.problems, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("no-proxy-server", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(listen))
	ctx, cancelTimeout := context.WithTimeout(ctx, 120*time.Second)
	b.ctx = ctx
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		cancelAlloc()
		b.mu.Lock()
		defer b.mu.Unlock()
		host := strings.TrimPrefix(srv.URL, "http://")
		for _, raw := range b.requested {
			u, err := url.Parse(raw)
			if err != nil || u.Scheme == "data" || u.Scheme == "blob" {
				continue
			}
			if u.Host != host {
				t.Errorf("the page requested %s, beyond the gateway (%s)", raw, host)
			}
			if strings.Contains(u.RawQuery, "token") || strings.Contains(u.Path, "eyJ") {
				t.Errorf("a token in a URL: %s", raw)
			}
		}
		for _, p := range b.problems {
			t.Errorf("the page reported %s", p)
		}
	})
	return b
}

// do runs actions, failing the test with what the page reported.
func (b *browser) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.mu.Lock()
		defer b.mu.Unlock()
		body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
		b.t.Fatalf("%s: %v\nthe page reported: %q\nrequests: %q\nthe page shows:\n%s", step, err, b.problems, b.requested, body)
	}
}

// text is the text of the first element selector matches ("" if none).
func (b *browser) text(selector string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.querySelector(`+jsString(selector)+`) || {textContent: ''}).textContent`))
	if err != nil {
		b.t.Fatalf("reading %s: %v", selector, err)
	}
	return s
}

// waitText waits until the element selector matches holds text.
func waitText(selector, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](`(document.querySelector(`+jsString(selector)+`) || {textContent: ''}).textContent.includes(`+jsString(text)+`)`,
		chromedp.WithPollingTimeout(30*time.Second))
}

// choose picks value in the select selector matches, as a user would.
func choose(selector, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`(() => { const s = document.querySelector(` + jsString(selector) + `); s.value = ` + jsString(value) + `; s.dispatchEvent(new Event('change', {bubbles: true})); })()`)
}

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
	b := newBrowser(t, testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Dev = true }))

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

// TestPrivacyConsents: the applicant turns off provision to one employer
// in the privacy centre; the page shows the receipt and the switch off,
// and that employer's next API request no longer reaches them. Withholding
// one category from all employers takes effect the same way.
func TestPrivacyConsents(t *testing.T) {
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
	b := newBrowser(t, testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Dev = true }))
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
