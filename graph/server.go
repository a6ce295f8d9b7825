package graph

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/hooks"
	"consentgate/ent/privacy"
	"consentgate/ent/rule"
	"consentgate/ent/schema/validate"
	"consentgate/graph/cursor"
	"consentgate/receipt"
	"consentgate/records"
	"consentgate/tracing"
)

// NewSchema creates the executable schema over client.
func NewSchema(client *ent.Client) graphql.ExecutableSchema {
	return newSchema(client, Options{})
}

func newSchema(client *ent.Client, o Options) graphql.ExecutableSchema {
	r := &Resolver{client: client, requestDue: o.RequestDue, grantTTL: o.GrantTTL, noise: o.Noise, metrics: o.Metrics,
		receipts: o.Receipts, masker: o.Masker}
	if r.requestDue <= 0 {
		r.requestDue = DefaultRequestDue
	}
	if r.grantTTL <= 0 {
		r.grantTTL = DefaultGrantTTL
	}
	if r.noise == nil {
		r.noise = consent.CryptoNoise{}
	}
	r.now = o.Now
	if r.now == nil {
		r.now = time.Now
	}
	r.cursors = newCursorSealer(o.Masker.HashKey)
	es := NewExecutableSchema(Config{Resolvers: r})
	r.schema = es.Schema()
	return es
}

// Options are the GraphQL server's dependencies.
type Options struct {
	Engine *consent.Engine // decides every personal field; required, and the one the requests carry (consent.WithEngine) for the row rules
	Masker consent.Masker  // applies the engine's masks; its key also makes the subjects' pseudonyms
	// Receipts signs the consent ledger's receipts (Consent.receipt); nil:
	// receipt is null.
	Receipts *receipt.Signer
	Metrics  *Metrics     // optional
	Log      *slog.Logger // required
	Limits   Limits       // query shape limits; zero fields take the defaults
	// RequestDue is how long a privacy request may take (DefaultRequestDue when zero).
	RequestDue time.Duration
	// GrantTTL is how long an access grant lives after its approval
	// (DefaultGrantTTL when zero; at most MaxGrantTTL, or approvals fail).
	GrantTTL time.Duration
	// Noise is the statistics' noise source (consent.CryptoNoise when nil;
	// tests of what is counted set a silent one).
	Noise consent.Noise
	// Now is the statistics' clock, which dates budget spends and ages
	// (time.Now when nil; tests move the day on).
	Now func() time.Time
	// Suggestions lets errors suggest names of the schema ("Did you
	// mean ...?"), for development only: they reveal the schema.
	Suggestions bool
	// Cursors seals the connections' cursors (package cursor); nil: a
	// sealer of a random key, whose cursors no other server accepts.
	Cursors *cursor.Sealer
	// Sealer seals an erased subject's identity beside their records of
	// provision (a DELETION's effect) and opens it for a legal-basis read
	// (records.Sealer); nil: such an erasure fails (records.ErrNoSealer)
	// and no sealed identity is read.
	Sealer *records.Sealer
}

// NewServer returns the GraphQL server over client with every enforcement
// extension installed: approved operations, text inputs (textinput.go), the consent field guard (which
// runs one transaction per mutation and then writes the access records),
// page-size limits, the operation's report for the access log, one error
// presenter and one recover function. The caller adds transports (see
// server/): this package's POST and GET read a request's documentId.
func NewServer(client *ent.Client, o Options) *handler.Server {
	es := newSchema(client, o)
	srv := handler.New(es)
	srv.Use(tracing.Operations{})                                  // first: the operation's span holds everything else
	srv.Use(operationReporter{})                                   // it reports the response as it leaves
	srv.Use(&approvedOperations{client: client, engine: o.Engine}) // it narrows the viewer for the others
	srv.Use(textInputs{})                                          // no control or bidi-control character in any input
	srv.Use(cursor.Extension{Sealer: cursors(o)})                  // cursors opened before anything runs, sealed as they leave
	srv.Use(newFieldGuard(client, es.Schema(), o))                 // limits pages too: one interceptor per field
	o.Limits.Install(srv)
	srv.SetDisableSuggestion(!o.Suggestions)
	return withErrorHandling(srv, o.Log, o.Suggestions)
}

func cursors(o Options) *cursor.Sealer {
	if o.Cursors == nil {
		return cursor.RandomSealer()
	}
	return o.Cursors
}

// withErrorHandling sets the error presenter and the recover function.
func withErrorHandling(srv *handler.Server, log *slog.Logger, suggestions bool) *handler.Server {
	srv.SetErrorPresenter(presentError(log, suggestions))
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		// The panic's value could quote data: only its type is logged.
		log.ErrorContext(ctx, "panic in resolver", "request_id", RequestID(ctx), "panic_type", fmt.Sprintf("%T", p))
		return errInternal
	})
	return srv
}

// Page sizes of every connection.
const (
	DefaultPageSize = 20
	MaxPageSize     = 100
)

// limitPage caps a connection field: first/last default to
// DefaultPageSize and may not exceed MaxPageSize. It reports an error for
// an argument out of range, and does nothing to other fields.
func limitPage(fc *graphql.FieldContext) error {
	if fc.Field.Definition == nil || !strings.HasSuffix(fc.Field.Definition.Type.Name(), "Connection") {
		return nil
	}
	first, _ := fc.Args["first"].(*int)
	last, _ := fc.Args["last"].(*int)
	for name, n := range map[string]*int{"first": first, "last": last} {
		if n != nil && (*n < 0 || *n > MaxPageSize) {
			return &gqlerror.Error{
				Message:    fmt.Sprintf("%s: %v", name, ErrPageSize),
				Extensions: map[string]any{"code": "BAD_USER_INPUT", "argument": name},
			}
		}
	}
	if first == nil && last == nil && fc.Args != nil {
		n := DefaultPageSize
		fc.Args["first"] = &n
	}
	return nil
}

var errInternal = &gqlerror.Error{Message: "internal error", Extensions: map[string]any{"code": "INTERNAL"}}

// auditError is the error of a response whose releases could not be
// recorded: it carries no data.
func auditError(ctx context.Context) *gqlerror.Error {
	ext := map[string]any{"code": "AUDIT_UNAVAILABLE"}
	if id := RequestID(ctx); id != "" {
		ext["requestId"] = id
	}
	return &gqlerror.Error{Message: "the release of personal data could not be recorded, so none was sent; it may be retried", Extensions: ext}
}

// consentStateError is the error of a response that needed the consent
// state and could not read it: it carries no data and may be retried.
func consentStateError(ctx context.Context) *gqlerror.Error {
	ext := map[string]any{"code": "UNAVAILABLE"}
	if id := RequestID(ctx); id != "" {
		ext["requestId"] = id
	}
	return &gqlerror.Error{Message: "the consent state could not be read, so no personal data was sent; it may be retried", Extensions: ext}
}

// timeoutError is the error of a request whose deadline passed: it may be
// retried.
func timeoutError(ctx context.Context) *gqlerror.Error {
	ext := map[string]any{"code": "TIMEOUT"}
	if id := RequestID(ctx); id != "" {
		ext["requestId"] = id
	}
	return &gqlerror.Error{Message: "request timed out; it may be retried", Extensions: ext}
}

// presentError turns every resolver error into one a client may see: a
// stable code and a message naming the rule broken, never a value, a SQL
// statement or a stack, nor (unless suggestions) a name of the schema it
// suggests. Causes it cannot classify are logged and answered as
// "internal error".
func presentError(log *slog.Logger, suggestions bool) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gqlErr *gqlerror.Error
		errors.As(err, &gqlErr)
		var out *gqlerror.Error
		switch {
		case gqlErr != nil && len(gqlErr.Path) > 0 && gqlErr.Path[0] == ast.PathName("variable"):
			// A variable's value failed to coerce: name the variable, never
			// the value.
			out = &gqlerror.Error{Message: "invalid value for variable $" + pathNames(gqlErr.Path[1:]),
				Extensions: map[string]any{"code": "BAD_USER_INPUT"}}
		case gqlErr != nil && (strings.HasPrefix(gqlErr.Message, "json request body could not be decoded") ||
			strings.HasPrefix(gqlErr.Message, "could not read request body")):
			// The transport's own message quotes the whole body.
			out = &gqlerror.Error{Message: "request body could not be decoded as one GraphQL request",
				Extensions: map[string]any{"code": "BAD_REQUEST"}}
		case gqlErr != nil && gqlErr.Err == nil: // from the parser, validator or our own resolvers
			out = &gqlerror.Error{Message: redactLiterals(gqlErr.Message), Path: gqlErr.Path, Locations: gqlErr.Locations,
				Rule: gqlErr.Rule, Extensions: maps.Clone(gqlErr.Extensions)}
		default:
			wrapped := gqlerror.WrapPath(graphql.GetPath(ctx), err)
			if gqlErr != nil {
				wrapped = gqlErr
			}
			code, msg := classify(err)
			if code == "INTERNAL" {
				log.ErrorContext(ctx, "resolver error", "request_id", RequestID(ctx), "error", redactLiterals(err.Error()))
			}
			out = &gqlerror.Error{Message: msg, Path: wrapped.Path, Locations: wrapped.Locations, Extensions: map[string]any{"code": code}}
		}
		if !suggestions {
			out.Message = withoutSuggestion(out.Message)
		}
		if id := RequestID(ctx); id != "" {
			if out.Extensions == nil {
				out.Extensions = map[string]any{}
			}
			out.Extensions["requestId"] = id
		}
		return out
	}
}

// suggestionRe matches the suggestion gqlparser's validation rules append
// to a message (`Did you mean "first" or "last"?`, `Did you mean the enum
// value ...`, `Did you mean to use an inline fragment on ...`).
// SetDisableSuggestion covers two of those rules only (fields and scalar
// leaves); unknown arguments, types, enum values and input fields still
// suggest, so the one presenter takes the suggestion off every message.
var suggestionRe = regexp.MustCompile(`(?is)\s*did you mean\b.*$`)

func withoutSuggestion(msg string) string {
	return suggestionRe.ReplaceAllString(msg, "")
}

// pathNames renders the names of a variable's path: in.sex.
func pathNames(p ast.Path) string {
	var names []string
	for _, e := range p {
		if n, ok := e.(ast.PathName); ok {
			names = append(names, string(n))
		}
	}
	return strings.Join(names, ".")
}

// literalRe matches the quoted literals and the values after "value:" that
// the parser, validator and scalar coercion quote in their messages.
var literalRe = regexp.MustCompile(`(value: )\S.*$|(Value )"[^"]*"|(parsing )"[^"]*"|(body:)(?s:.*)$`)

// redactLiterals removes values a message quotes from the request, keeping
// the rule it names: `Int cannot represent non-integer value: "x"` becomes
// `Int cannot represent non-integer value: …`.
func redactLiterals(msg string) string {
	return literalRe.ReplaceAllString(msg, "$1$2$3$4…")
}

func classify(err error) (code, msg string) {
	var fieldErr *validate.FieldError
	var entValidation *ent.ValidationError
	switch {
	case errors.Is(err, hooks.ErrNoticePeriod) && errors.As(err, &fieldErr):
		return "NOTICE_PERIOD", fieldErr.Error()
	case errors.As(err, &fieldErr):
		return "BAD_USER_INPUT", fieldErr.Error()
	case errors.As(err, &entValidation):
		return "BAD_USER_INPUT", validationMessage(entValidation)
	case errors.Is(err, rule.ErrSelfApproval):
		return "FORBIDDEN", rule.ErrSelfApproval.Error()
	case errors.Is(err, rule.ErrSelfReview):
		return "FORBIDDEN", rule.ErrSelfReview.Error()
	case errors.Is(err, rule.ErrOperationSelfApproval):
		return "FORBIDDEN", rule.ErrOperationSelfApproval.Error()
	case errors.Is(err, hooks.ErrGrantApproved):
		return "CONFLICT", hooks.ErrGrantApproved.Error()
	case errors.Is(err, hooks.ErrGrantRevoked):
		return "CONFLICT", hooks.ErrGrantRevoked.Error()
	case errors.Is(err, hooks.ErrGrantLapsed):
		return "CONFLICT", hooks.ErrGrantLapsed.Error()
	case errors.Is(err, ErrNoProfile), errors.Is(err, ErrUnknownOrganisation),
		errors.Is(err, consent.ErrNoAggregatePurpose), errors.Is(err, consent.ErrNotGroupable):
		return "FORBIDDEN", err.Error()
	case errors.Is(err, consent.ErrInvalidAggregate), errors.Is(err, consent.ErrUnknownDimension):
		return "BAD_USER_INPUT", err.Error()
	case errors.Is(err, cursor.ErrInvalid): // a cursor the extension did not open (none, as the schema stands)
		return "BAD_USER_INPUT", "invalid cursor: " + cursor.ErrInvalid.Error()
	case errors.Is(err, ErrBudgetExhausted):
		return "PRIVACY_BUDGET_EXHAUSTED", ErrBudgetExhausted.Error()
	case errors.Is(err, ErrOperationBudgetExhausted):
		return "PRIVACY_BUDGET_EXHAUSTED", ErrOperationBudgetExhausted.Error()
	case errors.Is(err, consent.ErrGroupTooSmall):
		return "STATISTICS_GROUP_TOO_SMALL", "statistics refused: " + consent.ErrGroupTooSmall.Error() + "; the query's epsilon is spent all the same"
	case errors.Is(err, ErrStatisticsOutsideOperation):
		return "FORBIDDEN", err.Error()
	case errors.Is(err, ErrCursorNotIssued):
		return "BAD_USER_INPUT", ErrCursorNotIssued.Error()
	case serializationFailure(err):
		return "CONFLICT", "a concurrent request changed the same data; retry"
	case errors.Is(err, ErrAlreadyRevoked):
		return "CONFLICT", ErrAlreadyRevoked.Error()
	case errors.Is(err, ErrAlreadyApproved):
		return "CONFLICT", ErrAlreadyApproved.Error()
	case errors.Is(err, ErrNotNotified):
		return "BAD_USER_INPUT", ErrNotNotified.Error()
	case unavailable(err): // before Deny: a rule that could not read the database refuses nothing
		return "UNAVAILABLE", "the database is unavailable; retry later"
	case errors.Is(err, privacy.Deny):
		return "FORBIDDEN", "not permitted"
	case ent.IsNotFound(err):
		return "NOT_FOUND", "not found"
	case ent.IsConstraintError(err):
		return "CONFLICT", "conflicts with an existing record"
	case strings.HasSuffix(err.Error(), "introspection disabled"): // gqlgen's own, outside -demo
		return "FORBIDDEN", "introspection is disabled"
	case errors.As(err, new(*strconv.NumError)), // an id that does not coerce
		strings.HasSuffix(err.Error(), "time should be RFC3339Nano formatted string"): // gqlgen's Time
		return "BAD_USER_INPUT", "invalid value"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "TIMEOUT", "request timed out; it may be retried"
	}
	return "INTERNAL", "internal error"
}

// validationMessage renders an ent validation error as "invalid
// Type.field: rule", without the value ent may quote (enum validators do).
func validationMessage(e *ent.ValidationError) string {
	msg := e.Error()
	field := e.Name
	if i := strings.Index(msg, `field "`); i >= 0 {
		if j := strings.Index(msg[i+7:], `"`); j >= 0 {
			field = msg[i+7 : i+7+j]
		}
	}
	if typ, name, ok := strings.Cut(field, "."); ok {
		field = typ + "." + hooks.GraphQLName(name)
	}
	cause := errors.Unwrap(errors.Unwrap(e))
	switch {
	case strings.Contains(msg, "missing required field"):
		return "invalid " + field + ": required"
	case cause == nil || strings.Contains(cause.Error(), `"`) || strings.Contains(cause.Error(), "invalid enum value"):
		return "invalid " + field + ": not an allowed value"
	}
	return "invalid " + field + ": " + cause.Error()
}

// txPerMutation runs each mutation in a transaction, its resolvers one at
// a time (entgql.Transactioner's MutateOperationContext), and leaves alone
// the responses gqlgen dispatches without an operation (a request it could
// not read). Unlike entgql's InterceptResponse, whose errors carry the
// driver's message and no code, a transaction that cannot start or commit
// is answered through the one error presenter (a lost connection:
// UNAVAILABLE, retryable), like every other error. The field guard runs it
// (fieldGuard.InterceptResponse): it is not installed on its own.
//
// Whether the transaction commits depends on the mutations' own outcome,
// never on what their payloads select (effectFailed): a payload is read
// after the effect, and a field it selects may be out of the viewer's
// reach because of the effect itself (a handler no longer reaches the
// subject of a request it just closed). Such a field is answered as any
// read would answer it, and the effect stands.
type txPerMutation struct{ entgql.Transactioner }

func (t txPerMutation) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	if op := graphql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Mutation {
		return next(ctx)
	}
	txCtx, tx, err := t.OpenTx(ctx)
	if err != nil {
		return presentedResponse(ctx, fmt.Errorf("starting the mutation's transaction: %w", err))
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	resp := next(txCtx)
	if resp == nil || effectFailed(ctx, resp.Errors) {
		_ = tx.Rollback()
		if resp == nil {
			return nil
		}
		return &graphql.Response{Errors: resp.Errors}
	}
	if err := tx.Commit(); err != nil {
		return presentedResponse(ctx, fmt.Errorf("committing the mutation's transaction: %w", err))
	}
	return resp
}

// effectFailed reports whether a mutation operation's effect failed, so
// that its transaction must roll back: an error of a root mutation field
// (its resolver: the effect itself) or of the request (no path), or a
// request that ran out of time. An error below a root field is one of the
// payload, read after the effect: it does not undo it.
func effectFailed(ctx context.Context, errs gqlerror.List) bool {
	if ctx.Err() != nil {
		return true
	}
	for _, e := range errs {
		if len(e.Path) <= 1 {
			return true
		}
	}
	return false
}

// presentedResponse is a response that carries err alone, through the
// error presenter, and no data.
func presentedResponse(ctx context.Context, err error) *graphql.Response {
	graphql.AddError(ctx, err)
	return &graphql.Response{Errors: graphql.GetErrors(ctx)}
}

// serializationFailure reports PostgreSQL's "could not serialize access"
// (SQLSTATE 40001) or "deadlock detected" (40P01), or SQLite's "database
// is locked" (BUSY, past the busy timeout, or LOCKED): a transaction lost
// a race with another (a serializable one, two privacy request
// completions locking the same rows in turn, a long writer) and may be
// retried.
func serializationFailure(err error) bool {
	var pgErr *pgconn.PgError
	var liteErr sqlite3.Error
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01") ||
		errors.As(err, &liteErr) && (liteErr.Code == sqlite3.ErrBusy || liteErr.Code == sqlite3.ErrLocked)
}

// unavailable reports whether err says the database cannot serve the
// request now (as opposed to refusing a statement): it cannot be reached,
// the connection was lost or terminated (PostgreSQL's class 08, and 57P01
// to 57P03: pg_terminate_backend, a shutdown, a failover), it is out of
// resources (class 53: a full disk, too many connections), or it takes no
// writes (read-only: a standby, default_transaction_read_only, a SQLite
// file that cannot be written, a full disk, an I/O error). Such a request
// may be retried.
func unavailable(err error) bool {
	var netErr *net.OpError
	var connectErr *pgconn.ConnectError
	var pgErr *pgconn.PgError
	var liteErr sqlite3.Error
	if errors.As(err, &pgErr) {
		return strings.HasPrefix(pgErr.Code, "08") || strings.HasPrefix(pgErr.Code, "53") ||
			pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03" || pgErr.Code == "25006"
	}
	if errors.As(err, &liteErr) {
		switch liteErr.Code {
		case sqlite3.ErrReadonly, sqlite3.ErrFull, sqlite3.ErrIoErr, sqlite3.ErrCantOpen:
			return true
		}
	}
	return errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.As(err, &netErr) || errors.As(err, &connectErr) ||
		strings.Contains(err.Error(), "database is closed") || strings.Contains(err.Error(), "conn closed")
}
