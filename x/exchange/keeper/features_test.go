package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

func TestHeartbeatLapseCancelsAllOrders(t *testing.T) {
	c := newChain(t)
	id := c.createMarket(stdMarket())
	mm := c.account("mm", 1, true, coin("ubase", 1_000_000))
	c.deposit(mm, coin("ubase", 100_000))
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.Heartbeat(ctx, &types.MsgHeartbeat{Owner: mm.String(), WindowBlocks: 2})
		return err
	}))
	c.mustPlace(mm, limit(id, types.Side_SIDE_SELL, 100, 10))
	c.endBlock() // h1, deadline 3
	c.endBlock() // h2
	c.endBlock() // h3: still within the window
	_, l := c.bal(mm, "ubase")
	require.Equal(t, int64(1000), l)
	c.endBlock() // h4 > deadline: lapsed
	_, l = c.bal(mm, "ubase")
	require.Zero(t, l)
	d, err := c.q.Depth(c.ctx, &types.QueryDepthRequest{MarketId: id})
	require.NoError(t, err)
	require.Empty(t, d.Asks)
}

// TestBandBreachCancelsAtTheBand: a resting ask left outside the band by the
// oracle's move does not print; the market order meeting it is cancelled
// with reason "band" and the market is not halted. Once the reference
// comes back, it trades.
func TestBandBreachCancelsAtTheBand(t *testing.T) {
	c := newChain(t)
	m := stdMarket()
	m.BandBps, m.BandHaltBlocks = 500, 2 // ±5%
	id := c.createMarket(m)
	a := c.account("alice", 1, false, coin("ubase", 1_000_000))
	b := c.account("bob", 2, false, coin("uquote", 10_000_000))
	c.deposit(a, coin("ubase", 1_000_000))
	c.deposit(b, coin("uquote", 10_000_000))
	c.oracle.prices["ubase/uquote"] = 100
	_, err := c.place(a, limit(id, types.Side_SIDE_SELL, 120, 1))
	require.ErrorIs(t, err, types.ErrOutsideBand)
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 104, 2))
	c.endBlock()
	// The oracle drops: the resting ask at 104 is now outside [86, 94].
	c.oracle.prices["ubase/uquote"] = 90
	mkt := types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_MARKET, Price: 200, Quantity: 1}
	oid := c.mustPlace(b, mkt)
	ctx := c.endBlockEvents() // h2: it would print at 104: cancelled at the band
	require.Equal(t, "band", cancelReasons(ctx.EventManager().ABCIEvents())[uitoa(oid)])
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"))
	free, locked := c.bal(b, "uquote")
	require.Equal(t, int64(10_000_000), free)
	require.Zero(t, locked)
	st, err := c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
	require.NoError(t, err)
	require.Zero(t, st.State.HaltedUntil)
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 90, 1))
	c.endBlock()
	c.oracle.prices["ubase/uquote"] = 104
	c.mustPlace(b, mkt)
	c.endBlock()
	_, locked = c.bal(a, "ubase")
	require.Equal(t, int64(100), locked) // one of two lots sold
	for _, rec := range c.lic.audits {
		require.NotContains(t, rec, "market_halted")
	}
}

func TestCarryOverBeyondMaxOrdersPerBlock(t *testing.T) {
	c := newChain(t)
	id := c.createMarket(stdMarket())
	p := types.DefaultParams()
	p.MaxOrdersPerBlock = 3
	require.NoError(t, c.k.SetParams(c.ctx, gov, p))
	a := c.account("alice", 1, false, coin("ubase", 1_000_000))
	c.deposit(a, coin("ubase", 100_000))
	var ids []uint64
	for i := 0; i < 7; i++ {
		ids = append(ids, c.mustPlace(a, limit(id, types.Side_SIDE_SELL, int64(100+i), 1)))
	}
	// Cancel a carried-over order before it reaches the book.
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: a.String(), MarketId: id, OrderId: ids[6]})
		return err
	}))
	depth := func() int {
		d, err := c.q.Depth(c.ctx, &types.QueryDepthRequest{MarketId: id})
		require.NoError(t, err)
		return len(d.Asks)
	}
	c.endBlock()
	require.Equal(t, 3, depth())
	c.endBlock()
	require.Equal(t, 6, depth())
	c.endBlock()
	require.Equal(t, 6, depth())
	_, l := c.bal(a, "ubase")
	require.Equal(t, int64(600), l)
}
