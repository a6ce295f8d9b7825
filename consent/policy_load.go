package consent

import (
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"sort"
	"sync"

	yaml "go.yaml.in/yaml/v3"
)

// MayActUnder is the allow-list of DESIGN.md: the purposes each role may
// ever be given by a policy. A policy can narrow it (the default gives
// SUPPORT no FEEDBACK) but not widen it, so that a policy file cannot, say,
// let an employer act under ANALYTICS. A role absent from it (APPLICANT,
// whose self-access is built in, and ANONYMOUS) acts under no purpose, nor
// do COMPLIANCE (privacy requests and §5(2) legal bases are not purposes)
// and ADMIN (no personal data at all).
var MayActUnder = map[Role][]Purpose{
	Employer:   {EmployerProvision},
	Support:    {Inquiry, Service, Feedback},
	Marketing:  {MailMagazine, Advertising},
	Analyst:    {Analytics},
	Compliance: {},
	Admin:      {},
}

// PolicyError is one problem of a policy document: the file name given to
// LoadPolicy, the line, the dotted key (e.g. "rules.INQUIRY.EMAIL"; empty
// for problems of the document as a whole) and what is wrong. It wraps
// ErrInvalidPolicy. Its message is one line and quotes any value it shows.
type PolicyError struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *PolicyError) Error() string {
	if e.Key == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s: %s", e.File, e.Line, e.Key, e.Msg)
}

// Unwrap makes every PolicyError an ErrInvalidPolicy.
func (e *PolicyError) Unwrap() error { return ErrInvalidPolicy }

//go:embed policy.yaml
var defaultPolicyYAML []byte

var defaultPolicy = sync.OnceValue(func() *Policy {
	p, err := LoadPolicy("policy.yaml", defaultPolicyYAML)
	if err != nil {
		panic("consent: embedded default policy is invalid: " + err.Error())
	}
	return p
})

// DefaultPolicy returns the embedded default policy (parsed and validated;
// it panics only if the embedded file is invalid, which a test rules out).
// Each call returns a fresh copy, so a caller may modify it.
func DefaultPolicy() *Policy { return defaultPolicy().clone() }

// LoadPolicyFile reads and loads the file at path; path names the file in
// error messages. A file that cannot be read is an ErrInvalidPolicy too
// (and keeps the read error, e.g. fs.ErrNotExist).
func LoadPolicyFile(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPolicy, err)
	}
	return LoadPolicy(path, data)
}

// LoadPolicy parses and validates a policy document (the shape of the
// embedded policy.yaml). Every error names the line and the key: e.g.
// `policy.yaml:42: rules.EMPLOYER_PROVISION.ADDRESS_STREET: a category §5(1)
// excludes cannot be given to EMPLOYER_PROVISION`. name is used as the file
// name in messages. All problems are reported, joined in line order; each
// wraps ErrInvalidPolicy.
//
// The Policy returned has all seven purposes in Purposes and in Rules (a
// purpose without rules gets an empty map). Rules keeps explicit HIDE
// entries as Rule{Outcome: Hidden}, so the data map can tell "hidden on
// purpose" from "not listed"; both are hidden. RolePurposes has an entry
// for each role the document lists, in the document's order; an unlisted
// role acts under no purpose.
func LoadPolicy(name string, data []byte) (*Policy, error) {
	l := &loader{file: name}
	var p *Policy
	if root := l.parse(data); root != nil {
		p = l.policy(root)
	}
	if len(l.errs) > 0 {
		sort.SliceStable(l.errs, func(i, j int) bool { return l.errs[i].Line < l.errs[j].Line })
		errs := make([]error, len(l.errs))
		for i, e := range l.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	return p, nil
}

var (
	topKeys         = []string{"version", "minGroupSize", "purposes", "roles", "rules"}
	consentDefaults = []ConsentDefault{OptIn, OptOut, Necessary}
)

func (l *loader) policy(root *yaml.Node) *Policy {
	p := &Policy{
		Aggregates: AggregatePolicy{
			Epsilon:     DefaultAggregateEpsilon,
			Delta:       DefaultAggregateDelta,
			DailyBudget: DefaultAggregateDailyBudget,
		},
		Purposes:       make(map[Purpose]ConsentDefault, len(Purposes)),
		RolePurposes:   make(map[Role][]Purpose),
		Rules:          make(map[Purpose]map[Category]Rule, len(Purposes)),
		EndOfProvision: DefaultEndOfProvision(),
		Retention:      DefaultRetention(),
		PolicyChanges:  DefaultPolicyChanges(),
	}
	for _, pu := range Purposes {
		p.Rules[pu] = make(map[Category]Rule)
	}
	ents, present := l.entries(root, "")
	for _, e := range ents {
		switch e.key {
		case "version":
			l.version(p, e)
		case "minGroupSize":
			if k, ok := integer(e.val); !ok {
				l.add(e.line, e.path, "must be an integer, got "+describe(e.val))
			} else if k < 2 {
				l.add(e.line, e.path, fmt.Sprintf("must be at least 2, got %d", k))
			} else {
				p.MinGroupSize = k
			}
		case "aggregates":
			l.aggregates(p, e)
		case "purposes":
			l.purposes(p, e)
		case "roles":
			l.roles(p, e)
		case "rules":
			l.rules(p, e)
		case "endOfProvision":
			l.endOfProvision(p, e)
		case "retention":
			l.retention(p, e)
		case "policyChanges":
			l.policyChanges(p, e)
		default:
			l.add(e.line, e.path, "unknown key (want version, minGroupSize, aggregates, purposes, roles, rules, endOfProvision, retention or policyChanges)")
		}
	}
	for _, k := range topKeys {
		if !present[k] {
			l.add(root.Line, k, "missing")
		}
	}
	return p
}

// clone returns a deep copy of p.
func (p *Policy) clone() *Policy {
	c := *p
	c.Purposes = maps.Clone(p.Purposes)
	c.RolePurposes = make(map[Role][]Purpose, len(p.RolePurposes))
	for r, ps := range p.RolePurposes {
		c.RolePurposes[r] = slices.Clone(ps)
	}
	c.EndOfProvision = make(map[FinalState]EndOfProvision, len(p.EndOfProvision))
	for s, e := range p.EndOfProvision {
		e.Keep = slices.Clone(e.Keep)
		c.EndOfProvision[s] = e
	}
	c.Retention = maps.Clone(p.Retention)
	c.Rules = make(map[Purpose]map[Category]Rule, len(p.Rules))
	for pu, rs := range p.Rules {
		m := make(map[Category]Rule, len(rs))
		for cat, r := range rs {
			r.Mask.Bounds = slices.Clone(r.Mask.Bounds)
			m[cat] = r
		}
		c.Rules[pu] = m
	}
	return &c
}
