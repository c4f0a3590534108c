package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// refusalChain has a market, a funded trader with 1 resting ask, and an
// ineligible account.
func refusalChain(t *testing.T) (*chain, uint64, sdk.AccAddress, uint64) {
	c := newChain(t)
	m := stdMarket()
	m.BandBps, m.BandHaltBlocks = 1000, 5 // ±10%
	id := c.createMarket(m)
	// The market bands on its feed: without a fresh price it is halted.
	c.oracle.prices["ubase/uquote"] = 100
	a := c.account("alice", 1, false, coin("ubase", 1_000_000), coin("uquote", 1_000_000))
	c.deposit(a, coin("ubase", 10_000), coin("uquote", 10_000))
	ask := c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 100, 5))
	c.endBlock()
	return c, id, a, ask
}

func TestRefusalsLeaveStateUntouched(t *testing.T) {
	c, id, a, ask := refusalChain(t)
	c.oracle.prices["ubase/uquote"] = 100
	stranger := c.account("zed", 9, false, coin("uquote", 1000))
	c.lic.table[string(stranger)] = licence{entity: 9, markets: map[string]bool{"market/99": true}}
	c.deposit(stranger, coin("uquote", 1000))
	b := c.account("bob", 2, false)

	place := func(owner sdk.AccAddress, s types.OrderSpec) func(sdk.Context) error {
		return func(ctx sdk.Context) error {
			_, err := c.msgs.PlaceOrder(ctx, &types.MsgPlaceOrder{Owner: owner.String(), Order: s})
			return err
		}
	}
	cases := []struct {
		name string
		want error
		fn   func(sdk.Context) error
	}{
		{"price of zero ticks", types.ErrBadTick, place(a, limit(id, types.Side_SIDE_BUY, 0, 1))},
		{"price above the engine's max", types.ErrBadTick, place(a, limit(id, types.Side_SIDE_BUY, 1<<62, 1))},
		{"zero lots", types.ErrBadLot, place(a, limit(id, types.Side_SIDE_BUY, 100, 0))},
		{"lots above the engine's max", types.ErrBadLot, place(a, limit(id, types.Side_SIDE_BUY, 100, 1<<41))},
		{"below min notional", types.ErrMinNotional, place(a, limit(id, types.Side_SIDE_BUY, 9, 1))},
		{"outside the band", types.ErrOutsideBand, place(a, limit(id, types.Side_SIDE_BUY, 111, 1))},
		{"insufficient balance", types.ErrInsufficientBalance, place(a, limit(id, types.Side_SIDE_BUY, 100, 1000))},
		{"ineligible", types.ErrIneligible, place(stranger, limit(id, types.Side_SIDE_BUY, 100, 1))},
		{"unknown market", types.ErrMarketNotFound, place(a, limit(77, types.Side_SIDE_BUY, 100, 1))},
		{"no side", types.ErrInvalidOrder, place(a, limit(id, types.Side_SIDE_UNSPECIFIED, 100, 1))},
		{"post-only IOC", types.ErrInvalidOrder, place(a, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 100, Quantity: 1,
			PostOnly: true, TimeInForce: types.TimeInForce_TIME_IN_FORCE_IOC})},
		{"GTB in the past", types.ErrInvalidOrder, place(a, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 100, Quantity: 1,
			TimeInForce: types.TimeInForce_TIME_IN_FORCE_GTB, ExpireBlock: 1})},
		{"batch too large", types.ErrBatchTooLarge, func(ctx sdk.Context) error {
			_, err := c.msgs.Batch(ctx, &types.MsgBatch{Owner: a.String(), Places: make([]types.OrderSpec, types.DefaultMaxBatchSize+1)})
			return err
		}},
		{"unknown order", types.ErrOrderNotFound, func(ctx sdk.Context) error {
			_, err := c.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: a.String(), MarketId: id, OrderId: 12345})
			return err
		}},
		{"someone else's order", types.ErrNotOwner, func(ctx sdk.Context) error {
			_, err := c.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: b.String(), MarketId: id, OrderId: ask})
			return err
		}},
		{"replace an unknown order", types.ErrOrderNotFound, func(ctx sdk.Context) error {
			_, err := c.msgs.CancelReplace(ctx, &types.MsgCancelReplace{Owner: a.String(), MarketId: id, OrderId: 999, Price: 100, Quantity: 1})
			return err
		}},
		{"create market: not the authority", types.ErrUnauthorized, func(ctx sdk.Context) error {
			_, err := c.msgs.CreateMarket(ctx, &types.MsgCreateMarket{Authority: a.String(), Market: stdMarket()})
			return err
		}},
		{"update market: not the authority", types.ErrUnauthorized, func(ctx sdk.Context) error {
			_, err := c.msgs.UpdateMarket(ctx, &types.MsgUpdateMarket{Authority: a.String(), MarketId: id, Status: types.MarketStatus_MARKET_STATUS_HALTED})
			return err
		}},
		{"update params: not the authority", types.ErrUnauthorized, func(ctx sdk.Context) error {
			_, err := c.msgs.UpdateParams(ctx, &types.MsgUpdateParams{Authority: a.String(), Params: types.DefaultParams()})
			return err
		}},
		{"invalid market", types.ErrInvalidMarket, func(ctx sdk.Context) error {
			m := stdMarket()
			m.QuoteDenom = m.BaseDenom
			_, err := c.msgs.CreateMarket(ctx, &types.MsgCreateMarket{Authority: gov, Market: m})
			return err
		}},
		{"rebate above taker fee", types.ErrInvalidMarket, func(ctx sdk.Context) error {
			m := stdMarket()
			m.MakerFeeBps = -20
			_, err := c.msgs.CreateMarket(ctx, &types.MsgCreateMarket{Authority: gov, Market: m})
			return err
		}},
		{"heartbeat window too long", types.ErrInvalidHeartbeat, func(ctx sdk.Context) error {
			_, err := c.msgs.Heartbeat(ctx, &types.MsgHeartbeat{Owner: a.String(), WindowBlocks: types.DefaultMaxHeartbeatWindow + 1})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.t = t
			c.refused(tc.want, tc.fn)
		})
	}
	c.t = t

	// A failing batch takes its earlier places with it.
	c.refused(types.ErrMinNotional, func(ctx sdk.Context) error {
		_, err := c.msgs.Batch(ctx, &types.MsgBatch{Owner: a.String(), Places: []types.OrderSpec{
			limit(id, types.Side_SIDE_BUY, 100, 1), limit(id, types.Side_SIDE_BUY, 1, 1)}})
		return err
	})

	// Halted and cancel-only markets refuse orders.
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.UpdateMarket(ctx, &types.MsgUpdateMarket{Authority: gov, MarketId: id, Status: types.MarketStatus_MARKET_STATUS_HALTED})
		return err
	}))
	c.refused(types.ErrMarketHalted, place(a, limit(id, types.Side_SIDE_BUY, 100, 1)))
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.UpdateMarket(ctx, &types.MsgUpdateMarket{Authority: gov, MarketId: id, Status: types.MarketStatus_MARKET_STATUS_CANCEL_ONLY})
		return err
	}))
	c.refused(types.ErrMarketStatus, place(a, limit(id, types.Side_SIDE_BUY, 100, 1)))
	// Cancels still work on a cancel-only market.
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: a.String(), MarketId: id, OrderId: ask})
		return err
	}))
	c.endBlock()
	f, l := c.bal(a, "ubase")
	require.Equal(t, int64(10_000), f)
	require.Zero(t, l)
}

func TestParamsAuthority(t *testing.T) {
	c := newChain(t)
	reg := c.account("regulator", 1, false)
	p := types.DefaultParams()
	p.Authority = reg.String()
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.UpdateParams(ctx, &types.MsgUpdateParams{Authority: gov, Params: p})
		return err
	}))
	// The regulator may now create and update markets.
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.CreateMarket(ctx, &types.MsgCreateMarket{Authority: reg.String(), Market: stdMarket()})
		return err
	}))
	mn := sdkmath.NewInt(1000)
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.UpdateMarket(ctx, &types.MsgUpdateMarket{Authority: reg.String(), MarketId: 1, MinNotional: &mn,
			Status: types.MarketStatus_MARKET_STATUS_POST_ONLY})
		return err
	}))
	r, err := c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: 1})
	require.NoError(t, err)
	require.Equal(t, types.MarketStatus_MARKET_STATUS_POST_ONLY, r.Market.Status)
	require.Equal(t, int64(1000), r.Market.MinNotional.Int64())
	// Post-only market: a plain limit is refused, a post-only one accepted.
	a := c.account("alice", 2, false, coin("uquote", 1_000_000))
	c.deposit(a, coin("uquote", 1_000_000))
	c.refused(types.ErrMarketStatus, func(ctx sdk.Context) error {
		_, err := c.msgs.PlaceOrder(ctx, &types.MsgPlaceOrder{Owner: a.String(), Order: limit(1, types.Side_SIDE_BUY, 100, 10)})
		return err
	})
	s := limit(1, types.Side_SIDE_BUY, 100, 10)
	s.PostOnly = true
	c.mustPlace(a, s)
	c.endBlock()
}
