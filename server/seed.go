package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/applicant"
	"consentgate/ent/application"
	entconsent "consentgate/ent/consent"
	"consentgate/ent/job"
	"consentgate/ent/privacy"
	"consentgate/ent/privacyrequest"
	"consentgate/ent/schema/schematype"
	"consentgate/ent/schema/validate"
)

// The demo data set's timeline. Every generated date derives from these,
// never from the clock, so two seeds give the same values. The service
// "launches" under policy version 2026-01; applicants register over the
// following eleven weeks and the data set reads as of the reference day.
var (
	demoPolicyEffective = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	demoLaunch          = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	demoReferenceDay    = time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)
	// demoPolicyChange took effect after every demo consent was given.
	demoPolicyChange          = "2026-04"
	demoPolicyChangeEffective = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
)

// Sizes of the demo data set.
const (
	demoApplicantCount = 300
	demoRequestDays    = 14  // a privacy request is due this many days after it is made
	demoBatchSize      = 100 // rows per INSERT, well under SQLite's and PostgreSQL's variable limits
)

// SeedDemo fills an empty database with a deterministic, realistic demo data set and reports whether it did; a database that already holds applicants is left alone.
//
// The whole data set is written in one transaction under the privacy
// allow decision (the seed is a trusted job): on any failure nothing is
// left behind. Values come from a fixed random seed and fixed dates, so
// every seeded database holds the same data; only the row ids, the
// updated_at stamps and the application status_changed_at stamps (set by
// hooks) depend on the database and the clock.
func SeedDemo(ctx context.Context, client *ent.Client) (bool, error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	tx, err := client.Tx(ctx)
	if err != nil {
		return false, fmt.Errorf("starting the demo seed: %w", err)
	}
	seeded, err := seedDemoTx(ctx, tx)
	if err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			err = errors.Join(err, fmt.Errorf("rolling back the demo seed: %w", rerr))
		}
		return false, err
	}
	if !seeded {
		if err := tx.Rollback(); err != nil {
			return false, fmt.Errorf("ending the demo seed: %w", err)
		}
		return false, nil
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("committing the demo seed: %w", err)
	}
	return true, nil
}

// seedDemoTx writes the demo data set in tx unless applicants exist.
func seedDemoTx(ctx context.Context, tx *ent.Tx) (bool, error) {
	exists, err := tx.Applicant.Query().Exist(ctx)
	if err != nil {
		return false, fmt.Errorf("checking for existing applicants: %w", err)
	}
	if exists {
		return false, nil
	}
	s := &demoSeeder{tx: tx, r: rand.New(rand.NewPCG(1, 2))}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"policy version", s.seedPolicyVersion}, // before applications: applying records consent under it
		{"employers and jobs", s.seedEmployers},
		{"applicants", s.seedApplicants},
		{"applications", s.seedApplications},
		{"application statuses", s.seedStatuses},
		{"privacy requests", s.seedPrivacyRequests},
		{"consents", s.seedConsents},
		{"policy acknowledgements", s.seedAcknowledgements},
	}
	for _, step := range steps {
		if err := step.run(ctx); err != nil {
			return false, fmt.Errorf("seeding demo %s: %w", step.name, err)
		}
	}
	return true, nil
}

// demoSeeder carries the random source and what earlier steps created to
// later ones. The steps draw from r in a fixed order, and never depend on
// the ids the database hands out, so the values are the same every time.
type demoSeeder struct {
	tx *ent.Tx
	r  *rand.Rand

	employerIDs     []int // in demoEmployers order
	jobs            []seededJob
	people          []*demoPerson // people[i] has account number i+1
	applications    []seededApplication
	policyVersionID int
	policyChangeID  int // the version that changed purposes later (§8)
	ceased          []ceasedProvision
}

// seededJob is a created job and the table entry it came from.
type seededJob struct {
	id       int
	employer int // index into demoEmployers
	spec     *demoJob
}

// seededApplication is a created application and the status it was moved to.
type seededApplication struct {
	id        int
	person    int // index into people
	job       int // index into jobs
	appliedAt time.Time
	path      []application.Status // status changes after APPLIED
}

// status is the application's final status.
func (a seededApplication) status() application.Status {
	if len(a.path) == 0 {
		return application.StatusAPPLIED
	}
	return a.path[len(a.path)-1]
}

// ceasedProvision is a completed cease-of-provision request: the subject's
// EMPLOYER_PROVISION consents end at its completion.
type ceasedProvision struct {
	person int
	at     time.Time
}

// ---------------------------------------------------------------------------
// Employers and jobs

// seedEmployers writes the demo organisations and their jobs, each job
// with its employer edge.
func (s *demoSeeder) seedEmployers(ctx context.Context) error {
	created := demoLaunch.AddDate(0, -1, 0)
	builders := make([]*ent.EmployerCreate, len(demoEmployers))
	for i, e := range demoEmployers {
		builders[i] = s.tx.Employer.Create().
			SetExternalID(e.externalID).
			SetName(e.name).
			SetPrefecture(e.prefecture).
			SetDescription(e.description).
			SetCreatedAt(created.Add(time.Duration(i) * time.Hour))
	}
	employers, err := s.tx.Employer.CreateBulk(builders...).Save(ctx)
	if err != nil {
		return err
	}
	var jobBuilders []*ent.JobCreate
	for i, e := range demoEmployers {
		s.employerIDs = append(s.employerIDs, employers[i].ID)
		for k := range e.jobs {
			spec := &e.jobs[k]
			b := s.tx.Job.Create().
				SetEmployerID(employers[i].ID).
				SetTitle(spec.title).
				SetDescription(spec.description).
				SetPrefecture(spec.prefecture).
				SetField(spec.field).
				SetEmploymentType(spec.employment).
				SetStatus(spec.status).
				SetCreatedAt(created.AddDate(0, 0, 7+len(jobBuilders)))
			if spec.salaryMin > 0 {
				b.SetSalaryMin(spec.salaryMin).SetSalaryMax(spec.salaryMax)
			}
			if len(spec.questions) > 0 {
				b.SetQuestions(spec.questionTexts())
			}
			jobBuilders = append(jobBuilders, b)
			s.jobs = append(s.jobs, seededJob{employer: i, spec: spec})
		}
	}
	jobs, err := s.tx.Job.CreateBulk(jobBuilders...).Save(ctx)
	if err != nil {
		return err
	}
	for i, j := range jobs {
		s.jobs[i].id = j.ID
	}
	return nil
}

// ---------------------------------------------------------------------------
// Applicants

// seedApplicants writes applicant-0001 to applicant-0300, registered one
// after the other from the launch day.
func (s *demoSeeder) seedApplicants(ctx context.Context) error {
	builders := make([]*ent.ApplicantCreate, demoApplicantCount)
	for i := range builders {
		p := s.newPerson(i)
		s.people = append(s.people, p)
		builders[i] = s.applicantBuilder(p)
	}
	created, err := saveInBatches(ctx, builders, func(ctx context.Context, bs []*ent.ApplicantCreate) ([]*ent.Applicant, error) {
		return s.tx.Applicant.CreateBulk(bs...).Save(ctx)
	})
	if err != nil {
		return err
	}
	for i, a := range created {
		s.people[i].id = a.ID
	}
	return nil
}

// demoPerson holds what later steps need to know about one applicant.
type demoPerson struct {
	id           int
	account      string
	nat          *nationality
	female       bool
	family       nameEntry
	given        nameEntry
	age          int
	birth        time.Time
	prefecture   string
	city         city
	visa         *visaProfile
	job          occupation
	desiredField string
	employer     string // current workplace, "" when none is given
	graduatedOn  time.Time
	hasSpouse    bool
	registeredAt time.Time
}

// newPerson draws the identity of applicant number i+1: nationality, name,
// age, residence, status of residence and occupation.
func (s *demoSeeder) newPerson(i int) *demoPerson {
	r := s.r
	p := &demoPerson{account: fmt.Sprintf("applicant-%04d", i+1)}
	p.nat = pickWeighted(r, nationalities, func(n *nationality) int { return n.weight })
	p.visa = pickWeighted(r, visaProfiles, func(v *visaProfile) int { return v.weight })
	p.job = oneOf(r, p.visa.occupations)
	if i == 0 {
		// The demo applicant is a software engineer, so that the
		// sakura-tech demo reads naturally.
		p.visa, p.job = visaProfiles[0], visaProfiles[0].occupations[0]
	}
	p.female = r.IntN(2) == 0
	p.family = oneOf(r, p.nat.family)
	if p.female {
		p.given = oneOf(r, p.nat.female)
	} else {
		p.given = oneOf(r, p.nat.male)
	}
	p.age = p.visa.minAge + r.IntN(p.visa.maxAge-p.visa.minAge+1)
	// Born within the year that makes them p.age on the reference day.
	p.birth = demoReferenceDay.AddDate(-p.age-1, 0, 1+r.IntN(364))
	pref := pickWeighted(r, validate.Prefectures, func(p validate.Prefecture) int { return prefectureWeight(p.Name) })
	p.prefecture = pref.Name
	p.city = oneOf(r, citiesOf(pref.Name))
	p.desiredField = p.job.field
	if r.IntN(10) < 3 {
		p.desiredField = oneOf(r, fieldProfiles).name
	}
	if p.job.employed && r.IntN(100) < 62 {
		p.employer = oneOf(r, fieldProfile(p.job.field).companies)
	}
	p.registeredAt = demoLaunch.Add(time.Duration(i)*6*time.Hour + time.Duration(r.IntN(300))*time.Minute)
	return p
}

// applicantBuilder fills a create builder with the person's whole profile.
func (s *demoSeeder) applicantBuilder(p *demoPerson) *ent.ApplicantCreate {
	b := s.tx.Applicant.Create().
		SetAccountID(p.account).
		SetCreatedAt(p.registeredAt).
		SetName(p.nat.fullName(p.family.roman, p.given.roman, " ")).
		SetNameKana(p.nat.fullName(p.family.kana, p.given.kana, "・")).
		SetBirthDate(p.birth).
		SetSex(s.sex(p)).
		SetEmail(s.email(p)).
		SetPhone(mobilePhone(s.r)).
		SetOccupation(p.job.title)
	s.setAddress(b, p)
	s.setWorkplace(b, p)
	s.setVisa(b, p)
	s.setEducation(b, p)
	s.setWorkHistory(b, p)
	s.setQualifications(b, p)
	s.setSelfPR(b, p)
	s.setFamily(b, p)
	s.setEmergencyContact(b, p)
	s.setHousing(b, p)
	s.setPreferences(b, p)
	if s.r.IntN(100) < 85 {
		b.SetLastIP(documentationIP(s.r))
	}
	return b
}

// sex is mostly the one the name suggests, with a few OTHER.
func (s *demoSeeder) sex(p *demoPerson) applicant.Sex {
	switch {
	case s.r.IntN(100) < 2:
		return applicant.SexOTHER
	case p.female:
		return applicant.SexFEMALE
	default:
		return applicant.SexMALE
	}
}

// email is unique per applicant: the account number is part of it.
func (s *demoSeeder) email(p *demoPerson) string {
	n := strings.TrimPrefix(p.account, "applicant-")
	return fmt.Sprintf("%s.%s%s@%s", asciiLower(p.given.roman), asciiLower(p.family.roman), strings.TrimLeft(n, "0"), oneOf(s.r, emailDomains))
}

// setAddress writes the home address; a quarter live in a house and
// have no building.
func (s *demoSeeder) setAddress(b *ent.ApplicantCreate, p *demoPerson) {
	r := s.r
	b.SetPrefecture(p.prefecture).
		SetCity(p.city.name).
		SetStreet(streetAddress(r)).
		SetPostalCode(fmt.Sprintf("%s-%04d", p.city.postal, r.IntN(10000)))
	if r.IntN(100) < 75 {
		b.SetBuilding(fmt.Sprintf("%s %d%02d", oneOf(r, buildingNames), 1+r.IntN(8), 1+r.IntN(12)))
	}
}

// setWorkplace writes the current workplace, in the city of residence.
func (s *demoSeeder) setWorkplace(b *ent.ApplicantCreate, p *demoPerson) {
	if p.employer == "" {
		return
	}
	r := s.r
	b.SetWorkplaceName(p.employer).
		SetWorkplaceDepartment(oneOf(r, fieldProfile(p.job.field).departments)).
		SetWorkplaceAddress(fmt.Sprintf("%s, %s, %s", streetAddress(r), p.city.name, p.prefecture)).
		SetWorkplacePhone(fmt.Sprintf("050-%04d-%04d", r.IntN(10000), r.IntN(10000)))
}

// setVisa writes the status of residence, valid past the reference day.
func (s *demoSeeder) setVisa(b *ent.ApplicantCreate, p *demoPerson) {
	first := demoReferenceDay.AddDate(0, 0, 1)
	last := time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC)
	b.SetVisaStatus(p.visa.code).SetVisaExpiresOn(randomDay(s.r, first, last))
}

// setEducation writes the highest education and, once finished, its date.
func (s *demoSeeder) setEducation(b *ent.ApplicantCreate, p *demoPerson) {
	r := s.r
	level := pickWeighted(r, educationLevels, func(e educationLevel) int { return e.weight })
	b.SetEducationLevel(level.level).SetAcademicBackground(oneOf(r, level.backgrounds))
	switch {
	case level.japaneseSchool:
		b.SetSchoolName(oneOf(r, japaneseSchools))
	case level.level != applicant.EducationLevelHIGH_SCHOOL:
		b.SetSchoolName(oneOf(r, p.nat.universities))
	}
	// Graduation in spring of the year they reached the level's age; those
	// who have not reached it yet are still studying and have no date.
	grad := time.Date(p.birth.Year()+level.age, level.gradMonth, 20+r.IntN(10), 0, 0, 0, 0, time.UTC)
	if grad.Before(demoReferenceDay) {
		p.graduatedOn = grad
		b.SetGraduatedOn(grad)
	}
	if level.level == applicant.EducationLevelMASTER || level.level == applicant.EducationLevelDOCTORATE {
		b.SetThesesAndPatents(fmt.Sprintf("Thesis: %s (%d)", oneOf(r, theses), grad.Year()))
	}
}

// setWorkHistory writes 0-3 jobs, oldest first, after school: past jobs,
// the first of them back home, then the current workplace if there is one.
func (s *demoSeeder) setWorkHistory(b *ent.ApplicantCreate, p *demoPerson) {
	r := s.r
	past := r.IntN(4)
	if p.employer != "" {
		past = max(past-1, 0)
	}
	cursor := p.birth.AddDate(18, 0, 0)
	if !p.graduatedOn.IsZero() {
		cursor = p.graduatedOn
	}
	end := firstOfMonth(demoReferenceDay.AddDate(0, -1, 0))
	next := func() time.Time { return firstOfMonth(cursor.AddDate(0, 1+r.IntN(6), 0)) }
	var history []schematype.WorkHistoryEntry
	for k := range past {
		from := next()
		if !from.Before(end) {
			break
		}
		to := from.AddDate(0, 6+r.IntN(43), -1)
		if to.After(end) {
			to = end
		}
		field := oneOf(r, fieldProfiles)
		company := oneOf(r, field.companies) // in Japan
		if k == 0 {
			company = oneOf(r, p.nat.companies)
		}
		history = append(history, schematype.WorkHistoryEntry{
			Company: company, From: from, To: &to, Field: field.name,
			EmploymentType: oneOf(r, employmentTypes), Responsibilities: field.duties,
		})
		cursor = to
	}
	if p.employer != "" {
		history = append(history, schematype.WorkHistoryEntry{
			Company: p.employer, From: earliest(next(), end), Field: p.job.field,
			EmploymentType: "Full-time", Responsibilities: fieldProfile(p.job.field).duties,
		})
	}
	if len(history) > 0 {
		b.SetWorkHistory(history)
	}
}

// setQualifications writes 0-2: a JLPT level first, then another licence.
func (s *demoSeeder) setQualifications(b *ent.ApplicantCreate, p *demoPerson) {
	r := s.r
	n := r.IntN(3)
	if n == 0 {
		return
	}
	adult := p.birth.AddDate(18, 0, 0)
	last := demoReferenceDay.AddDate(0, -1, 0)
	acquired := func() *time.Time { t := randomDay(r, adult, last); return &t }
	qs := []schematype.Qualification{{
		Name:       "JLPT " + pickWeighted(r, jlptLevels, func(l jlptLevel) int { return l.weight }).level,
		AcquiredOn: acquired(),
	}}
	if n == 2 {
		qs = append(qs, schematype.Qualification{Name: oneOf(r, qualifications), AcquiredOn: acquired()})
	}
	b.SetQualifications(qs)
}

// setSelfPR writes skills and tools of the applicant's field and a few
// lines about themselves.
func (s *demoSeeder) setSelfPR(b *ent.ApplicantCreate, p *demoPerson) {
	r := s.r
	field := fieldProfile(p.job.field)
	skills := []string{p.nat.language + " (native)", "Japanese"}
	skills = append(skills, pickSome(r, field.skills, 1+r.IntN(3))...)
	b.SetSkills(skills)
	if tools := pickSome(r, field.tools, r.IntN(4)); len(tools) > 0 {
		b.SetTools(tools)
	}
	if r.IntN(100) < 70 {
		b.SetFavoriteSubject(oneOf(r, favoriteSubjects))
	}
	if r.IntN(100) < 85 {
		b.SetSellingPoint(fmt.Sprintf(oneOf(r, sellingPoints), strings.ToLower(p.job.field), p.nat.language))
	}
	if r.IntN(100) < 60 {
		b.SetAchievements(oneOf(r, achievements))
	}
}

// setFamily writes spouse and dependents; spouses are likelier with age
// and certain for statuses held through one.
func (s *demoSeeder) setFamily(b *ent.ApplicantCreate, p *demoPerson) {
	r := s.r
	switch {
	case p.visa.married:
		p.hasSpouse = true
	case p.visa.code == "TECHNICAL_INTERN_TRAINING":
		p.hasSpouse = r.IntN(100) < 5
	default:
		p.hasSpouse = r.IntN(100) < min(10+2*max(p.age-22, 0), 75)
	}
	b.SetHasSpouse(p.hasSpouse)
	dependents := 0
	if p.hasSpouse {
		dependents = r.IntN(4)
		spouseJobs := spouseOccupations
		switch p.visa.code {
		case "SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL":
			spouseJobs = japaneseSpouseOccupations
		case "DEPENDENT":
			spouseJobs = sponsorSpouseOccupations
		}
		b.SetSpouseOccupation(oneOf(r, spouseJobs))
	} else if r.IntN(10) == 0 {
		dependents = 1 // a parent at home
	}
	b.SetDependents(dependents)
}

// setEmergencyContact writes one contact: the spouse, family abroad, or a
// friend or supervisor in Japan.
func (s *demoSeeder) setEmergencyContact(b *ent.ApplicantCreate, p *demoPerson) {
	r := s.r
	var c schematype.EmergencyContact
	switch roll := r.IntN(100); {
	case p.hasSpouse && p.visa.code == "SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL":
		c = schematype.EmergencyContact{Name: oneOf(r, japaneseNames), Relation: "Spouse", Phone: mobilePhone(r)}
	case p.hasSpouse:
		given := s.otherGiven(p, !p.female)
		c = schematype.EmergencyContact{Name: p.nat.fullName(p.family.roman, given, " "), Relation: "Spouse", Phone: mobilePhone(r)}
	case roll < 60:
		rel := oneOf(r, familyRelations)
		given := s.otherGiven(p, rel.female)
		c = schematype.EmergencyContact{Name: p.nat.fullName(p.family.roman, given, " "), Relation: rel.name, Phone: abroadPhone(r, p.nat.callingCode)}
	case roll < 80:
		c = schematype.EmergencyContact{Name: oneOf(r, japaneseNames), Relation: "Supervisor", Phone: mobilePhone(r)}
	default:
		given := s.otherGiven(p, r.IntN(2) == 0)
		c = schematype.EmergencyContact{Name: p.nat.fullName(oneOf(r, p.nat.family).roman, given, " "), Relation: "Friend", Phone: mobilePhone(r)}
	}
	b.SetEmergencyContacts([]schematype.EmergencyContact{c})
}

// otherGiven returns a given name of p's nationality, female or not, that
// is not p's own.
func (s *demoSeeder) otherGiven(p *demoPerson, female bool) string {
	names := p.nat.male
	if female {
		names = p.nat.female
	}
	others := slices.DeleteFunc(slices.Clone(names), func(n nameEntry) bool { return n == p.given })
	return oneOf(s.r, others).roman
}

// setHousing writes the dwelling and, when paying one, the monthly rent.
func (s *demoSeeder) setHousing(b *ent.ApplicantCreate, p *demoPerson) {
	r := s.r
	dwelling := pickWeighted(r, dwellings, func(d dwelling) int { return d.weight })
	if p.visa.companyHousing && r.IntN(100) < 60 {
		dwelling = dwellingOf(applicant.DwellingTypeCOMPANY_HOUSING)
	}
	if dwelling.kind == applicant.DwellingTypeOWNED && !p.visa.settled {
		dwelling = dwellingOf(applicant.DwellingTypeRENTED)
	}
	b.SetDwellingType(dwelling.kind)
	if dwelling.maxRent > 0 {
		base := dwelling.minRent
		if dwelling.kind == applicant.DwellingTypeRENTED {
			base += rentPremium(p.prefecture)
		}
		b.SetRent(base + 1000*r.IntN((dwelling.maxRent-dwelling.minRent)/1000+1))
	}
}

// setPreferences writes the desired field and workplace.
func (s *demoSeeder) setPreferences(b *ent.ApplicantCreate, p *demoPerson) {
	r := s.r
	b.SetDesiredField(p.desiredField)
	switch r.IntN(5) {
	case 0:
		b.SetDesiredWorkplace("Within commuting distance of " + p.city.name)
	case 1:
		b.SetDesiredWorkplace("Anywhere in " + p.prefecture)
	default:
		b.SetDesiredWorkplace(oneOf(r, desiredWorkplaces))
	}
}

// ---------------------------------------------------------------------------
// Applications

// seedApplications writes each applicant's applications to published
// jobs, answering every question; the hooks make them APPLIED.
func (s *demoSeeder) seedApplications(ctx context.Context) error {
	published := s.publishedJobs()
	var builders []*ent.ApplicationCreate
	for i, p := range s.people {
		jobs, err := s.chooseJobs(i, p, published)
		if err != nil {
			return err
		}
		for _, k := range jobs {
			a := seededApplication{person: i, job: k.job, path: k.path}
			a.appliedAt = between(s.r, p.registeredAt.Add(time.Hour), demoReferenceDay.AddDate(0, 0, -2))
			j := s.jobs[k.job]
			builders = append(builders, s.tx.Application.Create().
				SetApplicantID(p.id).
				SetJobID(j.id).
				SetCreatedAt(a.appliedAt).
				SetReason(s.reason(p, j)).
				SetAnswers(s.answers(j.spec)))
			s.applications = append(s.applications, a)
		}
	}
	created, err := saveInBatches(ctx, builders, func(ctx context.Context, bs []*ent.ApplicationCreate) ([]*ent.Application, error) {
		return s.tx.Application.CreateBulk(bs...).Save(ctx)
	})
	if err != nil {
		return err
	}
	for i, a := range created {
		s.applications[i].id = a.ID
	}
	return nil
}

// jobChoice is a job to apply to and the status changes the application
// goes through.
type jobChoice struct {
	job  int
	path []application.Status
}

// publishedJobs lists the indexes of the jobs open for applications.
func (s *demoSeeder) publishedJobs() []int {
	var out []int
	for i, j := range s.jobs {
		if j.spec.status == job.StatusPUBLISHED {
			out = append(out, i)
		}
	}
	return out
}

// chooseJobs picks 0-3 distinct published jobs for person i, favouring
// their desired field, and where each application ends up. The demo
// applicant's applications are fixed.
func (s *demoSeeder) chooseJobs(i int, p *demoPerson, published []int) ([]jobChoice, error) {
	if i == 0 {
		var out []jobChoice
		for _, d := range demoApplicantApplications {
			k := slices.IndexFunc(s.jobs, func(j seededJob) bool { return j.spec.title == d.title })
			if k < 0 || s.jobs[k].spec.status != job.StatusPUBLISHED {
				return nil, fmt.Errorf("the demo applicant's job %q is not a published demo job", d.title)
			}
			out = append(out, jobChoice{job: k, path: d.path})
		}
		return out, nil
	}
	n := pickWeighted(s.r, applicationCounts, func(c applicationCount) int { return c.weight }).n
	candidates := slices.Clone(published)
	var out []jobChoice
	for range n {
		k := pickWeighted(s.r, candidates, func(k int) int {
			if s.jobs[k].spec.field == p.desiredField {
				return 5
			}
			return 1
		})
		candidates = slices.DeleteFunc(candidates, func(c int) bool { return c == k })
		target := pickWeighted(s.r, statusTargets, func(t statusTarget) int { return t.weight }).status
		out = append(out, jobChoice{job: k, path: statusPath(s.r, target)})
	}
	return out, nil
}

// reason writes the applicant's reason for applying.
func (s *demoSeeder) reason(p *demoPerson, j seededJob) string {
	return fmt.Sprintf(oneOf(s.r, reasonTemplates),
		1+s.r.IntN(8), strings.ToLower(j.spec.field), demoEmployers[j.employer].name, j.spec.title, p.nat.language)
}

// answers answers each of the job's questions, in order.
func (s *demoSeeder) answers(j *demoJob) []string {
	if len(j.questions) == 0 {
		return nil
	}
	out := make([]string, len(j.questions))
	for i, q := range j.questions {
		out[i] = oneOf(s.r, q.answers)
	}
	return out
}

// seedStatuses moves applications along their paths one legal step at a
// time, as the state machine in ent/hooks requires.
func (s *demoSeeder) seedStatuses(ctx context.Context) error {
	for _, a := range s.applications {
		for _, st := range a.path {
			if err := s.tx.Application.UpdateOneID(a.id).SetStatus(st).Exec(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// statusPath returns the status changes that take a new (APPLIED)
// application to target, each one allowed by the state machine.
func statusPath(r *rand.Rand, target application.Status) []application.Status {
	forward := []application.Status{application.StatusSCREENING, application.StatusINTERVIEW, application.StatusOFFER, application.StatusHIRED}
	var path []application.Status
	switch target {
	case application.StatusAPPLIED:
		return nil
	case application.StatusREJECTED, application.StatusWITHDRAWN:
		// Leave at some stage before a decision.
		path = append(slices.Clone(forward[:r.IntN(4)]), target)
	default:
		path = slices.Clone(forward[:slices.Index(forward, target)+1])
	}
	// Some go straight from APPLIED to INTERVIEW.
	if len(path) > 1 && path[1] == application.StatusINTERVIEW && r.IntN(4) == 0 {
		path = path[1:]
	}
	return path
}

// ---------------------------------------------------------------------------
// Policy version, privacy requests and consents

// seedPolicyVersion writes policy version 2026-01, which every demo
// consent is given under.
func (s *demoSeeder) seedPolicyVersion(ctx context.Context) error {
	pv, err := s.tx.PolicyVersion.Create().
		SetVersion("2026-01").
		SetEffectiveAt(demoPolicyEffective).
		SetSummary("First version under consentgate. Consent is asked per purpose (§4 (1)-(7)); " +
			"applying to a job consents to providing the §5(1) items to that employer only, " +
			"and single categories can be withheld from employers.").
		SetTextDigest(PolicyTextDigest()).
		SetChangedPurposes(consent.Purpose("").Values()).
		Save(ctx)
	if err != nil {
		return err
	}
	s.policyVersionID = pv.ID
	// A later version changed the analysis and mail magazine purposes
	// (§8): applicants who granted them before it stand on deemed
	// agreement unless they acknowledged it (seedAcknowledgements).
	later, err := s.tx.PolicyVersion.Create().
		SetVersion(demoPolicyChange).
		SetEffectiveAt(demoPolicyChangeEffective).
		SetPublishedAt(demoPolicyChangeEffective.AddDate(0, -1, 0)).
		SetSummary("Analysis (§4 (7)) now also measures how well job matching works; " +
			"mail magazines (§4 (3)) may include events of partner schools.").
		SetTextDigest(PolicyTextDigest()).
		SetChangedPurposes([]string{string(consent.Analytics), string(consent.MailMagazine)}).
		Save(ctx)
	if err != nil {
		return err
	}
	s.policyChangeID = later.ID
	return nil
}

// seedAcknowledgements records that every third applicant acknowledged the
// policy change, a week after it took effect.
func (s *demoSeeder) seedAcknowledgements(ctx context.Context) error {
	var builders []*ent.PolicyAcknowledgementCreate
	for i, p := range s.people {
		if i%3 == 0 {
			builders = append(builders, s.tx.PolicyAcknowledgement.Create().SetApplicantID(p.id).
				SetPolicyVersionID(s.policyChangeID).SetAcknowledgedAt(demoPolicyChangeEffective.AddDate(0, 0, 7)))
		}
	}
	return s.tx.PolicyAcknowledgement.CreateBulk(builders...).Exec(ctx)
}

// plannedRequest is a privacy request to make: whose, in which status, of
// which kind.
type plannedRequest struct {
	person int // index into people
	status privacyrequest.Status
	kind   privacyrequest.Kind
}

// seedPrivacyRequests writes requests in every status, including an open
// one of the demo applicant, each due demoRequestDays after it was made.
func (s *demoSeeder) seedPrivacyRequests(ctx context.Context) error {
	r := s.r
	// The demo applicant's open request, then others for distinct
	// applicants registered early enough to have closed requests.
	plan := []plannedRequest{{0, privacyrequest.StatusRECEIVED, privacyrequest.KindDISCLOSURE}}
	others := r.Perm(249)
	for _, group := range requestPlan {
		for range group.count {
			person := 1 + others[len(plan)-1]
			kind := pickWeighted(r, requestKinds, func(k requestKind) int { return k.weight })
			if group.status == privacyrequest.StatusCOMPLETED && kind.kind == privacyrequest.KindDELETION {
				kind = requestKinds[0] // a completed deletion would have removed the applicant
			}
			plan = append(plan, plannedRequest{person, group.status, kind.kind})
		}
	}
	builders := make([]*ent.PrivacyRequestCreate, len(plan))
	for i, pr := range plan {
		p := s.people[pr.person]
		b := s.tx.PrivacyRequest.Create().SetApplicantID(p.id).SetKind(pr.kind).SetStatus(pr.status)
		var created time.Time
		switch pr.status {
		case privacyrequest.StatusRECEIVED, privacyrequest.StatusIN_PROGRESS:
			created = between(r, latest(p.registeredAt.Add(time.Hour), demoReferenceDay.AddDate(0, 0, -12)), demoReferenceDay.Add(-time.Hour))
		default:
			created = between(r, p.registeredAt.AddDate(0, 0, 1), demoReferenceDay.AddDate(0, 0, -15))
		}
		b.SetCreatedAt(created).SetDueAt(created.AddDate(0, 0, demoRequestDays))
		if pr.status != privacyrequest.StatusRECEIVED {
			b.SetHandler(oneOf(r, requestHandlers))
		}
		switch pr.status {
		case privacyrequest.StatusCOMPLETED:
			done := created.Add(time.Duration(1+r.IntN(13*24)) * time.Hour)
			b.SetCompletedAt(done)
			if pr.kind == privacyrequest.KindCEASE_OF_PROVISION {
				s.ceased = append(s.ceased, ceasedProvision{person: pr.person, at: done})
			}
		case privacyrequest.StatusREJECTED:
			b.SetRejectionReason(oneOf(r, rejectionReasons))
		}
		builders[i] = b
	}
	return s.tx.PrivacyRequest.CreateBulk(builders...).Exec(ctx)
}

// seedConsents writes the consent ledger: each applicant's own choices at
// registration, a grant to the employer for each application and its
// withdrawal when the application is withdrawn, a few categories withheld
// from employers, and withdrawals by completed cease-of-provision requests.
func (s *demoSeeder) seedConsents(ctx context.Context) error {
	r := s.r
	var builders []*ent.ConsentCreate
	add := func(person int, purpose entconsent.Purpose, granted bool, source entconsent.Source, at time.Time) *ent.ConsentCreate {
		b := s.tx.Consent.Create().
			SetApplicantID(s.people[person].id).
			SetPolicyVersionID(s.policyVersionID).
			SetPurpose(purpose).
			SetGranted(granted).
			SetSource(source).
			SetBasis(entconsent.BasisEXPLICIT).
			SetRecordedAt(at)
		builders = append(builders, b)
		return b
	}

	for i, p := range s.people {
		at := p.registeredAt.Add(time.Minute)
		if r.IntN(100) < 40 {
			add(i, entconsent.PurposeMAIL_MAGAZINE, true, entconsent.SourceAPPLICANT, at)
		}
		if r.IntN(100) < 70 {
			add(i, entconsent.PurposeANALYTICS, true, entconsent.SourceAPPLICANT, at)
		}
		if r.IntN(100) < 15 {
			add(i, entconsent.PurposeADVERTISING, false, entconsent.SourceAPPLICANT, between(r, at, demoReferenceDay))
		}
		if r.IntN(100) < 6 {
			add(i, entconsent.PurposeFEEDBACK, true, entconsent.SourceAPPLICANT, between(r, at, demoReferenceDay))
		}
	}

	// Provision grants and withdrawals are recorded by applying and
	// withdrawing (hooks.ProvisionConsent); some applicants also withhold a
	// category from the employer they applied to.
	withheld := map[int]bool{} // people who already withheld a category
	for _, a := range s.applications {
		employer := s.employerIDs[s.jobs[a.job].employer]
		switch {
		case a.status() == application.StatusWITHDRAWN:
		case !withheld[a.person] && r.IntN(100) < 2:
			withheld[a.person] = true
			add(a.person, entconsent.PurposeEMPLOYER_PROVISION, false, entconsent.SourceAPPLICANT, a.appliedAt.Add(10*time.Minute)).
				SetEmployerID(employer).
				SetWithheldCategory(oneOf(r, []entconsent.WithheldCategory{entconsent.WithheldCategoryFAMILY, entconsent.WithheldCategoryHOUSING}))
		}
	}

	// A cease of provision withdraws it from the employers applied to
	// before it. The seed appends the applications' grants first, and the
	// ledger's order is the order of its appends: an employer applied to
	// again after the cease (a grant later in time) gets no withdrawal.
	for _, c := range s.ceased {
		for _, e := range s.employersAppliedTo(c.person, c.at) {
			add(c.person, entconsent.PurposeEMPLOYER_PROVISION, false, entconsent.SourcePRIVACY_REQUEST, c.at).
				SetEmployerID(s.employerIDs[e])
		}
	}

	_, err := saveInBatches(ctx, builders, func(ctx context.Context, bs []*ent.ConsentCreate) ([]struct{}, error) {
		return nil, s.tx.Consent.CreateBulk(bs...).Exec(ctx)
	})
	return err
}

// employersAppliedTo lists the employers (indexes into demoEmployers)
// person applied to before a time and not since, in table order.
func (s *demoSeeder) employersAppliedTo(person int, before time.Time) []int {
	var out, after []int
	for _, a := range s.applications {
		if a.person != person {
			continue
		}
		e := s.jobs[a.job].employer
		if a.appliedAt.Before(before) {
			out = append(out, e)
		} else {
			after = append(after, e)
		}
	}
	out = slices.DeleteFunc(out, func(e int) bool { return slices.Contains(after, e) })
	slices.Sort(out)
	return slices.Compact(out)
}

// ---------------------------------------------------------------------------
// Helpers

// saveInBatches saves builders demoBatchSize at a time and returns what
// save returned, in order.
func saveInBatches[B, E any](ctx context.Context, builders []B, save func(context.Context, []B) ([]E, error)) ([]E, error) {
	var out []E
	for chunk := range slices.Chunk(builders, demoBatchSize) {
		saved, err := save(ctx, chunk)
		if err != nil {
			return nil, err
		}
		out = append(out, saved...)
	}
	return out, nil
}

// oneOf returns a uniformly chosen item.
func oneOf[T any](r *rand.Rand, items []T) T { return items[r.IntN(len(items))] }

// pickWeighted returns an item chosen with probability proportional to its
// weight.
func pickWeighted[T any](r *rand.Rand, items []T, weight func(T) int) T {
	total := 0
	for _, it := range items {
		total += weight(it)
	}
	n := r.IntN(total)
	for _, it := range items {
		if n -= weight(it); n < 0 {
			return it
		}
	}
	return items[len(items)-1]
}

// pickSome returns n distinct items in a random order (all when n is larger).
func pickSome[T any](r *rand.Rand, items []T, n int) []T {
	out := make([]T, 0, n)
	for _, i := range r.Perm(len(items))[:min(n, len(items))] {
		out = append(out, items[i])
	}
	return out
}

// between returns a time in [lo, hi), to the minute; lo when hi is not
// after lo.
func between(r *rand.Rand, lo, hi time.Time) time.Time {
	if !hi.After(lo) {
		return lo
	}
	return lo.Add(time.Duration(r.Int64N(int64(hi.Sub(lo))))).Truncate(time.Minute)
}

// randomDay returns a date (midnight UTC) in [lo, hi].
func randomDay(r *rand.Rand, lo, hi time.Time) time.Time {
	lo = lo.Truncate(24 * time.Hour)
	days := int(hi.Sub(lo).Hours() / 24)
	return lo.AddDate(0, 0, r.IntN(max(days, 0)+1))
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// earliest returns the earlier of a and b.
func earliest(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// firstOfMonth returns the first day of t's month.
func firstOfMonth(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// asciiLower keeps the lowercase ASCII letters of s, for email addresses.
func asciiLower(s string) string {
	return strings.Map(func(c rune) rune {
		switch {
		case c >= 'a' && c <= 'z':
			return c
		case c >= 'A' && c <= 'Z':
			return c + 'a' - 'A'
		}
		return -1
	}, s)
}

// mobilePhone returns a Japanese mobile number such as 090-1234-5678.
func mobilePhone(r *rand.Rand) string {
	return fmt.Sprintf("%s-%04d-%04d", oneOf(r, mobilePrefixes), r.IntN(10000), r.IntN(10000))
}

// abroadPhone returns an international number in the given country.
func abroadPhone(r *rand.Rand, callingCode string) string {
	return fmt.Sprintf("+%s %03d %03d %04d", callingCode, 100+r.IntN(900), r.IntN(1000), r.IntN(10000))
}

// documentationIP returns an address from the ranges reserved for
// documentation (RFC 5737, RFC 3849).
func documentationIP(r *rand.Rand) string {
	host := 1 + r.IntN(254)
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("192.0.2.%d", host)
	case 1:
		return fmt.Sprintf("198.51.100.%d", host)
	case 2:
		return fmt.Sprintf("203.0.113.%d", host)
	default:
		return fmt.Sprintf("2001:db8::%x", host)
	}
}

// streetAddress returns a town and chome-banchi-go, such as "Honcho 2-14-5".
func streetAddress(r *rand.Rand) string {
	return fmt.Sprintf("%s %d-%d-%d", oneOf(r, townNames), 1+r.IntN(5), 1+r.IntN(30), 1+r.IntN(20))
}

// prefectureWeight is how many times more applicants live in a prefecture
// than in a small one.
func prefectureWeight(name string) int {
	if w, ok := prefectureWeights[name]; ok {
		return w
	}
	return 1
}

// citiesOf returns cities of the prefecture: a few for the big ones, the
// prefectural capital for the rest.
func citiesOf(prefecture string) []city {
	if cs, ok := prefectureCities[prefecture]; ok {
		return cs
	}
	return []city{prefectureCapitals[prefecture]}
}

// rentPremium is how much more a rented home costs in the big cities.
func rentPremium(prefecture string) int {
	switch prefecture {
	case "Tokyo":
		return 30000
	case "Kanagawa", "Osaka", "Kyoto":
		return 15000
	case "Saitama", "Chiba", "Aichi", "Hyogo", "Fukuoka":
		return 8000
	}
	return 0
}

// dwellingOf returns the dwelling of the given kind.
func dwellingOf(kind applicant.DwellingType) dwelling {
	for _, d := range dwellings {
		if d.kind == kind {
			return d
		}
	}
	return dwellings[0]
}

// fieldProfile returns the profile of a field of work.
func fieldProfile(name string) *fieldOfWork {
	for _, f := range fieldProfiles {
		if f.name == name {
			return f
		}
	}
	return fieldProfiles[0]
}

// ---------------------------------------------------------------------------
// Tables

// nameEntry is a name in Latin letters and in katakana.
type nameEntry struct{ roman, kana string }

// nationality is where an applicant comes from: names, schools, former
// employers and how to call home.
type nationality struct {
	name         string
	weight       int
	familyFirst  bool // the family name is written first
	language     string
	callingCode  string
	family       []nameEntry
	female, male []nameEntry
	universities []string
	companies    []string // fictitious employers back home
}

// fullName joins a family and a given name in the nationality's order.
func (n *nationality) fullName(family, given, sep string) string {
	if n.familyFirst {
		return family + sep + given
	}
	return given + sep + family
}

// nationalities, weighted roughly like Japan's foreign residents.
var nationalities = []*nationality{
	{
		name: "Vietnamese", weight: 22, familyFirst: true, language: "Vietnamese", callingCode: "84",
		family:       []nameEntry{{"Nguyen", "グエン"}, {"Tran", "チャン"}, {"Le", "レ"}, {"Pham", "ファム"}, {"Hoang", "ホアン"}, {"Vu", "ヴー"}, {"Dang", "ダン"}, {"Bui", "ブイ"}, {"Do", "ドー"}, {"Ngo", "ゴー"}},
		female:       []nameEntry{{"Thi Lan", "ティ・ラン"}, {"Thi Hoa", "ティ・ホア"}, {"Thi Mai", "ティ・マイ"}, {"Thu Trang", "トゥー・チャン"}, {"Ngoc Anh", "ゴック・アイン"}, {"Thi Huong", "ティ・フオン"}, {"Thanh Thao", "タイン・タオ"}},
		male:         []nameEntry{{"Van Minh", "ヴァン・ミン"}, {"Van Hung", "ヴァン・フン"}, {"Duc Anh", "ドゥック・アイン"}, {"Quang Huy", "クアン・フイ"}, {"Van Nam", "ヴァン・ナム"}, {"Minh Tuan", "ミン・トゥアン"}, {"Thanh Long", "タイン・ロン"}},
		universities: []string{"Hanoi University of Science and Technology", "Vietnam National University, Hanoi", "Can Tho University", "Hanoi University"},
		companies:    []string{"Saigon Software JSC", "Hanoi Garment Co., Ltd.", "Mekong Seafood JSC"},
	},
	{
		name: "Chinese", weight: 22, familyFirst: true, language: "Chinese", callingCode: "86",
		family:       []nameEntry{{"Wang", "ワン"}, {"Li", "リー"}, {"Zhang", "チャン"}, {"Liu", "リウ"}, {"Chen", "チェン"}, {"Yang", "ヤン"}, {"Zhao", "チャオ"}, {"Huang", "ホアン"}, {"Zhou", "ジョウ"}, {"Wu", "ウー"}},
		female:       []nameEntry{{"Fang", "ファン"}, {"Jing", "ジン"}, {"Xiaoying", "シャオイン"}, {"Yan", "イエン"}, {"Min", "ミン"}, {"Yuting", "ユーティン"}, {"Xin", "シン"}},
		male:         []nameEntry{{"Wei", "ウェイ"}, {"Hao", "ハオ"}, {"Lei", "レイ"}, {"Jun", "ジュン"}, {"Qiang", "チアン"}, {"Zhiwei", "ジーウェイ"}, {"Haoran", "ハオラン"}},
		universities: []string{"Fudan University", "Dalian University of Technology", "Shanghai International Studies University", "Zhejiang University", "Jilin University"},
		companies:    []string{"Dalian Outsourcing Co., Ltd.", "Shanghai Trading Co., Ltd.", "Suzhou Electronics Co., Ltd."},
	},
	{
		name: "Filipino", weight: 12, language: "Filipino", callingCode: "63",
		family:       []nameEntry{{"Santos", "サントス"}, {"Reyes", "レイエス"}, {"Cruz", "クルス"}, {"Bautista", "バウティスタ"}, {"Garcia", "ガルシア"}, {"Mendoza", "メンドーサ"}, {"Dela Cruz", "デラクルス"}, {"Villanueva", "ビジャヌエバ"}, {"Ramos", "ラモス"}, {"Aquino", "アキノ"}},
		female:       []nameEntry{{"Maria", "マリア"}, {"Angelica", "アンジェリカ"}, {"Kristine", "クリスティン"}, {"Joy", "ジョイ"}, {"Rowena", "ロウェナ"}, {"Jasmine", "ジャスミン"}},
		male:         []nameEntry{{"Jose", "ホセ"}, {"Mark", "マーク"}, {"John Paul", "ジョンポール"}, {"Christian", "クリスチャン"}, {"Rodel", "ロデル"}, {"Jerome", "ジェローム"}},
		universities: []string{"University of the Philippines Diliman", "University of Santo Tomas", "De La Salle University", "Mapua University"},
		companies:    []string{"Manila BPO Services Inc.", "Cebu Hospitality Group Inc.", "Luzon Electronics Corp."},
	},
	{
		name: "Korean", weight: 10, familyFirst: true, language: "Korean", callingCode: "82",
		family:       []nameEntry{{"Kim", "キム"}, {"Lee", "イ"}, {"Park", "パク"}, {"Choi", "チェ"}, {"Jung", "チョン"}, {"Kang", "カン"}, {"Cho", "チョ"}, {"Yoon", "ユン"}, {"Jang", "チャン"}, {"Lim", "イム"}},
		female:       []nameEntry{{"Ji-woo", "ジウ"}, {"Seo-yeon", "ソヨン"}, {"Min-ji", "ミンジ"}, {"Ha-eun", "ハウン"}, {"Su-bin", "スビン"}, {"Ye-jin", "イェジン"}},
		male:         []nameEntry{{"Min-jun", "ミンジュン"}, {"Seo-jun", "ソジュン"}, {"Ji-ho", "ジホ"}, {"Hyun-woo", "ヒョヌ"}, {"Dong-hyun", "ドンヒョン"}, {"Jae-won", "ジェウォン"}},
		universities: []string{"Yonsei University", "Korea University", "Hankuk University of Foreign Studies", "Pusan National University"},
		companies:    []string{"Seoul Mobile Co., Ltd.", "Busan Shipping Co., Ltd.", "Incheon Logistics Co., Ltd."},
	},
	{
		name: "Nepali", weight: 9, language: "Nepali", callingCode: "977",
		family:       []nameEntry{{"Gurung", "グルン"}, {"Tamang", "タマン"}, {"Shrestha", "シュレスタ"}, {"Rai", "ライ"}, {"Magar", "マガル"}, {"Thapa", "タパ"}, {"Sharma", "シャルマ"}, {"Adhikari", "アディカリ"}, {"Karki", "カルキ"}, {"Lama", "ラマ"}},
		female:       []nameEntry{{"Sita", "シタ"}, {"Gita", "ギタ"}, {"Sabina", "サビナ"}, {"Anjali", "アンジャリ"}, {"Puja", "プジャ"}, {"Sunita", "スニタ"}},
		male:         []nameEntry{{"Bishal", "ビシャル"}, {"Ramesh", "ラメシュ"}, {"Suman", "スマン"}, {"Prakash", "プラカシュ"}, {"Bikash", "ビカシュ"}, {"Anil", "アニル"}},
		universities: []string{"Tribhuvan University", "Kathmandu University", "Pokhara University"},
		companies:    []string{"Kathmandu Trekking Pvt. Ltd.", "Himalaya Restaurant Pvt. Ltd.", "Pokhara Hotel Pvt. Ltd."},
	},
	{
		name: "Indonesian", weight: 9, language: "Indonesian", callingCode: "62",
		family:       []nameEntry{{"Santoso", "サントソ"}, {"Wijaya", "ウィジャヤ"}, {"Saputra", "サプトラ"}, {"Hidayat", "ヒダヤット"}, {"Pratama", "プラタマ"}, {"Kusuma", "クスマ"}, {"Setiawan", "セティアワン"}, {"Nugroho", "ヌグロホ"}, {"Siregar", "シレガール"}},
		female:       []nameEntry{{"Siti", "シティ"}, {"Dewi", "デウィ"}, {"Putri", "プトリ"}, {"Rina", "リナ"}, {"Ayu", "アユ"}, {"Indah", "インダ"}},
		male:         []nameEntry{{"Budi", "ブディ"}, {"Agus", "アグス"}, {"Rizky", "リズキ"}, {"Dimas", "ディマス"}, {"Eko", "エコ"}, {"Fajar", "ファジャル"}},
		universities: []string{"Universitas Indonesia", "Bandung Institute of Technology", "Gadjah Mada University"},
		companies:    []string{"PT Jakarta Logistik", "PT Bandung Tekstil", "PT Surabaya Makmur"},
	},
	{
		name: "Brazilian", weight: 7, language: "Portuguese", callingCode: "55",
		family:       []nameEntry{{"Silva", "シルバ"}, {"Santos", "サントス"}, {"Oliveira", "オリベイラ"}, {"Souza", "ソウザ"}, {"Pereira", "ペレイラ"}, {"Costa", "コスタ"}, {"Rodrigues", "ロドリゲス"}, {"Almeida", "アルメイダ"}, {"Nakamura", "ナカムラ"}, {"Higa", "ヒガ"}},
		female:       []nameEntry{{"Ana", "アナ"}, {"Juliana", "ジュリアナ"}, {"Fernanda", "フェルナンダ"}, {"Camila", "カミラ"}, {"Beatriz", "ベアトリス"}, {"Larissa", "ラリッサ"}},
		male:         []nameEntry{{"Lucas", "ルーカス"}, {"Gabriel", "ガブリエル"}, {"Rafael", "ラファエル"}, {"Mateus", "マテウス"}, {"Thiago", "チアゴ"}, {"Bruno", "ブルーノ"}},
		universities: []string{"University of Sao Paulo", "Federal University of Parana", "State University of Londrina"},
		companies:    []string{"Metalurgica Paulista Ltda.", "Curitiba Software Ltda.", "Londrina Agro Ltda."},
	},
	{
		name: "Indian", weight: 5, language: "Hindi", callingCode: "91",
		family:       []nameEntry{{"Sharma", "シャルマ"}, {"Patel", "パテル"}, {"Singh", "シン"}, {"Kumar", "クマール"}, {"Iyer", "アイヤー"}, {"Reddy", "レッディ"}, {"Nair", "ナイル"}, {"Gupta", "グプタ"}, {"Das", "ダス"}, {"Menon", "メノン"}},
		female:       []nameEntry{{"Priya", "プリヤ"}, {"Anjali", "アンジャリ"}, {"Divya", "ディヴィヤ"}, {"Sneha", "スネハ"}, {"Pooja", "プージャ"}, {"Kavya", "カヴィヤ"}},
		male:         []nameEntry{{"Rahul", "ラフル"}, {"Arjun", "アルジュン"}, {"Vikram", "ヴィクラム"}, {"Rohan", "ロハン"}, {"Sanjay", "サンジェイ"}, {"Karthik", "カーティク"}},
		universities: []string{"Indian Institute of Technology Bombay", "Anna University", "University of Delhi", "Vellore Institute of Technology"},
		companies:    []string{"Bengaluru Tech Solutions Pvt. Ltd.", "Chennai Auto Components Pvt. Ltd.", "Pune Analytics Pvt. Ltd."},
	},
	{
		name: "American", weight: 4, language: "English", callingCode: "1",
		family:       []nameEntry{{"Johnson", "ジョンソン"}, {"Smith", "スミス"}, {"Williams", "ウィリアムズ"}, {"Brown", "ブラウン"}, {"Miller", "ミラー"}, {"Davis", "デイビス"}, {"Garcia", "ガルシア"}, {"Wilson", "ウィルソン"}, {"Anderson", "アンダーソン"}, {"Taylor", "テイラー"}},
		female:       []nameEntry{{"Emily", "エミリー"}, {"Sarah", "サラ"}, {"Jessica", "ジェシカ"}, {"Ashley", "アシュリー"}, {"Hannah", "ハンナ"}, {"Megan", "メーガン"}},
		male:         []nameEntry{{"Michael", "マイケル"}, {"David", "デイビッド"}, {"James", "ジェームズ"}, {"Daniel", "ダニエル"}, {"Ryan", "ライアン"}, {"Tyler", "タイラー"}},
		universities: []string{"University of Washington", "Ohio State University", "University of Texas at Austin", "Portland State University"},
		companies:    []string{"Seattle Web Studio LLC", "Portland Coffee Roasters LLC", "Austin Data Labs Inc."},
	},
}

// japaneseNames are Japanese spouses, supervisors and friends.
var japaneseNames = []string{"Sato Yuki", "Suzuki Kenta", "Takahashi Aya", "Tanaka Hiroshi", "Watanabe Mai", "Ito Shota", "Yamamoto Naoko", "Nakamura Daisuke", "Kobayashi Emi", "Kato Takumi"}

// familyRelation is a relative back home.
type familyRelation struct {
	name   string
	female bool
}

var familyRelations = []familyRelation{{"Mother", true}, {"Father", false}, {"Sister", true}, {"Brother", false}}

// mobilePrefixes are repeated to weight them as in use.
var mobilePrefixes = []string{"090", "090", "090", "080", "080", "070"}

// emailDomains are reserved for documentation (RFC 2606, JPRS).
var emailDomains = []string{"example.com", "example.net", "example.org", "example.jp", "example.ne.jp"}

// visaProfile is a status of residence as the demo uses it: how common,
// the ages of its holders and their occupations.
type visaProfile struct {
	code           string
	weight         int
	minAge, maxAge int
	married        bool // held through a spouse
	settled        bool // may own a home
	companyHousing bool // usually housed by the employer
	occupations    []occupation
}

// occupation is a current occupation and its field of work; employed
// occupations have a workplace.
type occupation struct {
	title, field string
	employed     bool
}

// visaProfiles, weighted towards the statuses most job seekers hold. The
// first one is the demo applicant's.
var visaProfiles = []*visaProfile{
	{code: "ENGINEER_HUMANITIES_INTERNATIONAL", weight: 24, minAge: 22, maxAge: 50, occupations: []occupation{
		{"Software engineer", "Software", true}, {"Interpreter and translator", "Translation and interpretation", true},
		{"Overseas sales representative", "Retail", true}, {"Mechanical design engineer", "Manufacturing", true},
		{"Hotel front desk clerk", "Hospitality", true}, {"Logistics coordinator", "Logistics", true}}},
	{code: "STUDENT", weight: 14, minAge: 20, maxAge: 30, occupations: []occupation{
		{"Student (part-time convenience store clerk)", "Retail", true}, {"Student (part-time restaurant staff)", "Hospitality", true},
		{"Japanese language school student", "Hospitality", false}, {"University student", "Software", false}}},
	{code: "SPECIFIED_SKILLED_WORKER_1", weight: 13, minAge: 21, maxAge: 40, companyHousing: true, occupations: []occupation{
		{"Care worker", "Nursing care", true}, {"Food manufacturing worker", "Food manufacturing", true},
		{"Construction worker", "Construction", true}, {"Restaurant kitchen staff", "Hospitality", true},
		{"Warehouse worker", "Logistics", true}}},
	{code: "TECHNICAL_INTERN_TRAINING", weight: 11, minAge: 20, maxAge: 35, companyHousing: true, occupations: []occupation{
		{"Technical intern (welding)", "Manufacturing", true}, {"Technical intern (food processing)", "Food manufacturing", true},
		{"Technical intern (construction)", "Construction", true}, {"Technical intern (nursing care)", "Nursing care", true}}},
	{code: "PERMANENT_RESIDENT", weight: 12, minAge: 30, maxAge: 55, settled: true, occupations: []occupation{
		{"Factory line leader", "Manufacturing", true}, {"Office clerk", "Retail", true}, {"English teacher", "Education", true},
		{"Restaurant owner", "Hospitality", true}, {"Truck driver", "Logistics", true}, {"Software engineer", "Software", true}}},
	{code: "DEPENDENT", weight: 6, minAge: 22, maxAge: 45, married: true, occupations: []occupation{
		{"Homemaker", "Retail", false}, {"Part-time kitchen staff", "Hospitality", true}, {"Part-time English tutor", "Education", true}}},
	{code: "SPOUSE_OR_CHILD_OF_JAPANESE_NATIONAL", weight: 6, minAge: 24, maxAge: 55, married: true, settled: true, occupations: []occupation{
		{"Office clerk", "Translation and interpretation", true}, {"Part-time retail staff", "Retail", true},
		{"English teacher", "Education", true}, {"Nursery assistant", "Education", true}}},
	{code: "LONG_TERM_RESIDENT", weight: 4, minAge: 20, maxAge: 55, settled: true, occupations: []occupation{
		{"Automotive parts factory worker", "Manufacturing", true}, {"Forklift operator", "Logistics", true}, {"Food factory worker", "Food manufacturing", true}}},
	{code: "SPOUSE_OR_CHILD_OF_PERMANENT_RESIDENT", weight: 2, minAge: 20, maxAge: 50, settled: true, occupations: []occupation{
		{"Part-time factory worker", "Manufacturing", true}, {"Care assistant", "Nursing care", true}}},
	{code: "NURSING_CARE", weight: 2, minAge: 24, maxAge: 45, occupations: []occupation{
		{"Certified care worker", "Nursing care", true}}},
	{code: "SKILLED_LABOR", weight: 2, minAge: 25, maxAge: 50, occupations: []occupation{
		{"Cook (Indian and Nepali cuisine)", "Hospitality", true}}},
	{code: "HIGHLY_SKILLED_PROFESSIONAL_1B", weight: 2, minAge: 28, maxAge: 50, occupations: []occupation{
		{"Senior software engineer", "Software", true}, {"Data scientist", "Software", true}}},
	{code: "DESIGNATED_ACTIVITIES", weight: 2, minAge: 22, maxAge: 32, occupations: []occupation{
		{"Graduate looking for work", "Software", false}, {"Working holiday cafe staff", "Hospitality", true}}},
	{code: "INSTRUCTOR", weight: 1, minAge: 25, maxAge: 50, occupations: []occupation{
		{"Assistant language teacher", "Education", true}}},
	{code: "BUSINESS_MANAGER", weight: 1, minAge: 30, maxAge: 55, settled: true, occupations: []occupation{
		{"Trading company owner", "Retail", true}}},
	{code: "SPECIFIED_SKILLED_WORKER_2", weight: 1, minAge: 28, maxAge: 45, occupations: []occupation{
		{"Construction site supervisor", "Construction", true}}},
}

// fieldOfWork is a field of work with what people in it do and use.
type fieldOfWork struct {
	name        string
	duties      string
	skills      []string
	tools       []string
	companies   []string // fictitious Japanese employers
	departments []string
}

// fieldProfiles are the fields of work; the demo jobs use four of them.
var fieldProfiles = []*fieldOfWork{
	{name: "Software", duties: "Designed, built and tested web services; took part in code review.",
		skills: []string{"Go", "Java", "Python", "TypeScript", "SQL", "AWS", "Kubernetes"}, tools: []string{"Git", "Docker", "VS Code", "Jira", "Slack"},
		companies: []string{"Aozora Systems K.K.", "Nihon Cloud Works Co., Ltd.", "Minato Digital Inc."}, departments: []string{"Development Division", "Platform Team", "QA Group"}},
	{name: "Nursing care", duties: "Daily living assistance, meals, bathing and care records for elderly residents.",
		skills: []string{"Elderly care", "Transfer assistance", "Dementia care", "Care records"}, tools: []string{"Care record tablet", "Excel", "LINE WORKS"},
		companies: []string{"Hidamari Care Home", "Midori Welfare Association", "Sakura-no-Sato Nursing Home"}, departments: []string{"Care Unit 2F", "Care Unit 3F", "Day Service"}},
	{name: "Logistics", duties: "Picking, packing and shipping; inventory counts and forklift work.",
		skills: []string{"Forklift operation", "Inventory management", "Picking and packing"}, tools: []string{"Forklift", "Handheld scanner", "WMS"},
		companies: []string{"Tokai Transport Co., Ltd.", "Keiyo Warehouse Co., Ltd."}, departments: []string{"Warehouse A", "Warehouse B", "Shipping"}},
	{name: "Food manufacturing", duties: "Operating a food processing line under HACCP hygiene rules.",
		skills: []string{"HACCP hygiene", "Food processing", "Line operation"}, tools: []string{"Metal detector", "Vacuum packer"},
		companies: []string{"Umami Foods Co., Ltd.", "Kaisei Bento Factory"}, departments: []string{"Production Line 1", "Production Line 2", "Packing"}},
	{name: "Hospitality", duties: "Serving guests, taking reservations and training new part-time staff.",
		skills: []string{"Customer service", "Reservations", "English conversation"}, tools: []string{"POS register", "Reservation system"},
		companies: []string{"Hotel Harbor View", "Izakaya Tanuki", "Cafe Komorebi"}, departments: []string{"Front Office", "Kitchen", "Hall"}},
	{name: "Manufacturing", duties: "Machining and assembling automotive parts; quality inspection.",
		skills: []string{"Welding", "CNC machining", "Quality inspection", "5S"}, tools: []string{"AutoCAD", "CNC lathe", "Micrometer"},
		companies: []string{"Tokai Precision Co., Ltd.", "Chubu Auto Parts Co., Ltd."}, departments: []string{"Assembly", "Machining", "Quality Control"}},
	{name: "Construction", duties: "Scaffolding, rebar and finishing work on residential sites.",
		skills: []string{"Scaffolding", "Rebar work", "Safety management"}, tools: []string{"Laser level", "Power tools"},
		companies: []string{"Yamato Construction Co., Ltd.", "Hinode Scaffolding Co., Ltd."}, departments: []string{"Site Team 1", "Site Team 2"}},
	{name: "Translation and interpretation", duties: "Translating manuals and interpreting at meetings with overseas partners.",
		skills: []string{"Translation", "Interpretation", "Technical writing"}, tools: []string{"Trados", "Word", "Excel"},
		companies: []string{"Global Bridge Translation K.K."}, departments: []string{"Translation Team", "Overseas Sales"}},
	{name: "Education", duties: "Teaching English lessons and preparing materials.",
		skills: []string{"Lesson planning", "Classroom management", "English conversation"}, tools: []string{"PowerPoint", "Google Classroom"},
		companies: []string{"Sunrise English School", "Kotoba Language Center"}, departments: []string{"Kids Course", "Adult Course"}},
	{name: "Retail", duties: "Cashier work, stock control and serving customers in several languages.",
		skills: []string{"Cashier operation", "Stock management", "Customer service"}, tools: []string{"POS register", "Excel"},
		companies: []string{"Konbini Plus (franchise store)", "Marufuku Supermarket"}, departments: []string{"Store Operations", "Back Office"}},
}

// employmentTypes as written in a work history.
var employmentTypes = []string{"Full-time", "Full-time", "Part-time", "Contract", "Dispatch"}

// educationLevel is a level of education as the demo uses it.
type educationLevel struct {
	level          applicant.EducationLevel
	weight         int
	age            int // usual age at graduation
	gradMonth      time.Month
	japaneseSchool bool // usually studied in Japan
	backgrounds    []string
}

var educationLevels = []educationLevel{
	{applicant.EducationLevelHIGH_SCHOOL, 12, 18, time.June, false, []string{"High school diploma"}},
	{applicant.EducationLevelVOCATIONAL, 15, 21, time.March, true, []string{"Diploma in Hospitality Management", "Diploma in Nursing Care", "Diploma in Automotive Mechanics", "Diploma in Information Technology"}},
	{applicant.EducationLevelASSOCIATE, 6, 20, time.June, false, []string{"Associate degree in Business Administration", "Associate degree in Computer Technology"}},
	{applicant.EducationLevelBACHELOR, 45, 22, time.June, false, []string{"B.Eng. Computer Science", "B.A. Japanese Language and Culture", "B.Sc. Information Technology", "B.B.A. International Business", "B.Eng. Mechanical Engineering", "B.A. Economics", "B.Sc. Nursing"}},
	{applicant.EducationLevelMASTER, 15, 24, time.March, false, []string{"M.Eng. Electrical Engineering", "M.Sc. Data Science", "MBA", "M.A. Linguistics"}},
	{applicant.EducationLevelDOCTORATE, 3, 28, time.March, false, []string{"Ph.D. Materials Science", "Ph.D. Computer Science"}},
	{applicant.EducationLevelOTHER, 4, 20, time.March, true, []string{"Japanese language course certificate"}},
}

// japaneseSchools are schools in Japan (fictitious).
var japaneseSchools = []string{"Tokyo International Business College", "Osaka Nihongo Academy", "Nagoya College of Technology and Design", "Fukuoka Care Welfare College"}

var theses = []string{"Fault-tolerant scheduling in distributed systems", "Corrosion of aluminium alloys in sea water", "Politeness strategies in Japanese business email", "Demand forecasting for small retailers"}

// jlptLevel is a level of the Japanese-Language Proficiency Test.
type jlptLevel struct {
	level  string
	weight int
}

var jlptLevels = []jlptLevel{{"N1", 10}, {"N2", 25}, {"N3", 30}, {"N4", 25}, {"N5", 10}}

var qualifications = []string{"Driver's licence (Japan)", "TOEIC 850", "Care Worker Initial Training", "Specified Skills Evaluation Test (Food Service)",
	"Fundamental Information Technology Engineer Examination", "Forklift operator licence", "Business Japanese Proficiency Test J2", "AWS Certified Solutions Architect - Associate"}

var favoriteSubjects = []string{"Mathematics", "Japanese", "Chemistry", "History", "Computer science", "Economics", "Biology", "Art", "English"}

// sellingPoints take the field of work and the native language.
var sellingPoints = []string{
	"I am reliable and calm under pressure, and I have practical experience in %s. I can support customers in Japanese and %s.",
	"I learn quickly and like teamwork. My background in %s and my %s help me connect colleagues and customers.",
	"I always keep my promises and never miss a deadline. I want to deepen my %s skills in Japan and use my %s.",
}

var achievements = []string{
	"Reduced the defect rate on my line by 15% through a checklist I proposed.",
	"Translated the company's safety manual into my native language.",
	"Trained five new colleagues as a team leader.",
	"Received the branch's customer service award.",
	"Built an internal tool used by 200 staff.",
	"Had perfect attendance for three years.",
}

// Occupations of spouses: of foreign spouses in general, of Japanese
// spouses, and of the working spouses whose status a DEPENDENT holder
// depends on.
var (
	spouseOccupations         = []string{"Homemaker", "Office worker", "Factory worker", "Nurse", "Restaurant staff", "Software engineer", "Student", "Researcher"}
	japaneseSpouseOccupations = []string{"Office worker", "Civil servant", "Nurse", "Teacher", "Self-employed", "Sales representative"}
	sponsorSpouseOccupations  = []string{"Software engineer", "Researcher", "Cook", "University lecturer", "Office worker"}
)

// dwelling is a type of home and its monthly rent range in yen.
type dwelling struct {
	kind             applicant.DwellingType
	weight           int
	minRent, maxRent int
}

var dwellings = []dwelling{
	{applicant.DwellingTypeRENTED, 50, 45000, 90000},
	{applicant.DwellingTypeSHARE_HOUSE, 12, 35000, 65000},
	{applicant.DwellingTypeCOMPANY_HOUSING, 8, 10000, 30000},
	{applicant.DwellingTypeOWNED, 12, 0, 0},
	{applicant.DwellingTypeWITH_FAMILY, 12, 0, 0},
	{applicant.DwellingTypeOTHER, 6, 0, 0},
}

var desiredWorkplaces = []string{"Company with a dormitory", "Remote-friendly company", "Company that sponsors visas", "Tokyo area", "Kansai area", "Near a train station", "Workplace with other foreign staff"}

// townNames are common town names found in many Japanese cities.
var townNames = []string{"Honcho", "Sakaecho", "Chuo", "Midoricho", "Asahicho", "Saiwaicho", "Minamimachi", "Higashi", "Nishiki", "Kotobukicho", "Kasugacho", "Kitamachi"}

var buildingNames = []string{"Sunny Heights", "Maison Sakura", "Green Court", "Leo Residence", "Palace Midori", "Grand Haimu", "Villa Aoi", "Corpo Hikari"}

// city is a city, ward or town and the first three digits of its postal codes.
type city struct{ name, postal string }

// prefectureWeights favour where most foreign residents live; other
// prefectures weigh 1.
var prefectureWeights = map[string]int{
	"Tokyo": 30, "Osaka": 12, "Kanagawa": 11, "Aichi": 11, "Saitama": 9, "Chiba": 8, "Fukuoka": 6, "Hyogo": 5,
	"Shizuoka": 4, "Gunma": 3, "Ibaraki": 3, "Kyoto": 3, "Hokkaido": 3, "Hiroshima": 2,
}

// prefectureCities are real cities of the prefectures with the most
// foreign residents.
var prefectureCities = map[string][]city{
	"Tokyo":     {{"Shinjuku-ku", "169"}, {"Toshima-ku", "170"}, {"Edogawa-ku", "134"}},
	"Osaka":     {{"Osaka-shi Ikuno-ku", "544"}, {"Osaka-shi Naniwa-ku", "556"}, {"Sakai-shi", "590"}},
	"Kanagawa":  {{"Yokohama-shi Naka-ku", "231"}, {"Kawasaki-shi", "210"}, {"Sagamihara-shi", "252"}},
	"Aichi":     {{"Nagoya-shi Naka-ku", "460"}, {"Toyota-shi", "471"}, {"Toyohashi-shi", "440"}},
	"Saitama":   {{"Kawaguchi-shi", "332"}, {"Saitama-shi", "330"}, {"Warabi-shi", "335"}},
	"Chiba":     {{"Chiba-shi", "260"}, {"Funabashi-shi", "273"}, {"Matsudo-shi", "271"}},
	"Fukuoka":   {{"Fukuoka-shi Hakata-ku", "812"}, {"Kitakyushu-shi", "802"}},
	"Hyogo":     {{"Kobe-shi Chuo-ku", "650"}, {"Himeji-shi", "670"}},
	"Shizuoka":  {{"Hamamatsu-shi", "430"}, {"Shizuoka-shi", "420"}},
	"Gunma":     {{"Oizumi-machi", "370"}, {"Ota-shi", "373"}, {"Isesaki-shi", "372"}},
	"Kyoto":     {{"Kyoto-shi Sakyo-ku", "606"}, {"Uji-shi", "611"}},
	"Hokkaido":  {{"Sapporo-shi Chuo-ku", "060"}, {"Asahikawa-shi", "070"}},
	"Ibaraki":   {{"Tsukuba-shi", "305"}, {"Mito-shi", "310"}},
	"Hiroshima": {{"Hiroshima-shi Naka-ku", "730"}, {"Fukuyama-shi", "720"}},
}

// prefectureCapitals are the prefectural capitals, for prefectures
// without an entry in prefectureCities.
var prefectureCapitals = map[string]city{
	"Hokkaido": {"Sapporo-shi", "060"}, "Aomori": {"Aomori-shi", "030"}, "Iwate": {"Morioka-shi", "020"},
	"Miyagi": {"Sendai-shi", "980"}, "Akita": {"Akita-shi", "010"}, "Yamagata": {"Yamagata-shi", "990"},
	"Fukushima": {"Fukushima-shi", "960"}, "Ibaraki": {"Mito-shi", "310"}, "Tochigi": {"Utsunomiya-shi", "320"},
	"Gunma": {"Maebashi-shi", "371"}, "Saitama": {"Saitama-shi", "330"}, "Chiba": {"Chiba-shi", "260"},
	"Tokyo": {"Shinjuku-ku", "160"}, "Kanagawa": {"Yokohama-shi", "220"}, "Niigata": {"Niigata-shi", "950"},
	"Toyama": {"Toyama-shi", "930"}, "Ishikawa": {"Kanazawa-shi", "920"}, "Fukui": {"Fukui-shi", "910"},
	"Yamanashi": {"Kofu-shi", "400"}, "Nagano": {"Nagano-shi", "380"}, "Gifu": {"Gifu-shi", "500"},
	"Shizuoka": {"Shizuoka-shi", "420"}, "Aichi": {"Nagoya-shi", "450"}, "Mie": {"Tsu-shi", "514"},
	"Shiga": {"Otsu-shi", "520"}, "Kyoto": {"Kyoto-shi", "600"}, "Osaka": {"Osaka-shi", "530"},
	"Hyogo": {"Kobe-shi", "650"}, "Nara": {"Nara-shi", "630"}, "Wakayama": {"Wakayama-shi", "640"},
	"Tottori": {"Tottori-shi", "680"}, "Shimane": {"Matsue-shi", "690"}, "Okayama": {"Okayama-shi", "700"},
	"Hiroshima": {"Hiroshima-shi", "730"}, "Yamaguchi": {"Yamaguchi-shi", "753"}, "Tokushima": {"Tokushima-shi", "770"},
	"Kagawa": {"Takamatsu-shi", "760"}, "Ehime": {"Matsuyama-shi", "790"}, "Kochi": {"Kochi-shi", "780"},
	"Fukuoka": {"Fukuoka-shi", "810"}, "Saga": {"Saga-shi", "840"}, "Nagasaki": {"Nagasaki-shi", "850"},
	"Kumamoto": {"Kumamoto-shi", "860"}, "Oita": {"Oita-shi", "870"}, "Miyazaki": {"Miyazaki-shi", "880"},
	"Kagoshima": {"Kagoshima-shi", "890"}, "Okinawa": {"Naha-shi", "900"},
}

// demoEmployer is an organisation of the demo and its jobs.
type demoEmployer struct {
	externalID, name, prefecture, description string
	jobs                                      []demoJob
}

// demoJob is a job of the demo with its questions.
type demoJob struct {
	title, description, prefecture, field string
	employment                            job.EmploymentType
	salaryMin, salaryMax                  int // annual, yen; 0 when not stated
	status                                job.Status
	questions                             []demoQuestion
}

// demoQuestion is an employer's question and the answers applicants give.
type demoQuestion struct {
	text    string
	answers []string
}

// questionTexts returns the job's questions in order.
func (j *demoJob) questionTexts() []string {
	out := make([]string, len(j.questions))
	for i, q := range j.questions {
		out[i] = q.text
	}
	return out
}

// demoEmployers are the demo's organisations; the first is DemoEmployerOrg.
var demoEmployers = []demoEmployer{
	{
		externalID: DemoEmployerOrg, name: "Sakura Technologies K.K.", prefecture: "Tokyo",
		description: "A Tokyo software company building cloud services for retailers, with engineers from twelve countries.",
		jobs: []demoJob{
			{title: "Backend Engineer (Go)", prefecture: "Tokyo", field: "Software", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 5_500_000, salaryMax: 9_000_000, status: job.StatusPUBLISHED,
				description: "Design and run the APIs behind our retail platform. English is our working language; Japanese is a plus.",
				questions: []demoQuestion{
					{"Describe a system you designed or maintained.", []string{
						"I maintained an order API in Go that served about 2,000 requests per second.",
						"I designed a batch system that imports supplier price lists every night.",
						"I built the backend of a booking app with PostgreSQL and Redis."}},
					{"Which of our products interests you most, and why?", []string{
						"Your inventory service, because I worked on stock management before.",
						"The point-of-sale integration; I want to work close to stores.",
						"The analytics dashboard, because I like working with data."}},
				}},
			{title: "QA Engineer (bilingual)", prefecture: "Tokyo", field: "Software", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 4_200_000, salaryMax: 6_500_000, status: job.StatusPUBLISHED,
				description: "Plan and automate tests for our web and mobile apps, and work with our Japanese support team.",
				questions: []demoQuestion{
					{"What is your Japanese level (JLPT or equivalent)?", []string{"JLPT N1", "JLPT N2", "JLPT N3, studying for N2", "Business level, no certificate"}},
				}},
			{title: "Data Engineering Intern", prefecture: "Tokyo", field: "Software", employment: job.EmploymentTypeINTERNSHIP,
				status: job.StatusDRAFT, description: "A three-month internship building data pipelines."},
			{title: "Frontend Engineer (React)", prefecture: "Tokyo", field: "Software", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 5_000_000, salaryMax: 8_000_000, status: job.StatusCLOSED,
				description: "Build the screens our retail customers use every day.",
				questions:   []demoQuestion{{"Link to a portfolio or code sample.", nil}}},
		},
	},
	{
		externalID: "fuji-care", name: "Fuji Care Services Co., Ltd.", prefecture: "Shizuoka",
		description: "Nursing care homes and day services in Hamamatsu and Shizuoka, welcoming care workers from abroad since 2015.",
		jobs: []demoJob{
			{title: "Care Worker (Specified Skilled Worker)", prefecture: "Shizuoka", field: "Nursing care", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 2_800_000, salaryMax: 3_600_000, status: job.StatusPUBLISHED,
				description: "Support residents' daily lives in our Hamamatsu care home. Dormitory available; we support the Kaigo Fukushishi exam.",
				questions: []demoQuestion{
					{"Do you hold the Nursing Care Skills Evaluation Test certificate?", []string{"Yes", "No, I will take it next month", "No"}},
					{"Can you work night shifts?", []string{"Yes", "Yes, up to four nights a month", "No, day shifts only"}},
				}},
			{title: "Part-time Care Assistant", prefecture: "Shizuoka", field: "Nursing care", employment: job.EmploymentTypePART_TIME,
				salaryMin: 1_200_000, salaryMax: 1_800_000, status: job.StatusPUBLISHED,
				description: "Help with meals and recreation at our day service, weekdays 9:00-15:00.",
				questions: []demoQuestion{
					{"Which days of the week can you work?", []string{"Monday to Friday", "Monday, Wednesday and Friday", "Weekends only", "Tuesday and Thursday"}},
				}},
			{title: "Care Facility Team Leader", prefecture: "Shizuoka", field: "Nursing care", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 3_800_000, salaryMax: 4_800_000, status: job.StatusDRAFT,
				description: "Lead a team of eight care workers on one floor."},
			{title: "Care Worker (Shizuoka City, 2025 intake)", prefecture: "Shizuoka", field: "Nursing care", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 2_700_000, salaryMax: 3_400_000, status: job.StatusCLOSED,
				description: "Our 2025 intake of care workers for the Shizuoka City home.",
				questions:   []demoQuestion{{"When could you start?", nil}}},
		},
	},
	{
		externalID: "kansai-logistics", name: "Kansai Logistics Co., Ltd.", prefecture: "Osaka",
		description: "Warehousing and last-mile delivery across the Kansai region.",
		jobs: []demoJob{
			{title: "Warehouse Operator (forklift)", prefecture: "Osaka", field: "Logistics", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 2_900_000, salaryMax: 3_800_000, status: job.StatusPUBLISHED,
				description: "Receive, store and ship goods at our Sakai distribution centre.",
				questions: []demoQuestion{
					{"Do you have a forklift licence?", []string{"Yes, a Japanese forklift licence", "Yes, from my home country", "No, but I would like to get one"}},
				}},
			{title: "Delivery Route Planner", prefecture: "Osaka", field: "Logistics", employment: job.EmploymentTypeCONTRACT,
				salaryMin: 3_200_000, salaryMax: 4_200_000, status: job.StatusPUBLISHED,
				description: "Plan daily delivery routes and coordinate drivers; Japanese and one other language required.",
				questions: []demoQuestion{
					{"Describe your experience with logistics software.", []string{"I used a WMS daily for two years.", "I planned routes with spreadsheets.", "None yet, but I learn software quickly."}},
					{"What is your Japanese level?", []string{"JLPT N1", "JLPT N2", "JLPT N3"}},
					{"When could you start?", []string{"Immediately", "In one month", "In two months"}},
				}},
			{title: "Seasonal Sorting Staff", prefecture: "Osaka", field: "Logistics", employment: job.EmploymentTypeTEMPORARY,
				salaryMin: 1_500_000, salaryMax: 2_000_000, status: job.StatusCLOSED,
				description: "Sorting parcels during the year-end peak."},
			{title: "Logistics Systems Engineer", prefecture: "Osaka", field: "Logistics", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 4_500_000, salaryMax: 6_500_000, status: job.StatusDRAFT,
				description: "Improve our warehouse management system.",
				questions:   []demoQuestion{{"Which WMS have you worked with?", nil}}},
		},
	},
	{
		externalID: "hokkaido-foods", name: "Hokkaido Foods Co., Ltd.", prefecture: "Hokkaido",
		description: "Dairy products and prepared foods from Tokachi, shipped nationwide.",
		jobs: []demoJob{
			{title: "Food Processing Line Worker (dormitory)", prefecture: "Hokkaido", field: "Food manufacturing", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 2_600_000, salaryMax: 3_200_000, status: job.StatusPUBLISHED,
				description: "Operate a cheese and dessert line in Obihiro. Furnished dormitory at 15,000 yen a month.",
				questions: []demoQuestion{
					{"Can you live in the company dormitory in Obihiro?", []string{"Yes", "Yes, with my family if possible", "No, I will find my own home"}},
				}},
			{title: "Quality Control Staff", prefecture: "Hokkaido", field: "Food manufacturing", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 3_200_000, salaryMax: 4_000_000, status: job.StatusDRAFT,
				description: "Run hygiene checks and lab tests on our products."},
			{title: "Dairy Farm Assistant", prefecture: "Hokkaido", field: "Food manufacturing", employment: job.EmploymentTypeCONTRACT,
				salaryMin: 2_400_000, salaryMax: 2_900_000, status: job.StatusCLOSED,
				description: "Feeding and milking on our partner farm, April to October."},
		},
	},
}

// demoApplicantApplications are the demo applicant's applications: two
// live ones at DemoEmployerOrg and a withdrawn one elsewhere.
var demoApplicantApplications = []struct {
	title string
	path  []application.Status
}{
	{"Backend Engineer (Go)", []application.Status{application.StatusSCREENING, application.StatusINTERVIEW}},
	{"QA Engineer (bilingual)", nil},
	{"Delivery Route Planner", []application.Status{application.StatusWITHDRAWN}},
}

// applicationCount is how many applications an applicant makes, weighted.
type applicationCount struct{ n, weight int }

var applicationCounts = []applicationCount{{0, 20}, {1, 35}, {2, 30}, {3, 15}}

// statusTarget is where an application ends up, weighted.
type statusTarget struct {
	status application.Status
	weight int
}

var statusTargets = []statusTarget{
	{application.StatusAPPLIED, 30}, {application.StatusSCREENING, 18}, {application.StatusINTERVIEW, 14},
	{application.StatusOFFER, 5}, {application.StatusHIRED, 6}, {application.StatusREJECTED, 17}, {application.StatusWITHDRAWN, 10},
}

// reasonTemplates take years of experience, the job's field, the
// employer, the job title and the applicant's native language.
var reasonTemplates = []string{
	"I have %[1]d years of experience in %[2]s, and %[3]s is where I want to keep growing in this field.",
	"%[3]s is known for supporting foreign staff, and the %[4]s position matches what I want to do in %[2]s.",
	"I want to build a long-term career in Japan. I have worked in %[2]s for %[1]d years and can contribute quickly.",
	"The %[4]s position lets me use both my Japanese and my %[5]s, and I have %[1]d years of related experience.",
}

// requestPlan is how many privacy requests the demo holds in each status,
// besides the demo applicant's.
var requestPlan = []struct {
	status privacyrequest.Status
	count  int
}{
	{privacyrequest.StatusRECEIVED, 6},
	{privacyrequest.StatusIN_PROGRESS, 6},
	{privacyrequest.StatusCOMPLETED, 8},
	{privacyrequest.StatusREJECTED, 4},
}

// requestKind is a kind of privacy request, weighted; the first is the
// fallback for kinds that cannot be completed in the demo.
type requestKind struct {
	kind   privacyrequest.Kind
	weight int
}

var requestKinds = []requestKind{
	{privacyrequest.KindDISCLOSURE, 6}, {privacyrequest.KindCORRECTION, 5}, {privacyrequest.KindDELETION, 4},
	{privacyrequest.KindCEASE_OF_USE, 3}, {privacyrequest.KindCEASE_OF_PROVISION, 3}, {privacyrequest.KindNOTICE, 2},
	{privacyrequest.KindADDITION, 2},
}

var requestHandlers = []string{"support-1", "compliance-1"}

var rejectionReasons = []string{
	"The requester's identity could not be verified.",
	"The data is kept under a legal retention obligation (Employment Security Act records).",
	"Duplicate of an earlier request that has already been completed.",
}
