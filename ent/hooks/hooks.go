// Package hooks holds the ent mutation hooks that keep the model's values
// consistent beyond what single-field validators can check: dates, typed
// lists, cross-field rules, the application and privacy request state
// machines, the profile changes a privacy request proposes, the access
// grant lifecycle, and the stamps (policy version, time, account) on
// consent entries, approved operations and policy versions. Like
// validators, they refuse a bad value before anything is stored.
//
// What completing a privacy request does is not here: RequestEffects runs
// it, in the completion's transaction, but the effects themselves (package
// requests) are passed in by the schema. This package is the model layer:
// it imports ent, consent and the approved operations' format, and must not
// import requests (which imports it), graph or server.
package hooks

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessgrant"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/employer"
	"consentgate/ent/hook"
	"consentgate/ent/job"
	"consentgate/ent/operation"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
	"consentgate/ent/schema/schematype"
	"consentgate/ent/schema/validate"
	"consentgate/operations"
)

// ErrTransition is returned for an application status change the state
// machine does not allow.
var ErrTransition = errors.New("status change not allowed")

// ValidateApplicant checks an applicant's dates and typed lists.
func ValidateApplicant() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ApplicantFunc(func(ctx context.Context, m *ent.ApplicantMutation) (ent.Value, error) {
			if err := checkApplicant(ctx, m); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

func checkApplicant(ctx context.Context, m *ent.ApplicantMutation) error {
	if t, ok := m.BirthDate(); ok {
		if err := validate.Field("Applicant.birthDate", validate.BirthDate(t)); err != nil {
			return err
		}
	}
	if t, ok := m.VisaExpiresOn(); ok {
		if err := validate.Field("Applicant.visaExpiresOn", validate.VisaExpiry(t)); err != nil {
			return err
		}
	}
	if t, ok := m.GraduatedOn(); ok {
		if err := validate.Field("Applicant.graduatedOn", validate.PastDate(t)); err != nil {
			return err
		}
	}
	if l, ok := m.WorkHistory(); ok {
		if err := checkList("Applicant.workHistory", l, 50, checkWorkHistory); err != nil {
			return err
		}
	}
	if l, ok := m.Qualifications(); ok {
		if err := checkList("Applicant.qualifications", l, 50, checkQualification); err != nil {
			return err
		}
	}
	if l, ok := m.EmergencyContacts(); ok {
		if err := checkList("Applicant.emergencyContacts", l, 5, checkEmergencyContact); err != nil {
			return err
		}
	}
	if l, ok := m.Skills(); ok {
		if err := checkList("Applicant.skills", l, 100, checkShortText); err != nil {
			return err
		}
	}
	if l, ok := m.Tools(); ok {
		if err := checkList("Applicant.tools", l, 100, checkShortText); err != nil {
			return err
		}
	}
	return checkAppended(ctx, m)
}

// checkAppended checks the items an update appends to the typed lists
// (updateMyProfile's appendWorkHistory, ...) as checkApplicant checks the
// items of a list set whole, and the list they make with the profile's
// (or with the list the same update sets) against the same limit.
func checkAppended(ctx context.Context, m *ent.ApplicantMutation) error {
	if err := checkAppendedList(ctx, m, "Applicant.appendWorkHistory", 50, checkWorkHistory,
		m.AppendedWorkHistory, m.WorkHistory, m.OldWorkHistory); err != nil {
		return err
	}
	if err := checkAppendedList(ctx, m, "Applicant.appendQualifications", 50, checkQualification,
		m.AppendedQualifications, m.Qualifications, m.OldQualifications); err != nil {
		return err
	}
	if err := checkAppendedList(ctx, m, "Applicant.appendEmergencyContacts", 5, checkEmergencyContact,
		m.AppendedEmergencyContacts, m.EmergencyContacts, m.OldEmergencyContacts); err != nil {
		return err
	}
	if err := checkAppendedList(ctx, m, "Applicant.appendSkills", 100, checkShortText,
		m.AppendedSkills, m.Skills, m.OldSkills); err != nil {
		return err
	}
	return checkAppendedList(ctx, m, "Applicant.appendTools", 100, checkShortText,
		m.AppendedTools, m.Tools, m.OldTools)
}

// checkAppendedList checks one list's appended items, and their number
// with the list they are appended to: the one set by the same update, or
// the stored one.
func checkAppendedList[T any](ctx context.Context, m *ent.ApplicantMutation, field string, limit int, check func(T) (string, error),
	appended, set func() ([]T, bool), old func(context.Context) ([]T, error)) error {
	items, ok := appended()
	if !ok {
		return nil
	}
	if err := checkList(field, items, limit, check); err != nil {
		return err
	}
	base, isSet := set()
	if !isSet && m.Op().Is(ent.OpUpdateOne) {
		var err error
		if base, err = old(ctx); err != nil {
			return fmt.Errorf("reading the profile's list: %w", err)
		}
	}
	if len(base)+len(items) > limit {
		return validate.Field(field, fmt.Errorf("%w (at most %d items in all)", validate.ErrTooLong, limit))
	}
	return nil
}

// checkList checks each item of a typed list and its length.
func checkList[T any](field string, items []T, max int, check func(T) (string, error)) error {
	if len(items) > max {
		return validate.Field(field, fmt.Errorf("%w (at most %d items)", validate.ErrTooLong, max))
	}
	for i, it := range items {
		if sub, err := check(it); err != nil {
			return validate.Field(fmt.Sprintf("%s[%d]%s", field, i, sub), err)
		}
	}
	return nil
}

func checkShortText(s string) (string, error) { return "", validate.MaxLen(100)(s) }

func checkWorkHistory(e schematype.WorkHistoryEntry) (string, error) {
	for _, f := range []struct {
		name, value string
		max         int
	}{{".company", e.Company, 200}, {".field", e.Field, 100}, {".employmentType", e.EmploymentType, 50}} {
		if err := validate.MaxLen(f.max)(f.value); err != nil {
			return f.name, err
		}
	}
	if e.Responsibilities != "" {
		if err := validate.MaxLen(2000)(e.Responsibilities); err != nil {
			return ".responsibilities", err
		}
	}
	if err := validate.PastDate(e.From); err != nil {
		return ".from", err
	}
	if e.To != nil {
		if err := validate.PastDate(*e.To); err != nil {
			return ".to", err
		}
		if e.To.Before(e.From) {
			return ".to", fmt.Errorf("%w: must not be before from", validate.ErrDate)
		}
	}
	return "", nil
}

func checkQualification(q schematype.Qualification) (string, error) {
	if err := validate.MaxLen(200)(q.Name); err != nil {
		return ".name", err
	}
	if q.AcquiredOn != nil {
		if err := validate.PastDate(*q.AcquiredOn); err != nil {
			return ".acquiredOn", err
		}
	}
	return "", nil
}

func checkEmergencyContact(c schematype.EmergencyContact) (string, error) {
	if err := validate.MaxLen(100)(c.Name); err != nil {
		return ".name", err
	}
	if err := validate.MaxLen(50)(c.Relation); err != nil {
		return ".relation", err
	}
	if err := validate.Phone(c.Phone); err != nil {
		return ".phone", err
	}
	return "", nil
}

// ValidateJob checks a job's salary range and questions.
func ValidateJob() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.JobFunc(func(ctx context.Context, m *ent.JobMutation) (ent.Value, error) {
			lo, hasLo := m.SalaryMin()
			hi, hasHi := m.SalaryMax()
			if m.Op().Is(ent.OpUpdateOne) {
				if !hasLo {
					lo, _ = m.OldSalaryMin(ctx)
				}
				if !hasHi {
					hi, _ = m.OldSalaryMax(ctx)
				}
			}
			if lo > 0 && hi > 0 && hi < lo {
				return nil, validate.Field("Job.salaryMax", errors.New("must not be below salaryMin"))
			}
			checkQuestion := func(q string) (string, error) { return "", validate.MaxLen(500)(q) }
			if qs, ok := m.Questions(); ok {
				if err := checkList("Job.questions", qs, 20, checkQuestion); err != nil {
					return nil, err
				}
			}
			if qs, ok := m.AppendedQuestions(); ok {
				// The appended ones, and the list they make with the job's.
				if err := checkList("Job.appendQuestions", qs, 20, checkQuestion); err != nil {
					return nil, err
				}
				if m.Op().Is(ent.OpUpdateOne) {
					old, err := m.OldQuestions(ctx)
					if err != nil {
						return nil, err
					}
					if len(old)+len(qs) > 20 {
						return nil, validate.Field("Job.appendQuestions", fmt.Errorf("%w (at most %d questions in all)", validate.ErrTooLong, 20))
					}
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// ValidateApplication checks a new application against its job: the job
// is published and every one of its questions is answered.
func ValidateApplication() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ApplicationFunc(func(ctx context.Context, m *ent.ApplicationMutation) (ent.Value, error) {
			jobID, _ := m.JobID()
			j, err := m.Client().Job.Get(ctx, jobID)
			if ent.IsNotFound(err) {
				return nil, validate.Field("Application.jobID", errors.New("no such job"))
			}
			if err != nil {
				return nil, fmt.Errorf("loading the job: %w", err)
			}
			if j.Status != "PUBLISHED" {
				return nil, validate.Field("Application.jobID", errors.New("the job is not open for applications"))
			}
			answers, _ := m.Answers()
			if len(answers) != len(j.Questions) {
				return nil, validate.Field("Application.answers", fmt.Errorf("must answer each of the job's %d questions, in order", len(j.Questions)))
			}
			for i, a := range answers {
				if err := validate.MaxLen(5000)(a); err != nil {
					return nil, validate.Field(fmt.Sprintf("Application.answers[%d]", i), err)
				}
			}
			m.SetStatus(application.StatusAPPLIED)
			m.SetStatusChangedAt(time.Now())
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// next lists the statuses an application may move to from each status.
// HIRED, REJECTED and WITHDRAWN are final.
var next = map[application.Status][]application.Status{
	application.StatusAPPLIED:   {application.StatusSCREENING, application.StatusINTERVIEW, application.StatusREJECTED, application.StatusWITHDRAWN},
	application.StatusSCREENING: {application.StatusINTERVIEW, application.StatusREJECTED, application.StatusWITHDRAWN},
	application.StatusINTERVIEW: {application.StatusOFFER, application.StatusREJECTED, application.StatusWITHDRAWN},
	application.StatusOFFER:     {application.StatusHIRED, application.StatusREJECTED, application.StatusWITHDRAWN},
}

// ApplicationMayMove reports whether the application state machine lets
// an application move from one status to another.
func ApplicationMayMove(from, to application.Status) bool { return slices.Contains(next[from], to) }

// ApplicationStatus enforces the application state machine and stamps the
// time of each change. Status changes are made one application at a time.
func ApplicationStatus() ent.Hook {
	return hook.On(func(nx ent.Mutator) ent.Mutator {
		return hook.ApplicationFunc(func(ctx context.Context, m *ent.ApplicationMutation) (ent.Value, error) {
			to, ok := m.Status()
			if !ok {
				return nx.Mutate(ctx, m)
			}
			if !m.Op().Is(ent.OpUpdateOne) {
				return nil, validate.Field("Application.status", fmt.Errorf("%w: one application at a time", ErrTransition))
			}
			from, err := m.OldStatus(ctx)
			if err != nil {
				return nil, err
			}
			if !ApplicationMayMove(from, to) {
				return nil, validate.Field("Application.status", fmt.Errorf("%w: from %s to %s", ErrTransition, from, to))
			}
			m.SetStatusChangedAt(time.Now())
			return nx.Mutate(ctx, m)
		})
	}, ent.OpUpdate|ent.OpUpdateOne)
}

// ErrNoPolicyVersion is returned when no policy version is in force: a
// consent must name the version it was given under.
var ErrNoPolicyVersion = errors.New("no policy version is in force")

// ProvisionConsent keeps the EMPLOYER_PROVISION ledger in step with
// applications (policy §4(1), §5(1)): applying records the applicant's
// consent to provide their data to the job's employer; withdrawing the last
// live application to that employer records its withdrawal. Both are written
// in the application's own transaction, so the two never disagree.
func ProvisionConsent() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ApplicationFunc(func(ctx context.Context, m *ent.ApplicationMutation) (ent.Value, error) {
			status, statusSet := m.Status()
			v, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			app, ok := v.(*ent.Application)
			if !ok {
				return v, nil
			}
			switch {
			case m.Op().Is(ent.OpCreate):
				return v, recordProvision(ctx, m.Client(), app, true)
			case statusSet && status == application.StatusWITHDRAWN:
				return v, recordProvision(ctx, m.Client(), app, false)
			}
			return v, nil
		})
	}, ent.OpCreate|ent.OpUpdateOne)
}

// recordProvision appends a grant or, if no other live application to the
// same employer remains, a withdrawal of provision to app's employer.
func recordProvision(ctx context.Context, client *ent.Client, app *ent.Application, granted bool) error {
	// The ledger is written by the system on the applicant's behalf: the
	// application write that triggers it has passed its privacy rules.
	sys := privacy.DecisionContext(ctx, privacy.Allow)
	j, err := client.Job.Get(sys, app.JobID)
	if err != nil {
		return fmt.Errorf("loading the job: %w", err)
	}
	if !granted {
		others, err := client.Application.Query().Where(
			application.ApplicantID(app.ApplicantID),
			application.IDNEQ(app.ID),
			application.StatusNEQ(application.StatusWITHDRAWN),
			application.HasJobWith(job.EmployerID(j.EmployerID)),
		).Exist(sys)
		if err != nil || others {
			return err
		}
	}
	// A grant is given when applying; a withdrawal now.
	at := time.Now()
	if granted {
		at = app.CreatedAt
	}
	return client.Consent.Create().
		SetApplicantID(app.ApplicantID).SetEmployerID(j.EmployerID).
		SetPurpose(entconsent.PurposeEMPLOYER_PROVISION).SetGranted(granted).
		SetSource(entconsent.SourceAPPLICATION).SetRecordedAt(at).
		Exec(sys)
}

// ErrConsentScope is returned for a consent entry that names a recipient or
// a single category for a purpose other than EMPLOYER_PROVISION: only
// provision to employers is per recipient and per category.
var ErrConsentScope = errors.New("a recipient employer or a single category is only for EMPLOYER_PROVISION")

// StampConsent completes a new consent ledger entry: it is recorded now
// unless a time is given, under the policy version in force at that time
// (policy §8), and names a recipient or a category only for provision to
// employers.
func StampConsent() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.ConsentFunc(func(ctx context.Context, m *ent.ConsentMutation) (ent.Value, error) {
			if p, _ := m.Purpose(); p != entconsent.PurposeEMPLOYER_PROVISION {
				if _, ok := m.EmployerID(); ok {
					return nil, validate.Field("Consent.employer", ErrConsentScope)
				}
				if _, ok := m.WithheldCategory(); ok {
					return nil, validate.Field("Consent.withheldCategory", ErrConsentScope)
				}
			}
			if id, ok := m.EmployerID(); ok {
				exists, err := m.Client().Employer.Query().Where(employer.ID(id)).Exist(ctx)
				if err != nil {
					return nil, fmt.Errorf("checking the employer: %w", err)
				}
				if !exists {
					return nil, validate.Field("Consent.employer", errors.New("no such employer"))
				}
			}
			at, ok := m.RecordedAt()
			if !ok {
				at = time.Now()
				m.SetRecordedAt(at)
			}
			if _, ok := m.PolicyVersionID(); !ok {
				pv, err := VersionInForce(ctx, m.Client(), at)
				if ent.IsNotFound(err) {
					return nil, ErrNoPolicyVersion
				}
				if err != nil {
					return nil, fmt.Errorf("finding the policy version in force: %w", err)
				}
				m.SetPolicyVersionID(pv.ID)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// nextRequestStatus lists the states a privacy request may move to: it is
// received, taken in hand, then completed or rejected (with a reason).
var nextRequestStatus = map[privacyrequest.Status][]privacyrequest.Status{
	privacyrequest.StatusRECEIVED:    {privacyrequest.StatusIN_PROGRESS, privacyrequest.StatusREJECTED},
	privacyrequest.StatusIN_PROGRESS: {privacyrequest.StatusCOMPLETED, privacyrequest.StatusREJECTED},
}

// RequestStatus keeps the privacy request state machine: one request at a
// time, only allowed moves (from the state the request is in when the move
// is written), a reason for every rejection, the completion time stamped,
// and the account that made the move recorded as handler.
func RequestStatus() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PrivacyRequestFunc(func(ctx context.Context, m *ent.PrivacyRequestMutation) (ent.Value, error) {
			to, ok := m.Status()
			if !ok {
				return next.Mutate(ctx, m)
			}
			if !m.Op().Is(ent.OpUpdateOne) {
				return nil, validate.Field("PrivacyRequest.status", fmt.Errorf("%w: one request at a time", ErrTransition))
			}
			from, err := m.OldStatus(ctx)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(nextRequestStatus[from], to) {
				return nil, validate.Field("PrivacyRequest.status", fmt.Errorf("%w: from %s to %s", ErrTransition, from, to))
			}
			if reason, _ := m.RejectionReason(); to == privacyrequest.StatusREJECTED && strings.TrimSpace(reason) == "" {
				return nil, validate.Field("PrivacyRequest.rejectionReason", errors.New("a rejection needs a reason"))
			}
			if to == privacyrequest.StatusCOMPLETED || to == privacyrequest.StatusREJECTED {
				m.SetCompletedAt(time.Now())
			}
			// Only from the state read: of two concurrent moves, the second
			// finds the request moved on (not found) instead of moving it twice.
			m.Where(privacyrequest.StatusEQ(from))
			return next.Mutate(ctx, m)
		})
	}, ent.OpUpdate|ent.OpUpdateOne)
}

// MaxGrantTTL is the longest an access grant may live after its approval,
// whatever the configuration says.
const MaxGrantTTL = 24 * time.Hour

// Errors of the access grant lifecycle. Their messages reach clients: they
// name the state, never a reference or a justification.
var (
	// ErrGrantApproved: the grant was approved already (once is all).
	ErrGrantApproved = errors.New("the access grant is already approved")
	// ErrGrantRevoked: the grant was revoked; nothing changes it any more.
	ErrGrantRevoked = errors.New("the access grant is revoked")
	// ErrGrantLapsed: the request was not approved within the grant's
	// lifetime of its opening; open a new one.
	ErrGrantLapsed = errors.New("the access grant request has expired unapproved; open a new one")
)

// AccessGrantLifecycle keeps an access grant's lifecycle (policy §5(2)):
// who opened, approved or revoked it is stamped from the token, never
// taken from input; times are stored in UTC (rule.LiveGrants compares them
// in the database); a grant is approved at most once, never after its
// revocation nor once its request has lapsed, and only for a lifetime of
// at most MaxGrantTTL; it is revoked at most once, with a reason. Approvals
// and revocations are made one grant at a time and re-checked in the
// UPDATE itself, so two concurrent ones cannot both succeed.
func AccessGrantLifecycle() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.AccessGrantFunc(func(ctx context.Context, m *ent.AccessGrantMutation) (ent.Value, error) {
			account := consent.FromContext(ctx).Account
			now := time.Now().UTC()
			for _, f := range []struct {
				get func() (time.Time, bool)
				set func(time.Time)
			}{{m.RequestedAt, m.SetRequestedAt}, {m.ApprovedAt, m.SetApprovedAt}, {m.ExpiresAt, m.SetExpiresAt}, {m.RevokedAt, m.SetRevokedAt}} {
				if t, ok := f.get(); ok {
					f.set(t.UTC())
				}
			}
			_, approving := m.ApprovedAt()
			_, revoking := m.RevokedAt()
			switch {
			case m.Op().Is(ent.OpCreate):
				if account != "" {
					m.SetRequestedBy(account)
				}
				if _, ok := m.RequestedAt(); !ok {
					m.SetRequestedAt(now)
				}
				if id, ok := m.SubjectID(); ok {
					exists, err := m.Client().Applicant.Query().Where(applicant.ID(id)).Exist(privacy.DecisionContext(ctx, privacy.Allow))
					if err != nil {
						return nil, fmt.Errorf("checking the subject: %w", err)
					}
					if !exists {
						return nil, validate.Field("AccessGrant.subjectID", errors.New("no such applicant"))
					}
				}
			case (approving || revoking) && !m.Op().Is(ent.OpUpdateOne):
				return nil, validate.Field("AccessGrant", fmt.Errorf("%w: one grant at a time", ErrTransition))
			case approving:
				if err := checkApproval(ctx, m); err != nil {
					return nil, err
				}
				if account != "" {
					m.SetApprovedBy(account)
				}
				m.Where(accessgrant.ApprovedAtIsNil(), accessgrant.RevokedAtIsNil())
			case revoking:
				if reason, _ := m.RevocationReason(); strings.TrimSpace(reason) == "" {
					return nil, validate.Field("AccessGrant.revocationReason", errors.New("a revocation needs a reason"))
				}
				old, err := m.OldRevokedAt(ctx)
				if err != nil {
					return nil, err
				}
				if old != nil {
					return nil, ErrGrantRevoked
				}
				if account != "" {
					m.SetRevokedBy(account)
				}
				m.Where(accessgrant.RevokedAtIsNil())
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// checkApproval checks an approval against the grant as stored: pending
// (neither approved nor revoked), requested no longer ago than the
// lifetime it is being approved for, and that lifetime positive and at
// most MaxGrantTTL.
func checkApproval(ctx context.Context, m *ent.AccessGrantMutation) error {
	approvedAt, _ := m.ApprovedAt()
	expiresAt, ok := m.ExpiresAt()
	ttl := expiresAt.Sub(approvedAt)
	if !ok || ttl <= 0 || ttl > MaxGrantTTL {
		return validate.Field("AccessGrant.expiresAt", fmt.Errorf("must lie after the approval, at most %s later", MaxGrantTTL))
	}
	if old, err := m.OldRevokedAt(ctx); err != nil || old != nil {
		return cmp.Or(err, ErrGrantRevoked)
	}
	if old, err := m.OldApprovedAt(ctx); err != nil || old != nil {
		return cmp.Or(err, ErrGrantApproved)
	}
	requestedAt, err := m.OldRequestedAt(ctx)
	if err != nil {
		return err
	}
	if approvedAt.After(requestedAt.Add(ttl)) {
		return ErrGrantLapsed
	}
	return nil
}

// Errors of approved operations.
var (
	// ErrOperationPurpose: the purpose is not one ANALYST or MARKETING may
	// act under in the loaded policy: only they are held to approved
	// operations, and an operation runs under its purpose.
	ErrOperationPurpose = errors.New("must be a purpose that ANALYST or MARKETING may act under")
	// ErrNoIdentity: a registration or revocation without an identified
	// viewer, who must be recorded.
	ErrNoIdentity = errors.New("registering or revoking an operation needs an identified viewer")
)

// StampOperation records who registered or revoked an approved operation
// and when, from the viewer in the context, never from input; it computes
// the document's id (hash) from the document itself, checks the purpose
// against the loaded policy (the engine in the context) and requires a
// reason for a revocation.
func StampOperation() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.OperationFunc(func(ctx context.Context, m *ent.OperationMutation) (ent.Value, error) {
			v := consent.FromContext(ctx)
			if v.Account == "" {
				return nil, ErrNoIdentity
			}
			now := time.Now()
			if m.Op().Is(ent.OpCreate) {
				if p, ok := m.Purpose(); ok && !operationPurpose(ctx, consent.Purpose(p)) {
					return nil, validate.Field("Operation.purpose", ErrOperationPurpose)
				}
				if doc, ok := m.Document(); ok {
					m.SetHash(operations.ID(doc))
				}
				for _, f := range []string{operation.FieldRevokedAt, operation.FieldRevokedBy, operation.FieldRevocationReason} {
					if _, set := m.Field(f); set {
						return nil, validate.Field("Operation."+f, errors.New("an operation is registered unrevoked"))
					}
				}
				m.SetRegisteredBy(v.Account)
				m.SetRegisteredAt(now)
				return next.Mutate(ctx, m)
			}
			if _, ok := m.RevokedAt(); ok {
				if r, _ := m.RevocationReason(); strings.TrimSpace(r) == "" {
					return nil, validate.Field("Operation.revocationReason", errors.New("a revocation needs a reason"))
				}
				m.SetRevokedAt(now)
				m.SetRevokedBy(v.Account)
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate|ent.OpUpdate|ent.OpUpdateOne)
}

// operationPurpose reports whether ANALYST or MARKETING may act under p in
// the policy of the engine in ctx (none: no purpose is).
func operationPurpose(ctx context.Context, p consent.Purpose) bool {
	e := consent.EngineFrom(ctx)
	if e == nil {
		return false
	}
	for _, r := range consent.Roles {
		if r.ApprovedOperationsOnly() && slices.Contains(e.Policy().RolePurposes[r], p) {
			return true
		}
	}
	return false
}
