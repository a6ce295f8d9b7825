package main

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

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
	parser *jwt.Parser
}

// NewAuthenticator verifies HS256 tokens signed with secret; exp is required.
func NewAuthenticator(secret []byte) *Authenticator {
	return &Authenticator{
		secret: secret,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithExpirationRequired(),
			jwt.WithLeeway(30*time.Second),
		),
	}
}

// Viewer returns the viewer behind a raw token.
func (a *Authenticator) Viewer(raw string) (consent.Viewer, error) {
	if len(raw) > maxTokenBytes {
		return consent.Viewer{}, fmt.Errorf("%w: too long", errToken)
	}
	var c Claims
	if _, err := a.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return a.secret, nil }); err != nil {
		return consent.Viewer{}, fmt.Errorf("%w: %w", errToken, err)
	}
	role, err := consent.ParseRole(c.Role)
	if err != nil {
		return consent.Viewer{}, fmt.Errorf("%w: %w", errToken, err)
	}
	if c.Subject == "" {
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

// Middleware puts the request's viewer in its context: anonymous without
// an Authorization header, 401 for any header that is not a valid bearer
// token (never a silent anonymous).
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			reportRole(r.Context(), consent.Anonymous)
			next.ServeHTTP(w, r.WithContext(consent.NewContext(r.Context(), consent.AnonymousViewer)))
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
		next.ServeHTTP(w, r.WithContext(consent.NewContext(r.Context(), v)))
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
