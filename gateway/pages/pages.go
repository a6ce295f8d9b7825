// Package pages serves the gateway's two product pages from the binary:
// /privacy, the applicant's privacy centre, and /console, the support and
// compliance console. Each is a static HTML page, one style sheet and a
// plain script (page/), with no build step and nothing fetched from
// another host (a content security policy of 'self' only).
//
// The pages hold no data and add no API: everything they show or change
// goes through the public GraphQL endpoint with the token the user pastes
// into the page (or, in demo mode, passes as #token=, which never leaves
// the browser), through the same guard, row rules and access records as
// any other client. The token stays in the page's memory: never in a URL,
// a log or storage. The only thing the Go side puts in a page is the data
// map's decisions per category and its purposes with their consent
// defaults (package datamap, the same as GET /datamap), which the privacy
// centre shows as "who may see this" and as the consents' starting state.
//
// It must not import the GraphQL server (graph), ent or the gateway: a
// page that needed them would be a side door.
package pages

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"

	"consentgate/consent"
	"consentgate/datamap"
)

//go:embed page
var files embed.FS

// AssetPrefix is the path the pages' scripts and style are served under.
const AssetPrefix = "/pages/"

// Options configure the pages.
type Options struct {
	Endpoint string // the GraphQL endpoint's path
	// Demo: the pages take a token from the URL's fragment (#token=…),
	// which the browser never sends; otherwise only a pasted one.
	Demo    bool
	DataMap datamap.Map // who may see each category (the privacy centre)
}

// contentSecurityPolicy lets a page load from the gateway alone and talk
// to it alone.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Category is one category of the applicant's data in the privacy
// centre: the Applicant fields it holds, and who may see it.
type Category struct {
	Category consent.Category `json:"category"`
	Fields   []string         `json:"fields"`
	SeenBy   []Seen           `json:"seenBy"`
}

// Seen is one viewer of the data map (a role, under a purpose) that sees
// a category other than hidden, and how ("PLAIN", "MASK EMAIL").
type Seen struct {
	Who     string `json:"who"`
	Outcome string `json:"outcome"`
}

// Categories groups the Applicant fields of m by category, in the
// vocabulary's order (consent.Categories), each with the viewers that see it (plain, masked or as a
// statistic) for a subject who consented and withholds nothing; the
// applicant's own view is left out.
func Categories(m datamap.Map) []Category {
	var out []Category
	for _, f := range m.Fields {
		if f.Type != "Applicant" || f.Category == "" || f.Bundle || f.Timestamp {
			continue
		}
		i := slices.IndexFunc(out, func(c Category) bool { return c.Category == f.Category })
		if i < 0 {
			out = append(out, Category{Category: f.Category})
			i = len(out) - 1
		}
		c := &out[i]
		c.Fields = append(c.Fields, f.Name)
		for j, cell := range f.Cells {
			if cell.Outcome == consent.Hidden.String() || cell.Role == consent.Applicant || j >= len(m.Columns) {
				continue
			}
			who, how := m.Columns[j].Label(), cell.String()
			k := slices.IndexFunc(c.SeenBy, func(s Seen) bool { return s.Who == who })
			switch {
			case k < 0:
				c.SeenBy = append(c.SeenBy, Seen{who, how})
			case !slices.Contains(strings.Split(c.SeenBy[k].Outcome, " / "), how):
				c.SeenBy[k].Outcome += " / " + how
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Category) int {
		return slices.Index(consent.Categories, a.Category) - slices.Index(consent.Categories, b.Category)
	})
	return out
}

// Handler serves /privacy, /console and their files under AssetPrefix.
// A page is never cached; a file is revalidated by its ETag.
func Handler(o Options) http.Handler {
	config := map[string]any{"endpoint": o.Endpoint, "demo": o.Demo, "categories": Categories(o.DataMap), "purposes": o.DataMap.Purposes}
	pages := map[string][]byte{}
	for _, name := range []string{"privacy", "console"} {
		t := template.Must(template.ParseFS(files, "page/"+name+".html.tmpl"))
		var b bytes.Buffer
		if err := t.Execute(&b, map[string]any{"AssetPrefix": AssetPrefix, "Config": config}); err != nil {
			panic("pages: the " + name + " template: " + err.Error()) // embedded: a test executes it
		}
		pages["/"+name] = b.Bytes()
	}
	etags := map[string]string{}
	entries, _ := fs.ReadDir(files, "page")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmpl") {
			continue
		}
		b, _ := fs.ReadFile(files, path.Join("page", e.Name()))
		sum := sha256.Sum256(b)
		etags[e.Name()] = `"` + hex.EncodeToString(sum[:16]) + `"`
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if page, ok := pages[r.URL.Path]; ok {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Referrer-Policy", "no-referrer")
			_, _ = w.Write(page)
			return
		}
		name, _ := strings.CutPrefix(r.URL.Path, AssetPrefix)
		etag, ok := etags[name]
		if !ok || strings.Contains(name, "/") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, files, path.Join("page", name))
	})
}
