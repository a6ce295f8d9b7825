// Package requests owns what completing a privacy request does (policy
// §6(2)): a NOTICE and a DISCLOSURE answered, a CORRECTION or an ADDITION
// applied, a DELETION erasing the subject, a CEASE_OF_USE or a
// CEASE_OF_PROVISION withdrawing consents in the ledger. Each kind's
// outcome is a typed Result, which the request stores as its result.
//
// The effects run in the transaction of the completion, from the hook
// ent/hooks.RequestEffects, to which the schema passes Complete. They read
// consent through the consent state (package ledger: Current, StateOf,
// Recipients) and take the policy from the engine they are given.
//
// This package may import ent, its hooks and the ledger, and consent; it must
// not import graph, server or anything GraphQL: the model's hooks (and
// ent/schema through them) are below it, the GraphQL layer above.
package requests

import (
	"context"
	"fmt"
	"slices"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/hooks"
	"consentgate/ent/privacyrequest"
	"consentgate/ent/schema/validate"
)

// Complete does what req, just completed, asks of its subject, now, and
// returns what it did or answered. client is the completion's transaction
// (the ledger is written only inside one) and ctx must allow every read and
// write (privacy.DecisionContext): the effects are the system acting on the
// subject's own request, whose handling the privacy rules already allowed.
// engine holds the policy (its purposes and their defaults): a NOTICE, a
// CEASE_OF_USE and a DELETION fail with ErrNoEngine without one.
//
// A request whose subject was erased fails with ErrSubjectErased (as a
// validate.Field error of PrivacyRequest.status).
func Complete(ctx context.Context, client *ent.Client, engine *consent.Engine, req *ent.PrivacyRequest, now time.Time) (Result, error) {
	e := &effects{ctx: ctx, client: client, engine: engine, req: req, now: now}
	a, err := client.Applicant.Get(ctx, req.ApplicantID)
	if err != nil {
		return nil, fmt.Errorf("loading the subject: %w", err)
	}
	if a.ErasedAt != nil {
		return nil, validate.Field("PrivacyRequest.status", ErrSubjectErased)
	}
	switch req.Kind {
	case privacyrequest.KindNOTICE:
		return e.notice(a)
	case privacyrequest.KindDISCLOSURE:
		return e.disclosure(a)
	case privacyrequest.KindCORRECTION, privacyrequest.KindADDITION:
		return e.applyChanges(a)
	case privacyrequest.KindDELETION:
		return e.erase(a)
	case privacyrequest.KindCEASE_OF_USE, privacyrequest.KindCEASE_OF_PROVISION:
		withdrawn, err := e.withdraw(a, req.Kind == privacyrequest.KindCEASE_OF_PROVISION)
		if err != nil {
			return nil, err
		}
		return &Withdrawal{Withdrawn: withdrawn}, nil
	}
	return nil, fmt.Errorf("no effect for a %s request", req.Kind)
}

// effects completes one privacy request.
type effects struct {
	ctx    context.Context // privileged
	client *ent.Client     // the transaction's
	engine *consent.Engine
	req    *ent.PrivacyRequest
	now    time.Time
}

func (e *effects) policy() (*consent.Policy, error) {
	if e.engine == nil || e.engine.Policy() == nil {
		return nil, ErrNoEngine
	}
	return e.engine.Policy(), nil
}

// policyVersion returns the published policy version in force now.
func (e *effects) policyVersion() (PolicyVersionRef, error) {
	pv, err := hooks.VersionInForce(e.ctx, e.client, e.now)
	if ent.IsNotFound(err) {
		return PolicyVersionRef{}, hooks.ErrNoPolicyVersion
	}
	if err != nil {
		return PolicyVersionRef{}, fmt.Errorf("finding the policy version in force: %w", err)
	}
	return PolicyVersionRef{Version: pv.Version, EffectiveAt: pv.EffectiveAt}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
