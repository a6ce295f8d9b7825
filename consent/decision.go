package consent

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
	Reason  Reason // set when Outcome is Hidden
}

// Subject is what the engine needs to know about the person the data is
// about. Self reports whether the viewer is that person.
type Subject struct {
	Self bool
}

// Decide returns the decision for one category of one subject's data.
//
// This is the fail-closed baseline: a subject sees all of their own data
// plain and everyone else sees none of it. An unknown category is hidden
// even from the subject, so a typo in the schema cannot release data.
func Decide(v Viewer, s Subject, c Category) Decision {
	if _, err := ParseCategory(string(c)); err != nil {
		return Decision{Outcome: Hidden, Reason: NotPermitted}
	}
	if v.Role == Applicant && v.Account != "" && s.Self {
		return Decision{Outcome: Plain}
	}
	return Decision{Outcome: Hidden, Reason: NotPermitted}
}
