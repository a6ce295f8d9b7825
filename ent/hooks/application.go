package hooks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"consentgate/ent"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/hook"
	"consentgate/ent/job"
	"consentgate/ent/privacy"
	"consentgate/ent/schema/validate"
)

// ValidateApplication checks a new application against its job: the job
// is published. Its answers (AnswerQuestions) answer each question in
// effect.
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
// same employer remains, a withdrawal of provision to app's employer, as
// one of app's entries (Application.consents, with their receipts).
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
		SetSource(entconsent.SourceAPPLICATION).SetRecordedAt(at).SetApplicationID(app.ID).
		Exec(sys)
}
