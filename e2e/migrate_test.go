package e2e

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/demo"
	"consentgate/gateway"
	"consentgate/migrations"
)

// schemaBackends are empty databases of each backend, by DSN and
// database/sql driver: a SQLite file and, when configured, a PostgreSQL
// database of the test's own.
func schemaBackends(t *testing.T) map[string][2]string {
	out := map[string][2]string{}
	for _, b := range backends(t) {
		if b.name == "sqlite" {
			out[b.name] = [2]string{sqliteFileDSN(t), "sqlite3"}
		} else {
			out[b.name] = [2]string{emptyPostgres(t, os.Getenv("CONSENTGATE_TEST_POSTGRES")), "pgx"}
		}
	}
	return out
}

// productionEnv is what a production start needs, on the database dsn.
func productionEnv(dsn string) []string {
	return []string{"DATABASE_URL=" + dsn, "CONSENTGATE_JWT_SECRET=" + string(testSecret), "CONSENTGATE_HASH_KEY=" + string(testHashKey),
		"CONSENTGATE_RECEIPT_KEY=" + testReceiptKey}
}

// TestStartChecksTheSchema: a start refuses a database behind the binary
// and says which command to run; `migrate` applies the migrations (and a
// second run has nothing to do); then the gateway serves. A database
// migrated by a newer binary (a revision this one does not know) is
// refused too.
func TestStartChecksTheSchema(t *testing.T) {
	for name, b := range schemaBackends(t) {
		t.Run(name, func(t *testing.T) {
			dsn, driver := b[0], b[1]
			env := productionEnv(dsn)
			if _, err := commandEnv(t, env); err == nil || !strings.Contains(err.Error(), "behind this binary's schema: run `go run ./server migrate`") {
				t.Fatalf("a start on an empty database: %v", err)
			}
			if out, err := commandEnv(t, env, "migrate"); err != nil || !strings.HasPrefix(out, "applied ") {
				t.Fatalf("migrate: %v\n%s", err, out)
			}
			if out, err := commandEnv(t, env, "migrate"); err != nil || out != "up to date\n" {
				t.Fatalf("migrate again: %v\n%s", err, out)
			}
			addr := serve(t, env)
			resp, err := http.Get("http://" + addr + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("/readyz after migrate: %d", resp.StatusCode)
			}

			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`INSERT INTO schema_revisions (version, revision) VALUES ('99991231000000', '{"Version":"99991231000000","Applied":1,"Total":1}')`); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{nil, {"-demo"}, {"migrate"}} {
				if _, err := commandEnv(t, env, args...); err == nil || !strings.Contains(err.Error(), "migrated by a newer binary") {
					t.Errorf("%v on a database ahead of the binary: %v", args, err)
				}
			}
		})
	}
}

// TestReplicasStartTogether: three -demo replicas started at the same
// instant on one empty database all come up, and what a start does was
// done once: the schema migrated once, one policy version, the demo data
// and the shipped operations seeded once.
func TestReplicasStartTogether(t *testing.T) {
	for name, b := range schemaBackends(t) {
		t.Run(name, func(t *testing.T) {
			dsn, driver := b[0], b[1]
			env := []string{"DATABASE_URL=" + dsn}
			var wg sync.WaitGroup
			addrs, errs := make([]string, 3), make([]error, 3)
			for i := range addrs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					addrs[i], errs[i] = start(t, env, "-demo")
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("replica %d: %v", i, err)
				}
			}
			db, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			count := func(q string) (n int) {
				if err := db.QueryRow(q).Scan(&n); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
				return n
			}
			for q, want := range map[string]int{
				"SELECT count(*) FROM policy_versions":                             2, // the demo has two
				"SELECT count(*) FROM applicants":                                  demo.ApplicantCount,
				"SELECT count(*) FROM operations WHERE revoked_at IS NULL":         4,
				"SELECT count(*) FROM schema_revisions":                            migrationCount(t, name),
				"SELECT count(*) FROM employers WHERE external_id = 'sakura-tech'": 1,
			} {
				if got := count(q); got != want {
					t.Errorf("%s = %d, want %d", q, got, want)
				}
			}
			for _, addr := range addrs {
				resp, err := http.Get(fmt.Sprintf("http://%s/readyz", addr))
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("%s /readyz: %d", addr, resp.StatusCode)
				}
			}
			// GraphiQL's role switcher offers the tokens the start printed.
			resp, err := http.Get(fmt.Sprintf("http://%s/", addrs[0]))
			if err != nil {
				t.Fatal(err)
			}
			page, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			for _, v := range demo.Viewers {
				if label := `"label":"` + string(v.Role) + " · " + v.Account; !strings.Contains(string(page), label) {
					t.Errorf("GraphiQL offers no %s…", label)
				}
			}
		})
	}
}

// TestDemoOnAUsedDatabase: -demo on a database a start without it has
// used (its policy version published; then an applicant of its own)
// refuses with what the database holds and what to do, instead of failing
// on a UNIQUE constraint half-way; the database stays as it was, and the
// gateway that used it still serves.
func TestDemoOnAUsedDatabase(t *testing.T) {
	for name, b := range schemaBackends(t) {
		t.Run(name, func(t *testing.T) {
			dsn := b[0]
			env := productionEnv(dsn)
			if out, err := commandEnv(t, env, "migrate"); err != nil {
				t.Fatalf("migrate: %v\n%s", err, out)
			}
			addr := serve(t, env)
			demoStart := func(holds string) {
				t.Helper()
				out, err := commandEnv(t, env, "-demo")
				if err == nil {
					t.Fatalf("-demo on a used database started:\n%s", out)
				}
				msg := err.Error()
				for _, want := range []string{"exit status 1: ", "consentgate: the database holds data, but not the demo's: the demo seeds only an empty database",
					"(it holds " + holds + "); start -demo on a new database (", "or start without -demo to serve this one"} {
					if !strings.Contains(msg, want) {
						t.Errorf("-demo said %q, want it to say %q", msg, want)
					}
				}
				if strings.Contains(msg, "UNIQUE") || strings.Contains(msg, "duplicate key") || strings.Contains(out, "_TOKEN=") {
					t.Errorf("-demo said %q and printed %q", msg, out)
				}
			}
			demoStart("1 policy version (" + consent.DefaultPolicy().Version + ")")

			tok, err := gateway.SignToken(testSecret, consent.Viewer{Account: "someone", Role: consent.Applicant}, time.Hour, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql",
				strings.NewReader(`{"query":"mutation { createMyProfile(input: {name: \"Someone\", email: \"someone@example.com\"}) { id } }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || strings.Contains(string(body), "errors") {
				t.Fatalf("createMyProfile: %d %s", resp.StatusCode, body)
			}
			demoStart("1 policy version (" + consent.DefaultPolicy().Version + "), 1 applicant")

			resp, err = http.Get("http://" + addr + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("/readyz after the refused -demo starts: %d", resp.StatusCode)
			}
		})
	}
}

// migrationCount is how many migrations the binary has for the backend.
func migrationCount(t *testing.T, backend string) int {
	t.Helper()
	dialect := migrations.SQLite
	if backend == "postgres" {
		dialect = migrations.Postgres
	}
	dir, err := migrations.Dir(dialect)
	if err != nil {
		t.Fatal(err)
	}
	files, err := dir.Files()
	if err != nil {
		t.Fatal(err)
	}
	return len(files)
}
