// Package schematype holds the typed lists an applicant's profile repeats:
// work history entries, qualifications and emergency contacts.
//
// They are typed JSON lists on the Applicant rather than entities of their
// own. Each belongs wholly to one applicant, is always read with them, is
// never queried or filtered on its own, and falls under exactly one category
// (WORK_HISTORY, QUALIFICATIONS, EMERGENCY_CONTACT). As entities they would
// each need row rules, node ids and edges: more paths to secure and no query
// that needs them. As lists, one consent decision covers the whole list.
//
// It imports nothing of the project: ent/schema and the GraphQL layer
// import it.
package schematype

import "time"

// WorkHistoryEntry is one job in an applicant's work history (policy §5(1):
// work history, work period, field of work, employment type,
// responsibilities at work).
type WorkHistoryEntry struct {
	Company          string     `json:"company"`
	From             time.Time  `json:"from"`
	To               *time.Time `json:"to,omitempty"` // nil while current
	Field            string     `json:"field"`
	EmploymentType   string     `json:"employmentType"`
	Responsibilities string     `json:"responsibilities,omitempty"`
}

// Qualification is one licence or qualification.
type Qualification struct {
	Name       string     `json:"name"`
	AcquiredOn *time.Time `json:"acquiredOn,omitempty"`
}

// EmergencyContact is one person to call in an emergency.
type EmergencyContact struct {
	Name     string `json:"name"`
	Relation string `json:"relation"`
	Phone    string `json:"phone"`
}
