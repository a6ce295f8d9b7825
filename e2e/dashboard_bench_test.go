package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/debug"
	"syscall"
	"testing"
	"time"

	"consentgate/demo"
	"consentgate/ent"
	"consentgate/ent/privacy"
	"consentgate/gateway"
)

// dashboardQuery is the side-by-side request (../shared/peers/bodies/make.py):
// one job's 50 applications with 29 personal fields of each applicant.
const dashboardQuery = `query Dashboard($job: ID!) { job(id: $job) { id title applications(first: 50) { totalCount
	edges { node { id status reason applicant { id name nameKana birthDate sex prefecture city street phone email
	occupation visaStatus visaExpiresOn academicBackground graduatedOn schoolName skills favoriteSubject
	sellingPoint achievements tools thesesAndPatents dependents hasSpouse spouseOccupation dwellingType rent
	desiredField desiredWorkplace emergencyContacts { phone } } } } } } }`

// BenchmarkDashboardHTTP sends the side-by-side request through the whole
// handler the server runs (the token verified, the middleware, limits,
// the approved-operations gate, the field guard, the access records
// written), on the demo data in a SQLite file as deployed and in
// PostgreSQL, as the demo's recruiter. It reports the process's CPU per
// request (cpu-ns/op: all goroutines, the GC and, on SQLite, the
// database), with the garbage collector tuned as the server tunes it.
//
//	go test ./e2e -run '^$' -bench DashboardHTTP -benchtime 300x
//
// Each backend runs the request one at a time (serial) and from 32
// clients at once (concurrent: ns/op is then the wall time per request,
// the inverse of the throughput).
func BenchmarkDashboardHTTP(b *testing.B) {
	was := debug.SetGCPercent(100)
	b.Cleanup(func() { debug.SetGCPercent(was) })
	debug.SetGCPercent(was)
	gateway.TuneGC(os.Getenv)
	for _, bk := range backends(b) {
		b.Run(bk.name, func(b *testing.B) {
			open := bk.open
			if bk.name == "sqlite" { // a file, as deployed
				open = func(t testing.TB) *ent.Client { return openDSN(t, sqliteFileDSN(t)) }
			}
			client := open(b)
			ctx := context.Background()
			if _, err := demo.Seed(ctx, client); err != nil {
				b.Fatal(err)
			}
			gw := gateway.New(gateway.Defaults(), client, slog.New(slog.DiscardHandler))
			gw.JWTSecret, gw.HashKey, gw.RateLimit = testSecret, testHashKey, unlimited
			gw.Auth = gateway.NewAuthenticator(testSecret)
			if err := gateway.EnsurePolicyVersion(ctx, client, gw.Policy); err != nil {
				b.Fatal(err)
			}
			h := gw.Handler()
			recruiter := demo.Viewers[0]
			for _, v := range demo.Viewers {
				if v.Org == demo.EmployerOrg {
					recruiter = v
				}
			}
			tok := token(b, recruiter)
			send := func(query string, vars map[string]any) ([]byte, error) {
				body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
					return nil, fmt.Errorf("status %d: %s", rec.Code, rec.Body)
				}
				return rec.Body.Bytes(), nil
			}
			post := func(query string, vars map[string]any) []byte {
				body, err := send(query, vars)
				if err != nil {
					b.Fatal(err)
				}
				return body
			}
			var jobs struct {
				Data struct {
					Jobs struct {
						Edges []struct {
							Node struct {
								ID           string
								Applications struct{ TotalCount int }
							}
						}
					}
				}
			}
			if err := json.Unmarshal(post(`{ jobs(first: 50) { edges { node { id applications { totalCount } } } } }`, nil), &jobs); err != nil {
				b.Fatal(err)
			}
			job := ""
			for _, e := range jobs.Data.Jobs.Edges {
				if e.Node.Applications.TotalCount == 50 {
					job = e.Node.ID
				}
			}
			if job == "" {
				b.Fatal("the demo's recruiter has no job with 50 applications")
			}
			var page struct {
				Errors []any
				Data   struct {
					Job struct {
						Applications struct {
							Edges []struct {
								Node struct{ Applicant map[string]any }
							}
						}
					}
				}
			}
			if err := json.Unmarshal(post(dashboardQuery, map[string]any{"job": job}), &page); err != nil || len(page.Errors) > 0 ||
				len(page.Data.Job.Applications.Edges) != 50 || len(page.Data.Job.Applications.Edges[0].Node.Applicant) != 30 {
				b.Fatalf("the dashboard page: %v %+v", err, page)
			}
			measure := func(b *testing.B, clients int) {
				records := client.AccessRecord.Query().CountX(privacy.DecisionContext(ctx, privacy.Allow))
				b.ReportAllocs()
				b.ResetTimer()
				cpu := cpuTime(b)
				if clients == 1 {
					for b.Loop() {
						post(dashboardQuery, map[string]any{"job": job})
					}
				} else {
					b.SetParallelism((clients + 1) / 2) // GOMAXPROCS is 2 here
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if _, err := send(dashboardQuery, map[string]any{"job": job}); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
				b.StopTimer()
				if n := client.AccessRecord.Query().CountX(privacy.DecisionContext(ctx, privacy.Allow)) - records; n != 50*b.N {
					b.Fatalf("%d access records for %d pages of 50 applicants", n, b.N)
				}
			}
			// One request at a time, and 32 at once as in the side by side
			// (ns/op is then the wall time per request: 1/throughput).
			b.Run("serial", func(b *testing.B) { measure(b, 1) })
			b.Run("concurrent", func(b *testing.B) { measure(b, 32) })
		})
	}
}

// cpuTime is the process's CPU time so far (user and system).
func cpuTime(b testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
