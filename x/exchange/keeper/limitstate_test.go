package keeper_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// limitChain lists a feeless market with a circuit breaker of 10% over a
// 10-block window, a 3-block limit state and a 2-block pause, and makes a
// first trade at 100 (the breaker's reference: limits [90, 110]).
func limitChain(t *testing.T) (c *chain, id uint64, alice, bob, dave sdk.AccAddress) {
	c = newChain(t)
	m := feeless()
	m.BreakerBps, m.BreakerWindowBlocks, m.BandHaltBlocks, m.LimitStateBlocks = 1000, 10, 2, 3
	id = c.createMarket(m)
	a := c.account("alice", 1, false, coin("ubase", 1_000_000))
	b := c.account("bob", 2, false, coin("uquote", 1_000_000))
	d := c.account("dave", 3, false, coin("uquote", 1_000_000))
	c.deposit(a, coin("ubase", 1_000_000))
	c.deposit(b, coin("uquote", 1_000_000))
	c.deposit(d, coin("uquote", 1_000_000))
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 100, 1))
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 100, 1))
	c.endBlock()
	return c, id, a, b, d
}

// TestBreakerEntersLimitStateBeforePause: a taker that would print beyond
// the circuit breaker's threshold no longer halts the market at once (as
// the breaker did, printing first): it is clipped at the limit price and
// the market enters a limit state (evented and audited, cause limit-up) in
// which orders are accepted only at or inside the limits. The market is
// paused (cause circuit-breaker, evented and audited) only because it is
// still at its limit after limit_state_blocks blocks.
func TestBreakerEntersLimitStateBeforePause(t *testing.T) {
	c, id, a, b, d := limitChain(t)
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 109, 1))
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 115, 1))
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 115, 2))
	h := c.ctx.BlockHeight()
	ctx := c.endBlockEvents()
	// 109 prints; 115 would print beyond 110: clipped, limit state.
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"), "the breaker halted at once")
	require.True(t, hasEventWith(ctx, "clearchain.exchange.v1.EventMarketLimitState", "cause", `"limit-up"`))
	st, err := c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
	require.NoError(t, err)
	require.Equal(t, int64(109), st.State.LastPrice, "a trade printed beyond the limit")
	require.Equal(t, h+3, st.State.LimitUntil)
	require.Equal(t, [2]int64{90, 110}, [2]int64{st.State.LimitLow, st.State.LimitHigh})
	require.Zero(t, st.State.HaltedUntil)
	require.Contains(t, c.lic.audits, fmt.Sprintf(
		"exchange exchange/market_limit_state market/%d cause=limit-up limit=110 limits=[90,110] reference=100 breaker_bps=1000 until_height=%d", id, h+3))
	_, bLocked := c.bal(b, "uquote")
	require.Zero(t, bLocked, "the clipped rest of bob's buy kept its lock")

	// In the limit state: a buy above the upper limit is rejected; a bid at
	// the limit rests (the market stays at its limit).
	// (Refused in DeliverTx now: TestLimitStateRefusedInDeliverTx.)
	_, err = c.place(d, limit(id, types.Side_SIDE_BUY, 111, 1))
	require.ErrorIs(t, err, types.ErrLimitState)
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 110, 1))
	ctx = c.endBlockEvents() // h+1
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
	_, dLocked := c.bal(d, "uquote")
	require.Zero(t, dLocked)

	// h+2, the limit state's last block: still at its limit, paused.
	ctx = c.endBlockEvents()
	require.True(t, hasEventWith(ctx, "clearchain.exchange.v1.EventMarketHalted", "cause", `"circuit-breaker"`))
	require.True(t, hasEventWith(ctx, "clearchain.exchange.v1.EventMarketLimitState", "cause", `"paused"`))
	st, err = c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
	require.NoError(t, err)
	require.Equal(t, h+2+3, st.State.HaltedUntil)
	require.Zero(t, st.State.LimitUntil)
	require.Contains(t, c.lic.audits, fmt.Sprintf(
		"exchange exchange/market_halted market/%d cause=circuit-breaker limit state persisted 3 blocks limits=[90,110] reference=100 last_price=109 until_height=%d", id, h+5))
	_, err = c.place(d, limit(id, types.Side_SIDE_BUY, 110, 1))
	require.ErrorIs(t, err, types.ErrMarketHalted)
}

// TestLimitStateEndsInsideTheLimits: a market in its limit state that is
// back inside its limits (nothing clipped, no order resting at a limit)
// leaves it without a pause.
func TestLimitStateEndsInsideTheLimits(t *testing.T) {
	c, id, a, b, _ := limitChain(t)
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 115, 1))
	ioc := limit(id, types.Side_SIDE_BUY, 115, 1)
	ioc.TimeInForce = types.TimeInForce_TIME_IN_FORCE_IOC
	c.mustPlace(b, ioc)
	ctx := c.endBlockEvents()
	require.True(t, hasEventWith(ctx, "clearchain.exchange.v1.EventMarketLimitState", "cause", `"limit-up"`))
	// The seller comes back inside the limits: a trade at 105.
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 105, 1))
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 105, 1))
	ctx = c.endBlockEvents()
	require.True(t, hasEventWith(ctx, "clearchain.exchange.v1.EventMarketLimitState", "cause", `"inside-limits"`))
	require.True(t, hasEvent(ctx, "clearchain.exchange.v1.EventTrades"))
	for i := 0; i < 3; i++ {
		ctx = c.endBlockEvents()
		require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
	}
	st, err := c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
	require.NoError(t, err)
	require.Zero(t, st.State.LimitUntil)
	require.Zero(t, st.State.HaltedUntil)
	require.Equal(t, int64(105), st.State.LastPrice)
	require.True(t, strings.Contains(c.lic.audits[len(c.lic.audits)-1], "cause=inside-limits"))
}

// TestLimitStateWithABandBeyondTheLimits: when the oracle's price band lies
// wholly beyond the circuit breaker's limits, the engine's band is the limit
// price itself, never switched off (an empty intersection would unband the
// market): a taker prints at most at the limit and the market enters its
// limit state.
func TestLimitStateWithABandBeyondTheLimits(t *testing.T) {
	c := newChain(t)
	m := feeless()
	m.BandBps, m.BandHaltBlocks = 500, 2
	m.BreakerBps, m.BreakerWindowBlocks, m.LimitStateBlocks = 1000, 10, 3
	id := c.createMarket(m)
	a := c.account("alice", 1, false, coin("ubase", 1_000_000))
	b := c.account("bob", 2, false, coin("uquote", 1_000_000))
	c.deposit(a, coin("ubase", 1_000_000))
	c.deposit(b, coin("uquote", 1_000_000))
	c.oracle.prices["ubase/uquote"] = 100
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 100, 1))
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 100, 1))
	c.endBlock()                          // the breaker's reference: 100, limits [90, 110]
	c.oracle.prices["ubase/uquote"] = 130 // band about [124, 136]
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 126, 1))
	ioc := limit(id, types.Side_SIDE_BUY, 130, 1)
	ioc.TimeInForce = types.TimeInForce_TIME_IN_FORCE_IOC
	c.mustPlace(b, ioc)
	ctx := c.endBlockEvents()
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventTrades"), "a trade printed beyond the limit")
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
	require.True(t, hasEventWith(ctx, "clearchain.exchange.v1.EventMarketLimitState", "cause", `"limit-up"`))
	st, err := c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
	require.NoError(t, err)
	require.Equal(t, int64(100), st.State.LastPrice)
	require.Equal(t, int64(110), st.State.LimitHigh)
}
