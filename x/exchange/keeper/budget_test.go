package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// setParams changes the exchange params (as governance would).
func (c *chain) setParams(fn func(p *types.Params)) {
	c.t.Helper()
	p := c.k.GetParams(c.ctx)
	fn(&p)
	require.NoError(c.t, c.k.SetParams(c.ctx, gov, p))
}

// heartbeat arms owner's dead-man switch for window blocks.
func (c *chain) heartbeat(owner sdk.AccAddress, window uint64) {
	c.t.Helper()
	require.NoError(c.t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.Heartbeat(ctx, &types.MsgHeartbeat{Owner: owner.String(), WindowBlocks: window})
		return err
	}))
}

// liveOrders returns the number of owner's live orders in market id
// (resting and stops).
func (c *chain) liveOrders(owner sdk.AccAddress, id uint64) int {
	c.t.Helper()
	r, err := c.q.OrdersByOwner(c.ctx, &types.QueryOrdersByOwnerRequest{Owner: owner.String(), MarketId: id})
	require.NoError(c.t, err)
	return int(r.Pagination.Total)
}

// TestAttackHeartbeatMissesCarriedOverOrders: orders sent before the
// heartbeat deadline but carried past max_orders_per_block were placed after
// the lapse's mass cancel and stayed (the switch was gone). A lapse now
// cancels everything of the owner, its carried-over commands included.
func TestAttackHeartbeatMissesCarriedOverOrders(t *testing.T) {
	c := newChain(t)
	id := c.createMarket(stdMarket())
	mm := c.account("mm", 1, true, coin("ubase", 1_000_000))
	c.deposit(mm, coin("ubase", 100_000))
	c.setParams(func(p *types.Params) { p.MaxOrdersPerBlock = 2 })
	c.heartbeat(mm, 2) // h1: deadline 3
	c.endBlock()       // h1
	c.endBlock()       // h2
	// h3 (the deadline block): five asks, of which two run this block and
	// three are carried over.
	for i := int64(0); i < 5; i++ {
		c.mustPlace(mm, limit(id, types.Side_SIDE_SELL, 100+i, 1))
	}
	c.endBlock() // h3
	require.Equal(t, 2, c.liveOrders(mm, id))
	for i := 0; i < 4; i++ { // h4: lapsed; h5..h7 drain whatever was carried
		c.endBlock()
	}
	require.Zero(t, c.liveOrders(mm, id), "orders sent before the deadline survived the lapse")
	_, locked := c.bal(mm, "ubase")
	require.Zero(t, locked)
}
