package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// bandedBook lists a ±5% band market (halt 2 blocks if it ever halted) with
// an oracle at 100 and asks of alice at 100 (1 lot), 105 (1 lot) and, placed
// while the oracle was at 110, 112 (5 lots): the last level is outside
// today's band [95, 105]. It returns the market, alice and a funded bob.
func bandedBook(t *testing.T) (c *chain, id uint64, alice, bob sdk.AccAddress) {
	c = newChain(t)
	m := feeless()
	m.BandBps, m.BandHaltBlocks = 500, 2
	id = c.createMarket(m)
	alice = c.account("alice", 1, false, coin("ubase", 1_000_000))
	bob = c.account("bob", 2, false, coin("uquote", 10_000_000))
	c.deposit(alice, coin("ubase", 1_000_000))
	c.deposit(bob, coin("uquote", 10_000_000))
	c.oracle.prices["ubase/uquote"] = 110
	c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, 112, 5))
	c.endBlock()
	c.oracle.prices["ubase/uquote"] = 100
	c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, 100, 1))
	c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, 105, 1))
	c.endBlock()
	return c, id, alice, bob
}

// requireTrading checks that market id is not halted: its state has no
// halt and a new order is accepted.
func requireTrading(t *testing.T, c *chain, id uint64, who sdk.AccAddress) {
	t.Helper()
	st, err := c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
	require.NoError(t, err)
	require.Zero(t, st.State.HaltedUntil, "market halted")
	_, err = c.place(who, limit(id, types.Side_SIDE_BUY, 98, 1))
	require.NoError(t, err)
}

// TestAttackAnyoneCanHaltAMarketForOneFee: a market buy whose walk reaches
// a level outside the band was rejected whole and halted the market for
// band_halt_blocks; repeated every few blocks (its lock released in the
// same block) it froze the market for one fee. Now it fills inside the band
// and the rest is cancelled with reason "band"; the market keeps trading.
func TestAttackAnyoneCanHaltAMarketForOneFee(t *testing.T) {
	t.Run("market", func(t *testing.T) {
		c, id, alice, bob := bandedBook(t)
		for round := 0; round < 3; round++ {
			oid := c.mustPlace(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_MARKET,
				Price: 200, Quantity: 5})
			ctx := c.endBlockEvents()
			require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
			require.Equal(t, "band", cancelReasons(ctx.EventManager().ABCIEvents())[uitoa(oid)])
			requireTrading(t, c, id, bob)
			if round == 0 {
				// Filled at 100 and 105 (inside the band), the rest cancelled;
				// the ask at 112 still rests.
				free, locked := c.bal(bob, "uquote")
				require.Equal(t, int64(98), locked) // requireTrading's bid
				require.Equal(t, int64(10_000_000-100-105-98), free)
				_, aLocked := c.bal(alice, "ubase")
				require.Equal(t, int64(500), aLocked)
			}
		}
	})
	t.Run("ioc-meets-a-stale-maker", func(t *testing.T) {
		c, id, alice, bob := bandedBook(t)
		oid := c.mustPlace(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_LIMIT,
			TimeInForce: types.TimeInForce_TIME_IN_FORCE_IOC, Price: 105, Quantity: 5})
		// The oracle rises to 110 before the block ends: band [105, 115];
		// the best ask (100) is now outside it, so nothing may print.
		c.oracle.prices["ubase/uquote"] = 110
		ctx := c.endBlockEvents()
		require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
		require.Equal(t, "band", cancelReasons(ctx.EventManager().ABCIEvents())[uitoa(oid)])
		free, locked := c.bal(bob, "uquote")
		require.Zero(t, locked)
		require.Equal(t, int64(10_000_000), free)
		_, aLocked := c.bal(alice, "ubase")
		require.Equal(t, int64(700), aLocked)
		st, err := c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
		require.NoError(t, err)
		require.Zero(t, st.State.HaltedUntil)
	})
}

// TestAttackPlacingAStopHaltsTheMarket: every place ran the band walk,
// stops included, with the stop-market's worst price never band-checked, so
// an out-of-band stop-market was rejected and halted the market; and a
// stop-limit whose price lay outside today's band was refused. A stop is
// banded when it triggers: both are accepted, the market keeps trading, and
// the triggered stop fills only inside the band of that moment.
func TestAttackPlacingAStopHaltsTheMarket(t *testing.T) {
	c, id, _, bob := bandedBook(t)
	stopMkt := c.mustPlace(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_STOP_MARKET,
		Price: 200, TriggerPrice: 101, Quantity: 5})
	// A stop-limit at 120, outside today's band [95, 105].
	_, err := c.place(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_STOP_LIMIT,
		Price: 120, TriggerPrice: 150, Quantity: 1})
	require.NoError(t, err)
	ctx := c.endBlockEvents()
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
	requireTrading(t, c, id, bob)
	c.endBlock()
	// The oracle reaches 102 (band [97, 107]): the stop-market triggers,
	// fills at 100 and 105 and the rest is cancelled at the band.
	c.oracle.prices["ubase/uquote"] = 102
	ctx = c.endBlockEvents()
	require.True(t, hasEvent(ctx, "clearchain.exchange.v1.EventOrderTriggered"))
	require.Equal(t, "band", cancelReasons(ctx.EventManager().ABCIEvents())[uitoa(stopMkt)])
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
	requireTrading(t, c, id, bob)
}

// TestCircuitBreakerHaltsOnAMeasuredMove: with breaker_bps 1000 (10%) the
// market halts for band_halt_blocks once a trade prints more than 10% from
// the breaker's reference (the last trade price when its window began): the
// print stands, later commands of the block are rejected, new orders are
// refused until the halt ends, and the halt and the resume are evented and
// audited with their cause. A move inside 10% does not halt.
func TestCircuitBreakerHaltsOnAMeasuredMove(t *testing.T) {
	c := newChain(t)
	m := feeless()
	m.BreakerBps, m.BreakerWindowBlocks, m.BandHaltBlocks = 1000, 10, 2
	id := c.createMarket(m)
	a := c.account("alice", 1, false, coin("ubase", 1_000_000))
	b := c.account("bob", 2, false, coin("uquote", 1_000_000))
	d := c.account("dave", 3, false, coin("uquote", 1_000_000))
	c.deposit(a, coin("ubase", 1_000_000))
	c.deposit(b, coin("uquote", 1_000_000))
	c.deposit(d, coin("uquote", 1_000_000))
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 100, 1))
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 100, 1))
	c.endBlock() // a trade at 100: the breaker's reference
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 109, 1))
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 115, 1))
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 116, 1))
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 109, 1))
	ctx := c.endBlockEvents() // 109: inside 10%
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
	h := c.ctx.BlockHeight()
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 115, 1))
	late := c.mustPlace(d, limit(id, types.Side_SIDE_BUY, 116, 1))
	ctx = c.endBlockEvents() // 115 > 110: printed, then halted
	require.True(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
	rejected := false
	for _, e := range ctx.EventManager().ABCIEvents() {
		if e.Type == "clearchain.exchange.v1.EventOrderRejected" {
			for _, at := range e.Attributes {
				if at.Key == "order_id" && at.Value == `"`+uitoa(late)+`"` {
					rejected = true
				}
			}
		}
	}
	require.True(t, rejected, "dave's order ran after the halt")
	_, dLocked := c.bal(d, "uquote")
	require.Zero(t, dLocked)
	st, err := c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
	require.NoError(t, err)
	require.Equal(t, int64(115), st.State.LastPrice)
	require.Equal(t, h+3, st.State.HaltedUntil)
	_, err = c.place(d, limit(id, types.Side_SIDE_BUY, 116, 1))
	require.ErrorIs(t, err, types.ErrMarketHalted)
	require.Contains(t, c.lic.audits, fmt.Sprintf(
		"exchange exchange/market_halted market/1 cause=circuit-breaker price=115 reference=100 breaker_bps=1000 window_blocks=10 until_height=%d", h+3))
	c.endBlock()
	c.endBlock()
	ctx = c.endBlockEvents() // h+3: resumed; the reference is now 115
	require.True(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketResumed"))
	require.Contains(t, c.lic.audits, "exchange exchange/market_resumed market/1 cause=circuit-breaker halt ended")
	c.mustPlace(d, limit(id, types.Side_SIDE_BUY, 116, 1))
	ctx = c.endBlockEvents()
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
	st, err = c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
	require.NoError(t, err)
	require.Equal(t, int64(116), st.State.LastPrice)
	require.Zero(t, st.State.HaltedUntil)
}

// TestAttackAuctionOutsideTheBandHaltsTheMarket: a call auction whose
// clearing price fell outside the band halted the market, so one order
// could freeze an auction market. Now the auction does not clear this time
// (an exchange_auction_outside_band event), nothing halts, and the orders
// clear at the next auction once the price is inside the band.
func TestAttackAuctionOutsideTheBandHaltsTheMarket(t *testing.T) {
	c := newChain(t)
	m := feeless()
	m.Mode, m.AuctionIntervalBlocks = types.MarketMode_MARKET_MODE_CALL_AUCTION, 2
	m.BandBps, m.BandHaltBlocks = 500, 2
	id := c.createMarket(m)
	c.oracle.prices["ubase/uquote"] = 100
	alice := c.account("alice", 1, false, coin("ubase", 1_000_000))
	bob := c.account("bob", 2, false, coin("uquote", 1_000_000))
	c.deposit(alice, coin("ubase", 1_000_000))
	c.deposit(bob, coin("uquote", 1_000_000))
	c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, 104, 1))
	c.endBlock()                         // h1
	c.oracle.prices["ubase/uquote"] = 90 // band [86, 94]: clearing at 104 is outside
	c.mustPlace(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_MARKET,
		Price: 200, Quantity: 1})
	ctx := c.endBlockEvents() // h2: auction due
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
	require.True(t, hasEvent(ctx, "exchange_auction_outside_band"))
	require.False(t, hasEvent(ctx, "exchange_fill"))
	st, err := c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
	require.NoError(t, err)
	require.Zero(t, st.State.HaltedUntil)
	c.oracle.prices["ubase/uquote"] = 102
	c.endBlock()             // h3
	ctx = c.endBlockEvents() // h4: clears at 104
	require.True(t, hasEvent(ctx, "exchange_fill"))
	got, _ := c.bal(bob, "ubase")
	require.Equal(t, int64(100), got)
}
