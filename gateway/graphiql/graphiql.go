// Package graphiql serves GraphiQL, with its explorer plugin, wholly from
// the binary: the page and the browser bundles of the npm packages graphiql,
// @graphiql/plugin-explorer, react and react-dom (assets/, fetched at
// pinned versions by refresh.sh, each recorded in assets/SOURCES), so that
// it loads with no network beyond the gateway. In demo mode the page
// offers the demo identities' tokens: the first is put in the
// Authorization header, and a role switcher puts another one there.
package graphiql

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed assets page
var files embed.FS

// AssetPrefix is the path the bundles are served under.
const AssetPrefix = "/graphiql/"

// Token is an identity the role switcher offers.
type Token struct {
	Label string `json:"label"` // what the switcher shows: the role and the account
	Token string `json:"token"` // a bearer token for it
}

// Options configure the page.
type Options struct {
	Endpoint string  // the GraphQL endpoint's path
	Tokens   []Token // demo mode: offered by the role switcher, the first pre-filled; none otherwise
}

// DefaultQuery is the query a first visit shows.
const DefaultQuery = `# consentgate: every personal field is released plain, masked or hidden
# according to who asks (the token's role), why (its purpose) and what the
# applicant consented to. The Headers tab holds the Authorization header.
{
  jobs(first: 3) {
    totalCount
    edges { node { title prefecture employer { name } } }
  }
}
`

// contentSecurityPolicy lets the page load from the gateway alone: its
// scripts and styles, the fonts and images GraphiQL's CSS inlines, and the
// GraphQL endpoint.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// ours are the page's own files served beside the bundles.
var ours = map[string]bool{"consentgate.js": true, "consentgate.css": true}

// Handler serves the page at its own path and the bundles under
// AssetPrefix. The page is never cached (in demo mode it holds tokens); a
// bundle is revalidated by its ETag.
func Handler(o Options) http.Handler {
	page := template.Must(template.ParseFS(files, "page/index.html.tmpl"))
	var html bytes.Buffer
	data := struct {
		AssetPrefix string
		Config      any
	}{AssetPrefix, map[string]any{"endpoint": o.Endpoint, "tokens": o.Tokens, "defaultQuery": DefaultQuery}}
	if err := page.Execute(&html, data); err != nil {
		panic("graphiql: the page template: " + err.Error()) // embedded: a test executes it
	}
	etags := map[string]string{}
	for _, dir := range []string{"assets", "page"} {
		entries, _ := fs.ReadDir(files, dir)
		for _, e := range entries {
			b, _ := fs.ReadFile(files, path.Join(dir, e.Name()))
			sum := sha256.Sum256(b)
			etags[path.Join(dir, e.Name())] = `"` + hex.EncodeToString(sum[:16]) + `"`
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		name, isAsset := strings.CutPrefix(r.URL.Path, AssetPrefix)
		if !isAsset {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write(html.Bytes())
			return
		}
		file := path.Join("assets", name)
		if ours[name] {
			file = path.Join("page", name)
		}
		etag, ok := etags[file]
		if !ok || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, files, file)
	})
}
