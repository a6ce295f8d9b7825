package demo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"consentgate/ent"
	"consentgate/ent/employer"
	"consentgate/ent/policyversion"
)

// ErrUsedDatabase is returned by Seed for a database that holds data but
// not the demo's (a start without -demo published its policy version, say):
// the demo data set is written whole into an empty database or not at all,
// never mixed into other data.
var ErrUsedDatabase = errors.New("the database holds data, but not the demo's: the demo seeds only an empty database")

// seededBefore reports whether the demo data set is in the database: its
// first employer exists (employers are created by the seed alone; the demo
// applicant's account may have been erased by a deletion request since).
func seededBefore(ctx context.Context, tx *ent.Tx) (bool, error) {
	return tx.Employer.Query().Where(employer.ExternalID(EmployerOrg)).Exist(ctx)
}

// heldData describes what a database without the demo data holds of what
// the seed writes ("1 policy version (2026-01), 2 applicants"), or is ""
// for a database the seed may fill. Approved operations are not counted:
// the shipped ones are registered into any database.
func heldData(ctx context.Context, tx *ent.Tx) (string, error) {
	versions, err := tx.PolicyVersion.Query().Order(policyversion.ByEffectiveAt()).Select(policyversion.FieldVersion).Strings(ctx)
	if err != nil {
		return "", err
	}
	var held []string
	if n := len(versions); n > 0 {
		held = append(held, fmt.Sprintf("%s (%s)", plural(n, "policy version"), strings.Join(versions, ", ")))
	}
	counts := []struct {
		name  string
		count func(context.Context) (int, error)
	}{
		{"employer", tx.Employer.Query().Count},
		{"job", tx.Job.Query().Count},
		{"applicant", tx.Applicant.Query().Count},
		{"application", tx.Application.Query().Count},
		{"consent ledger entry", tx.Consent.Query().Count},
		{"privacy request", tx.PrivacyRequest.Query().Count},
	}
	for _, c := range counts {
		n, err := c.count(ctx)
		if err != nil {
			return "", err
		}
		if n > 0 {
			held = append(held, plural(n, c.name))
		}
	}
	return strings.Join(held, ", "), nil
}

// plural is "1 job", "2 jobs", "3 entries".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
