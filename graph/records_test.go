//go:build unix

package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/accessrecord"
	"consentgate/ent/application"
	"consentgate/ent/privacy"
)

// TestMutationReleasesAreRecorded: a mutation's response releases personal
// data only with its access records, as a query's does. The records are
// written once the mutation's transaction has ended, before the response
// leaves, one per subject (records = releases); when they cannot be
// written the response carries no data. The order is the field guard's
// own (fieldGuard.InterceptResponse runs the transaction), not that of
// srv.Use: with the records written inside the transaction, SQLite refuses
// them (the transaction holds the write lock) and "recorded" fails.
func TestMutationReleasesAreRecorded(t *testing.T) {
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			db, drv, _ := openScaleDB(t, backend)
			client := ent.NewClient(ent.Driver(drv))
			sys := privacy.DecisionContext(context.Background(), privacy.Allow)
			if err := client.Schema.Create(sys); err != nil {
				t.Fatal(err)
			}
			seedDashboard(t, client)
			engine := consent.NewEngine(consent.DefaultPolicy())
			srv := NewServer(client, Options{Engine: engine,
				Masker: consent.Masker{HashKey: []byte("test-key-test-key-test-key-00000")}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			srv.AddTransport(transport.POST{})
			h := asViewer(benchViewer, engine, srv)

			apps := client.Application.Query().Order(ent.Asc(application.FieldID)).WithApplicant().Limit(2).AllX(sys)
			move := func(t *testing.T, app *ent.Application) (string, map[string]any, []map[string]any) {
				t.Helper()
				body, _ := json.Marshal(map[string]any{
					"query":     `mutation($id: ID!) { moveApplication(id: $id, status: SCREENING) { status applicant { name } } }`,
					"variables": map[string]any{"id": app.ID},
				})
				rec := serveDashboard(h, body)
				var resp struct {
					Data   map[string]any
					Errors []map[string]any
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || rec.Code != http.StatusOK {
					t.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
				return rec.Body.String(), resp.Data, resp.Errors
			}

			t.Run("recorded", func(t *testing.T) {
				app := apps[0]
				raw, _, _ := move(t, app)
				want := fmt.Sprintf(`{"data":{"moveApplication":{"status":"SCREENING","applicant":{"name":%q}}}}`, app.Edges.Applicant.Name)
				if strings.TrimSpace(raw) != want {
					t.Fatalf("response %s, want %s", raw, want)
				}
				if s := client.Application.GetX(sys, app.ID).Status; s != application.StatusSCREENING {
					t.Errorf("status after the mutation: %s, want SCREENING", s)
				}
				recs := client.AccessRecord.Query().AllX(sys)
				if len(recs) != 1 {
					t.Fatalf("%d access records, want 1 (one subject released)", len(recs))
				}
				r := recs[0]
				if r.SubjectID == nil || *r.SubjectID != app.ApplicantID || r.ViewerAccount != benchViewer.Account ||
					r.ViewerOrg != "acme" || strings.Join(r.Categories, ",") != "NAME:PLAIN" || r.Decision != "PLAIN" {
					t.Errorf("access record: subject %v, viewer %s of %s, categories %v, decision %s; want subject %d, rec-acme of acme, [NAME:PLAIN], PLAIN",
						r.SubjectID, r.ViewerAccount, r.ViewerOrg, r.Categories, r.Decision, app.ApplicantID)
				}
			})

			t.Run("not recorded, not released", func(t *testing.T) {
				if _, err := db.Exec("DROP TABLE " + accessrecord.Table); err != nil {
					t.Fatal(err)
				}
				app := apps[1]
				raw, data, errs := move(t, app)
				if data != nil || len(errs) != 1 || errs[0]["extensions"].(map[string]any)["code"] != "AUDIT_UNAVAILABLE" ||
					strings.Contains(raw, app.Edges.Applicant.Name) {
					t.Fatalf("response %s, want no data and one AUDIT_UNAVAILABLE error", raw)
				}
			})
		})
	}
}
