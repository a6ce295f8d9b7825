// Package cursor seals the cursors of the GraphQL connections, the
// `Cursor` scalar: gqlgen marshals and unmarshals it through
// MarshalCursor and UnmarshalCursor (gqlgen.yml), so ent's generated
// pagination and the resolvers keep reading entgql's cursor, and no
// cursor leaves or enters the gateway unsealed.
//
// entgql's cursor is the id and order value of an edge, in MessagePack
// and base64: anyone reads the value it orders by (a job's title, a
// timestamp) and forges a position. A sealed cursor is that encoding
// encrypted and authenticated with AES-256-GCM under the gateway's key
// (CONSENTGATE_CURSOR_KEY), bound to the connection type and the order
// field it was issued for. A cursor that was changed, cut, sealed under
// another key, issued for another connection or ordering, or is no cursor
// at all is refused with ErrInvalid, which names no value.
//
// The sealing is deterministic (its nonce is derived from what it seals,
// as in SIV): one position of one connection always has one cursor, so
// equal responses stay equal byte for byte; it reveals only that two
// cursors are the same position.
package cursor

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// KeySize is the length of a cursor key in bytes.
const KeySize = 32

// ErrInvalid is the error of a cursor argument the gateway did not issue
// for this connection and ordering under its key.
var ErrInvalid = errors.New("not a cursor this gateway issued for this connection and ordering")

// errNoSealer: a cursor was marshalled outside a server that installed a
// Sealer (Extension).
var errNoSealer = errors.New("cursor: no sealer in the context")

// encoding of sealed cursors: URL-safe, strict, so that a changed last
// character never decodes to the same bytes.
var encoding = base64.RawURLEncoding.Strict()

// Sealer seals and opens cursors under one key.
type Sealer struct {
	aead     cipher.AEAD
	nonceKey []byte
}

// NewSealer returns the sealer of key, which must be KeySize bytes.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("cursor key must be %d bytes, not %d", KeySize, len(key))
	}
	// Two keys derived from one: for the cipher, and for the nonces.
	block, err := aes.NewCipher(derive(key, "consentgate cursor encryption"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Sealer{aead: aead, nonceKey: derive(key, "consentgate cursor nonce")}, nil
}

// RandomSealer returns a sealer of a random key: its cursors are refused
// by every other sealer, so they do not survive a restart nor cross
// replicas.
func RandomSealer() *Sealer {
	key := make([]byte, KeySize)
	_, _ = rand.Read(key) // never fails (crypto/rand)
	s, _ := NewSealer(key)
	return s
}

func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Seal returns the sealed form of plain, bound to binding.
func (s *Sealer) Seal(plain []byte, binding string) string {
	ad := additionalData(binding)
	m := hmac.New(sha256.New, s.nonceKey)
	m.Write(ad)
	m.Write(plain)
	nonce := m.Sum(nil)[:s.aead.NonceSize()]
	return encoding.EncodeToString(s.aead.Seal(nonce, nonce, plain, ad))
}

// Open returns what sealed sealed, or ErrInvalid.
func (s *Sealer) Open(sealed, binding string) ([]byte, error) {
	b, err := encoding.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize()+s.aead.Overhead() {
		return nil, ErrInvalid
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, b[:n], b[n:], additionalData(binding))
	if err != nil {
		return nil, ErrInvalid
	}
	return plain, nil
}

func additionalData(binding string) []byte { return []byte("consentgate cursor v1\x00" + binding) }

type sealerKey struct{}

// NewContext returns ctx carrying s, with which the cursors of the
// operation run in it are sealed and opened.
func NewContext(ctx context.Context, s *Sealer) context.Context {
	return context.WithValue(ctx, sealerKey{}, s)
}

func fromContext(ctx context.Context) *Sealer {
	s, _ := ctx.Value(sealerKey{}).(*Sealer)
	return s
}

// Extension is the gqlgen extension of sealed cursors: it opens every
// cursor argument of an operation before anything runs, and puts Sealer in
// the operation's context for the cursors it answers.
type Extension struct{ Sealer *Sealer }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
	graphql.OperationInterceptor
} = Extension{}

// ExtensionName implements graphql.HandlerExtension.
func (Extension) ExtensionName() string { return "SealedCursors" }

// Validate implements graphql.HandlerExtension.
func (e Extension) Validate(graphql.ExecutableSchema) error {
	if e.Sealer == nil {
		return errNoSealer
	}
	return nil
}

// InterceptOperation implements graphql.OperationInterceptor.
func (e Extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(NewContext(ctx, e.Sealer))
}

// MutateOperationContext opens every Cursor argument of the operation's
// fields (fragments included), literal or variable, for the connection
// and ordering of its field, and refuses the operation at the first that
// does not open (BAD_USER_INPUT, naming the field and argument, never the
// value). Each argument then refers to a variable of the operation
// context holding the opened cursor, which both gqlgen (UnmarshalCursor)
// and ent's eager loading of nested connections read as it is: ent's
// reads the arguments itself, and knows only entgql's encoding.
//
// It rewrites the operation's document, which is parsed per request (the
// server keeps no query cache).
func (e Extension) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Doc == nil || oc.Operation == nil {
		return nil
	}
	opened := 0
	var walk func(ast.SelectionSet) *gqlerror.Error
	walk = func(set ast.SelectionSet) *gqlerror.Error {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				for _, arg := range s.Arguments {
					if err := e.open(oc, s, arg, &opened); err != nil {
						return err
					}
				}
				if err := walk(s.SelectionSet); err != nil {
					return err
				}
			case *ast.InlineFragment:
				if err := walk(s.SelectionSet); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(oc.Operation.SelectionSet); err != nil {
		return err
	}
	for _, f := range oc.Doc.Fragments {
		if err := walk(f.SelectionSet); err != nil {
			return err
		}
	}
	return nil
}

// open replaces the value of arg, a Cursor argument of field, with a
// variable holding it opened.
func (e Extension) open(oc *graphql.OperationContext, field *ast.Field, arg *ast.Argument, opened *int) *gqlerror.Error {
	if field.Definition == nil {
		return nil
	}
	def := field.Definition.Arguments.ForName(arg.Name)
	if def == nil || !isCursor(def.Type) {
		return nil
	}
	v, _ := arg.Value.Value(oc.Variables)
	if v == nil {
		return nil
	}
	if oc.Variables == nil {
		oc.Variables = map[string]any{}
	}
	sealed, _ := v.(string)
	plain, err := e.Sealer.Open(sealed, fieldBinding(field, oc.Variables))
	c := new(entgql.Cursor[int])
	if err != nil || c.UnmarshalGQL(base64.RawStdEncoding.EncodeToString(plain)) != nil {
		return &gqlerror.Error{
			Message:    fmt.Sprintf("invalid %s(%s): %v", field.Name, arg.Name, ErrInvalid),
			Locations:  []gqlerror.Location{{Line: arg.Position.Line, Column: arg.Position.Column}},
			Extensions: map[string]any{"code": "BAD_USER_INPUT", "argument": arg.Name},
		}
	}
	// A name no GraphQL variable can have: it never meets the client's.
	name := fmt.Sprintf("cursor#%d", *opened)
	*opened++
	oc.Variables[name] = c
	arg.Value = &ast.Value{Kind: ast.Variable, Raw: name, Position: arg.Value.Position, Definition: arg.Value.Definition, ExpectedType: arg.Value.ExpectedType}
	return nil
}

// MarshalCursor is the marshaller of the Cursor scalar: c sealed under
// the operation's key, bound to the connection and ordering of the field
// it is an edge or page of.
func MarshalCursor(c entgql.Cursor[int]) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(ctx context.Context, w io.Writer) error {
		s := fromContext(ctx)
		if s == nil {
			return errNoSealer
		}
		var enc bytes.Buffer
		c.MarshalGQL(&enc) // "base64 of MessagePack"
		plain, err := base64.RawStdEncoding.DecodeString(strings.Trim(enc.String(), `"`))
		if err != nil {
			return fmt.Errorf("cursor: %w", err)
		}
		graphql.MarshalString(s.Seal(plain, binding(ctx))).MarshalGQL(w)
		return nil
	})
}

// UnmarshalCursor is the unmarshaller of the Cursor scalar: it opens v
// under the operation's key for the connection field and ordering it is
// an argument of, or returns ErrInvalid.
func UnmarshalCursor(ctx context.Context, v any) (entgql.Cursor[int], error) {
	if c, ok := v.(*entgql.Cursor[int]); ok && c != nil { // opened by the extension
		return *c, nil
	}
	var c entgql.Cursor[int]
	sealed, ok := v.(string)
	if !ok {
		return c, ErrInvalid
	}
	s := fromContext(ctx)
	if s == nil {
		return c, errNoSealer
	}
	plain, err := s.Open(sealed, binding(ctx))
	if err != nil {
		return c, err
	}
	if c.UnmarshalGQL(base64.RawStdEncoding.EncodeToString(plain)) != nil {
		return c, ErrInvalid // sealed by this key, so never: but refused, not trusted
	}
	return c, nil
}

// binding names what a cursor is valid for: the type of the nearest field
// of ctx that takes a cursor (the field a cursor argument is of, or the
// connection whose edges or page info hold it) and the field its orderBy
// argument orders by.
func binding(ctx context.Context) string {
	fc := graphql.GetFieldContext(ctx)
	for fc != nil && (fc.Field.Field == nil || !takesCursor(fc.Field.Definition)) {
		fc = fc.Parent
	}
	if fc == nil {
		return ""
	}
	var vars map[string]any
	if graphql.HasOperationContext(ctx) {
		vars = graphql.GetOperationContext(ctx).Variables
	}
	return fieldBinding(fc.Field.Field, vars)
}

// takesCursor says whether a field takes a Cursor argument: it is the
// paginated field its cursors are bound to.
func takesCursor(def *ast.FieldDefinition) bool {
	if def == nil {
		return false
	}
	for _, arg := range def.Arguments {
		if isCursor(arg.Type) {
			return true
		}
	}
	return false
}

func isCursor(t *ast.Type) bool { return t.Elem == nil && t.NamedType == "Cursor" }

// fieldBinding is the binding of the cursors of a paginated field: its
// type and the field its orderBy argument orders by.
func fieldBinding(field *ast.Field, vars map[string]any) string {
	return field.Definition.Type.Name() + "\x00" + orderField(field.ArgumentMap(vars)["orderBy"])
}

// orderField renders an orderBy argument's field (or fields, of a list),
// the direction aside: a cursor may be followed either way.
func orderField(orderBy any) string {
	switch o := orderBy.(type) {
	case map[string]any:
		return fmt.Sprint(o["field"])
	case []any:
		fields := make([]string, len(o))
		for i, e := range o {
			fields[i] = orderField(e)
		}
		return strings.Join(fields, ",")
	}
	return ""
}
