package graph

import (
	"context"
	"slices"
	"time"

	"consentgate/ent"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/consentstate"
	"consentgate/ent/hooks"
	"consentgate/ent/policyacknowledgement"
	"consentgate/ent/policyversion"
	"consentgate/ent/predicate"
	"consentgate/ent/privacy"
	"consentgate/ent/rule"
	"consentgate/graph/model"
	"consentgate/ledger"
)

// Policy changes (§8): "Any user who does not request for their personal
// information to be deleted after a change to this policy will be deemed to
// agree with the stipulations of this policy after any changes regarding
// purpose of use." A version takes effect after a notice period
// (hooks.ValidatePolicyVersion); an applicant may object to it
// (objectToPolicyVersion, or a deletion request), which withdraws the
// purposes it changed from its effective time; a change of provision to
// employers or an added purpose is never deemed agreed (ledger.Explicit).
// Every effect is a ledger entry or the state's standing of one, so the
// engine and every reader of the state see it.

// derived is ctx for reading the facts a notice or a consent's standing
// is derived from (acknowledgements, deletion requests): the viewer already
// reaches the applicant or the entry, and the answer releases no value of
// them, so every viewer who reaches it gets the same answer.
func derived(ctx context.Context) context.Context { return privacy.DecisionContext(ctx, privacy.Allow) }

// notices returns the policy versions that changed purposes of use and
// took or take effect after a registered, oldest first, with a's
// acknowledgements and objections.
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
	objs, err := objections(ctx, client, a.ID)
	if err != nil {
		return nil, err
	}
	now := rule.Now(ctx)
	out := []*model.PolicyNotice{}
	for _, v := range versions {
		if len(v.ChangedPurposes) == 0 {
			continue
		}
		out = append(out, notice(v, acks[v.ID], objs[v.ID], now))
	}
	return out, nil
}

func notice(v *ent.PolicyVersion, ack *ent.PolicyAcknowledgement, objected *ent.Consent, now time.Time) *model.PolicyNotice {
	n := &model.PolicyNotice{PolicyVersion: v, InForce: !v.EffectiveAt.After(now)}
	if ack != nil {
		n.AcknowledgedAt = &ack.AcknowledgedAt
	}
	if objected != nil {
		n.ObjectedAt = &objected.RecordedAt
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

// objected selects an applicant's objections: the withdrawals an objection
// to a policy version appended (source POLICY_CHANGE, stamped with the
// version objected to).
func objected(applicantID int) predicate.Consent {
	return entconsent.And(entconsent.ApplicantID(applicantID), entconsent.SourceEQ(entconsent.SourcePOLICY_CHANGE),
		entconsent.Granted(false))
}

// objections returns an applicant's first objection entry per policy
// version id.
func objections(ctx context.Context, client *ent.Client, applicantID int) (map[int]*ent.Consent, error) {
	entries, err := client.Consent.Query().Where(objected(applicantID)).Order(ent.Asc(entconsent.FieldID)).All(derived(ctx))
	if err != nil {
		return nil, err
	}
	out := map[int]*ent.Consent{}
	for _, c := range entries {
		if out[c.PolicyVersionID] == nil {
			out[c.PolicyVersionID] = c
		}
	}
	return out, nil
}

// standing returns on which basis a ledger entry stands now, as the engine
// applies it (consent.Entry.At over the entry's state line):
//   - a withdrawal is WITHDRAWN, or OBJECTED when an objection appended it;
//   - a grant past its line's void_from no longer applies: OBJECTED if the
//     applicant objected to the version taking effect then, else
//     EXPLICIT_GRANT_REQUIRED (a change of provision, or an added purpose);
//   - a grant given under an earlier version than one in force that changed
//     its purpose stands on the applicant's acknowledgement of it
//     (EXPLICIT) or else on deemed agreement (DEEMED, §8);
//   - otherwise it stands as given (EXPLICIT).
func standing(ctx context.Context, client *ent.Client, c *ent.Consent) (*model.ConsentStanding, error) {
	given, err := c.Edges.PolicyVersionOrErr()
	if err != nil {
		if given, err = client.PolicyVersion.Get(ctx, c.PolicyVersionID); err != nil {
			return nil, err
		}
	}
	out := &model.ConsentStanding{Basis: c.Basis, PolicyVersion: given, Status: model.StandingStatusExplicit}
	if !c.Granted {
		out.Status = model.StandingStatusWithdrawn
		if c.Source == entconsent.SourcePOLICY_CHANGE {
			out.Status = model.StandingStatusObjected
		}
		return out, nil
	}
	now := rule.Now(ctx)
	line, err := client.ConsentState.Query().Where(consentstate.HasEntryWith(entconsent.ID(c.ID))).Only(derived(ctx))
	if err != nil && !ent.IsNotFound(err) {
		return nil, err
	}
	inForce := line != nil && (line.AppliesFrom == nil || !now.Before(*line.AppliesFrom))
	if line != nil {
		out.VoidFrom = line.VoidFrom
	}
	if out.VoidFrom != nil && !now.Before(*out.VoidFrom) {
		// Voided by an objection filed after the grant and effective then,
		// or else by a version that needs an explicit grant.
		o, err := client.Consent.Query().Where(objected(c.ApplicantID), entconsent.PurposeEQ(c.Purpose),
			entconsent.IDGT(c.ID), entconsent.EffectiveAt(*out.VoidFrom)).WithPolicyVersion().First(derived(ctx))
		if err != nil && !ent.IsNotFound(err) {
			return nil, err
		}
		if o != nil {
			out.Status, out.PolicyVersion = model.StandingStatusObjected, o.Edges.PolicyVersion
			return out, nil
		}
		vs, err := client.PolicyVersion.Query().Where(policyversion.EffectiveAt(*out.VoidFrom)).All(ctx)
		if err != nil {
			return nil, err
		}
		out.Status = model.StandingStatusExplicitGrantRequired
		if i := slices.IndexFunc(vs, func(v *ent.PolicyVersion) bool { return slices.Contains(ledger.Explicit(v), string(c.Purpose)) }); i >= 0 {
			out.PolicyVersion = vs[i]
		}
		return out, nil
	}
	out.Applies = inForce
	later, err := client.PolicyVersion.Query().
		Where(policyversion.EffectiveAtGT(given.EffectiveAt), policyversion.EffectiveAtLTE(now)).
		Order(ent.Desc(policyversion.FieldEffectiveAt), ent.Desc(policyversion.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(later, func(v *ent.PolicyVersion) bool { return slices.Contains(v.ChangedPurposes, string(c.Purpose)) })
	if i < 0 {
		return out, nil
	}
	v := later[i]
	out.PolicyVersion = v
	acked, err := client.PolicyAcknowledgement.Query().
		Where(policyacknowledgement.ApplicantID(c.ApplicantID), policyacknowledgement.PolicyVersionID(v.ID)).Exist(derived(ctx))
	if err != nil {
		return nil, err
	}
	if acked {
		out.Basis = entconsent.BasisEXPLICIT
		return out, nil
	}
	out.Basis, out.Status = entconsent.BasisDEEMED, model.StandingStatusDeemed
	return out, nil
}

// notifiedVersion returns the version named version if me was notified of
// it (it changes purposes and takes effect after they registered).
func notifiedVersion(ctx context.Context, client *ent.Client, me *ent.Applicant, version string) (*ent.PolicyVersion, error) {
	v, err := client.PolicyVersion.Query().Where(policyversion.Version(version)).Only(ctx)
	if err != nil {
		return nil, err
	}
	if len(v.ChangedPurposes) == 0 || !v.EffectiveAt.After(me.CreatedAt) {
		return nil, ErrNotNotified
	}
	return v, nil
}

// acknowledge records that the applicant me acknowledged the version
// named version (once: a later acknowledgement returns the first). For the
// purposes the version gives no deemed standing (ledger.Explicit), it
// appends a grant stamped with the version for each grant of the purpose
// in me's state (towards the same employer): acknowledging is the explicit
// grant they need.
func acknowledge(ctx context.Context, client *ent.Client, me *ent.Applicant, version string) (*model.PolicyNotice, error) {
	v, err := notifiedVersion(ctx, client, me, version)
	if err != nil {
		return nil, err
	}
	ack, err := client.PolicyAcknowledgement.Query().
		Where(policyacknowledgement.ApplicantID(me.ID), policyacknowledgement.PolicyVersionID(v.ID)).Only(ctx)
	if ent.IsNotFound(err) {
		// (Two at once: the unique index refuses the second, CONFLICT; its
		// retry returns the first.)
		ack, err = client.PolicyAcknowledgement.Create().SetApplicantID(me.ID).SetPolicyVersionID(v.ID).
			SetAcknowledgedAt(hooks.Now(ctx).Truncate(time.Microsecond)).Save(ctx) // as PostgreSQL keeps it
		if err == nil {
			err = regrant(ctx, client, me, v)
		}
	}
	if err != nil {
		return nil, err
	}
	objs, err := objections(ctx, client, me.ID)
	if err != nil {
		return nil, err
	}
	return notice(v, ack, objs[v.ID], rule.Now(ctx)), nil
}

// regrant appends, for each purpose v gives no deemed standing, a grant
// stamped with v of each whole-purpose grant in me's state.
func regrant(ctx context.Context, client *ent.Client, me *ent.Applicant, v *ent.PolicyVersion) error {
	explicit := ledger.Explicit(v)
	if len(explicit) == 0 {
		return nil
	}
	current, err := ledger.Current(ctx, client, me.ID)
	if err != nil {
		return err
	}
	for _, c := range current {
		if !c.Granted || c.WithheldCategory != nil || !slices.Contains(explicit, string(c.Purpose)) {
			continue
		}
		err := client.Consent.Create().SetApplicantID(me.ID).SetPurpose(c.Purpose).SetNillableEmployerID(c.EmployerID).
			SetGranted(true).SetSource(entconsent.SourcePOLICY_CHANGE).SetPolicyVersionID(v.ID).Exec(ctx)
		if err != nil {
			return err
		}
	}
	return nil
}

// object records the applicant me's objection to the version named
// version (once: a later objection returns the first): a withdrawal of
// each purpose it changed, for all employers, stamped with the version,
// which takes effect at the version's effective time (at once if it is in
// force; ledger.Pending).
func object(ctx context.Context, client *ent.Client, me *ent.Applicant, version string) (*model.PolicyNotice, error) {
	v, err := notifiedVersion(ctx, client, me, version)
	if err != nil {
		return nil, err
	}
	if err := objectTo(ctx, client, me, v); err != nil {
		return nil, err
	}
	acks, err := acknowledgements(ctx, client, me.ID)
	if err != nil {
		return nil, err
	}
	objs, err := objections(ctx, client, me.ID)
	if err != nil {
		return nil, err
	}
	return notice(v, acks[v.ID], objs[v.ID], rule.Now(ctx)), nil
}

// objectTo appends me's objection to v unless they objected to it already.
func objectTo(ctx context.Context, client *ent.Client, me *ent.Applicant, v *ent.PolicyVersion) error {
	done, err := client.Consent.Query().Where(objected(me.ID), entconsent.PolicyVersionID(v.ID)).Exist(derived(ctx))
	if err != nil || done {
		return err
	}
	now := hooks.Now(ctx).Truncate(time.Microsecond)
	from := now
	if v.EffectiveAt.After(now) {
		from = v.EffectiveAt
	}
	for _, p := range v.ChangedPurposes {
		err := client.Consent.Create().SetApplicantID(me.ID).SetPurpose(entconsent.Purpose(p)).SetGranted(false).
			SetSource(entconsent.SourcePOLICY_CHANGE).SetPolicyVersionID(v.ID).SetRecordedAt(now).
			SetEffectiveAt(from.UTC()).Exec(ctx)
		if err != nil {
			return err
		}
	}
	return nil
}

// objectByDeletion records, for an applicant who asks for deletion, an
// objection to each version that changed purposes, was published after
// they registered and that they did not acknowledge (§8: who does not ask
// for deletion after a change is deemed to agree; who does, is not).
func objectByDeletion(ctx context.Context, client *ent.Client, me *ent.Applicant) error {
	versions, err := client.PolicyVersion.Query().Where(policyversion.PublishedAtGT(me.CreatedAt)).All(ctx)
	if err != nil {
		return err
	}
	acks, err := acknowledgements(ctx, client, me.ID)
	if err != nil {
		return err
	}
	for _, v := range versions {
		if len(v.ChangedPurposes) == 0 || acks[v.ID] != nil {
			continue
		}
		if err := objectTo(ctx, client, me, v); err != nil {
			return err
		}
	}
	return nil
}

// policyVersionInForce returns the latest version whose effective time has
// passed, or nil.
func policyVersionInForce(ctx context.Context, client *ent.Client, now time.Time) (*ent.PolicyVersion, error) {
	v, err := hooks.VersionInForce(ctx, client, now)
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
