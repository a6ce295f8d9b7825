package consent

import (
	crand "crypto/rand"
	"encoding/binary"
	"io"
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
)

// Noise is a source of integer noise for Aggregate.
type Noise interface {
	// DiscreteLaplace returns a draw from the discrete Laplace distribution
	// (the two-sided geometric) of scale t > 0: each integer x with
	// probability (1−p)/(1+p)·p^|x|, where p = exp(−1/t). Added to an
	// integer of sensitivity Δ it gives (Δ/t)-differential privacy, exactly:
	// the draw is made with integer arithmetic from random bits, so no
	// floating-point rounding leaks through its low bits. A t that is not
	// positive gives 0.
	DiscreteLaplace(t *big.Rat) int64
}

// CryptoNoise draws its noise from crypto/rand. It is the noise that
// answers viewers; its zero value is ready to use.
type CryptoNoise struct{}

// DiscreteLaplace implements Noise.
func (CryptoNoise) DiscreteLaplace(t *big.Rat) int64 {
	return discreteLaplace(&sampler{r: crand.Reader}, t)
}

// SeededNoise is deterministic noise, for tests and examples: the same
// sampler as CryptoNoise's over a ChaCha8 stream fixed by the seed, which
// voids the guarantee: it must never answer a viewer. It is not safe for
// concurrent use.
type SeededNoise struct{ s sampler }

// NewSeededNoise returns a noise source whose draws are fixed by seed.
func NewSeededNoise(seed uint64) *SeededNoise {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	return &SeededNoise{sampler{r: rand.NewChaCha8(key)}}
}

// DiscreteLaplace implements Noise.
func (n *SeededNoise) DiscreteLaplace(t *big.Rat) int64 { return discreteLaplace(&n.s, t) }

// sampler draws exact integer and Bernoulli variates from a stream of
// random bytes.
type sampler struct {
	r   io.Reader
	buf [8]byte
}

// word returns 64 random bits.
func (s *sampler) word() uint64 {
	if _, err := io.ReadFull(s.r, s.buf[:]); err != nil {
		panic("consent: reading random bits: " + err.Error()) // crypto/rand and ChaCha8 never fail
	}
	return binary.LittleEndian.Uint64(s.buf[:])
}

// uniform returns an integer uniform in [0, n), n > 0: the bits n needs,
// drawn again until they fall below it (so no value is favoured).
func (s *sampler) uniform(n *big.Int) *big.Int {
	if n.IsUint64() {
		return new(big.Int).SetUint64(s.uniform64(n.Uint64()))
	}
	l := n.BitLen()
	b := make([]byte, (l+7)/8)
	for {
		for i := 0; i < len(b); i += 8 {
			w := s.word()
			for j := 0; j < 8 && i+j < len(b); j++ {
				b[i+j] = byte(w >> (8 * j))
			}
		}
		b[0] &= byte(0xff >> (8*len(b) - l)) // b is big-endian: keep l bits
		if x := new(big.Int).SetBytes(b); x.Cmp(n) < 0 {
			return x
		}
	}
}

// uniform64 is uniform for an n that fits 64 bits.
func (s *sampler) uniform64(n uint64) uint64 {
	if n <= 1 {
		return 0
	}
	mask := uint64(math.MaxUint64) >> bits.LeadingZeros64(n-1)
	for {
		if x := s.word() & mask; x < n {
			return x
		}
	}
}

// bernoulli returns true with probability num/den (0 ≤ num ≤ den, den > 0).
func (s *sampler) bernoulli(num, den *big.Int) bool {
	if num.IsUint64() && den.IsUint64() {
		return s.uniform64(den.Uint64()) < num.Uint64()
	}
	return s.uniform(den).Cmp(num) < 0
}

var one = big.NewInt(1)

// bernoulliExp returns true with probability exp(−num/den) (num ≥ 0,
// den > 0), by Canonne, Kamath and Steinke's algorithm ("The Discrete
// Gaussian for Differential Privacy", 2020, Algorithm 1): for γ ≤ 1, the
// parity of the first K with no success in Bernoulli(γ/K) trials is odd
// with probability exp(−γ); for γ > 1, exp(−1) ⌊γ⌋ times and then the
// fraction.
func (s *sampler) bernoulliExp(num, den *big.Int) bool {
	whole, frac := new(big.Int).QuoRem(num, den, new(big.Int))
	for i := new(big.Int); i.Cmp(whole) < 0; i.Add(i, one) {
		if !s.bernoulliExpAtMostOne(one, one) {
			return false
		}
	}
	return s.bernoulliExpAtMostOne(frac, den)
}

// bernoulliExpAtMostOne is bernoulliExp for num ≤ den.
func (s *sampler) bernoulliExpAtMostOne(num, den *big.Int) bool {
	k := int64(1)
	kden := new(big.Int)
	for {
		if !s.bernoulli(num, kden.Mul(den, big.NewInt(k))) {
			return k%2 == 1
		}
		k++
	}
}

// discreteLaplace draws from the discrete Laplace distribution of scale
// t = a/b (Canonne, Kamath and Steinke, Algorithm 2): X = U + a·V, with U
// uniform in [0, a) kept with probability exp(−U/a) and V geometric of
// ratio exp(−1), has P[X = x] ∝ exp(−x/a); ⌊X/b⌋ then has ratio exp(−b/a)
// = exp(−1/t), and a random sign, with "−0" drawn again, makes it two-sided.
// A draw beyond the int64 range (a scale of 10¹⁷ or more) is clamped to it.
func discreteLaplace(s *sampler, t *big.Rat) int64 {
	if t == nil || t.Sign() <= 0 {
		return 0
	}
	a, b := t.Num(), t.Denom()
	x, y := new(big.Int), new(big.Int)
	for {
		u := s.uniform(a)
		if !s.bernoulliExp(u, a) {
			continue
		}
		v := int64(0)
		for s.bernoulliExp(one, one) {
			v++
		}
		x.Mul(a, big.NewInt(v))
		x.Add(x, u)
		y.Quo(x, b)
		negative := s.word()&1 == 1
		if negative && y.Sign() == 0 {
			continue
		}
		r := int64(math.MaxInt64)
		if y.IsInt64() {
			r = y.Int64()
		}
		if negative {
			return -r
		}
		return r
	}
}
