package surveillance_test

import (
	"time"

	"math/rand/v2"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/clearchain/clearchain/surveillance"
)

// benchBlocks builds n blocks of a busy two-market venue: 50 entities in
// 10 ownership groups, per block 200 places, 150 cancels and 100 fills.
func benchBlocks(b *testing.B, n int) [][]abci.Event { return venue(n, 200, 150, 100, true) }

// venue builds n blocks of random two-sided trading among 50 entities
// (in 10 ownership groups when grouped, else each its own).
func venue(n, places, cancels, fills int, grouped bool) [][]abci.Event {
	c := newChain(&testing.T{}, surveillance.DefaultParams())
	r := rand.New(rand.NewPCG(1, 2))
	for e := uint64(1); e <= 50; e++ {
		if grouped {
			c.entity(e, 100+e%10)
		}
	}
	var out [][]abci.Event
	var live []uint64
	for i := 0; i < n; i++ {
		for k := 0; k < places; k++ {
			side := surveillance.Buy
			if r.IntN(2) == 0 {
				side = surveillance.Sell
			}
			live = append(live, c.place(1+uint64(r.IntN(2)), 1+uint64(r.IntN(50)), side, 990+int64(r.IntN(20)), 1+uint64(r.IntN(20))))
		}
		for k := 0; k < cancels && len(live) > 0; k++ {
			j := r.IntN(len(live))
			c.cancel(1, 1+uint64(r.IntN(50)), live[j], 5)
			live[j] = live[len(live)-1]
			live = live[:len(live)-1]
		}
		for k := 0; k < fills; k++ {
			side := surveillance.Buy
			if r.IntN(2) == 0 {
				side = surveillance.Sell
			}
			taker, maker := 1+uint64(r.IntN(50)), 1+uint64(r.IntN(49))
			if maker >= taker {
				maker++ // self-trade prevention: an entity never meets itself
			}
			c.fill(1+uint64(r.IntN(2)), taker, maker, side, 990+int64(r.IntN(20)), 1+uint64(r.IntN(10)))
		}
		out = append(out, c.evs)
		c.evs = nil
	}
	return out
}

func BenchmarkProcessBlock(b *testing.B) {
	const n = 400
	blocks := benchBlocks(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	var h int64
	var eng *surveillance.Engine
	for i := 0; i < b.N; i++ {
		if i%n == 0 {
			b.StopTimer()
			eng = surveillance.New(surveillance.DefaultParams())
			h = 0
			b.StartTimer()
		}
		h++
		eng.ProcessBlock(h, benchTime, blocks[i%n])
	}
	b.ReportMetric(float64(b.N)*450/b.Elapsed().Seconds(), "events/s")
}

var benchTime = time.Unix(1_700_000_000, 0).UTC()

// A clean venue — random two-sided trading among 50 unrelated entities,
// heavy quoting and cancelling, no abuse — raises no alert.
func TestCleanVenue_NoAlerts(t *testing.T) {
	eng := surveillance.New(surveillance.DefaultParams())
	for i, b := range venue(250, 60, 45, 30, false) {
		if out := eng.ProcessBlock(int64(i+1), benchTime, b); len(out) != 0 {
			t.Fatalf("height %d: %+v", i+1, out)
		}
	}
}
