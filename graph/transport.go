package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// POST is gqlgen's POST transport that also reads a top-level
// "documentId" (the GraphQL-over-HTTP draft's name for a persisted
// document's id), which gqlgen's RawParams has no field for: it moves it
// into the request's extensions (extensions.documentId), where the
// approved-operations extension finds it. Everything else is gqlgen's.
type POST struct{ transport.POST }

// GET is gqlgen's GET transport that also reads a "documentId"
// query-string parameter, as POST does the body's.
type GET struct{ transport.GET }

var (
	_ graphql.Transport = POST{}
	_ graphql.Transport = GET{}
)

// Do moves the body's documentId into its extensions and serves the
// request as gqlgen's POST transport does.
func (t POST) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		r.Body = io.NopCloser(errReader{err}) // reported by gqlgen
	} else {
		if bytes.Contains(body, []byte(`"documentId"`)) {
			body = moveDocumentID(body)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	rw := &requestErrorWriter{ResponseWriter: w}
	t.POST.Do(rw, r, requestErrorExecutor{exec, rw})
	rw.finish()
}

// moveDocumentID returns the JSON request body with its top-level
// documentId moved into its extensions. A body it cannot read is returned
// as it is, for gqlgen to refuse.
func moveDocumentID(body []byte) []byte {
	var req map[string]json.RawMessage
	if json.Unmarshal(body, &req) != nil {
		return body
	}
	id, ok := req["documentId"]
	if !ok {
		return body
	}
	ext := map[string]json.RawMessage{}
	if raw, ok := req["extensions"]; ok && string(raw) != "null" && json.Unmarshal(raw, &ext) != nil {
		return body
	}
	ext["documentId"] = id
	delete(req, "documentId")
	var err error
	if req["extensions"], err = json.Marshal(ext); err != nil {
		return body
	}
	out, err := json.Marshal(req)
	if err != nil {
		return body
	}
	return out
}

// Do moves the query string's documentId into its extensions parameter and
// serves the request as gqlgen's GET transport does.
func (t GET) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil && q.Has("documentId") {
		ext := map[string]json.RawMessage{}
		if e := q.Get("extensions"); e == "" || json.Unmarshal([]byte(e), &ext) == nil {
			id, _ := json.Marshal(q.Get("documentId"))
			ext["documentId"] = id
			if b, err := json.Marshal(ext); err == nil {
				q.Del("documentId")
				q.Set("extensions", string(b))
				r = r.Clone(r.Context())
				r.URL.RawQuery = q.Encode()
			}
		}
	}
	rw := &requestErrorWriter{ResponseWriter: w}
	t.GET.Do(rw, r, requestErrorExecutor{exec, rw})
	rw.finish()
}

// requestErrorExecutor is the server's executor telling w which responses
// answer a request refused before execution: gqlgen's transports answer
// those its executor refuses itself with 400 or 422, but those an
// extension refuses (the query limits, text inputs, cursors, the
// approved-operations gate) with 200 and "data": null, as if they had run.
type requestErrorExecutor struct {
	graphql.GraphExecutor
	w *requestErrorWriter
}

func (e requestErrorExecutor) CreateOperationContext(ctx context.Context, params *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	oc, errs := e.GraphExecutor.CreateOperationContext(ctx, params)
	if len(errs) > 0 {
		e.w.refused = true
	}
	return oc, errs
}

// requestErrorWriter applies GraphQL over HTTP's status codes to request
// errors (a body that is not JSON, parameters that are not a GraphQL
// request, a document that does not parse or validate, variables that do
// not coerce, an operation an extension refuses: everything refused before
// execution), which gqlgen's transports answer 400, 422 or 200 whatever
// the client accepts:
//
//   - a body that is not one GraphQL request in JSON (it does not parse,
//     or its query, operationName, variables or extensions are not of
//     their types: BAD_REQUEST) is not a well-formed GraphQL-over-HTTP
//     request: 400, whatever the client accepts (the spec's "JSON parsing
//     failure");
//   - any other request error in application/json (the client asked for
//     it, or for nothing) is 200, as the spec says for that media type,
//     whose clients read errors from the body;
//   - in application/graphql-response+json it is 400;
//   - neither has a data entry: execution never began (GraphQL spec,
//     "Response"), and with application/graphql-response+json the absence
//     of data is what tells the client the request was refused.
//
// Every other response (executed ones, with or without field errors) is
// written through as it is.
type requestErrorWriter struct {
	http.ResponseWriter
	refused bool // the executor refused the request
	held    bool // a request error's response, held until finish
	status  int
	body    bytes.Buffer
}

func (w *requestErrorWriter) WriteHeader(status int) {
	if status == http.StatusBadRequest || status == http.StatusUnprocessableEntity || w.refused {
		w.held, w.status = true, status
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *requestErrorWriter) Write(b []byte) (int, error) {
	if w.held {
		return w.body.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

// finish writes a held request error's response with its status and
// without a data entry.
func (w *requestErrorWriter) finish() {
	if !w.held {
		return
	}
	status := http.StatusOK
	if mt, _, _ := mime.ParseMediaType(w.Header().Get("Content-Type")); mt == "application/graphql-response+json" {
		status = http.StatusBadRequest
	}
	body := w.body.Bytes()
	var resp struct {
		Errors     json.RawMessage `json:"errors,omitempty"`
		Extensions json.RawMessage `json:"extensions,omitempty"`
	}
	if json.Unmarshal(body, &resp) == nil && len(resp.Errors) > 0 {
		if b, err := json.Marshal(resp); err == nil {
			body = b
		}
		var errs []struct{ Extensions struct{ Code string } }
		// Not a GraphQL-over-HTTP request at all, whatever the client
		// accepts: BAD_REQUEST, or the transport's own refusal of a GET's
		// parameters, which has no code.
		if json.Unmarshal(resp.Errors, &errs) == nil && len(errs) > 0 && (errs[0].Extensions.Code == "BAD_REQUEST" || errs[0].Extensions.Code == "") {
			status = http.StatusBadRequest
		}
	}
	w.Header().Del("Content-Length")
	w.ResponseWriter.WriteHeader(status)
	_, _ = w.ResponseWriter.Write(body)
}

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
