package consent_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"consentgate/consent"
)

func TestParse(t *testing.T) {
	for _, r := range consent.Roles {
		if got, err := consent.ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%s) = %v, %v", r, got, err)
		}
	}
	for _, s := range []string{"", "ANONYMOUS", "applicant", "ROOT"} {
		if _, err := consent.ParseRole(s); !errors.Is(err, consent.ErrUnknownRole) {
			t.Errorf("ParseRole(%q) err = %v", s, err)
		}
	}
	if len(consent.Purposes) != 7 {
		t.Errorf("policy §4 has seven purposes, got %d", len(consent.Purposes))
	}
	if _, err := consent.ParsePurpose("SPYING"); !errors.Is(err, consent.ErrUnknownPurpose) {
		t.Errorf("ParsePurpose: %v", err)
	}
	if len(consent.Categories) != 20 {
		t.Errorf("DESIGN.md has twenty categories, got %d", len(consent.Categories))
	}
	if _, err := consent.ParseCategory("SHOE_SIZE"); !errors.Is(err, consent.ErrUnknownCategory) {
		t.Errorf("ParseCategory: %v", err)
	}
}

func TestProvidableToEmployers(t *testing.T) {
	never := map[consent.Category]bool{consent.AddressStreet: true, consent.Workplace: true, consent.Network: true}
	for _, c := range consent.Categories {
		if got := c.ProvidableToEmployers(); got == never[c] {
			t.Errorf("%s.ProvidableToEmployers() = %v", c, got)
		}
	}
	if consent.Category("SHOE_SIZE").ProvidableToEmployers() {
		t.Error("an unknown category is providable")
	}
}

// TestDecideBaseline: the subject sees every category of their own data
// plain; every other viewer, whatever its role or purpose, sees none.
func TestDecideBaseline(t *testing.T) {
	self := consent.Viewer{Account: "a", Role: consent.Applicant}
	for _, c := range consent.Categories {
		if d := consent.Decide(self, consent.Subject{Self: true}, c); d.Outcome != consent.Plain {
			t.Errorf("self %s = %v", c, d)
		}
	}
	viewers := []consent.Viewer{
		consent.AnonymousViewer,
		{Account: "a", Role: consent.Applicant},
		{Account: "", Role: consent.Applicant},
		{Account: "r", Role: consent.Employer, Org: "acme", Purpose: consent.EmployerProvision},
		{Account: "s", Role: consent.Support, Purpose: consent.Inquiry},
		{Account: "m", Role: consent.Marketing, Purpose: consent.MailMagazine},
		{Account: "x", Role: consent.Analyst, Purpose: consent.Analytics},
		{Account: "c", Role: consent.Compliance},
		{Account: "d", Role: consent.Admin},
		{Account: "z", Role: "ROOT"},
	}
	for _, v := range viewers {
		for _, c := range consent.Categories {
			if d := consent.Decide(v, consent.Subject{Self: false}, c); d != (consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}) {
				t.Errorf("%+v %s = %v", v, c, d)
			}
		}
	}
	// A viewer without an account is never anyone's self, and an unknown
	// category is hidden even from the subject.
	if d := consent.Decide(consent.Viewer{Role: consent.Applicant}, consent.Subject{Self: true}, consent.Name); d.Outcome != consent.Hidden {
		t.Errorf("account-less self = %v", d)
	}
	if d := consent.Decide(self, consent.Subject{Self: true}, "SHOE_SIZE"); d.Outcome != consent.Hidden {
		t.Errorf("unknown category = %v", d)
	}
}

func TestViewerContext(t *testing.T) {
	if v := consent.FromContext(context.Background()); v != consent.AnonymousViewer {
		t.Fatalf("empty context = %+v", v)
	}
	want := consent.Viewer{Account: "r", Role: consent.Employer, Org: "acme"}
	if v := consent.FromContext(consent.NewContext(context.Background(), want)); v != want {
		t.Fatalf("got %+v", v)
	}
}

func ExampleDecide() {
	alice := consent.Viewer{Account: "alice", Role: consent.Applicant}
	recruiter := consent.Viewer{Account: "rec-1", Role: consent.Employer, Org: "acme"}
	fmt.Println(consent.Decide(alice, consent.Subject{Self: true}, consent.Email).Outcome)
	d := consent.Decide(recruiter, consent.Subject{}, consent.Email)
	fmt.Println(d.Outcome, d.Reason)
	// Output:
	// PLAIN
	// HIDE NOT_PERMITTED
}
