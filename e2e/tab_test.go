package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image/png"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/css"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"consentgate/consent"
	"consentgate/datamap"
	"consentgate/gateway/pages"
)

// tab is a headless Chromium tab on a gateway served over HTTP, with
// what the page requested and reported.
type tab struct {
	t          *testing.T
	ctx        context.Context
	url        string // the gateway's
	mu         sync.Mutex
	requested  []string
	documents  []string // the URLs of the pages it loaded
	problems   []string
	graphqlReq []string // the Authorization header of each GraphQL request the gateway received
}

// newTab serves handler and opens a tab on it; when the test ends it
// checks that every request went to the gateway, that each page loaded is
// a surface of the data map and requested nothing beyond its own files and
// the endpoints the map says it uses (checkSurfaces), and that the page
// reported no error (an exception, console.error, a refusal by its content
// security policy).
func newTab(t *testing.T, handler http.Handler) *tab {
	exe := chromium(t)
	b := &tab{t: t}
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
			if ev.Type == network.ResourceTypeDocument {
				b.documents = append(b.documents, ev.Request.URL)
			}
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
		checkSurfaces(t, host, b.documents, b.requested)
		for _, p := range b.problems {
			t.Errorf("the page reported %s", p)
		}
	})
	return b
}

// checkSurfaces holds the pages to the data map's list of surfaces: each
// page the tab loaded from the gateway (host) must be listed, and every
// other request of it, but for the pages' own files, must go to an
// endpoint the map says a loaded page uses (the public GraphQL API).
func checkSurfaces(t *testing.T, host string, documents, requested []string) {
	t.Helper()
	surfaces := datamap.BuildSchema(consent.DefaultPolicy()).Surfaces
	loaded, uses := map[string]bool{}, map[string]bool{}
	for _, raw := range documents {
		u, err := url.Parse(raw)
		if err != nil || u.Host != host {
			continue
		}
		loaded[u.Path] = true
		i := slices.IndexFunc(surfaces, func(s datamap.Surface) bool { return s.Path == u.Path })
		if i < 0 {
			t.Errorf("the tab loaded %s, which the data map does not list among the surfaces", u.Path)
			continue
		}
		for _, p := range surfaces[i].Uses {
			uses[p] = true
		}
	}
	reported := map[string]bool{}
	for _, raw := range requested {
		u, err := url.Parse(raw)
		if err != nil || u.Host != host || loaded[u.Path] || strings.HasPrefix(u.Path, pages.AssetPrefix) || reported[u.Path] {
			continue
		}
		if !uses[u.Path] {
			reported[u.Path] = true
			t.Errorf("the page requested %s, which the data map does not list among what %v use", u.Path, slices.Sorted(maps.Keys(loaded)))
		}
	}
}

// do runs actions, failing the test with what the page reported.
func (b *tab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.mu.Lock()
		defer b.mu.Unlock()
		body, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('main').innerText`))
		b.t.Fatalf("%s: %v\nthe page reported: %q\nrequests: %q\nthe page shows:\n%s", step, err, b.problems, b.requested, body)
	}
}

// checkControls fails the test for a control (input, select, button,
// textarea) a keyboard cannot reach or that has no accessible name: a
// label, an aria-label or its own text.
func (b *tab) checkControls() {
	b.t.Helper()
	bad, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('input, select, button, textarea')]
		.filter((c) => !c.closest('[hidden]'))
		.filter((c) => c.tabIndex < 0 || !((c.labels && c.labels.length) || c.getAttribute('aria-label') || c.textContent.trim()))
		.map((c) => c.outerHTML.slice(0, 120))`))
	if err != nil {
		b.t.Fatalf("checking the controls: %v", err)
	}
	for _, c := range bad {
		b.t.Errorf("a control without a label or out of the keyboard's reach: %s", c)
	}
}

// checkAccessibility runs axe-core (vendored in testdata/axe, checked
// against its SOURCES line) on the page and fails the test for each
// serious or critical violation.
func (b *tab) checkAccessibility() {
	b.t.Helper()
	src, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		b.t.Fatal(err)
	}
	sources, err := os.ReadFile("testdata/axe/SOURCES")
	if err != nil {
		b.t.Fatal(err)
	}
	if sum := sha256.Sum256(src); !strings.HasPrefix(string(sources), hex.EncodeToString(sum[:])+"  axe.min.js  axe-core@") {
		b.t.Fatalf("testdata/axe/axe.min.js is not the file SOURCES names")
	}
	// DevTools' evaluation is not the page's script: its CSP does not apply.
	violations, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](string(src)+`;
		axe.run(document, {resultTypes: ['violations']}).then((r) => r.violations
			.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map((v) => v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("running axe-core: %v", err)
	}
	for _, v := range violations {
		b.t.Errorf("accessibility: %s", v)
	}
}

// Screenshots are of the first screen of a page, at this size.
const screenshotWidth, screenshotHeight = 1000, 700

// screenshot captures the page's first screen as name.png in the test
// output directory, CONSENTGATE_SCREENSHOTS if set, else the test's
// temporary one (never committed). It fails for an image that is not a
// PNG of the screen's size under 150 KB, or with Japanese text drawn
// without a Japanese font (checkJapanese). With
// CONSENTGATE_README_IMAGES=true the image is also written as the
// README's, docs/name.png.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv("CONSENTGATE_SCREENSHOTS")
	if dir == "" {
		dir = b.t.TempDir()
	}
	dirs := []string{dir}
	if os.Getenv("CONSENTGATE_README_IMAGES") == "true" {
		dirs = append(dirs, filepath.Join("..", "docs"))
	}
	var img []byte
	err := chromedp.Do(b.ctx, chromedp.EmulateViewport(screenshotWidth, screenshotHeight), chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	if err == nil {
		img, err = chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if cfg, err := png.DecodeConfig(bytes.NewReader(img)); err != nil || cfg.Width != screenshotWidth || cfg.Height != screenshotHeight || len(img) >= 150<<10 {
		b.t.Errorf("screenshot %s: %d bytes, %+v, %v: want a PNG of %d×%d under 150 KB", name, len(img), cfg, err, screenshotWidth, screenshotHeight)
	}
	for _, dir := range dirs {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), img, 0o644); err != nil {
			b.t.Errorf("screenshot %s: %v", name, err)
		}
	}
	b.checkJapanese()
}

// TestREADMEImages: the README shows the first screen of each page, as
// the demo tests make it (CONSENTGATE_README_IMAGES=true): small PNGs of
// the screenshots' size, in docs/.
func TestREADMEImages(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"privacy-centre", "console"} {
		path := "docs/" + name + ".png"
		if !strings.Contains(string(readme), "]("+path+")") {
			t.Errorf("the README does not show %s", path)
		}
		img, err := os.ReadFile(filepath.Join("..", path))
		if err != nil {
			t.Error(err)
			continue
		}
		if cfg, err := png.DecodeConfig(bytes.NewReader(img)); err != nil || cfg.Width != screenshotWidth || cfg.Height != screenshotHeight || len(img) >= 150<<10 {
			t.Errorf("%s: %d bytes, %+v, %v: want a PNG of %d×%d under 150 KB", path, len(img), cfg, err, screenshotWidth, screenshotHeight)
		}
	}
}

// checkJapanese fails the test when Japanese text on the screen is drawn
// with no font of Japanese (boxes, on a machine without fonts-noto-cjk),
// as Chromium reports the fonts it drew each element's text with. Outside
// CI (CI=true, where .ci/run installs the fonts) it only logs it, unless
// the README's images are being made.
func (b *tab) checkJapanese() {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`(() => {
		let n = 0;
		for (const e of document.querySelectorAll('body *')) {
			const own = [...e.childNodes].filter((c) => c.nodeType === Node.TEXT_NODE).map((c) => c.textContent).join('');
			const r = e.getBoundingClientRect();
			if (/[\u3040-\u30ff\u4e00-\u9fff]/.test(own) && r.bottom > 0 && r.top < innerHeight && r.width > 0) {
				e.setAttribute('data-japanese', ''); n++;
			}
		}
		return n;
	})()`))
	if err != nil || n == 0 {
		if err != nil {
			b.t.Errorf("finding Japanese text: %v", err)
		}
		return
	}
	nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSS("[data-japanese]")))
	if err == nil {
		_, err = chromedp.Call(b.ctx, css.Enable, cdp.Empty{})
	}
	for _, node := range nodes {
		if err != nil {
			break
		}
		var fonts css.GetPlatformFontsForNodeResult
		if fonts, err = chromedp.Call(b.ctx, css.GetPlatformFontsForNode, css.GetPlatformFontsForNodeParams{NodeID: node.NodeID}); err != nil {
			break
		}
		if !slices.ContainsFunc(fonts.Fonts, func(f *css.PlatformFontUsage) bool {
			return strings.Contains(f.FamilyName, "CJK") || strings.Contains(f.FamilyName, " JP")
		}) {
			var families []string
			for _, f := range fonts.Fonts {
				families = append(families, f.FamilyName)
			}
			report := b.t.Logf
			if os.Getenv("CI") == "true" || os.Getenv("CONSENTGATE_README_IMAGES") == "true" {
				report = b.t.Errorf
			}
			report("Japanese text (%s) is drawn with %q, no font of Japanese: apt-get install fonts-noto-cjk", node.FullXPath(), families)
			return
		}
	}
	if err != nil {
		b.t.Errorf("reading the fonts of Japanese text: %v", err)
	}
}

// text is the text of the first element selector matches ("" if none).
func (b *tab) text(selector string) string {
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
