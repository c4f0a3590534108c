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

// BenchmarkEndBlock measures one block of 10k queued orders matched,
// settled and written back (EndBlock), on a market with a realistic resting
// book (100k orders, 1000 traders). Orders are queued through the keeper
// outside the timer; the commit of each block is outside it too.
//
//	go test ./x/exchange/keeper -run '^$' -bench EndBlock -benchtime 20x
func BenchmarkEndBlock(b *testing.B) {
	const (
		traders  = 1000
		resting  = 100_000
		perBlock = 10_000
		mid      = 100_000
	)
	defer func(v bool) { *keeper.VerifyLevels = v }(*keeper.VerifyLevels)
	*keeper.VerifyLevels = false // a test-only self-check
	c := newChain(b)
	m := stdMarket()
	m.MakerFeeBps, m.TakerFeeBps = 1, 5
	id := c.createMarket(m)
	p := types.DefaultParams()
	p.MaxOrdersPerBlock = 200_000
	if err := c.k.SetParams(c.ctx, gov, p); err != nil {
		b.Fatal(err)
	}
	accts := make([]sdk.AccAddress, traders)
	for i := range accts {
		accts[i] = c.account(fmt.Sprintf("t%05d", i), uint64(i+1), i%10 == 0,
			coin("ubase", 1_000_000_000_000), coin("uquote", 1_000_000_000_000))
		if err := c.k.Deposit(c.ctx, accts[i], coin("ubase", 1_000_000_000_000)); err != nil {
			b.Fatal(err)
		}
		if err := c.k.Deposit(c.ctx, accts[i], coin("uquote", 1_000_000_000_000)); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewSource(1))
	place := func(s types.OrderSpec) {
		if _, err := c.k.PlaceOrder(c.ctx, accts[rng.Intn(traders)], s); err != nil {
			b.Fatal(err)
		}
	}
	// The resting book: 50k bids below mid, 50k asks above, over 2x1000 levels.
	for i := 0; i < resting; i++ {
		off := int64(1 + rng.Intn(1000))
		if i%2 == 0 {
			place(limit(id, types.Side_SIDE_BUY, mid-off, uint64(1+rng.Intn(50))))
		} else {
			place(limit(id, types.Side_SIDE_SELL, mid+off, uint64(1+rng.Intn(50))))
		}
		if (i+1)%50_000 == 0 {
			c.endBlock()
		}
	}
	// One block's flow: 30% aggressive (cross up to 5 levels deep), 60% new
	// passive orders near the top, 10% IOC.
	queueBlock := func() {
		for i := 0; i < perBlock; i++ {
			side := types.Side_SIDE_BUY
			sign := int64(1)
			if rng.Intn(2) == 0 {
				side, sign = types.Side_SIDE_SELL, -1
			}
			s := limit(id, side, 0, uint64(1+rng.Intn(20)))
			switch r := rng.Intn(10); {
			case r < 3:
				s.Price = mid + sign*int64(rng.Intn(5))
			case r < 9:
				s.Price = mid - sign*int64(1+rng.Intn(200))
			default:
				s.Price = mid + sign*int64(rng.Intn(3))
				s.TimeInForce = types.TimeInForce_TIME_IN_FORCE_IOC
			}
			place(s)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	var total time.Duration
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		queueBlock()
		b.StartTimer()
		start := time.Now()
		if err := c.k.EndBlock(c.ctx); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		b.StopTimer()
		c.cms.Commit()
		c.height++
		c.ctx = c.newCtx()
		b.StartTimer()
	}
	b.StopTimer()
	if err := c.k.CheckBalanceInvariant(c.ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(perBlock*b.N)/total.Seconds(), "orders/s")
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/block")
}
