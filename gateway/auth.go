package gateway

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"

	"consentgate/consent"
)

// Claims are the token's claims: the identity contract of README.md.
type Claims struct {
	Role    string `json:"role"`
	Org     string `json:"org,omitempty"`
	Purpose string `json:"purpose,omitempty"`
	jwt.RegisteredClaims
}

// errToken is the one error every token failure maps to on the wire; the
// precise cause is never sent (it could help forge one).
var errToken = errors.New("invalid token")

// maxTokenBytes bounds the Authorization header's token.
const maxTokenBytes = 4096

// Authenticator turns the request's bearer token into a consent.Viewer.
type Authenticator struct {
	secret []byte
	keys   jwkset.Storage
	parser *jwt.Parser
}

// TokenOptions configure token verification beyond the HS256 secret.
type TokenOptions struct {
	// Keys, when set, verify RS256 and ES256 tokens by their kid (a JWKS
	// file or URL; a URL is refreshed when an unknown kid arrives).
	Keys jwkset.Storage
	// Issuer and Audience, when set, must match the iss and aud claims.
	Issuer, Audience string
	// Leeway is the clock skew allowed on exp and nbf.
	Leeway time.Duration
}

// DefaultLeeway is the clock skew allowed on exp and nbf unless
// CONSENTGATE_JWT_LEEWAY says otherwise.
const DefaultLeeway = 30 * time.Second

// NewAuthenticator verifies HS256 tokens signed with secret; exp is
// required and nbf honoured.
func NewAuthenticator(secret []byte) *Authenticator {
	return NewAuthenticatorWith(secret, TokenOptions{Leeway: DefaultLeeway})
}

// NewAuthenticatorWith verifies HS256 tokens signed with secret (if any) and
// RS256/ES256 tokens against o.Keys (if any); no other algorithm is
// accepted, whatever a token's header says.
func NewAuthenticatorWith(secret []byte, o TokenOptions) *Authenticator {
	var methods []string
	if len(secret) > 0 {
		methods = append(methods, jwt.SigningMethodHS256.Alg())
	}
	if o.Keys != nil {
		methods = append(methods, jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg())
	}
	opts := []jwt.ParserOption{jwt.WithValidMethods(methods), jwt.WithExpirationRequired(), jwt.WithLeeway(o.Leeway)}
	if o.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(o.Issuer))
	}
	if o.Audience != "" {
		opts = append(opts, jwt.WithAudience(o.Audience))
	}
	return &Authenticator{secret: secret, keys: o.Keys, parser: jwt.NewParser(opts...)}
}

// key returns the key that verifies t: the HS256 secret, or the JWKS key
// named by its kid, which must be of the token's algorithm.
func (a *Authenticator) key(t *jwt.Token) (any, error) {
	if t.Method.Alg() == jwt.SigningMethodHS256.Alg() {
		return a.secret, nil
	}
	kid, _ := t.Header["kid"].(string)
	if a.keys == nil || kid == "" {
		return nil, errors.New("no key")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	jwk, err := a.keys.KeyRead(ctx, kid)
	if err != nil {
		return nil, err
	}
	if alg := jwk.Marshal().ALG; alg != "" && string(alg) != t.Method.Alg() {
		return nil, errors.New("key of another algorithm")
	}
	switch k := jwk.Key().(type) {
	case *rsa.PublicKey:
		if t.Method.Alg() == jwt.SigningMethodRS256.Alg() {
			return k, nil
		}
	case *ecdsa.PublicKey:
		if t.Method.Alg() == jwt.SigningMethodES256.Alg() {
			return k, nil
		}
	}
	return nil, errors.New("key of another type")
}

// LoadKeys opens a JWKS from a file path or an http(s) URL; a URL is
// refreshed every hour and when a token names an unknown kid (at most
// every five minutes).
func LoadKeys(ctx context.Context, source string) (jwkset.Storage, error) {
	if strings.HasPrefix(source, "https://") || strings.HasPrefix(source, "http://") {
		remote, err := jwkset.NewStorageFromHTTP(source, jwkset.HTTPClientStorageOptions{Ctx: ctx, RefreshInterval: time.Hour})
		if err != nil {
			return nil, err
		}
		return jwkset.NewHTTPClient(jwkset.HTTPClientOptions{
			HTTPURLs:          map[string]jwkset.Storage{source: remote},
			RefreshUnknownKID: rate.NewLimiter(rate.Every(5*time.Minute), 1),
		})
	}
	raw, err := os.ReadFile(source)
	if err != nil {
		return nil, err
	}
	var set jwkset.JWKSMarshal
	if err := json.Unmarshal(raw, &set); err != nil {
		return nil, fmt.Errorf("parsing the JWKS: %w", err)
	}
	return set.ToStorage()
}

// Viewer returns the viewer behind a raw token.
func (a *Authenticator) Viewer(raw string) (consent.Viewer, error) {
	if len(raw) > maxTokenBytes {
		return consent.Viewer{}, fmt.Errorf("%w: too long", errToken)
	}
	var c Claims
	if _, err := a.parser.ParseWithClaims(raw, &c, a.key); err != nil {
		return consent.Viewer{}, fmt.Errorf("%w: %w", errToken, err)
	}
	role, err := consent.ParseRole(c.Role)
	if err != nil {
		return consent.Viewer{}, fmt.Errorf("%w: %w", errToken, err)
	}
	if consent.CanonicalAccount(c.Subject) == "" { // a blank sub names nobody
		return consent.Viewer{}, fmt.Errorf("%w: no sub", errToken)
	}
	if role == consent.Employer && c.Org == "" {
		return consent.Viewer{}, fmt.Errorf("%w: an EMPLOYER token needs org", errToken)
	}
	v := consent.Viewer{Account: c.Subject, Role: role, Org: c.Org}
	if c.Purpose != "" {
		if v.Purpose, err = consent.ParsePurpose(c.Purpose); err != nil {
			return consent.Viewer{}, fmt.Errorf("%w: %w", errToken, err)
		}
	}
	return v, nil
}

// Middleware puts the request's viewer in its context, with the consent
// engine that decides for it (in the field guard, the approved-operations
// gate and the row rules alike): anonymous without an Authorization
// header, 401 for any header that is not a valid bearer token (never a
// silent anonymous).
func (a *Authenticator) Middleware(e *consent.Engine, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			reportRole(r.Context(), consent.Anonymous)
			next.ServeHTTP(w, r.WithContext(consent.WithEngine(consent.NewContext(r.Context(), consent.AnonymousViewer), e)))
			return
		}
		raw, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			unauthorized(w)
			return
		}
		v, err := a.Viewer(strings.TrimSpace(raw))
		if err != nil {
			unauthorized(w)
			return
		}
		reportRole(r.Context(), v.Role)
		next.ServeHTTP(w, r.WithContext(consent.WithEngine(consent.NewContext(r.Context(), v), e)))
	})
}

func unauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	writeJSON(w, http.StatusUnauthorized, errorBody(errToken.Error(), "UNAUTHENTICATED"))
}

// SignToken returns an HS256 token for the given identity, valid for ttl.
func SignToken(secret []byte, v consent.Viewer, ttl time.Duration, now time.Time) (string, error) {
	c := Claims{
		Role:    string(v.Role),
		Org:     v.Org,
		Purpose: string(v.Purpose),
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   v.Account,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(secret)
}

// Signer signs HS256 tokens with secret, valid from now: for the demo's
// activity and the load generator.
func Signer(secret []byte) func(consent.Viewer, time.Duration) (string, error) {
	return func(v consent.Viewer, ttl time.Duration) (string, error) {
		return SignToken(secret, v, ttl, time.Now())
	}
}
