// Package hooks holds the ent mutation hooks that keep the model's values
// consistent beyond what single-field validators can check: dates, typed
// lists, cross-field rules, the application and privacy request state
// machines, the profile changes a privacy request proposes, the access
// grant lifecycle, and the stamps (policy version, time, account) on
// consent entries, approved operations and policy versions; and they keep
// the access records append-only. Like validators, they refuse a bad value
// before anything is stored. One file per entity: this one the
// applicant's, then job.go, application.go, consent.go, request.go,
// grant.go, operation.go, policyversion.go and records.go.
//
// What completing a privacy request does is not here: RequestEffects runs
// it, in the completion's transaction, but the effects themselves (package
// requests) are passed in by the schema. This package is the model layer:
// it imports ent, consent and the approved operations' format, and must not
// import requests (which imports it), graph or server.
package hooks

import (
	"context"
	"errors"
	"fmt"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/hook"
	"consentgate/ent/rule"
	"consentgate/ent/schema/schematype"
	"consentgate/ent/schema/validate"
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
		if entered(ctx) && validate.VisaExpired(t, rule.Now(ctx)) {
			return validate.Field("Applicant.visaExpiresOn", validate.ErrVisaExpired)
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

// entered reports whether a mutation is someone's entry: it runs for a
// viewer with an account (the applicant's sign-up and profile updates,
// their requests' proposed changes, staff completing a correction), all of
// which come through the API. An expired status of residence is refused
// as current there, at the time of the operation (rule.Now, the clock the
// field guard shows visaExpired by). The system's own writes (the demo's
// seed, a test fixture, an import) carry no viewer and may hold history:
// an expiry already past when written, which visaExpired then shows.
func entered(ctx context.Context) bool {
	return consent.FromContext(ctx).Account != ""
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
