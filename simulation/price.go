package simulation

import "math/rand/v2"

// pricePath is the exogenous price in ticks: integer arithmetic only, so
// the path is the same on every platform.
type pricePath struct {
	s    PriceSpec
	rng  *rand.Rand
	p    int64
	base int64 // level before the last jump or crash (for "recover")
	// moves in progress: per-block step and blocks left
	steps []move
}

type move struct {
	perBlock int64
	left     int64
}

func newPricePath(s *Scenario, seed uint64) *pricePath {
	return &pricePath{s: s.Price, rng: seededRand(seed, "price-path"), p: s.Market.StartPrice, base: s.Market.StartPrice}
}

// step advances the path to height h and returns the new price.
func (pp *pricePath) step(h int64) int64 {
	s := pp.s
	p := pp.p
	d := s.DriftBps
	if s.VolatilityBps > 0 {
		d += pp.rng.Int64N(2*s.VolatilityBps+1) - s.VolatilityBps
	}
	if s.JumpPerMille > 0 && pp.rng.Int64N(1000) < s.JumpPerMille {
		if pp.rng.IntN(2) == 0 {
			d += s.JumpBps
		} else {
			d -= s.JumpBps
		}
	}
	p += p * d / 10_000
	for _, e := range s.Events {
		if e.At != h {
			continue
		}
		switch e.Kind {
		case "jump":
			pp.base = p
			if e.OverBlocks <= 1 {
				p += p * e.MoveBps / 10_000
			} else {
				pp.steps = append(pp.steps, move{perBlock: p * e.MoveBps / 10_000 / e.OverBlocks, left: e.OverBlocks})
			}
		case "crash":
			pp.base = p
			pp.steps = append(pp.steps, move{perBlock: p * e.MoveBps / 10_000 / e.OverBlocks, left: e.OverBlocks})
		case "recover":
			pp.steps = append(pp.steps, move{perBlock: (pp.base - p) / e.OverBlocks, left: e.OverBlocks})
		}
	}
	kept := pp.steps[:0]
	for _, m := range pp.steps {
		p += m.perBlock
		if m.left--; m.left > 0 {
			kept = append(kept, m)
		}
	}
	pp.steps = kept
	floor := max(s.Floor, 1)
	pp.p = max(p, floor)
	return pp.p
}

// votes draws each validator's price around the exogenous price.
func (pp *pricePath) votes(n int, noiseBps int64, rng *rand.Rand) []int64 {
	out := make([]int64, n)
	for i := range out {
		d := int64(0)
		if noiseBps > 0 {
			d = rng.Int64N(2*noiseBps+1) - noiseBps
		}
		out[i] = max(pp.p+pp.p*d/10_000, 1)
	}
	return out
}
