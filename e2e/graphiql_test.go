package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"consentgate/gateway"
	"consentgate/gateway/graphiql"
)

// chromium returns the path of a Chromium to drive. Outside CI a machine
// without one skips the browser tests; in CI (CI=true) they fail, so that
// a CI machine without it never passes them silently (.ci/run installs
// Debian's chromium).
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no Chromium on PATH: CI runs the GraphiQL page in it (apt-get install chromium)")
	}
	t.Skip("no Chromium on PATH (apt-get install chromium): the GraphiQL page is not tested")
	return ""
}

// TestGraphiQLOffline loads GraphiQL from a dev-mode gateway in headless
// Chromium: every request the page makes goes to the gateway (no CDN),
// nothing is refused by its content security policy, the explorer plugin
// is on, the first demo identity's token is in the Authorization header
// and a query run with it shows its data in the result pane; the role
// switcher then puts the second identity's token there, and the next run
// is that identity's.
func TestGraphiQLOffline(t *testing.T) {
	exe := chromium(t)
	f := newFixture(t, openSQLite(t))
	alice, acme := token(t, fixtureViewers["alice"]), token(t, fixtureViewers["acme"])
	var mu sync.Mutex
	var authorizations []string // of the GraphQL requests the gateway received
	handler := testGateway(f.client, nil, func(gw *gateway.Gateway) {
		gw.Dev = true
		gw.DemoTokens = []graphiql.Token{{Label: "APPLICANT · alice", Token: alice}, {Label: "EMPLOYER · rec-acme (acme)", Token: acme}}
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/graphql" && r.Method == http.MethodPost {
			mu.Lock()
			authorizations = append(authorizations, r.Header.Get("Authorization"))
			mu.Unlock()
		}
		handler.ServeHTTP(w, r)
	}))
	defer srv.Close()
	gatewayHost := strings.TrimPrefix(srv.URL, "http://")

	var requested, problems []string
	listen := func(ev any) { // runs in the tab's loop: record and return
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			requested = append(requested, ev.Request.URL)
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				problems = append(problems, "console.error: "+strings.Join(args, " "))
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == "error" {
				problems = append(problems, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		}
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("no-proxy-server", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(t.Context(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(listen))
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTimeout()
	report := func(step string, err error) {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("%s: %v\nthe page reported: %q\nrequests: %q", step, err, problems, requested)
	}

	// resultHas waits until the result pane shows text.
	resultHas := func(text string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](`(document.querySelector('.result-window') || {textContent: ''}).textContent.includes(`+jsString(text)+`)`,
			chromedp.WithPollingTimeout(30*time.Second))
	}
	// runQuery puts query in the query editor and runs it.
	runQuery := func(query string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Evaluate[chromedp.Void](`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(`+jsString(query)+`)`),
			chromedp.Click(chromedp.CSS(".graphiql-execute-button")),
		)
	}
	headerEditor := `document.querySelectorAll('.graphiql-editor-tool .graphiql-editor')[1].querySelector('.CodeMirror').CodeMirror.getValue()`
	err := chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(".graphiql-execute-button")),
		chromedp.Poll[chromedp.Void](`document.querySelector('.graphiql-explorer-root') !== null`, chromedp.WithPollingTimeout(30*time.Second)),
	)
	if err != nil {
		report("loading the page", err)
	}
	headers, err := chromedp.Run(ctx, chromedp.Evaluate[string](headerEditor))
	if err != nil {
		report("reading the header editor", err)
	}
	if !strings.Contains(headers, `"Authorization": "Bearer `+alice+`"`) {
		t.Errorf("the header editor holds %q, want the first identity's token", headers)
	}
	if err := chromedp.Do(ctx, runQuery(`{ me { name } }`), resultHas(canary("alice", "name"))); err != nil {
		report("running a query as the first identity", err)
	}

	err = chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById('consentgate-role'); s.value = '1'; s.dispatchEvent(new Event('change', {bubbles: true})); })()`),
		chromedp.Poll[chromedp.Void](headerEditor+`.includes(`+jsString(acme)+`)`, chromedp.WithPollingTimeout(10*time.Second)),
		runQuery(`{ applications { totalCount edges { node { job { title } } } } }`),
		resultHas("Acme engineer"),
	)
	if err != nil {
		report("switching to the second identity", err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(requested) < 6 {
		t.Fatalf("only %d requests seen: %v", len(requested), requested)
	}
	for _, raw := range requested {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme == "data" || u.Scheme == "blob" {
			continue
		}
		if u.Host != gatewayHost {
			t.Errorf("the page requested %s, beyond the gateway (%s)", raw, gatewayHost)
		}
	}
	for _, want := range []string{"/graphiql/graphiql.min.js", "/graphiql/plugin-explorer.umd.js", "/graphiql/consentgate.js"} {
		if !slicesContains(requested, srv.URL+want) {
			t.Errorf("%s not requested from the gateway: %v", want, requested)
		}
	}
	for _, p := range problems {
		t.Errorf("the page reported %s", p)
	}
	if !slicesContains(authorizations, "Bearer "+alice) || authorizations[len(authorizations)-1] != "Bearer "+acme {
		t.Errorf("the gateway received Authorization headers %q, want the first identity's, then the second's last", authorizations)
	}
}

// jsString is s as a JavaScript string literal.
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

func slicesContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
