package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

func TestCrossingOrdersSettleDvPWithFees(t *testing.T) {
	c := newChain(t)
	id := c.createMarket(stdMarket())
	alice := c.account("alice", 1, true, coin("ubase", 1_000_000), coin("uquote", 1_000_000))
	bob := c.account("bob", 2, false, coin("ubase", 1_000_000), coin("uquote", 1_000_000))
	c.deposit(alice, coin("ubase", 100_000))
	c.deposit(bob, coin("uquote", 100_000))

	// Alice (market maker) rests a sell of 10 lots at 500 ticks.
	ask := c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, 500, 10))
	free, locked := c.bal(alice, "ubase")
	require.Equal(t, int64(99_000), free)
	require.Equal(t, int64(1_000), locked)
	c.endBlock()

	// Bob buys 4 lots at up to 510: fills at 500 (price improvement).
	bid := c.mustPlace(bob, limit(id, types.Side_SIDE_BUY, 510, 4))
	// Lock: 4 * (510 + ceil(510*10/10000)=1) = 2044.
	free, locked = c.bal(bob, "uquote")
	require.Equal(t, int64(100_000-2044), free)
	require.Equal(t, int64(2044), locked)
	c.endBlock()

	// Cost 4*500 = 2000; taker fee ceil(2000*10/1e4) = 2; maker rebate floor(2000*2/1e4) = 0.
	free, locked = c.bal(bob, "uquote")
	require.Equal(t, int64(100_000-2002), free)
	require.Zero(t, locked)
	free, _ = c.bal(bob, "ubase")
	require.Equal(t, int64(400), free)
	free, locked = c.bal(alice, "uquote")
	require.Equal(t, int64(2000), free)
	require.Zero(t, locked)
	free, locked = c.bal(alice, "ubase")
	require.Equal(t, int64(99_000), free)
	require.Equal(t, int64(600), locked)
	fees := c.bank.GetBalance(c.ctx, authtypes.NewModuleAddress(authtypes.FeeCollectorName), "uquote")
	require.Equal(t, int64(2), fees.Amount.Int64())

	// The ask rests with 6 lots; the bid is gone.
	r, err := c.q.Order(c.ctx, &types.QueryOrderRequest{OrderId: ask})
	require.NoError(t, err)
	require.Equal(t, uint64(6), r.Order.Quantity)
	require.Equal(t, alice.String(), r.Order.Owner)
	_, err = c.q.Order(c.ctx, &types.QueryOrderRequest{OrderId: bid})
	require.Error(t, err)
	tr, err := c.q.Trades(c.ctx, &types.QueryTradesRequest{MarketId: id})
	require.NoError(t, err)
	require.Len(t, tr.Trades, 1)
	require.Equal(t, int64(500), tr.Trades[0].Price)
	st, err := c.q.Stats(c.ctx, &types.QueryStatsRequest{MarketId: id})
	require.NoError(t, err)
	require.Equal(t, int64(500), st.LastPrice)
	require.Equal(t, uint64(4), st.VolumeLots)
	require.Equal(t, int64(500), st.BestAsk)
	d, err := c.q.Depth(c.ctx, &types.QueryDepthRequest{MarketId: id})
	require.NoError(t, err)
	require.Len(t, d.Asks, 1)
	require.Empty(t, d.Bids)
}

func TestMakerRebateOnlyForMarketMakers(t *testing.T) {
	c := newChain(t)
	m := stdMarket()
	m.MakerFeeBps, m.TakerFeeBps = -5, 10
	id := c.createMarket(m)
	mm := c.account("mm", 1, true, coin("ubase", 10_000_000))
	plain := c.account("plain", 2, false, coin("ubase", 10_000_000))
	buyer := c.account("buyer", 3, false, coin("uquote", 100_000_000))
	c.deposit(mm, coin("ubase", 10_000_000))
	c.deposit(plain, coin("ubase", 10_000_000))
	c.deposit(buyer, coin("uquote", 100_000_000))
	c.mustPlace(mm, limit(id, types.Side_SIDE_SELL, 1000, 100))
	c.mustPlace(plain, limit(id, types.Side_SIDE_SELL, 1000, 100))
	c.endBlock()
	c.mustPlace(buyer, limit(id, types.Side_SIDE_BUY, 1000, 200))
	c.endBlock()
	// Each fill: cost 100_000, taker fee 100, rebate 50 for the MM only.
	f, _ := c.bal(mm, "uquote")
	require.Equal(t, int64(100_050), f)
	f, _ = c.bal(plain, "uquote")
	require.Equal(t, int64(100_000), f)
	f, l := c.bal(buyer, "uquote")
	require.Equal(t, int64(100_000_000-200_200), f)
	require.Zero(t, l)
	fees := c.bank.GetBalance(c.ctx, authtypes.NewModuleAddress(authtypes.FeeCollectorName), "uquote")
	require.Equal(t, int64(150), fees.Amount.Int64())
}

func TestDepositWithdraw(t *testing.T) {
	c := newChain(t)
	a := c.account("alice", 1, false, coin("uquote", 1000))
	c.deposit(a, coin("uquote", 600))
	require.Equal(t, int64(400), c.bank.GetBalance(c.ctx, a, "uquote").Amount.Int64())
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.Withdraw(ctx, &types.MsgWithdraw{Owner: a.String(), Amount: coin("uquote", 100)})
		return err
	}))
	f, _ := c.bal(a, "uquote")
	require.Equal(t, int64(500), f)
	require.NoError(t, c.k.CheckBalanceInvariant(c.ctx))
	c.refused(types.ErrInsufficientBalance, func(ctx sdk.Context) error {
		_, err := c.msgs.Withdraw(ctx, &types.MsgWithdraw{Owner: a.String(), Amount: coin("uquote", 501)})
		return err
	})
	c.refused(types.ErrInvalidAmount, func(ctx sdk.Context) error {
		_, err := c.msgs.Deposit(ctx, &types.MsgDeposit{Owner: a.String(), Amount: coin("uquote", 0)})
		return err
	})
}
