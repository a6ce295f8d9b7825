package consent_test

import (
	"errors"
	"fmt"
	"testing"

	"consentgate/consent"
)

// TestCheckQuestion: the rules that refuse a question, whatever category a
// reviewer picks, and the categories a question may be approved with.
func TestCheckQuestion(t *testing.T) {
	for _, c := range []struct {
		text     string
		category consent.Category
		rule     consent.QuestionRule // "" when it may be approved
		detail   string
	}{
		{"What is your JLPT level?", consent.Qualifications, "", ""},
		{"Why do you want to work here?", consent.ApplicationAnswers, "", ""},
		{"Which city do you live in?", consent.AddressRegion, "", ""},
		{"What is your email address?", consent.Email, "", ""},
		{"What is your desired workplace?", consent.Preferences, "", ""},
		{"Can you work in a fast-paced environment?", consent.SelfPR, "", ""},
		{"Are you comfortable with a trace of overtime?", consent.Preferences, "", ""},
		{"Have you ever been convicted?", consent.ApplicationAnswers, consent.SpecialCareRequired, "criminal record"},
		{"Any ARRESTS in the last ten years?", consent.ApplicationAnswers, consent.SpecialCareRequired, "criminal record"},
		{"Were you ever the victim of a crime?", consent.ApplicationAnswers, consent.SpecialCareRequired, "having been a victim of crime"},
		{"Please list your medications.", consent.ApplicationAnswers, consent.SpecialCareRequired, "medical history"},
		{"Are you pregnant?", consent.ApplicationAnswers, consent.SpecialCareRequired, "medical history"},
		{"持病はありますか", consent.ApplicationAnswers, consent.SpecialCareRequired, "medical history"},
		{"Do you have any disabilities?", consent.ApplicationAnswers, consent.SpecialCareRequired, "disability"},
		{"Which religion do you practise?", consent.SelfPR, consent.SpecialCareRequired, "creed"},
		{"What is your racial background?", consent.ApplicationAnswers, consent.SpecialCareRequired, "race"},
		{"本籍地を教えてください", consent.AddressRegion, consent.SpecialCareRequired, "social status"},
		{"Are you a labour union member?", consent.ApplicationAnswers, consent.SpecialCareRequired, "union membership and political views"},
		{"What is your street and house number?", consent.AddressRegion, consent.NotProvidable, "ADDRESS_STREET"},
		{"What is your postal code?", consent.AddressRegion, consent.NotProvidable, "ADDRESS_STREET"},
		{"Who is your current employer?", consent.WorkHistory, consent.NotProvidable, "WORKPLACE"},
		{"勤務先を教えてください", consent.WorkHistory, consent.NotProvidable, "WORKPLACE"},
		{"Which browser do you use?", consent.SelfPR, consent.NotProvidable, "NETWORK"},
		{"Which team are you in?", consent.Workplace, consent.NotProvidable, "WORKPLACE"},
		{"Which team are you in?", consent.AddressStreet, consent.NotProvidable, "ADDRESS_STREET"},
	} {
		t.Run(fmt.Sprintf("%s as %s", c.text, c.category), func(t *testing.T) {
			err := consent.CheckQuestion(c.text, c.category)
			if c.rule == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var refused *consent.QuestionRefused
			if !errors.As(err, &refused) || refused.Rule != c.rule || refused.Detail != c.detail {
				t.Fatalf("got %v, want %s: %s", err, c.rule, c.detail)
			}
		})
	}
	if err := consent.CheckQuestion("Why?", "SHOE_SIZE"); !errors.Is(err, consent.ErrUnknownCategory) {
		t.Errorf("an unknown category: %v", err)
	}
}

func ExampleCheckQuestion() {
	fmt.Println(consent.CheckQuestion("What is your JLPT level?", consent.Qualifications))
	fmt.Println(consent.CheckQuestion("Have you ever been convicted of a crime?", consent.ApplicationAnswers))
	fmt.Println(consent.CheckQuestion("What is your home street address?", consent.AddressRegion))
	// Output:
	// <nil>
	// cannot be approved (SPECIAL_CARE_REQUIRED): it asks for special care-required information (APPI Art. 2(3)): criminal record
	// cannot be approved (NOT_PROVIDABLE): policy §5(1) does not provide ADDRESS_STREET to employers
}
