package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

var built struct {
	once sync.Once
	path string
	err  error
}

// command runs the gateway's command (`go run ./server args...`, built
// once per test binary) with an environment that holds nothing of the
// gateway's, and returns what it printed on stdout. A command that exits
// non-zero returns an error holding what it printed on stderr.
func command(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return commandEnv(t, nil, args...)
}

// commandEnv is command with the environment variables env (KEY=value).
func commandEnv(t *testing.T, env []string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), binary(t), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), errors.New(err.Error() + ": " + strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// serve starts the gateway's command with env and args and returns the
// address it listens on once it says so; it is stopped (SIGTERM) when the
// test ends. A start that exits first fails the test with what it printed.
func serve(t *testing.T, env []string, args ...string) string {
	t.Helper()
	addr, err := start(t, env, args...)
	if err != nil {
		t.Fatal(err)
	}
	return addr
}

// start is serve, returning the error instead of failing the test (for
// starts in goroutines of their own).
func start(t *testing.T, env []string, args ...string) (string, error) {
	addrs, err := startAll(t, env, []string{"listening"}, args...)
	if err != nil {
		return "", err
	}
	_, port, _ := net.SplitHostPort(addrs["listening"])
	return "127.0.0.1:" + port, nil
}

// startAll starts the gateway's command and returns the addresses it
// logged it listens on, by log message ("listening", "metrics listening"),
// once it logged all of want. The API listens on a free port and the
// metrics nowhere unless env says otherwise; it is stopped (SIGTERM) when
// the test ends.
func startAll(t *testing.T, env []string, want []string, args ...string) (map[string]string, error) {
	return startAllTo(t, env, want, io.Discard, args...)
}

// startAllTo is startAll with the command's stdout going to stdout (a
// file is written by the command itself: what it printed before it
// listens is there once startAllTo returns).
func startAllTo(t *testing.T, env []string, want []string, stdout io.Writer, args ...string) (map[string]string, error) {
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "PORT=0", "CONSENTGATE_METRICS_LISTEN=off"}, env...)
	cmd.Dir = t.TempDir()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = stdout
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	})
	var printed strings.Builder
	addrs := map[string]string{}
	lines := bufio.NewScanner(stderr)
	for len(addrs) < len(want) && lines.Scan() {
		printed.WriteString(lines.Text() + "\n")
		var line struct{ Msg, Addr string }
		if json.Unmarshal(lines.Bytes(), &line) == nil && line.Addr != "" && strings.HasSuffix(line.Msg, "listening") {
			addrs[line.Msg] = line.Addr
		}
	}
	if len(addrs) < len(want) {
		return nil, fmt.Errorf("the gateway exited before listening:\n%s", printed.String())
	}
	go func() { _, _ = io.Copy(io.Discard, stderr) }() // its logging never blocks
	return addrs, nil
}

// binary builds the gateway's command once per test binary and returns
// its path.
func binary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		dir, err := os.MkdirTemp("", "consentgate-e2e")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "consentgate")
		out, err := exec.Command("go", "build", "-o", built.path, "consentgate/server").CombinedOutput()
		if err != nil {
			built.err = errors.New("go build ./server: " + err.Error() + "\n" + string(out))
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}
