package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/introspection"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/mattn/go-sqlite3"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"consentgate/ent"
)

var limitsSchema = sync.OnceValue(func() *ast.Schema { return NewSchema(&ent.Client{}).Schema() })

// checkLimits parses and validates query against the schema, coerces vars
// as the executor does, and runs the limits extension on the operation: it
// returns the refusal or nil.
func checkLimits(t *testing.T, l Limits, query string, vars map[string]any) *gqlerror.Error {
	t.Helper()
	s := limitsSchema()
	doc, errs := gqlparser.LoadQueryWithRules(s, query, nil)
	if len(errs) != 0 {
		t.Fatalf("invalid test query: %v", errs)
	}
	op := doc.Operations.ForName("")
	if op == nil {
		t.Fatal("test query has no single operation")
	}
	coerced, err := validator.VariableValues(s, op, vars)
	if err != nil {
		t.Fatalf("invalid test variables: %v", err)
	}
	oc := &graphql.OperationContext{RawQuery: query, Doc: doc, Operation: op, Variables: coerced}
	return (&queryLimits{limits: l.WithDefaults()}).MutateOperationContext(context.Background(), oc)
}

// limitsOnlyCounts is every message of a refusal: words and two numbers.
var limitsOnlyCounts = regexp.MustCompile(`^[a-z ,]+ \d+[a-z ,]+ \d+$`)

// limitsDeepQuery nests applications → job → applications … with levels
// counted fields above a leaf id: its depth is levels+1, while its
// selection sets nest far deeper (edges and node do not count).
func limitsDeepQuery(levels int) string {
	var b strings.Builder
	b.WriteString("{ ")
	closing := 0
	for i := range levels {
		if i%2 == 0 {
			b.WriteString("applications(first: 1) { edges { node { ")
			closing += 3
		} else {
			b.WriteString("job { ")
			closing++
		}
	}
	b.WriteString("id")
	b.WriteString(strings.Repeat(" }", closing+1))
	return b.String()
}

func limitsAliases(n int, field string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d: %s ", i, field)
	}
	return b.String()
}

// limitsApplicantFields are distinct scalar fields of Applicant, to carry
// directives without aliases.
var limitsApplicantFields = []string{
	"id", "createdAt", "updatedAt", "name", "nameKana", "birthDate", "sex", "prefecture", "city", "street",
	"building", "postalCode", "phone", "email", "occupation", "workplaceName", "visaStatus", "educationLevel",
	"schoolName", "skills", "rent", "dependents", "hasSpouse", "desiredField",
}

func limitsDirectives(n int) string {
	var b strings.Builder
	for _, f := range limitsApplicantFields[:n] {
		fmt.Fprintf(&b, "%s @include(if: true) ", f)
	}
	return b.String()
}

// limitsREADMEQueries are the README's queries; each must pass the defaults.
var limitsREADMEQueries = []string{
	`{ jobs(first: 3) { totalCount edges { node { title prefecture employer { name } } } } }`,
	`{ me { name email prefecture visaStatus applications { totalCount edges { node { status job { title } } } } } }`,
	`mutation { updateMyProfile(input: {city: "Kawasaki", desiredField: "Software"}) { city desiredField } }`,
	`mutation { changeConsent(input: {purpose: EMPLOYER_PROVISION, category: FAMILY, granted: false}) { purpose withheldCategory granted policyVersion { version } } }`,
	`{ me { currentConsents { purpose granted withheldCategory employer { name } source recordedAt } } }`,
	`{ applications(first: 3) { totalCount edges { node { status reason job { title } applicant { id name email visaStatus street } } } } }`,
	`{ privacyRequests(first: 3) { totalCount edges { node { kind status dueAt applicant { id name } } } } }`,
	`{ applicants(first: 3) { totalCount edges { node { id createdAt name } } } }`,
	`{ applicants(first: 3) { totalCount edges { node { name sex prefecture city birthDate visaStatus } } } }`,
}

func TestLimitsRefuse(t *testing.T) {
	const nested = `{ applicants(first: %[1]s) { edges { node { applications(first: %[1]s) { edges { node { id } } } } } } }`
	const nestedVar = `query ($n: Int) { applicants(first: $n) { edges { node { applications(last: $n) { edges { node { id } } } } } } }`
	tests := []struct {
		name    string
		limits  Limits
		query   string
		vars    map[string]any
		refused string // the "limit" extension, or "" for accepted
		message string // the whole message, when refused and set
	}{
		// depth
		{name: "depth at the default limit", query: limitsDeepQuery(11)},
		{name: "depth over the default limit", query: limitsDeepQuery(12), refused: "depth", message: "query depth 13 exceeds the limit of 12"},
		{name: "depth at a custom limit", limits: Limits{MaxDepth: 4}, query: `{ applicants { edges { node { applications { edges { node { job { title } } } } } } } }`},
		{name: "depth over a custom limit", limits: Limits{MaxDepth: 3}, query: `{ applicants { edges { node { applications { edges { node { job { title } } } } } } } }`, refused: "depth", message: "query depth 4 exceeds the limit of 3"},
		{name: "__typename does not count", limits: Limits{MaxDepth: 2}, query: `{ applicants { edges { node { __typename id } } } }`},
		{name: "the root node field counts", limits: Limits{MaxDepth: 1}, query: `{ node(id: "SECRET-ID-1") { id } }`, refused: "depth", message: "query depth 2 exceeds the limit of 1"},
		{name: "depth through fragments", limits: Limits{MaxDepth: 3}, query: `{ applicants { edges { ...E } } } fragment E on ApplicantEdge { node { applications { edges { node { ... on Application { job { title } } } } } } }`, refused: "depth", message: "query depth 4 exceeds the limit of 3"},
		{name: "introspection is exempt from depth", query: introspection.Query},

		// aliases
		{name: "15 aliases", query: "{ me { " + limitsAliases(15, "name") + "} }"},
		{name: "16 aliases", query: "{ me { " + limitsAliases(16, "name") + "} }", refused: "aliases", message: "query has 16 aliases, exceeding the limit of 15"},
		{name: "an alias equal to the name does not count", query: "{ me { " + limitsAliases(15, "name") + "name: name id: id } }"},
		{name: "16 aliases in a named fragment", query: "{ me { ...F } } fragment F on Applicant { " + limitsAliases(16, "name") + "}", refused: "aliases"},
		{name: "aliases of a fragment spread twice", query: "{ me { ...F } applicant(id: 1) { ...F } } fragment F on Applicant { " + limitsAliases(8, "name") + "}", refused: "aliases", message: "query has 16 aliases, exceeding the limit of 15"},
		{name: "aliases at a custom limit", limits: Limits{MaxAliases: 2}, query: `{ a: me { id } b: me { id } }`},
		{name: "aliases over a custom limit", limits: Limits{MaxAliases: 2}, query: `{ a: me { id } b: me { id } c: me { secretAlias: name } }`, refused: "aliases", message: "query has 4 aliases, exceeding the limit of 2"},

		// directives
		{name: "20 directives", query: "{ me { " + limitsDirectives(20) + "} }"},
		{name: "21 directives", query: "{ me { " + limitsDirectives(21) + "} }", refused: "directives", message: "query has 21 directives, exceeding the limit of 20"},
		{name: "directives in fragments and on spreads", limits: Limits{MaxDirectives: 3}, query: `query ($x: Boolean!) { me { ...F @include(if: $x) ... on Applicant @skip(if: false) { id } } } fragment F on Applicant { name @include(if: $x) email @skip(if: $x) }`, vars: map[string]any{"x": true}, refused: "directives", message: "query has 4 directives, exceeding the limit of 3"},

		// complexity
		{name: "first 10 under first 10", query: fmt.Sprintf(nested, "10")},
		{name: "first 100 under first 100", query: fmt.Sprintf(nested, "100"), refused: "complexity", message: "query complexity 30301 exceeds the limit of 10000"},
		{name: "default page size under default page size", query: `{ applicants { edges { node { applications { edges { node { id } } } } } } }`},
		{name: "variable first 10", query: nestedVar, vars: map[string]any{"n": 10}},
		{name: "variable first 100", query: nestedVar, vars: map[string]any{"n": 100}, refused: "complexity", message: "query complexity 30301 exceeds the limit of 10000"},
		{name: "variable from JSON", query: nestedVar, vars: map[string]any{"n": json.Number("100")}, refused: "complexity"},
		{name: "variable default", query: `query ($n: Int = 100) { applicants(first: $n) { edges { node { applications(first: $n) { edges { node { id } } } } } } }`, refused: "complexity"},
		{name: "larger of first and last", query: `{ applicants(first: 1, last: 100) { edges { node { applications(last: 100) { edges { node { id } } } } } } }`, refused: "complexity"},
		{name: "complexity saturates", query: nestedVar, vars: map[string]any{"n": 2147483647}, refused: "complexity", message: "query complexity 2147483647 exceeds the limit of 10000"},
		{name: "complexity through fragments", query: `{ applicants(first: 100) { ...C } } fragment C on ApplicantConnection { edges { node { applications(first: 100) { edges { node { id } } } } } }`, refused: "complexity", message: "query complexity 30301 exceeds the limit of 10000"},
		{name: "complexity at a custom limit", limits: Limits{MaxComplexity: 331}, query: fmt.Sprintf(nested, "10")},
		{name: "complexity over a custom limit", limits: Limits{MaxComplexity: 330}, query: fmt.Sprintf(nested, "10"), refused: "complexity", message: "query complexity 331 exceeds the limit of 330"},
	}
	for i, q := range limitsREADMEQueries {
		tests = append(tests, struct {
			name    string
			limits  Limits
			query   string
			vars    map[string]any
			refused string
			message string
		}{name: fmt.Sprintf("README query %d", i+1), query: q})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkLimits(t, tt.limits, tt.query, tt.vars)
			if tt.refused == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want refused by the %s limit", tt.refused)
			}
			if got := err.Extensions["code"]; got != CodeQueryTooComplex {
				t.Errorf("code = %v, want %s", got, CodeQueryTooComplex)
			}
			if got := err.Extensions["limit"]; got != tt.refused {
				t.Errorf("limit = %v, want %s (%s)", got, tt.refused, err.Message)
			}
			if tt.message != "" && err.Message != tt.message {
				t.Errorf("message = %q, want %q", err.Message, tt.message)
			}
			if !limitsOnlyCounts.MatchString(err.Message) {
				t.Errorf("message %q holds more than counts", err.Message)
			}
			for _, secret := range []string{"SECRET", "secretAlias", "a1", "Applicant", "applications"} {
				if strings.Contains(err.Message, secret) {
					t.Errorf("message %q echoes %q from the query", err.Message, secret)
				}
			}
		})
	}
}

func TestLimitsDefaults(t *testing.T) {
	want := Limits{MaxDepth: 12, MaxAliases: 15, MaxDirectives: 20, MaxTokens: 5000, MaxComplexity: 10000}
	if got := (Limits{}).WithDefaults(); got != want {
		t.Errorf("Limits{}.WithDefaults() = %+v, want %+v", got, want)
	}
	if got := (Limits{MaxDepth: -1, MaxTokens: -5}).WithDefaults(); got != want {
		t.Errorf("negative limits: WithDefaults() = %+v, want %+v", got, want)
	}
	custom := Limits{MaxDepth: 1, MaxAliases: 2, MaxDirectives: 3, MaxTokens: 4, MaxComplexity: 5}
	if got := custom.WithDefaults(); got != custom {
		t.Errorf("WithDefaults() = %+v, want %+v", got, custom)
	}
	// The README's queries and the introspection query parse within the
	// default token limit.
	for _, q := range append(limitsREADMEQueries[:len(limitsREADMEQueries):len(limitsREADMEQueries)], introspection.Query) {
		if _, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: q}, DefaultMaxTokens); err != nil {
			t.Errorf("%.40s…: %v", q, err)
		}
	}
}

// TestLimitsWalkIsBounded measures documents validation would reject or
// that expand exponentially: the walk ends, quickly, and saturates.
func TestLimitsWalkIsBounded(t *testing.T) {
	t.Run("fragment cycle", func(t *testing.T) {
		doc, err := parser.ParseQuery(&ast.Source{Input: `{ me { ...A } } fragment A on Applicant { name ...B } fragment B on Applicant { id ...A }`})
		if err != nil {
			t.Fatal(err)
		}
		s := measureOperation(doc, doc.Operations[0], nil)
		if s.complexity != 3 || s.depth != 2 {
			t.Errorf("opShape = %+v, want complexity 3 and depth 2", s)
		}
	})
	t.Run("unknown fragment", func(t *testing.T) {
		doc, err := parser.ParseQuery(&ast.Source{Input: `{ me { ...Missing } }`})
		if err != nil {
			t.Fatal(err)
		}
		if s := measureOperation(doc, doc.Operations[0], nil); s.complexity != 1 {
			t.Errorf("opShape = %+v, want complexity 1", s)
		}
	})
	t.Run("exponential fragments", func(t *testing.T) {
		var b strings.Builder
		b.WriteString("{ me { ...F0 } }\n")
		const n = 64
		for i := range n {
			fmt.Fprintf(&b, "fragment F%d on Applicant { a: name ...F%d ...F%d }\n", i, i+1, i+1)
		}
		fmt.Fprintf(&b, "fragment F%d on Applicant { b: id @include(if: true) }\n", n)
		doc, err := parser.ParseQuery(&ast.Source{Input: b.String()})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		s := measureOperation(doc, doc.Operations[0], nil)
		if d := time.Since(start); d > time.Second {
			t.Errorf("measure took %v", d)
		}
		if s.complexity != limitsCap || s.aliases != limitsCap || s.directives != limitsCap {
			t.Errorf("opShape = %+v, want saturated counts", s)
		}
	})
}

// TestLimitsOverHTTP installs the limits on a server without a database:
// a refused operation never reaches a resolver, is answered without a 5xx
// and keeps its code through the error presenter; the token limit is the
// parser's.
func TestLimitsOverHTTP(t *testing.T) {
	srv := handler.New(NewSchema(&ent.Client{}))
	srv.AddTransport(transport.POST{})
	srv.SetErrorPresenter(presentError(slog.New(slog.DiscardHandler), false))
	var resolved atomic.Int32
	srv.AroundRootFields(func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		resolved.Add(1)
		return next(ctx)
	})
	Limits{MaxTokens: 150}.Install(srv)

	post := func(t *testing.T, query string) (int, []*gqlerror.Error) {
		t.Helper()
		body, _ := json.Marshal(map[string]any{"query": query})
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var resp struct {
			Data   json.RawMessage
			Errors []*gqlerror.Error
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%d %s: %v", rec.Code, rec.Body, err)
		}
		if len(resp.Data) != 0 && string(resp.Data) != "null" {
			t.Errorf("data = %s, want none", resp.Data)
		}
		return rec.Code, resp.Errors
	}

	tests := []struct {
		name, query, code, limit, message string
	}{
		{name: "too many tokens", query: "{ me { " + strings.Repeat("name ", 150) + "} }", code: "GRAPHQL_PARSE_FAILED", message: "exceeded token limit of 150"},
		{name: "too deep", query: limitsDeepQuery(12), code: CodeQueryTooComplex, limit: "depth", message: "query depth 13 exceeds the limit of 12"},
		{name: "too many aliases", query: "{ me { " + limitsAliases(16, "id") + "} }", code: CodeQueryTooComplex, limit: "aliases"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, errs := post(t, tt.query)
			if status >= 500 {
				t.Errorf("status %d", status)
			}
			if len(errs) != 1 {
				t.Fatalf("errors = %v, want one", errs)
			}
			e := errs[0]
			if e.Message != tt.message && tt.message != "" {
				t.Errorf("message = %q, want %q", e.Message, tt.message)
			}
			if e.Extensions["code"] != tt.code {
				t.Errorf("code = %v, want %s", e.Extensions["code"], tt.code)
			}
			if tt.limit != "" && e.Extensions["limit"] != tt.limit {
				t.Errorf("limit = %v, want %s", e.Extensions["limit"], tt.limit)
			}
		})
	}
	if n := resolved.Load(); n != 0 {
		t.Errorf("%d root resolvers ran for refused operations", n)
	}
}

// TestRetryableErrors: a transaction that lost a race, on either database,
// is answered CONFLICT (retry), not INTERNAL.
func TestRetryableErrors(t *testing.T) {
	for _, err := range []error{
		&pgconn.PgError{Code: "40001"}, &pgconn.PgError{Code: "40P01"},
		sqlite3.Error{Code: sqlite3.ErrBusy}, fmt.Errorf("committing: %w", sqlite3.Error{Code: sqlite3.ErrLocked}),
	} {
		if code, _ := classify(err); code != "CONFLICT" {
			t.Errorf("%v: %s, want CONFLICT", err, code)
		}
	}
	if code, _ := classify(sqlite3.Error{Code: sqlite3.ErrConstraint}); code == "CONFLICT" {
		t.Errorf("a constraint error classified as a lost race")
	}
}
