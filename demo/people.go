package demo

import (
	"time"

	"consentgate/ent/applicant"
)

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
