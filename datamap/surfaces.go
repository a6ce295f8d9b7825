package datamap

// Surface is one place the gateway serves where personal data is shown
// or changed: the GraphQL API, or a page served with it; and the public
// documents consent receipts refer to (the policy texts, the receipt keys),
// which show none. A page holds no
// data and adds no API: it reaches personal data only through the
// endpoints Uses names (the public GraphQL API), as the account whose
// token it holds, so every cell of the map holds for it as for any client.
type Surface struct {
	Path string `json:"path"` // "/graphql", "/privacy"
	Name string `json:"name"`
	For  string `json:"for"` // who uses it
	// Uses: the only endpoints the surface reaches personal data through
	// (for the API, itself); none: it shows none.
	Uses []string `json:"uses"`
	// DevOnly: served only in demo or development mode (-demo,
	// CONSENTGATE_DEV=true).
	DevOnly bool `json:"devOnly,omitempty"`
}

// GraphQLPath is the path of the public GraphQL API, the one endpoint of
// personal data.
const GraphQLPath = "/graphql"

// surfaces are the gateway's surfaces, the API first.
func surfaces() []Surface {
	api := []string{GraphQLPath}
	return []Surface{
		{Path: GraphQLPath, Name: "the GraphQL API", For: "every client: frontends, the employer dashboard, staff tools", Uses: api},
		{Path: "/privacy", Name: "the privacy centre", For: "applicants: their own data, consents, requests and access history", Uses: api},
		{Path: "/console", Name: "the console", For: "support and compliance: the request queue, access records, legal-basis grants, approved operations", Uses: api},
		{Path: "/", Name: "GraphiQL", For: "developers", Uses: api, DevOnly: true},
		{Path: "/policy", Name: "the privacy policy's versions", For: "anyone: each published version (JSON), and its text at /policy/{version}, whose SHA-256 consent receipts name"},
		{Path: "/.well-known/jwks.json", Name: "the consent receipts' keys", For: "anyone verifying a consent receipt: the public keys (JWKS)"},
	}
}

// usesText says how a surface reaches personal data.
func (s Surface) usesText() string {
	if len(s.Uses) == 0 {
		return "no personal data: public, served without a token, cacheable"
	}
	text := "only the public GraphQL API (" + joinStrings(s.Uses) + "), as the account whose token it holds"
	if len(s.Uses) == 1 && s.Uses[0] == s.Path {
		text = "is the public GraphQL API: every personal field as this map says"
	}
	if s.DevOnly {
		text += "; served only with -demo or CONSENTGATE_DEV=true"
	}
	return text
}
