package demo

import (
	"context"
	"time"

	"consentgate/consent"
	"consentgate/ent"
	"consentgate/ent/job"
)

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
			SetLegalName(e.legalName).
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

// demoEmployer is an organisation of the demo and its jobs.
type demoEmployer struct {
	externalID, name, prefecture, description string
	legalName                                 string // as registered: what its records of provision name
	jobs                                      []demoJob
}

// demoJob is a job of the demo with its questions.
type demoJob struct {
	title, description, prefecture, field string
	employment                            job.EmploymentType
	salaryMin, salaryMax                  int // annual, yen; 0 when not stated
	status                                job.Status
	questions                             []demoQuestion
	// closedDaysAgo, when set, closes the published job that many days
	// before the seed, after its applications (seedEndsOfProvision).
	closedDaysAgo int
}

// demoQuestion is an employer's question, its review, and the answers
// applicants give once it is approved.
type demoQuestion struct {
	text    string
	answers []string
	// category approves it (its answers are released as it); else refused
	// names the rule it breaks; neither: pending review.
	category consent.Category
	refused  consent.QuestionRule
	note     string
	// rewords is its earlier wording: approved, answered by those who
	// applied before demoRewordDay, then retired by this rewording.
	rewords string
}

// approved reports whether compliance approved the question.
func (q demoQuestion) approved() bool { return q.category != "" }

// demoEmployers are the demo's organisations; the first is EmployerOrg.
var demoEmployers = []demoEmployer{
	{
		externalID: EmployerOrg, name: "Sakura Technologies K.K.", legalName: "株式会社サクラテクノロジーズ", prefecture: "Tokyo",
		description: "A Tokyo software company building cloud services for retailers, with engineers from twelve countries.",
		jobs: []demoJob{
			{title: "Backend Engineer (Go)", prefecture: "Tokyo", field: "Software", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 5_500_000, salaryMax: 9_000_000, status: job.StatusPUBLISHED,
				description: "Design and run the APIs behind our retail platform. English is our working language; Japanese is a plus.",
				questions: []demoQuestion{
					{text: "Describe a system you designed or maintained.", category: consent.SelfPR, answers: []string{
						"I maintained an order API in Go that served about 2,000 requests per second.",
						"I designed a batch system that imports supplier price lists every night.",
						"I built the backend of a booking app with PostgreSQL and Redis."}},
					{text: "Which of our products interests you most, and why?", category: consent.ApplicationAnswers, answers: []string{
						"Your inventory service, because I worked on stock management before.",
						"The point-of-sale integration; I want to work close to stores.",
						"The analytics dashboard, because I like working with data."}},
				}},
			{title: "QA Engineer (bilingual)", prefecture: "Tokyo", field: "Software", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 4_200_000, salaryMax: 6_500_000, status: job.StatusPUBLISHED,
				description: "Plan and automate tests for our web and mobile apps, and work with our Japanese support team.",
				questions: []demoQuestion{
					{text: "What is your Japanese level (JLPT or equivalent)?", category: consent.Qualifications, rewords: "What is your Japanese level?",
						answers: []string{"JLPT N1", "JLPT N2", "JLPT N3, studying for N2", "Business level, no certificate"}},
					{text: "What is your home street address?", refused: consent.NotProvidable, note: "ADDRESS_STREET"},
				}},
			{title: "Data Engineering Intern", prefecture: "Tokyo", field: "Software", employment: job.EmploymentTypeINTERNSHIP,
				status: job.StatusDRAFT, description: "A three-month internship building data pipelines.",
				questions: []demoQuestion{{text: "Which data tools have you used?"}}},
			{title: "Frontend Engineer (React)", prefecture: "Tokyo", field: "Software", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 5_000_000, salaryMax: 8_000_000, status: job.StatusCLOSED,
				description: "Build the screens our retail customers use every day.",
				questions:   []demoQuestion{{text: "Link to a portfolio or code sample.", category: consent.SelfPR}}},
		},
	},
	{
		externalID: "fuji-care", name: "Fuji Care Services Co., Ltd.", legalName: "富士ケアサービス株式会社", prefecture: "Shizuoka",
		description: "Nursing care homes and day services in Hamamatsu and Shizuoka, welcoming care workers from abroad since 2015.",
		jobs: []demoJob{
			{title: "Care Worker (Specified Skilled Worker)", prefecture: "Shizuoka", field: "Nursing care", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 2_800_000, salaryMax: 3_600_000, status: job.StatusPUBLISHED,
				description: "Support residents' daily lives in our Hamamatsu care home. Dormitory available; we support the Kaigo Fukushishi exam.",
				questions: []demoQuestion{
					{text: "Do you hold the Nursing Care Skills Evaluation Test certificate?", category: consent.Qualifications,
						answers: []string{"Yes", "No, I will take it next month", "No"}},
					{text: "Can you work night shifts?", category: consent.Preferences, answers: []string{"Yes", "Yes, up to four nights a month", "No, day shifts only"}},
					{text: "Do you have any chronic illness or disability we should know about?", refused: consent.SpecialCareRequired, note: "medical history"},
				}},
			{title: "Part-time Care Assistant", prefecture: "Shizuoka", field: "Nursing care", employment: job.EmploymentTypePART_TIME,
				salaryMin: 1_200_000, salaryMax: 1_800_000, status: job.StatusPUBLISHED, closedDaysAgo: 45,
				description: "Help with meals and recreation at our day service, weekdays 9:00-15:00.",
				questions: []demoQuestion{
					{text: "Which days of the week can you work?", category: consent.Preferences,
						answers: []string{"Monday to Friday", "Monday, Wednesday and Friday", "Weekends only", "Tuesday and Thursday"}},
				}},
			{title: "Care Facility Team Leader", prefecture: "Shizuoka", field: "Nursing care", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 3_800_000, salaryMax: 4_800_000, status: job.StatusDRAFT,
				description: "Lead a team of eight care workers on one floor."},
			{title: "Care Worker (Shizuoka City, 2025 intake)", prefecture: "Shizuoka", field: "Nursing care", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 2_700_000, salaryMax: 3_400_000, status: job.StatusCLOSED,
				description: "Our 2025 intake of care workers for the Shizuoka City home.",
				questions:   []demoQuestion{{text: "When could you start?", category: consent.ApplicationAnswers}}},
		},
	},
	{
		externalID: "kansai-logistics", name: "Kansai Logistics Co., Ltd.", legalName: "関西ロジスティクス株式会社", prefecture: "Osaka",
		description: "Warehousing and last-mile delivery across the Kansai region.",
		jobs: []demoJob{
			{title: "Warehouse Operator (forklift)", prefecture: "Osaka", field: "Logistics", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 2_900_000, salaryMax: 3_800_000, status: job.StatusPUBLISHED, closedDaysAgo: 10,
				description: "Receive, store and ship goods at our Sakai distribution centre.",
				questions: []demoQuestion{
					{text: "Do you have a forklift licence?", category: consent.Qualifications,
						answers: []string{"Yes, a Japanese forklift licence", "Yes, from my home country", "No, but I would like to get one"}},
				}},
			{title: "Delivery Route Planner", prefecture: "Osaka", field: "Logistics", employment: job.EmploymentTypeCONTRACT,
				salaryMin: 3_200_000, salaryMax: 4_200_000, status: job.StatusPUBLISHED,
				description: "Plan daily delivery routes and coordinate drivers; Japanese and one other language required.",
				questions: []demoQuestion{
					{text: "Describe your experience with logistics software.", category: consent.SelfPR,
						answers: []string{"I used a WMS daily for two years.", "I planned routes with spreadsheets.", "None yet, but I learn software quickly."}},
					{text: "What is your Japanese level?", category: consent.Qualifications, answers: []string{"JLPT N1", "JLPT N2", "JLPT N3"}},
					{text: "When could you start?", category: consent.ApplicationAnswers, answers: []string{"Immediately", "In one month", "In two months"}},
					{text: "What is the name of your current employer?", refused: consent.NotProvidable, note: "WORKPLACE"},
					{text: "Have you ever been convicted of a crime?", refused: consent.SpecialCareRequired, note: "criminal record"},
				}},
			{title: "Seasonal Sorting Staff", prefecture: "Osaka", field: "Logistics", employment: job.EmploymentTypeTEMPORARY,
				salaryMin: 1_500_000, salaryMax: 2_000_000, status: job.StatusCLOSED,
				description: "Sorting parcels during the year-end peak."},
			{title: "Logistics Systems Engineer", prefecture: "Osaka", field: "Logistics", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 4_500_000, salaryMax: 6_500_000, status: job.StatusDRAFT,
				description: "Improve our warehouse management system.",
				questions:   []demoQuestion{{text: "Which WMS have you worked with?"}}},
		},
	},
	{
		externalID: "hokkaido-foods", name: "Hokkaido Foods Co., Ltd.", legalName: "北海道フーズ株式会社", prefecture: "Hokkaido",
		description: "Dairy products and prepared foods from Tokachi, shipped nationwide.",
		jobs: []demoJob{
			{title: "Food Processing Line Worker (dormitory)", prefecture: "Hokkaido", field: "Food manufacturing", employment: job.EmploymentTypeFULL_TIME,
				salaryMin: 2_600_000, salaryMax: 3_200_000, status: job.StatusPUBLISHED,
				description: "Operate a cheese and dessert line in Obihiro. Furnished dormitory at 15,000 yen a month.",
				questions: []demoQuestion{
					{text: "Can you live in the company dormitory in Obihiro?", category: consent.Preferences,
						answers: []string{"Yes", "Yes, with my family if possible", "No, I will find my own home"}},
					{text: "Do you have a driver's licence?"},
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
