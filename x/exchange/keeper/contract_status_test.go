package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// Contract order records: a tracked maker (a market maker, so its fee is a
// rebate) and a tracked taker fill; the records hold exactly the notional
// and the signed fees EndBlock settled, an open order's record cannot be
// acknowledged, a client id with a record cannot be tracked again, and the
// records survive a genesis export and import unchanged.
func TestContractOrderRecordsTrackFillsFeesAndGenesis(t *testing.T) {
	c := newChain(t)
	m := c.createMarket(stdMarket())
	maker := c.account("maker", 1, true, coin("ubase", 10_000), coin("uquote", 1_000_000))
	taker := c.account("taker", 2, false, coin("ubase", 10_000), coin("uquote", 1_000_000))
	c.deposit(maker, coin("ubase", 10_000))
	c.deposit(taker, coin("uquote", 1_000_000))
	track := func(owner sdk.AccAddress, spec types.OrderSpec) uint64 {
		id := c.mustPlace(owner, spec)
		require.NoError(t, c.tx(func(ctx sdk.Context) error { return c.k.TrackContractOrder(ctx, owner, id, spec) }))
		return id
	}
	ask := limit(m, types.Side_SIDE_SELL, 10_000, 10)
	ask.ClientOrderId = "mk-1"
	askID := track(maker, ask)
	c.endBlock()
	bid := limit(m, types.Side_SIDE_BUY, 10_000, 4)
	bid.ClientOrderId = "tk-1"
	bidID := track(taker, bid)
	c.endBlock()

	rec, found, err := c.k.ContractOrder(c.ctx, maker, "mk-1")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, askID, rec.OrderId)
	require.Equal(t, types.OrderState_ORDER_STATE_OPEN, rec.State)
	require.Equal(t, uint64(4), rec.FilledQuantity)
	require.Equal(t, "40000", rec.QuoteFilled.String())
	require.Equal(t, "-8", rec.FeesPaid.String(), "a market maker's rebate: 2 bps of 40000")
	rec, found, err = c.k.ContractOrder(c.ctx, taker, "tk-1")
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, bidID, rec.OrderId)
	require.Equal(t, types.OrderState_ORDER_STATE_FILLED, rec.State)
	require.Equal(t, "40", rec.FeesPaid.String(), "taker fee: 10 bps of 40000")

	c.refused(types.ErrContractOrder, func(ctx sdk.Context) error {
		_, err := c.k.AckContractOrder(ctx, maker, "mk-1")
		return err
	})
	c.refused(types.ErrContractOrder, func(ctx sdk.Context) error {
		return c.k.TrackContractOrder(ctx, taker, bidID+100, bid)
	})

	gs, err := c.k.ExportGenesis(c.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Len(t, gs.ContractOrders, 2)
	d := newChain(t)
	require.NoError(t, d.k.InitGenesis(d.ctx, gs))
	gs2, err := d.k.ExportGenesis(d.ctx)
	require.NoError(t, err)
	require.Equal(t, gs.ContractOrders, gs2.ContractOrders)

	// The finished taker order's record is acknowledged and gone.
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.k.AckContractOrder(ctx, taker, "tk-1")
		return err
	}))
	_, found, err = c.k.ContractOrder(c.ctx, taker, "tk-1")
	require.NoError(t, err)
	require.False(t, found)
	c.refused(types.ErrContractOrder, func(ctx sdk.Context) error {
		_, err := c.k.AckContractOrder(ctx, taker, "tk-1")
		return err
	})
}
