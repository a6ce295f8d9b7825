package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"consentgate/gateway"
)

// tcpProxy forwards a loopback port to a server and can be cut and
// restored, to take a database away from the gateway and give it back.
type tcpProxy struct {
	t      *testing.T
	addr   string // the proxy's own address, kept across restarts
	target string

	mu    sync.Mutex
	ln    net.Listener
	conns []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target, addr: "127.0.0.1:0"}
	p.start()
	t.Cleanup(p.stop)
	return p
}

func (p *tcpProxy) start() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

// stop cuts every connection and refuses new ones.
func (p *tcpProxy) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestDatabaseOutage: when PostgreSQL goes away, requests fail fast with a
// retryable error and no personal data, readiness turns 503, and both
// recover on their own when it returns.
func TestDatabaseOutage(t *testing.T) {
	dsn := os.Getenv("CONSENTGATE_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI must set CONSENTGATE_TEST_POSTGRES")
		}
		t.Skip("CONSENTGATE_TEST_POSTGRES is not set")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("cg_outage_%d_%d", os.Getpid(), time.Now().UnixNano())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)") })
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host, u.Path = proxy.addr, "/"+name
	client, err := gateway.OpenDatabase(context.Background(), u.String(), 0, true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	f := newFixture(t, client)

	query := `{ applicants { edges { node { name } } } }`
	ready := func() int {
		rec := httptest.NewRecorder()
		f.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code
	}
	if r := f.post(t, as("acme"), query, nil); !strings.Contains(r.Raw, "cnryalicename") || ready() != 200 {
		t.Fatalf("before the outage: %s", r.Raw)
	}

	proxy.stop()
	start := time.Now()
	r := f.post(t, as("acme"), query, nil)
	if took := time.Since(start); took > 3*time.Second || r.Status >= 500 || errorCode(r) != "UNAVAILABLE" || strings.Contains(r.Raw, "cnry") {
		t.Fatalf("during the outage (%v): %d %s\n%s", took, r.Status, r.Raw, f.logs.String())
	}
	if got := ready(); got != http.StatusServiceUnavailable {
		t.Fatalf("readyz during the outage: %d", got)
	}

	proxy.start()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := f.post(t, as("acme"), query, nil)
		if strings.Contains(r.Raw, "cnryalicename") && ready() == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recovery: %s", r.Raw)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if strings.Contains(f.logs.String(), "cnry") {
		t.Fatalf("logs hold personal values: %s", f.logs.String())
	}
}
