package consent

import (
	"slices"
	"strings"
)

// Outcome is what happens to one personal field for one viewer.
type Outcome int

// Outcomes, from least to most restrictive.
const (
	Plain Outcome = iota
	Masked
	Hidden
)

func (o Outcome) String() string {
	switch o {
	case Plain:
		return "PLAIN"
	case Masked:
		return "MASK"
	default:
		return "HIDE"
	}
}

// Reason says why a field was hidden. It is machine-readable and reaches
// clients, so it names a rule, never a value.
type Reason string

// Reasons for hiding a field.
const (
	// ConsentRequired: the subject has not consented to the viewer's purpose.
	ConsentRequired Reason = "CONSENT_REQUIRED"
	// NotPermitted: the viewer's role or purpose never sees this category.
	NotPermitted Reason = "NOT_PERMITTED"
	// WithheldBySubject: the subject withheld this category from the viewer.
	WithheldBySubject Reason = "WITHHELD_BY_SUBJECT"
)

// Decision is the engine's answer for one (viewer, subject, category).
type Decision struct {
	Outcome Outcome
	Mask    Mask   // set when Outcome is Masked
	Reason  Reason // set when Outcome is Hidden
}

// hide is the hidden decision for reason r.
func hide(r Reason) Decision { return Decision{Outcome: Hidden, Reason: r} }

// stricter returns the more restrictive of a and b (plain < masked <
// hidden); on a tie, a.
func stricter(a, b Decision) Decision {
	if b.Outcome > a.Outcome {
		return b
	}
	return a
}

// Subject is what the engine needs to know about the person the data is
// about: whether the viewer is that person, their consents, and the legal
// basis of policy §5(2) under which the viewer may see their data.
type Subject struct {
	Self     bool
	Consents Consents
	// LegalBasis is set only when the viewer holds a live access grant for
	// this subject (approved by a second compliance account, not revoked,
	// not expired): the data layer finds it, the engine only trusts it for a
	// COMPLIANCE viewer. Empty for everyone else.
	LegalBasis LegalBasis
}

// Entry is one consent ledger entry, in ledger order (oldest first).
type Entry struct {
	Purpose   Purpose
	Recipient string   // the employer's external id, for EMPLOYER_PROVISION; "" for everyone
	Category  Category // "" for the whole purpose; else the one category withheld or released
	Granted   bool
}

// Consents is a subject's current consent state: the latest entry for each
// (purpose, recipient, category). The zero value records nothing. Ledgers
// are short, so the state is a small slice searched in order.
type Consents struct {
	latest []consentState
}

type consentKey struct {
	purpose   Purpose
	recipient string
	category  Category
}

type consentState struct {
	key     consentKey
	granted bool
}

// Summarize folds a subject's ledger, oldest entry first, into their
// current state.
func Summarize(entries []Entry) Consents {
	var c Consents
	for _, e := range entries {
		k := consentKey{e.Purpose, e.Recipient, e.Category}
		if i := c.find(k); i >= 0 {
			c.latest[i].granted = e.Granted
		} else {
			c.latest = append(c.latest, consentState{k, e.Granted})
		}
	}
	return c
}

func (c Consents) find(k consentKey) int {
	for i, s := range c.latest {
		if s.key == k {
			return i
		}
	}
	return -1
}

// Key returns a string that is equal for two Consents exactly when they
// hold the same state: subjects with equal keys get equal decisions.
func (c Consents) Key() string {
	parts := make([]string, len(c.latest))
	for i, s := range c.latest {
		g := "0"
		if s.granted {
			g = "1"
		}
		parts[i] = string(s.key.purpose) + "\x00" + s.key.recipient + "\x00" + string(s.key.category) + "\x00" + g
	}
	slices.Sort(parts)
	return strings.Join(parts, "\x01")
}

// state returns the latest entry's grant for a key and whether there is one.
func (c Consents) state(p Purpose, recipient string, cat Category) (granted, recorded bool) {
	if i := c.find(consentKey{p, recipient, cat}); i >= 0 {
		return c.latest[i].granted, true
	}
	return false, false
}

// Engine decides what each viewer sees of each subject under one policy.
type Engine struct {
	policy      *Policy
	passThrough bool
}

// NewEngine returns an engine over a loaded (validated) policy.
func NewEngine(p *Policy) *Engine { return &Engine{policy: p} }

// NewPassThroughEngine returns an engine that releases every known category
// plain to every viewer, whatever the policy's rules and the subject's
// consents say. Rows are still the policy's (PurposesOf is unchanged). It
// is the baseline the employer dashboard benchmark measures the engine
// against (BENCHMARKS.md); the gateway never uses it.
func NewPassThroughEngine(p *Policy) *Engine { return &Engine{policy: p, passThrough: true} }

// Policy returns the policy the engine decides by.
func (e *Engine) Policy() *Policy { return e.policy }

// PurposesOf returns the purposes v acts under: the one it declares, if its
// role may use it, or else every purpose of its role. None means v sees no
// one's personal data but, for an applicant, their own.
func (e *Engine) PurposesOf(v Viewer) []Purpose {
	allowed := e.policy.RolePurposes[v.Role]
	if v.Purpose == "" {
		return allowed
	}
	for _, p := range allowed {
		if p == v.Purpose {
			return []Purpose{p}
		}
	}
	return nil
}

// Decide returns the decision for one category of one subject's data.
//
// An applicant sees all of their own data plain. A COMPLIANCE viewer acts
// under no purpose and sees nothing, except under a legal basis of policy
// §5(2): for a subject whose LegalBasis is set (a live grant the viewer
// opened), every known category is plain; the release is recorded with
// that basis. Anyone else sees a category only through the purposes they
// act under: each purpose's rule for the category, narrowed by the
// subject's consent, and when several purposes apply the most restrictive
// decision wins. A purpose that releases statistics only (ANALYTICS,
// ADVERTISING: Purpose.AggregateOnly) releases no value of one subject:
// its rules say what statistics may group by (Groupable). An unknown
// category, role or legal basis, a purpose the role may not act under, or
// a viewer without an identity is hidden.
func (e *Engine) Decide(v Viewer, s Subject, c Category) Decision {
	if c.Index() < 0 || e == nil || e.policy == nil {
		return hide(NotPermitted)
	}
	if e.passThrough {
		return Decision{Outcome: Plain}
	}
	if v.Role == Applicant {
		if s.Self && v.Account != "" {
			return Decision{Outcome: Plain}
		}
		return hide(NotPermitted)
	}
	if s.LegalBasis != "" {
		// §5(2): provision without consent, only to the compliance account
		// holding the grant, whatever the policy's purposes say.
		if v.Role == Compliance && v.Account != "" && s.LegalBasis.Valid() {
			return Decision{Outcome: Plain}
		}
		return hide(NotPermitted)
	}
	purposes := e.PurposesOf(v)
	if len(purposes) == 0 || v.Account == "" {
		return hide(NotPermitted)
	}
	d := Decision{Outcome: Plain}
	for _, p := range purposes {
		if p.AggregateOnly() {
			// Statistics only (Aggregate): never a value of one subject.
			return hide(NotPermitted)
		}
		d = stricter(d, e.decideUnder(v, s, p, c))
	}
	return d
}

// decideUnder decides one category under one purpose.
func (e *Engine) decideUnder(v Viewer, s Subject, p Purpose, c Category) Decision {
	rule, ok := e.policy.Rules[p][c]
	if !ok || rule.Outcome == Hidden {
		return hide(NotPermitted)
	}
	recipient := ""
	if p == EmployerProvision {
		if !c.ProvidableToEmployers() || v.Org == "" {
			return hide(NotPermitted)
		}
		recipient = v.Org
	}
	if !e.Consented(s.Consents, p, recipient) {
		return hide(ConsentRequired)
	}
	if p == EmployerProvision && withheld(s.Consents, recipient, c) {
		return hide(WithheldBySubject)
	}
	return Decision{Outcome: rule.Outcome, Mask: rule.Mask}
}

// Consented reports whether a subject's consents allow purpose p (towards
// recipient, for EMPLOYER_PROVISION) under the purpose's consent default.
func (e *Engine) Consented(c Consents, p Purpose, recipient string) bool {
	granted, recorded := c.state(p, recipient, "")
	switch e.policy.Purposes[p] {
	case Necessary:
		return true
	case OptIn:
		return recorded && granted
	case OptOut:
		return !recorded || granted
	}
	return false
}

// withheld reports whether the subject withheld category c from the
// employer: an entry for that employer decides; without one, a global
// entry does.
func withheld(c Consents, employer string, cat Category) bool {
	if granted, recorded := c.state(EmployerProvision, employer, cat); recorded {
		return !granted
	}
	granted, recorded := c.state(EmployerProvision, "", cat)
	return recorded && !granted
}
