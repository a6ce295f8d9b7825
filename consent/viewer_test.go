package consent_test

import (
	"testing"

	"consentgate/consent"
)

func TestCanonicalAccount(t *testing.T) {
	for _, c := range []struct {
		name, id, want string
	}{
		{"plain", "compliance-1", "compliance-1"},
		{"case", "Compliance-1", "compliance-1"},
		{"white space around", " \tcompliance-1\u00a0\n", "compliance-1"},
		{"white space inside stays", "compliance 1", "compliance 1"},
		{"decomposed to composed", "caf\u0065\u0301", "caf\u00e9"},
		{"composed capital", "CAF\u00c9", "caf\u00e9"},
		{"full case folding", "STRASSE", "strasse"},
		{"sharp s folds to ss", "stra\u00dfe", "strasse"},
		{"Kelvin sign", "\u212a-1", "k-1"},
		{"blank", "   ", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := consent.CanonicalAccount(c.id); got != c.want {
				t.Errorf("CanonicalAccount(%q) = %q, want %q", c.id, got, c.want)
			}
		})
	}
	if !consent.SameAccount("Compliance-1", "compliance-1 ") || consent.SameAccount("compliance-1", "compliance-2") {
		t.Error("SameAccount compares canonical forms")
	}
}
