package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/operation"
	"consentgate/ent/privacy"
	"consentgate/operations"
)

// Approved operations (trusted documents). Analysts and marketing run only
// operations an admin registered (registerOperation), named by their id:
//
//	{"documentId": "sha256:<hex>", "variables": {...}}
//	{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<hex>"}}, "variables": {...}}
//
// (GET: the same as query-string parameters). The one plain query they may
// send is the list of the operations they may run (`operations`, alone at
// the root of the query). The transports of this
// package put a top-level documentId into the request's extensions
// (extensions.documentId); the approvedOperations extension then looks the
// id up in the database on every request (no cache, so a revocation holds
// from the next request on, on every replica), replaces the query with the
// stored document and narrows the viewer to the operation's purpose.

// CodeOperationNotApproved is the error code of a request refused because
// it names no approved operation (or does not match the one it names).
const CodeOperationNotApproved = "OPERATION_NOT_APPROVED"

// CodeOperationExists is the error code of a registration whose document
// is registered already.
const CodeOperationExists = operations.CodeOperationExists

// approvedOperations is the extension that enforces approved operations.
// It is an OperationParameterMutator (the id to the document, before
// parsing), an OperationContextMutator (only a query, and only the
// document approved, runs) and an OperationInterceptor (the viewer is
// narrowed to the operation's purpose for everything that follows: the
// field guard, the row rules, the access records).
type approvedOperations struct {
	client *ent.Client
	engine *consent.Engine
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
	graphql.OperationInterceptor
} = (*approvedOperations)(nil)

func (*approvedOperations) ExtensionName() string                   { return "ApprovedOperations" }
func (*approvedOperations) Validate(graphql.ExecutableSchema) error { return nil }

// approvedStats is the key, in the operation's Stats, of the approved
// operation the request runs: server-side state of one operation, never
// sent to the client.
const approvedStats = "ApprovedOperation"

// approved is what the rest of the operation needs of the approved
// operation it runs: its purpose; or listing, for the one query a viewer
// held to approved operations may send without one (listsOperations).
type approved struct {
	id      string // the document id, sha256:<hex>
	name    string
	purpose consent.Purpose
	listing bool
}

// approvedOperation returns the approved operation ctx's request runs (not
// the operations listing), if any.
func approvedOperation(ctx context.Context) (approved, bool) {
	if !graphql.HasOperationContext(ctx) {
		return approved{}, false
	}
	op, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(approvedStats).(approved)
	return op, ok && !op.listing && op.id != ""
}

// MutateOperationParameters resolves the request's document id, if any,
// to the stored document, and refuses a viewer held to approved operations
// whose request names none, names one unknown or revoked, sends a query
// text that is not the document of the id, or declares a purpose other
// than the operation's. Other viewers may name operations too, or send
// plain queries.
func (a *approvedOperations) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	v := consent.FromContext(ctx)
	restricted := v.Role.ApprovedOperationsOnly()
	id, persisted, err := documentID(p.Extensions)
	if err != nil {
		return notApproved(err.Error())
	}
	if id == "" {
		if restricted && listsOperations(p.Query) {
			graphql.GetOperationContext(ctx).Stats.SetExtension(approvedStats, approved{listing: true})
			return nil
		}
		if restricted {
			return notApproved(fmt.Sprintf("role %s may only run approved operations: send an operation's documentId (or an Apollo persistedQuery hash), not a query", v.Role))
		}
		return nil
	}
	if p.Query != "" && operations.ID(p.Query) != id {
		return notApproved("the query sent is not the document of the operation it names")
	}
	op, err := a.client.Operation.Query().Where(operation.Hash(id), operation.ApprovedAtNotNil(), operation.RevokedAtIsNil()).
		Select(operation.FieldName, operation.FieldPurpose, operation.FieldDocument).
		Only(privacy.DecisionContext(ctx, privacy.Allow))
	switch {
	case ent.IsNotFound(err) && !restricted && p.Query != "":
		return nil // a query the viewer may send anyway, with its hash
	case ent.IsNotFound(err) && !restricted && persisted:
		// Apollo's clients then send the query with its hash.
		return &gqlerror.Error{Message: "PersistedQueryNotFound", Extensions: map[string]any{"code": "PERSISTED_QUERY_NOT_FOUND"}}
	case ent.IsNotFound(err):
		return notApproved("no approved operation has this id: it is unknown, not yet approved, or was revoked")
	case err != nil:
		// The error presenter classifies the cause (UNAVAILABLE, TIMEOUT,
		// or INTERNAL, logged) and sends its own message, never this one.
		return &gqlerror.Error{Message: "looking up the operation: " + err.Error(), Err: err}
	}
	purpose := consent.Purpose(op.Purpose)
	if restricted {
		if v.Purpose != "" && v.Purpose != purpose {
			return notApproved(fmt.Sprintf("operation %s runs under %s, and the token declares %s", op.Name, purpose, v.Purpose))
		}
		if !slices.Contains(a.engine.Policy().RolePurposes[v.Role], purpose) {
			return notApproved(fmt.Sprintf("operation %s runs under %s, which role %s may not act under", op.Name, purpose, v.Role))
		}
	}
	p.Query = op.Document
	graphql.GetOperationContext(ctx).Stats.SetExtension(approvedStats, approved{id: id, name: op.Name, purpose: purpose})
	return nil
}

// MutateOperationContext checks, once the document is parsed, that a
// viewer held to approved operations runs one, and a query: registration
// admits nothing else, and this holds even if a stored document did not.
func (a *approvedOperations) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if !consent.FromContext(ctx).Role.ApprovedOperationsOnly() {
		return nil
	}
	op, ok := oc.Stats.GetExtension(approvedStats).(approved)
	if !ok {
		return notApproved("only approved operations may run")
	}
	if oc.Operation == nil || oc.Operation.Operation != ast.Query {
		return notApproved("an approved operation is a query")
	}
	if op.listing && !onlyOperationsList(oc.Operation) {
		return notApproved("only approved operations may run")
	}
	return nil
}

// listsOperations reports whether query is one query operation that
// selects nothing but `operations` (and __typename) at its root: the list
// of the operations the viewer may run, which holds no personal data, and
// which a viewer held to approved operations may therefore read without
// an approved operation (it could not find their ids otherwise).
func listsOperations(query string) bool {
	if query == "" {
		return false
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: query}, DefaultMaxTokens)
	return err == nil && len(doc.Operations) == 1 && onlyOperationsList(doc.Operations[0])
}

// onlyOperationsList reports whether op is a query whose root selections
// are all the operations field or __typename (no fragment).
func onlyOperationsList(op *ast.OperationDefinition) bool {
	if op.Operation != ast.Query || len(op.SelectionSet) == 0 {
		return false
	}
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok || (f.Name != "operations" && f.Name != "__typename") {
			return false
		}
	}
	return true
}

// InterceptOperation narrows a viewer held to approved operations to the
// operation's purpose: it runs under that purpose and no other, whatever
// the token declared (a different purpose was refused above).
func (a *approvedOperations) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	v := consent.FromContext(ctx)
	if v.Role.ApprovedOperationsOnly() && graphql.HasOperationContext(ctx) {
		if op, ok := graphql.GetOperationContext(ctx).Stats.GetExtension(approvedStats).(approved); ok && !op.listing {
			v.Purpose = op.purpose
			ctx = consent.NewContext(ctx, v)
		}
	}
	return next(ctx)
}

func notApproved(msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": CodeOperationNotApproved}}
}

// documentID returns the document id a request's extensions name, in
// either form: documentId ("sha256:<hex>", put there by this package's
// transports) or Apollo's persistedQuery (version 1, sha256Hash "<hex>");
// persisted reports the latter. Both may be given if they agree.
func documentID(ext map[string]any) (id string, persisted bool, err error) {
	if raw, ok := ext["documentId"]; ok {
		s, ok := raw.(string)
		s = strings.ToLower(s)
		if !ok || !operations.ValidID(s) {
			return "", false, errors.New(`documentId must be "sha256:" followed by 64 hexadecimal digits`)
		}
		id = s
	}
	if raw, ok := ext["persistedQuery"]; ok {
		pq, ok := raw.(map[string]any)
		if !ok || !isOne(pq["version"]) {
			return "", false, errors.New("persistedQuery must be {version: 1, sha256Hash}")
		}
		h, _ := pq["sha256Hash"].(string)
		s := "sha256:" + strings.ToLower(h)
		if !operations.ValidID(s) {
			return "", false, errors.New("persistedQuery.sha256Hash must be 64 hexadecimal digits")
		}
		if id != "" && id != s {
			return "", false, errors.New("documentId and persistedQuery name different documents")
		}
		id, persisted = s, true
	}
	return id, persisted, nil
}

// isOne reports whether a decoded JSON value is the number 1.
func isOne(v any) bool {
	switch n := v.(type) {
	case json.Number:
		return n.String() == "1"
	case float64:
		return n == 1
	case int:
		return n == 1
	case int64:
		return n == 1
	}
	return false
}

// CheckDocument checks a document offered for approval: it parses, it is
// valid against schema s, and it is exactly one query operation. Its
// errors name the rule broken and where, never a part of the document.
func CheckDocument(s *ast.Schema, document string) error {
	doc, err := parser.ParseQuery(&ast.Source{Input: document})
	if err != nil {
		return fmt.Errorf("%w%s", ErrDocumentSyntax, where(err))
	}
	if errs := validator.Validate(s, doc); len(errs) > 0 {
		rule := ""
		if errs[0].Rule != "" {
			rule = " (rule " + errs[0].Rule + ")"
		}
		return fmt.Errorf("%w: %d error(s), the first%s%s", ErrDocumentInvalid, len(errs), rule, where(errs[0]))
	}
	switch {
	case len(doc.Operations) != 1:
		return fmt.Errorf("%w (it holds %d)", ErrDocumentOperations, len(doc.Operations))
	case doc.Operations[0].Operation != ast.Query:
		return ErrDocumentNotQuery
	}
	return nil
}

// where renders the location of a parser or validator error.
func where(err error) string {
	var gqlErr *gqlerror.Error
	if errors.As(err, &gqlErr) && len(gqlErr.Locations) > 0 {
		return fmt.Sprintf(" at line %d, column %d", gqlErr.Locations[0].Line, gqlErr.Locations[0].Column)
	}
	return ""
}

// registrable refuses, with a clear error, an operation whose document or
// name the viewer can see is taken: a document is registered once (a
// revoked one too: any change to its text makes a new one), a name once
// among the unrevoked. Checked before writing, since a failed INSERT ends a
// PostgreSQL transaction.
func (r *Resolver) registrable(ctx context.Context, hash, name string) error {
	client := r.clientFrom(ctx)
	existing, err := client.Operation.Query().Where(operation.Hash(hash)).
		Select(operation.FieldName, operation.FieldRevokedAt).Only(ctx)
	switch {
	case err == nil:
		state := ""
		if existing.RevokedAt != nil {
			state = ", since revoked"
		}
		return &gqlerror.Error{
			Message:    fmt.Sprintf("this document is already registered, as operation %s (%s)%s", existing.Name, hash, state),
			Path:       graphql.GetPath(ctx),
			Extensions: map[string]any{"code": CodeOperationExists, "documentId": hash},
		}
	case !ent.IsNotFound(err):
		return err
	}
	taken, err := client.Operation.Query().Where(operation.Name(name), operation.RevokedAtIsNil()).Exist(ctx)
	if err != nil {
		return err
	}
	if taken {
		return &gqlerror.Error{
			Message:    "an unrevoked operation is already named " + name,
			Path:       graphql.GetPath(ctx),
			Extensions: map[string]any{"code": "CONFLICT"},
		}
	}
	return nil
}
