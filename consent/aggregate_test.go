package consent_test

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"consentgate/consent"
)

// zeroNoise adds nothing: with it Aggregate's counts are the true ones.
type zeroNoise struct{}

func (zeroNoise) DiscreteLaplace(*big.Rat) int64 { return 0 }

// constNoise always draws the same value.
type constNoise int64

func (c constNoise) DiscreteLaplace(*big.Rat) int64 { return int64(c) }

// row returns an applicant with the given dimension values.
func row(subject string, values map[consent.Dimension]string) consent.AggregateRow {
	r := consent.AggregateRow{Subject: subject}
	for d, v := range values {
		r.Keys[d.Index()] = v
	}
	return r
}

// people returns n applicants of one prefecture (and sex), subjects
// prefix0, prefix1, ...
func people(prefix string, n int, pref, sex string) []consent.AggregateRow {
	out := make([]consent.AggregateRow, n)
	for i := range out {
		out[i] = row(prefix+strconv.Itoa(i), map[consent.Dimension]string{consent.ByPrefecture: pref, consent.BySex: sex})
	}
	return out
}

// hire marks rows[i] hired after days[i] days.
func hire(rows []consent.AggregateRow, days ...float64) []consent.AggregateRow {
	for i, d := range days {
		rows[i].Hired, rows[i].DaysToHire = true, d
	}
	return rows
}

func TestDimensions(t *testing.T) {
	if len(consent.Dimensions) != consent.NumDimensions || consent.NumDimensions != 9 {
		t.Fatalf("%d dimensions", len(consent.Dimensions))
	}
	want := []struct {
		d    consent.Dimension
		cat  consent.Category
		mask consent.MaskName
	}{
		{consent.ByPrefecture, consent.AddressRegion, consent.MaskPrefecture},
		{consent.ByAgeBand, consent.BirthDate, consent.MaskAgeBand},
		{consent.BySex, consent.Sex, ""},
		{consent.ByVisaStatus, consent.Visa, ""},
		{consent.ByEducationLevel, consent.Education, ""},
		{consent.ByOccupation, consent.Occupation, ""},
		{consent.ByDesiredField, consent.Preferences, ""},
		{consent.ByApplicationStatus, "", ""},
		{consent.ByMonth, "", ""},
	}
	for i, w := range want {
		d := consent.Dimensions[i]
		if d != w.d || d.Index() != i || d.Category() != w.cat || d.Generalisation() != w.mask {
			t.Errorf("dimension %d: %s index %d category %q mask %q; want %+v", i, d, d.Index(), d.Category(), d.Generalisation(), w)
		}
		if got, err := consent.ParseDimension(string(d)); err != nil || got != d {
			t.Errorf("ParseDimension(%s) = %v, %v", d, got, err)
		}
	}
	if got := consent.Dimension("").Values(); !slices.Equal(got, []string{
		"PREFECTURE", "AGE_BAND", "SEX", "VISA_STATUS", "EDUCATION_LEVEL", "OCCUPATION",
		"DESIRED_FIELD", "APPLICATION_STATUS", "MONTH",
	}) {
		t.Errorf("Values() = %v", got)
	}
	for _, s := range []string{"", "prefecture", "NAME", "SHOE_SIZE"} {
		if _, err := consent.ParseDimension(s); !errors.Is(err, consent.ErrUnknownDimension) {
			t.Errorf("ParseDimension(%q) err = %v", s, err)
		}
		if d := consent.Dimension(s); d.Index() != -1 || d.Category() != "" || d.Generalisation() != "" {
			t.Errorf("unknown dimension %q has a place", s)
		}
	}
}

func TestAgeBand(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	for _, c := range []struct {
		name      string
		birth, at time.Time
		want      string
		ok        bool
	}{
		{"thirty-four the day before the birthday", day(1991, 7, 10), day(2026, 7, 9), "30-34", true},
		{"thirty-five on the birthday", day(1991, 7, 10), day(2026, 7, 10), "35-39", true},
		{"born today", day(2026, 1, 1), day(2026, 1, 1), "0-4", true},
		{"leap day, not yet", day(2004, 2, 29), day(2025, 2, 28), "20-24", true},
		{"born later", day(2026, 1, 2), day(2026, 1, 1), "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got, ok := consent.AgeBand(c.birth, c.at); got != c.want || ok != c.ok {
				t.Errorf("AgeBand = %q, %v; want %q, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

// TestGroupable: what statistics may group by follows the policy's rules,
// never a list per purpose.
func TestGroupable(t *testing.T) {
	def := consent.NewEngine(consent.DefaultPolicy())
	for _, d := range consent.Dimensions {
		if !def.Groupable(consent.Analytics, d) {
			t.Errorf("default policy: ANALYTICS cannot group by %s", d)
		}
		wantAd := !slices.Contains([]consent.Dimension{consent.ByVisaStatus, consent.ByEducationLevel, consent.ByOccupation}, d)
		if got := def.Groupable(consent.Advertising, d); got != wantAd {
			t.Errorf("default policy: ADVERTISING groups by %s = %v, want %v", d, got, wantAd)
		}
		for _, p := range []consent.Purpose{consent.EmployerProvision, consent.Service, consent.MailMagazine, "SPYING"} {
			if def.Groupable(p, d) {
				t.Errorf("%s, not an aggregate purpose, groups by %s", p, d)
			}
		}
	}
	if def.Groupable(consent.Analytics, "SHOE_SIZE") {
		t.Error("an unknown dimension is groupable")
	}
	var nilEngine *consent.Engine
	if nilEngine.Groupable(consent.Analytics, consent.ByMonth) {
		t.Error("a nil engine groups")
	}

	masked := func(n consent.MaskName) consent.Rule { return consent.Rule{Outcome: consent.Masked, Mask: mask(n)} }
	for _, c := range []struct {
		name string
		cat  consent.Category
		rule *consent.Rule // nil: the category is not listed
		dim  consent.Dimension
		want bool
	}{
		{"SEX not listed", consent.Sex, nil, consent.BySex, false},
		{"SEX hidden", consent.Sex, &consent.Rule{Outcome: consent.Hidden}, consent.BySex, false},
		{"SEX nullified", consent.Sex, ptr(masked(consent.MaskNullify)), consent.BySex, false},
		{"BIRTH_DATE plain", consent.BirthDate, &consent.Rule{Outcome: consent.Plain}, consent.ByAgeBand, true},
		{"BIRTH_DATE to its year", consent.BirthDate, ptr(masked(consent.MaskYear)), consent.ByAgeBand, false},
		{"BIRTH_DATE to its age band", consent.BirthDate, ptr(masked(consent.MaskAgeBand)), consent.ByAgeBand, true},
		{"ADDRESS_REGION plain", consent.AddressRegion, &consent.Rule{Outcome: consent.Plain}, consent.ByPrefecture, true},
		{"ADDRESS_REGION hashed", consent.AddressRegion, ptr(masked(consent.MaskHash)), consent.ByPrefecture, false},
		{"PREFERENCES cut", consent.Preferences, ptr(consent.Rule{Outcome: consent.Masked, Mask: consent.Mask{Name: consent.MaskFirstN, N: 3}}), consent.ByDesiredField, false},
		{"service data whatever the rules", consent.Sex, nil, consent.ByApplicationStatus, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := consent.DefaultPolicy()
			delete(p.Rules[consent.Analytics], c.cat)
			if c.rule != nil {
				p.Rules[consent.Analytics][c.cat] = *c.rule
			}
			if got := consent.NewEngine(p).Groupable(consent.Analytics, c.dim); got != c.want {
				t.Errorf("Groupable(ANALYTICS, %s) = %v, want %v", c.dim, got, c.want)
			}
		})
	}
}

func TestAggregatePurpose(t *testing.T) {
	e := consent.NewEngine(consent.DefaultPolicy())
	both := consent.DefaultPolicy()
	both.RolePurposes[consent.Marketing] = []consent.Purpose{consent.Advertising, consent.Analytics}
	for _, c := range []struct {
		name   string
		engine *consent.Engine
		viewer consent.Viewer
		want   consent.Purpose // "" for ErrNoAggregatePurpose
	}{
		{"analyst", e, consent.Viewer{Account: "a", Role: consent.Analyst}, consent.Analytics},
		{"analyst declaring ANALYTICS", e, consent.Viewer{Account: "a", Role: consent.Analyst, Purpose: consent.Analytics}, consent.Analytics},
		{"marketing", e, consent.Viewer{Account: "m", Role: consent.Marketing}, consent.Advertising},
		{"marketing declaring MAIL_MAGAZINE", e, consent.Viewer{Account: "m", Role: consent.Marketing, Purpose: consent.MailMagazine}, ""},
		{"marketing declaring ANALYTICS", e, consent.Viewer{Account: "m", Role: consent.Marketing, Purpose: consent.Analytics}, ""},
		{"analyst without account", e, consent.Viewer{Role: consent.Analyst}, ""},
		{"employer", e, consent.Viewer{Account: "r", Role: consent.Employer, Org: "acme"}, ""},
		{"support", e, consent.Viewer{Account: "s", Role: consent.Support}, ""},
		{"applicant", e, consent.Viewer{Account: "x", Role: consent.Applicant}, ""},
		{"anonymous", e, consent.AnonymousViewer, ""},
		{"both purposes undeclared", consent.NewEngine(both), consent.Viewer{Account: "m", Role: consent.Marketing}, ""},
		{"both purposes, one declared", consent.NewEngine(both), consent.Viewer{Account: "m", Role: consent.Marketing, Purpose: consent.Analytics}, consent.Analytics},
		{"nil engine", nil, consent.Viewer{Account: "a", Role: consent.Analyst}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.engine.AggregatePurpose(c.viewer)
			if c.want == "" {
				if got != "" || !errors.Is(err, consent.ErrNoAggregatePurpose) {
					t.Fatalf("got %q, %v; want ErrNoAggregatePurpose", got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %s", got, err, c.want)
			}
		})
	}
}

func TestPrepareAggregate(t *testing.T) {
	e := consent.NewEngine(consent.DefaultPolicy())
	analyst := consent.Viewer{Account: "a", Role: consent.Analyst}
	marketing := consent.Viewer{Account: "m", Role: consent.Marketing}
	asked := consent.AggregateQuery{
		GroupBy:       []consent.Dimension{consent.ByVisaStatus, consent.ByMonth},
		Filters:       map[consent.Dimension][]string{consent.ByOccupation: {"ENGINEER"}},
		MinGroupSize:  2,   // the policy's k stands instead
		Epsilon:       100, // the policy's ε stands instead
		Delta:         0.4,
		MaxDaysToHire: 180,
	}
	q, p, err := e.PrepareAggregate(analyst, asked)
	if err != nil || p != consent.Analytics {
		t.Fatalf("analyst: %q, %v", p, err)
	}
	want := asked
	want.MinGroupSize, want.Epsilon, want.Delta = 10, consent.DefaultAggregateEpsilon, consent.DefaultAggregateDelta
	if !reflect.DeepEqual(q, want) {
		t.Errorf("got %+v, want %+v", q, want)
	}
	if q.Threshold() != 24 { // 1 + ln(1/(10⁻⁵·(1 + e^−½)))·2/1 = 23.08
		t.Errorf("default threshold %d, want 24", q.Threshold())
	}

	for _, c := range []struct {
		name   string
		viewer consent.Viewer
		q      consent.AggregateQuery
		want   error
		msg    string
	}{
		{"advertising groups by visa", marketing, consent.AggregateQuery{GroupBy: []consent.Dimension{consent.ByVisaStatus}, MaxDaysToHire: 1},
			consent.ErrNotGroupable, "dimension not released to the purpose: grouping by VISA_STATUS under ADVERTISING"},
		{"advertising filters on visa", marketing, consent.AggregateQuery{GroupBy: []consent.Dimension{consent.BySex}, Filters: map[consent.Dimension][]string{consent.ByVisaStatus: {"STUDENT"}}, MaxDaysToHire: 1},
			consent.ErrNotGroupable, "dimension not released to the purpose: filtering on VISA_STATUS under ADVERTISING"},
		{"support", consent.Viewer{Account: "s", Role: consent.Support}, consent.AggregateQuery{GroupBy: []consent.Dimension{consent.ByMonth}, MaxDaysToHire: 1},
			consent.ErrNoAggregatePurpose, "no aggregate purpose"},
		{"invalid query", analyst, consent.AggregateQuery{MaxDaysToHire: 1},
			consent.ErrInvalidAggregate, "invalid aggregate query: no dimension to group by"},
	} {
		t.Run(c.name, func(t *testing.T) {
			q, p, err := e.PrepareAggregate(c.viewer, c.q)
			if !errors.Is(err, c.want) || err.Error() != c.msg || p != "" || q.GroupBy != nil {
				t.Fatalf("got %+v, %q, %v; want %s", q, p, err, c.msg)
			}
		})
	}
	if _, p, err := e.PrepareAggregate(marketing, consent.AggregateQuery{GroupBy: []consent.Dimension{consent.ByAgeBand, consent.ByPrefecture}, MaxDaysToHire: 1}); err != nil || p != consent.Advertising {
		t.Errorf("advertising by age band and prefecture: %q, %v", p, err)
	}
}

func TestThreshold(t *testing.T) {
	for _, c := range []struct {
		k              int
		epsilon, delta float64
		want           int
	}{
		{10, 0.5, 1e-6, 54}, // 1 + ln(1/(10⁻⁶·(1 + e^−¼)))/¼ = 53.96
		{10, 0.5, 1e-3, 27}, // 1 + ln(1/(10⁻³·(1 + e^−¼)))/¼ = 26.33
		{10, 8, 1e-6, 10},   // 1 + ln(1/(10⁻⁶·(1 + e^−4)))/4 = 4.45: k stands
		{60, 0.5, 1e-6, 60},
		{10, 0.5, 0.4, 10},
		{10, 1e-300, 1e-6, 1 << 30},
		{10, 0, 1e-6, 0},
		{10, 0.5, 0, 0},
		{10, 0.5, 0.5, 0},
		{10, math.Inf(1), 1e-6, 0},
	} {
		q := consent.AggregateQuery{MinGroupSize: c.k, Epsilon: c.epsilon, Delta: c.delta}
		if got := q.Threshold(); got != c.want {
			t.Errorf("Threshold(k=%d, ε=%g, δ=%g) = %d, want %d", c.k, c.epsilon, c.delta, got, c.want)
		}
	}
}

// byPrefecture is a query with a threshold of exactly k = 10 (ε large
// enough that δ does not raise it).
var byPrefecture = consent.AggregateQuery{
	GroupBy: []consent.Dimension{consent.ByPrefecture}, MinGroupSize: 10, Epsilon: 8, Delta: 1e-6, MaxDaysToHire: 100,
}

// TestAggregateExact: without noise the counts are the true ones, groups
// under k are folded into the remainder, which holds exactly their people.
func TestAggregateExact(t *testing.T) {
	rows := slices.Concat(
		hire(people("t", 30, "Tokyo", "F"), 10, 20, 30, 40, 50, 60, 70, 80, 1000, -5, math.NaN()), // clipped: 100, 0, 0
		hire(people("o", 10, "Osaka", "M"), 5, 5, 5),
		hire(people("k", 9, "Kyoto", "F"), 1, 2, 3, 4, 5, 6, 7, 8, 9),
		hire(people("n", 1, "Nara", "M"), 50),
		people("u", 2, "", "F"),
	)
	q2 := byPrefecture
	q2.GroupBy = []consent.Dimension{consent.BySex, consent.ByPrefecture}
	for _, c := range []struct {
		name string
		q    consent.AggregateQuery
		want consent.AggregateResult
	}{
		{"by prefecture", byPrefecture, consent.AggregateResult{
			Groups: []consent.AggregateGroup{
				{Keys: []string{"Osaka"}, Count: 10},
				// 11 hired: (10+20+…+80 + 100 + 0 + 0) / 11 = 460 / 11
				{Keys: []string{"Tokyo"}, Count: 30, AverageDaysToHire: ptr(41.8)},
			},
			// Kyoto 9, Nara 1, unknown 2; 10 hired: (45 + 50) / 10
			Remainder: consent.AggregateGroup{Count: 12, AverageDaysToHire: ptr(9.5)},
			Total:     52,
			Threshold: 10,
		}},
		{"by sex and prefecture", q2, consent.AggregateResult{
			Groups: []consent.AggregateGroup{
				{Keys: []string{"F", "Tokyo"}, Count: 30, AverageDaysToHire: ptr(41.8)},
				{Keys: []string{"M", "Osaka"}, Count: 10},
			},
			Remainder: consent.AggregateGroup{Count: 12, AverageDaysToHire: ptr(9.5)},
			Total:     52,
			Threshold: 10,
		}},
		{"nothing reaches k", func() consent.AggregateQuery { q := byPrefecture; q.MinGroupSize = 31; return q }(), consent.AggregateResult{
			Groups:    []consent.AggregateGroup{},
			Remainder: consent.AggregateGroup{Count: 52}, // 24 hired, under k: no average
			Total:     52,
			Threshold: 31,
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := consent.Aggregate(rows, c.q, zeroNoise{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %s\nwant %s", show(got), show(c.want))
			}
		})
	}
	t.Run("no rows", func(t *testing.T) {
		got, err := consent.Aggregate(nil, byPrefecture, zeroNoise{})
		want := consent.AggregateResult{Groups: []consent.AggregateGroup{}, Threshold: 10}
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("got %s, %v", show(got), err)
		}
	})
}

// TestAggregateTotals: when the noisy total falls short of the reported
// counts' sum, the remainder is 0 and the total is that sum; otherwise the
// remainder takes the difference. Constant noise c moves each count and the
// total by c, so the counts' sum moves by 2c.
func TestAggregateTotals(t *testing.T) {
	rows := slices.Concat(people("t", 30, "Tokyo", "F"), people("o", 20, "Osaka", "F"))
	for _, c := range []struct {
		name             string
		noise            float64
		total, remainder int
	}{
		{"total above the counts", -3, 47, 3}, // counts 17 + 27 = 44
		{"total below the counts", 3, 56, 0},  // counts 23 + 33 = 56 > 53
		{"exact", 0, 50, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := consent.Aggregate(rows, byPrefecture, constNoise(c.noise))
			if err != nil {
				t.Fatal(err)
			}
			n := int(c.noise)
			want := consent.AggregateResult{
				Groups:    []consent.AggregateGroup{{Keys: []string{"Osaka"}, Count: 20 + n}, {Keys: []string{"Tokyo"}, Count: 30 + n}},
				Remainder: consent.AggregateGroup{Count: c.remainder},
				Total:     c.total,
				Threshold: 10,
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %s\nwant %s", show(got), show(want))
			}
		})
	}
}

func show(r consent.AggregateResult) string {
	var b strings.Builder
	avg := func(p *float64) string {
		if p == nil {
			return "-"
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "%q:%d/%s ", g.Keys, g.Count, avg(g.AverageDaysToHire))
	}
	fmt.Fprintf(&b, "rest:%d/%s total:%d threshold:%d", r.Remainder.Count, avg(r.Remainder.AverageDaysToHire), r.Total, r.Threshold)
	return b.String()
}

func TestAggregateFilters(t *testing.T) {
	rows := slices.Concat(
		people("tf", 12, "Tokyo", "F"), people("tm", 11, "Tokyo", "M"),
		people("of", 15, "Osaka", "F"), people("om", 3, "Osaka", "M"),
		people("kf", 40, "Kyoto", "F"),
	)
	q := byPrefecture
	q.Filters = map[consent.Dimension][]string{consent.BySex: {"F"}, consent.ByPrefecture: {"Tokyo", "Osaka", "Hokkaido"}}
	got, err := consent.Aggregate(rows, q, zeroNoise{})
	if err != nil {
		t.Fatal(err)
	}
	want := consent.AggregateResult{
		Groups:    []consent.AggregateGroup{{Keys: []string{"Osaka"}, Count: 15}, {Keys: []string{"Tokyo"}, Count: 12}},
		Total:     27,
		Threshold: 10,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %s\nwant %s", show(got), show(want))
	}
	// Filters that select fewer than the threshold are refused whole, and
	// before any noise is drawn: none and three (the threshold is 10).
	for _, f := range []map[consent.Dimension][]string{
		{consent.ByMonth: {"2026-01"}},
		{consent.ByPrefecture: {"Osaka"}, consent.BySex: {"M"}},
		{consent.ByPrefecture: {"Osaka", "Nara"}, consent.BySex: {"M"}},
	} {
		q.Filters = f
		n := &countingNoise{}
		got, err := consent.Aggregate(rows, q, n)
		if !errors.Is(err, consent.ErrGroupTooSmall) || !reflect.DeepEqual(got, consent.AggregateResult{}) || n.draws != 0 {
			t.Errorf("filters %v: %s, %v after %d draws", f, show(got), err, n.draws)
		}
	}
	// Fourteen pass, and so does the unfiltered query, whatever its size.
	q.Filters = map[consent.Dimension][]string{consent.ByPrefecture: {"Osaka", "Tokyo", "Nara"}, consent.BySex: {"M"}}
	if got, err := consent.Aggregate(rows, q, zeroNoise{}); err != nil || got.Total != 14 {
		t.Errorf("fourteen selected: %s, %v", show(got), err)
	}
	q.Filters = nil
	if got, err := consent.Aggregate(people("a", 3, "Nara", "F"), q, zeroNoise{}); err != nil || got.Total != 3 || len(got.Groups) != 0 {
		t.Errorf("three unfiltered: %s, %v", show(got), err)
	}
}

// countingNoise is silent and counts its draws.
type countingNoise struct{ draws int }

func (n *countingNoise) DiscreteLaplace(*big.Rat) int64 { n.draws++; return 0 }

// TestAggregateDeterministic: the answer depends on the rows, not on their
// order, given the noise.
func TestAggregateDeterministic(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	rows := randomRows(r, 300)
	q := consent.AggregateQuery{GroupBy: []consent.Dimension{consent.BySex, consent.ByAgeBand}, MinGroupSize: 5, Epsilon: 1, Delta: 0.01, MaxDaysToHire: 200}
	want, err := consent.Aggregate(rows, q, consent.NewSeededNoise(1))
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Groups) == 0 {
		t.Fatal("nothing released: the test shows nothing")
	}
	for range 5 {
		r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		got, err := consent.Aggregate(rows, q, consent.NewSeededNoise(1))
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("shuffled rows: %s, %v\nwant %s", show(got), err, show(want))
		}
	}
}

func TestAggregateInvalid(t *testing.T) {
	const secret = "SECRET-VALUE"
	valid := byPrefecture
	valid.Filters = map[consent.Dimension][]string{consent.BySex: {secret}}
	rows := []consent.AggregateRow{row("SECRET-SUBJECT", map[consent.Dimension]string{consent.ByPrefecture: secret})}
	with := func(f func(q *consent.AggregateQuery)) consent.AggregateQuery {
		q := valid
		q.Filters = map[consent.Dimension][]string{consent.BySex: {secret}}
		f(&q)
		return q
	}
	for _, c := range []struct {
		name  string
		q     consent.AggregateQuery
		rows  []consent.AggregateRow
		noise consent.Noise
		msg   string
	}{
		{"no group by", with(func(q *consent.AggregateQuery) { q.GroupBy = nil }), rows, zeroNoise{}, "no dimension to group by"},
		{"four dimensions", with(func(q *consent.AggregateQuery) {
			q.GroupBy = []consent.Dimension{consent.BySex, consent.ByMonth, consent.ByAgeBand, consent.ByPrefecture}
		}), rows, zeroNoise{}, "more than 3 dimensions to group by"},
		{"unknown dimension", with(func(q *consent.AggregateQuery) { q.GroupBy = []consent.Dimension{secret} }), rows, zeroNoise{}, "unknown dimension to group by"},
		{"a dimension twice", with(func(q *consent.AggregateQuery) {
			q.GroupBy = []consent.Dimension{consent.BySex, consent.ByMonth, consent.BySex}
		}), rows, zeroNoise{}, "grouping by SEX twice"},
		{"filter on an unknown dimension", with(func(q *consent.AggregateQuery) { q.Filters[secret] = []string{"x"} }), rows, zeroNoise{}, "unknown dimension to filter on"},
		{"filter without values", with(func(q *consent.AggregateQuery) { q.Filters[consent.ByMonth] = nil }), rows, zeroNoise{}, "filter on MONTH without values"},
		{"k of 1", with(func(q *consent.AggregateQuery) { q.MinGroupSize = 1 }), rows, zeroNoise{}, "minimum group size below 2"},
		{"epsilon 0", with(func(q *consent.AggregateQuery) { q.Epsilon = 0 }), rows, zeroNoise{}, "epsilon must be a number greater than 0"},
		{"epsilon NaN", with(func(q *consent.AggregateQuery) { q.Epsilon = math.NaN() }), rows, zeroNoise{}, "epsilon must be a number greater than 0"},
		{"epsilon infinite", with(func(q *consent.AggregateQuery) { q.Epsilon = math.Inf(1) }), rows, zeroNoise{}, "epsilon must be a number greater than 0"},
		{"delta 0", with(func(q *consent.AggregateQuery) { q.Delta = 0 }), rows, zeroNoise{}, "delta must be greater than 0 and less than 0.5"},
		{"delta 0.5", with(func(q *consent.AggregateQuery) { q.Delta = 0.5 }), rows, zeroNoise{}, "delta must be greater than 0 and less than 0.5"},
		{"no clip bound", with(func(q *consent.AggregateQuery) { q.MaxDaysToHire = 0 }), rows, zeroNoise{}, "max days to hire must be from 1 to 36500"},
		{"clip bound beyond a century", with(func(q *consent.AggregateQuery) { q.MaxDaysToHire = 36501 }), rows, zeroNoise{}, "max days to hire must be from 1 to 36500"},
		{"no noise", valid, rows, nil, "no noise source"},
		{"huge noise", valid, people("p", 20, secret, secret), constNoise(math.MaxInt64), "the noise source returned a value out of range"},
		{"huge negative noise", valid, people("p", 20, secret, secret), constNoise(-1e16), "the noise source returned a value out of range"},
		{"row without subject", valid, append(slices.Clone(rows), row("", nil)), zeroNoise{}, "a row without a subject"},
		{"subject twice", valid, append(slices.Clone(rows), rows[0]), zeroNoise{}, "a subject in two rows"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := consent.Aggregate(c.rows, c.q, c.noise)
			if !errors.Is(err, consent.ErrInvalidAggregate) || !reflect.DeepEqual(got, consent.AggregateResult{}) {
				t.Fatalf("got %+v, %v; want an ErrInvalidAggregate", got, err)
			}
			if want := "invalid aggregate query: " + c.msg; err.Error() != want {
				t.Errorf("err = %q, want %q", err, want)
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("the error shows a value: %v", err)
			}
		})
	}
}

// domains are the values randomRows draws from; skewed, so that some
// groups are large and many are small.
var domains = [consent.NumDimensions][]string{
	{"Tokyo", "Osaka", "Aichi", "Fukuoka", "Hokkaido", "Okinawa", "Tottori"},
	{"20-24", "25-29", "30-34", "35-39", "40-44", "60-64"},
	{"F", "M", ""},
	{"ENGINEER", "STUDENT", "SPECIFIED_SKILLED", "PERMANENT"},
	{"HIGH_SCHOOL", "BACHELOR", "MASTER", "DOCTOR"},
	{"IT", "CARE", "CONSTRUCTION", "RETAIL", "FARMING"},
	{"IT", "CARE", "HOSPITALITY"},
	{"APPLIED", "INTERVIEW", "OFFER", "HIRED", "REJECTED"},
	{"2025-11", "2025-12", "2026-01"},
}

func randomRows(r *rand.Rand, n int) []consent.AggregateRow {
	rows := make([]consent.AggregateRow, n)
	for i := range rows {
		rows[i].Subject = "s" + strconv.Itoa(i)
		for d, vs := range domains {
			rows[i].Keys[d] = vs[r.IntN(r.IntN(len(vs))+1)] // earlier values likelier
		}
		if r.IntN(3) == 0 {
			rows[i].Hired, rows[i].DaysToHire = true, r.Float64()*400-20
		}
	}
	return rows
}

func randomQuery(r *rand.Rand) consent.AggregateQuery {
	dims := slices.Clone(consent.Dimensions)
	r.Shuffle(len(dims), func(i, j int) { dims[i], dims[j] = dims[j], dims[i] })
	q := consent.AggregateQuery{
		GroupBy:       dims[:1+r.IntN(consent.MaxGroupBy)],
		MinGroupSize:  2 + r.IntN(14),
		Epsilon:       []float64{0.1, 0.5, 1, 4, 20}[r.IntN(5)],
		Delta:         []float64{1e-9, 1e-6, 0.01, 0.3}[r.IntN(4)],
		MaxDaysToHire: 30 + r.IntN(336),
	}
	if r.IntN(2) == 0 {
		d := dims[r.IntN(len(dims))]
		vs := domains[d.Index()]
		q.Filters = map[consent.Dimension][]string{d: vs[:1+r.IntN(len(vs))]}
	}
	return q
}

// checkInvariants checks what every answer must hold: every group reaches
// the threshold (so k), keys come only from rows the query selects, groups
// are sorted, the total is the groups plus the remainder.
func checkInvariants(t *testing.T, rows []consent.AggregateRow, q consent.AggregateQuery, res consent.AggregateResult) {
	t.Helper()
	if res.Threshold != q.Threshold() || res.Threshold < q.MinGroupSize {
		t.Fatalf("threshold %d, query's %d, k %d", res.Threshold, q.Threshold(), q.MinGroupSize)
	}
	present := map[string]bool{}
selected:
	for _, r := range rows {
		for d, vs := range q.Filters {
			if !slices.Contains(vs, r.Keys[d.Index()]) {
				continue selected
			}
		}
		var k []string
		for _, d := range q.GroupBy {
			k = append(k, r.Keys[d.Index()])
		}
		present[strings.Join(k, "\x00")] = true
	}
	sum := 0
	for i, g := range res.Groups {
		if g.Count < res.Threshold || g.Count < q.MinGroupSize {
			t.Fatalf("group %q of %d reported, under threshold %d (k %d)", g.Keys, g.Count, res.Threshold, q.MinGroupSize)
		}
		if len(g.Keys) != len(q.GroupBy) || !present[strings.Join(g.Keys, "\x00")] {
			t.Fatalf("group %q is not in the selected rows", g.Keys)
		}
		if i > 0 && slices.Compare(res.Groups[i-1].Keys, g.Keys) >= 0 {
			t.Fatalf("groups out of order: %q then %q", res.Groups[i-1].Keys, g.Keys)
		}
		checkAverage(t, g, q)
		sum += g.Count
	}
	if res.Remainder.Keys != nil || res.Remainder.Count < 0 || res.Total != sum+res.Remainder.Count {
		t.Fatalf("groups %d + remainder %d (keys %q) != total %d", sum, res.Remainder.Count, res.Remainder.Keys, res.Total)
	}
	checkAverage(t, res.Remainder, q)
}

func checkAverage(t *testing.T, g consent.AggregateGroup, q consent.AggregateQuery) {
	t.Helper()
	if a := g.AverageDaysToHire; a != nil && !(*a >= 0 && *a <= float64(q.MaxDaysToHire)) {
		t.Fatalf("group %q: average %v outside [0, %v]", g.Keys, *a, q.MaxDaysToHire)
	}
}

// TestAggregateInvariants: over many random datasets and queries, the
// invariants hold, and they are not vacuous (groups are released, and
// suppressed).
func TestAggregateInvariants(t *testing.T) {
	var released, folded, refused int
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 1))
		rows := randomRows(r, r.IntN(400))
		q := randomQuery(r)
		res, err := consent.Aggregate(rows, q, consent.NewSeededNoise(seed))
		if errors.Is(err, consent.ErrGroupTooSmall) {
			checkTooSmall(t, rows, q)
			refused++
			continue
		}
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		checkInvariants(t, rows, q, res)
		released += len(res.Groups)
		if res.Remainder.Count > 0 {
			folded++
		}
	}
	if released < 300 || folded < 100 || refused < 10 {
		t.Errorf("%d groups released, %d remainders, %d refused: the datasets test too little", released, folded, refused)
	}
}

// TestAggregateCells: AggregateCells over the rows tallied into cells, keyed
// by the query's dimensions (and split further by other dimensions, in any
// order, with empty cells among them) answers what Aggregate answers over
// the rows, with the same noise; cells that cannot be are refused.
func TestAggregateCells(t *testing.T) {
	for seed := range uint64(300) {
		r := rand.New(rand.NewPCG(seed, 2))
		rows := randomRows(r, r.IntN(400))
		q := randomQuery(r)
		q.MaxDaysToHire = 365
		want, wantErr := consent.Aggregate(rows, q, consent.NewSeededNoise(seed))

		keyed := q.Dimensions()
		if extra := consent.Dimensions[r.IntN(consent.NumDimensions)]; r.IntN(2) == 0 && !slices.Contains(keyed, extra) {
			keyed = append(keyed, extra)
		}
		byKey := map[[consent.NumDimensions]string]*consent.AggregateCell{}
		for _, row := range rows {
			var k [consent.NumDimensions]string
			for _, d := range keyed {
				k[d.Index()] = row.Keys[d.Index()]
			}
			c := byKey[k]
			if c == nil {
				c = &consent.AggregateCell{Keys: k}
				byKey[k] = c
			}
			c.Count++
			if row.Hired {
				c.Hired++
				c.Days += consent.WholeDays(row.DaysToHire, q.MaxDaysToHire)
			}
		}
		cells := []consent.AggregateCell{{Keys: [consent.NumDimensions]string{"nobody", "nobody"}}}
		for _, c := range byKey {
			cells = append(cells, *c)
		}
		r.Shuffle(len(cells), func(i, j int) { cells[i], cells[j] = cells[j], cells[i] })
		got, err := consent.AggregateCells(cells, q, consent.NewSeededNoise(seed))
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: cells answer %s (%v), rows %s (%v)", seed, show(got), err, show(want), wantErr)
		}
	}
	q := consent.AggregateQuery{GroupBy: []consent.Dimension{consent.BySex}, MinGroupSize: 2, Epsilon: 1, Delta: 1e-5, MaxDaysToHire: 10}
	for _, c := range []consent.AggregateCell{
		{Count: -1}, {Count: 1, Hired: 2}, {Count: 2, Hired: 1, Days: 11}, {Count: 2, Hired: 1, Days: -1}, {Count: 1, Hired: -1},
	} {
		if _, err := consent.AggregateCells([]consent.AggregateCell{c}, q, zeroNoise{}); !errors.Is(err, consent.ErrInvalidAggregate) {
			t.Errorf("cell %+v: %v, want ErrInvalidAggregate", c, err)
		}
	}
}

// TestAggregateWithoutAverages: a query without averages releases the same
// groups, counts and total as with them, no average, and draws no noise for
// averages.
func TestAggregateWithoutAverages(t *testing.T) {
	for seed := range uint64(100) {
		r := rand.New(rand.NewPCG(seed, 3))
		rows := randomRows(r, 50+r.IntN(400))
		q := randomQuery(r)
		q.Filters = nil
		with := &countingNoise{}
		want, err := consent.Aggregate(rows, q, with)
		if err != nil {
			t.Fatal(err)
		}
		q.WithoutAverages = true
		without := &countingNoise{}
		got, err := consent.Aggregate(rows, q, without)
		if err != nil {
			t.Fatal(err)
		}
		if got.Remainder.AverageDaysToHire != nil || without.draws != with.draws-2*(len(want.Groups)+1) {
			t.Fatalf("seed %d: average %v, %d draws, with averages %d draws for %d groups", seed, got.Remainder.AverageDaysToHire, without.draws, with.draws, len(want.Groups))
		}
		for i := range want.Groups {
			if got.Groups[i].AverageDaysToHire != nil {
				t.Fatalf("seed %d: group %q has an average", seed, got.Groups[i].Keys)
			}
			want.Groups[i].AverageDaysToHire = nil
		}
		want.Remainder.AverageDaysToHire = nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: %s without averages, %s with", seed, show(got), show(want))
		}
	}
}

// checkTooSmall checks a refusal: the query filters, and its filters
// select fewer rows than its threshold.
func checkTooSmall(t *testing.T, rows []consent.AggregateRow, q consent.AggregateQuery) {
	t.Helper()
	n := 0
selected:
	for _, r := range rows {
		for d, vs := range q.Filters {
			if !slices.Contains(vs, r.Keys[d.Index()]) {
				continue selected
			}
		}
		n++
	}
	if len(q.Filters) == 0 || n >= q.Threshold() {
		t.Fatalf("refused as too small: %d selected by %d filters, threshold %d", n, len(q.Filters), q.Threshold())
	}
}

// releases runs the query n times on rows and returns how often each
// released count of group key came out (-1: not released) and each total.
func releases(rows []consent.AggregateRow, q consent.AggregateQuery, key string, n int, seed uint64) (counts, totals map[int]int) {
	counts, totals = map[int]int{}, map[int]int{}
	noise := consent.NewSeededNoise(seed)
	for range n {
		res, err := consent.Aggregate(rows, q, noise)
		if err != nil {
			panic(err)
		}
		c := -1
		for _, g := range res.Groups {
			if g.Keys[0] == key {
				c = g.Count
			}
		}
		counts[c]++
		totals[res.Total]++
	}
	return counts, totals
}

// checkRatio checks the differential-privacy inequality on two empirical
// distributions over integers: for every single value, and every lower and
// upper tail, with at least minMass runs on both sides, the two frequencies a and
// b are within e^ε of each other, give or take sampling error: the log of
// a/b is off by about sqrt(1/a + 1/b), and z of those are allowed. It
// returns how many comparisons it made and the largest ratio seen over its
// bound's e^ε part.
func checkRatio(t *testing.T, what string, p, q map[int]int, epsilon float64, minMass int, z float64) (n int, worst float64) {
	t.Helper()
	var values []int
	for v := range p {
		values = append(values, v)
	}
	for v := range q {
		if _, ok := p[v]; !ok {
			values = append(values, v)
		}
	}
	slices.Sort(values)
	check := func(name string, a, b int) {
		if a < minMass || b < minMass {
			return
		}
		n++
		r := max(float64(a)/float64(b), float64(b)/float64(a))
		worst = max(worst, r/math.Exp(epsilon))
		if bound := math.Exp(epsilon + z*math.Sqrt(1/float64(a)+1/float64(b))); r > bound {
			t.Errorf("%s, %s: frequencies %d and %d, ratio %.3f beyond %.3f (e^ε = %.3f)", what, name, a, b, r, bound, math.Exp(epsilon))
		}
	}
	var totalP, totalQ, lowP, lowQ int
	for _, v := range values {
		totalP, totalQ = totalP+p[v], totalQ+q[v]
	}
	for _, v := range values {
		check(fmt.Sprintf("value %d", v), p[v], q[v])
		check(fmt.Sprintf("at least %d", v), totalP-lowP, totalQ-lowQ)
		lowP, lowQ = lowP+p[v], lowQ+q[v]
		check(fmt.Sprintf("at most %d", v), lowP, lowQ)
	}
	return n, worst
}

// meanAbsError is the mean of |v − truth| over a distribution.
func meanAbsError(dist map[int]int, truth int) float64 {
	var sum, n float64
	for v, c := range dist {
		sum += math.Abs(float64(v-truth)) * float64(c)
		n += float64(c)
	}
	return sum / n
}

// TestAggregateDifferentialPrivacy: the answers on two datasets that differ
// by one person are alike within the e^ε bound, statistically, and a group
// of one person is (almost) never released. The runs are seeded, so the
// test is repeatable; TestAggregateNoiseScales checks the calibration
// exactly.
func TestAggregateDifferentialPrivacy(t *testing.T) {
	const (
		runs    = 4000
		minMass = 200 // runs on each side for a frequency to be compared
		z       = 4   // standard errors of sampling allowed
	)
	def := consent.DefaultPolicy()
	policyQuery := consent.AggregateQuery{
		GroupBy: []consent.Dimension{consent.ByPrefecture}, MinGroupSize: def.MinGroupSize,
		Epsilon: def.Aggregates.Epsilon, Delta: def.Aggregates.Delta, MaxDaysToHire: 365,
	}
	epsCounts, epsTotal := policyQuery.Epsilon/2, policyQuery.Epsilon/4
	// background: a large group, and many small ones that always fold into
	// the remainder (so the total is never corrected upwards).
	background := people("osaka", 30, "Osaka", "F")
	for i := range 20 {
		background = append(background, people(fmt.Sprintf("p%d-", i), 1+i%3, fmt.Sprintf("P%02d", i), "M")...)
	}

	for _, c := range []struct {
		name  string
		size  int     // the group the person joins, before they do
		delta float64 // the query's δ; 0 for the policy's
	}{
		{"a group of 60 under the default policy", 60, 0},
		{"a group of 20 under a threshold of k", 20, 0.4},
	} {
		t.Run(c.name, func(t *testing.T) {
			q := policyQuery
			if c.delta != 0 {
				q.Delta = c.delta
			}
			d := slices.Concat(background, people("tokyo", c.size, "Tokyo", "F"))
			d1 := append(slices.Clone(d), row("the-one", map[consent.Dimension]string{consent.ByPrefecture: "Tokyo"}))
			countsD, totalsD := releases(d, q, "Tokyo", runs, 1)
			countsD1, totalsD1 := releases(d1, q, "Tokyo", runs, 2)
			n, worst := checkRatio(t, "Tokyo's count", countsD, countsD1, epsCounts, minMass, z)
			t.Logf("Tokyo's count: %d comparisons, worst ratio e^ε·%.3f; not released in %d and %d runs", n, worst, countsD[-1], countsD1[-1])
			if n < 10 {
				t.Errorf("only %d comparisons of Tokyo's count", n)
			}
			n, worst = checkRatio(t, "the total", totalsD, totalsD1, epsTotal, minMass, z)
			t.Logf("the total: %d comparisons, worst ratio e^ε·%.3f", n, worst)
			if n < 10 {
				t.Errorf("only %d comparisons of the total", n)
			}
			// The total's noise is as large as the guarantee needs: its mean
			// |noise| is the discrete Laplace's, 2p/(1−p²) with p = e^−ε
			// (sampling error about 2%).
			p := math.Exp(-epsTotal)
			if got, want := meanAbsError(totalsD, len(d)), 2*p/(1-p*p); math.Abs(got-want) > 0.1*want {
				t.Errorf("total: mean |noise| %.2f, want %.2f", got, want)
			}
		})
	}

	// A person alone in their group: the attacker asks whether the group
	// exists. Under the default policy it is released with probability
	// at most δ (10⁻⁵); the threshold k alone releases it as often as its
	// formula says (e^(−(k−1)·ε/2)/(1 + e^(−ε/2)), 0.7% at ε = 1).
	for _, c := range []struct {
		name     string
		delta    float64
		maxShare float64 // the most runs, as a share, that may release the group
	}{
		{"under the default policy", 0, 0.001},
		{"under a threshold of k = 10", 0.4, oneReleased(10, epsCounts) + 0.015},
	} {
		t.Run("a group of one "+c.name, func(t *testing.T) {
			q := policyQuery
			if c.delta != 0 {
				q.Delta = c.delta
			}
			d1 := append(slices.Clone(background), row("the-one", map[consent.Dimension]string{consent.ByPrefecture: "Tottori"}))
			countsD, _ := releases(background, q, "Tottori", runs/40, 3)
			countsD1, _ := releases(d1, q, "Tottori", runs, 4)
			if countsD[-1] != runs/40 {
				t.Fatalf("a group of nobody released: %v", countsD)
			}
			share := 1 - float64(countsD1[-1])/runs
			if share > c.maxShare {
				t.Errorf("a group of one released in %.2f%% of runs, want at most %.2f%%", 100*share, 100*c.maxShare)
			}
			t.Logf("threshold %d: a group of one released in %d of %d runs", q.Threshold(), runs-countsD1[-1], runs)
			if want := oneReleased(q.Threshold(), epsCounts); c.delta != 0 && math.Abs(share-want) > 0.015 {
				t.Errorf("a group of one released in %.2f%% of runs; the formula says %.2f%%", 100*share, 100*want)
			}
		})
	}
}

// oneReleased is the probability that a group of one reaches threshold t
// under discrete Laplace noise of ratio e^−ε: P[X ≥ t − 1] = p^(t−1)/(1+p).
func oneReleased(t int, epsilon float64) float64 {
	p := math.Exp(-epsilon)
	return math.Pow(p, float64(t-1)) / (1 + p)
}

// scaleRecorder is zero noise that records the scales asked of it.
type scaleRecorder struct{ scales []string }

func (s *scaleRecorder) DiscreteLaplace(t *big.Rat) int64 {
	s.scales = append(s.scales, t.RatString())
	return 0
}

// TestAggregateNoiseScales: each released number gets the noise its share
// of ε and its sensitivity call for, as an exact rational: counts 1/(ε/2),
// the total 1/(ε/4), the hired counts 1/(ε/8), the sums of days
// MaxDaysToHire/(ε/8); in a fixed order: the counts in key order, the
// total, then per released group and the remainder, hired count and sum.
// ε is read as the decimal it prints as: 0.3 is 3/10.
func TestAggregateNoiseScales(t *testing.T) {
	rows := slices.Concat(people("t", 30, "Tokyo", "F"), people("o", 20, "Osaka", "F"), people("k", 3, "Kyoto", "F"))
	for _, c := range []struct {
		epsilon float64
		want    []string // Kyoto, Osaka, Tokyo; total; Osaka, Tokyo, remainder
	}{
		{0.5, []string{"4", "4", "4", "8", "16", "3200", "16", "3200", "16", "3200"}},
		{0.3, []string{"20/3", "20/3", "20/3", "40/3", "80/3", "16000/3", "80/3", "16000/3", "80/3", "16000/3"}},
	} {
		q := byPrefecture
		q.Epsilon, q.Delta, q.MaxDaysToHire = c.epsilon, 0.4, 200 // threshold k = 10
		rec := &scaleRecorder{}
		if _, err := consent.Aggregate(rows, q, rec); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(rec.scales, c.want) {
			t.Errorf("ε = %v: scales %v, want %v", c.epsilon, rec.scales, c.want)
		}
	}
}

// FuzzAggregate: whatever the rows and the query, Aggregate does not panic,
// every error is an ErrInvalidAggregate or a refusal of filters that select
// fewer than the threshold, and every answer holds the invariants.
func FuzzAggregate(f *testing.F) {
	f.Add([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbbbbbbbbbbcd"), uint64(1), uint16(1), uint8(2), 0.5, 1e-6, 365, false)
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, uint64(2), uint16(0x107), uint8(3), 8.0, 0.3, 30, true)
	f.Add(make([]byte, 200), uint64(3), uint16(0x1ff), uint8(10), 1.0, 0.01, 100, true)
	f.Add([]byte("x"), uint64(4), uint16(0), uint8(0), -1.0, 0.0, 0, false)
	f.Add([]byte("yy"), uint64(5), uint16(2), uint8(2), math.Inf(1), math.NaN(), 1<<40, false)
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, dims uint16, k uint8, epsilon, delta float64, maxDays int, filter bool) {
		if len(data) > 4096 {
			return
		}
		// Two bytes per row: b0 picks prefecture, age band and sex; b1
		// hired, days and month. Row i is subject "s"+i; a byte 0xff
		// pair repeats the previous subject.
		var rows []consent.AggregateRow
		for i := 0; i+1 < len(data); i += 2 {
			b0, b1 := data[i], data[i+1]
			var r consent.AggregateRow
			r.Subject = "s" + strconv.Itoa(i)
			if b0 == 0xff && b1 == 0xff && len(rows) > 0 {
				r.Subject = rows[len(rows)-1].Subject
			}
			r.Keys[consent.ByPrefecture.Index()] = domains[0][int(b0)%3]
			r.Keys[consent.ByAgeBand.Index()] = domains[1][int(b0/3)%2]
			r.Keys[consent.BySex.Index()] = domains[2][int(b0/6)%3]
			r.Keys[consent.ByMonth.Index()] = domains[8][int(b1/4)%3]
			r.Hired, r.DaysToHire = b1&1 == 1, float64(b1)*2-20
			rows = append(rows, r)
		}
		var q consent.AggregateQuery
		for i, d := range consent.Dimensions {
			if dims&(1<<i) != 0 {
				q.GroupBy = append(q.GroupBy, d)
			}
		}
		q.MinGroupSize, q.Epsilon, q.Delta, q.MaxDaysToHire = int(k), epsilon, delta, maxDays
		if filter {
			q.Filters = map[consent.Dimension][]string{consent.ByPrefecture: {"Tokyo", "Osaka"}}
		}
		res, err := consent.Aggregate(rows, q, consent.NewSeededNoise(seed))
		if errors.Is(err, consent.ErrGroupTooSmall) {
			checkTooSmall(t, rows, q)
			return
		}
		if err != nil {
			if !errors.Is(err, consent.ErrInvalidAggregate) {
				t.Fatalf("error not an ErrInvalidAggregate: %v", err)
			}
			return
		}
		checkInvariants(t, rows, q, res)
	})
}

// ExampleAggregate: applicants by prefecture. Tokyo's 120 and Osaka's 70
// come out with noise; Kyoto's three and Nara's one are under the threshold
// (54 with ε = 0.5, δ = 10⁻⁶) and fold into the remainder, which also takes
// up the total's noise. (Seeded noise makes the output repeatable; viewers
// get CryptoNoise.)
func ExampleAggregate() {
	rows := slices.Concat(
		people("t", 120, "Tokyo", "F"), people("o", 70, "Osaka", "M"),
		people("k", 3, "Kyoto", "F"), people("n", 1, "Nara", "M"),
	)
	q := consent.AggregateQuery{
		GroupBy:      []consent.Dimension{consent.ByPrefecture},
		MinGroupSize: 10, Epsilon: 0.5, Delta: 1e-6, MaxDaysToHire: 365,
	}
	res, err := consent.Aggregate(rows, q, consent.NewSeededNoise(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range res.Groups {
		fmt.Println(g.Keys[0], g.Count)
	}
	fmt.Println("other", res.Remainder.Count)
	fmt.Println("total", res.Total, "threshold", res.Threshold)
	// Output:
	// Osaka 71
	// Tokyo 114
	// other 9
	// total 194 threshold 54
}
