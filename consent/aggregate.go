package consent

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
)

// AggregatePurpose returns the purpose under which v may ask for
// statistics: ANALYTICS or ADVERTISING, whichever of the two v acts under.
// It is ErrNoAggregatePurpose when v acts under neither, under both (v must
// then declare one), or has no account: the privacy budget is spent per
// account.
func (e *Engine) AggregatePurpose(v Viewer) (Purpose, error) {
	if e == nil || e.policy == nil || v.Account == "" {
		return "", ErrNoAggregatePurpose
	}
	var found Purpose
	for _, p := range e.PurposesOf(v) {
		if p != Analytics && p != Advertising {
			continue
		}
		if found != "" {
			return "", fmt.Errorf("%w: %s and %s both apply; declare one", ErrNoAggregatePurpose, found, p)
		}
		found = p
	}
	if found == "" {
		return "", ErrNoAggregatePurpose
	}
	return found, nil
}

// Groupable reports whether statistics under purpose p may group or filter
// by d: p is an aggregate purpose (ANALYTICS or ADVERTISING) and, for a
// personal dimension, the policy's rule for d's category under p releases
// the category plain or masked with d's generalisation. It follows the
// policy, so a policy that stops releasing a category to a purpose stops
// statistics by it too. Service-data dimensions are groupable under every
// aggregate purpose; an unknown purpose or dimension is not.
func (e *Engine) Groupable(p Purpose, d Dimension) bool {
	i := d.Index()
	if e == nil || e.policy == nil || i < 0 || (p != Analytics && p != Advertising) {
		return false
	}
	src := dimensionSources[i]
	if src.category == "" {
		return true
	}
	rule, ok := e.policy.Rules[p][src.category]
	switch {
	case !ok:
		return false
	case rule.Outcome == Plain:
		return true
	case rule.Outcome == Masked:
		return src.mask != "" && rule.Mask.Name == src.mask
	}
	return false
}

// PrepareAggregate returns q as v may run it, and the purpose it runs
// under: v's aggregate purpose, every dimension q groups or filters by
// groupable under it, and the policy's k, ε and δ in place of whatever q
// held. The rows the caller then passes to Aggregate must be those of the
// subjects who consented to the purpose (Engine.Consented with recipient
// ""), and the caller must charge Epsilon to v's daily budget
// (AggregatePolicy.Allows) and to the approved operation's
// (AggregatePolicy.AllowsOperation) before running it, so that a query
// Aggregate refuses (ErrGroupTooSmall) is charged too.
func (e *Engine) PrepareAggregate(v Viewer, q AggregateQuery) (AggregateQuery, Purpose, error) {
	p, err := e.AggregatePurpose(v)
	if err != nil {
		return AggregateQuery{}, "", err
	}
	q.MinGroupSize = e.policy.MinGroupSize
	q.Epsilon = e.policy.Aggregates.Epsilon
	q.Delta = e.policy.Aggregates.Delta
	if err := q.validate(); err != nil {
		return AggregateQuery{}, "", err
	}
	for _, d := range q.GroupBy {
		if !e.Groupable(p, d) {
			return AggregateQuery{}, "", fmt.Errorf("%w: grouping by %s under %s", ErrNotGroupable, d, p)
		}
	}
	for _, d := range Dimensions {
		if _, ok := q.Filters[d]; ok && !e.Groupable(p, d) {
			return AggregateQuery{}, "", fmt.Errorf("%w: filtering on %s under %s", ErrNotGroupable, d, p)
		}
	}
	return q, p, nil
}

// MaxGroupBy is the most dimensions one statistics query may group by.
const MaxGroupBy = 3

// AggregateRow is one applicant as Aggregate counts them: their value of
// each dimension, already generalised (a prefecture name, an age band such
// as "30-34", "2026-01" for MONTH), and whether and how fast they were
// hired. An applicant with several values of a dimension (several desired
// fields) must be given one of them: each applicant counts once.
type AggregateRow struct {
	// Subject identifies the applicant. It is never released: Aggregate
	// refuses rows without one and two rows of one subject, because the
	// guarantee counts on each person changing one count by at most one.
	Subject string
	// Keys holds the applicant's value of each dimension, by
	// Dimension.Index. "" is a value like any other (unknown).
	Keys [NumDimensions]string
	// Hired is whether the applicant was hired.
	Hired bool
	// DaysToHire is how many days hiring took, for a hired applicant. It is
	// rounded to whole days and clipped to [0, MaxDaysToHire] (not a number
	// counts as 0).
	DaysToHire float64
}

// AggregateQuery is a statistics query: applicants grouped by up to
// MaxGroupBy dimensions, optionally filtered, and its privacy parameters
// (PrepareAggregate sets them from the policy).
type AggregateQuery struct {
	// GroupBy lists the dimensions to group by: one to MaxGroupBy, no
	// dimension twice.
	GroupBy []Dimension
	// Filters keeps the applicants whose value of each listed dimension is
	// one of its values (at least one value per dimension).
	Filters map[Dimension][]string
	// MinGroupSize is k: no group of fewer is ever reported (at least 2).
	MinGroupSize int
	// Epsilon is the ε the query spends (> 0).
	Epsilon float64
	// Delta is the δ of the release threshold (0 < δ < 0.5); see Threshold.
	Delta float64
	// MaxDaysToHire is the clipping bound of DaysToHire in whole days (> 0):
	// one applicant moves a sum of days by at most this much.
	MaxDaysToHire int
	// WithoutAverages leaves out the average days to hire (every
	// AverageDaysToHire nil, no noise drawn for them), for a caller that
	// releases none: its rows need no hires.
	WithoutAverages bool
}

// AggregateGroup is one reported group: its value of each GroupBy
// dimension, in GroupBy's order (nil for the remainder), its noisy count,
// and its noisy average days to hire (nil when too few were hired to say).
type AggregateGroup struct {
	Keys              []string
	Count             int
	AverageDaysToHire *float64
}

// AggregateResult is what Aggregate releases: the groups that passed the
// threshold, sorted by keys; the remainder, into which every other group is
// folded (it also absorbs the noise of the total); the total, always the
// groups' counts plus the remainder's; and the threshold the groups passed.
type AggregateResult struct {
	Groups    []AggregateGroup
	Remainder AggregateGroup
	Total     int
	Threshold int
}

// How a query's ε is split between what it releases: each gets ε divided
// by its divisor.
const (
	countDivisor = 2 // ε/2: the group counts
	totalDivisor = 4 // ε/4: the total
	hiredDivisor = 8 // ε/8: each group's hired count, the average's denominator
	daysDivisor  = 8 // ε/8: each group's clipped sum of days to hire, its numerator
)

// noiseScale returns the discrete Laplace scale that gives ε/divisor for a
// number of the given sensitivity: sensitivity·divisor/ε, exactly. ε is
// read as the shortest decimal that prints it (the policy's 0.1 is 1/10,
// not the binary fraction nearest to it), so every scale is a plain
// rational.
func noiseScale(epsilon float64, sensitivity, divisor int64) *big.Rat {
	e, ok := new(big.Rat).SetString(strconv.FormatFloat(epsilon, 'g', -1, 64))
	if !ok || e.Sign() <= 0 {
		return new(big.Rat) // validate refuses such an ε before any draw
	}
	scale := big.NewRat(sensitivity, 1)
	scale.Mul(scale, big.NewRat(divisor, 1))
	return scale.Quo(scale, e)
}

// maxThreshold caps Threshold for a vanishing ε: nothing is released.
const maxThreshold = 1 << 30

// Threshold returns the smallest noisy count a released group has:
// MinGroupSize, raised where needed so that a group holding one single
// person passes with probability at most Delta. A count is released as
// n + X with X discrete Laplace of scale 2/ε (ratio p = exp(−ε/2)), so a
// group of one passes a threshold t with probability P[X ≥ t − 1] =
// p^(t−1)/(1+p), which is at most δ for t ≥ 1 + ln(1/(δ(1+p)))·2/ε. With
// the defaults ε = 1 and δ = 10⁻⁵ that is 24. It is 0 for a query whose ε
// or δ is out of range.
func (q AggregateQuery) Threshold() int {
	if !(q.Epsilon > 0) || math.IsInf(q.Epsilon, 1) || !(q.Delta > 0 && q.Delta < 0.5) {
		return 0
	}
	e := q.Epsilon / countDivisor
	t := 1 + math.Ceil(math.Log(1/(q.Delta*(1+math.Exp(-e))))/e)
	if t > maxThreshold {
		return maxThreshold
	}
	return max(int(t), q.MinGroupSize)
}

// Dimensions returns the dimensions q groups or filters by, each once, in
// the order of Dimensions: those the cells given to AggregateCells must be
// keyed by.
func (q AggregateQuery) Dimensions() []Dimension {
	var out []Dimension
	for _, d := range Dimensions {
		if _, filtered := q.Filters[d]; filtered || slices.Contains(q.GroupBy, d) {
			out = append(out, d)
		}
	}
	return out
}

// validate checks q; its errors wrap ErrInvalidAggregate and name no value.
func (q AggregateQuery) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidAggregate}, args...)...)
	}
	switch {
	case len(q.GroupBy) == 0:
		return bad("no dimension to group by")
	case len(q.GroupBy) > MaxGroupBy:
		return bad("more than %d dimensions to group by", MaxGroupBy)
	}
	for i, d := range q.GroupBy {
		if d.Index() < 0 {
			return bad("unknown dimension to group by")
		}
		if slices.Contains(q.GroupBy[:i], d) {
			return bad("grouping by %s twice", d)
		}
	}
	for d := range q.Filters {
		if d.Index() < 0 {
			return bad("unknown dimension to filter on")
		}
	}
	for _, d := range Dimensions { // in a fixed order, so that the error is too
		if vs, ok := q.Filters[d]; ok && len(vs) == 0 {
			return bad("filter on %s without values", d)
		}
	}
	switch {
	case q.MinGroupSize < 2:
		return bad("minimum group size below 2")
	case !(q.Epsilon > 0) || math.IsInf(q.Epsilon, 1):
		return bad("epsilon must be a number greater than 0")
	case !(q.Delta > 0 && q.Delta < 0.5):
		return bad("delta must be greater than 0 and less than 0.5")
	case q.MaxDaysToHire <= 0 || q.MaxDaysToHire > maxDaysToHireBound:
		return bad("max days to hire must be from 1 to %d", maxDaysToHireBound)
	}
	return nil
}

// cell is one group's true tallies.
type cell struct {
	keys  [MaxGroupBy]string
	count int
	hired int
	days  int64 // sum of clipped whole days to hire of the hired
}

// Aggregate answers a statistics query over rows with differential privacy.
// It is deterministic given n: CryptoNoise answers viewers, SeededNoise is
// for tests.
//
// Every number is released with integer noise: the discrete Laplace
// distribution (Noise), drawn exactly, added to an integer. Below, L(t) is
// that noise of scale t.
//
// What it releases: for each group (the applicants, after Filters, sharing
// their values of the GroupBy dimensions) whose noisy count reaches
// q.Threshold(), its keys, its noisy count n + L(2/ε) and its average days
// to hire; one remainder standing for everyone else; and the total,
// total + L(4/ε). The remainder's count is the total less the reported
// counts; where that would be negative it is 0 and the total becomes the
// reported counts' sum, so Total always equals the groups plus the
// remainder. Groups are sorted by keys.
//
// How ε is split: ε/2 to the counts, ε/4 to the total, ε/4 to the average
// days to hire, of which ε/8 to each group's hired count, L(8/ε), and ε/8
// to its sum of days, an integer: each hired applicant's days rounded to
// whole days and clipped to [0, MaxDaysToHire], so one applicant moves it
// by at most MaxDaysToHire and it gets L(8·MaxDaysToHire/ε). The average is
// the noisy sum over the noisy hired count, rounded to a tenth of a day and
// clamped to [0, MaxDaysToHire]; it is nil when the noisy hired count is
// under the release threshold, a decision on noisy values only. The
// remainder's average is drawn the same way over the people of the
// suppressed groups.
// The remainder's count and the total's correction are post-processing of
// noisy values and cost no ε; groups, and the remainder, hold disjoint
// people, so their noisy tallies cost ε once, not once per group.
//
// The guarantee: for two sets of rows that differ by one applicant added or
// removed, any set of answers is at most e^ε times as likely under one as
// under the other, plus δ: (ε, δ)-differential privacy. Which groups exist
// is read from the data (a stability-based histogram), so a group holding
// only that applicant is released with probability at most δ (that is what
// Threshold ensures), and a group holding no one never is. So two queries
// whose filters differ by one person give that person's group's count only
// within the noise, and the odds on the person's attribute move by at most
// e^ε.
//
// Its limits: ε and δ are per query and add up over queries: m queries
// about the same people cost mε and mδ. An analyst who repeats a query and
// averages the answers learns the true counts in the end; the policy's
// daily budget per account (AggregatePolicy) is what stops that, so the
// caller must charge every query to it; viewers who pool their answers
// pool their budgets too, which the daily budget per approved operation,
// shared by every account (AggregatePolicy.OperationBudget), bounds for
// the answers of one operation. One person changing a value, rather than joining
// or leaving, counts as two changes: 2ε. The unit is the applicant: the
// guarantee holds only if the rows hold each applicant once (Subject is
// checked) and only applicants who consented to the purpose. The noise is
// integer and sampled with integer arithmetic (CryptoNoise), so the attacks
// on the low bits of floating-point Laplace noise find nothing to read: the
// guarantee is that of the discrete mechanism, exactly, for ε read as its
// decimal (noiseScale). The averages are divided in floating point, after
// the noise: post-processing, which costs no privacy.
//
// Small filtered groups: a query with Filters whose filters select fewer
// applicants than q.Threshold() is refused with ErrGroupTooSmall, whole and
// before any noise is drawn (the noise source is not called). A filter that
// singles out a person (their prefecture and age band, say) then yields
// no number at all, rather than a count of one that noise hides only as
// far as ε and repeated queries uncover. The refusal is decided on the
// true count, so it is not differentially private: it tells whether the
// selection holds fewer than the threshold, one bit, exactly. Two
// filters whose selections straddle the threshold and differ by one
// person tell whether that person is in the second; the caller must
// therefore charge a refused query to the budgets as it charges an
// answered one (graph charges before it reads a row), which bounds how
// many such bits an account, and everyone running one approved operation,
// can ask for in a day. An unfiltered query is never refused so: its
// selection is everyone who consented.
//
// Errors wrap ErrInvalidAggregate: an invalid query, a row without a
// subject or a subject in two rows, no noise source or noise out of range
// (beyond ±10¹⁵); or they are ErrGroupTooSmall. They name dimensions,
// never values.
func Aggregate(rows []AggregateRow, q AggregateQuery, n Noise) (AggregateResult, error) {
	if err := q.validate(); err != nil {
		return AggregateResult{}, err
	}
	subjects := make(map[string]bool, len(rows))
	cells := make([]AggregateCell, len(rows))
	for i, r := range rows {
		switch {
		case r.Subject == "":
			return AggregateResult{}, fmt.Errorf("%w: a row without a subject", ErrInvalidAggregate)
		case subjects[r.Subject]:
			return AggregateResult{}, fmt.Errorf("%w: a subject in two rows", ErrInvalidAggregate)
		}
		subjects[r.Subject] = true
		cells[i] = AggregateCell{Keys: r.Keys, Count: 1}
		if r.Hired {
			cells[i].Hired, cells[i].Days = 1, WholeDays(r.DaysToHire, q.MaxDaysToHire)
		}
	}
	return AggregateCells(cells, q, n)
}

// maxDaysToHireBound is the largest clipping bound a query may set (a
// century), so that no sum of days can overflow.
const maxDaysToHireBound = 36500

// maxNoise bounds what Aggregate accepts of a noise source: beyond it the
// source is broken (a discrete Laplace draw of a sane scale never gets
// near), and sums of counts could overflow.
const maxNoise = 1e15

// WholeDays is one applicant's days to hire as Aggregate sums them:
// rounded to whole days (halves away from zero) and bounded to [0, limit];
// not a number counts as 0.
func WholeDays(days float64, limit int) int64 {
	if !(days > 0) {
		return 0
	}
	return int64(math.Round(min(days, float64(limit))))
}
