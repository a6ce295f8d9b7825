package graphiql

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestAssetsMatchSources: every embedded bundle is the file refresh.sh
// took from its npm package (assets/SOURCES: SHA-256, name, package and
// path), and nothing else is in assets/.
func TestAssetsMatchSources(t *testing.T) {
	f, err := files.Open("assets/SOURCES")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[string]bool{"SOURCES": true}
	line := regexp.MustCompile(`^([0-9a-f]{64})  (\S+)  (@?[a-z/-]+@\d+\.\d+\.\d+/\S+)$`)
	for lines := bufio.NewScanner(f); lines.Scan(); {
		m := line.FindStringSubmatch(lines.Text())
		if m == nil {
			t.Errorf("SOURCES: %q is not SHA-256, name, package@version/path", lines.Text())
			continue
		}
		b, err := fs.ReadFile(files, "assets/"+m[2])
		if err != nil {
			t.Errorf("%s (from %s): %v", m[2], m[3], err)
			continue
		}
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != m[1] {
			t.Errorf("%s is not the file of %s: run refresh.sh", m[2], m[3])
		}
		listed[m[2]] = true
	}
	entries, err := fs.ReadDir(files, "assets")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !listed[e.Name()] {
			t.Errorf("assets/%s is not in SOURCES", e.Name())
		}
	}
	for _, want := range []string{"graphiql.min.js", "graphiql.min.css", "plugin-explorer.umd.js", "react.production.min.js", "react-dom.production.min.js"} {
		if !listed[want] {
			t.Errorf("no %s", want)
		}
	}
}

// TestPage: the page names no other host, loads from the gateway alone by
// its content security policy, is never cached, and carries the tokens it
// is given (none outside demo mode), escaped.
func TestPage(t *testing.T) {
	tests := []struct {
		name   string
		tokens []Token
		want   string // the tokens in the page's configuration
	}{
		{"demo", []Token{{Label: "APPLICANT · a</script>", Token: "t1"}, {Label: "ADMIN · b", Token: "t2"}},
			`[{"label":"APPLICANT · a\u003c/script\u003e","token":"t1"},{"label":"ADMIN · b","token":"t2"}]`},
		{"dev", nil, `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			Handler(Options{Endpoint: "/graphql", Tokens: tt.tokens}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			page := rec.Body.String()
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" || rec.Header().Get("Cache-Control") != "no-store" {
				t.Fatalf("%d %v", rec.Code, rec.Header())
			}
			if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "connect-src 'self'") {
				t.Errorf("Content-Security-Policy %q", csp)
			}
			if strings.Contains(page, "http://") || strings.Contains(page, "https://") || strings.Contains(page, "//cdn") {
				t.Errorf("the page names another host:\n%s", page)
			}
			config := regexp.MustCompile(`<script id="consentgate-graphiql" type="application/json">(.*)</script>`).FindStringSubmatch(page)
			if config == nil {
				t.Fatalf("no configuration in\n%s", page)
			}
			var got struct {
				Endpoint     string          `json:"endpoint"`
				Tokens       json.RawMessage `json:"tokens"`
				DefaultQuery string          `json:"defaultQuery"`
			}
			if err := json.Unmarshal([]byte(config[1]), &got); err != nil {
				t.Fatal(err)
			}
			if got.Endpoint != "/graphql" || string(got.Tokens) != tt.want || got.DefaultQuery != DefaultQuery {
				t.Errorf("configuration %s, want tokens %s", config[1], tt.want)
			}
		})
	}
}

// TestAssets: the bundles and the page's script are served with their
// type and an ETag that revalidates; nothing else is.
func TestAssets(t *testing.T) {
	h := Handler(Options{Endpoint: "/graphql"})
	get := func(path, etag string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for path, ctype := range map[string]string{
		"/graphiql/graphiql.min.js":        "text/javascript; charset=utf-8",
		"/graphiql/graphiql.min.css":       "text/css; charset=utf-8",
		"/graphiql/plugin-explorer.umd.js": "text/javascript; charset=utf-8",
		"/graphiql/consentgate.js":         "text/javascript; charset=utf-8",
		"/graphiql/consentgate.css":        "text/css; charset=utf-8",
	} {
		rec := get(path, "")
		etag := rec.Header().Get("ETag")
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != ctype || etag == "" || rec.Body.Len() == 0 {
			t.Errorf("%s: %d %v", path, rec.Code, rec.Header())
			continue
		}
		if rec := get(path, etag); rec.Code != http.StatusNotModified {
			t.Errorf("%s with its ETag: %d", path, rec.Code)
		}
	}
	for _, path := range []string{"/graphiql/index.html.tmpl", "/graphiql/nope.js", "/graphiql/../page/consentgate.js", "/graphiql/"} {
		if rec := get(path, ""); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, rec.Code)
		}
	}
}
