package gateway

import (
	"bytes"
	"net/http"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/policyversion"
	"consentgate/receipt"
)

// Public documents that consent receipts refer to: the privacy policy's
// versions with their texts, and the keys receipts are signed with. No
// token is needed and none is read; nothing personal is in them, so shared
// caches may keep them.
const (
	// publicCache: the version list and the keys change when a version is
	// published or a key rotates.
	publicCache = "public, max-age=300"
	// textCache: a version's text never changes (its digest is published
	// with it).
	textCache = "public, max-age=86400, immutable"
)

// policyVersionJSON is one version in GET /policy.
type policyVersionJSON struct {
	Version         string    `json:"version"`
	EffectiveAt     time.Time `json:"effectiveAt"`
	PublishedAt     time.Time `json:"publishedAt"`
	Summary         string    `json:"summary"`
	TextDigest      string    `json:"textDigest"`
	ChangedPurposes []string  `json:"changedPurposes"`
	// Text is the path of its text; null when the version was recorded
	// without one (before texts were kept) and its digest is not that of
	// the text this binary ships.
	Text *string `json:"text"`
}

// policyVersions serves GET /policy: every published version, oldest
// first, each with its digest and the path of its text.
func (gw Gateway) policyVersions(w http.ResponseWriter, r *http.Request) {
	pvs, err := gw.Client.PolicyVersion.Query().
		Order(ent.Asc(policyversion.FieldEffectiveAt), ent.Asc(policyversion.FieldID)).All(r.Context())
	if err != nil {
		gw.Log.Error("reading the policy versions", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody("the policy versions could not be read", "UNAVAILABLE"))
		return
	}
	out := make([]policyVersionJSON, 0, len(pvs))
	for _, pv := range pvs {
		v := policyVersionJSON{Version: pv.Version, EffectiveAt: pv.EffectiveAt.UTC(), PublishedAt: pv.PublishedAt.UTC(),
			Summary: pv.Summary, TextDigest: pv.TextDigest, ChangedPurposes: pv.ChangedPurposes}
		if v.ChangedPurposes == nil {
			v.ChangedPurposes = []string{}
		}
		if policyText(pv) != nil {
			path := "/policy/" + pv.Version
			v.Text = &path
		}
		out = append(out, v)
	}
	w.Header().Set("Cache-Control", publicCache)
	writeJSON(w, http.StatusOK, map[string]any{"versions": out})
}

// policyVersionText serves GET /policy/{version}: the version's text,
// byte for byte, whose SHA-256 is its digest; 404 for a version nobody
// published or whose text was never recorded.
func (gw Gateway) policyVersionText(w http.ResponseWriter, r *http.Request) {
	pv, err := gw.Client.PolicyVersion.Query().Where(policyversion.Version(r.PathValue("version"))).Only(r.Context())
	if ent.IsNotFound(err) {
		writeJSON(w, http.StatusNotFound, errorBody("no such policy version, or none with a text", "NOT_FOUND"))
		return
	}
	if err != nil {
		gw.Log.Error("reading a policy version", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody("the policy version could not be read", "UNAVAILABLE"))
		return
	}
	text := policyText(pv)
	if text == nil {
		writeJSON(w, http.StatusNotFound, errorBody("no such policy version, or none with a text", "NOT_FOUND"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", textCache)
	h.Set("ETag", `"`+pv.TextDigest+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(text))
}

// policyText is a version's text: the one published with it, or, for a
// version recorded without one, the text this binary ships when the digest
// is its; nil otherwise.
func policyText(pv *ent.PolicyVersion) []byte {
	switch {
	case pv.Text != "":
		return []byte(pv.Text)
	case pv.TextDigest == consent.PolicyTextDigest():
		return consent.PolicyText()
	}
	return nil
}

// receiptKeys serves GET /.well-known/jwks.json: the public keys of
// consent receipts, the current one first (an empty set when the gateway
// signs none).
func receiptKeys(signer *receipt.Signer) http.HandlerFunc {
	body := []byte(`{"keys":[]}`)
	if signer != nil {
		body = signer.JWKS()
	}
	return func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/jwk-set+json")
		h.Set("Cache-Control", publicCache)
		_, _ = w.Write(body)
	}
}
