package consent

import "fmt"

// LegalBasis is one of the cases of policy §5(2) in which personal data is
// provided without the subject's consent. It is not a purpose: no role acts
// under it by default, and the engine releases nothing under it unless the
// data layer found a live, approved grant of it for that viewer and subject
// (see Subject.LegalBasis).
type LegalBasis string

// The legal bases of policy §5(2), in the policy's order.
const (
	// Law: a) laws and regulations require the provision (a court order, a
	// statutory duty to report).
	Law LegalBasis = "LAW"
	// LifeProtection: b) it is necessary to protect a person's life, body or
	// property and the subject's consent is difficult to obtain.
	LifeProtection LegalBasis = "LIFE_PROTECTION"
	// PublicHealth: c) it is especially necessary for public health or the
	// safety of children and consent is difficult to obtain.
	PublicHealth LegalBasis = "PUBLIC_HEALTH"
	// GovernmentCooperation: d) it is necessary to cooperate with a
	// government institution or local public body carrying out a task
	// stipulated by law.
	GovernmentCooperation LegalBasis = "GOVERNMENT_COOPERATION"
)

// LegalBases lists the legal bases of policy §5(2) in order.
var LegalBases = []LegalBasis{Law, LifeProtection, PublicHealth, GovernmentCooperation}

// Valid reports whether b is one of LegalBases.
func (b LegalBasis) Valid() bool {
	for _, x := range LegalBases {
		if x == b {
			return true
		}
	}
	return false
}

// ParseLegalBasis returns the legal basis named s, or ErrUnknownLegalBasis.
func ParseLegalBasis(s string) (LegalBasis, error) {
	if b := LegalBasis(s); b.Valid() {
		return b, nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownLegalBasis, s)
}

// Values lists the legal bases as strings, in order (for ent enum fields).
func (LegalBasis) Values() []string { return stringsOf(LegalBases) }
