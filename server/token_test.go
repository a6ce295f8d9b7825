package main

import (
	"strings"
	"testing"

	"consentgate/consent"
	"consentgate/gateway"
)

// TestTokenCommand checks that the token command's output is accepted by
// the gateway as the viewer it names.
func TestTokenCommand(t *testing.T) {
	secret := []byte("token-test-secret-token-test-secret")
	t.Setenv("CONSENTGATE_JWT_SECRET", string(secret))
	var out strings.Builder
	if err := tokenCommand([]string{"-role", "EMPLOYER", "-sub", "rec-1", "-org", "acme"}, &out); err != nil {
		t.Fatal(err)
	}
	v, err := gateway.NewAuthenticator(secret).Viewer(strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	if want := (consent.Viewer{Account: "rec-1", Role: consent.Employer, Org: "acme"}); v != want {
		t.Fatalf("viewer = %+v, want %+v", v, want)
	}
	for _, args := range [][]string{{"-role", "ROOT", "-sub", "x"}, {"-role", "ADMIN"}, {"-role", "ADMIN", "-sub", "x", "-purpose", "NOPE"}} {
		if err := tokenCommand(args, &out); err == nil {
			t.Errorf("token %v: no error", args)
		}
	}
}
