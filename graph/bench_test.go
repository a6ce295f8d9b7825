//go:build unix

package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	_ "github.com/mattn/go-sqlite3"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/enttest"
	"consentgate/ent/job"
	"consentgate/ent/privacy"
	"consentgate/ent/question"
	_ "consentgate/ent/runtime"
	"consentgate/ent/schema/schematype"
	"consentgate/ent/schema/validate"
)

// The employer dashboard benchmark (see BENCHMARKS.md): one page of 50
// applications with 30 personal fields of each applicant, through the HTTP
// handler on SQLite: the gateway with the consent engine, the same gateway
// with a pass-through engine (the baseline), and a server without
// the field guard at all (whose row rules still see the engine, so that all
// three return the same rows).

const (
	benchApplicants = 60 // each with a live application to acme's job and a provision consent
	benchPage       = 50
	benchWithholder = 10 // every 10th applicant withholds FAMILY from acme
)

// benchApplicantFields are the 30 personal fields of Applicant the
// dashboard selects. street, building, postalCode and workplaceName are
// never released to an employer (ADDRESS_STREET and WORKPLACE are HIDE);
// the FAMILY fields are hidden for the applicants who withheld them.
var benchApplicantFields = []string{
	"name", "nameKana", "birthDate", "sex", "prefecture", "city", "street", "building", "postalCode",
	"phone", "email", "occupation", "workplaceName", "visaStatus", "visaExpiresOn", "educationLevel",
	"academicBackground", "schoolName", "graduatedOn", "skills", "favoriteSubject", "sellingPoint",
	"achievements", "tools", "dependents", "hasSpouse", "spouseOccupation", "dwellingType", "rent",
	"desiredField",
}

var benchQuery = fmt.Sprintf(
	`{ applications(first: %d) { totalCount edges { cursor node { id status reason answers { text } applicant { %s } } } } }`,
	benchPage, strings.Join(benchApplicantFields, " "))

var benchDB atomic.Int64

// benchViewer is the recruiter of acme.
var benchViewer = consent.Viewer{Account: "rec-acme", Role: consent.Employer, Org: "acme"}

func BenchmarkEmployerDashboard(b *testing.B) {
	if len(benchApplicantFields) != 30 {
		b.Fatalf("the dashboard selects %d applicant fields, want 30", len(benchApplicantFields))
	}
	// Each run of the parent benchmark (-count N) gets a database of its own.
	dsn := fmt.Sprintf("file:bench%d?mode=memory&cache=shared&_fk=1", benchDB.Add(1))
	client := enttest.Open(b, "sqlite3", dsn)
	b.Cleanup(func() { client.Close() })
	seedDashboard(b, client)

	engine := consent.NewEngine(consent.DefaultPolicy())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	masker := consent.Masker{HashKey: []byte("bench-key-bench-key-bench-key-0000")}
	gateway := func(e *consent.Engine) http.Handler {
		srv := NewServer(client, Options{Engine: e, Masker: masker, Log: log})
		srv.AddTransport(transport.POST{})
		return asViewer(benchViewer, e, srv)
	}

	// The same server without the field guard, but with the page limits the
	// guard also applies, as an interceptor of their own.
	plain := withErrorHandling(handler.New(NewSchema(client)), log, false)
	plain.Use(operationReporter{})
	plain.Use(txPerMutation{entgql.Transactioner{TxOpener: client}})
	plain.AroundFields(func(ctx context.Context, next graphql.Resolver) (any, error) {
		if err := limitPage(graphql.GetFieldContext(ctx)); err != nil {
			return nil, err
		}
		return next(ctx)
	})
	plain.AddTransport(transport.POST{})

	handlers := map[string]http.Handler{
		// The gateway as it runs.
		"engine": gateway(engine),
		// The baseline: the same gateway with a pass-through engine
		// (every field plain, every release recorded).
		"passthrough": gateway(consent.NewPassThroughEngine(engine.Policy())),
		// No field guard at all: no decisions, no withheld extension, no
		// access records. The guard puts the engine in the context itself;
		// without it the row rules need it from here.
		"noguard": asViewer(benchViewer, engine, plain),
	}
	body, err := json.Marshal(map[string]any{"query": benchQuery})
	if err != nil {
		b.Fatal(err)
	}

	// Before timing: both return the same rows, and only the guard hides.
	checkDashboard(b, "noguard", serveDashboard(handlers["noguard"], body), false)
	checkDashboard(b, "passthrough", serveDashboard(handlers["passthrough"], body), false)
	checkDashboard(b, "engine", serveDashboard(handlers["engine"], body), true)

	for _, name := range []string{"noguard", "passthrough", "engine"} {
		h := handlers[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			cpu, n := cpuTime(b), 0
			for b.Loop() {
				n++
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
			// CPU time of the whole process per operation: every
			// goroutine (gqlgen resolves list items concurrently) and
			// the garbage collector included, which ns/op on two cores
			// partly hides.
			b.ReportMetric(float64(cpuTime(b)-cpu)/float64(n), "cpu-ns/op")
		})
	}
}

// cpuTime is the user and system CPU time the process has used so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// asViewer is the gateway's authentication middleware, reduced to putting
// v (and, when not nil, the engine) in every request's context.
func asViewer(v consent.Viewer, e *consent.Engine, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := consent.NewContext(r.Context(), v)
		if e != nil {
			ctx = consent.WithEngine(ctx, e)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func serveDashboard(h http.Handler, body []byte) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	return rec
}

// checkDashboard asserts one dashboard response: a full page of the live
// rows, every applicant present, and street hidden exactly when guarded
// (with FAMILY hidden for those who withheld it).
func checkDashboard(b *testing.B, name string, rec *httptest.ResponseRecorder, guarded bool) {
	b.Helper()
	wantFamily := 0
	if guarded {
		wantFamily = (benchPage + benchWithholder - 1) / benchWithholder
	}
	checkDashboardPage(b, name, rec, guarded, benchApplicants, wantFamily)
}

// checkDashboardPage is checkDashboard for a world of wantTotal live
// applications to the viewer's jobs, of which wantFamily on the first page
// withheld FAMILY (0 when not guarded).
func checkDashboardPage(b testing.TB, name string, rec *httptest.ResponseRecorder, guarded bool, wantTotal, wantFamily int) {
	b.Helper()
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: status %d: %s", name, rec.Code, rec.Body)
	}
	var resp struct {
		Data struct {
			Applications struct {
				TotalCount int
				Edges      []struct {
					Cursor string
					Node   struct {
						ID        string
						Reason    *string
						Answers   []struct{ Text *string }
						Applicant map[string]any
					}
				}
			}
		}
		Errors     []any
		Extensions struct {
			Withheld []struct {
				Path   []any
				Fields map[string]string
			}
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	if len(resp.Errors) > 0 {
		b.Fatalf("%s: errors: %v", name, resp.Errors)
	}
	apps := resp.Data.Applications
	if apps.TotalCount != wantTotal || len(apps.Edges) != benchPage {
		b.Fatalf("%s: totalCount %d, %d edges; want %d and %d", name, apps.TotalCount, len(apps.Edges), wantTotal, benchPage)
	}
	familyHidden := 0
	for i, e := range apps.Edges {
		a := e.Node.Applicant
		if a == nil || a["name"] == nil || e.Node.Reason == nil || len(e.Node.Answers) != 2 {
			b.Fatalf("%s: edge %d lacks its applicant, name, reason or answers: %+v", name, i, e.Node)
		}
		if guarded != (a["street"] == nil) {
			b.Fatalf("%s: edge %d: street = %v", name, i, a["street"])
		}
		if a["hasSpouse"] == nil {
			familyHidden++
		}
	}
	if guarded {
		if len(resp.Extensions.Withheld) != benchPage {
			b.Fatalf("%s: %d objects with withheld fields, want %d", name, len(resp.Extensions.Withheld), benchPage)
		}
		if r := resp.Extensions.Withheld[0].Fields["street"]; r != string(consent.NotPermitted) {
			b.Fatalf("%s: street withheld as %q", name, r)
		}
	} else if len(resp.Extensions.Withheld) != 0 {
		b.Fatalf("%s: the pass-through server withheld fields", name)
	}
	if familyHidden != wantFamily {
		b.Fatalf("%s: FAMILY hidden for %d applicants, want %d", name, familyHidden, wantFamily)
	}
}

// Realistic, valid values for the seed.
var (
	benchFamilyNames = []struct{ latin, kana string }{
		{"Nguyen", "グエン"}, {"Tran", "チャン"}, {"Santos", "サントス"}, {"Reyes", "レイエス"},
		{"Shrestha", "シュレスタ"}, {"Gurung", "グルン"}, {"Wang", "ワン"}, {"Li", "リー"},
		{"Kusuma", "クスマ"}, {"Pratama", "プラタマ"}, {"Kim", "キム"}, {"Silva", "シルバ"},
	}
	benchGivenNames = []struct{ latin, kana string }{
		{"Van An", "ヴァン アン"}, {"Thi Mai", "ティ マイ"}, {"Maria", "マリア"}, {"Jose", "ホセ"},
		{"Anil", "アニル"}, {"Sita", "シタ"}, {"Wei", "ウェイ"}, {"Dewi", "デウィ"},
		{"Budi", "ブディ"}, {"Min-jun", "ミンジュン"}, {"Ana", "アナ"},
	}
	benchPlaces = []struct{ prefecture, city string }{
		{"Tokyo", "Shinjuku-ku"}, {"Tokyo", "Edogawa-ku"}, {"Kanagawa", "Yokohama-shi Naka-ku"},
		{"Osaka", "Osaka-shi Kita-ku"}, {"Aichi", "Nagoya-shi Naka-ku"}, {"Fukuoka", "Fukuoka-shi Hakata-ku"},
		{"Saitama", "Kawaguchi-shi"}, {"Chiba", "Funabashi-shi"}, {"Hyogo", "Kobe-shi Chuo-ku"},
		{"Gunma", "Oizumi-machi"},
	}
	benchVisas       = []string{"ENGINEER_HUMANITIES_INTERNATIONAL", "STUDENT", "PERMANENT_RESIDENT", "SPECIFIED_SKILLED_WORKER_1", "DESIGNATED_ACTIVITIES"}
	benchOccupations = []string{"Software engineer", "Care worker", "Interpreter", "Factory operator", "Student", "Hotel front desk"}
	benchFields      = []string{"Software", "Nursing care", "Manufacturing", "Hospitality", "Logistics"}
	benchSchools     = []string{"Hanoi University of Science and Technology", "University of the Philippines Diliman", "Tribhuvan University", "Universitas Indonesia", "Waseda University"}
	benchMajors      = []string{"B.Eng. Computer Science", "B.Sc. Nursing", "B.A. Japanese Studies", "B.Eng. Mechanical Engineering", "M.Sc. Information Systems"}
	benchSexes       = []applicant.Sex{applicant.SexFEMALE, applicant.SexMALE, applicant.SexOTHER}
	benchEducation   = []applicant.EducationLevel{applicant.EducationLevelBACHELOR, applicant.EducationLevelMASTER, applicant.EducationLevelVOCATIONAL, applicant.EducationLevelASSOCIATE}
	benchDwellings   = []applicant.DwellingType{applicant.DwellingTypeRENTED, applicant.DwellingTypeCOMPANY_HOUSING, applicant.DwellingTypeSHARE_HOUSE}
)

// seedDashboard seeds acme, one published job with two questions, a policy
// version and benchApplicants applicants with every personal field filled,
// each applying to the job with an EMPLOYER_PROVISION grant to acme; every
// benchWithholder-th (from the first) withholds FAMILY from acme.
func seedDashboard(b testing.TB, client *ent.Client) {
	b.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	// The ledger, and the applications that append to it, are written in a
	// transaction (ledger.Maintain).
	tx, err := client.Tx(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}()
	client = tx.Client()
	for _, v := range benchVisas {
		if err := validate.VisaStatus(v); err != nil {
			b.Fatalf("%s: %v", v, err)
		}
	}
	acme := client.Employer.Create().SetExternalID("acme").SetName("Acme K.K.").SetPrefecture("Tokyo").SaveX(ctx)
	jb := client.Job.Create().SetEmployer(acme).SetTitle("Backend engineer (Go)").SetDescription("Build our matching platform.").
		SetPrefecture("Tokyo").SetField("Software").SetEmploymentType(job.EmploymentTypeFULL_TIME).
		SetSalaryMin(4_000_000).SetSalaryMax(6_500_000).SetStatus(job.StatusPUBLISHED).SaveX(ctx)
	var questions []int
	for _, text := range []string{"Why Acme?", "When could you start?"} {
		q := client.Question.Create().SetJob(jb).SetText(text).SetAskedBy("rec-acme").SaveX(ctx)
		client.Question.UpdateOneID(q.ID).SetStatus(question.StatusAPPROVED).SetCategory(question.CategoryAPPLICATION_ANSWERS).
			SetReviewedBy("compliance-1").ExecX(ctx)
		questions = append(questions, q.ID)
	}
	policy := client.PolicyVersion.Create().SetVersion("2026-01").
		SetEffectiveAt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).SetTextDigest("sha256:0000000000000000000000000000000000000000000000000000000000000000").SaveX(ctx)

	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	builders := make([]*ent.ApplicantCreate, benchApplicants)
	for i := range builders {
		fam, giv := benchFamilyNames[i%len(benchFamilyNames)], benchGivenNames[i%len(benchGivenNames)]
		place := benchPlaces[i%len(benchPlaces)]
		field := benchFields[i%len(benchFields)]
		born := day(1985+i%18, time.Month(1+i%12), 1+i%28)
		graduated := day(born.Year()+22, 3, 31)
		from := day(graduated.Year(), 4, 1)
		to := day(graduated.Year()+2, 3, 31)
		builders[i] = client.Applicant.Create().SetAccountID(fmt.Sprintf("applicant-%04d", i+1)).
			SetName(fam.latin + " " + giv.latin).SetNameKana(fam.kana + " " + giv.kana).
			SetBirthDate(born).SetSex(benchSexes[i%len(benchSexes)]).
			SetPrefecture(place.prefecture).SetCity(place.city).
			SetStreet(fmt.Sprintf("%d-%d-%d Honcho", 1+i%5, 1+i%20, 1+i%9)).
			SetBuilding(fmt.Sprintf("Sakura Heights %d0%d", 1+i%6, 1+i%4)).
			SetPostalCode(fmt.Sprintf("%03d-%04d", 100+i*7%800, 1000+i*37)).
			SetPhone(fmt.Sprintf("090-%04d-%04d", 1000+i*13, 2000+i*17)).
			SetEmail(fmt.Sprintf("%s.%s%02d@example.jp", strings.ToLower(fam.latin), strings.ToLower(strings.ReplaceAll(giv.latin, " ", "")), i)).
			SetOccupation(benchOccupations[i%len(benchOccupations)]).
			SetWorkplaceName(fmt.Sprintf("Minato Works Co., Ltd. (branch %d)", i%7)).
			SetWorkplaceDepartment("Operations").SetWorkplaceAddress("2-4-1 Shiba-koen, Minato-ku, Tokyo").
			SetWorkplacePhone(fmt.Sprintf("03-5555-%04d", i)).
			SetVisaStatus(benchVisas[i%len(benchVisas)]).SetVisaExpiresOn(day(2026+i%4, time.Month(1+i%12), 15)).
			SetEducationLevel(benchEducation[i%len(benchEducation)]).SetAcademicBackground(benchMajors[i%len(benchMajors)]).
			SetSchoolName(benchSchools[i%len(benchSchools)]).SetGraduatedOn(graduated).
			SetWorkHistory([]schematype.WorkHistoryEntry{{
				Company: "Saigon Soft JSC", From: from, To: &to, Field: field, EmploymentType: "FULL_TIME",
				Responsibilities: "Design and operation of internal systems.",
			}}).
			SetQualifications([]schematype.Qualification{{Name: "JLPT N2", AcquiredOn: &to}}).
			SetSkills([]string{"Go", "SQL", "Japanese (business)"}).SetFavoriteSubject("Mathematics").
			SetSellingPoint("Calm under pressure; I explain technical topics in three languages.").
			SetAchievements("Cut the batch run time of a billing system from 4 hours to 20 minutes.").
			SetTools([]string{"Git", "Docker", "Excel"}).SetThesesAndPatents("Thesis: scheduling heuristics for small clinics.").
			SetDependents(i % 3).SetHasSpouse(i%2 == 0).SetSpouseOccupation("Nurse").
			SetEmergencyContacts([]schematype.EmergencyContact{{Name: fam.latin + " Lan", Relation: "Sister", Phone: fmt.Sprintf("+84-90-123-%04d", i)}}).
			SetDwellingType(benchDwellings[i%len(benchDwellings)]).SetRent(45_000 + i*1_000).
			SetDesiredField(field).SetDesiredWorkplace("Tokyo or Kanagawa, a company with foreign staff").
			SetLastIP(fmt.Sprintf("203.0.113.%d", i+1))
	}
	applicants := client.Applicant.CreateBulk(builders...).SaveX(ctx)

	apps := make([]*ent.ApplicationCreate, len(applicants))
	for i, a := range applicants {
		apps[i] = client.Application.Create().SetApplicant(a).SetJob(jb).
			SetReason("I want to build products used across Japan, and Acme's stack matches my experience.")
	}
	var answers []*ent.AnswerCreate
	for _, app := range client.Application.CreateBulk(apps...).SaveX(ctx) {
		for k, text := range []string{"Your work with foreign engineers.", "From April."} {
			answers = append(answers, client.Answer.Create().SetApplication(app).SetQuestionID(questions[k]).SetText(text))
		}
	}
	for chunk := range slices.Chunk(answers, 200) {
		client.Answer.CreateBulk(chunk...).ExecX(ctx)
	}

	// Applying records the provision grant (hooks.ProvisionConsent);
	// whoever has none yet gets it here, so that every applicant holds
	// exactly one live grant to acme.
	granted := map[int]bool{}
	for _, c := range client.Consent.Query().Where(entconsent.PurposeEQ(entconsent.PurposeEMPLOYER_PROVISION),
		entconsent.EmployerID(acme.ID), entconsent.GrantedEQ(true), entconsent.WithheldCategoryIsNil()).AllX(ctx) {
		granted[c.ApplicantID] = true
	}
	consents := make([]*ent.ConsentCreate, 0, len(applicants)+len(applicants)/benchWithholder+1)
	at := time.Now().Add(-2 * time.Hour)
	for _, a := range applicants {
		if granted[a.ID] {
			continue
		}
		at = at.Add(time.Second)
		consents = append(consents, client.Consent.Create().SetApplicant(a).SetEmployer(acme).
			SetPurpose(entconsent.PurposeEMPLOYER_PROVISION).SetGranted(true).SetSource(entconsent.SourceAPPLICATION).
			SetRecordedAt(at).SetPolicyVersion(policy))
	}
	for i := 0; i < len(applicants); i += benchWithholder {
		at = at.Add(time.Second)
		consents = append(consents, client.Consent.Create().SetApplicant(applicants[i]).SetEmployer(acme).
			SetPurpose(entconsent.PurposeEMPLOYER_PROVISION).SetWithheldCategory(entconsent.WithheldCategoryFAMILY).
			SetGranted(false).SetSource(entconsent.SourceAPPLICANT).SetRecordedAt(at).SetPolicyVersion(policy))
	}
	client.Consent.CreateBulk(consents...).SaveX(ctx)
	want := benchApplicants + (benchApplicants+benchWithholder-1)/benchWithholder
	if n := client.Consent.Query().CountX(ctx); n != want {
		b.Fatalf("seeded %d consent ledger entries, want %d (one grant each, and the FAMILY withholdings)", n, want)
	}
}
