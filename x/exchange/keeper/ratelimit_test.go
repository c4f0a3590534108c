package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/keeper"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// TestRateLimitWindows: ChargeOrderRate counts an account's orders in
// aligned windows, refuses (and counts the refusal of) what would pass the
// limit without charging it, starts each window afresh while keeping the
// total of refusals, keeps accounts apart, and writes nothing without a
// limit. The Msg server refuses an order message past the limit with
// ErrRateLimited, queuing nothing, and notes the refusal; the module's
// EndBlock (FlushRateRefusals) writes it.
func TestRateLimitWindows(t *testing.T) {
	c := newChain(t)
	mm := c.account("mm", 1, true, coin("uquote", 1_000_000))
	other := c.account("other", 2, false)
	c.deposit(mm, coin("uquote", 1_000_000))
	market := c.createMarket(stdMarket())

	charge := func(who sdk.AccAddress, n uint64) keeper.RateLimitVerdict {
		var v keeper.RateLimitVerdict
		require.NoError(t, c.tx(func(ctx sdk.Context) error {
			var err error
			v, err = c.k.ChargeOrderRate(ctx, who, n)
			return err
		}))
		return v
	}
	rate := func(who sdk.AccAddress) *types.QueryRateLimitResponse {
		r, err := c.q.RateLimit(c.ctx, &types.QueryRateLimitRequest{Address: who.String()})
		require.NoError(t, err)
		return r
	}

	require.False(t, charge(mm, 100).Refused, "no limit by default")
	_, err := c.k.RateLimits.Get(c.ctx, mm)
	require.Error(t, err, "nothing written without a limit")

	p := c.k.GetParams(c.ctx)
	p.MaxOrdersPerWindow, p.RateLimitWindowBlocks = 3, 4
	require.NoError(t, c.k.SetParams(c.ctx, gov, p))
	for c.height%4 != 0 { // start at a window's first height
		c.endBlock()
	}
	start := c.height
	require.False(t, charge(mm, 2).Refused)
	v := charge(mm, 2)
	require.True(t, v.Refused)
	require.ErrorIs(t, v.Err(), types.ErrRateLimited)
	require.False(t, charge(mm, 1).Refused, "the refused orders were not charged")
	require.False(t, charge(other, 3).Refused, "accounts are apart")
	require.Equal(t, &types.QueryRateLimitResponse{Used: 3, Limit: 3, Refusals: 1, RefusalsTotal: 1, WindowBlocks: 4, WindowStart: start}, rate(mm))

	// A place past the limit: refused by the Msg server, nothing queued or
	// written; the refusal is written by FlushRateRefusals.
	before := c.snapshot()
	err = c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.PlaceOrder(ctx, &types.MsgPlaceOrder{Owner: mm.String(), Order: limit(market, types.Side_SIDE_BUY, 100, 1)})
		return err
	})
	require.ErrorIs(t, err, types.ErrRateLimited)
	require.Equal(t, before, c.snapshot())
	c.k.FlushRateRefusals(c.ctx)
	require.Equal(t, uint64(2), rate(mm).Refusals, "the refusal the rollback dropped is written by the flush")

	c.endBlock()
	require.True(t, charge(mm, 1).Refused, "same window")
	for c.height < start+4 {
		c.endBlock()
	}
	require.Equal(t, &types.QueryRateLimitResponse{Used: 0, Limit: 3, Refusals: 0, RefusalsTotal: 3, WindowBlocks: 4, WindowStart: start + 4}, rate(mm))
	require.False(t, charge(mm, 3).Refused, "a new window")
}

// TestRateLimitCountersSurviveGenesisExport: the accounts' rate-limit
// windows (used, refusals in the window, refusals in total) are exported
// and imported, so a chain restarted from an export limits and reports as
// the exporting chain did.
func TestRateLimitCountersSurviveGenesisExport(t *testing.T) {
	c := newChain(t)
	mm := c.account("mm", 1, true)
	other := c.account("other", 2, false)
	p := c.k.GetParams(c.ctx)
	p.MaxOrdersPerWindow, p.RateLimitWindowBlocks = 3, 100
	require.NoError(t, c.k.SetParams(c.ctx, gov, p))
	for _, ch := range []struct {
		who sdk.AccAddress
		n   uint64
	}{{mm, 2}, {mm, 2}, {other, 1}, {mm, 5}} {
		require.NoError(t, c.tx(func(ctx sdk.Context) error {
			_, err := c.k.ChargeOrderRate(ctx, ch.who, ch.n)
			return err
		}))
	}
	c.endBlock()
	gs, err := c.k.ExportGenesis(c.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())

	d := newChain(t)
	d.height = c.height
	d.ctx = d.newCtx()
	require.NoError(t, d.k.InitGenesis(d.ctx, gs))
	for _, who := range []sdk.AccAddress{mm, other} {
		want, err := c.q.RateLimit(c.ctx, &types.QueryRateLimitRequest{Address: who.String()})
		require.NoError(t, err)
		got, err := d.q.RateLimit(d.ctx, &types.QueryRateLimitRequest{Address: who.String()})
		require.NoError(t, err)
		require.Equal(t, want, got, "%s", who)
	}
	got, err := d.q.RateLimit(d.ctx, &types.QueryRateLimitRequest{Address: mm.String()})
	require.NoError(t, err)
	require.Equal(t, &types.QueryRateLimitResponse{Used: 2, Limit: 3, Refusals: 2, RefusalsTotal: 2, WindowBlocks: 100}, got)
}
