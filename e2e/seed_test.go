package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"consentgate/consent"
	"consentgate/demo"
	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/enttest"
	"consentgate/ent/privacy"
	_ "consentgate/ent/runtime"
	"consentgate/gateway"
)

// openSeedTestDB opens a fresh in-memory SQLite database, named after the
// test and suffix so that one test can open several.
func openSeedTestDB(t *testing.T, suffix string) *ent.Client {
	t.Helper()
	client := enttest.Open(t, "sqlite3", "file:"+t.Name()+suffix+"?mode=memory&cache=shared&_fk=1")
	t.Cleanup(func() { client.Close() })
	verifyConsentStateAtEnd(t, client)
	return client
}

// seedTestContext is a context that reads past the privacy rules.
func seedTestContext(t *testing.T) context.Context {
	return privacy.DecisionContext(t.Context(), privacy.Allow)
}

// seedOrFail seeds client and fails the test unless it seeded.
func seedOrFail(t *testing.T, client *ent.Client) {
	t.Helper()
	start := time.Now()
	seeded, err := demo.Seed(t.Context(), client)
	if err != nil {
		t.Fatalf("demo.Seed: %v", err)
	}
	if !seeded {
		t.Fatal("demo.Seed on an empty database reported false")
	}
	t.Logf("seeded in %v", time.Since(start))
}

// TestSeedDemoBackends seeds every backend the suite runs against
// (PostgreSQL when CONSENTGATE_TEST_POSTGRES is set) and checks that the
// data set is the same size everywhere.
func TestSeedDemoBackends(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		ctx := seedTestContext(t)
		seedOrFail(t, client)
		if n := client.Applicant.Query().CountX(ctx); n != 300 {
			t.Errorf("applicants = %d, want 300", n)
		}
		if n := client.Application.Query().CountX(ctx); n < 350 {
			t.Errorf("applications = %d, want at least 350", n)
		}
		if seeded, err := demo.Seed(t.Context(), client); err != nil || seeded {
			t.Errorf("second demo.Seed = %v, %v; want false, nil", seeded, err)
		}
	})
}

// TestDemoActivityLeavesATrail: the demo's staff activity goes through the
// gateway and leaves access records of employers, support and the mailer,
// one per subject and request, each naming a subject the role reached.
func TestDemoActivityLeavesATrail(t *testing.T) {
	client := openSeedTestDB(t, "")
	ctx := seedTestContext(t)
	seedOrFail(t, client)
	if err := gateway.EnsurePolicyVersion(ctx, client, consent.DefaultPolicy()); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedOperations(ctx, client, consent.DefaultPolicy()); err != nil {
		t.Fatal(err)
	}
	if err := demo.RunActivity(context.Background(), testGateway(client, nil, nil), gateway.Signer(testSecret)); err != nil {
		t.Fatal(err)
	}
	for _, role := range []consent.Role{consent.Employer, consent.Support, consent.Marketing} {
		rs := client.AccessRecord.Query().Where(accessrecord.ViewerRole(string(role))).AllX(ctx)
		if len(rs) == 0 {
			t.Errorf("no access record of %s", role)
		}
		seen := map[string]bool{}
		for _, r := range rs {
			if r.SubjectID == nil || len(r.Categories) == 0 {
				t.Fatalf("record %+v: no subject or no category", r)
			}
			key := r.RequestID + "/" + fmt.Sprint(*r.SubjectID)
			if seen[key] {
				t.Fatalf("record %+v: a second record of one subject in one request", r)
			}
			seen[key] = true
		}
	}
	if n := client.AccessRecord.Query().Where(accessrecord.ViewerRoleIn("ANALYST", "ADMIN", "COMPLIANCE")).CountX(ctx); n != 0 {
		t.Errorf("%d records of roles the activity does not use", n)
	}
}
