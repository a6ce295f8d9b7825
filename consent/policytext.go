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
func PolicyTextDigest() string {
	sum := sha256.Sum256(policyText)
	return "sha256:" + hex.EncodeToString(sum[:])
}
