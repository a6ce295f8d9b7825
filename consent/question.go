package consent

import (
	"fmt"
	"strings"
	"unicode"
)

// An employer's questions to applicants take effect only once compliance
// approves each one with a category (policy §5(1): "any other questions
// from employers" are provided under the category of what they ask); the
// answers are then released, and withheld, as that category. Two rules
// refuse a question whatever compliance decides:
//
//   - SPECIAL_CARE_REQUIRED: it asks for special care-required personal
//     information (APPI Art. 2(3) and Cabinet Order Art. 2: race, creed,
//     social status, medical history, criminal record, having been a
//     victim of crime, disability, and the like), which needs the
//     subject's prior consent to acquire (Art. 20(2)) and which the
//     guidelines under the Employment Security Act tell employers not to
//     collect in hiring at all;
//   - NOT_PROVIDABLE: its category is one §5(1) does not provide to
//     employers (the street address, the place of work, network data), so
//     a question cannot collect it either.

// QuestionRule names the rule that refuses a question.
type QuestionRule string

// The rules.
const (
	SpecialCareRequired QuestionRule = "SPECIAL_CARE_REQUIRED"
	NotProvidable       QuestionRule = "NOT_PROVIDABLE"
)

// QuestionRules lists the rules.
var QuestionRules = []QuestionRule{SpecialCareRequired, NotProvidable}

// Values lists the rules as strings (for ent enum fields).
func (QuestionRule) Values() []string { return stringsOf(QuestionRules) }

// QuestionRefused is the error of a question that cannot be approved: the
// rule and what it found (a special care-required matter, or a category).
// It names the rule and the matter, never the question's text.
type QuestionRefused struct {
	Rule   QuestionRule
	Detail string
}

func (e *QuestionRefused) Error() string {
	switch e.Rule {
	case SpecialCareRequired:
		return fmt.Sprintf("cannot be approved (%s): it asks for special care-required information (APPI Art. 2(3)): %s", e.Rule, e.Detail)
	case NotProvidable:
		return fmt.Sprintf("cannot be approved (%s): policy §5(1) does not provide %s to employers", e.Rule, e.Detail)
	}
	return fmt.Sprintf("cannot be approved (%s)", e.Rule)
}

// SpecialCareMatter is one kind of special care-required information and
// words that ask for it: whole English words (a word ending in "*" matches
// any word it begins), English phrases, or Japanese terms (matched
// anywhere).
type SpecialCareMatter struct {
	Name  string
	Terms []string
}

// SpecialCareMatters are the matters ScreenQuestion looks for. The screen
// helps the reviewer; it is not the review: compliance reads each question
// and refuses, as SPECIAL_CARE_REQUIRED, what asks for such a matter in
// other words.
var SpecialCareMatters = []SpecialCareMatter{
	{"having been a victim of crime", []string{"victim*", "被害"}},
	{"race", []string{"race", "races", "racial", "ethnicity", "ethnic", "人種", "民族"}},
	{"creed", []string{"religion*", "religious", "creed", "faith", "worship", "信条", "宗教", "信仰"}},
	{"social status", []string{"social status", "family origin", "caste", "buraku", "honseki", "family register", "社会的身分", "本籍", "出身地", "部落"}},
	{"medical history", []string{"illness*", "disease*", "medical", "diagnos*", "chronic", "medication*", "hospitali*", "mental health",
		"health condition*", "pregnan*", "hiv", "病歴", "病気", "持病", "既往", "通院", "妊娠"}},
	{"criminal record", []string{"criminal", "crime*", "convict*", "arrest*", "prison", "police record", "犯罪", "前科", "逮捕"}},
	{"disability", []string{"disabilit*", "disabled", "handicap*", "impairment*", "障害", "障がい"}},
	{"genetic information", []string{"genetic", "genome", "dna", "遺伝"}},
	{"union membership and political views", []string{"union member*", "labour union", "labor union", "political party", "political views",
		"party member*", "労働組合", "支持政党"}},
}

// ExcludedMatters are words that ask for a category §5(1) does not
// provide to employers, whatever category a reviewer would approve the
// question with; the matter's name is the category.
var ExcludedMatters = []SpecialCareMatter{
	{string(AddressStreet), []string{"street", "home address", "postal code", "postcode", "zip code", "番地", "郵便番号", "住所"}},
	{string(Workplace), []string{"current employer", "current company", "your employer", "employer's name", "where do you work",
		"current workplace", "your workplace", "place of work", "勤務先", "現在の会社", "現職"}},
	{string(Network), []string{"ip address", "browser", "your device", "端末"}},
}

// ScreenQuestion returns the rule a question's text breaks and the matter
// it asks for, if its words name a special care-required matter or a
// category §5(1) excludes.
func ScreenQuestion(text string) (QuestionRule, string, bool) {
	if m, ok := screen(text, SpecialCareMatters); ok {
		return SpecialCareRequired, m, true
	}
	if m, ok := screen(text, ExcludedMatters); ok {
		return NotProvidable, m, true
	}
	return "", "", false
}

// screen returns the first matter whose terms text holds.
func screen(text string, matters []SpecialCareMatter) (string, bool) {
	lower := strings.ToLower(strings.ReplaceAll(text, "’", "'"))
	words := strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	joined := " " + strings.Join(words, " ") + " "
	for _, m := range matters {
		for _, term := range m.Terms {
			switch {
			case !isASCII(term):
				if strings.Contains(lower, term) {
					return m.Name, true
				}
			case strings.HasSuffix(term, "*"):
				stem := strings.TrimSuffix(term, "*")
				for _, w := range words {
					if strings.HasPrefix(w, stem) {
						return m.Name, true
					}
				}
			case strings.Contains(joined, " "+term+" "):
				return m.Name, true
			}
		}
	}
	return "", false
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// CheckQuestion reports why a question with this text may not be approved
// with category c, or nil: the category must be known and one §5(1)
// provides to employers, and the text must ask for neither special
// care-required information nor a category §5(1) excludes (as far as
// ScreenQuestion can tell).
func CheckQuestion(text string, c Category) error {
	if c.Index() < 0 {
		return fmt.Errorf("%w: %q", ErrUnknownCategory, c)
	}
	if !c.ProvidableToEmployers() {
		return &QuestionRefused{Rule: NotProvidable, Detail: string(c)}
	}
	if rule, matter, ok := ScreenQuestion(text); ok {
		return &QuestionRefused{Rule: rule, Detail: matter}
	}
	return nil
}
