package requests

import (
	"encoding/json"
	"time"

	"consentgate/ent"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/privacyrequest"
)

// Result is what completing a request did or answered, stored as the
// request's result (JSON, which clients read): a *Notice, a *Disclosure,
// *Changes (CORRECTION, ADDITION), a *Withdrawal (CEASE_OF_USE,
// CEASE_OF_PROVISION) or an *Erasure (DELETION).
//
// The fields of each type are declared in the order of their JSON names, so
// that the stored bytes are those the results were first stored with (as
// maps, whose keys encoding/json sorts).
type Result interface{ result() }

func (*Notice) result()     {}
func (*Disclosure) result() {}
func (*Changes) result()    {}
func (*Withdrawal) result() {}
func (*Erasure) result()    {}

// EmployerRef names an employer.
type EmployerRef struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

// employerRef names emp, nil for none (all employers).
func employerRef(emp *ent.Employer) *EmployerRef {
	if emp == nil {
		return nil
	}
	return &EmployerRef{ID: emp.ID, Name: emp.Name}
}

// PolicyVersionRef names the policy version in force.
type PolicyVersionRef struct {
	EffectiveAt time.Time `json:"effectiveAt"`
	Version     string    `json:"version"`
}

// Notice answers a NOTICE.
type Notice struct {
	PolicyVersion PolicyVersionRef `json:"policyVersion"`
	Purposes      []PurposeNotice  `json:"purposes"`   // every purpose, in the policy's order
	Recipients    []Recipient      `json:"recipients"` // by organisation
	Withheld      []Withholding    `json:"withheld"`
}

// PurposeNotice says whether a purpose applies to the subject now.
type PurposeNotice struct {
	Applies bool   `json:"applies"`
	Default string `json:"default"` // the policy's: OPT_IN, OPT_OUT, NECESSARY
	// Employers lists, for EMPLOYER_PROVISION only, the employers the
	// subject's consent state provides to (empty: none, or all of them by
	// a grant naming none).
	Employers []*EmployerRef `json:"employers,omitzero"`
	Purpose   string         `json:"purpose"`
}

// Withholding is a category the subject withholds, from one employer or
// (Employer nil) from all.
type Withholding struct {
	Category string       `json:"category"`
	Employer *EmployerRef `json:"employer"`
}

// Recipient is an employer that received the subject's data, from the
// access records.
type Recipient struct {
	Categories []string     `json:"categories"`
	Employer   *EmployerRef `json:"employer"` // nil if the organisation is no employer held
	First      time.Time    `json:"first"`
	Last       time.Time    `json:"last"`
	Org        string       `json:"org"`
	Releases   int          `json:"releases"`
}

// Disclosure answers a DISCLOSURE: everything held about the subject.
type Disclosure struct {
	AccessRecords   []DisclosedRecord      `json:"accessRecords"`
	Applications    []DisclosedApplication `json:"applications"`
	Consents        DisclosedConsents      `json:"consents"`
	GeneratedAt     time.Time              `json:"generatedAt"`
	PolicyVersion   PolicyVersionRef       `json:"policyVersion"`
	PrivacyRequests []DisclosedRequest     `json:"privacyRequests"`
	// Profile is every field of the applicant by its GraphQL name, read
	// from the entity itself: a field added to the schema is disclosed
	// with no change here.
	Profile map[string]any `json:"profile"`
}

// DisclosedApplication is one of the subject's applications.
type DisclosedApplication struct {
	Answers         []DisclosedAnswer  `json:"answers"`
	CreatedAt       time.Time          `json:"createdAt"`
	ID              int                `json:"id"`
	Job             *JobRef            `json:"job"`
	Reason          string             `json:"reason"`
	Status          application.Status `json:"status"`
	StatusChangedAt *time.Time         `json:"statusChangedAt"`
}

// DisclosedAnswer is the answer to one of the job's questions: the
// question as asked, the category it was approved with, the answer.
type DisclosedAnswer struct {
	Category string `json:"category"`
	Question string `json:"question"`
	Text     string `json:"text"`
}

// JobRef names the job applied to.
type JobRef struct {
	Employer *EmployerRef `json:"employer"`
	ID       int          `json:"id"`
	Title    string       `json:"title"`
}

// DisclosedConsents is the subject's consent ledger: the entries in force
// and the whole history, in its order.
type DisclosedConsents struct {
	Current []ConsentEntry `json:"current"`
	History []ConsentEntry `json:"history"`
}

// ConsentEntry is one entry of the consent ledger.
type ConsentEntry struct {
	Basis            entconsent.Basis             `json:"basis"`
	Employer         *EmployerRef                 `json:"employer"`
	Granted          bool                         `json:"granted"`
	PolicyVersion    *string                      `json:"policyVersion,omitempty"`
	Purpose          entconsent.Purpose           `json:"purpose"`
	RecordedAt       time.Time                    `json:"recordedAt"`
	Source           entconsent.Source            `json:"source"`
	WithheldCategory *entconsent.WithheldCategory `json:"withheldCategory"`
}

// DisclosedRequest is one of the subject's privacy requests.
type DisclosedRequest struct {
	CompletedAt     *time.Time            `json:"completedAt"`
	CreatedAt       time.Time             `json:"createdAt"`
	DueAt           time.Time             `json:"dueAt"`
	ID              int                   `json:"id"`
	Kind            privacyrequest.Kind   `json:"kind"`
	ProposedChanges json.RawMessage       `json:"proposedChanges"` // null if none
	RejectionReason string                `json:"rejectionReason"`
	Status          privacyrequest.Status `json:"status"`
}

// DisclosedRecord is the access record of one release of the subject's
// data.
type DisclosedRecord struct {
	At            time.Time `json:"at"`
	Categories    []string  `json:"categories"`
	ConsentID     *int      `json:"consentID"` // the consent ledger entry relied on
	Decision      string    `json:"decision"`
	GrantID       *int      `json:"grantID"` // the access grant relied on
	LegalBasis    string    `json:"legalBasis"`
	PolicyVersion string    `json:"policyVersion"`
	Purpose       string    `json:"purpose"`
	RecipientName string    `json:"recipientName"` // the recipient's legal name at the time
	RequestID     string    `json:"requestID"`
	ViewerOrg     string    `json:"viewerOrg"`
	ViewerRole    string    `json:"viewerRole"`
}

// Changes answers a CORRECTION or an ADDITION: the GraphQL names of the
// profile fields applied, sorted.
type Changes struct {
	AppliedFields []string `json:"appliedFields"`
}

// Withdrawal answers a CEASE_OF_USE or a CEASE_OF_PROVISION: the
// withdrawals appended to the consent ledger, in their order.
type Withdrawal struct {
	Withdrawn []Withdrawn `json:"withdrawn"`
}

// Withdrawn is one withdrawal: of a purpose, towards one employer or
// (Employer nil) everyone.
type Withdrawn struct {
	Employer *EmployerRef `json:"employer"`
	Purpose  string       `json:"purpose"`
}

// Erasure answers a DELETION: how much was erased or kept without the
// subject.
type Erasure struct {
	AccessRecordsPseudonymised int  `json:"accessRecordsPseudonymised"`
	ApplicationsWithdrawn      int  `json:"applicationsWithdrawn"`
	Erased                     bool `json:"erased"`
	IdentitySealed             bool `json:"identitySealed"` // records of provision within their period keep the identity sealed (records.Seal)
	PurposesWithdrawn          int  `json:"purposesWithdrawn"`
	RequestsClosed             int  `json:"requestsClosed"`
}
