package main

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
	"consentgate/ent/schema/schematype"
	"consentgate/ent/schema/validate"
)

// The non-interference property: for a viewer and any operation, two
// databases that differ only in values the viewer may not see give the
// same response, byte for byte (values, order, counts, cursors, errors,
// extensions). Each case generates a random world and, per viewer, a twin
// in which every personal value the viewer may not see plain or masked is
// drawn anew (all of them for applicants it does not reach), plus extra
// applicants it does not reach; then runs a generated set of operations as
// that viewer against both.

// worldApplicant is one generated applicant: their account and, per
// category, a seed from which their values of that category are drawn.
type worldApplicant struct {
	account string
	seeds   map[consent.Category]uint64
	created time.Time
}

type worldApplication struct {
	applicant, job int
	withdrawn      bool
	reasonSeed     uint64
}

type worldEntry struct {
	applicant int
	purpose   consent.Purpose
	employer  int // index into worldEmployers, -1 for none
	category  consent.Category
	granted   bool
}

type world struct {
	applicants   []worldApplicant
	applications []worldApplication
	ledger       []worldEntry
	requests     map[int]privacyrequest.Status // by applicant
}

var worldEmployers = []string{"acme", "globex"}

// genWorld draws a world of 4 to 8 applicants with random applications,
// consents and privacy requests.
func genWorld(r *rand.Rand) *world {
	w := &world{requests: map[int]privacyrequest.Status{}}
	for i := range 4 + r.IntN(5) {
		w.addApplicant(r, fmt.Sprintf("acct-%d", i))
	}
	return w
}

// addApplicant draws one more applicant with random applications,
// consents and privacy request.
func (w *world) addApplicant(r *rand.Rand, account string) {
	i := len(w.applicants)
	a := worldApplicant{account: account, seeds: map[consent.Category]uint64{},
		created: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(1000)) * time.Minute)}
	for _, c := range consent.Categories {
		a.seeds[c] = r.Uint64()
	}
	w.applicants = append(w.applicants, a)
	{
		for j := range 3 { // jobs: 0 acme, 1 acme, 2 globex
			if r.IntN(3) == 0 {
				w.applications = append(w.applications, worldApplication{applicant: i, job: j, withdrawn: r.IntN(4) == 0, reasonSeed: r.Uint64()})
			}
		}
		for _, p := range []consent.Purpose{consent.MailMagazine, consent.Advertising, consent.Analytics} {
			if r.IntN(3) == 0 {
				w.ledger = append(w.ledger, worldEntry{applicant: i, purpose: p, employer: -1, granted: r.IntN(2) == 0})
			}
		}
		for range r.IntN(3) { // provision changes beyond applying and withdrawing
			w.ledger = append(w.ledger, worldEntry{applicant: i, purpose: consent.EmployerProvision, employer: r.IntN(2) - r.IntN(2),
				category: []consent.Category{"", consent.Family, consent.Housing, consent.Name}[r.IntN(4)], granted: r.IntN(3) == 0})
		}
		if r.IntN(3) == 0 {
			w.requests[i] = []privacyrequest.Status{privacyrequest.StatusRECEIVED, privacyrequest.StatusIN_PROGRESS, privacyrequest.StatusCOMPLETED}[r.IntN(3)]
		}
	}
}

// withExtras returns a copy of w with k more applicants that v does not
// reach (drawn at random, kept only when unreached): rows, applications and
// consents that must change nothing v sees, not even a count.
func (w *world) withExtras(r *rand.Rand, e *consent.Engine, v consent.Viewer, k int) *world {
	x := &world{
		applicants:   slices.Clone(w.applicants),
		applications: slices.Clone(w.applications),
		ledger:       slices.Clone(w.ledger),
		requests:     maps.Clone(w.requests),
	}
	for tries := 0; len(x.applicants) < len(w.applicants)+k && tries < 100; tries++ {
		saved := *x
		savedRequests := maps.Clone(x.requests)
		x.addApplicant(r, fmt.Sprintf("extra-%d", len(x.applicants)))
		if x.reaches(e, v, len(x.applicants)-1) {
			*x = saved
			x.requests = savedRequests
		}
	}
	return x
}

// valueSource draws a category's values from its seed.
func valueSource(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 7)) }

func word(r *rand.Rand, prefix string) string { return prefix + strconv.Itoa(r.IntN(1_000_000)) }

// setPersonal fills every personal field of an applicant from the seeds.
func setPersonal(b *ent.ApplicantCreate, seeds map[consent.Category]uint64) {
	src := func(c consent.Category) *rand.Rand { return valueSource(seeds[c]) }
	day := func(r *rand.Rand, from, years int) time.Time {
		return time.Date(from+r.IntN(years), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	}
	phone := func(r *rand.Rand) string { return fmt.Sprintf("090-%04d-%04d", r.IntN(10000), r.IntN(10000)) }
	r := src(consent.Name)
	b.SetName(word(r, "name")).SetNameKana(word(r, "kana"))
	b.SetBirthDate(day(src(consent.BirthDate), 1970, 30))
	b.SetSex([]applicant.Sex{applicant.SexFEMALE, applicant.SexMALE, applicant.SexOTHER}[src(consent.Sex).IntN(3)])
	r = src(consent.AddressRegion)
	b.SetPrefecture(validate.Prefectures[r.IntN(47)].Name).SetCity(word(r, "city"))
	r = src(consent.AddressStreet)
	b.SetStreet(word(r, "street")).SetPostalCode(fmt.Sprintf("%03d-%04d", r.IntN(1000), r.IntN(10000)))
	b.SetPhone(phone(src(consent.Phone)))
	b.SetEmail(word(src(consent.Email), "mail") + "@example.com")
	b.SetOccupation(word(src(consent.Occupation), "occ"))
	r = src(consent.Workplace)
	b.SetWorkplaceName(word(r, "wp")).SetWorkplacePhone(phone(r))
	r = src(consent.Visa)
	b.SetVisaStatus(validate.StatusesOfResidence[r.IntN(len(validate.StatusesOfResidence))].Code).SetVisaExpiresOn(day(r, 2027, 3))
	r = src(consent.Education)
	b.SetEducationLevel([]applicant.EducationLevel{applicant.EducationLevelBACHELOR, applicant.EducationLevelMASTER}[r.IntN(2)]).SetSchoolName(word(r, "school"))
	r = src(consent.WorkHistory)
	var history []schematype.WorkHistoryEntry
	for range r.IntN(3) {
		history = append(history, schematype.WorkHistoryEntry{Company: word(r, "co"), From: day(r, 2010, 5), Field: word(r, "f"), EmploymentType: "FULL_TIME"})
	}
	b.SetWorkHistory(history)
	b.SetQualifications([]schematype.Qualification{{Name: word(src(consent.Qualifications), "q")}})
	r = src(consent.SelfPR)
	b.SetSkills([]string{word(r, "skill")}).SetSellingPoint(word(r, "sell"))
	r = src(consent.Family)
	b.SetDependents(r.IntN(4)).SetSpouseOccupation(word(r, "spouse"))
	r = src(consent.EmergencyContact)
	b.SetEmergencyContacts([]schematype.EmergencyContact{{Name: word(r, "ec"), Relation: "sister", Phone: phone(r)}})
	r = src(consent.Housing)
	b.SetDwellingType(applicant.DwellingTypeRENTED).SetRent(r.IntN(200000))
	b.SetDesiredField(word(src(consent.Preferences), "field"))
	r = src(consent.Network)
	b.SetLastIP(fmt.Sprintf("192.0.2.%d", r.IntN(256)))
}

// build writes a world into a fresh database. seeds and reasons give each
// applicant's values (the twin passes redrawn ones).
func (w *world) build(t *testing.T, open func(*testing.T) *ent.Client, seeds []map[consent.Category]uint64, reasons []uint64) *fixture {
	t.Helper()
	client := open(t)
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	f := &fixture{client: client, logs: nil, applicants: map[string]*ent.Applicant{}, jobs: map[string]*ent.Job{}, employers: map[string]*ent.Employer{}}
	f.handler = testGateway(client, nil, nil)
	pv := client.PolicyVersion.Create().SetVersion("v").SetEffectiveAt(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).SetTextDigest("sha256:0000000000000000000000000000000000000000000000000000000000000000").SaveX(ctx)
	var emps []*ent.Employer
	for _, e := range worldEmployers {
		emps = append(emps, client.Employer.Create().SetExternalID(e).SetName(e).SaveX(ctx))
	}
	var jobs []*ent.Job
	for i, e := range []int{0, 0, 1} {
		jobs = append(jobs, client.Job.Create().SetEmployer(emps[e]).SetTitle(fmt.Sprint("job", i)).SetDescription("d").
			SetPrefecture("Tokyo").SetField("f").SetEmploymentType("FULL_TIME").SetStatus("PUBLISHED").SaveX(ctx))
	}
	var people []*ent.Applicant
	for i, a := range w.applicants {
		b := client.Applicant.Create().SetAccountID(a.account).SetCreatedAt(a.created).SetUpdatedAt(a.created)
		setPersonal(b, seeds[i])
		people = append(people, b.SaveX(ctx))
	}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	// The ledger, and the applications that append to it, are written in
	// a transaction.
	tx, err := client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client = tx.Client()
	for k, a := range w.applications {
		at = at.Add(time.Minute)
		app := client.Application.Create().SetApplicant(people[a.applicant]).SetJob(jobs[a.job]).
			SetReason(word(valueSource(reasons[k]), "reason")).SetCreatedAt(at).SetUpdatedAt(at).SaveX(ctx)
		if a.withdrawn {
			client.Application.UpdateOne(app).SetStatus("WITHDRAWN").SetUpdatedAt(at).ExecX(ctx)
		}
	}
	for _, e := range w.ledger {
		at = at.Add(time.Minute)
		c := client.Consent.Create().SetApplicant(people[e.applicant]).SetPurpose(entconsent.Purpose(e.purpose)).
			SetGranted(e.granted).SetSource("APPLICANT").SetRecordedAt(at).SetPolicyVersion(pv)
		if e.employer >= 0 {
			c.SetEmployer(emps[e.employer])
		}
		if e.category != "" {
			c.SetWithheldCategory(entconsent.WithheldCategory(e.category))
		}
		c.ExecX(ctx)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	client = f.client
	for i := range w.applicants {
		if s, ok := w.requests[i]; ok {
			client.PrivacyRequest.Create().SetApplicant(people[i]).SetKind("DISCLOSURE").SetStatus(s).
				SetDueAt(at).SetCreatedAt(at).SetUpdatedAt(at).ExecX(ctx)
		}
	}
	for i, p := range people {
		f.applicants[w.applicants[i].account] = p
	}
	for i, j := range jobs {
		f.jobs[fmt.Sprint(i)] = j
	}
	return f
}

// ledgerOf returns applicant i's consents as the engine sees them, with
// the grants and withdrawals that applying and withdrawing record.
func (w *world) ledgerOf(i int) consent.Consents {
	var entries []consent.Entry
	live := map[int]int{} // employer → live applications
	for _, a := range w.applications {
		if a.applicant == i {
			e := []int{0, 0, 1}[a.job]
			entries = append(entries, consent.Entry{Purpose: consent.EmployerProvision, Recipient: worldEmployers[e], Granted: true})
			if !a.withdrawn {
				live[e]++
			}
		}
	}
	for _, a := range w.applications {
		if e := []int{0, 0, 1}[a.job]; a.applicant == i && a.withdrawn && live[e] == 0 {
			entries = append(entries, consent.Entry{Purpose: consent.EmployerProvision, Recipient: worldEmployers[e]})
		}
	}
	for _, e := range w.ledger {
		if e.applicant == i {
			r := ""
			if e.employer >= 0 {
				r = worldEmployers[e.employer]
			}
			entries = append(entries, consent.Entry{Purpose: e.purpose, Recipient: r, Category: e.category, Granted: e.granted})
		}
	}
	for k := range entries {
		entries[k].Seq = int64(k + 1)
	}
	return consent.State(entries...)
}

// reaches is the specification of DESIGN.md's row table, written out
// independently of the row rules: does viewer v reach applicant i?
func (w *world) reaches(e *consent.Engine, v consent.Viewer, i int) bool {
	c := w.ledgerOf(i)
	switch v.Role {
	case consent.Applicant:
		return w.applicants[i].account == v.Account
	case consent.Employer:
		for _, a := range w.applications {
			if a.applicant == i && !a.withdrawn && worldEmployers[[]int{0, 0, 1}[a.job]] == v.Org {
				return e.Consented(c, consent.EmployerProvision, v.Org)
			}
		}
		return false
	case consent.Support:
		s, ok := w.requests[i]
		return ok && s != privacyrequest.StatusCOMPLETED
	case consent.Compliance:
		_, ok := w.requests[i]
		return ok
	case consent.Marketing, consent.Analyst:
		ps := e.PurposesOf(v)
		for _, p := range ps {
			if !e.Consented(c, p, "") {
				return false
			}
		}
		return len(ps) > 0
	}
	return false
}

// twinSeeds redraws every value v may not see: all of an unreached
// applicant's, and the hidden categories of a reached one.
func (w *world) twinSeeds(e *consent.Engine, v consent.Viewer, r *rand.Rand) ([]map[consent.Category]uint64, []uint64) {
	seeds := make([]map[consent.Category]uint64, len(w.applicants))
	for i, a := range w.applicants {
		reached := w.reaches(e, v, i)
		s := consent.Subject{Self: v.Role == consent.Applicant && a.account == v.Account, Consents: w.ledgerOf(i)}
		seeds[i] = map[consent.Category]uint64{}
		for c, seed := range a.seeds {
			if !reached || e.Decide(v, s, c).Outcome == consent.Hidden {
				seed = r.Uint64()
			}
			seeds[i][c] = seed
		}
	}
	reasons := make([]uint64, len(w.applications))
	for k, a := range w.applications {
		reasons[k] = a.reasonSeed
		s := consent.Subject{Self: v.Role == consent.Applicant && w.applicants[a.applicant].account == v.Account, Consents: w.ledgerOf(a.applicant)}
		if !w.reaches(e, v, a.applicant) || e.Decide(v, s, consent.ApplicationAnswers).Outcome == consent.Hidden {
			reasons[k] = r.Uint64()
		}
	}
	return seeds, reasons
}

// niOperations are generated per world: pages in both directions and orders,
// cursors followed, filters on non-personal fields, lookups of every id
// (reachable, unreachable, nonexistent), nested edges both ways.
func niOperations(r *rand.Rand, f *fixture) []struct {
	query string
	vars  map[string]any
} {
	var ids []string
	for _, a := range f.applicants {
		ids = append(ids, fmt.Sprint(a.ID))
	}
	slices.Sort(ids)
	ids = append(ids, "4294967296", "999999")
	dir := []string{"ASC", "DESC"}[r.IntN(2)]
	n := 1 + r.IntN(4)
	page := fmt.Sprintf(`applicants(first: %d, orderBy: {field: CREATED_AT, direction: %s}) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ...P } } }`, n, dir)
	status := []string{"APPLIED", "WITHDRAWN", "SCREENING"}[r.IntN(3)]
	return []struct {
		query string
		vars  map[string]any
	}{
		{`{ ` + page + ` }`, nil},
		{`query($c: Cursor) { applicants(first: 2, after: $c) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...P } } } }`, nil},
		{`{ applicants(last: 2) { totalCount pageInfo { hasPreviousPage startCursor } edges { cursor node { ...P } } } }`, nil},
		{`{ applications(first: 10, where: {status: ` + status + `}) { totalCount edges { cursor node { ...A } } } }`, nil},
		{`{ applications(first: 10, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount edges { node { ...A } } } }`, nil},
		{`{ jobs(first: 5) { totalCount edges { node { title applications(first: 3) { totalCount pageInfo { hasNextPage } edges { node { ...A applicant { applications { totalCount } } } } } } } } }`, nil},
		{`query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Applicant { ...P } } }`, map[string]any{"ids": ids}},
		{`{ me { ...P applications { totalCount edges { node { ...A } } } } }`, nil},
		{`{ privacyRequests(first: 10) { totalCount edges { node { status applicant { ...P } } } } }`, nil},
	}
}

// TestNonInterference runs the property for every role: on SQLite
// CONSENTGATE_NI_WORLDS worlds (default 30; each yields 9 operations per
// viewer, several of them paged, so 270 per role), and on PostgreSQL, where
// every database is created on the server, 3.
func TestNonInterference(t *testing.T) {
	for _, b := range backends(t) {
		worlds := 30
		if s := os.Getenv("CONSENTGATE_NI_WORLDS"); s != "" {
			worlds, _ = strconv.Atoi(s)
		}
		if b.name == "postgres" {
			worlds = 3
		}
		t.Run(b.name, func(t *testing.T) { nonInterference(t, b.open, worlds) })
	}
}

func nonInterference(t *testing.T, open func(*testing.T) *ent.Client, worlds int) {
	engine := consent.NewEngine(consent.DefaultPolicy())
	viewers := []consent.Viewer{
		{}, // anonymous
		{Account: "acct-0", Role: consent.Applicant},
		{Account: "rec-acme", Role: consent.Employer, Org: "acme"},
		{Account: "rec-globex", Role: consent.Employer, Org: "globex"},
		{Account: "support-1", Role: consent.Support},
		{Account: "mailer-1", Role: consent.Marketing, Purpose: consent.MailMagazine},
		{Account: "ads-1", Role: consent.Marketing, Purpose: consent.Advertising},
		{Account: "analyst-1", Role: consent.Analyst},
		{Account: "compliance-1", Role: consent.Compliance},
		{Account: "admin-1", Role: consent.Admin},
	}
	ops := 0
	for seed := range worlds {
		r := rand.New(rand.NewPCG(uint64(seed), 99))
		w := genWorld(r)
		baseSeeds := make([]map[consent.Category]uint64, len(w.applicants))
		baseReasons := make([]uint64, len(w.applications))
		for i, a := range w.applicants {
			baseSeeds[i] = a.seeds
		}
		for k, a := range w.applications {
			baseReasons[k] = a.reasonSeed
		}
		base := w.build(t, open, baseSeeds, baseReasons)
		for _, v := range viewers {
			tw := w.withExtras(r, engine, v, 1+r.IntN(3))
			seeds, reasons := tw.twinSeeds(engine, v, r)
			twin := tw.build(t, open, seeds, reasons)
			var viewer *consent.Viewer
			if v.Role != "" {
				viewer = &v
			}
			for _, op := range niOperations(r, base) {
				q := op.query + personalFragment
				if !strings.Contains(op.query, "...A") {
					q = op.query + personalFragment[:strings.Index(personalFragment, "fragment A")]
				}
				vars := op.vars
				if strings.Contains(op.query, "$c: Cursor") { // follow the first page's end cursor
					first := base.post(t, viewer, `{ applicants(first: 1) { pageInfo { endCursor } } }`, nil)
					vars = map[string]any{"c": dig(first.Data, "applicants", "pageInfo", "endCursor")}
				}
				a, b := base.post(t, viewer, q, vars), twin.post(t, viewer, q, vars)
				if code := errorCode(a); code == "GRAPHQL_VALIDATION_FAILED" || code == "QUERY_TOO_COMPLEX" {
					t.Fatalf("a generated operation is invalid: %s\n%s", op.query, a.Raw)
				}
				ops++
				if a.Raw != b.Raw {
					t.Fatalf("world %d, viewer %+v: responses differ\nquery: %s\nbase: %s\ntwin: %s", seed, v, op.query, a.Raw, b.Raw)
				}
			}
		}
	}
	t.Logf("%d worlds, %d operations compared across %d viewers", worlds, ops, len(viewers))
}
