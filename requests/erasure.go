package requests

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/answer"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/employer"
	"consentgate/ent/hooks"
	"consentgate/ent/privacyrequest"
	"consentgate/ent/schema/validate"
	"consentgate/ledger"
	"consentgate/records"
)

// Placeholders of erasure: what an erased applicant's required fields hold.
const (
	ErasedName  = "[erased]"
	ErasedEmail = "erased@erased.invalid"
)

// applyChanges applies a CORRECTION's or an ADDITION's proposed changes to
// the profile, validated again as a profile update.
func (e *effects) applyChanges(a *ent.Applicant) (*Changes, error) {
	in, err := hooks.DecodeProfileChanges(e.req.ProposedChanges)
	if err != nil {
		return nil, fmt.Errorf("reading the proposed changes: %w", err)
	}
	fields := hooks.ChangedFields(e.req.ProposedChanges)
	if len(fields) > 0 {
		if err := hooks.CheckProfileChanges(e.ctx, e.client, a.ID, e.req.Kind, in); err != nil {
			return nil, err
		}
		err := hooks.SetProfileInput(e.client.Applicant.UpdateOneID(a.ID).Where(applicant.ErasedAtIsNil()), in).Exec(e.ctx)
		if ent.IsNotFound(err) { // erased meanwhile
			return nil, validate.Field("PrivacyRequest.status", ErrSubjectErased)
		}
		if err != nil {
			return nil, err
		}
	}
	return &Changes{AppliedFields: fields}, nil
}

// withdraw appends to the subject's consent ledger a withdrawal, sourced
// PRIVACY_REQUEST, of every purpose that is not necessary under the policy
// (CEASE_OF_USE), or of EMPLOYER_PROVISION only (CEASE_OF_PROVISION):
// EMPLOYER_PROVISION towards everyone (which the scope rule makes enough)
// and, so that the result names them, towards each employer the subject's
// consent state names. Each takes effect for the very next request, as the
// subject's own withdrawals do.
func (e *effects) withdraw(a *ent.Applicant, provisionOnly bool) ([]Withdrawn, error) {
	purposes := []consent.Purpose{consent.EmployerProvision}
	if !provisionOnly {
		pol, err := e.policy()
		if err != nil {
			return nil, err
		}
		purposes = nil
		for _, p := range consent.Purposes {
			if pol.Purposes[p] != consent.Necessary {
				purposes = append(purposes, p)
			}
		}
	}
	var employers []*ent.Employer
	if slices.Contains(purposes, consent.EmployerProvision) {
		ids, err := ledger.Recipients(e.ctx, e.client, a.ID)
		if err != nil {
			return nil, err
		}
		employers, err = e.client.Employer.Query().Where(employer.IDIn(ids...)).Order(ent.Asc(employer.FieldID)).All(e.ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the employers: %w", err)
		}
	}
	var builders []*ent.ConsentCreate
	var withdrawn []Withdrawn
	add := func(p consent.Purpose, emp *ent.Employer) {
		b := e.client.Consent.Create().SetApplicantID(a.ID).SetPurpose(entconsent.Purpose(p)).SetGranted(false).
			SetSource(entconsent.SourcePRIVACY_REQUEST)
		if emp != nil {
			b.SetEmployerID(emp.ID)
		}
		builders = append(builders, b)
		withdrawn = append(withdrawn, Withdrawn{Purpose: string(p), Employer: employerRef(emp)})
	}
	for _, p := range purposes {
		add(p, nil)
		if p == consent.EmployerProvision {
			for _, emp := range employers {
				add(p, emp)
			}
		}
	}
	if err := e.client.Consent.CreateBulk(builders...).Exec(e.ctx); err != nil {
		return nil, fmt.Errorf("recording the withdrawals: %w", err)
	}
	return withdrawn, nil
}

// erase answers a DELETION: the subject's personal data is erased
// everywhere it is held, in this transaction, and what remains is kept
// without it:
//
//   - the applicant row: every field but the id and timestamps cleared, the
//     required ones (name, email) replaced by fixed placeholders, the
//     account id replaced by a random tombstone (the token's subject no
//     longer finds the row; the same account may register afresh), and the
//     erasure time stamped;
//   - applications: reason cleared, answers removed, the live ones withdrawn
//     (which withdraws provision to their employers);
//   - the consent ledger: kept (it holds no personal value), with every
//     purpose that is not necessary withdrawn, as for CEASE_OF_USE;
//   - privacy requests: kept (the fact they were handled), their proposed
//     changes and results cleared, the other open ones rejected;
//   - access records: kept, pseudonymised: the subject id is cleared and
//     the keyed pseudonym stays; while any of them is within its legal
//     period, the subject's identity is kept sealed beside them
//     (records.Seal), for compliance under a legal-basis grant only.
func (e *effects) erase(a *ent.Applicant) (*Erasure, error) {
	// The applicant first: on PostgreSQL its row lock makes a concurrent
	// correction wait, then find it erased.
	tombstone := make([]byte, 16)
	if _, err := rand.Read(tombstone); err != nil {
		return nil, err
	}
	u := e.client.Applicant.UpdateOneID(a.ID).Where(applicant.ErasedAtIsNil()).
		SetAccountID("erased:" + hex.EncodeToString(tombstone)).SetErasedAt(e.now)
	if err := scrub(u.Mutation(), applicant.Columns,
		[]string{applicant.FieldID, applicant.FieldCreatedAt, applicant.FieldUpdatedAt, applicant.FieldAccountID, applicant.FieldErasedAt},
		map[string]ent.Value{applicant.FieldName: ErasedName, applicant.FieldEmail: ErasedEmail}); err != nil {
		return nil, err
	}
	if err := u.Exec(e.ctx); ent.IsNotFound(err) {
		return nil, validate.Field("PrivacyRequest.status", ErrSubjectErased)
	} else if err != nil {
		return nil, fmt.Errorf("erasing the profile: %w", err)
	}

	apps, err := e.client.Application.Query().Where(application.ApplicantID(a.ID)).All(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the applications: %w", err)
	}
	withdrawnApps := 0
	for _, app := range apps {
		u := e.client.Application.UpdateOne(app)
		if err := scrubApplication(u.Mutation()); err != nil {
			return nil, err
		}
		if hooks.ApplicationMayMove(app.Status, application.StatusWITHDRAWN) {
			u.SetStatus(application.StatusWITHDRAWN)
			withdrawnApps++
		}
		if err := u.Exec(e.ctx); err != nil {
			return nil, fmt.Errorf("erasing an application: %w", err)
		}
	}

	// The answers are the applicant's alone: removed, the questions stay.
	if _, err := e.client.Answer.Delete().Where(answer.HasApplicationWith(application.ApplicantID(a.ID))).Exec(e.ctx); err != nil {
		return nil, fmt.Errorf("erasing the answers: %w", err)
	}

	withdrawn, err := e.withdraw(a, false)
	if err != nil {
		return nil, err
	}

	open, err := e.client.PrivacyRequest.Query().Where(privacyrequest.ApplicantID(a.ID), privacyrequest.IDNEQ(e.req.ID),
		privacyrequest.StatusIn(privacyrequest.StatusRECEIVED, privacyrequest.StatusIN_PROGRESS)).All(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the open requests: %w", err)
	}
	reason := fmt.Sprintf("the subject's personal data was erased (request %d)", e.req.ID)
	if e.req.ID == 0 {
		reason = "the subject's personal data was erased under the retention policy"
	}
	for _, r := range open {
		err := e.client.PrivacyRequest.UpdateOne(r).SetStatus(privacyrequest.StatusREJECTED).SetHandler(e.req.Handler).
			SetRejectionReason(reason).Exec(e.ctx)
		if err != nil {
			return nil, fmt.Errorf("closing an open request: %w", err)
		}
	}
	if err := e.client.PrivacyRequest.Update().Where(privacyrequest.ApplicantID(a.ID)).
		ClearProposedChanges().ClearResult().Exec(e.ctx); err != nil {
		return nil, fmt.Errorf("erasing the requests' content: %w", err)
	}

	// The records of provision still within their period keep who they
	// are about, sealed, until the last of them reaches it.
	sealed, err := records.Seal(e.ctx, e.client, records.Identity{ApplicantID: a.ID, AccountID: a.AccountID, Name: a.Name,
		NameKana: a.NameKana, Email: a.Email, Phone: a.Phone, BirthDate: birthDate(a)}, e.now)
	if err != nil {
		return nil, err
	}
	pseudonymised, err := e.client.AccessRecord.Update().Where(accessrecord.SubjectID(a.ID)).ClearSubjectID().Save(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("pseudonymising the access records: %w", err)
	}
	return &Erasure{Erased: true, ApplicationsWithdrawn: withdrawnApps, RequestsClosed: len(open),
		AccessRecordsPseudonymised: pseudonymised, IdentitySealed: sealed, PurposesWithdrawn: len(withdrawn)}, nil
}

// birthDate is the applicant's birth date, if they gave one.
func birthDate(a *ent.Applicant) *time.Time {
	if a.BirthDate.IsZero() {
		return nil
	}
	return &a.BirthDate
}

// RetentionHandler is the handler named on the privacy requests an erasure
// under the retention policy closes.
const RetentionHandler = "system:retention"

// EraseExpired erases applicant id as a completed DELETION does (erase,
// the same code), because the policy's retention period of their account
// has ended rather than because they asked: the open requests it closes
// name the retention policy and RetentionHandler. client must be a
// transaction's and ctx allow every read and write, as for Complete; the
// sweeper (package retention) runs one account per transaction. An
// applicant already erased fails with ErrSubjectErased.
func EraseExpired(ctx context.Context, client *ent.Client, engine *consent.Engine, id int, now time.Time) (*Erasure, error) {
	e := &effects{ctx: ctx, client: client, engine: engine, req: &ent.PrivacyRequest{Handler: RetentionHandler}, now: now}
	a, err := client.Applicant.Get(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("loading the subject: %w", err)
	}
	if a.ErasedAt != nil {
		return nil, validate.Field("PrivacyRequest.status", ErrSubjectErased)
	}
	return e.erase(a)
}

// scrubApplication clears every personal field of an application: all
// but its ids, times and status.
func scrubApplication(m ent.Mutation) error {
	return scrub(m, application.Columns,
		[]string{application.FieldID, application.FieldCreatedAt, application.FieldUpdatedAt, application.FieldStatus,
			application.FieldStatusChangedAt, application.FieldApplicantID, application.FieldJobID}, nil)
}

// AnonymiseApplications keeps the applications ids (of applicants who may
// still have an account) without their personal values, as an erasure
// leaves an erased applicant's: each application's personal fields
// cleared and its answers removed; its status, job and times stay. client
// must be a transaction's and ctx allow every write (the retention
// sweeper's, for CLOSED_APPLICATIONS under ANONYMISE).
func AnonymiseApplications(ctx context.Context, client *ent.Client, ids []int) error {
	if _, err := client.Answer.Delete().Where(answer.ApplicationIDIn(ids...)).Exec(ctx); err != nil {
		return fmt.Errorf("erasing the answers: %w", err)
	}
	for _, id := range ids {
		u := client.Application.UpdateOneID(id)
		if err := scrubApplication(u.Mutation()); err != nil {
			return err
		}
		if err := u.Exec(ctx); err != nil {
			return fmt.Errorf("anonymising an application: %w", err)
		}
	}
	return nil
}

// scrub clears every field of m but those kept, setting the placeholder of
// each required one. A required field without a placeholder is an error:
// a personal field added to the schema is erased, or erasure fails, never
// silently kept.
func scrub(m ent.Mutation, columns, keep []string, placeholders map[string]ent.Value) error {
	for _, f := range columns {
		if slices.Contains(keep, f) {
			continue
		}
		if v, ok := placeholders[f]; ok {
			if err := m.SetField(f, v); err != nil {
				return fmt.Errorf("erasing %s.%s: %w", m.Type(), f, err)
			}
			continue
		}
		if err := m.ClearField(f); err != nil {
			return fmt.Errorf("erasing %s.%s: a required field needs a placeholder: %w", m.Type(), f, err)
		}
	}
	return nil
}
