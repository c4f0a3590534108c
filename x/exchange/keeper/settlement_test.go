package keeper_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// restrictedMarket lists a restricted asset (base, lot 100) against uquote;
// buyer (entity 1) rests a bid of 4 lots at 500; seller (entity 2) holds the
// asset in its exchange balance.
func restrictedMarket(t *testing.T) (rc *regChain, id uint64, gcr string, buyer, seller sdk.AccAddress, bid uint64) {
	rc = newRegChain(t)
	gcr = rc.asset("gcr", true)
	m := stdMarket()
	m.BaseDenom = gcr
	id = rc.createMarket(m)
	buyer = rc.trader("buyer", 1, coin("uquote", 1_000_000))
	seller = rc.trader("seller", 2)
	rc.give(seller, coin(gcr, 10_000))
	rc.deposit(buyer, coin("uquote", 100_000))
	rc.deposit(seller, coin(gcr, 10_000))
	bid = rc.mustPlace(buyer, limit(id, types.Side_SIDE_BUY, 500, 4))
	require.NoError(t, rc.tryEndBlock())
	return
}

// cancelReasons returns the reasons of the order-cancelled events of the
// last block's EndBlock, by order id.
func cancelReasons(evs []abci.Event) map[string]string {
	out := map[string]string{}
	for _, e := range evs {
		if e.Type != "clearchain.exchange.v1.EventOrderCancelled" {
			continue
		}
		var id, reason string
		for _, a := range e.Attributes {
			switch a.Key {
			case "order_id":
				id, _ = strconv.Unquote(a.Value)
			case "reason":
				reason, _ = strconv.Unquote(a.Value)
			}
		}
		out[id] = reason
	}
	return out
}

// TestAttackRevokedBuyerKeepsFilling: the buyer's licence is revoked (or it
// is frozen, or its licence expires) while its bid rests; a seller then
// crosses it. Before the fix the bid filled and the barred buyer received 400
// units of the restricted asset through settlement. Now the bid is cancelled
// with a reason before anything matches, its lock released, and the sell
// rests unfilled.
func TestAttackRevokedBuyerKeepsFilling(t *testing.T) {
	for name, bar := range map[string]func(rc *regChain, buyer sdk.AccAddress){
		"revoked": func(rc *regChain, buyer sdk.AccAddress) {
			require.NoError(t, rc.comp.RevokeLicence(rc.ctx, rc.reg.String(), buyer, "licence withdrawn"))
		},
		"frozen": func(rc *regChain, buyer sdk.AccAddress) {
			require.NoError(t, rc.comp.FreezeAccount(rc.ctx, rc.reg.String(), buyer, "aml"))
		},
		// Expiry is detected by compliance's EndBlock, which calls the hook
		// (as here) before the exchange's EndBlock.
		"expired": func(rc *regChain, buyer sdk.AccAddress) {
			l, ok := rc.comp.GetLicence(rc.ctx, buyer)
			require.True(t, ok)
			l.ExpiresAt = rc.ctx.BlockTime().Add(time.Second)
			require.NoError(t, rc.comp.UpdateLicence(rc.ctx, rc.reg.String(), l, "licence term ends"))
			rc.ctx = rc.ctx.WithBlockTime(l.ExpiresAt)
			require.NoError(t, rc.k.AfterAccountBarred(rc.ctx, buyer, compliancetypes.BarExpired, "licence expired"))
		},
	} {
		t.Run(name, func(t *testing.T) {
			rc, id, gcr, buyer, seller, bid := restrictedMarket(t)
			bar(rc, buyer)
			ask := rc.mustPlace(seller, limit(id, types.Side_SIDE_SELL, 500, 4))
			em := sdk.NewEventManager()
			rc.ctx = rc.ctx.WithEventManager(em)
			require.NoError(t, rc.tryEndBlock())

			free, locked := rc.bal(buyer, gcr)
			require.Zero(t, free+locked, "a barred buyer received the restricted asset")
			free, locked = rc.bal(buyer, "uquote")
			require.Equal(t, int64(100_000), free, "the bid's lock is released")
			require.Zero(t, locked)
			_, err := rc.q.Order(rc.ctx, &types.QueryOrderRequest{OrderId: bid})
			require.Error(t, err, "the barred buyer's bid is cancelled")
			r, err := rc.q.Order(rc.ctx, &types.QueryOrderRequest{OrderId: ask})
			require.NoError(t, err)
			require.Equal(t, uint64(4), r.Order.Quantity, "the sell rests unfilled")
			require.Equal(t, "account-"+name, cancelReasons(em.ABCIEvents())[uitoa(bid)])
		})
	}
}

func uitoa(v uint64) string { return strconv.FormatUint(v, 10) }

// audits returns the compliance audit records as "action subject details".
func (rc *regChain) audits() []string {
	var out []string
	require.NoError(rc.t, rc.comp.Audit.Walk(rc.ctx, nil, func(_ uint64, r compliancetypes.AuditRecord) (bool, error) {
		out = append(out, r.Actor+" "+r.Action+" "+r.Subject+" "+r.Details)
		return false, nil
	}))
	return out
}

func hasAudit(t *testing.T, rc *regChain, prefix string) {
	t.Helper()
	for _, a := range rc.audits() {
		if strings.HasPrefix(a, prefix) {
			return
		}
	}
	require.Failf(t, "no audit record", "%q in %v", prefix, rc.audits())
}

// TestBarredOwnerMayCancelItsOrders: a frozen account may still cancel its
// own resting order through the keeper.
func TestBarredOwnerMayCancelItsOrders(t *testing.T) {
	rc, id, _, buyer, _, bid := restrictedMarket(t)
	require.NoError(t, rc.comp.FreezeAccount(rc.ctx, rc.reg.String(), buyer, "aml"))
	require.NoError(t, rc.tx(func(ctx sdk.Context) error {
		_, err := rc.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: buyer.String(), MarketId: id, OrderId: bid})
		return err
	}))
	require.NoError(t, rc.tryEndBlock())
	_, err := rc.q.Order(rc.ctx, &types.QueryOrderRequest{OrderId: bid})
	require.Error(t, err)
	free, locked := rc.bal(buyer, "uquote")
	require.Equal(t, int64(100_000), free)
	require.Zero(t, locked)
}

// TestSweepCarriesOverUnderItsBudget: with a budget of 2 cancels a block, a
// revoked account's 5 bids take 3 blocks to sweep; meanwhile its market does
// not match (a crossing sell is rejected "sweep-pending"), the account's
// heartbeat is disarmed at the end and the sweep is audited.
func TestSweepCarriesOverUnderItsBudget(t *testing.T) {
	rc, id, gcr, buyer, seller, bid := restrictedMarket(t)
	p := rc.k.GetParams(rc.ctx)
	p.MaxSweepOrdersPerBlock = 2
	require.NoError(t, rc.k.Params.Set(rc.ctx, p))
	bids := []uint64{bid}
	for i := int64(1); i <= 4; i++ {
		bids = append(bids, rc.mustPlace(buyer, limit(id, types.Side_SIDE_BUY, 500-i, 1)))
	}
	require.NoError(t, rc.tx(func(ctx sdk.Context) error {
		_, err := rc.msgs.Heartbeat(ctx, &types.MsgHeartbeat{Owner: buyer.String(), WindowBlocks: 100})
		return err
	}))
	require.NoError(t, rc.tryEndBlock())
	require.NoError(t, rc.comp.RevokeLicence(rc.ctx, rc.reg.String(), buyer, "licence withdrawn"))
	rc.mustPlace(seller, limit(id, types.Side_SIDE_SELL, 400, 8))
	live := func() int {
		n := 0
		for _, b := range bids {
			if _, err := rc.q.Order(rc.ctx, &types.QueryOrderRequest{OrderId: b}); err == nil {
				n++
			}
		}
		return n
	}
	require.NoError(t, rc.tryEndBlock())
	require.Equal(t, 3, live())
	// The unfinished sweep is state: it is exported with its progress, and
	// a restarted node (fresh in-memory books) carries on.
	gs, err := rc.k.ExportGenesis(rc.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Len(t, gs.Sweeps, 1)
	require.Equal(t, uint64(2), gs.Sweeps[0].Cancelled)
	require.Equal(t, "revoked", gs.Sweeps[0].Cause)
	rc.newKeeper()
	free, locked := rc.bal(seller, gcr)
	require.Equal(t, int64(10_000), free, "the market did not match: the sell was rejected")
	require.Zero(t, locked)
	require.NoError(t, rc.tryEndBlock())
	require.Equal(t, 1, live())
	hb, err := rc.k.Heartbeats.Has(rc.ctx, buyer)
	require.NoError(t, err)
	require.True(t, hb, "the heartbeat is disarmed when the sweep completes")
	require.NoError(t, rc.tryEndBlock())
	require.Zero(t, live())
	hb, err = rc.k.Heartbeats.Has(rc.ctx, buyer)
	require.NoError(t, err)
	require.False(t, hb)
	free, _ = rc.bal(buyer, gcr)
	require.Zero(t, free)
	hasAudit(t, rc, "x/compliance "+types.ActionLifecycleCancel+" "+buyer.String()+" cause=revoked reason=licence withdrawn cancelled=5 heartbeat=disarmed")
}

// TestIneligibleTakerRejectedBeforeMatching: the regulator restricts the
// asset to market makers after a buy was queued: the buy is rejected before
// it can match (the buyer may no longer hold the asset).
func TestIneligibleTakerRejectedBeforeMatching(t *testing.T) {
	rc, id, gcr, buyer, seller, bid := restrictedMarket(t)
	rc.mustPlace(seller, limit(id, types.Side_SIDE_SELL, 600, 4))
	require.NoError(t, rc.tryEndBlock())
	// Buyer cancels its old bid and crosses the ask; then the rule changes.
	require.NoError(t, rc.tx(func(ctx sdk.Context) error {
		_, err := rc.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: buyer.String(), MarketId: id, OrderId: bid})
		return err
	}))
	rc.mustPlace(buyer, limit(id, types.Side_SIDE_BUY, 600, 4))
	require.NoError(t, rc.comp.SetEligibilityRule(rc.ctx, rc.reg.String(), compliancetypes.EligibilityRule{
		Subject: gcr, AllowedRoles: []compliancetypes.Role{compliancetypes.RoleMarketMaker}}, "market makers only"))
	require.NoError(t, rc.tryEndBlock())
	free, locked := rc.bal(buyer, gcr)
	require.Zero(t, free+locked)
	free, locked = rc.bal(buyer, "uquote")
	require.Equal(t, int64(100_000), free)
	require.Zero(t, locked)
}
