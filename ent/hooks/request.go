package hooks

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/hook"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
	"consentgate/ent/schema/validate"
)

// Errors of the profile changes a privacy request proposes.
var (
	// ErrChangesNotForKind: profile changes proposed by a request that is
	// neither a CORRECTION nor an ADDITION.
	ErrChangesNotForKind = errors.New("only a CORRECTION or an ADDITION proposes profile changes")
	// ErrAdditionClears: an ADDITION that would clear a field.
	ErrAdditionClears = errors.New("an ADDITION adds data and clears nothing (a CORRECTION may)")
)

// EncodeProfileChanges renders an update-profile input as the JSON object a
// privacy request stores: the input's GraphQL field names and the values
// given, nothing else ({"city": "Kawasaki", "clearBuilding": true}).
func EncodeProfileChanges(in ent.UpdateApplicantInput) (json.RawMessage, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	out := make(map[string]json.RawMessage, len(fields))
	for name, v := range fields {
		// Unset: a nil pointer or list, or a clearX flag left false (a
		// value of false, hasSpouse's, is a pointer to false: kept).
		if s := string(v); s != "null" && !(s == "false" && strings.HasPrefix(name, "Clear")) {
			out[strings.ToLower(name[:1])+name[1:]] = v
		}
	}
	return json.Marshal(out)
}

// DecodeProfileChanges reads what EncodeProfileChanges wrote (empty: no
// change).
func DecodeProfileChanges(raw json.RawMessage) (ent.UpdateApplicantInput, error) {
	var in ent.UpdateApplicantInput
	if len(raw) == 0 {
		return in, nil
	}
	err := json.Unmarshal(raw, &in) // names match the Go fields, case aside
	return in, err
}

// ChangedFields lists the GraphQL names of the fields raw (written by
// EncodeProfileChanges) changes, sorted.
func ChangedFields(raw json.RawMessage) []string {
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(raw, &fields)
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// SetProfileInput applies an update-profile input to u as SetInput does,
// but appends the appendX lists themselves: the SetInput entgql generates
// appends the list given to set instead (ent/contrib#639), so an append
// alone did nothing.
func SetProfileInput(u *ent.ApplicantUpdateOne, in ent.UpdateApplicantInput) *ent.ApplicantUpdateOne {
	set := in
	set.AppendWorkHistory, set.AppendQualifications, set.AppendSkills, set.AppendTools, set.AppendEmergencyContacts = nil, nil, nil, nil, nil
	u.SetInput(set)
	if in.AppendWorkHistory != nil {
		u.AppendWorkHistory(in.AppendWorkHistory)
	}
	if in.AppendQualifications != nil {
		u.AppendQualifications(in.AppendQualifications)
	}
	if in.AppendSkills != nil {
		u.AppendSkills(in.AppendSkills)
	}
	if in.AppendTools != nil {
		u.AppendTools(in.AppendTools)
	}
	if in.AppendEmergencyContacts != nil {
		u.AppendEmergencyContacts(in.AppendEmergencyContacts)
	}
	return u
}

// CheckProfileChanges validates the changes a request of kind proposes to
// the profile of applicant id exactly as a profile update is validated
// (the fields' validators, then ValidateApplicant's dates and lists),
// without saving anything; an ADDITION may not clear a field. Errors name
// the field and the rule, never the value.
func CheckProfileChanges(ctx context.Context, client *ent.Client, id int, kind privacyrequest.Kind, in ent.UpdateApplicantInput) error {
	if kind != privacyrequest.KindCORRECTION && kind != privacyrequest.KindADDITION {
		return validate.Field("PrivacyRequest.changes", ErrChangesNotForKind)
	}
	if kind == privacyrequest.KindADDITION {
		raw, err := EncodeProfileChanges(in)
		if err != nil {
			return err
		}
		for _, name := range ChangedFields(raw) {
			if strings.HasPrefix(name, "clear") {
				return validate.Field("PrivacyRequest.changes."+name, ErrAdditionClears)
			}
		}
	}
	u := SetProfileInput(client.Applicant.UpdateOneID(id), in)
	if err := u.Check(); err != nil {
		return err
	}
	return checkApplicant(ctx, u.Mutation())
}

// ProposedChanges checks a new privacy request's proposed profile changes
// (CheckProfileChanges), so that a bad value is refused when the request is
// filed, not when it is completed.
func ProposedChanges() ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PrivacyRequestFunc(func(ctx context.Context, m *ent.PrivacyRequestMutation) (ent.Value, error) {
			if raw, ok := m.ProposedChanges(); ok && len(raw) > 0 {
				in, err := DecodeProfileChanges(raw)
				if err != nil {
					return nil, validate.Field("PrivacyRequest.changes", errors.New("must be an update-profile input"))
				}
				kind, _ := m.Kind()
				id, _ := m.ApplicantID()
				if err := CheckProfileChanges(ctx, m.Client(), id, kind, in); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, m)
		})
	}, ent.OpCreate)
}

// RequestEffects makes completing a privacy request do what it asks (policy
// §6(2)), in the transaction of the status change, after it: a failed
// effect fails the completion, and the request stays as it was. The status
// change comes first so that, of two handlers completing one request at
// once, the second waits for the first and then finds it completed
// (RequestStatus updates only from the state it read): the effect happens
// once.
//
// What completing does is effect's to say (requests.Complete, passed in by
// the schema: this package must not import it). It gets the transaction's
// client, the consent engine of the context (nil if none) and the time of
// completion, and runs with a privileged context: the effects are the
// system acting on the subject's own request, whose handling has passed
// rule.HandleRequests, as ProvisionConsent does, so the subject's profile,
// applications, consent ledger (source PRIVACY_REQUEST, stamped by
// StampConsent) and access records can be written whoever the handler is.
// What it returns is stored, as JSON, as the request's result, for the
// subject.
func RequestEffects[R any](effect func(ctx context.Context, client *ent.Client, engine *consent.Engine, req *ent.PrivacyRequest, now time.Time) (R, error)) ent.Hook {
	return hook.On(func(next ent.Mutator) ent.Mutator {
		return hook.PrivacyRequestFunc(func(ctx context.Context, m *ent.PrivacyRequestMutation) (ent.Value, error) {
			to, set := m.Status()
			v, err := next.Mutate(ctx, m)
			if err != nil || !set || to != privacyrequest.StatusCOMPLETED {
				return v, err
			}
			req, ok := v.(*ent.PrivacyRequest)
			if !ok {
				return v, nil
			}
			allow := privacy.DecisionContext(ctx, privacy.Allow)
			result, err := effect(allow, m.Client(), consent.EngineFrom(ctx), req, time.Now())
			if err != nil {
				return nil, err
			}
			raw, err := json.Marshal(result)
			if err != nil {
				return nil, fmt.Errorf("recording the result: %w", err)
			}
			return m.Client().PrivacyRequest.UpdateOneID(req.ID).SetResult(raw).Save(allow)
		})
	}, ent.OpUpdateOne)
}

// GraphQLName turns a column name into its GraphQL name as entgql does:
// name_kana → nameKana, last_ip → lastIP.
func GraphQLName(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		switch parts[i] {
		case "id", "ip", "url":
			parts[i] = strings.ToUpper(parts[i])
		default:
			if parts[i] != "" {
				parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
			}
		}
	}
	return strings.Join(parts, "")
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
