package keeper_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// pausedQuoteMarket lists ubase against an issued (unrestricted) usd asset
// with a 10 bps taker fee; seller rests 10 lots at 500 and buyer holds usd
// in its exchange balance.
func pausedQuoteMarket(t *testing.T) (rc *regChain, id uint64, usd string, seller, buyer sdk.AccAddress) {
	rc = newRegChain(t)
	usd = rc.asset("usd", false)
	m := stdMarket()
	m.QuoteDenom = usd
	id = rc.createMarket(m)
	seller = rc.trader("seller", 1, coin("ubase", 1_000_000))
	buyer = rc.trader("buyer", 2)
	rc.give(buyer, coin(usd, 1_000_000))
	rc.deposit(seller, coin("ubase", 100_000))
	rc.deposit(buyer, coin(usd, 100_000))
	rc.mustPlace(seller, limit(id, types.Side_SIDE_SELL, 500, 10))
	require.NoError(t, rc.tryEndBlock())
	return rc, id, usd, seller, buyer
}

// TestAttackPausedQuoteAssetHaltsEndBlock: a buy crossing the book is queued,
// then the issuer pauses the market's quote asset in the same block. Before
// the fix the fill's fee payment (a bank send of the paused denom) failed
// EndBlock, and so FinalizeBlock on every node.
func TestAttackPausedQuoteAssetHaltsEndBlock(t *testing.T) {
	rc, id, usd, _, buyer := pausedQuoteMarket(t)
	rc.mustPlace(buyer, limit(id, types.Side_SIDE_BUY, 510, 4))
	require.NoError(t, rc.tx(func(ctx sdk.Context) error {
		return rc.assets.SetPaused(ctx, rc.issuer, usd, true)
	}))
	require.NoError(t, rc.tryEndBlock(), "EndBlock must never fail because an issuer paused an asset")
	_ = sdkmath.ZeroInt
}

// TestPausedAssetSuspendsItsMarkets: while an asset is paused its markets
// accept no order, do not match (queued places are rejected and their locks
// released), and the asset cannot be withdrawn or deposited; cancels still
// run. After the resume the market matches again and the fee reaches the
// fee collector.
func TestPausedAssetSuspendsItsMarkets(t *testing.T) {
	rc, id, usd, seller, buyer := pausedQuoteMarket(t)
	bid := rc.mustPlace(buyer, limit(id, types.Side_SIDE_BUY, 510, 4))
	require.NoError(t, rc.tx(func(ctx sdk.Context) error { return rc.assets.SetPaused(ctx, rc.issuer, usd, true) }))
	require.NoError(t, rc.tryEndBlock())
	free, locked := rc.bal(buyer, usd)
	require.Equal(t, int64(100_000), free, "the rejected bid's lock is released")
	require.Zero(t, locked)
	_, err := rc.q.Order(rc.ctx, &types.QueryOrderRequest{OrderId: bid})
	require.Error(t, err)
	fb, _ := rc.bal(buyer, "ubase")
	require.Zero(t, fb, "no fill while paused")

	// Refused at the door of the keeper, state untouched.
	rc.refused(types.ErrAssetPaused, func(ctx sdk.Context) error {
		_, err := rc.msgs.PlaceOrder(ctx, &types.MsgPlaceOrder{Owner: buyer.String(), Order: limit(id, types.Side_SIDE_BUY, 500, 1)})
		return err
	})
	rc.refused(types.ErrAssetPaused, func(ctx sdk.Context) error {
		_, err := rc.msgs.PlaceOrder(ctx, &types.MsgPlaceOrder{Owner: seller.String(), Order: limit(id, types.Side_SIDE_SELL, 600, 1)})
		return err
	})
	rc.refused(types.ErrAssetPaused, func(ctx sdk.Context) error {
		_, err := rc.msgs.Withdraw(ctx, &types.MsgWithdraw{Owner: buyer.String(), Amount: coin(usd, 1)})
		return err
	})
	rc.refused(types.ErrAssetPaused, func(ctx sdk.Context) error {
		_, err := rc.msgs.Deposit(ctx, &types.MsgDeposit{Owner: buyer.String(), Amount: coin(usd, 1)})
		return err
	})
	// The unpaused base may still be withdrawn.
	require.NoError(t, rc.tx(func(ctx sdk.Context) error {
		_, err := rc.msgs.Withdraw(ctx, &types.MsgWithdraw{Owner: seller.String(), Amount: coin("ubase", 1)})
		return err
	}))
	require.NoError(t, rc.tryEndBlock())

	// Resumed: the market matches again; the fee goes to the fee collector.
	require.NoError(t, rc.tx(func(ctx sdk.Context) error { return rc.assets.SetPaused(ctx, rc.issuer, usd, false) }))
	rc.mustPlace(buyer, limit(id, types.Side_SIDE_BUY, 510, 4))
	require.NoError(t, rc.tryEndBlock())
	fb, _ = rc.bal(buyer, "ubase")
	require.Equal(t, int64(400), fb)
	require.Equal(t, int64(2), rc.bank.GetBalance(rc.ctx, rc.k.FeeAddress(), usd).Amount.Int64())
}

// TestRestrictedQuoteFeesStayInTheLedger: fees in a restricted quote asset
// never reach the fee collector (and so distribution): they accrue in the
// fee account's exchange balance, and the module balance invariant holds.
func TestRestrictedQuoteFeesStayInTheLedger(t *testing.T) {
	rc := newRegChain(t)
	rusd := rc.asset("rusd", true)
	m := stdMarket()
	m.QuoteDenom = rusd
	id := rc.createMarket(m)
	seller := rc.trader("seller", 1, coin("ubase", 1_000_000))
	buyer := rc.trader("buyer", 2)
	rc.give(buyer, coin(rusd, 1_000_000))
	rc.deposit(seller, coin("ubase", 100_000))
	rc.deposit(buyer, coin(rusd, 100_000))
	rc.mustPlace(seller, limit(id, types.Side_SIDE_SELL, 500, 10))
	require.NoError(t, rc.tryEndBlock())
	rc.mustPlace(buyer, limit(id, types.Side_SIDE_BUY, 500, 4))
	require.NoError(t, rc.tryEndBlock())
	require.True(t, rc.bank.GetBalance(rc.ctx, rc.k.FeeAddress(), rusd).Amount.IsZero())
	b, err := rc.k.GetBalance(rc.ctx, rc.k.FeeAddress(), rusd)
	require.NoError(t, err)
	require.Equal(t, sdkmath.NewInt(2), b.Free)
	require.NoError(t, rc.k.CheckBalanceInvariant(rc.ctx))
}

// TestRefusedFeeSweepKeepsFeesInTheLedger: whatever refuses the fee sweep
// (here a send restriction refusing every transfer to the fee collector),
// EndBlock succeeds, the fees wait in the fee account's exchange balance and
// the invariant holds; once the bank accepts again they are swept.
func TestRefusedFeeSweepKeepsFeesInTheLedger(t *testing.T) {
	c := newChain(t)
	refuse := true
	c.bank.AppendSendRestriction(func(_ context.Context, _, to sdk.AccAddress, _ sdk.Coins) (sdk.AccAddress, error) {
		if refuse && to.Equals(c.k.FeeAddress()) {
			return nil, errors.New("refused")
		}
		return to, nil
	})
	id := c.createMarket(stdMarket())
	a := c.account("alice", 1, false, coin("ubase", 1_000_000))
	b := c.account("bob", 2, false, coin("uquote", 1_000_000))
	c.deposit(a, coin("ubase", 100_000))
	c.deposit(b, coin("uquote", 100_000))
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 500, 10))
	c.endBlock()
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 500, 4)) // taker fee 2
	c.endBlock()
	fb, err := c.k.GetBalance(c.ctx, c.k.FeeAddress(), "uquote")
	require.NoError(t, err)
	require.Equal(t, sdkmath.NewInt(2), fb.Free)
	require.True(t, c.bank.GetBalance(c.ctx, c.k.FeeAddress(), "uquote").Amount.IsZero())

	refuse = false
	c.mustPlace(b, limit(id, types.Side_SIDE_BUY, 500, 4))
	c.endBlock()
	fb, err = c.k.GetBalance(c.ctx, c.k.FeeAddress(), "uquote")
	require.NoError(t, err)
	require.True(t, fb.Free.IsZero())
	require.Equal(t, int64(4), c.bank.GetBalance(c.ctx, c.k.FeeAddress(), "uquote").Amount.Int64())
}
