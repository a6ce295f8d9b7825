package graph

import (
	"context"
	"slices"
	"time"

	"consentgate/ent"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/hooks"
	"consentgate/ent/policyacknowledgement"
	"consentgate/ent/policyversion"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
	"consentgate/graph/model"
)

// Policy changes (§8): "Any user who does not request for their personal
// information to be deleted after a change to this policy will be deemed to
// agree with the stipulations of this policy after any changes regarding
// purpose of use."

// derived is ctx for reading the facts a notice or a consent's standing
// is derived from (acknowledgements, deletion requests): the viewer already
// reaches the applicant or the entry, and the answer releases no value of
// them, so every viewer who reaches it gets the same answer.
func derived(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// notices returns the policy versions that changed purposes of use and
// took or take effect after a registered, oldest first, with a's
// acknowledgements.
func notices(ctx context.Context, client *ent.Client, a *ent.Applicant) ([]*model.PolicyNotice, error) {
	versions, err := client.PolicyVersion.Query().Where(policyversion.EffectiveAtGT(a.CreatedAt)).
		Order(ent.Asc(policyversion.FieldEffectiveAt), ent.Asc(policyversion.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	acks, err := acknowledgements(ctx, client, a.ID)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := []*model.PolicyNotice{}
	for _, v := range versions {
		if len(v.ChangedPurposes) == 0 {
			continue
		}
		out = append(out, notice(v, acks[v.ID], now))
	}
	return out, nil
}

func notice(v *ent.PolicyVersion, ack *ent.PolicyAcknowledgement, now time.Time) *model.PolicyNotice {
	n := &model.PolicyNotice{PolicyVersion: v, InForce: !v.EffectiveAt.After(now)}
	if ack != nil {
		n.AcknowledgedAt = &ack.AcknowledgedAt
	}
	return n
}

// acknowledgements returns an applicant's acknowledgements by policy
// version id.
func acknowledgements(ctx context.Context, client *ent.Client, applicantID int) (map[int]*ent.PolicyAcknowledgement, error) {
	acks, err := client.PolicyAcknowledgement.Query().Where(policyacknowledgement.ApplicantID(applicantID)).All(derived(ctx))
	if err != nil {
		return nil, err
	}
	out := make(map[int]*ent.PolicyAcknowledgement, len(acks))
	for _, a := range acks {
		out[a.PolicyVersionID] = a
	}
	return out, nil
}

// standing returns on which basis a ledger entry stands now. A grant
// recorded before a version in force that changed its purpose stands,
// from that version on, on the applicant's acknowledgement of it
// (EXPLICIT) or else on deemed agreement (DEEMED), unless the applicant
// asked for deletion after the version was published: then nothing is
// deemed and the entry stands as it was given. A withdrawal is never
// turned into agreement.
func standing(ctx context.Context, client *ent.Client, c *ent.Consent) (*model.ConsentStanding, error) {
	given := func() (*model.ConsentStanding, error) {
		v, err := c.Edges.PolicyVersionOrErr()
		if err != nil {
			v, err = client.PolicyVersion.Get(ctx, c.PolicyVersionID)
		}
		return &model.ConsentStanding{Basis: c.Basis, PolicyVersion: v}, err
	}
	if !c.Granted {
		return given()
	}
	now := time.Now()
	later, err := client.PolicyVersion.Query().
		Where(policyversion.EffectiveAtGT(c.RecordedAt), policyversion.EffectiveAtLTE(now)).
		Order(ent.Desc(policyversion.FieldEffectiveAt), ent.Desc(policyversion.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(later, func(v *ent.PolicyVersion) bool { return slices.Contains(v.ChangedPurposes, string(c.Purpose)) })
	if i < 0 {
		return given()
	}
	v := later[i]
	acked, err := client.PolicyAcknowledgement.Query().
		Where(policyacknowledgement.ApplicantID(c.ApplicantID), policyacknowledgement.PolicyVersionID(v.ID)).Exist(derived(ctx))
	if err != nil {
		return nil, err
	}
	if acked {
		return &model.ConsentStanding{Basis: entconsent.BasisEXPLICIT, PolicyVersion: v}, nil
	}
	objected, err := client.PrivacyRequest.Query().Where(
		privacyrequest.ApplicantID(c.ApplicantID), privacyrequest.KindEQ(privacyrequest.KindDELETION),
		privacyrequest.StatusNEQ(privacyrequest.StatusREJECTED), privacyrequest.CreatedAtGTE(v.PublishedAt),
	).Exist(derived(ctx))
	if err != nil {
		return nil, err
	}
	if objected {
		return given()
	}
	return &model.ConsentStanding{Basis: entconsent.BasisDEEMED, PolicyVersion: v}, nil
}

// acknowledge records that the applicant me acknowledged the version
// named version (once: a later acknowledgement returns the first).
func acknowledge(ctx context.Context, client *ent.Client, me *ent.Applicant, version string) (*model.PolicyNotice, error) {
	v, err := client.PolicyVersion.Query().Where(policyversion.Version(version)).Only(ctx)
	if err != nil {
		return nil, err
	}
	ack, err := client.PolicyAcknowledgement.Query().
		Where(policyacknowledgement.ApplicantID(me.ID), policyacknowledgement.PolicyVersionID(v.ID)).Only(ctx)
	if ent.IsNotFound(err) {
		// (Two at once: the unique index refuses the second, CONFLICT; its
		// retry returns the first.)
		ack, err = client.PolicyAcknowledgement.Create().SetApplicantID(me.ID).SetPolicyVersionID(v.ID).
			SetAcknowledgedAt(time.Now().Truncate(time.Microsecond)).Save(ctx) // as PostgreSQL keeps it
	}
	if err != nil {
		return nil, err
	}
	return notice(v, ack, time.Now()), nil
}

// policyVersionInForce returns the latest version whose effective time has
// passed, or nil.
func policyVersionInForce(ctx context.Context, client *ent.Client) (*ent.PolicyVersion, error) {
	v, err := hooks.VersionInForce(ctx, client, time.Now())
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return v, err
}

// purposeStrings renders purposes as the ledger's strings.
func purposeStrings(ps []entconsent.Purpose) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}
