package keeper_test

import (
	"testing"

	sdkmath "cosmossdk.io/math"

	"github.com/clearchain/clearchain/x/oracle/keeper"
)

// TestTicksOf: a feed price (mantissa, decimals) in a market's ticks, exact
// and rounded half up, for markets of different tick and lot sizes on one
// pair; nonsense scales give no price.
func TestTicksOf(t *testing.T) {
	i := sdkmath.NewInt
	for _, tc := range []struct {
		name      string
		mantissa  int64
		decimals  uint32
		exponent  int32
		tick, lot sdkmath.Int
		want      int64
		ok        bool
	}{
		{"1.2345 a unit, tick 1 per lot of 100: 123.45 -> 123", 12345, 4, 0, i(1), i(100), 123, true},
		{"same pair, tick 10 per lot of 10000: 1234.5 -> 1235 (half up)", 12345, 4, 0, i(10), i(10_000), 1235, true},
		{"display price 12.50 EURC (6 decimals) per share (0): tick 0.01 EURC", 1250, 2, 6, i(10_000), i(1), 1250, true},
		{"negative exponent: 1e-6 of the unit", 5_000_000, 0, -6, i(1), i(1), 5, true},
		{"below half a tick: no price", 4, 1, 0, i(1), i(1), 0, false},
		{"exactly half a tick rounds up to 1", 5, 1, 0, i(1), i(1), 1, true},
		{"beyond int64: no price", 9_000_000_000_000_000_000, 0, 1, i(1), i(1), 0, false},
		{"non-positive mantissa", 0, 0, 0, i(1), i(1), 0, false},
		{"zero tick", 1, 0, 0, i(0), i(1), 0, false},
		{"scale beyond 10^54", 1, 0, 55, i(1), i(1), 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := keeper.TicksOf(tc.mantissa, tc.decimals, tc.exponent, tc.tick, tc.lot)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("TicksOf = %d, %v; want %d, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestTickPriceServesOnlyFreshPrices: the price source converts the feed's
// fresh price into ticks and serves nothing for an unknown or stale feed.
func TestTickPriceServesOnlyFreshPrices(t *testing.T) {
	const id = "CLEAR/USD"
	f := newFixture(t)
	if f.k.HasFeed(f.ctx, id) {
		t.Fatal("HasFeed before SetFeed")
	}
	f.setFeed(t, clearUSD()) // decimals 8, stale after 10 blocks
	if !f.k.HasFeed(f.ctx, id) {
		t.Fatal("no HasFeed after SetFeed")
	}
	if _, ok := f.k.TickPrice(f.ctx, id, 0, sdkmath.NewInt(1), sdkmath.NewInt(1)); ok {
		t.Fatal("a price before any vote")
	}
	if _, err := f.k.ApplyVotes(f.ctx, []keeper.ValidatorVote{vote("a", 100, 2_5000_0000, id)}, 100); err != nil {
		t.Fatal(err)
	}
	// 2.5 a unit; tick 1 per lot of 1000: 2500 ticks.
	if p, ok := f.k.TickPrice(f.ctx, id, 0, sdkmath.NewInt(1), sdkmath.NewInt(1000)); !ok || p != 2500 {
		t.Fatalf("TickPrice = %d, %v", p, ok)
	}
	f.at(21, 30)
	if _, ok := f.k.TickPrice(f.ctx, id, 0, sdkmath.NewInt(1), sdkmath.NewInt(1000)); ok {
		t.Fatal("a stale price is served")
	}
	if _, ok := f.k.TickPrice(f.ctx, "NOPE", 0, sdkmath.NewInt(1), sdkmath.NewInt(1)); ok {
		t.Fatal("an unknown feed is priced")
	}
}

// BenchmarkTicksOf measures the conversion a market's reference price costs
// (once per order place on a banded market, twice per such market and
// block).
//
//	go test ./x/oracle/keeper -run '^$' -bench TicksOf
func BenchmarkTicksOf(b *testing.B) {
	tick, lot := sdkmath.NewInt(10_000), sdkmath.NewInt(1)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, ok := keeper.TicksOf(1250+int64(i&1023), 2, 6, tick, lot); !ok {
			b.Fatal("no price")
		}
	}
}
