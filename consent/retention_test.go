package consent_test

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"consentgate/consent"
)

// TestLoadPolicyRetention: the retention section, each kind and each key
// are optional; what is left out takes the default; the embedded policy's
// section says what the defaults are.
func TestLoadPolicyRetention(t *testing.T) {
	def := consent.DefaultRetention()
	if !reflect.DeepEqual(consent.DefaultPolicy().Retention, def) {
		t.Fatalf("policy.yaml's retention %+v differs from the defaults %+v", consent.DefaultPolicy().Retention, def)
	}
	with := func(r consent.RetentionRule) map[consent.RetentionKind]consent.RetentionRule {
		m := consent.DefaultRetention()
		m[r.Kind] = r
		return m
	}
	accounts, records := def[consent.InactiveAccounts], def[consent.AccessRecords]
	for _, c := range []struct {
		name, section string
		want          map[consent.RetentionKind]consent.RetentionRule
	}{
		{"absent", "", def},
		{"empty", "retention: {}\n", def},
		{"a longer account period", "retention:\n  INACTIVE_ACCOUNTS: {period: 5y}\n",
			with(consent.RetentionRule{consent.InactiveAccounts, consent.Period{Years: 5}, consent.Erase, accounts.Reason})},
		{"records for exactly the statutory period in months", "retention:\n  ACCESS_RECORDS: {period: 36mo}\n",
			with(consent.RetentionRule{consent.AccessRecords, consent.Period{Months: 36}, consent.Erase, records.Reason})},
		{"records kept for good", "retention:\n  ACCESS_RECORDS: {action: KEEP_LEGAL_BASIS, reason: \"litigation hold\"}\n",
			with(consent.RetentionRule{consent.AccessRecords, consent.Period{Years: 3}, consent.KeepLegalBasis, "litigation hold"})},
		{"applications anonymised", "retention:\n  CLOSED_APPLICATIONS: {period: 1y6mo, action: ANONYMISE}\n",
			with(consent.RetentionRule{consent.ClosedApplications, consent.Period{Years: 1, Months: 6}, consent.Anonymise, def[consent.ClosedApplications].Reason})},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := consent.LoadPolicy("t.yaml", []byte(basePolicy+c.section))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(p.Retention, c.want) {
				t.Errorf("Retention = %+v, want %+v", p.Retention, c.want)
			}
		})
	}
	for _, c := range []struct{ name, section, want string }{
		{"records shorter than the statutory minimum", "retention:\n  ACCESS_RECORDS: {period: 2y}\n",
			"t.yaml:23: retention.ACCESS_RECORDS.period: records of provision are kept at least 3y (the statutory minimum, APPI Art. 30(4)); a policy file cannot shorten it, got 2y"},
		{"records a day short", "retention:\n  ACCESS_RECORDS: {period: 1095d}\n",
			"t.yaml:23: retention.ACCESS_RECORDS.period: records of provision are kept at least 3y (the statutory minimum, APPI Art. 30(4)); a policy file cannot shorten it, got 1095d"},
		{"records a month short", "retention:\n  ACCESS_RECORDS: {period: 2y11mo}\n",
			"t.yaml:23: retention.ACCESS_RECORDS.period: records of provision are kept at least 3y (the statutory minimum, APPI Art. 30(4)); a policy file cannot shorten it, got 2y11mo"},
		{"spends under a day", "retention:\n  BUDGET_SPENDS:\n    period: 0d\n",
			`t.yaml:24: retention.BUDGET_SPENDS.period: want whole years, months and days such as 3y, 6mo, 30d or 1y6mo (or account, for CONSENT_LEDGER), got "0d"`},
		{"unknown unit", "retention:\n  INACTIVE_ACCOUNTS: {period: 3w}\n",
			`t.yaml:23: retention.INACTIVE_ACCOUNTS.period: want whole years, months and days such as 3y, 6mo, 30d or 1y6mo (or account, for CONSENT_LEDGER), got "3w"`},
		{"a number without a unit", "retention:\n  INACTIVE_ACCOUNTS: {period: 3}\n",
			`t.yaml:23: retention.INACTIVE_ACCOUNTS.period: want whole years, months and days such as 3y, 6mo, 30d or 1y6mo (or account, for CONSENT_LEDGER), got "3"`},
		{"account for another kind", "retention:\n  INACTIVE_ACCOUNTS: {period: account}\n",
			"t.yaml:23: retention.INACTIVE_ACCOUNTS.period: only CONSENT_LEDGER is kept for the account's life (account); the others take years, months and days"},
		{"the ledger for years", "retention:\n  CONSENT_LEDGER: {period: 1y}\n",
			"t.yaml:23: retention.CONSENT_LEDGER.period: only CONSENT_LEDGER is kept for the account's life (account); the others take years, months and days"},
		{"an action the kind does not allow", "retention:\n  ACCESS_RECORDS: {action: ANONYMISE}\n",
			`t.yaml:23: retention.ACCESS_RECORDS.action: want one of ERASE, KEEP_LEGAL_BASIS for ACCESS_RECORDS, got "ANONYMISE"`},
		{"keeping without a basis", "retention:\n  INACTIVE_ACCOUNTS: {action: KEEP_LEGAL_BASIS}\n",
			"t.yaml:23: retention.INACTIVE_ACCOUNTS.action: KEEP_LEGAL_BASIS names its legal basis in reason"},
		{"unknown kind", "retention:\n  COOKIES: {period: 1y}\n",
			"t.yaml:23: retention.COOKIES: unknown kind of data (want INACTIVE_ACCOUNTS, CLOSED_APPLICATIONS, CONSENT_LEDGER, ACCESS_RECORDS, BUDGET_SPENDS)"},
		{"unknown key", "retention:\n  INACTIVE_ACCOUNTS: {years: 3}\n",
			"t.yaml:23: retention.INACTIVE_ACCOUNTS.years: unknown key (want period, action or reason)"},
		{"a reason of two lines", "retention:\n  INACTIVE_ACCOUNTS: {reason: \"a\\nb\"}\n",
			"t.yaml:23: retention.INACTIVE_ACCOUNTS.reason: must be one line of text, at most 500 bytes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := consent.LoadPolicy("t.yaml", []byte(basePolicy+c.section))
			if err == nil || err.Error() != c.want || !errors.Is(err, consent.ErrInvalidPolicy) {
				t.Fatalf("got %v, want %s", err, c.want)
			}
		})
	}
}

// TestPeriod: parsing, writing back and the cutoff in calendar units.
func TestPeriod(t *testing.T) {
	now := time.Date(2030, 3, 31, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in     string
		cutoff time.Time
	}{
		{"3y", time.Date(2027, 3, 31, 12, 0, 0, 0, time.UTC)},
		{"6mo", time.Date(2029, 10, 1, 12, 0, 0, 0, time.UTC)}, // September 31 normalises
		{"30d", time.Date(2030, 3, 1, 12, 0, 0, 0, time.UTC)},
		{"1y6mo15d", time.Date(2028, 9, 16, 12, 0, 0, 0, time.UTC)},
	} {
		p, err := consent.ParsePeriod(c.in)
		if err != nil {
			t.Fatal(err)
		}
		if p.String() != c.in || !p.Cutoff(now).Equal(c.cutoff) {
			t.Errorf("%s: String %s, Cutoff %v, want %v", c.in, p, p.Cutoff(now), c.cutoff)
		}
	}
	for _, bad := range []string{"", "y", "3", "-3y", "3Y", "6m", "1d1y", " 3y", "0y0mo0d"} {
		if _, err := consent.ParsePeriod(bad); err == nil {
			t.Errorf("ParsePeriod(%q) accepted", bad)
		}
	}
}

func ExampleParsePeriod() {
	p, _ := consent.ParsePeriod("1y6mo")
	fmt.Println(p, p.Shorter(consent.StatutoryRecordsPeriod))
	// Output: 1y6mo true
}
