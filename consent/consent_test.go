package consent_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

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
	for i, c := range consent.Categories {
		if c.Index() != i {
			t.Errorf("%s.Index() = %d, want %d", c, c.Index(), i)
		}
	}
	if consent.Category("SHOE_SIZE").Index() != -1 {
		t.Error("an unknown category has an index")
	}
	if len(consent.Categories) != consent.NumCategories || consent.NumCategories != 20 {
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

// testPolicy is a small policy written out in Go, independent of the
// embedded default: employers see names plain and phones masked, support
// names plain, marketing names under an opt-in and sexes under an opt-out.
var testPolicy = &consent.Policy{
	Version:      "test",
	MinGroupSize: 10,
	Purposes: map[consent.Purpose]consent.ConsentDefault{
		consent.EmployerProvision: consent.OptIn, consent.Service: consent.Necessary, consent.MailMagazine: consent.OptIn,
		consent.Feedback: consent.OptIn, consent.Advertising: consent.OptOut, consent.Inquiry: consent.Necessary, consent.Analytics: consent.OptIn,
	},
	RolePurposes: map[consent.Role][]consent.Purpose{
		consent.Employer:  {consent.EmployerProvision},
		consent.Support:   {consent.Inquiry, consent.Service},
		consent.Marketing: {consent.MailMagazine, consent.Advertising},
		consent.Analyst:   {consent.Analytics},
	},
	Rules: map[consent.Purpose]map[consent.Category]consent.Rule{
		consent.EmployerProvision: {
			consent.Name:          {Outcome: consent.Plain},
			consent.Phone:         {Outcome: consent.Masked, Mask: consent.Mask{Name: consent.MaskLast4}},
			consent.Family:        {Outcome: consent.Plain},
			consent.AddressStreet: {Outcome: consent.Hidden},
		},
		consent.Inquiry:      {consent.Name: {Outcome: consent.Plain}, consent.Email: {Outcome: consent.Masked, Mask: consent.Mask{Name: consent.MaskEmail}}},
		consent.Service:      {consent.Name: {Outcome: consent.Plain}, consent.Email: {Outcome: consent.Plain}},
		consent.MailMagazine: {consent.Name: {Outcome: consent.Plain}, consent.Email: {Outcome: consent.Plain}},
		consent.Advertising:  {consent.Sex: {Outcome: consent.Plain}, consent.Email: {Outcome: consent.Plain}},
	},
	// A hire keeps names (not phones, not family) after its grace period.
	EndOfProvision: map[consent.FinalState]consent.EndOfProvision{
		consent.Hired: {Keep: []consent.Category{consent.Name}},
	},
}

// TestDecide is the engine's table: role, purpose, category and consent
// state to the exact decision.
func TestDecide(t *testing.T) {
	e := consent.NewEngine(testPolicy)
	plain := consent.Decision{Outcome: consent.Plain}
	masked := func(m consent.MaskName) consent.Decision {
		return consent.Decision{Outcome: consent.Masked, Mask: consent.Mask{Name: m}}
	}
	hidden := func(r consent.Reason) consent.Decision { return consent.Decision{Outcome: consent.Hidden, Reason: r} }
	alice := consent.Viewer{Account: "alice", Role: consent.Applicant}
	acme := consent.Viewer{Account: "rec", Role: consent.Employer, Org: "acme"}
	support := consent.Viewer{Account: "s", Role: consent.Support}
	marketing := consent.Viewer{Account: "m", Role: consent.Marketing}
	provided := []consent.Entry{{Purpose: consent.EmployerProvision, Recipient: "acme", Granted: true}}
	with := func(es ...consent.Entry) []consent.Entry {
		return append(append([]consent.Entry{}, provided...), es...)
	}
	cases := []struct {
		name   string
		viewer consent.Viewer
		self   bool
		ledger []consent.Entry
		cat    consent.Category
		want   consent.Decision
	}{
		{"self sees all", alice, true, nil, consent.AddressStreet, plain},
		{"another applicant sees nothing", alice, false, nil, consent.Name, hidden(consent.NotPermitted)},
		{"unknown category hidden even from self", alice, true, nil, "SHOE_SIZE", hidden(consent.NotPermitted)},
		{"employer without consent", acme, false, nil, consent.Name, hidden(consent.ConsentRequired)},
		{"employer with consent", acme, false, provided, consent.Name, plain},
		{"employer masked", acme, false, provided, consent.Phone, masked(consent.MaskLast4)},
		{"employer never sees street", acme, false, provided, consent.AddressStreet, hidden(consent.NotPermitted)},
		{"employer: unlisted category", acme, false, provided, consent.Email, hidden(consent.NotPermitted)},
		{"consent for another employer", acme, false, []consent.Entry{{Purpose: consent.EmployerProvision, Recipient: "globex", Granted: true}}, consent.Name, hidden(consent.ConsentRequired)},
		{"consent withdrawn", acme, false, with(consent.Entry{Purpose: consent.EmployerProvision, Recipient: "acme"}), consent.Name, hidden(consent.ConsentRequired)},
		{"consent regranted", acme, false, with(consent.Entry{Purpose: consent.EmployerProvision, Recipient: "acme"}, provided[0]), consent.Name, plain},
		{"withheld globally", acme, false, with(consent.Entry{Purpose: consent.EmployerProvision, Category: consent.Family}), consent.Family, hidden(consent.WithheldBySubject)},
		{"withheld from acme", acme, false, with(consent.Entry{Purpose: consent.EmployerProvision, Recipient: "acme", Category: consent.Family}), consent.Family, hidden(consent.WithheldBySubject)},
		{"withheld from globex only", acme, false, with(consent.Entry{Purpose: consent.EmployerProvision, Recipient: "globex", Category: consent.Family}), consent.Family, plain},
		{"withheld globally, released to acme", acme, false, with(consent.Entry{Purpose: consent.EmployerProvision, Category: consent.Family}, consent.Entry{Purpose: consent.EmployerProvision, Recipient: "acme", Category: consent.Family, Granted: true}), consent.Family, plain},
		// The scope rule: the latest of the entries naming acme and those
		// naming all employers wins, whichever scope it has.
		{"withdrawn for all employers after applying", acme, false, with(consent.Entry{Purpose: consent.EmployerProvision}), consent.Name, hidden(consent.ConsentRequired)},
		{"applied again after a global withdrawal", acme, false, []consent.Entry{provided[0], {Purpose: consent.EmployerProvision}, provided[0]}, consent.Name, plain},
		{"applied elsewhere after a global withdrawal", acme, false, []consent.Entry{provided[0], {Purpose: consent.EmployerProvision}, {Purpose: consent.EmployerProvision, Recipient: "globex", Granted: true}}, consent.Name, hidden(consent.ConsentRequired)},
		{"granted for all employers", acme, false, []consent.Entry{{Purpose: consent.EmployerProvision, Granted: true}}, consent.Name, plain},
		{"granted for all, then withdrawn from acme", acme, false, []consent.Entry{{Purpose: consent.EmployerProvision, Granted: true}, {Purpose: consent.EmployerProvision, Recipient: "acme"}}, consent.Name, hidden(consent.ConsentRequired)},
		{"withdrawn from acme, then granted for all", acme, false, []consent.Entry{{Purpose: consent.EmployerProvision, Recipient: "acme"}, {Purpose: consent.EmployerProvision, Granted: true}}, consent.Name, plain},
		{"released to acme, then withheld from all", acme, false, with(consent.Entry{Purpose: consent.EmployerProvision, Recipient: "acme", Category: consent.Family, Granted: true}, consent.Entry{Purpose: consent.EmployerProvision, Category: consent.Family}), consent.Family, hidden(consent.WithheldBySubject)},
		{"withheld from acme, then released to all", acme, false, with(consent.Entry{Purpose: consent.EmployerProvision, Recipient: "acme", Category: consent.Family}, consent.Entry{Purpose: consent.EmployerProvision, Category: consent.Family, Granted: true}), consent.Family, plain},
		{"withholding one category leaves others", acme, false, with(consent.Entry{Purpose: consent.EmployerProvision, Category: consent.Family}), consent.Name, plain},
		{"employer without org", consent.Viewer{Account: "r", Role: consent.Employer}, false, provided, consent.Name, hidden(consent.NotPermitted)},
		{"employer declaring a foreign purpose", consent.Viewer{Account: "r", Role: consent.Employer, Org: "acme", Purpose: consent.Analytics}, false, provided, consent.Name, hidden(consent.NotPermitted)},
		{"support: most restrictive of INQUIRY and SERVICE", support, false, nil, consent.Email, masked(consent.MaskEmail)},
		{"support declaring SERVICE", consent.Viewer{Account: "s", Role: consent.Support, Purpose: consent.Service}, false, nil, consent.Email, plain},
		{"support: necessary purposes need no consent", support, false, nil, consent.Name, plain},
		{"marketing: opt-in missing hides", marketing, false, nil, consent.Sex, hidden(consent.NotPermitted)},
		{"marketing under advertising: statistics only, no value", consent.Viewer{Account: "m", Role: consent.Marketing, Purpose: consent.Advertising}, false, nil, consent.Sex, hidden(consent.NotPermitted)},
		{"marketing under advertising: opted out", consent.Viewer{Account: "m", Role: consent.Marketing, Purpose: consent.Advertising}, false, []consent.Entry{{Purpose: consent.Advertising}}, consent.Sex, hidden(consent.NotPermitted)},
		{"marketing under mail magazine: opted in", consent.Viewer{Account: "m", Role: consent.Marketing, Purpose: consent.MailMagazine}, false, []consent.Entry{{Purpose: consent.MailMagazine, Granted: true}}, consent.Email, plain},
		{"marketing, both purposes: advertising releases no value", marketing, false, []consent.Entry{{Purpose: consent.MailMagazine, Granted: true}}, consent.Email, hidden(consent.NotPermitted)},
		{"analyst: purpose without rules", consent.Viewer{Account: "x", Role: consent.Analyst}, false, []consent.Entry{{Purpose: consent.Analytics, Granted: true}}, consent.Name, hidden(consent.NotPermitted)},
		{"compliance acts under no purpose", consent.Viewer{Account: "c", Role: consent.Compliance}, false, nil, consent.Name, hidden(consent.NotPermitted)},
		{"admin", consent.Viewer{Account: "a", Role: consent.Admin}, false, nil, consent.Name, hidden(consent.NotPermitted)},
		{"anonymous", consent.AnonymousViewer, false, nil, consent.Name, hidden(consent.NotPermitted)},
		{"unknown role", consent.Viewer{Account: "z", Role: "ROOT"}, false, nil, consent.Name, hidden(consent.NotPermitted)},
		{"viewer without account", consent.Viewer{Role: consent.Support}, false, nil, consent.Name, hidden(consent.NotPermitted)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// Provision is open: TestDecideEndOfProvision decides the other stages.
			got := e.Decide(c.viewer, consent.Subject{Self: c.self, Consents: stateOf(c.ledger), Provision: consent.ProvisionOpen}, c.cat)
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
	var nilEngine *consent.Engine
	if d := nilEngine.Decide(alice, consent.Subject{Self: true}, consent.Name); d.Outcome != consent.Hidden {
		t.Fatalf("a nil engine decides %v", d)
	}
}

// TestDecideLegalBasis: under a legal basis of §5(2) the compliance account
// holding the grant sees every category plain; nobody else gains anything
// from a basis, and an unknown basis releases nothing.
func TestDecideLegalBasis(t *testing.T) {
	e := consent.NewEngine(testPolicy)
	compliance := consent.Viewer{Account: "c", Role: consent.Compliance}
	cases := []struct {
		name   string
		viewer consent.Viewer
		basis  consent.LegalBasis
		want   consent.Outcome
	}{
		{"compliance without a basis", compliance, "", consent.Hidden},
		{"compliance under LAW", compliance, consent.Law, consent.Plain},
		{"compliance under GOVERNMENT_COOPERATION", compliance, consent.GovernmentCooperation, consent.Plain},
		{"compliance under an unknown basis", compliance, "CURIOSITY", consent.Hidden},
		{"compliance without an account", consent.Viewer{Role: consent.Compliance}, consent.Law, consent.Hidden},
		{"support with a basis", consent.Viewer{Account: "s", Role: consent.Support}, consent.Law, consent.Hidden},
		{"employer with a basis", consent.Viewer{Account: "r", Role: consent.Employer, Org: "acme"}, consent.Law, consent.Hidden},
		{"admin with a basis", consent.Viewer{Account: "a", Role: consent.Admin}, consent.Law, consent.Hidden},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, cat := range consent.Categories {
				if got := e.Decide(c.viewer, consent.Subject{LegalBasis: c.basis}, cat); got.Outcome != c.want {
					t.Fatalf("%s: %+v, want %v", cat, got, c.want)
				}
			}
			if got := e.Decide(c.viewer, consent.Subject{LegalBasis: c.basis}, "SHOE_SIZE"); got.Outcome != consent.Hidden {
				t.Fatalf("unknown category: %+v", got)
			}
		})
	}
	for _, b := range consent.LegalBases {
		if got, err := consent.ParseLegalBasis(string(b)); err != nil || got != b {
			t.Errorf("ParseLegalBasis(%s) = %v, %v", b, got, err)
		}
	}
	if _, err := consent.ParseLegalBasis("CURIOSITY"); !errors.Is(err, consent.ErrUnknownLegalBasis) {
		t.Errorf("ParseLegalBasis: %v", err)
	}
}

func ExampleEngine_Decide_legalBasis() {
	e := consent.NewEngine(testPolicy)
	officer := consent.Viewer{Account: "compliance-1", Role: consent.Compliance}
	fmt.Println(e.Decide(officer, consent.Subject{}, consent.AddressStreet).Outcome)
	fmt.Println(e.Decide(officer, consent.Subject{LegalBasis: consent.Law}, consent.AddressStreet).Outcome)
	// Output:
	// HIDE
	// PLAIN
}

func TestPassThroughEngine(t *testing.T) {
	e := consent.NewPassThroughEngine(testPolicy)
	acme := consent.Viewer{Account: "rec", Role: consent.Employer, Org: "acme"}
	for _, c := range consent.Categories {
		if d := e.Decide(acme, consent.Subject{}, c); !reflect.DeepEqual(d, consent.Decision{Outcome: consent.Plain}) {
			t.Errorf("%s: %+v, want plain", c, d)
		}
	}
	if d := e.Decide(acme, consent.Subject{}, "SHOE_SIZE"); d.Outcome != consent.Hidden {
		t.Errorf("unknown category: %+v", d)
	}
	if got, want := e.PurposesOf(acme), consent.NewEngine(testPolicy).PurposesOf(acme); !reflect.DeepEqual(got, want) {
		t.Errorf("purposes %v, want the policy's %v", got, want)
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

func ExampleEngine_Decide() {
	e := consent.NewEngine(testPolicy)
	recruiter := consent.Viewer{Account: "rec-1", Role: consent.Employer, Org: "acme"}
	applied := consent.State(consent.Entry{Seq: 1, Purpose: consent.EmployerProvision, Recipient: "acme", Granted: true})
	open := consent.Subject{Consents: applied, Provision: consent.ProvisionOpen}
	fmt.Println(e.Decide(recruiter, open, consent.Name).Outcome)
	fmt.Println(e.Decide(recruiter, open, consent.Phone).Outcome)
	d := e.Decide(recruiter, consent.Subject{Provision: consent.ProvisionOpen}, consent.Name)
	fmt.Println(d.Outcome, d.Reason)
	// Rejected, and the grace period is over: the application's purpose is spent.
	d = e.Decide(recruiter, consent.Subject{Consents: applied, Provision: consent.ProvisionEnded}, consent.Name)
	fmt.Println(d.Outcome, d.Reason)
	// Output:
	// PLAIN
	// MASK
	// HIDE CONSENT_REQUIRED
	// HIDE PROVISION_ENDED
}

// TestDecideEndOfProvision: where provision to the employer stands narrows
// what its consent allows, and only for employers: ended, nothing; a hire
// past its grace period, the categories the policy keeps; open, all.
func TestDecideEndOfProvision(t *testing.T) {
	e := consent.NewEngine(testPolicy)
	acme := consent.Viewer{Account: "rec", Role: consent.Employer, Org: "acme"}
	support := consent.Viewer{Account: "s", Role: consent.Support}
	applied := stateOf([]consent.Entry{{Purpose: consent.EmployerProvision, Recipient: "acme", Granted: true}})
	nameWithheld := stateOf([]consent.Entry{{Purpose: consent.EmployerProvision, Recipient: "acme", Granted: true},
		{Purpose: consent.EmployerProvision, Category: consent.Name}})
	plain := consent.Decision{Outcome: consent.Plain}
	ended := consent.Decision{Outcome: consent.Hidden, Reason: consent.PastEndOfProvision}
	for _, c := range []struct {
		name     string
		viewer   consent.Viewer
		consents consent.Consents
		stage    consent.ProvisionStage
		cat      consent.Category
		want     consent.Decision
	}{
		{"open", acme, applied, consent.ProvisionOpen, consent.Family, plain},
		{"ended", acme, applied, consent.ProvisionEnded, consent.Name, ended},
		{"the zero stage is ended", acme, applied, 0, consent.Name, ended},
		{"kept by a hire", acme, applied, consent.ProvisionKept, consent.Name, plain},
		{"not kept by a hire", acme, applied, consent.ProvisionKept, consent.Family, ended},
		{"not kept, masked while open", acme, applied, consent.ProvisionKept, consent.Phone, ended},
		{"kept, but withheld", acme, nameWithheld, consent.ProvisionKept, consent.Name, consent.Decision{Outcome: consent.Hidden, Reason: consent.WithheldBySubject}},
		{"kept, but consent withdrawn", acme, stateOf(nil), consent.ProvisionKept, consent.Name, consent.Decision{Outcome: consent.Hidden, Reason: consent.ConsentRequired}},
		{"§5(1) excluded stays excluded", acme, applied, consent.ProvisionOpen, consent.AddressStreet, consent.Decision{Outcome: consent.Hidden, Reason: consent.NotPermitted}},
		{"other purposes ignore the stage", support, consent.Consents{}, consent.ProvisionEnded, consent.Name, plain},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := e.Decide(c.viewer, consent.Subject{Consents: c.consents, Provision: c.stage}, c.cat); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestEndsAt: the end of an application's provision is its final status's
// time plus that status's grace, or its job's closing plus the closing's,
// whichever is earlier; a hire's is its own; a live application to an open
// job has none; a final state without a time has ended (the zero time).
func TestEndsAt(t *testing.T) {
	p := consent.DefaultPolicy()
	day := 24 * time.Hour
	at := func(d int) *time.Time {
		t := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(d) * day)
		return &t
	}
	for _, c := range []struct {
		name string
		app  consent.ApplicationEnd
		want *time.Time
	}{
		{"live, job open", consent.ApplicationEnd{Status: "INTERVIEW"}, nil},
		{"withdrawn: at once", consent.ApplicationEnd{Status: consent.Withdrawn, FinalAt: at(0)}, at(0)},
		{"rejected: 30 days", consent.ApplicationEnd{Status: consent.Rejected, FinalAt: at(0)}, at(30)},
		{"hired: 30 days", consent.ApplicationEnd{Status: consent.Hired, FinalAt: at(0)}, at(30)},
		{"live, job closed", consent.ApplicationEnd{Status: "APPLIED", JobClosedAt: at(5)}, at(35)},
		{"rejected after the job closed: the closing's", consent.ApplicationEnd{Status: consent.Rejected, FinalAt: at(20), JobClosedAt: at(5)}, at(35)},
		{"rejected before the job closed: its own", consent.ApplicationEnd{Status: consent.Rejected, FinalAt: at(0), JobClosedAt: at(5)}, at(30)},
		{"withdrawn after the job closed: at once", consent.ApplicationEnd{Status: consent.Withdrawn, FinalAt: at(10), JobClosedAt: at(5)}, at(10)},
		{"hired, then the job closed: the hire's", consent.ApplicationEnd{Status: consent.Hired, FinalAt: at(10), JobClosedAt: at(11)}, at(40)},
		{"rejected without a time: ended", consent.ApplicationEnd{Status: consent.Rejected}, &time.Time{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, set := p.EndsAt(c.app)
			switch {
			case c.want == nil && set:
				t.Fatalf("ends at %v, want no end", got)
			case c.want != nil && (!set || !got.Equal(*c.want)):
				t.Fatalf("ends at %v (%v), want %v", got, set, *c.want)
			}
		})
	}
	if got := p.Cutoff(consent.Rejected, *at(30)); !got.Equal(*at(0)) {
		t.Errorf("Cutoff(REJECTED) = %v, want %v", got, *at(0))
	}
}

// stateOf is the state a ledger (oldest entry first) leaves, as the ledger
// package keeps it: each entry numbered in order, the latest per key kept.
func stateOf(ledger []consent.Entry) consent.Consents {
	lines := make([]consent.Entry, len(ledger))
	for i, e := range ledger {
		e.Seq = int64(i + 1)
		lines[i] = e
	}
	return consent.State(lines...)
}

// TestConsentsKey: equal states give equal keys whatever the ledger's
// history, different states different keys.
func TestConsentsKey(t *testing.T) {
	ep := func(org string, granted bool) consent.Entry {
		return consent.Entry{Purpose: consent.EmployerProvision, Recipient: org, Granted: granted}
	}
	mm := consent.Entry{Purpose: consent.MailMagazine, Granted: true}
	a := stateOf([]consent.Entry{ep("acme", false), mm, ep("acme", true)})
	b := stateOf([]consent.Entry{mm, ep("acme", true)})
	c := stateOf([]consent.Entry{ep("acme", true)})
	d := stateOf([]consent.Entry{mm, ep("acme", false)})
	if a.Key() != b.Key() {
		t.Errorf("same state, different keys: %q %q", a.Key(), b.Key())
	}
	if a.Key() == c.Key() || a.Key() == d.Key() || c.Key() == d.Key() {
		t.Error("different states share a key")
	}
}

// TestScopeRuleEveryOrder: for every ledger of up to four entries drawn
// from grants and withdrawals towards acme, towards globex and towards all
// employers, of the whole purpose and of FAMILY alone, acme's decision is
// what the last entry applying to acme says (the scope rule, read off the
// ledger directly), and the state's key separates states that decide apart.
func TestScopeRuleEveryOrder(t *testing.T) {
	e := consent.NewEngine(testPolicy)
	acme := consent.Viewer{Account: "rec", Role: consent.Employer, Org: "acme"}
	var alphabet []consent.Entry
	for _, r := range []string{"acme", "globex", ""} {
		for _, c := range []consent.Category{"", consent.Family} {
			for _, g := range []bool{true, false} {
				alphabet = append(alphabet, consent.Entry{Purpose: consent.EmployerProvision, Recipient: r, Category: c, Granted: g})
			}
		}
	}
	// lastApplying is the reference: the last entry of the ledger naming
	// acme or all employers, for the category.
	lastApplying := func(ledger []consent.Entry, c consent.Category) (consent.Entry, bool) {
		for i := len(ledger) - 1; i >= 0; i-- {
			if l := ledger[i]; l.Category == c && (l.Recipient == "acme" || l.Recipient == "") {
				return l, true
			}
		}
		return consent.Entry{}, false
	}
	byKey := map[string][2]consent.Decision{}
	var walk func(ledger []consent.Entry)
	walk = func(ledger []consent.Entry) {
		whole, ok := lastApplying(ledger, "")
		wantName := consent.Decision{Outcome: consent.Plain}
		wantFamily := wantName
		if !ok || !whole.Granted {
			wantName = consent.Decision{Outcome: consent.Hidden, Reason: consent.ConsentRequired}
			wantFamily = wantName
		} else if fam, ok := lastApplying(ledger, consent.Family); ok && !fam.Granted {
			wantFamily = consent.Decision{Outcome: consent.Hidden, Reason: consent.WithheldBySubject}
		}
		s := stateOf(ledger)
		sub := consent.Subject{Consents: s, Provision: consent.ProvisionOpen}
		got := [2]consent.Decision{e.Decide(acme, sub, consent.Name), e.Decide(acme, sub, consent.Family)}
		if !reflect.DeepEqual(got, [2]consent.Decision{wantName, wantFamily}) {
			t.Fatalf("ledger %+v: got %+v, want %+v %+v", ledger, got, wantName, wantFamily)
		}
		if prev, ok := byKey[s.Key()]; ok && !reflect.DeepEqual(prev, got) {
			t.Fatalf("ledger %+v: key %q shared by a state deciding %+v", ledger, s.Key(), prev)
		}
		byKey[s.Key()] = got
		if len(ledger) < 4 {
			for _, x := range alphabet {
				walk(append(slices.Clone(ledger), x))
			}
		}
	}
	walk(nil)
}

// TestStateAtStanding: the engine decides from how each line stands at the
// time (policy §8): a grant past its Until is a withdrawal (for an opt-out
// purpose too), a line before its From is as if absent, and a withdrawal
// stays one.
func TestStateAtStanding(t *testing.T) {
	e := consent.NewEngine(consent.DefaultPolicy())
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	before, after := now.Add(-time.Second), now.Add(time.Second)
	for _, c := range []struct {
		name string
		line consent.Entry
		want bool
	}{
		{"a grant", consent.Entry{Seq: 1, Purpose: consent.MailMagazine, Granted: true}, true},
		{"a grant voided later", consent.Entry{Seq: 1, Purpose: consent.MailMagazine, Granted: true, Until: after}, true},
		{"a grant voided now", consent.Entry{Seq: 1, Purpose: consent.MailMagazine, Granted: true, Until: now}, false},
		{"a grant voided before", consent.Entry{Seq: 1, Purpose: consent.MailMagazine, Granted: true, Until: before}, false},
		{"a withdrawal", consent.Entry{Seq: 1, Purpose: consent.MailMagazine}, false},
		{"an opt-out grant voided", consent.Entry{Seq: 1, Purpose: consent.Advertising, Granted: true, Until: before}, false},
		{"an opt-out withdrawal from later", consent.Entry{Seq: 1, Purpose: consent.Advertising, From: after}, true},
		{"an opt-out withdrawal from before", consent.Entry{Seq: 1, Purpose: consent.Advertising, From: before}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := e.Consented(consent.StateAt(now, c.line), c.line.Purpose, ""); got != c.want {
				t.Errorf("Consented = %v, want %v", got, c.want)
			}
		})
	}
}
