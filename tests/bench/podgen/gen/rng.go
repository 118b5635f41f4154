package gen

import "math/rand/v2"

// rng is the single source of randomness of one generation run.
type rng struct {
	r *rand.Rand
}

func newRNG(seed uint64) *rng {
	return &rng{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// chance returns true with probability p.
func (r *rng) chance(p float64) bool { return r.r.Float64() < p }

// between returns an int in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.r.IntN(hi-lo+1) }

// pick returns one element of xs, uniformly.
func pick[T any](r *rng, xs []T) T { return xs[r.r.IntN(len(xs))] }
