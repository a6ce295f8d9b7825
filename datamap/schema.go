package datamap

import (
	"bytes"
	"net/http"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/graph"
)

// schemaCategories returns the categories of the gateway's GraphQL schema
// (the schema does not depend on the client).
func schemaCategories() map[string]consent.Category {
	return graph.Categories(graph.NewSchema(&ent.Client{}).Schema())
}

// BuildSchema is the data map of policy over the gateway's own
// schema: its @personal fields, its @personalPerValue fields (a row per
// category), its @personalBundle fields, then its @personalTimestamp
// fields; with the gateway's surfaces.
func BuildSchema(policy *consent.Policy) Map {
	m := Build(schemaCategories(), policy)
	m.Surfaces = surfaces()
	s := graph.NewSchema(&ent.Client{}).Schema()
	m.addPerValue(graph.PerValueFields(s), policy)
	m.addBundles(graph.Bundles(s), policy)
	m.addTimestamps(graph.Timestamps(s), policy)
	return m
}

// Handler serves the data map of policy as an HTML page. The page
// is rendered once, when the handler is built.
func Handler(policy *consent.Policy) http.Handler {
	var page bytes.Buffer
	err := BuildSchema(policy).HTML(&page)
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if err != nil {
			http.Error(w, "data map unavailable", http.StatusInternalServerError)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(page.Bytes())
	})
}
