package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// auditDir holds the graphql-http audit: package.json and package-lock.json
// pin graphql-http, audit.mjs runs its auditServer.
const auditDir = "testdata/graphql-http-audit"

// npmAudit installs the audit's packages (npm ci, from the lock file) into
// a directory of its own and returns it. Outside CI a machine without node
// and npm skips the audit; in CI (CI=true) it fails, so that a CI machine
// without them never passes it silently (.ci/run installs Debian's nodejs
// and npm).
func npmAudit(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"node", "npm"} {
		if _, err := exec.LookPath(name); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("no %s on PATH: CI runs the graphql-http audit with it (apt-get install nodejs npm)", name)
			}
			t.Skipf("no %s on PATH (apt-get install nodejs npm): the graphql-http audit is not run", name)
		}
	}
	dir := t.TempDir()
	for _, name := range []string{"package.json", "package-lock.json", "audit.mjs"} {
		b, err := os.ReadFile(filepath.Join(auditDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.CommandContext(t.Context(), "npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci: %v\n%s", err, out)
	}
	return dir
}

// TestGraphQLOverHTTPAudit runs graphql-http's audit of the GraphQL over
// HTTP spec (auditServer) against a -demo gateway on SQLite and
// PostgreSQL, as an applicant: no MUST and no SHOULD audit fails. Its
// requests carry what a client of the gateway sends, a token and a
// preflight header (audit.mjs): without the header, three MAY audits of
// GET fail as the gateway refuses GETs a browser could send cross-site
// (README, "Production behaviour").
func TestGraphQLOverHTTPAudit(t *testing.T) {
	dir := npmAudit(t)
	backends := map[string][]string{"sqlite": nil}
	if dsn := os.Getenv("CONSENTGATE_TEST_POSTGRES"); dsn != "" {
		backends["postgres"] = []string{"DATABASE_URL=" + emptyPostgres(t, dsn)}
	} else if os.Getenv("CI") == "true" {
		t.Fatal("CI must set CONSENTGATE_TEST_POSTGRES: the PostgreSQL variant may not be skipped there")
	}
	token, err := command(t, "token", "-role", "APPLICANT", "-sub", "applicant-0001")
	if err != nil {
		t.Fatal(err)
	}
	for name, env := range backends {
		t.Run(name, func(t *testing.T) {
			// The audit sends about a hundred requests at once: more than
			// the per-viewer rate limit lets through.
			addr := serve(t, append(env, "CONSENTGATE_RATE_LIMIT=10000", "CONSENTGATE_RATE_BURST=10000"), "-demo")
			cmd := exec.CommandContext(t.Context(), "node", "audit.mjs")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "AUDIT_URL=http://"+addr+"/graphql", "AUDIT_TOKEN="+strings.TrimSpace(token))
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), " 0 MUST or SHOULD failed") {
				t.Fatalf("the graphql-http audit failed (%v):\n%s", err, out)
			}
			t.Logf("%s", out)
		})
	}
}
