package e2e

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serving starts the gateway's command with env (and nothing else of the
// environment) and returns the addresses it logged it listens on, by the
// log message ("listening", "metrics listening"), once it listens on all
// of want; it is stopped when the test ends.
func serving(t *testing.T, env map[string]string, want []string, args ...string) map[string]string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(),
		"DATABASE_URL=file:" + filepath.Join(t.TempDir(), "listen.db")}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Dir = t.TempDir()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addrs := map[string]string{}
	lines := bufio.NewScanner(stderr)
	var seen []string
	for len(addrs) < len(want) && lines.Scan() {
		seen = append(seen, lines.Text())
		var line struct{ Msg, Addr string }
		if json.Unmarshal(lines.Bytes(), &line) == nil && line.Addr != "" && strings.HasSuffix(line.Msg, "listening") {
			addrs[line.Msg] = line.Addr
		}
	}
	if len(addrs) < len(want) {
		t.Fatalf("the command stopped before it listened: %v", seen)
	}
	go func() { // keep reading, so that its logging never blocks
		for lines.Scan() {
		}
	}()
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
	secrets := map[string]string{"CONSENTGATE_JWT_SECRET": strings.Repeat("s", 32), "CONSENTGATE_HASH_KEY": strings.Repeat("h", 32), "PORT": "0",
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
	env := map[string]string{"CONSENTGATE_JWT_SECRET": strings.Repeat("s", 32), "CONSENTGATE_HASH_KEY": strings.Repeat("h", 32), "PORT": "0",
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
