package consent

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"
)

// RetentionKind is a kind of data the policy's retention section keeps for
// a period (Policy.Retention). The sweeper (package retention) acts on each
// at the end of its period; this package only holds the rules, as data.
type RetentionKind string

// The kinds of data kept for a period.
const (
	// InactiveAccounts: an applicant's account and everything of theirs,
	// once the account has had no activity for the period. Activity is
	// the latest of: the profile's update time, an application's creation
	// or change, a consent ledger entry, a privacy request's filing or
	// change. Reads are not activity (no sign-in and no self-access is
	// recorded). The end is the erasure of a DELETION request.
	InactiveAccounts RetentionKind = "INACTIVE_ACCOUNTS"
	// ClosedApplications: an application, the period after it reached a
	// final state (WITHDRAWN, REJECTED, HIRED).
	ClosedApplications RetentionKind = "CLOSED_APPLICATIONS"
	// ConsentLedger: the consent ledger, kept while the account lives
	// (period "account"); at its end (the account's erasure) it is kept
	// detached from any personal value, as the evidence of the consents
	// the records of provision rest on.
	ConsentLedger RetentionKind = "CONSENT_LEDGER"
	// AccessRecords: the access records, which are also the records of
	// provision to third parties; never shorter than
	// StatutoryRecordsPeriod.
	AccessRecords RetentionKind = "ACCESS_RECORDS"
	// BudgetSpends: the statistics queries' spends of privacy budget (a
	// staff account, a time and an ε; no subject's data). At least a day:
	// the budget is a rolling 24 hours.
	BudgetSpends RetentionKind = "BUDGET_SPENDS"
)

// RetentionKinds lists every kind, in the order the sweeper runs them (an
// account's erasure before its applications' period).
var RetentionKinds = []RetentionKind{InactiveAccounts, ClosedApplications, ConsentLedger, AccessRecords, BudgetSpends}

// Values lists every retention kind, for ent's enum.
func (RetentionKind) Values() []string { return stringsOf(RetentionKinds) }

// RetentionAction is what happens to data at the end of its period.
type RetentionAction string

// Retention actions.
const (
	// Erase removes the data (an account: the erasure of a DELETION).
	Erase RetentionAction = "ERASE"
	// Anonymise keeps the row without its personal values.
	Anonymise RetentionAction = "ANONYMISE"
	// KeepLegalBasis keeps the data past the period under the legal basis
	// the rule names (its basis): nothing is swept.
	KeepLegalBasis RetentionAction = "KEEP_LEGAL_BASIS"
)

// retentionActions are the actions each kind allows.
var retentionActions = map[RetentionKind][]RetentionAction{
	InactiveAccounts:   {Erase, KeepLegalBasis},
	ClosedApplications: {Erase, Anonymise, KeepLegalBasis},
	ConsentLedger:      {Anonymise, KeepLegalBasis},
	AccessRecords:      {Erase, KeepLegalBasis},
	BudgetSpends:       {Erase, KeepLegalBasis},
}

// StatutoryRecordsPeriod is the shortest period the access records (the
// records of provision to third parties) may be kept: three years (Act on
// the Protection of Personal Information, Art. 29(2) and 30(4); its
// Enforcement Rules, Art. 14 and 18). A policy file cannot shorten it. The
// records a provision under a legal basis makes are exempt from keeping,
// but the records are one hash chain cut only from its oldest end, so
// every record keeps the one period.
var StatutoryRecordsPeriod = Period{Years: 3}

// minBudgetSpendsPeriod is the shortest period of the budget spends: the
// daily budget counts the last 24 hours' spends.
var minBudgetSpendsPeriod = Period{Days: 1}

// Period is a retention period in calendar units: years, months and days
// ("3y", "6mo", "30d"), or, with WhileAccount, as long as the account
// lives ("account").
type Period struct {
	Years, Months, Days int
	WhileAccount        bool
}

// Cutoff returns the moment data must predate, at now, to have outlived
// the period: now less the period, in calendar units (UTC).
func (p Period) Cutoff(now time.Time) time.Time {
	return now.UTC().AddDate(-p.Years, -p.Months, -p.Days)
}

// Shorter reports whether p ends before q for data stamped at any time
// (compared on a fixed calendar date, so that a month counts as at least
// 28 days and at most 31).
func (p Period) Shorter(q Period) bool {
	ref := time.Date(2000, 3, 1, 0, 0, 0, 0, time.UTC)
	return p.Cutoff(ref).After(q.Cutoff(ref))
}

// String writes the period as the policy file does: "3y", "6mo", "30d", a
// sum such as "1y6mo", or "account".
func (p Period) String() string {
	if p.WhileAccount {
		return "account"
	}
	var b strings.Builder
	for _, u := range []struct {
		n    int
		unit string
	}{{p.Years, "y"}, {p.Months, "mo"}, {p.Days, "d"}} {
		if u.n > 0 {
			b.WriteString(strconv.Itoa(u.n) + u.unit)
		}
	}
	return b.String()
}

var periodSyntax = regexp.MustCompile(`^(?:(\d{1,3})y)?(?:(\d{1,4})mo)?(?:(\d{1,5})d)?$`)

// ParsePeriod reads a period: whole numbers of years (y), months (mo) and
// days (d), in that order, at least one of them and more than nothing
// ("3y", "6mo", "30d", "1y6mo"), or "account".
func ParsePeriod(s string) (Period, error) {
	if s == "account" {
		return Period{WhileAccount: true}, nil
	}
	m := periodSyntax.FindStringSubmatch(s)
	if m == nil || s == "" {
		return Period{}, fmt.Errorf("want whole years, months and days such as 3y, 6mo, 30d or 1y6mo, or account, got %q", s)
	}
	n := func(v string) int { i, _ := strconv.Atoi(v); return i }
	p := Period{Years: n(m[1]), Months: n(m[2]), Days: n(m[3])}
	if p == (Period{}) {
		return Period{}, fmt.Errorf("a period must be longer than nothing, got %q", s)
	}
	return p, nil
}

// RetentionRule is how long one kind of data is kept and what happens at
// the end of that time, and why (Reason, shown in the data map).
type RetentionRule struct {
	Kind   RetentionKind
	Period Period
	Action RetentionAction
	// Reason is the legal reason for the period (or, for KEEP_LEGAL_BASIS,
	// the legal basis it is kept under): one line of text.
	Reason string
}

// DefaultRetention returns the retention of the default policy, which a
// policy file's retention section overrides kind by kind.
func DefaultRetention() map[RetentionKind]RetentionRule {
	return map[RetentionKind]RetentionRule{
		InactiveAccounts: {InactiveAccounts, Period{Years: 3}, Erase,
			"APPI Art. 22: personal data is erased once no longer needed; an account unused for three years no longer serves the purposes of §4"},
		ClosedApplications: {ClosedApplications, Period{Months: 6}, Erase,
			"APPI Art. 22: an application is needed to answer questions about its outcome, for six months after it ends"},
		ConsentLedger: {ConsentLedger, Period{WhileAccount: true}, Anonymise,
			"APPI Art. 27 and 30: the consents the records of provision rest on are kept, with no personal value, after the account is erased"},
		AccessRecords: {AccessRecords, Period{Years: 3}, Erase,
			"APPI Art. 29(2) and 30(4), Enforcement Rules Art. 14 and 18: records of provision are kept three years"},
		BudgetSpends: {BudgetSpends, Period{Days: 30}, Erase,
			"needed for the rolling 24-hour privacy budget; thirty days for review of statistics use"},
	}
}

// retention parses the optional retention section: per kind, a mapping of
// period, action and reason (each optional: what is left out keeps the
// default, DefaultRetention). The access records' period may not be
// shorter than StatutoryRecordsPeriod.
func (l *loader) retention(p *Policy, e entry) {
	if e.val.Kind != yaml.MappingNode {
		l.add(e.line, e.path, "must be a mapping of kinds ("+joinNames(RetentionKinds)+") to {period, action, reason}")
		return
	}
	ents, _ := l.entries(e.val, e.path)
	for _, ke := range ents {
		k := RetentionKind(ke.key)
		if !slices.Contains(RetentionKinds, k) {
			l.add(ke.line, ke.path, "unknown kind of data (want "+joinNames(RetentionKinds)+")")
			continue
		}
		if ke.val.Kind != yaml.MappingNode {
			l.add(ke.line, ke.path, "must be a mapping of period, action and reason, got "+describe(ke.val))
			continue
		}
		r := p.Retention[k]
		var periodAt, actionAt *entry
		reasonGiven := false
		fields, _ := l.entries(ke.val, ke.path)
		for i := range fields {
			f := &fields[i]
			s, isStr := str(f.val)
			switch f.key {
			case "period":
				pe, err := ParsePeriod(s)
				switch {
				case !isStr || err != nil:
					l.add(f.line, f.path, "want whole years, months and days such as 3y, 6mo, 30d or 1y6mo (or account, for CONSENT_LEDGER), got "+describe(f.val))
				case pe.WhileAccount != (k == ConsentLedger):
					l.add(f.line, f.path, "only CONSENT_LEDGER is kept for the account's life (account); the others take years, months and days")
				default:
					r.Period, periodAt = pe, f
				}
			case "action":
				a := RetentionAction(s)
				if !isStr || !slices.Contains(retentionActions[k], a) {
					l.add(f.line, f.path, fmt.Sprintf("want one of %s for %s, got %s", joinNames(retentionActions[k]), k, describe(f.val)))
				} else {
					r.Action, actionAt = a, f
				}
			case "reason":
				if !isStr || strings.TrimSpace(s) == "" || strings.ContainsFunc(s, func(c rune) bool { return c < ' ' }) || len(s) > 500 {
					l.add(f.line, f.path, "must be one line of text, at most 500 bytes")
				} else {
					r.Reason, reasonGiven = s, true
				}
			default:
				l.add(f.line, f.path, "unknown key (want period, action or reason)")
			}
		}
		if actionAt != nil && r.Action == KeepLegalBasis && !reasonGiven {
			l.add(actionAt.line, actionAt.path, "KEEP_LEGAL_BASIS names its legal basis in reason")
		}
		switch {
		case periodAt == nil:
		case k == AccessRecords && r.Period.Shorter(StatutoryRecordsPeriod):
			l.add(periodAt.line, periodAt.path, fmt.Sprintf("records of provision are kept at least %s (the statutory minimum, APPI Art. 30(4)); a policy file cannot shorten it, got %s", StatutoryRecordsPeriod, r.Period))
		case k == BudgetSpends && r.Period.Shorter(minBudgetSpendsPeriod):
			l.add(periodAt.line, periodAt.path, "budget spends are kept at least 1d (the daily budget counts the last 24 hours)")
		}
		p.Retention[k] = r
	}
}
