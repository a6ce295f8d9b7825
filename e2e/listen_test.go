package e2e

import (
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"consentgate/gateway"
)

// serving starts the gateway's command with env (and nothing else of the
// environment) on a database of its own, migrated unless -demo does it,
// and returns the addresses it logged it listens on, by the log message,
// once it listens on all of want.
func serving(t *testing.T, env map[string]string, want []string, args ...string) map[string]string {
	t.Helper()
	list := []string{"DATABASE_URL=file:" + filepath.Join(t.TempDir(), "listen.db")}
	for k, v := range env {
		list = append(list, k+"="+v)
	}
	if !slices.Contains(args, "-demo") {
		if out, err := commandEnv(t, list, "migrate"); err != nil {
			t.Fatalf("migrate: %v\n%s", err, out)
		}
	}
	addrs, err := startAll(t, list, want, args...)
	if err != nil {
		t.Fatal(err)
	}
	return addrs
}

// isLoopback reports whether addr (host:port) is a loopback address.
func isLoopback(t *testing.T, addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// get fetches url and returns its status, or 0 if nothing answered.
func get(url string) int {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestListenAddress: the command listens on every interface in production,
// on loopback with -demo, and where CONSENTGATE_LISTEN says in either.
func TestListenAddress(t *testing.T) {
	secrets := map[string]string{"CONSENTGATE_JWT_SECRET": strings.Repeat("s", 32), "CONSENTGATE_HASH_KEY": strings.Repeat("h", 32), "CONSENTGATE_RECEIPT_KEY": testReceiptKey, "PORT": "0",
		"CONSENTGATE_METRICS_LISTEN": "off"}
	with := func(kv ...string) map[string]string {
		env := map[string]string{}
		for k, v := range secrets {
			env[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			env[kv[i]] = kv[i+1]
		}
		return env
	}
	cases := []struct {
		name     string
		env      map[string]string
		args     []string
		loopback bool
	}{
		{"production", with(), nil, false},
		{"production on loopback", with("CONSENTGATE_LISTEN", "127.0.0.1"), nil, true},
		{"demo", map[string]string{"PORT": "0", "CONSENTGATE_METRICS_LISTEN": "off"}, []string{"-demo"}, true},
		{"demo on every interface", map[string]string{"PORT": "0", "CONSENTGATE_LISTEN": "0.0.0.0", "CONSENTGATE_METRICS_LISTEN": "off"}, []string{"-demo"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr := serving(t, c.env, []string{"listening"}, c.args...)["listening"]
			if isLoopback(t, addr) != c.loopback {
				t.Fatalf("listens on %s, want loopback %v", addr, c.loopback)
			}
			_, port, _ := net.SplitHostPort(addr)
			if got := get("http://127.0.0.1:" + port + "/healthz"); got != http.StatusOK {
				t.Fatalf("healthz on %s: %d", addr, got)
			}
		})
	}
}

// TestMetricsListener: the command serves /metrics on a listener of its
// own, on loopback by default (CONSENTGATE_METRICS_LISTEN) even when the
// API listens on every interface, and never beside the API; off serves no
// metrics.
func TestMetricsListener(t *testing.T) {
	env := map[string]string{"CONSENTGATE_JWT_SECRET": strings.Repeat("s", 32), "CONSENTGATE_HASH_KEY": strings.Repeat("h", 32), "CONSENTGATE_RECEIPT_KEY": testReceiptKey, "PORT": "0",
		"CONSENTGATE_METRICS_LISTEN": "127.0.0.1:0"}
	addrs := serving(t, env, []string{"listening", "metrics listening"})
	api, metrics := addrs["listening"], addrs["metrics listening"]
	if isLoopback(t, api) || !isLoopback(t, metrics) {
		t.Fatalf("API on %s, metrics on %s: want every interface and loopback", api, metrics)
	}
	_, apiPort, _ := net.SplitHostPort(api)
	if got := get("http://127.0.0.1:" + apiPort + "/metrics"); got != http.StatusNotFound {
		t.Fatalf("/metrics beside the API: %d", got)
	}
	if got := get("http://" + metrics + "/metrics"); got != http.StatusOK {
		t.Fatalf("/metrics on its listener: %d", got)
	}
	if got := get("http://" + metrics + "/graphql"); got != http.StatusNotFound {
		t.Fatalf("/graphql on the metrics listener: %d", got)
	}

	// The default is loopback, port 9090 (not started here: another
	// gateway on this machine may hold it); off serves none (its line
	// would come before "listening").
	env["CONSENTGATE_METRICS_LISTEN"] = "off"
	if addrs := serving(t, env, []string{"listening"}); addrs["metrics listening"] != "" {
		t.Fatalf("metrics served with off: %v", addrs)
	}
}

// TestMetricsDefaultAddressTaken: a second gateway on one host, whose
// default metrics address the first holds, still serves its API and says
// the metrics are not served; an address given explicitly that cannot be
// had stops the start.
func TestMetricsDefaultAddressTaken(t *testing.T) {
	if held, err := net.Listen("tcp", gateway.DefaultMetricsAddr); err == nil {
		t.Cleanup(func() { held.Close() })
	}
	env := map[string]string{"CONSENTGATE_JWT_SECRET": strings.Repeat("s", 32), "CONSENTGATE_HASH_KEY": strings.Repeat("h", 32), "CONSENTGATE_RECEIPT_KEY": testReceiptKey,
		"CONSENTGATE_METRICS_LISTEN": ""}
	addr := serving(t, env, []string{"listening"})["listening"]
	_, port, _ := net.SplitHostPort(addr)
	if got := get("http://127.0.0.1:" + port + "/healthz"); got != http.StatusOK {
		t.Fatalf("healthz: %d", got)
	}
	list := []string{"DATABASE_URL=file:" + filepath.Join(t.TempDir(), "x.db"), "CONSENTGATE_JWT_SECRET=" + strings.Repeat("s", 32),
		"CONSENTGATE_HASH_KEY=" + strings.Repeat("h", 32), "CONSENTGATE_RECEIPT_KEY=" + testReceiptKey, "CONSENTGATE_METRICS_LISTEN=" + gateway.DefaultMetricsAddr}
	if _, err := commandEnv(t, list, "migrate"); err != nil {
		t.Fatal(err)
	}
	if _, err := commandEnv(t, append(list, "PORT=0"), "serve"); err == nil || !strings.Contains(err.Error(), "CONSENTGATE_METRICS_LISTEN") {
		t.Fatalf("an explicit metrics address that is taken: %v", err)
	}
}
