package rule

import (
	"context"
	"errors"
	"fmt"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/employer"
	"consentgate/ent/operation"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
)

// CreateOwnProfile lets an applicant create the profile of their own
// account, and nothing else.
func CreateOwnProfile() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.ApplicantMutationRuleFunc(func(ctx context.Context, m *ent.ApplicantMutation) error {
		v := consent.FromContext(ctx)
		if account, ok := m.AccountID(); ok && v.Role == consent.Applicant && v.Account != "" && account == v.Account {
			return privacy.Allow
		}
		return privacy.Skip
	}), ent.OpCreate)
}

// UpdateOwnProfile lets an applicant update their own profile only.
func UpdateOwnProfile() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.ApplicantMutationRuleFunc(func(ctx context.Context, m *ent.ApplicantMutation) error {
		v := consent.FromContext(ctx)
		if v.Role != consent.Applicant || v.Account == "" {
			return privacy.Skip
		}
		if _, ok := m.AccountID(); ok { // the account is the identity; only erasure changes it
			return privacy.Skip
		}
		if _, ok := m.ErasedAt(); ok || m.ErasedAtCleared() {
			return privacy.Skip
		}
		m.Where(applicant.AccountID(v.Account))
		return privacy.Allow
	}), ent.OpUpdateOne|ent.OpUpdate)
}

// ApplyAsSelf lets an applicant create applications for themself only.
func ApplyAsSelf() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.ApplicationMutationRuleFunc(func(ctx context.Context, m *ent.ApplicationMutation) error {
		v := consent.FromContext(ctx)
		id, ok := m.ApplicantID()
		if v.Role != consent.Applicant || v.Account == "" || !ok {
			return privacy.Skip
		}
		return allowIfSelf(ctx, m.Client(), id, v)
	}), ent.OpCreate)
}

// statusOnly reports whether a mutation touches the application's status
// (and the timestamps that follow it) and nothing else.
func statusOnly(m *ent.ApplicationMutation) bool {
	if _, ok := m.Status(); !ok {
		return false
	}
	for _, f := range m.Fields() {
		switch f {
		case application.FieldStatus, application.FieldStatusChangedAt, application.FieldUpdatedAt:
		default:
			return false
		}
	}
	return len(m.ClearedFields()) == 0 && len(m.AddedEdges()) == 0 && len(m.RemovedEdges()) == 0 && len(m.ClearedEdges()) == 0
}

// WithdrawOwnApplication lets an applicant move their own application to
// WITHDRAWN, and change nothing else about it.
func WithdrawOwnApplication() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.ApplicationMutationRuleFunc(func(ctx context.Context, m *ent.ApplicationMutation) error {
		v := consent.FromContext(ctx)
		if v.Role != consent.Applicant || v.Account == "" || !statusOnly(m) {
			return privacy.Skip
		}
		if s, _ := m.Status(); s != application.StatusWITHDRAWN {
			return privacy.Skip
		}
		m.Where(application.HasApplicantWith(applicant.AccountID(v.Account)))
		return privacy.Allow
	}), ent.OpUpdateOne)
}

// MoveOwnJobsApplications lets an employer move the status of applications
// to its own jobs (to any status but WITHDRAWN, which is the applicant's).
func MoveOwnJobsApplications() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.ApplicationMutationRuleFunc(func(ctx context.Context, m *ent.ApplicationMutation) error {
		v := consent.FromContext(ctx)
		if v.Role != consent.Employer || v.Org == "" || !statusOnly(m) {
			return privacy.Skip
		}
		if s, _ := m.Status(); s == application.StatusWITHDRAWN {
			return privacy.Skip
		}
		m.Where(ApplicationRows(ctx, v))
		return privacy.Allow
	}), ent.OpUpdateOne)
}

// CreateOwnJobs lets an employer create jobs for its own organisation.
func CreateOwnJobs() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.JobMutationRuleFunc(func(ctx context.Context, m *ent.JobMutation) error {
		v := consent.FromContext(ctx)
		id, ok := m.EmployerID()
		if v.Role != consent.Employer || v.Org == "" || !ok {
			return privacy.Skip
		}
		own, err := m.Client().Employer.Query().Where(employer.ID(id), employer.ExternalID(v.Org)).Exist(ctx)
		if err != nil {
			return privacy.Denyf("checking the employer: %w", err)
		}
		if !own {
			return privacy.Skip
		}
		return privacy.Allow
	}), ent.OpCreate)
}

// UpdateOwnJobs lets an employer update its own jobs only.
func UpdateOwnJobs() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.JobMutationRuleFunc(func(ctx context.Context, m *ent.JobMutation) error {
		v := consent.FromContext(ctx)
		if v.Role != consent.Employer || v.Org == "" {
			return privacy.Skip
		}
		m.Where(ownJob(v.Org))
		return privacy.Allow
	}), ent.OpUpdateOne|ent.OpUpdate)
}

// RecordOwnConsent lets an applicant append entries to their own consent
// ledger, as themself (source APPLICANT, or POLICY_CHANGE for their
// objection to, or acknowledgement of, a policy version; explicit).
// Nothing may change or remove an entry.
func RecordOwnConsent() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.ConsentMutationRuleFunc(func(ctx context.Context, m *ent.ConsentMutation) error {
		v := consent.FromContext(ctx)
		id, ok := m.ApplicantID()
		source, _ := m.Source()
		basis, _ := m.Basis()
		if v.Role != consent.Applicant || v.Account == "" || !ok || basis == entconsent.BasisDEEMED ||
			(source != entconsent.SourceAPPLICANT && source != entconsent.SourcePOLICY_CHANGE) {
			return privacy.Skip
		}
		return allowIfSelf(ctx, m.Client(), id, v)
	}), ent.OpCreate)
}

// FileOwnRequest lets an applicant file privacy requests for themself, as
// received.
func FileOwnRequest() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.PrivacyRequestMutationRuleFunc(func(ctx context.Context, m *ent.PrivacyRequestMutation) error {
		v := consent.FromContext(ctx)
		id, ok := m.ApplicantID()
		if v.Role != consent.Applicant || v.Account == "" || !ok {
			return privacy.Skip
		}
		if s, set := m.Status(); set && s != privacyrequest.StatusRECEIVED {
			return privacy.Skip
		}
		if _, set := m.Result(); set { // only completing a request gives it a result
			return privacy.Skip
		}
		return allowIfSelf(ctx, m.Client(), id, v)
	}), ent.OpCreate)
}

// HandleRequests lets support and compliance move the requests they reach
// through their states (hooks.RequestStatus keeps the state machine).
func HandleRequests() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.PrivacyRequestMutationRuleFunc(func(ctx context.Context, m *ent.PrivacyRequestMutation) error {
		v := consent.FromContext(ctx)
		if (v.Role != consent.Support && v.Role != consent.Compliance) || v.Account == "" {
			return privacy.Skip
		}
		for _, f := range m.Fields() {
			switch f {
			case privacyrequest.FieldStatus, privacyrequest.FieldHandler, privacyrequest.FieldRejectionReason,
				privacyrequest.FieldCompletedAt, privacyrequest.FieldUpdatedAt:
			default:
				return privacy.Skip
			}
		}
		m.Where(PrivacyRequestRows(v))
		return privacy.Allow
	}), ent.OpUpdateOne)
}

// RegisterOperations lets an admin register approved operations
// (hooks.StampOperation records who, when and the document's hash).
func RegisterOperations() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.OperationMutationRuleFunc(func(ctx context.Context, _ *ent.OperationMutation) error {
		if v := consent.FromContext(ctx); v.Role != consent.Admin || v.Account == "" {
			return privacy.Skip
		}
		return privacy.Allow
	}), ent.OpCreate)
}

// ErrOperationSelfApproval is returned when an admin approves the operation
// it registered: an operation runs only on a second admin's word.
var ErrOperationSelfApproval = errors.New("an operation must be approved by a second admin")

// ApproveOperations lets an admin approve a pending operation another
// admin registered (accounts compared canonically, consent.SameAccount):
// the approval's fields are the only change, and hooks.StampOperation
// records the approver from the token. The UPDATE itself re-checks that the
// operation is still pending and unrevoked, so of two concurrent approvals
// one succeeds.
func ApproveOperations() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.OperationMutationRuleFunc(func(ctx context.Context, m *ent.OperationMutation) error {
		v := consent.FromContext(ctx)
		if v.Role != consent.Admin || v.Account == "" || len(m.ClearedFields()) > 0 {
			return privacy.Skip
		}
		if _, ok := m.ApprovedAt(); !ok {
			return privacy.Skip
		}
		for _, f := range m.Fields() {
			switch f {
			case operation.FieldApprovedAt, operation.FieldApprovedBy:
			default:
				return privacy.Skip
			}
		}
		if by, ok := m.ApprovedBy(); ok && !consent.SameAccount(by, v.Account) {
			return privacy.Skip // nobody approves in another's name
		}
		registeredBy, err := m.OldRegisteredBy(ctx)
		if err != nil {
			return err // not found: the error says so
		}
		if consent.SameAccount(registeredBy, v.Account) {
			return fmt.Errorf("%w: %w", ErrOperationSelfApproval, privacy.Deny)
		}
		m.Where(operation.ApprovedAtIsNil(), operation.RevokedAtIsNil())
		return privacy.Allow
	}), ent.OpUpdateOne)
}

// RevokeOperations lets an admin revoke an approved operation, once: the
// revocation's fields are the only change an operation ever takes, and an
// operation already revoked is not found.
func RevokeOperations() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.OperationMutationRuleFunc(func(ctx context.Context, m *ent.OperationMutation) error {
		v := consent.FromContext(ctx)
		if v.Role != consent.Admin || v.Account == "" || len(m.ClearedFields()) > 0 {
			return privacy.Skip
		}
		if _, ok := m.RevokedAt(); !ok {
			return privacy.Skip
		}
		for _, f := range m.Fields() {
			switch f {
			case operation.FieldRevokedAt, operation.FieldRevokedBy, operation.FieldRevocationReason:
			default:
				return privacy.Skip
			}
		}
		m.Where(operation.RevokedAtIsNil())
		return privacy.Allow
	}), ent.OpUpdateOne)
}

// allowIfSelf allows a write for the applicant with id if that applicant is
// the viewer, and skips otherwise.
func allowIfSelf(ctx context.Context, client *ent.Client, id int, v consent.Viewer) error {
	self, err := client.Applicant.Query().Where(applicant.ID(id), applicant.AccountID(v.Account)).Exist(ctx)
	if err != nil {
		return privacy.Denyf("checking the applicant: %w", err)
	}
	if !self {
		return privacy.Skip
	}
	return privacy.Allow
}
