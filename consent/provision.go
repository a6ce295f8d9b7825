package consent

import (
	"slices"
	"time"
)

// Provision to an employer (policy §4(1), §5(1)) has one purpose: applying
// for that employer's job. It begins when the subject applies, and ends
// when the application reaches a final state (FinalStates), after the
// grace period the policy sets for that state (Policy.EndOfProvision).
// After it the employer reaches nothing of the subject through that
// application, except, for a hire, the categories the policy keeps for
// employment.
//
// The data layer finds where each application's provision stands (the row
// rules, in SQL, from the application's status and the time it reached
// it, and its job's closing time); the engine is told the result
// (Subject.Provision) and decides accordingly.

// FinalState is a state that ends an application's provision: the
// application's own final statuses, and its job's closing.
type FinalState string

// The final states.
const (
	Withdrawn FinalState = "WITHDRAWN"  // the applicant withdrew the application
	Rejected  FinalState = "REJECTED"   // the employer rejected it
	Hired     FinalState = "HIRED"      // the employer hired the applicant
	JobClosed FinalState = "JOB_CLOSED" // the job closed before the application reached a final status
)

// FinalStates lists the final states.
var FinalStates = []FinalState{Withdrawn, Rejected, Hired, JobClosed}

// EndOfProvision is what the policy sets for one final state.
type EndOfProvision struct {
	// Grace is how long after reaching the state the employer still
	// reaches the application and its applicant (0: not at all).
	Grace time.Duration
	// Keep lists, for HIRED only, the categories the employer keeps after
	// the grace period, for the employment itself; none for the other
	// states. They stay provided while the subject's consent to that
	// employer stands.
	Keep []Category
}

// Keeps reports whether the end of provision keeps category c.
func (e EndOfProvision) Keeps(c Category) bool { return slices.Contains(e.Keep, c) }

// DefaultEndOfProvision is what a policy without an endOfProvision section,
// or a state it leaves out, gets (DESIGN.md, Lifecycle): none for a
// withdrawal; 30 days after a rejection or the job's closing; 30 days
// after a hire, then what employing a foreign national needs (the
// employment contract and social insurance: name, birth date, sex; the
// foreign employment notification, Employment Measures Act Art. 28, and
// the check that the status of residence permits the work: the visa; the
// licences the job requires; reaching the employee and their emergency
// contact).
func DefaultEndOfProvision() map[FinalState]EndOfProvision {
	const day = 24 * time.Hour
	return map[FinalState]EndOfProvision{
		Withdrawn: {},
		Rejected:  {Grace: 30 * day},
		JobClosed: {Grace: 30 * day},
		Hired: {Grace: 30 * day, Keep: []Category{
			Name, BirthDate, Sex, Phone, Email, Visa, Qualifications, EmergencyContact,
		}},
	}
}

// MaxGraceDays is the longest grace period a policy may set.
const MaxGraceDays = 365

// ProvisionStage is where provision of a subject's data to one employer
// stands, from the subject's applications to its jobs (or from one
// application, for that application's own fields). The zero value is
// ProvisionEnded: an engine told nothing provides nothing.
type ProvisionStage uint8

// The stages, from least to most provided.
const (
	// ProvisionEnded: no application, or each one past its end of
	// provision: nothing is provided.
	ProvisionEnded ProvisionStage = iota
	// ProvisionKept: only hires past their grace period: the categories
	// the policy keeps for employment (EndOfProvision[Hired].Keep).
	ProvisionKept
	// ProvisionOpen: an application not past its end of provision: what
	// the subject's consent allows.
	ProvisionOpen
)

// NumProvisionStages is the number of stages.
const NumProvisionStages = 3

func (s ProvisionStage) String() string {
	switch s {
	case ProvisionOpen:
		return "OPEN"
	case ProvisionKept:
		return "KEPT"
	}
	return "ENDED"
}

// Cutoff returns, for final state s and the time now, the latest time of
// reaching s whose grace period is over: an application that reached s at
// or before it is past its end of provision.
func (p *Policy) Cutoff(s FinalState, now time.Time) time.Time {
	return now.Add(-p.EndOfProvision[s].Grace)
}

// ApplicationEnd is what the end of one application's provision depends
// on: its status (one of the FinalStates' application statuses, or any
// other for a live one), when it reached it, and when its job closed
// (nil while the job is open).
type ApplicationEnd struct {
	Status      FinalState
	FinalAt     *time.Time
	JobClosedAt *time.Time
}

// EndsAt returns when the provision of application a ends under the
// policy, and whether an end is set at all (not while the application is
// live and its job open). It is the earlier of its final status's end and
// its job's closing's; a hire's is its own only (a job closes once it is
// filled). A final state without a time ended at once (fail closed).
func (p *Policy) EndsAt(a ApplicationEnd) (time.Time, bool) {
	var end time.Time
	set := false
	at := func(s FinalState, t *time.Time) {
		e := time.Time{}
		if t != nil {
			e = t.Add(p.EndOfProvision[s].Grace)
		}
		if !set || e.Before(end) {
			end, set = e, true
		}
	}
	switch a.Status {
	case Withdrawn, Rejected, Hired:
		at(a.Status, a.FinalAt)
	}
	if a.Status != Hired && a.JobClosedAt != nil {
		at(JobClosed, a.JobClosedAt)
	}
	return end, set
}
