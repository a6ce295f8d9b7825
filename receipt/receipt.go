// Package receipt signs consent receipts: for each entry of an applicant's
// consent ledger, a compact JWS (EdDSA over Ed25519, the key's RFC 7638
// thumbprint as kid) whose payload is the entry, the policy version it was
// given under with its text digest, and the subject's keyed pseudonym.
// Anyone verifies one with the public keys the gateway serves as a JWKS at
// /.well-known/jwks.json, with any JOSE library.
//
// A receipt holds no personal value: the subject is the same keyed
// pseudonym as in the access records, the recipient an employer's public
// external id.
//
// Receipts are derived, not stored: Ed25519 is deterministic and the
// payload is a fixed struct, so signing an entry again with the same key
// gives the same bytes. After a key rotation an entry's receipt is signed
// with the new key; those handed out earlier still verify while their key
// stays in the JWKS (the previous keys, Config.ReceiptPreviousKeys).
package receipt

import (
	"crypto"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Issuer is every receipt's iss.
const Issuer = "consentgate"

// Claims is a receipt's payload. Its JSON is fixed by the field order,
// so the same entry always gives the same payload.
type Claims struct {
	Issuer   string `json:"iss"`
	IssuedAt int64  `json:"iat"` // the entry's time, in seconds: a receipt is about the entry, not about its signing
	// Subject is the subject's keyed pseudonym ("s:" and 32 hex digits),
	// the access records' subjectRef.
	Subject string `json:"sub"`
	Purpose string `json:"purpose"`
	// Recipient is the employer's external id, for EMPLOYER_PROVISION
	// entries naming one; null: every recipient of the purpose.
	Recipient *string `json:"recipient"`
	// Category is the one category the entry withholds or releases; null:
	// the whole purpose.
	Category      *string `json:"category"`
	Granted       bool    `json:"granted"`
	Time          string  `json:"time"` // when the entry was recorded, RFC 3339 in UTC, to the microsecond
	PolicyVersion string  `json:"policyVersion"`
	// PolicyDigest is "sha256:<hex>" of the policy version's text, served
	// at GET /policy/{version}.
	PolicyDigest string `json:"policyDigest"`
}

// EntryTime formats an entry's recording time as Claims.Time and
// Claims.IssuedAt take it: in UTC, to the microsecond (what both databases
// keep of a time).
func EntryTime(at time.Time) (string, int64) {
	at = at.UTC().Truncate(time.Microsecond)
	return at.Format(time.RFC3339Nano), at.Unix()
}

// SeedSize is the size of a receipt key: an Ed25519 seed.
const SeedSize = ed25519.SeedSize

// ErrKey marks a receipt key or public key that is not one.
var ErrKey = errors.New("receipt key")

// Signer signs receipts with one Ed25519 key and publishes it, with the
// previous keys, as a JWKS.
type Signer struct {
	kid    string
	signer jose.Signer
	jwks   []byte
}

// NewSigner returns the signer of the key whose seed is seed (SeedSize
// bytes); previous are public keys of earlier receipt keys, published in
// the JWKS after the current one so that receipts they signed still
// verify.
func NewSigner(seed []byte, previous ...ed25519.PublicKey) (*Signer, error) {
	if len(seed) != SeedSize {
		return nil, fmt.Errorf("%w: must be a %d-byte Ed25519 seed", ErrKey, SeedSize)
	}
	key := ed25519.NewKeyFromSeed(seed)
	current, err := publicJWK(key.Public().(ed25519.PublicKey))
	if err != nil {
		return nil, err
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{current}}
	for _, p := range previous {
		if len(p) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: a previous key must be a %d-byte Ed25519 public key", ErrKey, ed25519.PublicKeySize)
		}
		k, err := publicJWK(p)
		if err != nil {
			return nil, err
		}
		if k.KeyID != current.KeyID {
			set.Keys = append(set.Keys, k)
		}
	}
	jwks, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("encoding the receipt keys: %w", err)
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: jose.JSONWebKey{Key: key, KeyID: current.KeyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return nil, fmt.Errorf("preparing the receipt signer: %w", err)
	}
	return &Signer{kid: current.KeyID, signer: signer, jwks: jwks}, nil
}

// publicJWK is pub as a JWK: OKP, Ed25519, for EdDSA signatures, its kid
// the RFC 7638 SHA-256 thumbprint (base64url).
func publicJWK(pub ed25519.PublicKey) (jose.JSONWebKey, error) {
	k := jose.JSONWebKey{Key: pub, Algorithm: string(jose.EdDSA), Use: "sig"}
	tp, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return k, fmt.Errorf("%w: %w", ErrKey, err)
	}
	k.KeyID = base64.RawURLEncoding.EncodeToString(tp)
	return k, nil
}

// KeyID is the kid of the current key.
func (s *Signer) KeyID() string { return s.kid }

// JWKS is the public key set: the current key first, then the previous.
func (s *Signer) JWKS() []byte { return s.jwks }

// Sign returns the compact JWS of c.
func (s *Signer) Sign(c Claims) (string, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encoding a receipt: %w", err)
	}
	jws, err := s.signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("signing a receipt: %w", err)
	}
	return jws.CompactSerialize()
}

// ParsePublicKey decodes a previous key as CONSENTGATE_RECEIPT_PREVIOUS_KEYS
// lists it: the base64 (standard or URL alphabet, padded or not) of a
// 32-byte Ed25519 public key, as the JWKS's "x" gives it.
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	b, err := decodeBase64(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%w: must be the base64 of a %d-byte Ed25519 public key", ErrKey, ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(b), nil
}

// ParseSeed decodes CONSENTGATE_RECEIPT_KEY: the base64 (standard or URL
// alphabet, padded or not) of a 32-byte Ed25519 seed, as
// `openssl rand -base64 32` makes one.
func ParseSeed(s string) ([]byte, error) {
	b, err := decodeBase64(s)
	if err != nil || len(b) != SeedSize {
		return nil, fmt.Errorf("%w: must be the base64 of %d random bytes", ErrKey, SeedSize)
	}
	return b, nil
}

func decodeBase64(s string) ([]byte, error) {
	var last error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		b, err := enc.DecodeString(s)
		if err == nil {
			return b, nil
		}
		last = err
	}
	return nil, last
}
