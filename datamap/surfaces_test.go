package datamap

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"consentgate/consent"
)

// TestDataMapSurfaces: the map of the gateway's schema lists its surfaces,
// the privacy centre and the console among them, each stating that it
// reaches personal data only through the public GraphQL API, in the
// Markdown and the HTML alike.
func TestDataMapSurfaces(t *testing.T) {
	m := BuildSchema(consent.DefaultPolicy())
	var md, page bytes.Buffer
	if err := m.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := m.HTML(&page); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/privacy", "/console"} {
		i := slices.IndexFunc(m.Surfaces, func(s Surface) bool { return s.Path == path })
		if i < 0 {
			t.Errorf("the map lists no surface %s: %+v", path, m.Surfaces)
			continue
		}
		s := m.Surfaces[i]
		if !slices.Equal(s.Uses, []string{GraphQLPath}) || s.DevOnly {
			t.Errorf("%s uses %q (dev only: %v), want the GraphQL API alone, in every mode", path, s.Uses, s.DevOnly)
		}
		row := "| " + path + " "
		if line := lineWith(md.String(), row); !strings.Contains(line, "only the public GraphQL API (/graphql)") {
			t.Errorf("the Markdown's row of %s: %q", path, line)
		}
		if !strings.Contains(page.String(), "<tr><th><code>"+path+"</code></th><td>"+s.Name+"</td>") ||
			!strings.Contains(lineWith(page.String(), "<code>"+path+"</code>"), "only the public GraphQL API (/graphql)") {
			t.Errorf("the HTML has no row of %s saying it uses only the GraphQL API", path)
		}
	}
	if len(m.Surfaces) == 0 || m.Surfaces[0].Path != GraphQLPath || m.Surfaces[0].usesText() != "is the public GraphQL API: every personal field as this map says" {
		t.Errorf("the surfaces are %+v, want the API first", m.Surfaces)
	}
	if got := Build(map[string]consent.Category{"Applicant.email": consent.Email}, consent.DefaultPolicy()).Surfaces; got != nil {
		t.Errorf("a map of another schema lists the gateway's surfaces: %+v", got)
	}
}

// lineWith is the first line of text that contains s ("" if none).
func lineWith(text, s string) string {
	for line := range strings.Lines(text) {
		if strings.Contains(line, s) {
			return line
		}
	}
	return ""
}
