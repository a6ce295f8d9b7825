package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"consentgate/ent"
	"consentgate/ent/applicant"
	"consentgate/ent/schema/schematype"
	"consentgate/ent/schema/validate"
)

// ---------------------------------------------------------------------------
// Applicants

// seedApplicants writes applicant-0001 to applicant-0300, registered one
// after the other from the launch day.
func (s *demoSeeder) seedApplicants(ctx context.Context) error {
	builders := make([]*ent.ApplicantCreate, ApplicantCount)
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
