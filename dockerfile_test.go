package consentgate_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDockerfileBuild builds the image when a container builder answers
// here; where none does (CI on this machine kind: a docker client, no
// daemon, no registry), it runs the builder stage's `go build` line as the
// Dockerfile writes it, and runs the binary that makes: the same build,
// without the image.
func TestDockerfileBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	src, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	if exec.Command("docker", "info").Run() == nil {
		out, err := exec.Command("docker", "build", "-t", "consentgate:test", ".").CombinedOutput()
		if err != nil {
			t.Fatalf("docker build: %v\n%s", err, out)
		}
		return
	}
	line := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=1 go build .*) -o /out/consentgate (\./server)$`).FindSubmatch(src)
	if line == nil {
		t.Fatal("the Dockerfile has no `RUN CGO_ENABLED=1 go build ... -o /out/consentgate ./server` line")
	}
	bin := filepath.Join(t.TempDir(), "consentgate")
	cmd := exec.Command("sh", "-c", string(line[1])+" -o "+bin+" "+string(line[2]))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmd, err, out)
	}
	out, err := exec.Command(bin, "datamap", "-json").Output()
	var m struct{ PolicyVersion string }
	if err != nil || json.Unmarshal(out, &m) != nil || m.PolicyVersion == "" {
		t.Fatalf("the built binary: %v\n%.300s", err, out)
	}
	for _, want := range []string{"USER nonroot", "VOLUME /data", "--read-only"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the Dockerfile lacks %q", want)
		}
	}
}
