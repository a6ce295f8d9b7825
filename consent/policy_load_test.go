package consent_test

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
)

// TestDefaultPolicy: the embedded policy loads and holds DESIGN.md's
// starting defaults, exactly.
func TestDefaultPolicy(t *testing.T) {
	p := consent.DefaultPolicy()

	plain := consent.Rule{Outcome: consent.Plain}
	hide := consent.Rule{Outcome: consent.Hidden}
	mask := func(n consent.MaskName) consent.Rule {
		return consent.Rule{Outcome: consent.Masked, Mask: consent.Mask{Name: n}}
	}
	employer := map[consent.Category]consent.Rule{}
	for _, c := range consent.Categories {
		employer[c] = plain
	}
	employer[consent.AddressStreet], employer[consent.Workplace], employer[consent.Network] = hide, hide, hide
	contact := map[consent.Category]consent.Rule{
		consent.Name:  plain,
		consent.Email: mask(consent.MaskEmail),
		consent.Phone: mask(consent.MaskLast4),
	}
	advertising := map[consent.Category]consent.Rule{
		consent.Sex:           plain,
		consent.AddressRegion: mask(consent.MaskPrefecture),
		consent.BirthDate:     mask(consent.MaskAgeBand),
		consent.Preferences:   plain,
	}
	analytics := map[consent.Category]consent.Rule{
		consent.Visa: plain, consent.Education: plain, consent.Occupation: plain,
	}
	for c, r := range advertising {
		analytics[c] = r
	}
	want := &consent.Policy{
		Version:      "2026-01",
		MinGroupSize: 10,
		Aggregates:   consent.AggregatePolicy{Epsilon: 1, Delta: 1e-5, DailyBudget: 10},
		Purposes: map[consent.Purpose]consent.ConsentDefault{
			consent.EmployerProvision: consent.OptIn,
			consent.Service:           consent.Necessary,
			consent.MailMagazine:      consent.OptIn,
			consent.Feedback:          consent.OptIn,
			consent.Advertising:       consent.OptOut,
			consent.Inquiry:           consent.Necessary,
			consent.Analytics:         consent.OptIn,
		},
		RolePurposes: map[consent.Role][]consent.Purpose{
			consent.Employer:   {consent.EmployerProvision},
			consent.Support:    {consent.Inquiry, consent.Service},
			consent.Marketing:  {consent.MailMagazine, consent.Advertising},
			consent.Analyst:    {consent.Analytics},
			consent.Compliance: {},
			consent.Admin:      {},
		},
		Rules: map[consent.Purpose]map[consent.Category]consent.Rule{
			consent.EmployerProvision: employer,
			consent.Inquiry:           contact,
			consent.Service:           contact,
			consent.MailMagazine:      {consent.Name: plain, consent.Email: plain},
			consent.Advertising:       advertising,
			consent.Analytics:         analytics,
			consent.Feedback:          {consent.Name: plain, consent.Email: mask(consent.MaskEmail)},
		},
		EndOfProvision: map[consent.FinalState]consent.EndOfProvision{
			consent.Withdrawn: {},
			consent.Rejected:  {Grace: 30 * 24 * time.Hour},
			consent.JobClosed: {Grace: 30 * 24 * time.Hour},
			consent.Hired: {Grace: 30 * 24 * time.Hour, Keep: []consent.Category{consent.Name, consent.BirthDate, consent.Sex,
				consent.Phone, consent.Email, consent.Visa, consent.Qualifications, consent.EmergencyContact}},
		},
		Retention:     consent.DefaultRetention(),
		PolicyChanges: consent.PolicyChanges{NoticePeriod: 30 * 24 * time.Hour},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("DefaultPolicy() =\n%+v\nwant\n%+v", p, want)
	}

	// Spot checks, so that a mistake shared by the policy and the
	// expectation above still has to get past DESIGN.md's own words.
	for _, c := range []struct {
		name    string
		purpose consent.Purpose
		cat     consent.Category
		want    consent.Rule
	}{
		{"employer sees the name", consent.EmployerProvision, consent.Name, plain},
		{"employer never sees network data", consent.EmployerProvision, consent.Network, hide},
		{"employer never sees the street", consent.EmployerProvision, consent.AddressStreet, hide},
		{"inquiry masks the email", consent.Inquiry, consent.Email, mask(consent.MaskEmail)},
		{"inquiry masks the phone", consent.Inquiry, consent.Phone, mask(consent.MaskLast4)},
		{"advertising bands the age", consent.Advertising, consent.BirthDate, mask(consent.MaskAgeBand)},
		{"analytics sees the visa", consent.Analytics, consent.Visa, plain},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, ok := p.Rules[c.purpose][c.cat]; !ok || !reflect.DeepEqual(got, c.want) {
				t.Errorf("Rules[%s][%s] = %+v, %v; want %+v", c.purpose, c.cat, got, ok, c.want)
			}
		})
	}
	if _, ok := p.Rules[consent.Analytics][consent.Name]; ok {
		t.Error("analytics lists NAME: identifiers are hidden")
	}
	if p.MinGroupSize != 10 {
		t.Errorf("MinGroupSize = %d", p.MinGroupSize)
	}
	for _, r := range []consent.Role{consent.Applicant, consent.Anonymous, consent.Compliance, consent.Admin} {
		if len(p.RolePurposes[r]) != 0 {
			t.Errorf("%s acts under %v", r, p.RolePurposes[r])
		}
	}
	checkPolicy(t, p)
}

// TestDefaultPolicyIsACopy: a caller changing its policy changes no one
// else's.
func TestDefaultPolicyIsACopy(t *testing.T) {
	p := consent.DefaultPolicy()
	p.Rules[consent.EmployerProvision][consent.Network] = consent.Rule{Outcome: consent.Plain}
	p.RolePurposes[consent.Employer][0] = consent.Analytics
	p.Purposes[consent.Advertising] = consent.Necessary
	q := consent.DefaultPolicy()
	if q.Rules[consent.EmployerProvision][consent.Network].Outcome != consent.Hidden ||
		q.RolePurposes[consent.Employer][0] != consent.EmployerProvision ||
		q.Purposes[consent.Advertising] != consent.OptOut {
		t.Fatal("DefaultPolicy shares state between callers")
	}
}

// basePolicy is a small valid policy the invalid cases below are made from;
// its line numbers are what their messages name.
const basePolicy = `version: "1"
minGroupSize: 10
purposes:
  EMPLOYER_PROVISION: OPT_IN
  SERVICE: NECESSARY
  MAIL_MAGAZINE: OPT_IN
  FEEDBACK: OPT_IN
  ADVERTISING: OPT_OUT
  INQUIRY: NECESSARY
  ANALYTICS: OPT_IN
roles:
  EMPLOYER: [EMPLOYER_PROVISION]
  SUPPORT: [INQUIRY, SERVICE]
  MARKETING: [MAIL_MAGAZINE, ADVERTISING]
  ANALYST: [ANALYTICS]
rules:
  EMPLOYER_PROVISION:
    NAME: PLAIN
    NETWORK: HIDE
  INQUIRY:
    EMAIL: {mask: EMAIL}
`

// edit returns basePolicy with old replaced by new, exactly once.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if strings.Count(basePolicy, old) != 1 {
		t.Fatalf("%q is not in basePolicy exactly once", old)
	}
	return strings.Replace(basePolicy, old, new, 1)
}

func TestLoadPolicyBase(t *testing.T) {
	p, err := consent.LoadPolicy("t.yaml", []byte(basePolicy))
	if err != nil {
		t.Fatal(err)
	}
	checkPolicy(t, p)
	if got := p.RolePurposes[consent.Compliance]; got != nil {
		t.Errorf("unlisted role acts under %v", got)
	}
	if len(p.Rules) != 7 || len(p.Rules[consent.Analytics]) != 0 {
		t.Errorf("Rules = %v: want all seven purposes, those unlisted empty", p.Rules)
	}
	want := consent.Rule{Outcome: consent.Masked, Mask: consent.Mask{Name: consent.MaskEmail}}
	if got := p.Rules[consent.Inquiry][consent.Email]; !reflect.DeepEqual(got, want) {
		t.Errorf("INQUIRY EMAIL = %+v", got)
	}
}

func TestLoadPolicyMasks(t *testing.T) {
	for _, c := range []struct {
		name, rule string
		want       consent.Mask
	}{
		{"first n", "{mask: FIRST_N, n: 3}", consent.Mask{Name: consent.MaskFirstN, N: 3}},
		{"range", "{mask: RANGE, bounds: [0, 50000, 100000]}", consent.Mask{Name: consent.MaskRange, Bounds: []int{0, 50000, 100000}}},
		{"range block style", "\n      mask: RANGE\n      bounds:\n        - -10\n        - 0x10", consent.Mask{Name: consent.MaskRange, Bounds: []int{-10, 16}}},
		{"hash", "{mask: HASH}", consent.Mask{Name: consent.MaskHash}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := consent.LoadPolicy("t.yaml", []byte(edit(t, "{mask: EMAIL}", c.rule)))
			if err != nil {
				t.Fatal(err)
			}
			want := consent.Rule{Outcome: consent.Masked, Mask: c.want}
			if got := p.Rules[consent.Inquiry][consent.Email]; !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v, want %+v", got, want)
			}
		})
	}
}

// TestLoadPolicyAggregates: the aggregates section and each of its keys are
// optional; what is left out takes the default.
func TestLoadPolicyAggregates(t *testing.T) {
	def := consent.AggregatePolicy{
		Epsilon:     consent.DefaultAggregateEpsilon,
		Delta:       consent.DefaultAggregateDelta,
		DailyBudget: consent.DefaultAggregateDailyBudget,
	}
	if def != (consent.AggregatePolicy{Epsilon: 1, Delta: 1e-5, DailyBudget: 10}) {
		t.Fatalf("defaults %+v differ from policy.yaml's comments", def)
	}
	for _, c := range []struct {
		name, section string
		want          consent.AggregatePolicy
	}{
		{"absent", "", def},
		{"empty", "aggregates: {}\n", def},
		{"all set", "aggregates:\n  epsilon: 0.25\n  delta: 1e-9\n  dailyBudget: 2\n", consent.AggregatePolicy{Epsilon: 0.25, Delta: 1e-9, DailyBudget: 2}},
		{"integers", "aggregates: {epsilon: 1, dailyBudget: 1}\n", consent.AggregatePolicy{Epsilon: 1, Delta: 1e-5, DailyBudget: 1}},
		{"delta at its maximum", "aggregates: {delta: 0.001}\n", consent.AggregatePolicy{Epsilon: 1, Delta: 0.001, DailyBudget: 10}},
		{"only the budget", "aggregates:\n  dailyBudget: 20\n", consent.AggregatePolicy{Epsilon: 1, Delta: 1e-5, DailyBudget: 20}},
		{"an operation's budget", "aggregates:\n  operationDailyBudget: 30\n", consent.AggregatePolicy{Epsilon: 1, Delta: 1e-5, DailyBudget: 10, OperationDailyBudget: 30}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := consent.LoadPolicy("t.yaml", []byte(basePolicy+c.section))
			if err != nil {
				t.Fatal(err)
			}
			if p.Aggregates != c.want {
				t.Errorf("Aggregates = %+v, want %+v", p.Aggregates, c.want)
			}
			checkPolicy(t, p)
		})
	}
}

// TestLoadPolicyEndOfProvision: the endOfProvision section, each state and
// each key are optional; what is left out takes the default; the embedded
// policy's section says what the defaults are.
func TestLoadPolicyEndOfProvision(t *testing.T) {
	def := consent.DefaultEndOfProvision()
	if !reflect.DeepEqual(consent.DefaultPolicy().EndOfProvision, def) {
		t.Fatalf("policy.yaml's endOfProvision %+v differs from the defaults %+v", consent.DefaultPolicy().EndOfProvision, def)
	}
	day := 24 * time.Hour
	with := func(s consent.FinalState, e consent.EndOfProvision) map[consent.FinalState]consent.EndOfProvision {
		m := consent.DefaultEndOfProvision()
		m[s] = e
		return m
	}
	for _, c := range []struct {
		name, section string
		want          map[consent.FinalState]consent.EndOfProvision
	}{
		{"absent", "", def},
		{"empty", "endOfProvision: {}\n", def},
		{"one state", "endOfProvision:\n  REJECTED: {graceDays: 7}\n", with(consent.Rejected, consent.EndOfProvision{Grace: 7 * day})},
		{"a hire keeping nothing", "endOfProvision:\n  HIRED: {graceDays: 0, keep: []}\n", with(consent.Hired, consent.EndOfProvision{Keep: []consent.Category{}})},
		{"a hire's grace only", "endOfProvision:\n  HIRED: {graceDays: 90}\n", with(consent.Hired, consent.EndOfProvision{Grace: 90 * day, Keep: def[consent.Hired].Keep})},
		{"a hire keeping two", "endOfProvision:\n  HIRED:\n    keep: [VISA, NAME]\n", with(consent.Hired, consent.EndOfProvision{Grace: 30 * day, Keep: []consent.Category{consent.Visa, consent.Name}})},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := consent.LoadPolicy("t.yaml", []byte(basePolicy+c.section))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p.EndOfProvision, c.want) {
				t.Errorf("EndOfProvision = %+v, want %+v", p.EndOfProvision, c.want)
			}
		})
	}
	for _, c := range []struct{ name, section, want string }{
		{"unknown state", "endOfProvision:\n  FIRED: {graceDays: 1}\n", "t.yaml:23: endOfProvision.FIRED: unknown final state (want WITHDRAWN, REJECTED, HIRED, JOB_CLOSED)"},
		{"negative grace", "endOfProvision:\n  REJECTED: {graceDays: -1}\n", `t.yaml:23: endOfProvision.REJECTED.graceDays: must be a whole number of days from 0 to 365, got "-1"`},
		{"grace too long", "endOfProvision:\n  REJECTED: {graceDays: 366}\n", `t.yaml:23: endOfProvision.REJECTED.graceDays: must be a whole number of days from 0 to 365, got "366"`},
		{"grace not days", "endOfProvision:\n  REJECTED: {graceDays: 1.5}\n", `t.yaml:23: endOfProvision.REJECTED.graceDays: must be a whole number of days from 0 to 365, got "1.5"`},
		{"keep on another state", "endOfProvision:\n  REJECTED: {keep: [NAME]}\n", "t.yaml:23: endOfProvision.REJECTED.keep: only HIRED keeps categories after its grace period"},
		{"keeping what §5(1) excludes", "endOfProvision:\n  HIRED: {keep: [NAME, WORKPLACE]}\n", "t.yaml:23: endOfProvision.HIRED.keep: WORKPLACE is a category §5(1) excludes: it cannot be kept by an employer"},
		{"keeping an unknown category", "endOfProvision:\n  HIRED: {keep: [SHOE_SIZE]}\n", `t.yaml:23: endOfProvision.HIRED.keep: unknown category "SHOE_SIZE"`},
		{"keeping twice", "endOfProvision:\n  HIRED: {keep: [NAME, NAME]}\n", "t.yaml:23: endOfProvision.HIRED.keep: NAME listed twice"},
		{"unknown key", "endOfProvision:\n  HIRED: {graceWeeks: 2}\n", "t.yaml:23: endOfProvision.HIRED.graceWeeks: unknown key (want graceDays, or keep for HIRED)"},
		{"not a mapping", "endOfProvision: 30\n", "t.yaml:22: endOfProvision: must be a mapping of final states (WITHDRAWN, REJECTED, HIRED, JOB_CLOSED) to {graceDays: N}"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := consent.LoadPolicy("t.yaml", []byte(basePolicy+c.section))
			if err == nil || err.Error() != c.want || !errors.Is(err, consent.ErrInvalidPolicy) {
				t.Fatalf("got %v, want %s", err, c.want)
			}
		})
	}
}

// TestLoadPolicyChanges: the policyChanges section's notice period, its
// default and its bounds.
func TestLoadPolicyChanges(t *testing.T) {
	day := 24 * time.Hour
	for _, c := range []struct {
		name, section string
		want          time.Duration
	}{
		{"absent", "", 30 * day},
		{"empty", "policyChanges: {}\n", 30 * day},
		{"one day", "policyChanges: {noticeDays: 1}\n", day},
		{"a year", "policyChanges: {noticeDays: 365}\n", 365 * day},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := consent.LoadPolicy("t.yaml", []byte(basePolicy+c.section))
			if err != nil {
				t.Fatal(err)
			}
			if p.PolicyChanges.NoticePeriod != c.want {
				t.Errorf("NoticePeriod = %v, want %v", p.PolicyChanges.NoticePeriod, c.want)
			}
		})
	}
	for _, c := range []struct{ name, section, want string }{
		{"none", "policyChanges: {noticeDays: 0}\n", `t.yaml:22: policyChanges.noticeDays: must be a whole number of days from 1 to 365, got "0"`},
		{"too long", "policyChanges: {noticeDays: 366}\n", `t.yaml:22: policyChanges.noticeDays: must be a whole number of days from 1 to 365, got "366"`},
		{"not days", "policyChanges: {noticeDays: 30d}\n", `t.yaml:22: policyChanges.noticeDays: must be a whole number of days from 1 to 365, got "30d"`},
		{"unknown key", "policyChanges: {noticeWeeks: 4}\n", "t.yaml:22: policyChanges.noticeWeeks: unknown key (want noticeDays)"},
		{"not a mapping", "policyChanges: 30\n", `t.yaml:22: policyChanges: must be a mapping of noticeDays, got "30"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := consent.LoadPolicy("t.yaml", []byte(basePolicy+c.section))
			if err == nil || err.Error() != c.want || !errors.Is(err, consent.ErrInvalidPolicy) {
				t.Fatalf("got %v, want %s", err, c.want)
			}
		})
	}
}

func TestAggregatePolicyAllows(t *testing.T) {
	a := consent.AggregatePolicy{Epsilon: 0.5, Delta: 1e-6, DailyBudget: 5}
	for _, c := range []struct {
		spent float64
		want  bool
	}{{0, true}, {4.5, true}, {4.6, false}, {5, false}, {-1, false}, {math.NaN(), false}} {
		if got := a.Allows(c.spent); got != c.want {
			t.Errorf("Allows(%v) = %v, want %v", c.spent, got, c.want)
		}
	}
	// Ten queries of 0.1 fit a budget of 1, whatever the rounding.
	b, spent := consent.AggregatePolicy{Epsilon: 0.1, DailyBudget: 1}, 0.0
	for range 10 {
		if !b.Allows(spent) {
			t.Fatalf("refused after %v", spent)
		}
		spent += b.Epsilon
	}
	if b.Allows(spent) {
		t.Errorf("an eleventh query allowed")
	}
	if (consent.AggregatePolicy{}).Allows(0) {
		t.Error("a zero policy allows a query")
	}
	// An operation's budget is the account's unless set.
	if a.OperationBudget() != 5 || !a.AllowsOperation(4.5) || a.AllowsOperation(4.6) {
		t.Errorf("unset operation budget: %v", a.OperationBudget())
	}
	a.OperationDailyBudget = 1
	if a.OperationBudget() != 1 || !a.AllowsOperation(0.5) || a.AllowsOperation(0.6) || a.AllowsOperation(-1) {
		t.Errorf("operation budget 1: %v", a.OperationBudget())
	}
}

func TestLoadPolicyInvalid(t *testing.T) {
	for _, c := range []struct {
		name string
		doc  func(t *testing.T) string
		want string
	}{
		{
			name: "unknown category",
			doc:  func(t *testing.T) string { return edit(t, "    NAME: PLAIN", "    SHOE_SIZE: PLAIN") },
			want: "t.yaml:18: rules.EMPLOYER_PROVISION.SHOE_SIZE: unknown category",
		},
		{
			name: "unknown mask",
			doc:  func(t *testing.T) string { return edit(t, "{mask: EMAIL}", "{mask: STARS}") },
			want: `t.yaml:21: rules.INQUIRY.EMAIL.mask: unknown mask "STARS" (want NULLIFY, EMAIL, LAST4, FIRST_N, YEAR, AGE_BAND, PREFECTURE, INITIAL, RANGE, HASH)`,
		},
		{
			name: "role given a purpose it may not use",
			doc: func(t *testing.T) string {
				return edit(t, "[MAIL_MAGAZINE, ADVERTISING]", "[MAIL_MAGAZINE, ANALYTICS]")
			},
			want: "t.yaml:14: roles.MARKETING: MARKETING may not act under ANALYTICS (DESIGN.md allows MAIL_MAGAZINE, ADVERTISING)",
		},
		{
			name: "compliance given a purpose",
			doc:  func(t *testing.T) string { return edit(t, "  ANALYST: [ANALYTICS]", "  COMPLIANCE: [INQUIRY]") },
			want: "t.yaml:15: roles.COMPLIANCE: COMPLIANCE may not act under INQUIRY (DESIGN.md allows none)",
		},
		{
			name: "excluded category given to employers",
			doc:  func(t *testing.T) string { return edit(t, "    NETWORK: HIDE", "    ADDRESS_STREET: PLAIN") },
			want: "t.yaml:19: rules.EMPLOYER_PROVISION.ADDRESS_STREET: a category §5(1) excludes cannot be given to EMPLOYER_PROVISION",
		},
		{
			name: "excluded category masked for employers",
			doc:  func(t *testing.T) string { return edit(t, "    NETWORK: HIDE", "    WORKPLACE: {mask: HASH}") },
			want: "t.yaml:19: rules.EMPLOYER_PROVISION.WORKPLACE: a category §5(1) excludes cannot be given to EMPLOYER_PROVISION",
		},
		{
			name: "missing purpose",
			doc:  func(t *testing.T) string { return edit(t, "  ANALYTICS: OPT_IN\n", "") },
			want: "t.yaml:3: purposes.ANALYTICS: missing (every purpose of policy §4 needs a consent default)",
		},
		{
			name: "unknown purpose",
			doc: func(t *testing.T) string {
				return edit(t, "  ANALYTICS: OPT_IN\n", "  ANALYTICS: OPT_IN\n  SPYING: OPT_IN\n")
			},
			want: "t.yaml:11: purposes.SPYING: unknown purpose",
		},
		{
			name: "unknown purpose in rules",
			doc:  func(t *testing.T) string { return basePolicy + "  SPYING:\n    NAME: PLAIN\n" },
			want: "t.yaml:22: rules.SPYING: unknown purpose",
		},
		{
			name: "unknown purpose in a role",
			doc:  func(t *testing.T) string { return edit(t, "[ANALYTICS]", "[ANALYTICS, SPYING]") },
			want: `t.yaml:15: roles.ANALYST: unknown purpose "SPYING"`,
		},
		{
			name: "bad consent default",
			doc:  func(t *testing.T) string { return edit(t, "ADVERTISING: OPT_OUT", "ADVERTISING: MAYBE") },
			want: `t.yaml:8: purposes.ADVERTISING: bad consent default "MAYBE" (want OPT_IN, OPT_OUT or NECESSARY)`,
		},
		{
			name: "employer provision without consent",
			doc: func(t *testing.T) string {
				return edit(t, "EMPLOYER_PROVISION: OPT_IN", "EMPLOYER_PROVISION: NECESSARY")
			},
			want: "t.yaml:4: purposes.EMPLOYER_PROVISION: must be OPT_IN: policy §4(1) provides to employers only with the user's consent",
		},
		{
			name: "FIRST_N without n",
			doc:  func(t *testing.T) string { return edit(t, "{mask: EMAIL}", "{mask: FIRST_N}") },
			want: "t.yaml:21: rules.INQUIRY.EMAIL: FIRST_N needs n (at least 1)",
		},
		{
			name: "FIRST_N with n 0",
			doc:  func(t *testing.T) string { return edit(t, "{mask: EMAIL}", "{mask: FIRST_N, n: 0}") },
			want: `t.yaml:21: rules.INQUIRY.EMAIL.n: must be an integer of at least 1, got "0"`,
		},
		{
			name: "RANGE with descending bounds",
			doc:  func(t *testing.T) string { return edit(t, "{mask: EMAIL}", "{mask: RANGE, bounds: [0, 20, 10]}") },
			want: "t.yaml:21: rules.INQUIRY.EMAIL.bounds: must be strictly ascending, got 10 after 20",
		},
		{
			name: "RANGE with equal bounds on their own lines",
			doc: func(t *testing.T) string {
				return edit(t, "{mask: EMAIL}", "\n      mask: RANGE\n      bounds:\n        - 5\n        - 5")
			},
			want: "t.yaml:25: rules.INQUIRY.EMAIL.bounds: must be strictly ascending, got 5 after 5",
		},
		{
			name: "RANGE with empty bounds",
			doc:  func(t *testing.T) string { return edit(t, "{mask: EMAIL}", "{mask: RANGE, bounds: []}") },
			want: "t.yaml:21: rules.INQUIRY.EMAIL.bounds: must be a non-empty, strictly ascending list of integers, got a list",
		},
		{
			name: "RANGE without bounds",
			doc:  func(t *testing.T) string { return edit(t, "{mask: EMAIL}", "{mask: RANGE}") },
			want: "t.yaml:21: rules.INQUIRY.EMAIL: RANGE needs bounds (a non-empty, strictly ascending list of integers)",
		},
		{
			name: "parameter of a mask that takes none",
			doc:  func(t *testing.T) string { return edit(t, "{mask: EMAIL}", "{mask: EMAIL, n: 2}") },
			want: "t.yaml:21: rules.INQUIRY.EMAIL.n: EMAIL takes no n (only FIRST_N does)",
		},
		{
			name: "unknown field of a mask",
			doc:  func(t *testing.T) string { return edit(t, "{mask: EMAIL}", "{mask: EMAIL, keep: 3}") },
			want: "t.yaml:21: rules.INQUIRY.EMAIL.keep: unknown field (want mask, n or bounds)",
		},
		{
			name: "bad rule value",
			doc:  func(t *testing.T) string { return edit(t, "NAME: PLAIN", "NAME: SHOW") },
			want: `t.yaml:18: rules.EMPLOYER_PROVISION.NAME: bad rule "SHOW" (want PLAIN, HIDE or {mask: NAME})`,
		},
		{
			name: "unknown top-level key",
			doc:  func(t *testing.T) string { return basePolicy + "colour: blue\n" },
			want: "t.yaml:22: colour: unknown key (want version, minGroupSize, aggregates, purposes, roles, rules, endOfProvision, retention or policyChanges)",
		},
		{
			name: "missing top-level key",
			doc:  func(t *testing.T) string { return "# comment\n" + edit(t, "roles:", "roles_:") },
			want: "t.yaml:2: roles: missing\nt.yaml:12: roles_: unknown key (want version, minGroupSize, aggregates, purposes, roles, rules, endOfProvision, retention or policyChanges)",
		},
		{
			name: "APPLICANT in roles",
			doc: func(t *testing.T) string {
				return edit(t, "  ANALYST: [ANALYTICS]\n", "  ANALYST: [ANALYTICS]\n  APPLICANT: []\n")
			},
			want: "t.yaml:16: roles.APPLICANT: APPLICANT may not be listed: self-access is built in, not a purpose",
		},
		{
			name: "ANONYMOUS in roles",
			doc:  func(t *testing.T) string { return edit(t, "  ANALYST: [ANALYTICS]", "  ANONYMOUS: []") },
			want: "t.yaml:15: roles.ANONYMOUS: ANONYMOUS may not be listed: a request without a token acts under no purpose",
		},
		{
			name: "unknown role",
			doc:  func(t *testing.T) string { return edit(t, "  ANALYST: [ANALYTICS]", "  ROOT: [ANALYTICS]") },
			want: "t.yaml:15: roles.ROOT: unknown role",
		},
		{
			name: "role not given a list",
			doc:  func(t *testing.T) string { return edit(t, "  ANALYST: [ANALYTICS]", "  ANALYST: ANALYTICS") },
			want: `t.yaml:15: roles.ANALYST: must be a list of purposes ([] for none), got "ANALYTICS"`,
		},
		{
			name: "purpose listed twice for a role",
			doc:  func(t *testing.T) string { return edit(t, "[ANALYTICS]", "[ANALYTICS, ANALYTICS]") },
			want: "t.yaml:15: roles.ANALYST: ANALYTICS listed twice",
		},
		{
			name: "duplicate key",
			doc:  func(t *testing.T) string { return edit(t, "    NETWORK: HIDE", "    NAME: HIDE") },
			want: "t.yaml:19: rules.EMPLOYER_PROVISION.NAME: duplicate key (first at line 18)",
		},
		{
			name: "duplicate top-level key",
			doc:  func(t *testing.T) string { return basePolicy + "version: \"2\"\n" },
			want: "t.yaml:22: version: duplicate key (first at line 1)",
		},
		{
			name: "minGroupSize below 2",
			doc:  func(t *testing.T) string { return edit(t, "minGroupSize: 10", "minGroupSize: 1") },
			want: "t.yaml:2: minGroupSize: must be at least 2, got 1",
		},
		{
			name: "minGroupSize not an integer",
			doc:  func(t *testing.T) string { return edit(t, "minGroupSize: 10", `minGroupSize: "10"`) },
			want: `t.yaml:2: minGroupSize: must be an integer, got "10"`,
		},
		{
			name: "aggregates not a mapping",
			doc:  func(t *testing.T) string { return basePolicy + "aggregates: [0.5]\n" },
			want: "t.yaml:22: aggregates: must be a mapping of epsilon, delta, dailyBudget and operationDailyBudget",
		},
		{
			name: "epsilon not a number",
			doc:  func(t *testing.T) string { return basePolicy + "aggregates:\n  epsilon: \"0.5\"\n" },
			want: `t.yaml:23: aggregates.epsilon: must be a number greater than 0, got "0.5"`,
		},
		{
			name: "epsilon negative",
			doc:  func(t *testing.T) string { return basePolicy + "aggregates:\n  epsilon: -1\n" },
			want: `t.yaml:23: aggregates.epsilon: must be a number greater than 0, got "-1"`,
		},
		{
			name: "epsilon not finite",
			doc:  func(t *testing.T) string { return basePolicy + "aggregates:\n  epsilon: .inf\n" },
			want: `t.yaml:23: aggregates.epsilon: must be a number greater than 0, got ".inf"`,
		},
		{
			name: "delta too large",
			doc:  func(t *testing.T) string { return basePolicy + "aggregates:\n  delta: 0.01\n" },
			want: `t.yaml:23: aggregates.delta: must be a number greater than 0 and at most 0.001, got "0.01"`,
		},
		{
			name: "delta zero",
			doc:  func(t *testing.T) string { return basePolicy + "aggregates:\n  delta: 0\n" },
			want: `t.yaml:23: aggregates.delta: must be a number greater than 0 and at most 0.001, got "0"`,
		},
		{
			name: "daily budget below epsilon",
			doc: func(t *testing.T) string {
				return basePolicy + "aggregates:\n  epsilon: 1\n  dailyBudget: 0.5\n"
			},
			want: "t.yaml:24: aggregates.dailyBudget: must be at least epsilon (1), got 0.5",
		},
		{
			name: "daily budget below the default epsilon",
			doc:  func(t *testing.T) string { return basePolicy + "aggregates:\n  dailyBudget: 0.25\n" },
			want: "t.yaml:23: aggregates.dailyBudget: must be at least epsilon (1), got 0.25",
		},
		{
			name: "operation budget below epsilon",
			doc: func(t *testing.T) string {
				return basePolicy + "aggregates:\n  epsilon: 2\n  operationDailyBudget: 1\n"
			},
			want: "t.yaml:24: aggregates.operationDailyBudget: must be at least epsilon (2), got 1",
		},
		{
			name: "operation budget not a number",
			doc:  func(t *testing.T) string { return basePolicy + "aggregates:\n  operationDailyBudget: lots\n" },
			want: `t.yaml:23: aggregates.operationDailyBudget: must be a number greater than 0, got "lots"`,
		},
		{
			name: "epsilon above the default daily budget",
			doc:  func(t *testing.T) string { return basePolicy + "aggregates:\n  epsilon: 11\n" },
			want: "t.yaml:23: aggregates.epsilon: must be at most dailyBudget (10, the default), got 11",
		},
		{
			name: "unknown key in aggregates",
			doc:  func(t *testing.T) string { return basePolicy + "aggregates: {epsilon: 1, k: 5}\n" },
			want: "t.yaml:22: aggregates.k: unknown key (want epsilon, delta, dailyBudget or operationDailyBudget)",
		},
		{
			name: "empty version",
			doc:  func(t *testing.T) string { return edit(t, `version: "1"`, `version: ""`) },
			want: "t.yaml:1: version: must not be empty",
		},
		{
			name: "alias",
			doc: func(t *testing.T) string {
				return edit(t, "  ANALYST: [ANALYTICS]", "  ANALYST: &a [ANALYTICS]\n  ADMIN: *a")
			},
			want: "t.yaml:16: roles.ADMIN: aliases are not supported",
		},
		{
			name: "key with a newline is quoted",
			doc:  func(t *testing.T) string { return basePolicy + "\"a\\nb\": 1\n" },
			want: `t.yaml:22: "a\nb": unknown key (want version, minGroupSize, aggregates, purposes, roles, rules, endOfProvision, retention or policyChanges)`,
		},
		{
			name: "malformed YAML",
			doc:  func(t *testing.T) string { return edit(t, "    NAME: PLAIN", "    NAME: PLAIN: x") },
			want: "t.yaml:18: malformed YAML: mapping values are not allowed in this context",
		},
		{
			name: "unclosed flow sequence",
			doc:  func(t *testing.T) string { return "version: [1,\n" },
			want: "t.yaml:1: malformed YAML: did not find expected node content",
		},
		{
			name: "empty document",
			doc:  func(t *testing.T) string { return "" },
			want: "t.yaml:1: empty policy document",
		},
		{
			name: "only comments",
			doc:  func(t *testing.T) string { return "# nothing here\n\n" },
			want: "t.yaml:1: empty policy document",
		},
		{
			name: "null document",
			doc:  func(t *testing.T) string { return "---\n~\n" },
			want: "t.yaml:1: empty policy document",
		},
		{
			name: "not a mapping",
			doc:  func(t *testing.T) string { return "- version\n" },
			want: "t.yaml:1: a policy document must be a mapping of version, minGroupSize, purposes, roles and rules",
		},
		{
			name: "two documents",
			doc:  func(t *testing.T) string { return basePolicy + "---\nversion: \"2\"\n" },
			want: "t.yaml:22: more than one YAML document",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := consent.LoadPolicy("t.yaml", []byte(c.doc(t)))
			if p != nil {
				t.Errorf("got a policy: %+v", p)
			}
			if !errors.Is(err, consent.ErrInvalidPolicy) {
				t.Fatalf("err = %v, want an ErrInvalidPolicy", err)
			}
			if err.Error() != c.want {
				t.Errorf("err =\n%s\nwant\n%s", err, c.want)
			}
		})
	}
}

// TestLoadPolicyReportsAll: every problem of a document is reported, in
// line order, each its own *PolicyError.
func TestLoadPolicyReportsAll(t *testing.T) {
	_, err := consent.LoadPolicyFile(filepath.Join("testdata", "several_problems.yaml"))
	want := []string{
		"testdata/several_problems.yaml:3: version: must not be empty",
		"testdata/several_problems.yaml:4: minGroupSize: must be at least 2, got 0",
		"testdata/several_problems.yaml:5: purposes.INQUIRY: missing (every purpose of policy §4 needs a consent default)",
		"testdata/several_problems.yaml:5: purposes.ANALYTICS: missing (every purpose of policy §4 needs a consent default)",
		`testdata/several_problems.yaml:10: purposes.ADVERTISING: bad consent default "SOMETIMES" (want OPT_IN, OPT_OUT or NECESSARY)`,
		"testdata/several_problems.yaml:13: roles.EMPLOYER: EMPLOYER may not act under ANALYTICS (DESIGN.md allows EMPLOYER_PROVISION)",
		"testdata/several_problems.yaml:14: roles.APPLICANT: APPLICANT may not be listed: self-access is built in, not a purpose",
		"testdata/several_problems.yaml:19: rules.EMPLOYER_PROVISION.NETWORK: a category §5(1) excludes cannot be given to EMPLOYER_PROVISION",
		"testdata/several_problems.yaml:20: rules.EMPLOYER_PROVISION.SHOE_SIZE: unknown category",
		"testdata/several_problems.yaml:22: rules.ANALYTICS.NAME: FIRST_N needs n (at least 1)",
		"testdata/several_problems.yaml:23: rules.ANALYTICS.BIRTH_DATE.bounds: must be strictly ascending, got 18 after 65",
		"testdata/several_problems.yaml:24: aggregates.epsilon: must be a number greater than 0, got \"0\"",
		"testdata/several_problems.yaml:24: aggregates.delta: must be a number greater than 0 and at most 0.001, got \"0.5\"",
		"testdata/several_problems.yaml:25: retention: must be a mapping of kinds (INACTIVE_ACCOUNTS, CLOSED_APPLICATIONS, CONSENT_LEDGER, ACCESS_RECORDS, BUDGET_SPENDS) to {period, action, reason}",
	}
	if !errors.Is(err, consent.ErrInvalidPolicy) {
		t.Fatalf("err = %v", err)
	}
	if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("%T does not join errors", err)
	}
	for _, e := range joined.Unwrap() {
		var pe *consent.PolicyError
		if !errors.As(e, &pe) || pe.File != "testdata/several_problems.yaml" || pe.Line == 0 {
			t.Errorf("%v: not a located *PolicyError", e)
		}
	}
}

func TestLoadPolicyFile(t *testing.T) {
	t.Run("valid", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "policy.yaml")
		if err := os.WriteFile(path, []byte(basePolicy), 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := consent.LoadPolicyFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if p.Version != "1" || p.Purposes[consent.Advertising] != consent.OptOut {
			t.Errorf("got %+v", p)
		}
	})
	t.Run("invalid names the path", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "policy.yaml")
		if err := os.WriteFile(path, []byte(strings.Replace(basePolicy, "minGroupSize: 10", "minGroupSize: 1", 1)), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := consent.LoadPolicyFile(path)
		if want := path + ":2: minGroupSize: must be at least 2, got 1"; err == nil || err.Error() != want {
			t.Errorf("err = %v, want %s", err, want)
		}
	})
	t.Run("missing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "absent.yaml")
		p, err := consent.LoadPolicyFile(path)
		if p != nil || !errors.Is(err, consent.ErrInvalidPolicy) || !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("got %v, %v", p, err)
		}
		if want := "invalid policy: open " + path + ": no such file or directory"; err.Error() != want {
			t.Errorf("err = %v, want %s", err, want)
		}
	})
}

// ExampleLoadPolicy shows what an operator sees when a replacement policy
// tries to give employers a category §5(1) does not list.
func ExampleLoadPolicy() {
	doc := strings.Replace(basePolicy, "NETWORK: HIDE", "NETWORK: PLAIN", 1)
	_, err := consent.LoadPolicy("override.yaml", []byte(doc))
	fmt.Println(err)
	fmt.Println(errors.Is(err, consent.ErrInvalidPolicy))
	// Output:
	// override.yaml:19: rules.EMPLOYER_PROVISION.NETWORK: a category §5(1) excludes cannot be given to EMPLOYER_PROVISION
	// true
}

var errorLine = regexp.MustCompile(`^fuzz\.yaml:[1-9][0-9]*: \S`)

func FuzzLoadPolicy(f *testing.F) {
	def, err := os.ReadFile("policy.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def)
	f.Add([]byte(basePolicy))
	for _, s := range [][2]string{
		{"NETWORK: HIDE", "NETWORK: PLAIN"},
		{"{mask: EMAIL}", "{mask: RANGE, bounds: [3, 2]}"},
		{"{mask: EMAIL}", "{mask: FIRST_N, n: 2}"},
		{"  ANALYST: [ANALYTICS]", "  APPLICANT: [ANALYTICS]"},
		{"  ANALYTICS: OPT_IN\n", ""},
		{"roles:", "roles: &r\n  X: *r"},
		{"minGroupSize: 10", "minGroupSize: 99999999999999999999999"},
		{"minGroupSize: 10", "minGroupSize: 10\naggregates: {epsilon: 0.1, delta: 1e-7, dailyBudget: 1}"},
		{"minGroupSize: 10", "minGroupSize: 10\naggregates: {epsilon: .nan, dailyBudget: 1e400}"},
	} {
		f.Add([]byte(strings.Replace(basePolicy, s[0], s[1], 1)))
	}
	f.Add([]byte(""))
	f.Add([]byte("version: [1,\n"))
	f.Add([]byte("<<: {version: x}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := consent.LoadPolicy("fuzz.yaml", data)
		if err != nil {
			if p != nil {
				t.Fatal("a policy and an error")
			}
			if !errors.Is(err, consent.ErrInvalidPolicy) {
				t.Fatalf("error not an ErrInvalidPolicy: %v", err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !errorLine.MatchString(line) {
					t.Fatalf("error line %q is not file:line: message", line)
				}
			}
			return
		}
		checkPolicy(t, p)
	})
}

// checkPolicy re-checks a loaded policy's invariants independently of the
// loader.
func checkPolicy(t *testing.T, p *consent.Policy) {
	t.Helper()
	if p.Version == "" || p.MinGroupSize < 2 {
		t.Errorf("version %q, minGroupSize %d", p.Version, p.MinGroupSize)
	}
	if a := p.Aggregates; !(a.Epsilon > 0) || !(a.Delta > 0 && a.Delta <= consent.MaxAggregateDelta) ||
		!(a.DailyBudget >= a.Epsilon) || math.IsInf(a.DailyBudget, 0) {
		t.Errorf("aggregates %+v", a)
	}
	if len(p.Purposes) != len(consent.Purposes) {
		t.Errorf("%d purposes, want seven", len(p.Purposes))
	}
	for _, pu := range consent.Purposes {
		switch p.Purposes[pu] {
		case consent.OptIn, consent.OptOut, consent.Necessary:
		default:
			t.Errorf("purpose %s has default %q", pu, p.Purposes[pu])
		}
	}
	if p.Purposes[consent.EmployerProvision] != consent.OptIn {
		t.Errorf("EMPLOYER_PROVISION is %s", p.Purposes[consent.EmployerProvision])
	}
	for r, ps := range p.RolePurposes {
		for _, pu := range ps {
			if !slices.Contains(consent.MayActUnder[r], pu) {
				t.Errorf("%s acts under %s", r, pu)
			}
		}
	}
	for pu, rules := range p.Rules {
		if _, err := consent.ParsePurpose(string(pu)); err != nil {
			t.Errorf("rules for %q", pu)
		}
		for c, r := range rules {
			if _, err := consent.ParseCategory(string(c)); err != nil {
				t.Errorf("rule for %q", c)
			}
			if pu == consent.EmployerProvision && !c.ProvidableToEmployers() && r.Outcome != consent.Hidden {
				t.Errorf("§5(1)-excluded %s released to employers: %+v", c, r)
			}
			switch m := r.Mask; r.Outcome {
			case consent.Plain, consent.Hidden:
				if !reflect.DeepEqual(m, consent.Mask{}) {
					t.Errorf("%s %s: unmasked rule with mask %+v", pu, c, m)
				}
			case consent.Masked:
				if !slices.Contains(consent.MaskNames, m.Name) ||
					(m.Name == consent.MaskFirstN) != (m.N >= 1) || (m.Name != consent.MaskFirstN && m.N != 0) ||
					(m.Name == consent.MaskRange) != (len(m.Bounds) > 0) ||
					!slices.IsSorted(m.Bounds) || len(slices.Compact(slices.Clone(m.Bounds))) != len(m.Bounds) {
					t.Errorf("%s %s: bad mask %+v", pu, c, m)
				}
			default:
				t.Errorf("%s %s: outcome %d", pu, c, r.Outcome)
			}
		}
	}
}
