package pages

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"consentgate/consent"
	"consentgate/datamap"
)

// TestPages: each page is served never cached, under a content security
// policy of the gateway alone, naming no other host, with its
// configuration (the endpoint, demo mode, the categories); its files are
// served with an ETag; nothing else is.
func TestPages(t *testing.T) {
	h := Handler(Options{Endpoint: "/graphql", Demo: true, DataMap: datamap.BuildSchema(consent.DefaultPolicy())})
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}
	for _, path := range []string{"/privacy", "/console"} {
		rec := get(path)
		page := rec.Body.String()
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("%s: %d %v", path, rec.Code, rec.Header())
		}
		if csp := rec.Header().Get("Content-Security-Policy"); csp != contentSecurityPolicy || !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "connect-src 'self';") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if strings.Contains(page, "http://") || strings.Contains(page, "https://") || strings.Contains(page, "//cdn") {
			t.Errorf("%s names another host", path)
		}
		config := regexp.MustCompile(`<script id="consentgate-config" type="application/json">(.*)</script>`).FindStringSubmatch(page)
		if config == nil {
			t.Fatalf("%s: no configuration", path)
		}
		var got struct {
			Endpoint   string     `json:"endpoint"`
			Demo       bool       `json:"demo"`
			Categories []Category `json:"categories"`
		}
		if err := json.Unmarshal([]byte(config[1]), &got); err != nil {
			t.Fatal(err)
		}
		if got.Endpoint != "/graphql" || !got.Demo || len(got.Categories) == 0 {
			t.Errorf("%s: configuration %s", path, config[1])
		}
	}
	for _, name := range []string{"common.js", "privacy.js", "console.js", "pages.css"} {
		rec := get(AssetPrefix + name)
		if rec.Code != http.StatusOK || rec.Header().Get("ETag") == "" || rec.Body.Len() == 0 {
			t.Errorf("%s: %d %v", name, rec.Code, rec.Header())
		}
		for _, host := range []string{"http://", "https://", "localStorage", "sessionStorage", "console.log"} {
			if strings.Contains(rec.Body.String(), host) {
				t.Errorf("%s holds %q", name, host)
			}
		}
	}
	for _, path := range []string{"/pages/privacy.html.tmpl", "/pages/nope.js", "/pages/../page/common.js", "/pages/", "/privacy/x"} {
		if rec := get(path); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, rec.Code)
		}
	}
}

// TestCategories: the categories are the data map's, the employers see
// the name plain and never the street, and only the applicant sees the
// network address.
func TestCategories(t *testing.T) {
	cats := Categories(datamap.BuildSchema(consent.DefaultPolicy()))
	by := map[consent.Category]Category{}
	for _, c := range cats {
		by[c.Category] = c
	}
	seen := func(c consent.Category, who string) string {
		for _, s := range by[c].SeenBy {
			if s.Who == who {
				return s.Outcome
			}
		}
		return ""
	}
	if got := seen(consent.Name, "EMPLOYER/EMPLOYER_PROVISION"); got != "PLAIN" {
		t.Errorf("NAME to employers: %q", got)
	}
	if got := seen(consent.AddressStreet, "EMPLOYER/EMPLOYER_PROVISION"); got != "" {
		t.Errorf("ADDRESS_STREET to employers: %q", got)
	}
	if got := seen(consent.Email, "SUPPORT/SERVICE"); got != "MASK EMAIL" {
		t.Errorf("EMAIL to support: %q", got)
	}
	if n := len(by[consent.Network].SeenBy); n != 0 || len(by[consent.Network].Fields) != 1 {
		t.Errorf("NETWORK: %+v", by[consent.Network])
	}
}
