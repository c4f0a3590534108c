package keeper_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

func (rc *regChain) forceCancel(msg types.MsgForceCancel) error {
	return rc.tx(func(ctx sdk.Context) error {
		_, err := rc.msgs.ForceCancel(ctx, &msg)
		return err
	})
}

// TestForceCancelByTheRegulator: the regulator cancels one order, all orders
// of an account, all orders of a legal entity's accounts; each executes in
// EndBlock with reason "force-cancel", locks released, audited.
func TestForceCancelByTheRegulator(t *testing.T) {
	rc, id, _, buyer, seller, bid := restrictedMarket(t)
	buyer2 := rc.trader("buyer2", 1, coin("uquote", 1_000_000))
	rc.deposit(buyer2, coin("uquote", 100_000))
	bid2 := rc.mustPlace(buyer, limit(id, types.Side_SIDE_BUY, 490, 1))
	bid3 := rc.mustPlace(buyer2, limit(id, types.Side_SIDE_BUY, 480, 1))
	ask := rc.mustPlace(seller, limit(id, types.Side_SIDE_SELL, 700, 1))
	require.NoError(t, rc.tryEndBlock())
	reg := rc.reg.String()
	gone := func(ids ...uint64) {
		t.Helper()
		for _, o := range ids {
			_, err := rc.q.Order(rc.ctx, &types.QueryOrderRequest{OrderId: o})
			require.Error(t, err, "order %d", o)
		}
	}
	alive := func(ids ...uint64) {
		t.Helper()
		for _, o := range ids {
			_, err := rc.q.Order(rc.ctx, &types.QueryOrderRequest{OrderId: o})
			require.NoError(t, err, "order %d", o)
		}
	}

	// One order.
	require.NoError(t, rc.forceCancel(types.MsgForceCancel{Authority: reg, Reason: "erroneous order", MarketId: id, OrderId: ask}))
	em := sdk.NewEventManager()
	rc.ctx = rc.ctx.WithEventManager(em)
	require.NoError(t, rc.tryEndBlock())
	gone(ask)
	alive(bid, bid2, bid3)
	require.Equal(t, "force-cancel", cancelReasons(em.ABCIEvents())[uitoa(ask)])
	hasAudit(t, rc, reg+" "+types.ActionForceCancel+" order/market/1/"+uitoa(ask)+" reason=erroneous order tasks=1")
	hasAudit(t, rc, reg+" "+types.ActionForceCancelDone+" order/market/1/"+uitoa(ask)+" cause=force-cancel reason=erroneous order cancelled=1")

	// All orders of an account.
	require.NoError(t, rc.forceCancel(types.MsgForceCancel{Authority: reg, Reason: "market abuse", Account: buyer2.String()}))
	require.NoError(t, rc.tryEndBlock())
	gone(bid3)
	alive(bid, bid2)
	f, l := rc.bal(buyer2, "uquote")
	require.Equal(t, int64(100_000), f)
	require.Zero(t, l)

	// All orders of a legal entity (buyer and buyer2 are entity 1).
	require.NoError(t, rc.forceCancel(types.MsgForceCancel{Authority: reg, Reason: "sanctions", EntityId: 1}))
	require.NoError(t, rc.tryEndBlock())
	gone(bid, bid2)
	hasAudit(t, rc, reg+" "+types.ActionForceCancel+" entity/1 reason=sanctions tasks=2")
	hasAudit(t, rc, reg+" "+types.ActionForceCancelDone+" "+buyer.String()+" cause=force-cancel reason=sanctions cancelled=2")
}

// TestForceCancelOfAQueuedOrder: an order force-cancelled in the block it is
// placed never reaches the book (it is rejected when its place runs).
func TestForceCancelOfAQueuedOrder(t *testing.T) {
	rc, id, gcr, buyer, seller, _ := restrictedMarket(t)
	ask := rc.mustPlace(seller, limit(id, types.Side_SIDE_SELL, 500, 4))
	require.NoError(t, rc.forceCancel(types.MsgForceCancel{Authority: rc.reg.String(), Reason: "fat finger", MarketId: id, OrderId: ask}))
	require.NoError(t, rc.tryEndBlock())
	f, _ := rc.bal(buyer, gcr)
	require.Zero(t, f, "the force-cancelled sell did not fill")
	f, l := rc.bal(seller, gcr)
	require.Equal(t, int64(10_000), f)
	require.Zero(t, l)
	n := 0
	require.NoError(t, rc.k.Doomed.Walk(rc.ctx, nil, func(uint64) (bool, error) { n++; return false, nil }))
	require.Zero(t, n)
}

// TestForceCancelRefusals: only the regulator, with a reason and exactly one
// target; every refusal leaves the state untouched.
func TestForceCancelRefusals(t *testing.T) {
	rc, id, _, buyer, _, bid := restrictedMarket(t)
	reg := rc.reg.String()
	for name, tc := range map[string]struct {
		msg types.MsgForceCancel
		err error
	}{
		"not the regulator":               {types.MsgForceCancel{Authority: buyer.String(), Reason: "x", Account: buyer.String()}, types.ErrUnauthorized},
		"governance is not the regulator": {types.MsgForceCancel{Authority: gov, Reason: "x", Account: buyer.String()}, types.ErrUnauthorized},
		"no reason":                       {types.MsgForceCancel{Authority: reg, Reason: " ", Account: buyer.String()}, types.ErrInvalidForceCancel},
		"no target":                       {types.MsgForceCancel{Authority: reg, Reason: "x"}, types.ErrInvalidForceCancel},
		"two targets":                     {types.MsgForceCancel{Authority: reg, Reason: "x", Account: buyer.String(), EntityId: 1}, types.ErrInvalidForceCancel},
		"unknown order":                   {types.MsgForceCancel{Authority: reg, Reason: "x", MarketId: id, OrderId: 999}, types.ErrOrderNotFound},
		"order on another market":         {types.MsgForceCancel{Authority: reg, Reason: "x", MarketId: id + 1, OrderId: bid}, types.ErrOrderNotFound},
		"entity without accounts":         {types.MsgForceCancel{Authority: reg, Reason: "x", EntityId: 3}, types.ErrInvalidForceCancel},
	} {
		t.Run(name, func(t *testing.T) {
			rc.t = t
			rc.refused(tc.err, func(ctx sdk.Context) error {
				_, err := rc.msgs.ForceCancel(ctx, &tc.msg)
				return err
			})
		})
	}
	require.NoError(t, rc.tryEndBlock())
	_, err := rc.q.Order(rc.ctx, &types.QueryOrderRequest{OrderId: bid})
	require.NoError(t, err, "nothing was cancelled")
}

// TestMarketListingAndStatusChangesAudited: listing a market and changing
// its status are recorded in compliance's audit trail with their reason.
func TestMarketListingAndStatusChangesAudited(t *testing.T) {
	rc := newRegChain(t)
	var id uint64
	require.NoError(t, rc.tx(func(ctx sdk.Context) error {
		r, err := rc.msgs.CreateMarket(ctx, &types.MsgCreateMarket{Authority: gov, Market: stdMarket(), Reason: "approved listing 12"})
		if err == nil {
			id = r.MarketId
		}
		return err
	}))
	require.NoError(t, rc.tx(func(ctx sdk.Context) error {
		_, err := rc.msgs.UpdateMarket(ctx, &types.MsgUpdateMarket{Authority: gov, MarketId: id,
			Status: types.MarketStatus_MARKET_STATUS_HALTED, Reason: "issuer default"})
		return err
	}))
	hasAudit(t, rc, gov+" "+types.ActionCreateMarket+" market/1 base=ubase quote=uquote")
	hasAudit(t, rc, gov+" "+types.ActionUpdateMarket+" market/1 status=MARKET_STATUS_ACTIVE->MARKET_STATUS_HALTED")
	for _, a := range rc.audits() {
		if strings.Contains(a, types.ActionCreateMarket) {
			require.Contains(t, a, "reason=approved listing 12")
		}
		if strings.Contains(a, types.ActionUpdateMarket) {
			require.Contains(t, a, "reason=issuer default")
		}
	}
}
