package hooks

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/employer"
	"consentgate/ent/hook"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
	"consentgate/ent/schema/validate"
	"consentgate/ledger"
)

// Errors of privacy requests and their effects.
var (
	// ErrChangesNotForKind: profile changes proposed by a request that is
	// neither a CORRECTION nor an ADDITION.
	ErrChangesNotForKind = errors.New("only a CORRECTION or an ADDITION proposes profile changes")
	// ErrAdditionClears: an ADDITION that would clear a field.
	ErrAdditionClears = errors.New("an ADDITION adds data and clears nothing (a CORRECTION may)")
	// ErrSubjectErased: the request's subject was erased by a completed
	// DELETION: nothing is left to act on.
	ErrSubjectErased = errors.New("the subject's personal data has been erased")
	// ErrNoEngine: completing the request needs the consent policy (the
	// purposes and their defaults) and none is in the context.
	ErrNoEngine = errors.New("the consent policy is not available")
)

// Placeholders of erasure: what an erased applicant's required fields hold.
const (
	ErasedName  = "[erased]"
	ErasedEmail = "erased@erased.invalid"
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

// changedFields lists the GraphQL names of the fields raw changes, sorted.
func changedFields(raw json.RawMessage) []string {
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
		for _, name := range changedFields(raw) {
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
// The effects are the system acting on the subject's own request, whose
// handling has passed rule.HandleRequests: they run with a privileged
// context, as ProvisionConsent does, so the subject's profile, applications,
// consent ledger (source PRIVACY_REQUEST, stamped by StampConsent) and
// access records can be written whoever the handler is. What they did or
// answered is stored as the request's result, for the subject.
func RequestEffects() ent.Hook {
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
			e := &effects{ctx: privacy.DecisionContext(ctx, privacy.Allow), client: m.Client(),
				engine: consent.EngineFrom(ctx), req: req, now: time.Now()}
			result, err := e.run()
			if err != nil {
				return nil, err
			}
			raw, err := json.Marshal(result)
			if err != nil {
				return nil, fmt.Errorf("recording the result: %w", err)
			}
			return m.Client().PrivacyRequest.UpdateOneID(req.ID).SetResult(raw).Save(e.ctx)
		})
	}, ent.OpUpdateOne)
}

// effects completes one privacy request.
type effects struct {
	ctx    context.Context // privileged
	client *ent.Client     // the transaction's
	engine *consent.Engine
	req    *ent.PrivacyRequest
	now    time.Time
}

// object is a JSON object of a result.
type object = map[string]any

func (e *effects) run() (object, error) {
	a, err := e.client.Applicant.Get(e.ctx, e.req.ApplicantID)
	if err != nil {
		return nil, fmt.Errorf("loading the subject: %w", err)
	}
	if a.ErasedAt != nil {
		return nil, validate.Field("PrivacyRequest.status", ErrSubjectErased)
	}
	switch e.req.Kind {
	case privacyrequest.KindNOTICE:
		return e.notice(a)
	case privacyrequest.KindDISCLOSURE:
		return e.disclosure(a)
	case privacyrequest.KindCORRECTION, privacyrequest.KindADDITION:
		return e.applyChanges(a)
	case privacyrequest.KindDELETION:
		return e.erase(a)
	case privacyrequest.KindCEASE_OF_USE, privacyrequest.KindCEASE_OF_PROVISION:
		withdrawn, err := e.withdraw(a, e.req.Kind == privacyrequest.KindCEASE_OF_PROVISION)
		return object{"withdrawn": withdrawn}, err
	}
	return nil, fmt.Errorf("no effect for a %s request", e.req.Kind)
}

func (e *effects) policy() (*consent.Policy, error) {
	if e.engine == nil || e.engine.Policy() == nil {
		return nil, ErrNoEngine
	}
	return e.engine.Policy(), nil
}

// policyVersion returns the published policy version in force now.
func (e *effects) policyVersion() (object, error) {
	pv, err := VersionInForce(e.ctx, e.client, e.now)
	if ent.IsNotFound(err) {
		return nil, ErrNoPolicyVersion
	}
	if err != nil {
		return nil, fmt.Errorf("finding the policy version in force: %w", err)
	}
	return object{"version": pv.Version, "effectiveAt": pv.EffectiveAt}, nil
}

// applyChanges applies a CORRECTION's or an ADDITION's proposed changes to
// the profile, validated again as a profile update.
func (e *effects) applyChanges(a *ent.Applicant) (object, error) {
	in, err := DecodeProfileChanges(e.req.ProposedChanges)
	if err != nil {
		return nil, fmt.Errorf("reading the proposed changes: %w", err)
	}
	fields := changedFields(e.req.ProposedChanges)
	if len(fields) > 0 {
		if err := CheckProfileChanges(e.ctx, e.client, a.ID, e.req.Kind, in); err != nil {
			return nil, err
		}
		err := SetProfileInput(e.client.Applicant.UpdateOneID(a.ID).Where(applicant.ErasedAtIsNil()), in).Exec(e.ctx)
		if ent.IsNotFound(err) { // erased meanwhile
			return nil, validate.Field("PrivacyRequest.status", ErrSubjectErased)
		}
		if err != nil {
			return nil, err
		}
	}
	return object{"appliedFields": fields}, nil
}

// ledger returns the subject's consent ledger in its order, with each
// entry's employer and policy version.
func (e *effects) ledger(a *ent.Applicant) ([]*ent.Consent, error) {
	return e.client.Consent.Query().Where(entconsent.ApplicantID(a.ID)).WithEmployer().WithPolicyVersion().
		Order(ent.Asc(entconsent.FieldID)).All(e.ctx)
}

func employerRef(emp *ent.Employer) any {
	if emp == nil {
		return nil
	}
	return object{"id": emp.ID, "name": emp.Name}
}

// notice answers a NOTICE: the purposes that apply to the subject under
// the current consent state and the policy's defaults, the categories they
// withhold, the employers that received their data (from the access
// records) and the policy version in force.
func (e *effects) notice(a *ent.Applicant) (object, error) {
	pol, err := e.policy()
	if err != nil {
		return nil, err
	}
	pv, err := e.policyVersion()
	if err != nil {
		return nil, err
	}
	current, err := ledger.Current(e.ctx, e.client, a.ID)
	if err != nil {
		return nil, err
	}
	state := ledger.StateOf(current)
	employers := map[string]*ent.Employer{} // by external id, those the state names
	for _, c := range current {
		if emp := c.Edges.Employer; emp != nil {
			employers[emp.ExternalID] = emp
		}
	}
	purposes := make([]object, 0, len(consent.Purposes))
	for _, p := range consent.Purposes {
		item := object{"purpose": string(p), "default": string(pol.Purposes[p])}
		if p == consent.EmployerProvision {
			to := []any{}
			for _, org := range sortedKeys(employers) {
				if e.engine.Consented(state, p, org) {
					to = append(to, employerRef(employers[org]))
				}
			}
			// Applies to the employers listed, or to all of them by a grant
			// naming none.
			item["applies"], item["employers"] = len(to) > 0 || e.engine.Consented(state, p, ""), to
		} else {
			item["applies"] = e.engine.Consented(state, p, "")
		}
		purposes = append(purposes, item)
	}
	withheld := []object{}
	for _, c := range current {
		if c.WithheldCategory != nil && !c.Granted {
			withheld = append(withheld, object{"category": string(*c.WithheldCategory), "employer": employerRef(c.Edges.Employer)})
		}
	}
	recipients, err := e.recipients(a)
	if err != nil {
		return nil, err
	}
	return object{"policyVersion": pv, "purposes": purposes, "withheld": withheld, "recipients": recipients}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// recipients lists the employers that received the subject's data, from
// the access records of releases to the EMPLOYER role: when first and
// last, how many times, which categories.
func (e *effects) recipients(a *ent.Applicant) ([]object, error) {
	records, err := e.client.AccessRecord.Query().
		Where(accessrecord.SubjectID(a.ID), accessrecord.ViewerRole(string(consent.Employer))).
		Order(ent.Asc(accessrecord.FieldAt), ent.Asc(accessrecord.FieldID)).All(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the access records: %w", err)
	}
	type recipient struct {
		first, last time.Time
		releases    int
		categories  []string
	}
	byOrg := map[string]*recipient{}
	for _, r := range records {
		rc := byOrg[r.ViewerOrg]
		if rc == nil {
			rc = &recipient{first: r.At}
			byOrg[r.ViewerOrg] = rc
		}
		rc.last = r.At
		rc.releases++
		for _, c := range r.Categories {
			name, _, _ := strings.Cut(c, ":")
			if !slices.Contains(rc.categories, name) {
				rc.categories = append(rc.categories, name)
			}
		}
	}
	orgs := sortedKeys(byOrg)
	names := map[string]*ent.Employer{}
	if len(orgs) > 0 {
		emps, err := e.client.Employer.Query().Where(employer.ExternalIDIn(orgs...)).All(e.ctx)
		if err != nil {
			return nil, fmt.Errorf("reading the employers: %w", err)
		}
		for _, emp := range emps {
			names[emp.ExternalID] = emp
		}
	}
	out := make([]object, 0, len(orgs))
	for _, org := range orgs {
		rc := byOrg[org]
		slices.Sort(rc.categories)
		out = append(out, object{"org": org, "employer": employerRef(names[org]), "first": rc.first, "last": rc.last,
			"releases": rc.releases, "categories": rc.categories})
	}
	return out, nil
}

// disclosure answers a DISCLOSURE: everything held about the subject, as
// it is now: the profile (every field), applications (with their jobs),
// the consent ledger (current state and whole history), privacy requests
// (with any proposed changes) and the access records of every release of
// their data (who, in which role and organisation, for which purpose,
// which categories, when).
func (e *effects) disclosure(a *ent.Applicant) (object, error) {
	pv, err := e.policyVersion()
	if err != nil {
		return nil, err
	}
	apps, err := e.client.Application.Query().Where(application.ApplicantID(a.ID)).
		WithJob(func(q *ent.JobQuery) { q.WithEmployer() }).
		Order(ent.Asc(application.FieldCreatedAt), ent.Asc(application.FieldID)).All(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the applications: %w", err)
	}
	applications := make([]object, len(apps))
	for i, app := range apps {
		var jobRef any
		if j := app.Edges.Job; j != nil {
			jobRef = object{"id": j.ID, "title": j.Title, "employer": employerRef(j.Edges.Employer)}
		}
		applications[i] = object{"id": app.ID, "createdAt": app.CreatedAt, "status": app.Status,
			"statusChangedAt": timeOrNil(app.StatusChangedAt), "reason": app.Reason, "answers": app.Answers, "job": jobRef}
	}
	history, err := e.ledger(a)
	if err != nil {
		return nil, err
	}
	current, err := ledger.Current(e.ctx, e.client, a.ID)
	if err != nil {
		return nil, err
	}
	entry := func(c *ent.Consent) object {
		o := object{"purpose": c.Purpose, "granted": c.Granted, "withheldCategory": c.WithheldCategory,
			"employer": employerRef(c.Edges.Employer), "source": c.Source, "basis": c.Basis, "recordedAt": c.RecordedAt}
		if c.Edges.PolicyVersion != nil {
			o["policyVersion"] = c.Edges.PolicyVersion.Version
		}
		return o
	}
	historyState := make([]object, len(history))
	for i, c := range history {
		historyState[i] = entry(c)
	}
	currentState := make([]object, len(current))
	for i, c := range current {
		currentState[i] = entry(c)
	}
	reqs, err := e.client.PrivacyRequest.Query().Where(privacyrequest.ApplicantID(a.ID)).
		Order(ent.Asc(privacyrequest.FieldCreatedAt), ent.Asc(privacyrequest.FieldID)).All(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the privacy requests: %w", err)
	}
	requests := make([]object, len(reqs))
	for i, r := range reqs {
		o := object{"id": r.ID, "kind": r.Kind, "status": r.Status, "createdAt": r.CreatedAt, "dueAt": r.DueAt,
			"completedAt": r.CompletedAt, "rejectionReason": r.RejectionReason, "proposedChanges": nil}
		if len(r.ProposedChanges) > 0 {
			o["proposedChanges"] = r.ProposedChanges
		}
		requests[i] = o
	}
	records, err := e.client.AccessRecord.Query().Where(accessrecord.SubjectID(a.ID)).
		Order(ent.Asc(accessrecord.FieldAt), ent.Asc(accessrecord.FieldID)).All(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the access records: %w", err)
	}
	accessRecords := make([]object, len(records))
	for i, r := range records {
		accessRecords[i] = object{"at": r.At, "viewerRole": r.ViewerRole, "viewerOrg": r.ViewerOrg, "purpose": r.Purpose,
			"categories": r.Categories, "decision": r.Decision, "legalBasis": r.LegalBasis,
			"policyVersion": r.PolicyVersion, "requestID": r.RequestID}
	}
	return object{
		"generatedAt":     e.now,
		"policyVersion":   pv,
		"profile":         profileOf(a),
		"applications":    applications,
		"consents":        object{"current": currentState, "history": historyState},
		"privacyRequests": requests,
		"accessRecords":   accessRecords,
	}, nil
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// profileOf renders every field of an applicant, keyed by its GraphQL name
// (account_id: accountID), an unset date as null: the fields come from the
// entity itself, so a field added to the schema is exported with no change
// here.
func profileOf(a *ent.Applicant) object {
	out := object{}
	v := reflect.ValueOf(a).Elem()
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if name == "" || name == "-" || name == "edges" || !v.Type().Field(i).IsExported() {
			continue
		}
		value := v.Field(i).Interface()
		if t, ok := value.(time.Time); ok {
			value = timeOrNil(t)
		}
		out[GraphQLName(name)] = value
	}
	return out
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

// withdraw appends to the subject's consent ledger a withdrawal, sourced
// PRIVACY_REQUEST, of every purpose that is not necessary under the policy
// (CEASE_OF_USE), or of EMPLOYER_PROVISION only (CEASE_OF_PROVISION):
// EMPLOYER_PROVISION towards everyone (which the scope rule makes enough)
// and, so that the result names them, towards each employer the subject's
// consent state names. Each takes effect for the very next request, as the
// subject's own withdrawals do.
func (e *effects) withdraw(a *ent.Applicant, provisionOnly bool) ([]object, error) {
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
	var withdrawn []object
	add := func(p consent.Purpose, emp *ent.Employer) {
		b := e.client.Consent.Create().SetApplicantID(a.ID).SetPurpose(entconsent.Purpose(p)).SetGranted(false).
			SetSource(entconsent.SourcePRIVACY_REQUEST)
		if emp != nil {
			b.SetEmployerID(emp.ID)
		}
		builders = append(builders, b)
		withdrawn = append(withdrawn, object{"purpose": string(p), "employer": employerRef(emp)})
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
//   - applications: reason and answers cleared, the live ones withdrawn
//     (which withdraws provision to their employers);
//   - the consent ledger: kept (it holds no personal value), with every
//     purpose that is not necessary withdrawn, as for CEASE_OF_USE;
//   - privacy requests: kept (the fact they were handled), their proposed
//     changes and results cleared, the other open ones rejected;
//   - access records: kept, pseudonymised: the subject id is cleared and
//     the keyed pseudonym stays.
func (e *effects) erase(a *ent.Applicant) (object, error) {
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
		if err := scrub(u.Mutation(), application.Columns,
			[]string{application.FieldID, application.FieldCreatedAt, application.FieldUpdatedAt, application.FieldStatus,
				application.FieldStatusChangedAt, application.FieldApplicantID, application.FieldJobID}, nil); err != nil {
			return nil, err
		}
		if slices.ContainsFunc(next[app.Status], func(s application.Status) bool { return s == application.StatusWITHDRAWN }) {
			u.SetStatus(application.StatusWITHDRAWN)
			withdrawnApps++
		}
		if err := u.Exec(e.ctx); err != nil {
			return nil, fmt.Errorf("erasing an application: %w", err)
		}
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
	for _, r := range open {
		err := e.client.PrivacyRequest.UpdateOne(r).SetStatus(privacyrequest.StatusREJECTED).SetHandler(e.req.Handler).
			SetRejectionReason(fmt.Sprintf("the subject's personal data was erased (request %d)", e.req.ID)).Exec(e.ctx)
		if err != nil {
			return nil, fmt.Errorf("closing an open request: %w", err)
		}
	}
	if err := e.client.PrivacyRequest.Update().Where(privacyrequest.ApplicantID(a.ID)).
		ClearProposedChanges().ClearResult().Exec(e.ctx); err != nil {
		return nil, fmt.Errorf("erasing the requests' content: %w", err)
	}

	records, err := e.client.AccessRecord.Update().Where(accessrecord.SubjectID(a.ID)).ClearSubjectID().Save(e.ctx)
	if err != nil {
		return nil, fmt.Errorf("pseudonymising the access records: %w", err)
	}
	return object{"erased": true, "applicationsWithdrawn": withdrawnApps, "requestsClosed": len(open),
		"accessRecordsPseudonymised": records, "purposesWithdrawn": len(withdrawn)}, nil
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
