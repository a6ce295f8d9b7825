package consent

import (
	"fmt"
	"math"
	"math/big"
	"slices"
)

// AggregateCell is the tallies of the applicants who share their values
// of some dimensions, already generalised as in AggregateRow: how many they
// are, how many of them were hired, and the sum of the hired ones' whole
// days to hire, each rounded to whole days and clipped to [0,
// MaxDaysToHire] before summing (WholeDays). It is what a database
// computes with GROUP BY instead of sending a row per applicant: see
// AggregateCells.
type AggregateCell struct {
	// Keys holds the cell's value of each dimension, by Dimension.Index;
	// those it is not grouped by are "".
	Keys  [NumDimensions]string
	Count int
	Hired int
	Days  int64
}

// AggregateCells is Aggregate over the tallies of groups of applicants
// rather than over one row per applicant: the answer, and its guarantee,
// are those of Aggregate over the rows the cells tally, provided that the
// cells hold each applicant once (the caller groups one row per applicant)
// and are keyed by every dimension q groups or filters by
// (AggregateQuery.Dimensions); cells may be split further, by other
// dimensions, and are merged. Besides Aggregate's errors, a cell whose
// tallies cannot be (a negative count, more hired than counted, days
// beyond MaxDaysToHire per hire) is ErrInvalidAggregate.
func AggregateCells(in []AggregateCell, q AggregateQuery, n Noise) (AggregateResult, error) {
	if err := q.validate(); err != nil {
		return AggregateResult{}, err
	}
	if n == nil {
		return AggregateResult{}, fmt.Errorf("%w: no noise source", ErrInvalidAggregate)
	}
	type filter struct {
		dim    int
		values map[string]bool
	}
	var filters []filter
	for _, d := range Dimensions { // in a fixed order
		if vs, ok := q.Filters[d]; ok {
			f := filter{d.Index(), make(map[string]bool, len(vs))}
			for _, v := range vs {
				f.values[v] = true
			}
			filters = append(filters, f)
		}
	}
	dims := make([]int, len(q.GroupBy))
	for i, d := range q.GroupBy {
		dims[i] = d.Index()
	}

	cells := make(map[[MaxGroupBy]string]*cell)
	total := 0
cells:
	for _, in := range in {
		if in.Count < 0 || in.Hired < 0 || in.Hired > in.Count || in.Days < 0 || in.Days > int64(in.Hired)*int64(q.MaxDaysToHire) {
			return AggregateResult{}, fmt.Errorf("%w: a cell's tallies are out of range", ErrInvalidAggregate)
		}
		if in.Count == 0 {
			continue // a group holding no one is never released, so never made
		}
		for _, f := range filters {
			if !f.values[in.Keys[f.dim]] {
				continue cells
			}
		}
		var k [MaxGroupBy]string
		for i, d := range dims {
			k[i] = in.Keys[d]
		}
		c := cells[k]
		if c == nil {
			c = &cell{keys: k}
			cells[k] = c
		}
		c.count += in.Count
		c.hired += in.Hired
		c.days += in.Days
		total += in.Count
	}
	// A filtered selection under the threshold is refused before any noise
	// is drawn, on the true count: noise would hide one person's presence
	// only up to ε, and an analyst may ask again; the refusal itself is
	// not noisy, so that asking again teaches nothing new (see Aggregate's
	// limits on what it tells).
	if len(filters) > 0 && total < q.Threshold() {
		return AggregateResult{}, fmt.Errorf("%w (%d)", ErrGroupTooSmall, q.Threshold())
	}
	sorted := make([]*cell, 0, len(cells))
	for _, c := range cells {
		sorted = append(sorted, c)
	}
	slices.SortFunc(sorted, func(a, b *cell) int { return slices.Compare(a.keys[:], b.keys[:]) })

	// Noise is drawn in a fixed order (counts, total, then averages, each in
	// key order) so that a seeded source gives one answer per input.
	var bad bool
	draw := func(scale *big.Rat) int64 {
		x := n.DiscreteLaplace(scale)
		if x > maxNoise || x < -maxNoise {
			bad = true
			return 0
		}
		return x
	}
	var (
		countScale = noiseScale(q.Epsilon, 1, countDivisor)
		totalScale = noiseScale(q.Epsilon, 1, totalDivisor)
		hiredScale = noiseScale(q.Epsilon, 1, hiredDivisor)
		daysScale  = noiseScale(q.Epsilon, int64(q.MaxDaysToHire), daysDivisor)
	)
	res := AggregateResult{Threshold: q.Threshold(), Groups: []AggregateGroup{}}
	var released []*cell
	var rest cell
	sum := 0
	for _, c := range sorted {
		noisy := c.count + int(draw(countScale))
		if noisy >= res.Threshold {
			released = append(released, c)
			res.Groups = append(res.Groups, AggregateGroup{Keys: slices.Clone(c.keys[:len(dims)]), Count: noisy})
			sum += noisy
			continue
		}
		rest.hired += c.hired
		rest.days += c.days
	}
	res.Total = total + int(draw(totalScale))
	res.Remainder.Count = res.Total - sum
	if res.Remainder.Count < 0 {
		res.Remainder.Count, res.Total = 0, sum
	}
	threshold := q.Threshold()
	average := func(c *cell) *float64 {
		hired := int64(c.hired) + draw(hiredScale)
		days := c.days + draw(daysScale)
		if hired < int64(threshold) {
			return nil // too few hires to say anything but noise
		}
		a := min(max(math.Round(float64(days)/float64(hired)*10)/10, 0), float64(q.MaxDaysToHire))
		return &a
	}
	if !q.WithoutAverages {
		for i, c := range released {
			res.Groups[i].AverageDaysToHire = average(c)
		}
		res.Remainder.AverageDaysToHire = average(&rest)
	}
	if bad {
		return AggregateResult{}, fmt.Errorf("%w: the noise source returned a value out of range", ErrInvalidAggregate)
	}
	return res, nil
}
