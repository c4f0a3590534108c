package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// deployedMaker is a market maker whose whole exchange balance is locked by
// one bid (10 @ 100: 10*(100+1) = 1010 uquote with the 10 bps taker fee) and
// one ask (10 lots: 1000 ubase) on stdMarket.
func deployedMaker(t *testing.T) (c *chain, id uint64, mm sdk.AccAddress, bid, ask uint64) {
	c = newChain(t)
	id = c.createMarket(stdMarket())
	mm = c.account("mm", 1, true, coin("ubase", 1000), coin("uquote", 1010))
	c.deposit(mm, coin("ubase", 1000), coin("uquote", 1010))
	bid = c.mustPlace(mm, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 100, Quantity: 10, ClientOrderId: "bid-1"})
	ask = c.mustPlace(mm, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_SELL, Price: 110, Quantity: 10, ClientOrderId: "ask-1"})
	c.endBlock()
	free, locked := c.bal(mm, "uquote")
	require.Equal(t, [2]int64{0, 1010}, [2]int64{free, locked})
	free, locked = c.bal(mm, "ubase")
	require.Equal(t, [2]int64{0, 1000}, [2]int64{free, locked})
	return c, id, mm, bid, ask
}

func (c *chain) order(id uint64) (types.Order, bool) {
	r, err := c.q.Order(c.ctx, &types.QueryOrderRequest{OrderId: id})
	if err != nil {
		return types.Order{}, false
	}
	return r.Order, true
}

// A fully deployed market maker requotes in one block: a replace locks only
// the net change of its order's lock, and a batch's cancels fund its
// places. Before, the replace locked the full new size before the old lock
// was freed and a batch's cancels freed nothing for its places, so neither
// a requote nor even a shrink was possible without fresh collateral.
func TestAttackRequotingNeedsFreshCollateral(t *testing.T) {
	t.Run("replace", func(t *testing.T) {
		c, id, mm, bid, ask := deployedMaker(t)
		// Lower the bid (10 @ 99 locks 1000 < 1010) and shrink the ask.
		require.NoError(t, c.tx(func(ctx sdk.Context) error {
			_, err := c.msgs.CancelReplace(ctx, &types.MsgCancelReplace{Owner: mm.String(), MarketId: id, OrderId: bid, Price: 99, Quantity: 10})
			return err
		}))
		require.NoError(t, c.tx(func(ctx sdk.Context) error {
			_, err := c.msgs.CancelReplace(ctx, &types.MsgCancelReplace{Owner: mm.String(), MarketId: id, OrderId: ask, Price: 112, Quantity: 6})
			return err
		}))
		// Raising the bid beyond the balance is still refused.
		c.refused(types.ErrInsufficientBalance, func(ctx sdk.Context) error {
			_, err := c.msgs.CancelReplace(ctx, &types.MsgCancelReplace{Owner: mm.String(), MarketId: id, OrderId: bid, Price: 120, Quantity: 10})
			return err
		})
		c.endBlock()
		o, ok := c.order(bid)
		require.True(t, ok)
		require.Equal(t, [2]int64{99, 10}, [2]int64{o.Price, int64(o.Quantity)})
		o, ok = c.order(ask)
		require.True(t, ok)
		require.Equal(t, [2]int64{112, 6}, [2]int64{o.Price, int64(o.Quantity)})
		free, locked := c.bal(mm, "uquote")
		require.Equal(t, [2]int64{10, 1000}, [2]int64{free, locked})
		free, locked = c.bal(mm, "ubase")
		require.Equal(t, [2]int64{400, 600}, [2]int64{free, locked})
	})
	t.Run("batch", func(t *testing.T) {
		c, id, mm, bid, ask := deployedMaker(t)
		var res *types.MsgBatchResponse
		require.NoError(t, c.tx(func(ctx sdk.Context) error {
			var err error
			res, err = c.msgs.Batch(ctx, &types.MsgBatch{Owner: mm.String(),
				Cancels: []types.CancelSpec{{MarketId: id, OrderId: bid}, {MarketId: id, OrderId: ask}},
				Places: []types.OrderSpec{limit(id, types.Side_SIDE_BUY, 99, 10), limit(id, types.Side_SIDE_SELL, 111, 10)}})
			return err
		}))
		require.Len(t, res.OrderIds, 2)
		c.endBlock()
		_, ok := c.order(bid)
		require.False(t, ok)
		o, ok := c.order(res.OrderIds[0])
		require.True(t, ok)
		require.Equal(t, [2]int64{99, 10}, [2]int64{o.Price, int64(o.Quantity)})
		o, ok = c.order(res.OrderIds[1])
		require.True(t, ok)
		require.Equal(t, [2]int64{111, 10}, [2]int64{o.Price, int64(o.Quantity)})
		free, locked := c.bal(mm, "uquote")
		require.Equal(t, [2]int64{10, 1000}, [2]int64{free, locked})
		free, locked = c.bal(mm, "ubase")
		require.Equal(t, [2]int64{0, 1000}, [2]int64{free, locked})
	})
	t.Run("batch: a cancelled order that filled first funds nothing", func(t *testing.T) {
		c, id, mm, bid, _ := deployedMaker(t)
		taker := c.account("taker", 2, false, coin("ubase", 10_000))
		c.deposit(taker, coin("ubase", 10_000))
		// The taker's sell runs before the maker's batch and fills the bid.
		c.mustPlace(taker, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_SELL, Price: 100, Quantity: 10,
			TimeInForce: types.TimeInForce_TIME_IN_FORCE_IOC})
		var res *types.MsgBatchResponse
		require.NoError(t, c.tx(func(ctx sdk.Context) error {
			var err error
			res, err = c.msgs.Batch(ctx, &types.MsgBatch{Owner: mm.String(),
				Cancels: []types.CancelSpec{{MarketId: id, OrderId: bid}},
				Places:  []types.OrderSpec{limit(id, types.Side_SIDE_BUY, 99, 10)}})
			return err
		}))
		ctx := c.endBlockEvents()
		_, ok := c.order(res.OrderIds[0])
		require.False(t, ok, "the place had nothing to draw on")
		require.Contains(t, rejectReasons(ctx), "insufficient-balance")
	})
}

// rejectReasons lists the reasons of the EventOrderRejected of ctx.
func rejectReasons(ctx sdk.Context) []string {
	var out []string
	for _, e := range ctx.EventManager().Events() {
		if e.Type != "clearchain.exchange.v1.EventOrderRejected" {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == "reason" {
				out = append(out, a.Value[1:len(a.Value)-1])
			}
		}
	}
	return out
}
