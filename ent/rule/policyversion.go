package rule

import (
	"context"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
	"consentgate/ent/policyacknowledgement"
	"consentgate/ent/predicate"
	"consentgate/ent/privacy"
)

// PublishPolicyVersions lets an admin publish a new policy version (§8)
// (hooks.ValidatePolicyVersion stamps it as theirs).
func PublishPolicyVersions() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.PolicyVersionMutationRuleFunc(func(ctx context.Context, m *ent.PolicyVersionMutation) error {
		v := consent.FromContext(ctx)
		if v.Role != consent.Admin || v.Account == "" {
			return privacy.Skip
		}
		return privacy.Allow
	}), ent.OpCreate)
}

// PolicyAcknowledgementRows returns the acknowledgements v reaches: an
// applicant their own, compliance all.
func PolicyAcknowledgementRows(v consent.Viewer) predicate.PolicyAcknowledgement {
	switch {
	case v.Account == "":
	case v.Role == consent.Applicant:
		return policyacknowledgement.HasApplicantWith(applicant.AccountID(v.Account))
	case v.Role == consent.Compliance:
		return all[predicate.PolicyAcknowledgement]()
	}
	return none[predicate.PolicyAcknowledgement]()
}

// FilterPolicyAcknowledgements limits every acknowledgement query to
// PolicyAcknowledgementRows.
func FilterPolicyAcknowledgements() privacy.QueryRule {
	return privacy.PolicyAcknowledgementQueryRuleFunc(func(ctx context.Context, q *ent.PolicyAcknowledgementQuery) error {
		q.Where(PolicyAcknowledgementRows(consent.FromContext(ctx)))
		return privacy.Allow
	})
}

// AcknowledgeAsSelf lets an applicant acknowledge policy versions for
// themself only.
func AcknowledgeAsSelf() privacy.MutationRule {
	return privacy.OnMutationOperation(privacy.PolicyAcknowledgementMutationRuleFunc(func(ctx context.Context, m *ent.PolicyAcknowledgementMutation) error {
		v := consent.FromContext(ctx)
		id, ok := m.ApplicantID()
		if v.Role != consent.Applicant || v.Account == "" || !ok {
			return privacy.Skip
		}
		return allowIfSelf(ctx, m.Client(), id, v)
	}), ent.OpCreate)
}
