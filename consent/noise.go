package consent

import (
	crand "crypto/rand"
	"encoding/binary"
	"math"
	"math/rand/v2"
)

// Noise is a source of Laplace noise for Aggregate.
type Noise interface {
	// Laplace returns a draw from the Laplace distribution of mean 0 and
	// scale b (density exp(-|x|/b)/2b; mean |x| is b).
	Laplace(b float64) float64
}

// CryptoNoise draws its noise from crypto/rand. It is the noise that
// answers viewers; its zero value is ready to use.
type CryptoNoise struct{}

// Laplace implements Noise.
func (CryptoNoise) Laplace(b float64) float64 {
	var buf [8]byte
	crand.Read(buf[:]) // never fails: crypto/rand crashes the program instead
	return laplace(binary.LittleEndian.Uint64(buf[:]), b)
}

// SeededNoise is deterministic noise, for tests and examples. Its draws
// follow from the seed, which voids the guarantee: it must never answer a
// viewer.
type SeededNoise struct{ r *rand.Rand }

// NewSeededNoise returns a noise source whose draws are fixed by seed.
func NewSeededNoise(seed uint64) *SeededNoise {
	return &SeededNoise{rand.New(rand.NewPCG(seed, 0x5eed))}
}

// Laplace implements Noise.
func (n *SeededNoise) Laplace(b float64) float64 { return laplace(n.r.Uint64(), b) }

// laplace turns 64 random bits into a Laplace(b) draw by inverting the
// distribution function. The top 52 bits make u uniform in (0, 1), never 0
// or 1 exactly, so the result is finite (|x| < 37b). A scale that is not
// positive gives 0.
func laplace(bits uint64, b float64) float64 {
	if !(b > 0) {
		return 0
	}
	u := (float64(bits>>12) + 0.5) / (1 << 52)
	if u < 0.5 {
		return b * math.Log(2*u)
	}
	return -b * math.Log(2*(1-u))
}
