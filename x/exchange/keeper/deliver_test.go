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
