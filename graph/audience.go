package graph

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"strings"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/graph/cursor"
)

// Sealed applicant cursors. An entgql cursor is the msgpack of the last
// row's id (and its order value), in base64: the mail magazine's audience,
// an approved operation that selects each subscriber's name and email, gave
// the mailer every subscriber's applicant id in its cursors. In an approved
// operation, the applicants connection's cursors are sealed instead: the
// real cursor, padded, encrypted and authenticated (AES-256-GCM) under a
// key derived from the gateway's HASH key, and bound to the operation, the
// account and purpose, and the connection's orderBy and where. Paging is
// still keyset paging (a withdrawal on an earlier page moves no one), a
// cursor says nothing of the row it stands for (not its id, not its
// length), and a cursor not sealed for this query (a plain one naming an
// id, one of another operation or account, one altered) is refused.
//
// The nonce is synthetic (an HMAC of the binding and the plaintext, under a
// key of its own, as in SIV): one row's cursor for one query is the same on
// every answer, so that an answer depends on what the viewer may see and
// nothing else (the non-interference test compares answers byte for byte),
// and distinct cursors never share a nonce. A repeated cursor tells the
// mailer only that a row came again, which its name and email tell anyway.
//
// The sealed cursor travels in entgql's own cursor type, whose encoding is
// left as it is (the change is this connection's alone):
// {ID: 0, Value: "s1.<base64url>"}.

// sealedCursorPrefix marks a sealed cursor's value (version 1).
const sealedCursorPrefix = "s1."

// sealedCursorBlock is what a cursor's plaintext is padded to a multiple
// of, so that its length says nothing of the id or order value inside.
const sealedCursorBlock = 64

// ErrCursorNotIssued: a cursor given to a connection whose cursors are
// sealed was not sealed for this query.
var ErrCursorNotIssued = errors.New("the cursor was not issued for this query: page with the cursors its answers give")

// cursorSealer seals and opens applicant cursors: cursor.Sealer's
// authenticated encryption, over the entgql cursor padded to a multiple
// of sealedCursorBlock bytes.
type cursorSealer struct{ s *cursor.Sealer }

// newCursorSealer derives the sealing key from key (the HASH mask's key,
// which every replica shares, so any replica opens another's cursors); with
// no key (tests that build a schema without one) a random key, good for this
// process only.
func newCursorSealer(key []byte) *cursorSealer {
	if len(key) == 0 {
		return &cursorSealer{cursor.RandomSealer()}
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("consentgate: sealed applicant cursors, v1"))
	s, err := cursor.NewSealer(mac.Sum(nil))
	if err != nil {
		panic("graph: " + err.Error()) // a SHA-256 sum is a key of cursor.KeySize
	}
	return &cursorSealer{s}
}

// seal returns c sealed for the query binding stands for.
func (s *cursorSealer) seal(c ent.Cursor, binding []byte) ent.Cursor {
	var buf bytes.Buffer
	c.MarshalGQL(&buf) // "<base64 of msgpack>"
	inner := bytes.Trim(buf.Bytes(), `"`)
	n := 2 + len(inner)
	plain := make([]byte, n+(sealedCursorBlock-n%sealedCursorBlock)%sealedCursorBlock)
	binary.BigEndian.PutUint16(plain, uint16(len(inner)))
	copy(plain[2:], inner)
	return ent.Cursor{Value: sealedCursorPrefix + s.s.Seal(plain, string(binding))}
}

// open returns the cursor c seals for the query binding stands for, or
// ErrCursorNotIssued. A nil c is nil.
func (s *cursorSealer) open(c *ent.Cursor, binding []byte) (*ent.Cursor, error) {
	if c == nil {
		return nil, nil
	}
	v, ok := c.Value.(string)
	if c.ID != 0 || !ok || !strings.HasPrefix(v, sealedCursorPrefix) {
		return nil, ErrCursorNotIssued
	}
	plain, err := s.s.Open(v[len(sealedCursorPrefix):], string(binding))
	if err != nil || len(plain) < 2 {
		return nil, ErrCursorNotIssued
	}
	n := int(binary.BigEndian.Uint16(plain))
	if 2+n > len(plain) {
		return nil, ErrCursorNotIssued
	}
	var out ent.Cursor
	if err := out.UnmarshalGQL(string(plain[2 : 2+n])); err != nil {
		return nil, ErrCursorNotIssued
	}
	return &out, nil
}

// applicants answers the applicants connection; in an approved operation
// its cursors are sealed (see above).
func (r *Resolver) applicants(ctx context.Context, after *ent.Cursor, first *int, before *ent.Cursor, last *int, orderBy *ent.ApplicantOrder, where *ent.ApplicantWhereInput) (*ent.ApplicantConnection, error) {
	op, sealed := approvedOperation(ctx)
	var binding []byte
	if sealed {
		var err error
		if binding, err = cursorBinding(ctx, op, orderBy, where); err != nil {
			return nil, err
		}
		if after, err = r.cursors.open(after, binding); err != nil {
			return nil, err
		}
		if before, err = r.cursors.open(before, binding); err != nil {
			return nil, err
		}
	}
	conn, err := r.client.Applicant.Query().Paginate(ctx, after, first, before, last,
		ent.WithApplicantOrder(orderBy), ent.WithApplicantFilter(where.Filter))
	if err != nil || !sealed {
		return conn, err
	}
	seal := func(c *ent.Cursor) *ent.Cursor {
		if c == nil {
			return nil
		}
		s := r.cursors.seal(*c, binding)
		return &s
	}
	// The page's cursors point into its edges: seal them first.
	start, end := seal(conn.PageInfo.StartCursor), seal(conn.PageInfo.EndCursor)
	for _, e := range conn.Edges {
		e.Cursor = *seal(&e.Cursor)
	}
	conn.PageInfo.StartCursor, conn.PageInfo.EndCursor = start, end
	return conn, nil
}

// cursorBinding is what a sealed cursor is bound to: the approved
// operation, the viewer's account and purpose, and the connection's order
// and filter, so that it pages this query and no other.
func cursorBinding(ctx context.Context, op approved, orderBy *ent.ApplicantOrder, where *ent.ApplicantWhereInput) ([]byte, error) {
	v := consent.FromContext(ctx)
	order := ""
	if orderBy != nil && orderBy.Field != nil {
		order = orderBy.Field.String() + " " + orderBy.Direction.String()
	}
	h := sha256.New()
	for _, s := range []string{op.id, consent.CanonicalAccount(v.Account), string(v.Purpose), order} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	if err := json.NewEncoder(h).Encode(where); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}
