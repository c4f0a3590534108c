package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// TestAttackExpiredGTBPassesDeliverTx: a GTB order whose expiry block is
// the current block (or earlier) passed DeliverTx, locked funds and was only
// rejected in EndBlock (already expired). It is refused in DeliverTx; one
// expiring at the next block is accepted.
func TestAttackExpiredGTBPassesDeliverTx(t *testing.T) {
	c := newChain(t)
	id := c.createMarket(feeless())
	b := c.account("bob", 2, false, coin("uquote", 1_000_000))
	c.deposit(b, coin("uquote", 1_000_000))
	c.endBlock()
	c.endBlock()
	h := c.ctx.BlockHeight()
	gtb := func(block int64) types.OrderSpec {
		s := limit(id, types.Side_SIDE_BUY, 100, 1)
		s.TimeInForce, s.ExpireBlock = types.TimeInForce_TIME_IN_FORCE_GTB, block
		return s
	}
	for _, block := range []int64{h, h - 1} {
		c.refused(types.ErrInvalidOrder, func(ctx sdk.Context) error {
			_, err := c.msgs.PlaceOrder(ctx, &types.MsgPlaceOrder{Owner: b.String(), Order: gtb(block)})
			return err
		})
	}
	c.mustPlace(b, gtb(h+1))
	c.endBlock()
	_, locked := c.bal(b, "uquote")
	require.Equal(t, int64(100), locked) // rests until h+1
	c.endBlock()
	_, locked = c.bal(b, "uquote")
	require.Zero(t, locked)
}

// TestAttackEmptyMassCancelPassesDeliverTx: a mass cancel with nothing to
// cancel (no order in the market, on that side, queued or carried over)
// passed DeliverTx and took a queue slot. It is refused; one with an order
// to cancel (resting, or placed earlier in the same block) is accepted.
func TestAttackEmptyMassCancelPassesDeliverTx(t *testing.T) {
	c := newChain(t)
	id := c.createMarket(feeless())
	id2 := c.createMarket(feeless())
	a := c.account("alice", 1, false, coin("ubase", 1_000_000))
	b := c.account("bob", 2, false, coin("uquote", 1_000_000))
	c.deposit(a, coin("ubase", 1_000_000))
	mass := func(owner sdk.AccAddress, market uint64, side types.Side) func(ctx sdk.Context) error {
		return func(ctx sdk.Context) error {
			_, err := c.msgs.MassCancel(ctx, &types.MsgMassCancel{Owner: owner.String(), MarketId: market, Side: side})
			return err
		}
	}
	// An account that never traded, and one with no order yet.
	c.refused(types.ErrOrderNotFound, mass(b, 0, types.Side_SIDE_UNSPECIFIED))
	c.refused(types.ErrOrderNotFound, mass(a, id, types.Side_SIDE_UNSPECIFIED))
	// An order queued this block can be mass-cancelled in the same block.
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 100, 1))
	require.NoError(t, c.tx(mass(a, id, types.Side_SIDE_UNSPECIFIED)))
	c.endBlock()
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 100, 1))
	c.endBlock()
	// Resting: the other market, the other side, nothing; this one, yes.
	c.refused(types.ErrOrderNotFound, mass(a, id2, types.Side_SIDE_UNSPECIFIED))
	c.refused(types.ErrOrderNotFound, mass(a, id, types.Side_SIDE_BUY))
	require.NoError(t, c.tx(mass(a, id, types.Side_SIDE_SELL)))
	require.NoError(t, c.tx(mass(a, 0, types.Side_SIDE_UNSPECIFIED)))
	c.endBlock()
	_, locked := c.bal(a, "ubase")
	require.Zero(t, locked)
	c.refused(types.ErrOrderNotFound, mass(a, 0, types.Side_SIDE_UNSPECIFIED))
}

// batchTx runs a MsgBatch of owner as one tx.
func (c *chain) batchTx(owner sdk.AccAddress, cancels []types.CancelSpec, places []types.OrderSpec, bestEffort bool) (*types.MsgBatchResponse, error) {
	var res *types.MsgBatchResponse
	err := c.tx(func(ctx sdk.Context) error {
		r, err := c.msgs.Batch(ctx, &types.MsgBatch{Owner: owner.String(), Cancels: cancels, Places: places, BestEffort: bestEffort})
		res = r
		return err
	})
	return res, err
}

// TestOwnerCapRefusedInDeliverTx: a place beyond max_open_orders_per_owner
// (the owner's live orders in the market plus its places queued this block,
// less its cancels queued this block) took a block slot and a lock and was
// only rejected in EndBlock. It is refused in DeliverTx with reason
// owner-order-cap, its tx leaving no trace; a cancel in the same block (or
// the same batch) makes room; each market counts on its own.
func TestOwnerCapRefusedInDeliverTx(t *testing.T) {
	const cap = 5
	c := newChain(t)
	id := c.createMarket(feeless())
	other := c.createMarket(feeless())
	c.setParams(func(p *types.Params) { p.MaxOpenOrdersPerOwner = cap })
	a := c.rich("maker", 1)
	var ids []uint64
	for i := 0; i < cap; i++ {
		ids = append(ids, c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 110+int64(i), 1)))
	}
	_, locked := c.bal(a, "ubase")
	_, err := c.place(a, limit(id, types.Side_SIDE_SELL, 120, 1))
	require.ErrorIs(t, err, types.ErrOwnerOrderCap, "the 6th queued place of the block")
	require.Equal(t, types.OrderReason_ORDER_REASON_OWNER_ORDER_CAP, types.ErrorReason(err))
	_, after := c.bal(a, "ubase")
	require.Equal(t, locked, after, "a refused place locked funds")
	c.mustPlace(a, limit(other, types.Side_SIDE_SELL, 120, 1)) // another market
	c.endBlock()
	require.Equal(t, cap, c.liveOrders(a, id))

	// Live orders count: at the cap, refused in DeliverTx.
	_, err = c.place(a, limit(id, types.Side_SIDE_SELL, 121, 1))
	require.ErrorIs(t, err, types.ErrOwnerOrderCap)
	// A cancel this block makes room for one.
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: a.String(), MarketId: id, OrderId: ids[0]})
		return err
	}))
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 121, 1))
	_, err = c.place(a, limit(id, types.Side_SIDE_SELL, 122, 1))
	require.ErrorIs(t, err, types.ErrOwnerOrderCap)
	c.endBlock()
	require.Equal(t, cap, c.liveOrders(a, id))

	// A batch: its cancel makes room for one of its two places (best
	// effort: the second is refused with the reason code).
	res, err := c.batchTx(a, []types.CancelSpec{{MarketId: id, OrderId: ids[1]}},
		[]types.OrderSpec{limit(id, types.Side_SIDE_SELL, 123, 1), limit(id, types.Side_SIDE_SELL, 124, 1)}, true)
	require.NoError(t, err)
	require.NotZero(t, res.OrderIds[0])
	require.Zero(t, res.OrderIds[1])
	require.Equal(t, types.OrderReason_ORDER_REASON_OWNER_ORDER_CAP, res.Results[2].Reason)
	// Atomic: the whole batch is refused.
	_, err = c.batchTx(a, nil, []types.OrderSpec{limit(id, types.Side_SIDE_SELL, 125, 1)}, false)
	require.ErrorIs(t, err, types.ErrOwnerOrderCap)
	c.endBlock()
	require.Equal(t, cap, c.liveOrders(a, id))
	// A mass cancel of the market makes room for a full requote.
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.MassCancel(ctx, &types.MsgMassCancel{Owner: a.String(), MarketId: id})
		return err
	}))
	for i := 0; i < cap; i++ {
		c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 130+int64(i), 1))
	}
	_, err = c.place(a, limit(id, types.Side_SIDE_SELL, 140, 1))
	require.ErrorIs(t, err, types.ErrOwnerOrderCap)
	c.endBlock()
	require.Equal(t, cap, c.liveOrders(a, id))
}

// TestLimitStateRefusedInDeliverTx: in a LULD limit state a limit order
// priced beyond the limit prices was accepted in DeliverTx (locking funds,
// taking a block slot) and rejected in EndBlock. The limit state is known
// in DeliverTx (the market state of the previous EndBlock, which the next
// EndBlock checks before it runs the block's orders), so it is refused
// there: a buy above the upper limit, a sell below the lower one, a replace
// to such a price. Orders at or inside the limits, and stops (banded when
// they trigger), are accepted.
func TestLimitStateRefusedInDeliverTx(t *testing.T) {
	c, id, a, b, d := limitChain(t)
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 109, 1))
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 115, 1))
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 115, 2))
	c.endBlock() // clipped at 110: limit state [90, 110]
	st, err := c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
	require.NoError(t, err)
	require.NotZero(t, st.State.LimitUntil)

	_, err = c.place(d, limit(id, types.Side_SIDE_BUY, 111, 1))
	require.ErrorIs(t, err, types.ErrLimitState)
	require.Equal(t, types.OrderReason_ORDER_REASON_OUTSIDE_BAND, types.ErrorReason(err))
	_, dLocked := c.bal(d, "uquote")
	require.Zero(t, dLocked)
	_, err = c.place(a, limit(id, types.Side_SIDE_SELL, 89, 1))
	require.ErrorIs(t, err, types.ErrLimitState)
	bid := c.mustPlace(d, limit(id, types.Side_SIDE_BUY, 110, 1))
	stop := limit(id, types.Side_SIDE_BUY, 120, 1)
	stop.Type, stop.TriggerPrice = types.OrderType_ORDER_TYPE_STOP_LIMIT, 118
	c.mustPlace(d, stop)
	require.ErrorIs(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.CancelReplace(ctx, &types.MsgCancelReplace{Owner: d.String(), MarketId: id, OrderId: bid, Price: 112, Quantity: 1})
		return err
	}), types.ErrLimitState)
	c.endBlock()
}
