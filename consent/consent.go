// Package consent is the consent engine: who may see which category of a
// subject's personal data, for which purpose, plain, masked or not at all.
//
// It is plain Go on purpose: no GraphQL and no SQL. The GraphQL layer asks it
// for a Decision per (viewer, subject, category) and applies the answer; the
// data layer asks it which rows a role reaches. Everything it does not know
// about it hides.
//
// # Consent state and the scope rule
//
// A subject's consents are an append-only ledger of grants and withdrawals,
// each of a whole purpose or, for EMPLOYER_PROVISION, of one category, and
// each towards one employer or towards all employers. The current state
// keeps, per purpose, recipient scope and category, the latest entry (the
// ledger package keeps it beside the ledger; Consents is a subject's state
// as read from there). Which entry decides is the scope rule:
//
//	For a subject, a purpose, a category (or the whole purpose) and an
//	employer X, the entries that apply are those naming X and those naming
//	all employers; the most recent applicable entry wins, whichever scope
//	it has.
//
// "Most recent" is the ledger's order (Entry.Seq), which the database
// gives. For example, towards employers acme and globex:
//
//   - granted to acme (by applying), then withdrawn for all employers:
//     neither receives anything; applying to acme again grants to acme,
//     later than the global withdrawal, so acme receives and globex does not;
//   - FAMILY released to acme, then withheld from all employers: hidden from
//     acme; withheld from all, then released to acme: shown to acme, hidden
//     from globex;
//   - withdrawn for all employers, then granted for all: each employer
//     receives again, unless its own latest entry is later and a withdrawal.
//
// The row rules (ent/rule) apply the same rule in SQL to the same state,
// so that a subject is a row for an employer exactly when the engine would
// release their data to it.
package consent

import "fmt"

// Role is what a viewer is to the service. It arrives in the token's "role"
// claim; a request without a token is Anonymous.
type Role string

// The roles of DESIGN.md.
const (
	Anonymous  Role = "ANONYMOUS"
	Applicant  Role = "APPLICANT"
	Employer   Role = "EMPLOYER"
	Support    Role = "SUPPORT"
	Marketing  Role = "MARKETING"
	Analyst    Role = "ANALYST"
	Compliance Role = "COMPLIANCE"
	Admin      Role = "ADMIN"
)

// Roles lists every role a token may carry (Anonymous is never carried: it
// is the absence of a token).
var Roles = []Role{Applicant, Employer, Support, Marketing, Analyst, Compliance, Admin}

// ApprovedOperationsOnly reports whether viewers of the role may run
// approved operations only (DESIGN.md, Roles): analysts and marketing.
func (r Role) ApprovedOperationsOnly() bool { return r == Analyst || r == Marketing }

// ParseRole returns the role named s, or ErrUnknownRole.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownRole, s)
}

// Purpose is why personal data is used: the seven items of policy §4.
type Purpose string

// The purposes of policy §4, in the policy's order.
const (
	EmployerProvision Purpose = "EMPLOYER_PROVISION" // (1) providing information to employers with consent
	Service           Purpose = "SERVICE"            // (2) providing services related to the Service
	MailMagazine      Purpose = "MAIL_MAGAZINE"      // (3) mail magazines and emails
	Feedback          Purpose = "FEEDBACK"           // (4) gathering opinions and requests
	Advertising       Purpose = "ADVERTISING"        // (5) ads and content based on attributes
	Inquiry           Purpose = "INQUIRY"            // (6) responding to inquiries
	Analytics         Purpose = "ANALYTICS"          // (7) analysis and marketing
)

// AggregateOnly reports whether the purpose releases statistics only, never
// a subject's data as a row of its own: analysis (ANALYTICS) and
// attribute-based advertising (ADVERTISING, segments as counts).
func (p Purpose) AggregateOnly() bool { return p == Advertising || p == Analytics }

// Purposes lists the purposes of policy §4 in order.
var Purposes = []Purpose{EmployerProvision, Service, MailMagazine, Feedback, Advertising, Inquiry, Analytics}

// ParsePurpose returns the purpose named s, or ErrUnknownPurpose.
func ParsePurpose(s string) (Purpose, error) {
	for _, p := range Purposes {
		if string(p) == s {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownPurpose, s)
}

// Values lists the purposes as strings, in order (for ent enum fields).
func (Purpose) Values() []string { return stringsOf(Purposes) }

// Category is what kind of personal data a field holds. Every personal field
// of the GraphQL schema names exactly one.
type Category string

// The categories of DESIGN.md (policy §1 and §5(1)).
const (
	Name               Category = "NAME"
	BirthDate          Category = "BIRTH_DATE"
	Sex                Category = "SEX"
	AddressRegion      Category = "ADDRESS_REGION"
	AddressStreet      Category = "ADDRESS_STREET"
	Phone              Category = "PHONE"
	Email              Category = "EMAIL"
	Occupation         Category = "OCCUPATION"
	Workplace          Category = "WORKPLACE"
	Visa               Category = "VISA"
	Education          Category = "EDUCATION"
	WorkHistory        Category = "WORK_HISTORY"
	Qualifications     Category = "QUALIFICATIONS"
	SelfPR             Category = "SELF_PR"
	Family             Category = "FAMILY"
	EmergencyContact   Category = "EMERGENCY_CONTACT"
	Housing            Category = "HOUSING"
	Preferences        Category = "PREFERENCES"
	ApplicationAnswers Category = "APPLICATION_ANSWERS"
	Network            Category = "NETWORK"
)

// Categories lists every category, in DESIGN.md's order.
var Categories = []Category{
	Name, BirthDate, Sex, AddressRegion, AddressStreet, Phone, Email, Occupation, Workplace,
	Visa, Education, WorkHistory, Qualifications, SelfPR, Family, EmergencyContact, Housing,
	Preferences, ApplicationAnswers, Network,
}

// NumCategories is the number of categories.
const NumCategories = 20

var categoryIndex = func() map[Category]int {
	m := make(map[Category]int, len(Categories))
	for i, c := range Categories {
		m[c] = i
	}
	return m
}()

// Index returns the category's position in Categories, or -1 for an
// unknown category.
func (c Category) Index() int {
	if i, ok := categoryIndex[c]; ok {
		return i
	}
	return -1
}

// ParseCategory returns the category named s, or ErrUnknownCategory.
func ParseCategory(s string) (Category, error) {
	for _, c := range Categories {
		if string(c) == s {
			return c, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownCategory, s)
}

// Values lists the categories as strings, in order (for ent enum fields).
func (Category) Values() []string { return stringsOf(Categories) }

// ProvidableToEmployers reports whether policy §5(1) lists the category
// among the items that may be provided to employers. Street address,
// place-of-work details and network data never go to an employer.
func (c Category) ProvidableToEmployers() bool {
	switch c {
	case AddressStreet, Workplace, Network:
		return false
	}
	return c.Index() >= 0
}

func stringsOf[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
