package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"consentgate/consent"
	"consentgate/datamap"
)

// TestDatamapCommand runs `server datamap`.
func TestDatamapCommand(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }

	var out, errOut bytes.Buffer
	if err := run(ctx, []string{"datamap", "-json"}, getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var m datamap.Map
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("datamap -json printed invalid JSON: %v", err)
	}
	if want := datamap.BuildSchema(consent.DefaultPolicy()); !reflect.DeepEqual(m, want) {
		t.Error("datamap -json differs from the default policy's map")
	}

	out.Reset()
	if err := run(ctx, []string{"datamap"}, getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "# consentgate data map\n") || !strings.Contains(out.String(), "\n## Applicant\n") {
		t.Errorf("datamap printed no Markdown map:\n%.300s", out.String())
	}

	// A policy file replaces the default.
	dir := t.TempDir()
	def, err := os.ReadFile(filepath.Join("..", "consent", "policy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, bytes.Replace(def, []byte(`version: "2026-01"`), []byte(`version: "2099-test"`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	env["CONSENTGATE_POLICY"] = good
	out.Reset()
	if err := run(ctx, []string{"datamap", "-json"}, getenv, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out.Bytes(), &m); err != nil || m.PolicyVersion != "2099-test" {
		t.Errorf("with CONSENTGATE_POLICY: version %q, err %v", m.PolicyVersion, err)
	}

	// An invalid policy is an error.
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: \"x\"\nroles:\n  EMPLOYER: [ANALYTICS]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env["CONSENTGATE_POLICY"] = bad
	out.Reset()
	err = run(ctx, []string{"datamap", "-json"}, getenv, &out, &errOut)
	if !errors.Is(err, consent.ErrInvalidPolicy) {
		t.Errorf("invalid policy: err = %v, want ErrInvalidPolicy", err)
	}
	if out.Len() != 0 {
		t.Errorf("invalid policy: printed %q", out.String())
	}
	env["CONSENTGATE_POLICY"] = filepath.Join(dir, "missing.yaml")
	if err := run(ctx, []string{"datamap"}, getenv, &out, &errOut); !errors.Is(err, consent.ErrInvalidPolicy) {
		t.Errorf("missing policy file: err = %v", err)
	}

	// Unknown arguments are refused.
	delete(env, "CONSENTGATE_POLICY")
	if err := run(ctx, []string{"datamap", "extra"}, getenv, &out, &errOut); err == nil {
		t.Error("datamap extra: no error")
	}
}
