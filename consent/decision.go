package consent

import (
	"slices"
	"strings"
	"time"
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
	// PastEndOfProvision: the provision of the subject's data to the
	// employer has ended (provision.go): every application to it is past
	// its end of provision, or only a hire is left and it keeps other
	// categories.
	PastEndOfProvision Reason = "PROVISION_ENDED"
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
	// Provision is, for an EMPLOYER viewer, where provision to its
	// organisation stands (provision.go): the data layer finds it from the
	// subject's applications to the employer's jobs (or, for an
	// application's own fields, from that application). The zero value,
	// ProvisionEnded, provides nothing.
	Provision ProvisionStage
}

// Entry is one line of a subject's current consent state: the ledger
// entry now in force for its purpose, recipient scope and category.
type Entry struct {
	// Seq is the entry's place in the ledger's order: a later entry has a
	// greater Seq. The database gives it (the ledger's id), never a clock.
	Seq       int64
	Purpose   Purpose
	Recipient string   // the employer, for EMPLOYER_PROVISION; "" for all employers
	Category  Category // "" for the whole purpose; else the one category withheld or released
	Granted   bool
	// From is when the entry takes effect, when later than recorded (an
	// objection filed in a policy version's notice period takes effect with
	// the version): before it the line is as if absent. Zero: at once.
	From time.Time
	// Until is, for a grant, when it stops standing (policy §8): the
	// effective time of a version that changed its purpose and under which
	// it has no deemed standing (a change of EMPLOYER_PROVISION, an added
	// purpose) or that the subject objected to. From then the line counts
	// as a withdrawal. Zero: never.
	Until time.Time
}

// At returns the line as it stands at now, and whether it applies at all:
// not before From; a grant past its Until stands as a withdrawal.
func (l Entry) At(now time.Time) (Entry, bool) {
	if !l.From.IsZero() && now.Before(l.From) {
		return l, false
	}
	if l.Granted && !l.Until.IsZero() && !now.Before(l.Until) {
		l.Granted = false
	}
	return l, true
}

// Consents is a subject's current consent state, as kept beside the ledger
// (one line per purpose, recipient scope and category: the entry in force
// for it). The zero value records nothing. A subject has few lines, so
// they are a small slice searched in order.
type Consents struct {
	lines []Entry
}

// State returns the consent state made of the given lines, one per
// purpose, recipient and category, as read from where the state is kept.
// Of two lines for the same key, the later (greater Seq) is kept.
func State(lines ...Entry) Consents {
	var c Consents
	for _, l := range lines {
		c.put(l)
	}
	return c
}

// StateAt returns the consent state made of the given lines as they stand
// at now (Entry.At): the standing of each grant under the policy versions
// in force, not only what was recorded, is what the engine decides from.
func StateAt(now time.Time, lines ...Entry) Consents {
	var c Consents
	for _, l := range lines {
		if l, ok := l.At(now); ok {
			c.put(l)
		}
	}
	return c
}

func (c *Consents) put(l Entry) {
	if i := c.find(l.Purpose, l.Recipient, l.Category); i < 0 {
		c.lines = append(c.lines, l)
	} else if l.Seq > c.lines[i].Seq {
		c.lines[i] = l
	}
}

func (c Consents) find(p Purpose, recipient string, cat Category) int {
	for i, l := range c.lines {
		if l.Purpose == p && l.Recipient == recipient && l.Category == cat {
			return i
		}
	}
	return -1
}

// InForce returns the entry that decides purpose p towards recipient ("" for
// a purpose without recipients), for category cat ("" for the whole
// purpose), and whether there is one: of the line naming the recipient and
// the line naming all recipients, the later one (the scope rule, in the
// package doc).
func (c Consents) InForce(p Purpose, recipient string, cat Category) (Entry, bool) {
	var e Entry
	found := false
	if i := c.find(p, "", cat); i >= 0 {
		e, found = c.lines[i], true
	}
	if recipient != "" {
		if i := c.find(p, recipient, cat); i >= 0 && (!found || c.lines[i].Seq > e.Seq) {
			e, found = c.lines[i], true
		}
	}
	return e, found
}

// Key returns a string that is equal for two Consents when they decide
// alike for every viewer: for each line, whether the entry in force for
// its key under the scope rule is a grant. Subjects with equal keys get
// equal decisions.
func (c Consents) Key() string {
	parts := make([]string, len(c.lines))
	for i, l := range c.lines {
		e, _ := c.InForce(l.Purpose, l.Recipient, l.Category)
		g := "0"
		if e.Granted {
			g = "1"
		}
		parts[i] = string(l.Purpose) + "\x00" + l.Recipient + "\x00" + string(l.Category) + "\x00" + g
	}
	slices.Sort(parts)
	return strings.Join(parts, "\x01")
}

// Engine decides what each viewer sees of each subject under one policy.
type Engine struct {
	policy      *Policy
	passThrough bool
	now         func() time.Time
}

// WithClock returns a copy of the engine that reads the time from now
// (time.Now when nil): when a policy version takes effect, and so how a
// consent stands, depends on it. Tests move it on.
func (e *Engine) WithClock(now func() time.Time) *Engine {
	c := *e
	c.now = now
	return &c
}

// Now returns the engine's time: the one every reader of the consent
// state compares a line's From and Until with (Entry.At).
func (e *Engine) Now() time.Time {
	if e.now == nil {
		return time.Now()
	}
	return e.now()
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
// subject's consent (and, for EMPLOYER_PROVISION, by where provision to
// the employer stands: Subject.Provision), and when several purposes apply
// the most restrictive decision wins. A purpose that releases statistics only (ANALYTICS,
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
	if p == EmployerProvision {
		if !e.provided(s.Provision, c) {
			return hide(PastEndOfProvision)
		}
		if withheld(s.Consents, recipient, c) {
			return hide(WithheldBySubject)
		}
	}
	return Decision{Outcome: rule.Outcome, Mask: rule.Mask}
}

// provided reports whether provision at stage s still covers category c:
// every category while an application is open, the categories a hire
// keeps after its grace period, nothing once provision has ended.
func (e *Engine) provided(s ProvisionStage, c Category) bool {
	switch s {
	case ProvisionOpen:
		return true
	case ProvisionKept:
		return e.policy.EndOfProvision[Hired].Keeps(c)
	}
	return false
}

// Consented reports whether a subject's consents allow purpose p (towards
// recipient, for EMPLOYER_PROVISION) under the purpose's consent default:
// the entry in force for the whole purpose (InForce) must be a grant for
// an opt-in purpose, must not be a withdrawal for an opt-out one; a
// necessary purpose needs none.
func (e *Engine) Consented(c Consents, p Purpose, recipient string) bool {
	entry, recorded := c.InForce(p, recipient, "")
	switch e.policy.Purposes[p] {
	case Necessary:
		return true
	case OptIn:
		return recorded && entry.Granted
	case OptOut:
		return !recorded || entry.Granted
	}
	return false
}

// withheld reports whether the subject withheld category c from the
// employer: the entry in force for the category (InForce) is a withdrawal.
func withheld(c Consents, employer string, cat Category) bool {
	e, recorded := c.InForce(EmployerProvision, employer, cat)
	return recorded && !e.Granted
}
