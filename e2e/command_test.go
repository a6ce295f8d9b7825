package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
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
	cmd := exec.CommandContext(t.Context(), binary(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), errors.New(err.Error() + ": " + strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// binary is the path of the gateway's command, built once per test binary.
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
