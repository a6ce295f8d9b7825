package consent_test

import (
	"math"
	"math/big"
	"slices"
	"testing"

	"consentgate/consent"
)

// discreteLaplaceCDF is P[X ≤ x] for X discrete Laplace of scale t, ratio
// p = e^(−1/t): p^−x/(1+p) for x < 0, 1 − p^(x+1)/(1+p) for x ≥ 0 (powers
// of p taken as exponentials: for a large t, p rounds to 1).
func discreteLaplaceCDF(x int64, t float64) float64 {
	p := math.Exp(-1 / t)
	if x < 0 {
		return math.Exp(float64(x)/t) / (1 + p)
	}
	return 1 - math.Exp(-float64(x+1)/t)/(1+p)
}

// quantileBins returns the upper edges of about n bins of about equal mass
// under the discrete Laplace of scale t (the last bin, above the last edge,
// is open); a bin of less than a fifth of its share is merged with the next.
func quantileBins(t float64, n int) []int64 {
	var edges []int64
	below := 0.0 // the mass up to the last edge
	for i := 1; i < n; i++ {
		q := float64(i) / float64(n)
		lo, hi := int64(-1)<<61, int64(1)<<61 // the smallest x with CDF(x) ≥ q
		for lo < hi {
			mid := lo + (hi-lo)/2
			if discreteLaplaceCDF(mid, t) >= q {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		if c := discreteLaplaceCDF(lo, t); c-below >= 0.2/float64(n) && 1-c >= 0.2/float64(n) {
			edges, below = append(edges, lo), c
		}
	}
	return edges
}

// chiSquareCritical is the chi-square quantile of df degrees of freedom
// at 1 − 10⁻⁴ (Wilson and Hilferty's approximation, z = 3.719).
func chiSquareCritical(df int) float64 {
	d := float64(df)
	a := 2 / (9 * d)
	return d * math.Pow(1-a+3.719*math.Sqrt(a), 3)
}

// TestDiscreteLaplaceDistribution: the seeded sampler's draws follow the
// discrete Laplace distribution exactly, by a chi-square test of goodness
// of fit against its probabilities, for scales below one, whole, rational
// and large (a numerator beyond 64 bits takes the sampler's big-integer
// path). The seed is fixed, so the test is repeatable; a sampler off by a
// few percent anywhere fails it.
func TestDiscreteLaplaceDistribution(t *testing.T) {
	const draws = 40000
	for _, c := range []struct {
		name  string
		scale *big.Rat
	}{
		{"1/3", big.NewRat(1, 3)},
		{"1", big.NewRat(1, 1)},
		{"2", big.NewRat(2, 1)},
		{"7/2", big.NewRat(7, 2)},
		{"20/3", big.NewRat(20, 3)},
		{"3200", big.NewRat(3200, 1)},
		{"(2^65+1)/2^10", new(big.Rat).SetFrac(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 65), big.NewInt(1)), big.NewInt(1024))},
	} {
		t.Run(c.name, func(t *testing.T) {
			scale, _ := c.scale.Float64()
			edges := quantileBins(scale, 40)
			observed := make([]int, len(edges)+1)
			noise := consent.NewSeededNoise(2026)
			var sum float64
			for range draws {
				x := noise.DiscreteLaplace(c.scale)
				observed[binOf(edges, x)]++
				sum += float64(x)
			}
			var chi2 float64
			df := 0
			for i := range observed {
				lo, hi := 0.0, 1.0
				if i > 0 {
					lo = discreteLaplaceCDF(edges[i-1], scale)
				}
				if i < len(edges) {
					hi = discreteLaplaceCDF(edges[i], scale)
				}
				expected := draws * (hi - lo)
				if expected < 5 {
					t.Fatalf("bin %d expects %.1f draws: the bins are wrong", i, expected)
				}
				chi2 += (float64(observed[i]) - expected) * (float64(observed[i]) - expected) / expected
				df++
			}
			df--
			if crit := chiSquareCritical(df); chi2 > crit {
				t.Errorf("χ² = %.1f over %d degrees of freedom, beyond %.1f: observed %v", chi2, df, crit, observed)
			}
			// The mean is 0: its standard error is √(2p)/(1−p)/√draws.
			p := math.Exp(-1 / scale)
			if se := math.Sqrt(2*p) / -math.Expm1(-1/scale) / math.Sqrt(draws); math.Abs(sum/draws) > 5*se {
				t.Errorf("mean %.4g, want 0 ± %.4g", sum/draws, 5*se)
			}
			t.Logf("χ² = %.1f over %d degrees of freedom", chi2, df)
		})
	}
}

// binOf is the index of the bin of x: the first edge at or above it.
func binOf(edges []int64, x int64) int {
	i, _ := slices.BinarySearch(edges, x)
	return i
}

// TestDiscreteLaplaceExactMass: the probability of 0, the one value every
// scale gives most often, is (1−p)/(1+p) (at scale 1: 0.4621), and the
// signs are even.
func TestDiscreteLaplaceExactMass(t *testing.T) {
	const draws = 100000
	noise := consent.NewSeededNoise(14)
	var zeros, negatives, positives int
	for range draws {
		switch x := noise.DiscreteLaplace(big.NewRat(1, 1)); {
		case x == 0:
			zeros++
		case x < 0:
			negatives++
		default:
			positives++
		}
	}
	p := math.Exp(-1)
	want := (1 - p) / (1 + p)
	if se := math.Sqrt(want * (1 - want) / draws); math.Abs(float64(zeros)/draws-want) > 5*se {
		t.Errorf("P[0] = %.4f, want %.4f", float64(zeros)/draws, want)
	}
	if d := negatives - positives; d*d > 25*(negatives+positives) {
		t.Errorf("%d negative and %d positive draws", negatives, positives)
	}
}

// TestNoise: the noise that answers viewers (crypto/rand) has the
// distribution's mean and mean absolute value, 2p/(1−p²); a scale that is
// not positive adds nothing; a seed fixes the sequence.
func TestNoise(t *testing.T) {
	for _, c := range []struct {
		name  string
		noise consent.Noise
	}{
		{"crypto", consent.CryptoNoise{}},
		{"seeded", consent.NewSeededNoise(42)},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 20000
			scale := big.NewRat(2, 1)
			p := math.Exp(-0.5)
			sd := math.Sqrt(2*p) / (1 - p) // of one draw
			var sum, abs float64
			for range n {
				x := float64(c.noise.DiscreteLaplace(scale))
				sum += x
				abs += math.Abs(x)
			}
			if mean := sum / n; math.Abs(mean) > 5*sd/math.Sqrt(n) {
				t.Errorf("mean %.4f, want ≈ 0", mean)
			}
			if mad, want := abs/n, 2*p/(1-p*p); math.Abs(mad-want) > 5*sd/math.Sqrt(n) {
				t.Errorf("mean |x| %.4f, want ≈ %.4f", mad, want)
			}
			for _, s := range []*big.Rat{nil, new(big.Rat), big.NewRat(-1, 2)} {
				if x := c.noise.DiscreteLaplace(s); x != 0 {
					t.Errorf("DiscreteLaplace(%v) = %d", s, x)
				}
			}
		})
	}
	a, b := consent.NewSeededNoise(9), consent.NewSeededNoise(9)
	for range 100 {
		if x, y := a.DiscreteLaplace(big.NewRat(5, 2)), b.DiscreteLaplace(big.NewRat(5, 2)); x != y {
			t.Fatalf("one seed, two sequences: %d, %d", x, y)
		}
	}
}

func BenchmarkCryptoNoise(b *testing.B) {
	scale := big.NewRat(8, 1)
	for b.Loop() {
		consent.CryptoNoise{}.DiscreteLaplace(scale)
	}
}
