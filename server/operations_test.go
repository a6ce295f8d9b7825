package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestOperationsPushDialsPORT: without -url, operations push dials the
// gateway a start in the same environment serves, localhost on PORT.
func TestOperationsPushDialsPORT(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/graphql" && r.Method == http.MethodPost {
			requests.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"errors":[{"message":"registered already","extensions":{"code":"OPERATION_EXISTS"}}],"data":null}`)
	}))
	defer srv.Close()
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	doc := "# name: by_sex\n# purpose: ANALYTICS\n# description: d\n" +
		"query BySex { applicantStatistics(groupBy: [SEX]) { total } }\n"
	if err := os.WriteFile(filepath.Join(dir, "by_sex.graphql"), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		if k == "PORT" {
			return port
		}
		return ""
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"operations", "push", dir}, getenv, &out, &errOut); err != nil {
		t.Fatalf("operations push: %v\n%s", err, errOut.String())
	}
	if requests.Load() != 1 || !strings.HasSuffix(strings.TrimSpace(out.String()), "\talready registered") {
		t.Fatalf("%d requests to localhost:%s; printed %q", requests.Load(), port, out.String())
	}
}
