package e2e

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
//
// What the viewer may see is decided by a reference written out in this
// file and in scope_test.go (DESIGN.md's row table, the policy's defaults
// and the consent scope rule), not by the engine or the row rules: a
// reference that called them would agree with their bugs. The worlds hold
// provision entries naming one employer and naming all employers (whole
// purpose and single categories), in random orders, and applications made
// after them (applying again after a withdrawal).

// worldApplicant is one generated applicant: their account and, per
// category, a seed from which their values of that category are drawn.
type worldApplicant struct {
	account string
	seeds   map[consent.Category]uint64
	created time.Time
	extra   bool // added to a twin (withExtras): its rows are written after the world's, so that the world's ids stay the same
}

type worldApplication struct {
	applicant, job int
	withdrawn      bool
	reasonSeed     uint64
	late           bool // made after the consent ledger's entries (applying again after a withdrawal)
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
// consents and privacy requests, and one more who applied to both
// employers and then changed their provision consents between one
// employer and all employers in a random order.
func genWorld(r *rand.Rand) *world {
	w := &world{requests: map[int]privacyrequest.Status{}}
	for i := range 4 + r.IntN(5) {
		w.addApplicant(r, fmt.Sprintf("acct-%d", i))
	}
	w.addScopeApplicant(r, fmt.Sprintf("acct-%d", len(w.applicants)))
	return w
}

// addScopeApplicant adds an applicant with live applications to acme and
// globex, then three provision changes drawn from those naming acme,
// globex or all employers, a release and a withholding of FAMILY (one of
// them naming all employers), all in a random order, and sometimes a late
// application to acme's other job.
func (w *world) addScopeApplicant(r *rand.Rand, account string) {
	i := len(w.applicants)
	a := worldApplicant{account: account, seeds: map[consent.Category]uint64{},
		created: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(1000)) * time.Minute)}
	for _, c := range consent.Categories {
		a.seeds[c] = r.Uint64()
	}
	w.applicants = append(w.applicants, a)
	w.applications = append(w.applications, worldApplication{applicant: i, job: 0, reasonSeed: r.Uint64()},
		worldApplication{applicant: i, job: 2, reasonSeed: r.Uint64()})
	var entries []worldEntry
	for range 3 {
		entries = append(entries, worldEntry{applicant: i, purpose: consent.EmployerProvision, employer: r.IntN(3) - 1, granted: r.IntN(2) == 0})
	}
	global := r.IntN(2) == 0 // which of the two FAMILY entries names all employers
	entries = append(entries,
		worldEntry{applicant: i, purpose: consent.EmployerProvision, employer: map[bool]int{true: -1, false: r.IntN(2)}[global], category: consent.Family, granted: true},
		worldEntry{applicant: i, purpose: consent.EmployerProvision, employer: map[bool]int{false: -1, true: r.IntN(2)}[global], category: consent.Family, granted: false})
	r.Shuffle(len(entries), func(x, y int) { entries[x], entries[y] = entries[y], entries[x] })
	w.ledger = append(w.ledger, entries...)
	if r.IntN(2) == 0 {
		w.applications = append(w.applications, worldApplication{applicant: i, job: 1, reasonSeed: r.Uint64(), late: true})
	}
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
			switch r.IntN(6) {
			case 0, 1:
				w.applications = append(w.applications, worldApplication{applicant: i, job: j, withdrawn: r.IntN(4) == 0, reasonSeed: r.Uint64()})
			case 2:
				w.applications = append(w.applications, worldApplication{applicant: i, job: j, withdrawn: r.IntN(4) == 0, reasonSeed: r.Uint64(), late: true})
			}
		}
		for _, p := range []consent.Purpose{consent.MailMagazine, consent.Advertising, consent.Analytics} {
			if r.IntN(3) == 0 {
				w.ledger = append(w.ledger, worldEntry{applicant: i, purpose: p, employer: -1, granted: r.IntN(2) == 0})
			}
		}
		for range r.IntN(4) { // provision changes beyond applying and withdrawing: one employer or all (-1)
			w.ledger = append(w.ledger, worldEntry{applicant: i, purpose: consent.EmployerProvision, employer: r.IntN(3) - 1,
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
func (w *world) withExtras(r *rand.Rand, v consent.Viewer, k int) *world {
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
		x.applicants[len(x.applicants)-1].extra = true
		if x.reaches(v, len(x.applicants)-1) {
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
	// Expiries from 2024 on: some past, some not, so that visaExpired, a
	// VISA value computed from one, differs between a world and its twin.
	b.SetVisaStatus(validate.StatusesOfResidence[r.IntN(len(validate.StatusesOfResidence))].Code).SetVisaExpiresOn(day(r, 2024, 5))
	r = src(consent.Education)
	b.SetEducationLevel([]applicant.EducationLevel{applicant.EducationLevelBACHELOR, applicant.EducationLevelMASTER}[r.IntN(2)]).SetSchoolName(word(r, "school"))
	r = src(consent.WorkHistory)
	var history []schematype.WorkHistoryEntry
	for range r.IntN(3) {
		from := day(r, 2010, 5)
		to := from.AddDate(1+r.IntN(3), 0, 0)
		history = append(history, schematype.WorkHistoryEntry{Company: word(r, "co"), From: from, To: &to, Field: word(r, "f"), EmploymentType: "FULL_TIME"})
	}
	if r.IntN(3) > 0 {
		// The current job: its company is the workplace (drawn from the
		// WORKPLACE seed, as the workplace's name is), the rest work history.
		history = append(history, schematype.WorkHistoryEntry{Company: word(src(consent.Workplace), "wp"), From: day(r, 2019, 5), Field: word(r, "f"), EmploymentType: "FULL_TIME"})
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
	// The last update was of a field only the subject sees (the address
	// of their last request): its time must tell no one else anything.
	b.SetUpdatedAt(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(100_000)) * time.Minute))
}

// build writes a world into a fresh database. seeds and reasons give each
// applicant's values (the twin passes redrawn ones).
func (w *world) build(t *testing.T, open func(testing.TB) *ent.Client, seeds []map[consent.Category]uint64, reasons []uint64) *fixture {
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
	// Job 0 asks two questions, approved as FAMILY and as PREFERENCES:
	// their answers are drawn from those categories' seeds, so a twin
	// redraws an answer whenever the viewer may not see its category.
	var questions []*ent.Question
	for _, c := range []consent.Category{consent.Family, consent.Preferences} {
		questions = append(questions, f.approvedQuestion(ctx, client, jobs[0], "Tell us about your "+strings.ToLower(string(c))+".", c))
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
	apply := func(late, extra bool) {
		for k, a := range w.applications {
			if a.late != late || w.applicants[a.applicant].extra != extra {
				continue
			}
			at = at.Add(time.Minute)
			app := client.Application.Create().SetApplicant(people[a.applicant]).SetJob(jobs[a.job]).
				SetReason(word(valueSource(reasons[k]), "reason")).SetCreatedAt(at).SetUpdatedAt(at).SaveX(ctx)
			if a.job == 0 {
				for _, q := range questions {
					client.Answer.Create().SetApplication(app).SetQuestion(q).
						SetText(word(valueSource(seeds[a.applicant][consent.Category(*q.Category)]), "answer")).ExecX(ctx)
				}
			}
			if a.withdrawn {
				client.Application.UpdateOne(app).SetStatus("WITHDRAWN").SetUpdatedAt(at).ExecX(ctx)
			}
		}
	}
	appendEntry := func(e worldEntry) {
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
	// The world's applications, consents and late applications, then the
	// extra applicants' likewise.
	for _, extra := range []bool{false, true} {
		apply(false, extra)
		for _, e := range w.ledger {
			if w.applicants[e.applicant].extra == extra {
				appendEntry(e)
			}
		}
		apply(true, extra)
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

// ledgerOf returns applicant i's consent ledger in the order build appends
// it: each early application's grant to its employer and, when it is
// withdrawn and no other live application to that employer exists yet, a
// withdrawal from it (what applying and withdrawing record); then the
// world's entries; then the late applications, likewise.
func (w *world) ledgerOf(i int) []scopeEntry {
	var out []scopeEntry
	var made []worldApplication
	record := func(late bool) {
		for _, a := range w.applications {
			if a.late != late {
				continue
			}
			made = append(made, a)
			if a.applicant != i {
				continue
			}
			e := worldEmployers[[]int{0, 0, 1}[a.job]]
			out = append(out, scopeEntry{consent.EmployerProvision, e, "", true})
			if a.withdrawn && !slices.ContainsFunc(made, func(b worldApplication) bool {
				return b.applicant == i && !b.withdrawn && worldEmployers[[]int{0, 0, 1}[b.job]] == e
			}) {
				out = append(out, scopeEntry{consent.EmployerProvision, e, "", false})
			}
		}
	}
	record(false)
	for _, e := range w.ledger {
		if e.applicant == i {
			r := ""
			if e.employer >= 0 {
				r = worldEmployers[e.employer]
			}
			out = append(out, scopeEntry{e.purpose, r, e.category, e.granted})
		}
	}
	record(true)
	return out
}

// refOptedIn reports whether a ledger allows a purpose that names no
// recipient, under its default (DESIGN.md's purpose table): the latest
// entry for the whole purpose decides; without one, opt-in purposes are
// not allowed and opt-out ones are.
func refOptedIn(ledger []scopeEntry, p consent.Purpose) bool {
	allowed := p == consent.Advertising // the one opt-out purpose
	for _, e := range ledger {
		if e.purpose == p && e.employer == "" && e.category == "" {
			allowed = e.granted
		}
	}
	return allowed
}

// reaches is the specification of DESIGN.md's row table, written out
// independently of the row rules and the engine: does viewer v reach
// applicant i? An employer reaches an applicant with a live application to
// one of its jobs and provision to it by the scope rule (refProvided);
// the mailer those opted in to the mail magazine; support those with an
// open request, compliance those with any; advertising and analytics no
// one (statistics only).
func (w *world) reaches(v consent.Viewer, i int) bool {
	switch v.Role {
	case consent.Applicant:
		return w.applicants[i].account == v.Account
	case consent.Employer:
		for _, a := range w.applications {
			if a.applicant == i && !a.withdrawn && worldEmployers[[]int{0, 0, 1}[a.job]] == v.Org {
				return refProvided(w.ledgerOf(i), v.Org)
			}
		}
		return false
	case consent.Support:
		s, ok := w.requests[i]
		return ok && s != privacyrequest.StatusCOMPLETED
	case consent.Compliance:
		_, ok := w.requests[i]
		return ok
	case consent.Marketing:
		return v.Purpose == consent.MailMagazine && refOptedIn(w.ledgerOf(i), consent.MailMagazine)
	}
	return false
}

// shows is the reference of what v sees (plain or masked) of category c of
// an applicant it reaches, from DESIGN.md's decisions: the applicant all
// of their own; an employer what §5(1) lists, but what the subject
// withholds from it by the scope rule (refEmployerSees); support names,
// and emails and phones masked; the mailer names and emails; compliance
// without a legal basis nothing.
func (w *world) shows(v consent.Viewer, i int, c consent.Category) bool {
	switch v.Role {
	case consent.Applicant:
		return w.applicants[i].account == v.Account
	case consent.Employer:
		return slices.Contains(refEmployerSees(w.ledgerOf(i), v.Org), c)
	case consent.Support:
		return c == consent.Name || c == consent.Email || c == consent.Phone
	case consent.Marketing:
		return v.Purpose == consent.MailMagazine && (c == consent.Name || c == consent.Email)
	}
	return false
}

// twinSeeds redraws every value v may not see: all of an unreached
// applicant's, and the hidden categories of a reached one.
func (w *world) twinSeeds(v consent.Viewer, r *rand.Rand) ([]map[consent.Category]uint64, []uint64) {
	seeds := make([]map[consent.Category]uint64, len(w.applicants))
	for i, a := range w.applicants {
		reached := w.reaches(v, i)
		seeds[i] = map[consent.Category]uint64{}
		for c, seed := range a.seeds {
			if !reached || !w.shows(v, i, c) {
				seed = r.Uint64()
			}
			seeds[i][c] = seed
		}
	}
	reasons := make([]uint64, len(w.applications))
	for k, a := range w.applications {
		reasons[k] = a.reasonSeed
		if !w.reaches(v, a.applicant) || !w.shows(v, a.applicant, consent.ApplicationAnswers) {
			reasons[k] = r.Uint64()
		}
	}
	return seeds, reasons
}

// hiddenByGlobalEntries counts, for an employer viewer, the applicants it
// would reach and the categories it would see if only the entries naming
// it counted, but which entries naming all employers take away: the cases
// the worlds must hold for the property to test the scope rule.
func (w *world) hiddenByGlobalEntries(v consent.Viewer) (rows, categories int) {
	if v.Role != consent.Employer {
		return 0, 0
	}
	for i := range w.applicants {
		ledger := w.ledgerOf(i)
		own := slices.DeleteFunc(slices.Clone(ledger), func(e scopeEntry) bool { return e.employer == "" })
		live := slices.ContainsFunc(w.applications, func(a worldApplication) bool {
			return a.applicant == i && !a.withdrawn && worldEmployers[[]int{0, 0, 1}[a.job]] == v.Org
		})
		if !live {
			continue
		}
		if refProvided(own, v.Org) && !refProvided(ledger, v.Org) {
			rows++
		}
		if refProvided(ledger, v.Org) {
			for _, c := range consent.Categories {
				if !refWithheld(own, v.Org, c) && refWithheld(ledger, v.Org, c) {
					categories++
				}
			}
		}
	}
	return rows, categories
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
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				t.Fatalf("CONSENTGATE_NI_WORLDS=%q: want a number of worlds, at least 1", s)
			}
			worlds = n
		}
		if b.name == "postgres" {
			worlds = 3
		}
		t.Run(b.name, func(t *testing.T) { nonInterference(t, b.open, worlds) })
	}
}

func nonInterference(t *testing.T, open func(testing.TB) *ent.Client, worlds int) {
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
	ops, globalRows, globalCategories := 0, 0, 0
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
			rows, categories := w.hiddenByGlobalEntries(v)
			globalRows, globalCategories = globalRows+rows, globalCategories+categories
			tw := w.withExtras(r, v, 1+r.IntN(3))
			seeds, reasons := tw.twinSeeds(v, r)
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
				if a.comparable() != b.comparable() {
					t.Fatalf("world %d, viewer %+v: responses differ\nquery: %s\nfirst difference: %s\nbase: %s\ntwin: %s", seed, v, op.query, firstDifference(a.comparable(), b.comparable()), a.Raw, b.Raw)
				}
			}
		}
	}
	t.Logf("%d worlds, %d operations compared across %d viewers; employers' rows hidden by entries naming all employers: %d, categories: %d",
		worlds, ops, len(viewers), globalRows, globalCategories)
	// A property that compared nothing has proved nothing: every world
	// gives every viewer several operations.
	if least := worlds * len(viewers) * 5; ops < least {
		t.Errorf("%d operations compared, want at least %d (%d worlds, %d viewers)", ops, least, worlds, len(viewers))
	}
	if globalRows == 0 || globalCategories == 0 {
		t.Errorf("the worlds hold no applicant whose row (%d) or category (%d) only an entry naming all employers hides from an employer: the property does not test the scope rule",
			globalRows, globalCategories)
	}
}

// firstDifference shows where two responses part, with some context.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-200)
	return fmt.Sprintf("...%s[base: %s | twin: %s]", a[from:i], a[i:min(len(a), i+40)], b[i:min(len(b), i+40)])
}
