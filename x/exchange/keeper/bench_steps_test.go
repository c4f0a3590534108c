package keeper_test

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/keeper"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// BenchmarkEndBlockStep measures the CPU cost of one work unit of each
// EndBlock step that runs under the work budget (max_work_per_block), on
// BenchmarkEndBlock's book (100k resting orders, 1000 traders): the timed
// EndBlock does stepUnits units of one step and nothing else. Steps:
//
//   - empty: no work at all (the block's fixed cost: markets, params,
//     the ledger and order flushes);
//   - expiry: a wall of GTB orders due at the block;
//   - trigger: buy stops the oracle's move triggers, resting afterwards;
//   - masscancel: mass cancels of owners with 1000 orders each;
//   - lapse: lapsed heartbeats of owners with 1000 orders each (the sweep);
//   - match: market buys walking one-lot asks (one unit per fill).
//
// cpu-us/unit is the process's CPU time of the timed EndBlock (its work and
// the GC work it caused) over the units (the orders it touched, counted from
// its events as the budget counts them); us/unit the same in wall time;
// cpu-ms/block the CPU time of the block. x/exchange/README.md ("Work
// budget") derives the default max_work_per_block from these numbers.
//
//	go test ./x/exchange/keeper -run '^$' -bench EndBlockStep -benchtime 3x
func BenchmarkEndBlockStep(b *testing.B) {
	defer func(v bool) { *keeper.VerifyLevels = v }(*keeper.VerifyLevels)
	*keeper.VerifyLevels = false // a test-only self-check
	s := newStepChain(b)
	for _, step := range []string{"empty", "expiry", "trigger", "masscancel", "lapse", "match"} {
		b.Run(step, func(b *testing.B) { s.bench(b, step) })
	}
}

// stepUnits is the units of work each step's timed block does.
const stepUnits = 5000

type stepChain struct {
	c      *chain
	id     uint64
	accts  []sdk.AccAddress
	fresh  int
	mid    int64
	nonce  int
	rng    *rand.Rand
	commit func()
}

func newStepChain(b *testing.B) *stepChain {
	const (
		traders = 1000
		resting = 100_000
	)
	c := newChain(b)
	m := stdMarket()
	m.MakerFeeBps, m.TakerFeeBps = 1, 5
	s := &stepChain{c: c, id: c.createMarket(m), mid: 100_000, rng: rand.New(rand.NewSource(1))}
	p := types.DefaultParams()
	// The set-up blocks queue more than the default allows, and a step's
	// timed block does all its units (the budget would carry some over).
	p.MaxOrdersPerBlock = 200_000
	p.MaxWorkPerBlock, p.MaxSweepOrdersPerBlock = 1_000_000, 1_000_000
	if err := c.k.SetParams(c.ctx, gov, p); err != nil {
		b.Fatal(err)
	}
	s.accts = make([]sdk.AccAddress, traders)
	for i := range s.accts {
		s.accts[i] = s.fund(b, fmt.Sprintf("t%05d", i))
	}
	s.commit = func() {
		c.cms.Commit()
		c.height++
		c.ctx = c.newCtx()
	}
	c.oracle.prices["ubase/uquote"] = s.mid
	for i := 0; i < resting; i++ {
		off := int64(1 + s.rng.Intn(1000))
		side, price := types.Side_SIDE_BUY, s.mid-off
		if i%2 == 1 {
			side, price = types.Side_SIDE_SELL, s.mid+off
		}
		s.place(b, s.accts[s.rng.Intn(traders)], limit(s.id, side, price, uint64(1+s.rng.Intn(50))))
		if (i+1)%50_000 == 0 {
			s.endBlock(b)
		}
	}
	return s
}

// fund makes a licensed account with deposits in both denoms.
func (s *stepChain) fund(b *testing.B, name string) sdk.AccAddress {
	s.nonce++
	a := s.c.account(name, uint64(s.nonce), false, coin("ubase", 1_000_000_000_000), coin("uquote", 1_000_000_000_000))
	for _, d := range []string{"ubase", "uquote"} {
		if err := s.c.k.Deposit(s.c.ctx, a, coin(d, 1_000_000_000_000)); err != nil {
			b.Fatal(err)
		}
	}
	return a
}

// owners funds n accounts that have no orders yet.
func (s *stepChain) owners(b *testing.B, n int) []sdk.AccAddress {
	out := make([]sdk.AccAddress, n)
	for i := range out {
		s.fresh++
		out[i] = s.fund(b, fmt.Sprintf("s%05d", s.fresh))
	}
	return out
}

func (s *stepChain) place(b *testing.B, a sdk.AccAddress, spec types.OrderSpec) {
	if _, err := s.c.k.PlaceOrder(s.c.ctx, a, spec); err != nil {
		b.Fatal(err)
	}
}

func (s *stepChain) endBlock(b *testing.B) {
	if err := s.c.k.EndBlock(s.c.ctx); err != nil {
		b.Fatal(err)
	}
	s.commit()
}

// setup queues what the step's timed block will work on, in untimed blocks.
func (s *stepChain) setup(b *testing.B, step string) {
	c, id, mid := s.c, s.id, s.mid
	per := 1000 // the default per-owner cap of live orders
	switch step {
	case "expiry":
		for o, a := range s.owners(b, stepUnits/per) {
			for j := 0; j < per; j++ {
				sp := limit(id, types.Side_SIDE_SELL, mid+2000+int64((o*per+j)%100), 1)
				sp.TimeInForce, sp.ExpireBlock = types.TimeInForce_TIME_IN_FORCE_GTB, c.height+1
				s.place(b, a, sp)
			}
		}
		s.endBlock(b)
	case "trigger":
		c.oracle.prices["ubase/uquote"] = mid
		for _, a := range s.owners(b, stepUnits/per) {
			for j := 0; j < per; j++ {
				s.place(b, a, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_STOP_LIMIT,
					Price: mid - 1500 - int64(j%100), TriggerPrice: mid + 50, Quantity: 1})
			}
		}
		s.endBlock(b)
		c.oracle.prices["ubase/uquote"] = mid + 60
	case "masscancel":
		own := s.owners(b, stepUnits/per)
		for _, a := range own {
			for j := 0; j < per; j++ {
				s.place(b, a, limit(id, types.Side_SIDE_BUY, mid-2000-int64(j%100), 1))
			}
		}
		s.endBlock(b)
		for _, a := range own {
			if err := c.k.MassCancel(c.ctx, a, 0, types.Side_SIDE_UNSPECIFIED); err != nil {
				b.Fatal(err)
			}
		}
	case "lapse":
		for _, a := range s.owners(b, stepUnits/per) {
			for j := 0; j < per; j++ {
				s.place(b, a, limit(id, types.Side_SIDE_BUY, mid-2000-int64(j%100), 1))
			}
			if _, err := c.k.Heartbeat(c.ctx, a, 1); err != nil {
				b.Fatal(err)
			}
		}
		s.endBlock(b) // deadline = this height + 1: lapses two blocks on
		s.endBlock(b)
	case "match":
		for _, a := range s.owners(b, stepUnits/per) {
			for j := 0; j < per; j++ {
				s.place(b, a, limit(id, types.Side_SIDE_SELL, mid+1, 1))
			}
		}
		s.endBlock(b)
		for j := 0; j < stepUnits/500; j++ {
			s.place(b, s.accts[j], types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_MARKET,
				Price: mid + 10, Quantity: 500})
		}
	}
}

func (s *stepChain) bench(b *testing.B, step string) {
	c := s.c
	b.ReportAllocs()
	b.ResetTimer()
	var wall, cpu time.Duration
	units := 0
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		s.setup(b, step)
		b.StartTimer()
		start, cpu0 := time.Now(), processCPU()
		if err := c.k.EndBlock(c.ctx); err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		cpu += processCPU() - cpu0
		b.StopTimer()
		units += work(c.ctx)
		s.commit()
		if step == "trigger" {
			c.oracle.prices["ubase/uquote"] = s.mid
		}
		b.StartTimer()
	}
	b.StopTimer()
	if err := c.k.CheckBalanceInvariant(c.ctx); err != nil {
		b.Fatal(err)
	}
	// (match: the takers also meet the book's older asks at the touch, of
	// several lots each, so they make fewer fills than lots)
	if want := stepUnits * 3 / 5; step != "empty" && units < b.N*want {
		b.Fatalf("%s: %d units over %d blocks, want at least %d a block", step, units, b.N, want)
	}
	b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/block")
	b.ReportMetric(float64(units)/float64(b.N), "units/block")
	if units > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(units), "cpu-us/unit")
		b.ReportMetric(float64(wall.Microseconds())/float64(units), "us/unit")
	}
}
