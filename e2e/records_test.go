package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/privacy"
)

func accessRecords(t *testing.T, client *ent.Client) []*ent.AccessRecord {
	t.Helper()
	return client.AccessRecord.Query().Order(ent.Asc(accessrecord.FieldID)).AllX(privacy.DecisionContext(context.Background(), privacy.Allow))
}

// TestAccessRecords: every release of personal data to someone other than
// its subject is recorded, one record per subject and request, with who,
// which categories and how; the subject sees their trail.
func TestAccessRecords(t *testing.T) {
	forEachBackend(t, func(t *testing.T, client *ent.Client) {
		f := newFixture(t, client)
		ids := []string{
			f.post(t, as("acme"), `{ applicants { edges { node { name email street } } } }`, nil).RequestID,
			f.post(t, as("support"), `{ applicants { edges { node { name email birthDate } } } }`, nil).RequestID,
		}
		f.post(t, as("alice"), `{ me { name street } }`, nil)                             // self-access is not a release
		f.post(t, as("acme"), `{ applicants { edges { node { street lastIP } } } }`, nil) // nothing released
		rs := accessRecords(t, client)
		if len(rs) != 2 {
			t.Fatalf("%d records, want 2: %+v", len(rs), rs)
		}
		want := []struct {
			subject, role, org, purpose, decision string
			categories                            []string
		}{
			{"alice", "EMPLOYER", "acme", "EMPLOYER_PROVISION", "PLAIN", []string{"EMAIL:PLAIN", "NAME:PLAIN"}},
			{"dave", "SUPPORT", "", "INQUIRY,SERVICE", "PLAIN", []string{"EMAIL:MASK", "NAME:PLAIN"}},
		}
		for i, w := range want {
			r := rs[i]
			if *r.SubjectID != f.applicants[w.subject].ID || r.ViewerRole != w.role || r.ViewerOrg != w.org || r.Purpose != w.purpose ||
				r.Decision != w.decision || !slices.Equal(r.Categories, w.categories) || r.RequestID != ids[i] ||
				r.PolicyVersion != "2026-01" || !strings.HasPrefix(r.SubjectRef, "s:") || len(r.SubjectRef) != 34 {
				t.Errorf("record %d = %+v, want %+v", i, r, w)
			}
		}

		// The subject's trail: alice sees acme's access to her data, not dave's.
		r := f.post(t, as("alice"), `{ me { accessHistory { viewerRole viewerOrg purpose categories decision } } }`, nil)
		if r.Raw != `{"data":{"me":{"accessHistory":[{"viewerRole":"EMPLOYER","viewerOrg":"acme","purpose":"EMPLOYER_PROVISION","categories":["EMAIL:PLAIN","NAME:PLAIN"],"decision":"PLAIN"}]}}}` {
			t.Fatalf("alice's trail: %s", r.Raw)
		}
		if r := f.post(t, as("acme"), `{ applicants { edges { node { accessHistory { decision } } } } }`, nil); strings.Contains(r.Raw, "PLAIN") {
			t.Fatalf("an employer reads the trail: %s", r.Raw)
		}

		// Compliance searches every record, with filters; the subject
		// reaches their own; nobody else any.
		search := `query($w: AccessRecordWhereInput) { accessRecords(first: 10, where: $w, orderBy: {field: AT, direction: DESC}) {
			totalCount edges { node { viewerRole viewerOrg purpose subjectRef } } } }`
		byRole := map[string]any{"w": map[string]any{"viewerRole": "SUPPORT"}}
		if r := f.post(t, as("compliance"), search, byRole); r.Raw != fmt.Sprintf(`{"data":{"accessRecords":{"totalCount":1,"edges":[{"node":{"viewerRole":"SUPPORT","viewerOrg":"","purpose":"INQUIRY,SERVICE","subjectRef":"%s"}}]}}}`, rs[1].SubjectRef) {
			t.Fatalf("compliance's search: %s", r.Raw)
		}
		if r := f.post(t, as("compliance"), search, map[string]any{"w": map[string]any{"subjectID": f.applicants["alice"].ID}}); dig(r.Data, "accessRecords", "totalCount") != 1.0 {
			t.Fatalf("compliance's search by subject: %s", r.Raw)
		}
		if r := f.post(t, as("alice"), search, nil); dig(r.Data, "accessRecords", "totalCount") != 1.0 || strings.Contains(r.Raw, "SUPPORT") {
			t.Fatalf("alice's search: %s", r.Raw)
		}
		for _, who := range []string{"acme", "support", "analyst", "admin", "bob"} {
			if r := f.post(t, as(who), search, nil); dig(r.Data, "accessRecords", "totalCount") != 0.0 {
				t.Fatalf("%s searched the records: %s", who, r.Raw)
			}
		}
	})
}

// TestRecordsMatchReleases: across every access path for several viewers,
// the records written equal the (request, subject) pairs whose values the
// responses released.
func TestRecordsMatchReleases(t *testing.T) {
	f := newFixture(t, openSQLite(t))
	released := 0
	for _, name := range []string{"acme", "globex", "mailer", "analyst", "alice"} {
		for _, r := range runPaths(t, f, as(name)) {
			for _, acc := range fixtureAccounts {
				if acc == name {
					continue
				}
				for value, c := range canaries(acc) {
					if slices.Contains(visible[name][acc], c) && strings.Contains(r.Raw, value) {
						released++
						break
					}
				}
			}
		}
	}
	if got := len(accessRecords(t, f.client)); got != released || released == 0 {
		t.Fatalf("%d records for %d releases", got, released)
	}
}

// TestNoRecordNoRelease: when the access record cannot be written, the
// response carries no personal data and says why.
func TestNoRecordNoRelease(t *testing.T) {
	client, dsn := openSQLiteDSN(t)
	f := newFixture(t, client)
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("DROP TABLE access_records"); err != nil {
		t.Fatal(err)
	}
	r := f.post(t, as("acme"), `{ applicants { edges { node { name email } } } }`, nil)
	if r.Status >= 500 || errorCode(r) != "AUDIT_UNAVAILABLE" || strings.Contains(r.Raw, "cnry") || r.Data != nil {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
	// Nothing personal, nothing to record: such responses still flow.
	if r := f.post(t, as("acme"), `{ jobs { totalCount } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("a response without personal data: %s", r.Raw)
	}
	if strings.Contains(f.logs.String(), "cnry") {
		t.Fatal("logs hold personal values")
	}
	// The metrics count the failure, and no release: the data was withheld
	// (issue 14, item 9: the load generator compares the two counters).
	m := metricsOf(t, f.metrics)
	for _, want := range []string{"consentgate_access_record_failures_total 1", "consentgate_releases_total 0", "consentgate_access_records_total 0"} {
		if !strings.Contains(m, "\n"+want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestAccessRecordsSurviveARestart: the records a gateway wrote are there
// for the next process on the same database, and the subject's trail shows
// them.
func TestAccessRecordsSurviveARestart(t *testing.T) {
	forEachDurableBackend(t, func(t *testing.T, client *ent.Client, reopen func() *ent.Client) {
		f := newFixture(t, client)
		f.post(t, as("acme"), `{ applicants { edges { node { name email } } } }`, nil)
		f.post(t, as("support"), `{ applicants { edges { node { name } } } }`, nil)
		before := accessRecords(t, client)
		if len(before) != 2 {
			t.Fatalf("%d records before the restart, want 2", len(before))
		}
		client.Close()

		after := reopen()
		if got := accessRecords(t, after); fmt.Sprint(got) != fmt.Sprint(before) {
			t.Fatalf("after the restart:\n%v\nwant\n%v", got, before)
		}
		g := &fixture{client: after, handler: testGateway(after, nil, nil)}
		r := g.post(t, as("alice"), `{ me { accessHistory { viewerRole viewerOrg categories } } }`, nil)
		if r.Raw != `{"data":{"me":{"accessHistory":[{"viewerRole":"EMPLOYER","viewerOrg":"acme","categories":["EMAIL:PLAIN","NAME:PLAIN"]}]}}}` {
			t.Fatalf("alice's trail after the restart: %s", r.Raw)
		}
		// The same trail, typed: the role, the purposes and each category
		// with its outcome as enums a client can switch on.
		r = g.post(t, as("alice"), `{ me { accessHistory { role purposes releases { category outcome } } } }`, nil)
		if r.Raw != `{"data":{"me":{"accessHistory":[{"role":"EMPLOYER","purposes":["EMPLOYER_PROVISION"],"releases":[{"category":"EMAIL","outcome":"PLAIN"},{"category":"NAME","outcome":"PLAIN"}]}]}}}` {
			t.Fatalf("alice's typed trail: %s", r.Raw)
		}
	})
}
