package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"consentgate/gateway"
)

// suggestionShapes are requests whose validation errors gqlparser words
// with a suggestion ("Did you mean ...?") when it may: a misspelt field
// (at the root and nested), argument (of a query and of a mutation),
// type (of a variable, of a fragment's condition), enum value, and input
// field (a literal and a variable's value).
var suggestionShapes = []struct {
	name string
	body map[string]any
}{
	{"field", map[string]any{"query": `{ jbos { totalCount } }`}},
	{"nested field", map[string]any{"query": `{ jobs { edges { node { titel } } } }`}},
	{"argument", map[string]any{"query": `{ jobs(frist: 2) { totalCount } }`}},
	{"mutation argument", map[string]any{"query": `mutation { changeConsent(inptu: {purpose: FEEDBACK, granted: true}) { granted } }`}},
	{"variable type", map[string]any{"query": `query($w: JobWhereInpt) { jobs(where: $w) { totalCount } }`}},
	{"fragment type", map[string]any{"query": `{ node(id: "1") { ... on Jbo { id } } }`}},
	{"named fragment type", map[string]any{"query": `{ node(id: "1") { ...F } } fragment F on Jbo { id }`}},
	{"enum value", map[string]any{"query": `{ jobs(orderBy: {field: CREATED_A, direction: ASC}) { totalCount } }`}},
	{"enum value of a variable", map[string]any{"query": `query($o: JobOrder) { jobs(orderBy: $o) { totalCount } }`, "variables": map[string]any{"o": map[string]any{"field": "CREATED_A"}}}},
	{"input field", map[string]any{"query": `{ jobs(where: {titl: "x"}) { totalCount } }`}},
	{"input field of a variable", map[string]any{"query": `query($w: JobWhereInput) { jobs(where: $w) { totalCount } }`, "variables": map[string]any{"w": map[string]any{"titl": "x"}}}},
	{"directive argument", map[string]any{"query": `{ jobs { totalCount @include(fi: true) } }`}},
}

// TestNoSuggestionsAnywhere: outside -demo and CONSENTGATE_DEV no error
// suggests a name of the schema, whatever was misspelt; in dev mode the
// same requests do suggest (so that the shapes are the ones that would).
func TestNoSuggestionsAnywhere(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	dev := testGateway(f.client, nil, func(gw *gateway.Gateway) { gw.Dev = true })
	suggested := 0
	for _, c := range suggestionShapes {
		for _, viewer := range []string{"", "alice"} {
			for _, mode := range []string{"production", "dev"} {
				h := f.handler
				if mode == "dev" {
					h = dev
				}
				b, _ := json.Marshal(c.body)
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(b))
				req.Header.Set("Content-Type", "application/json")
				if viewer != "" {
					req.Header.Set("Authorization", "Bearer "+token(t, *as(viewer)))
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				body := rec.Body.String()
				if !strings.Contains(body, `"errors"`) || rec.Code >= 500 {
					t.Fatalf("%s: %d %s", c.name, rec.Code, body)
				}
				mean := strings.Contains(body, "Did you mean") || strings.Contains(strings.ToLower(body), "did you mean")
				if mode == "production" && mean {
					t.Errorf("production, %s as %q: %s", c.name, viewer, body)
				}
				if mode == "dev" && mean {
					suggested++
				}
			}
		}
	}
	if suggested < 2*6 {
		t.Errorf("dev mode suggested in only %d of %d responses: the shapes do not elicit suggestions", suggested, 2*len(suggestionShapes))
	}
}
