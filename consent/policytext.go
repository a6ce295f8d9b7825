package consent

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
)

// policyText is the privacy policy (../shared/policy/privacy-policy.txt)
// the first policy version digests.
//
//go:embed privacy-policy.txt
var policyText []byte

// PolicyText returns the text of the privacy policy the gateway ships.
func PolicyText() []byte { return bytes.Clone(policyText) }

// PolicyTextDigest is "sha256:<hex>" of the embedded privacy policy.
func PolicyTextDigest() string { return TextDigest(policyText) }

// TextDigest is "sha256:<hex>" of a policy text: a policy version's
// textDigest, which its text must match.
func TextDigest(text []byte) string {
	sum := sha256.Sum256(text)
	return "sha256:" + hex.EncodeToString(sum[:])
}
