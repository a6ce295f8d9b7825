// Package schematype holds the typed lists an applicant's profile repeats:
// work history entries, qualifications and emergency contacts.
//
// They are typed JSON lists on the Applicant rather than entities of their
// own. Each belongs wholly to one applicant, is always read with them, is
// never queried or filtered on its own, and falls under exactly one category
// (WORK_HISTORY, QUALIFICATIONS, EMERGENCY_CONTACT), but for the parts that
// hold another category's value: a current job's company is the
// applicant's workplace (WorkHistoryEntry.PersonalCategory). As entities
// they would each need row rules, node ids and edges: more paths to secure
// and no query that needs them. As lists, one consent decision covers the
// whole list, and a part of another category is decided on its own.
//
// It imports only consent (for the categories): ent/schema and the GraphQL
// layer import it.
package schematype

import (
	"time"

	"consentgate/consent"
)

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

// PersonalCategory names the category of one of the entry's fields whose
// category depends on the value (@personalPerValue): the company of the
// current job (no end date) is the applicant's workplace, which policy
// §5(1) does not provide to employers; of a past job, their work history.
// Every other field is work history.
func (e WorkHistoryEntry) PersonalCategory(field string) consent.Category {
	if field == "company" && e.To == nil {
		return consent.Workplace
	}
	return consent.WorkHistory
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

// AnswerInput is an applicant's answer to one of a job's questions, as
// applyToJob takes it: the question and the text.
type AnswerInput struct {
	QuestionID int    `json:"questionID"`
	Text       string `json:"text"`
}
