package keeper_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/matching"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	"github.com/clearchain/clearchain/x/exchange/keeper"
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
				Places:  []types.OrderSpec{limit(id, types.Side_SIDE_BUY, 99, 10), limit(id, types.Side_SIDE_SELL, 111, 10)}})
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
		// Cancels run first within a block, so the bid can fill before the
		// batch's cancel only in an earlier block: with one command a block,
		// the taker's sell (queued first) runs and fills the bid while the
		// batch, sent in the same block while the bid was live, is carried
		// over.
		c.setParams(func(p *types.Params) { p.MaxOrdersPerBlock = 1 })
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
		c.endBlock()
		_, ok := c.order(bid)
		require.False(t, ok, "the taker filled the bid")
		var reasons []string
		for i := 0; i < 2; i++ { // the carried-over cancel, then the place
			reasons = append(reasons, rejectReasons(c.endBlockEvents())...)
		}
		_, ok = c.order(res.OrderIds[0])
		require.False(t, ok, "the place had nothing to draw on")
		require.Contains(t, reasons, "insufficient-balance")
		_, locked := c.bal(mm, "uquote")
		require.Zero(t, locked, "the rejected place holds no lock")
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

// typedEvents returns ctx's typed events of T's type, decoded with
// sdk.ParseTypedEvent (the way clients read them).
func typedEvents[T any, PT interface {
	*T
	proto.Message
}](t *testing.T, ctx sdk.Context) []PT {
	t.Helper()
	var out []PT
	name := "clearchain.exchange.v1." + reflect.TypeOf((*T)(nil)).Elem().Name()
	for _, e := range ctx.EventManager().ABCIEvents() {
		if e.Type != name {
			continue
		}
		msg, err := sdk.ParseTypedEvent(e)
		require.NoError(t, err, "event %s does not decode", e.Type)
		out = append(out, msg.(PT))
	}
	return out
}

func fillEvents(ctx sdk.Context) []map[string]string {
	var out []map[string]string
	for _, e := range ctx.EventManager().ABCIEvents() {
		if e.Type != keeper.EventTypeFill {
			continue
		}
		m := map[string]string{}
		for _, a := range e.Attributes {
			m[a.Key] = a.Value
		}
		out = append(out, m)
	}
	return out
}

// Every reason text the engine or the keeper gives maps to a code of the
// shared enum (UNSPECIFIED is never a reason).
func TestEveryReasonTextHasACode(t *testing.T) {
	n := 0
	for r := matching.Reason(1); ; r++ {
		name := r.String()
		if strings.HasPrefix(name, "reason(") {
			break
		}
		require.NotEqual(t, types.OrderReason_ORDER_REASON_UNSPECIFIED, types.ReasonCode(name), "engine reason %q", name)
		n++
	}
	require.Greater(t, n, 20)
	for _, text := range []string{"asset-paused", "sweep-pending", "market-halted", "market-cancel-only", "market-post-only",
		"ineligible", "force-cancel", "account-revoked", "account-expired", "account-frozen", "heartbeat-lapsed",
		"insufficient-balance", "duplicate-client-id", "owner-order-cap", "filled", "expired", "limit-state",
		keeper.ReasonOwnerOrderLimit} {
		require.NotEqual(t, types.OrderReason_ORDER_REASON_UNSPECIFIED, types.ReasonCode(text), "keeper reason %q", text)
	}
	// The reasons of the work-budget paths: a place cancelled or
	// mass-cancelled in-block before it ran, and the cancels and rejections
	// of every sweep cause (heartbeat lapse, force-cancel, barred accounts).
	require.Equal(t, types.OrderReason_ORDER_REASON_CANCELLED_BY_OWNER, types.ReasonCode(matching.ReasonCancelled.String()))
	require.Equal(t, types.OrderReason_ORDER_REASON_MASS_CANCELLED, types.ReasonCode(matching.ReasonMassCancel.String()))
	require.Equal(t, types.OrderReason_ORDER_REASON_HEARTBEAT_LAPSED, types.ReasonCode(keeper.CancelReasonOf(keeper.CauseHeartbeat)))
	require.Equal(t, types.OrderReason_ORDER_REASON_FORCE_CANCELLED, types.ReasonCode(keeper.CancelReasonOf(keeper.CauseForceCancel)))
	for _, cause := range []compliancetypes.BarCause{compliancetypes.BarRevoked, compliancetypes.BarExpired, compliancetypes.BarFrozen} {
		require.Equal(t, types.OrderReason_ORDER_REASON_LICENCE_BARRED, types.ReasonCode(keeper.CancelReasonOf(cause.String())), cause.String())
	}
	require.Equal(t, types.OrderReason_ORDER_REASON_LICENCE_BARRED, types.ReasonCode("account-frozen"))
	require.Equal(t, types.OrderReason_ORDER_REASON_IOC_REMAINDER, types.ReasonCode("unfilled"))
}

// The cancel and reject events carry the reason code and the client order
// id, and decode as typed events: a taker clipped at the band, a heartbeat
// lapse, a post-only order that would cross.
func TestEventsCarryReasonCodes(t *testing.T) {
	c, id, alice, bob := bandedBook(t)
	po := c.mustPlace(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 105, Quantity: 1, PostOnly: true, ClientOrderId: "po-1"})
	oid := c.mustPlace(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_MARKET,
		Price: 200, Quantity: 5, ClientOrderId: "sweep-1"})
	ctx := c.endBlockEvents()
	evs := typedEvents[types.EventOrderCancelled](t, ctx)
	require.Len(t, evs, 1)
	require.Equal(t, oid, evs[0].OrderId)
	require.Equal(t, "band", evs[0].Reason)
	require.Equal(t, types.OrderReason_ORDER_REASON_BAND, evs[0].ReasonCode)
	require.Equal(t, "sweep-1", evs[0].ClientOrderId)
	rej := typedEvents[types.EventOrderRejected](t, ctx)
	require.Len(t, rej, 1)
	require.Equal(t, po, rej[0].OrderId)
	require.Equal(t, types.OrderReason_ORDER_REASON_POST_ONLY_WOULD_CROSS, rej[0].ReasonCode)
	require.Equal(t, "po-1", rej[0].ClientOrderId)

	// A lapsed dead-man switch.
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.Heartbeat(ctx, &types.MsgHeartbeat{Owner: alice.String(), WindowBlocks: 1})
		return err
	}))
	c.endBlock()
	c.endBlock()
	ctx = c.endBlockEvents()
	evs = typedEvents[types.EventOrderCancelled](t, ctx)
	require.NotEmpty(t, evs)
	for _, e := range evs {
		require.Equal(t, "heartbeat-lapsed", e.Reason)
		require.Equal(t, types.OrderReason_ORDER_REASON_HEARTBEAT_LAPSED, e.ReasonCode)
	}
}

// A place whose client order id the owner already uses for a live order
// (queued this block, or in a book) is refused; once that order is gone the
// id may be used again. Owners are independent.
func TestDuplicateLiveClientIDRefused(t *testing.T) {
	c, id, mm, _, _ := deployedMaker(t)
	mm2 := c.account("other", 2, false, coin("uquote", 10_000))
	c.deposit(mm2, coin("uquote", 10_000))
	dup := func(owner sdk.AccAddress, cid string) func(sdk.Context) error {
		return func(ctx sdk.Context) error {
			_, err := c.msgs.PlaceOrder(ctx, &types.MsgPlaceOrder{Owner: owner.String(),
				Order: types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 10, Quantity: 1, ClientOrderId: cid}})
			return err
		}
	}
	// In a book.
	c.refused(types.ErrDuplicateClientID, dup(mm, "bid-1"))
	// Another owner may use it.
	c.mustPlace(mm2, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 10, Quantity: 1, ClientOrderId: "bid-1"})
	// Queued this block.
	c.mustPlace(mm2, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 10, Quantity: 1, ClientOrderId: "q-1"})
	c.refused(types.ErrDuplicateClientID, dup(mm2, "q-1"))
	// Also inside one batch.
	c.refused(types.ErrDuplicateClientID, func(ctx sdk.Context) error {
		_, err := c.msgs.Batch(ctx, &types.MsgBatch{Owner: mm2.String(), Places: []types.OrderSpec{
			{MarketId: id, Side: types.Side_SIDE_BUY, Price: 10, Quantity: 1, ClientOrderId: "b-1"},
			{MarketId: id, Side: types.Side_SIDE_BUY, Price: 11, Quantity: 1, ClientOrderId: "b-1"}}})
		return err
	})
	c.endBlock()
	// Once cancelled, the id is free again.
	_, err := c.cancelByClientID(mm2, id, "q-1")
	require.NoError(t, err)
	c.endBlock()
	c.mustPlace(mm2, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 10, Quantity: 1, ClientOrderId: "q-1"})
	c.endBlock()
}

func (c *chain) cancelByClientID(owner sdk.AccAddress, market uint64, cid string) (uint64, error) {
	var id uint64
	err := c.tx(func(ctx sdk.Context) error {
		r, err := c.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: owner.String(), MarketId: market, ClientOrderId: cid})
		if err == nil {
			id = r.OrderId
		}
		return err
	})
	return id, err
}

// Cancel by (owner, client order id): of an order in a book and of one
// queued in the same block; an unknown client id or another owner's is
// ErrOrderNotFound.
func TestCancelByClientID(t *testing.T) {
	c, id, mm, bid, _ := deployedMaker(t)
	got, err := c.cancelByClientID(mm, id, "bid-1")
	require.NoError(t, err)
	require.Equal(t, bid, got)
	other := c.account("other", 2, false, coin("uquote", 10_000))
	c.deposit(other, coin("uquote", 10_000))
	c.refused(types.ErrOrderNotFound, func(ctx sdk.Context) error {
		_, err := c.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: other.String(), MarketId: id, ClientOrderId: "ask-1"})
		return err
	})
	c.refused(types.ErrOrderNotFound, func(ctx sdk.Context) error {
		_, err := c.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: mm.String(), MarketId: id, ClientOrderId: "nope"})
		return err
	})
	q := c.mustPlace(other, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 50, Quantity: 2, ClientOrderId: "fresh"})
	got, err = c.cancelByClientID(other, id, "fresh")
	require.NoError(t, err)
	require.Equal(t, q, got)
	c.endBlock()
	_, ok := c.order(bid)
	require.False(t, ok)
	_, ok = c.order(q)
	require.False(t, ok)
	free, locked := c.bal(mm, "uquote")
	require.Equal(t, [2]int64{1010, 0}, [2]int64{free, locked})
	free, locked = c.bal(other, "uquote")
	require.Equal(t, [2]int64{10_000, 0}, [2]int64{free, locked})
	// A stateless check: a cancel names exactly one of an id and a client id.
	require.ErrorIs(t, (&types.MsgCancelOrder{Owner: mm.String(), MarketId: id}).ValidateBasic(), types.ErrInvalidOrder)
	require.ErrorIs(t, (&types.MsgCancelOrder{Owner: mm.String(), MarketId: id, OrderId: 1, ClientOrderId: "x"}).ValidateBasic(), types.ErrInvalidOrder)
}

// Replace by (owner, client order id): the order keeps its id and client id.
func TestReplaceByClientID(t *testing.T) {
	c, id, mm, bid, _ := deployedMaker(t)
	var res *types.MsgCancelReplaceResponse
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		var err error
		res, err = c.msgs.CancelReplace(ctx, &types.MsgCancelReplace{Owner: mm.String(), MarketId: id, ClientOrderId: "bid-1", Price: 98, Quantity: 10})
		return err
	}))
	require.Equal(t, bid, res.OrderId)
	c.endBlock()
	o, ok := c.order(bid)
	require.True(t, ok)
	require.Equal(t, int64(98), o.Price)
	require.Equal(t, "bid-1", o.ClientOrderId)
	// And it can be cancelled by that client id afterwards.
	got, err := c.cancelByClientID(mm, id, "bid-1")
	require.NoError(t, err)
	require.Equal(t, bid, got)
	c.refused(types.ErrOrderNotFound, func(ctx sdk.Context) error {
		_, err := c.msgs.CancelReplace(ctx, &types.MsgCancelReplace{Owner: mm.String(), MarketId: id, ClientOrderId: "nope", Price: 98, Quantity: 10})
		return err
	})
}

func (c *chain) status(id uint64) (types.OrderStatus, error) {
	r, err := c.q.OrderStatus(c.ctx, &types.QueryOrderStatusRequest{OrderId: id})
	if err != nil {
		return types.OrderStatus{}, err
	}
	return r.Status, nil
}

func (c *chain) statusByClient(owner sdk.AccAddress, cid string) (types.OrderStatus, error) {
	r, err := c.q.OrderStatusByClientID(c.ctx, &types.QueryOrderStatusByClientIDRequest{Owner: owner.String(), ClientOrderId: cid})
	if err != nil {
		return types.OrderStatus{}, err
	}
	return r.Status, nil
}

// Finished orders keep a status (filled, cancelled, expired, rejected, with
// reason code and filled quantity) for status_window_blocks blocks,
// queryable by order id and by client order id; open orders report their
// fills so far. Statuses are pruned after the window under a per-block
// budget.
func TestOrderStatusOfFinishedOrders(t *testing.T) {
	c := newChain(t)
	p := types.DefaultParams()
	p.StatusWindowBlocks, p.MaxStatusPrunesPerBlock = 4, 2
	require.NoError(t, c.k.SetParams(c.ctx, gov, p))
	id := c.createMarket(feeless())
	alice := c.account("alice", 1, false, coin("ubase", 1_000_000))
	bob := c.account("bob", 2, false, coin("uquote", 1_000_000))
	c.deposit(alice, coin("ubase", 1_000_000))
	c.deposit(bob, coin("uquote", 1_000_000))
	spec := func(side types.Side, price int64, qty uint64, cid string) types.OrderSpec {
		return types.OrderSpec{MarketId: id, Side: side, Price: price, Quantity: qty, ClientOrderId: cid}
	}
	sell, buy := types.Side_SIDE_SELL, types.Side_SIDE_BUY
	// The ask the post-only buy below would cross rests from an earlier
	// block: post-only places run in the first pass, before this block's
	// other places (cancels first).
	cancelled := c.mustPlace(alice, spec(sell, 120, 5, "a-cancel"))
	c.endBlock()
	filled := c.mustPlace(alice, spec(sell, 100, 10, "a-fill"))
	part := c.mustPlace(alice, spec(sell, 101, 10, "a-part"))
	exp := spec(sell, 130, 5, "a-exp")
	exp.TimeInForce, exp.ExpireBlock = types.TimeInForce_TIME_IN_FORCE_GTB, c.height+2
	expired := c.mustPlace(alice, exp)
	taker := c.mustPlace(bob, spec(buy, 101, 14, "b-take"))
	po := spec(buy, 125, 1, "b-po")
	po.PostOnly = true
	rejected := c.mustPlace(bob, po)
	open, err := c.status(taker)
	require.NoError(t, err)
	require.Equal(t, types.OrderState_ORDER_STATE_OPEN, open.State, "queued")
	fillHeight := c.height
	c.endBlock()
	_, err = c.cancelByClientID(alice, id, "a-cancel")
	require.NoError(t, err)
	c.endBlock()
	c.endBlock() // a-exp expires

	want := []struct {
		id             uint64
		owner          sdk.AccAddress
		cid            string
		state          types.OrderState
		reason         types.OrderReason
		qty, filledQty uint64
	}{
		{filled, alice, "a-fill", types.OrderState_ORDER_STATE_FILLED, types.OrderReason_ORDER_REASON_FILLED, 10, 10},
		{taker, bob, "b-take", types.OrderState_ORDER_STATE_FILLED, types.OrderReason_ORDER_REASON_FILLED, 14, 14},
		{part, alice, "a-part", types.OrderState_ORDER_STATE_OPEN, types.OrderReason_ORDER_REASON_UNSPECIFIED, 10, 4},
		{cancelled, alice, "a-cancel", types.OrderState_ORDER_STATE_CANCELLED, types.OrderReason_ORDER_REASON_CANCELLED_BY_OWNER, 5, 0},
		{expired, alice, "a-exp", types.OrderState_ORDER_STATE_EXPIRED, types.OrderReason_ORDER_REASON_EXPIRED, 5, 0},
		{rejected, bob, "b-po", types.OrderState_ORDER_STATE_REJECTED, types.OrderReason_ORDER_REASON_POST_ONLY_WOULD_CROSS, 1, 0},
	}
	for _, w := range want {
		for _, get := range []func() (types.OrderStatus, error){
			func() (types.OrderStatus, error) { return c.status(w.id) },
			func() (types.OrderStatus, error) { return c.statusByClient(w.owner, w.cid) },
		} {
			st, err := get()
			require.NoError(t, err, w.cid)
			require.Equal(t, w.id, st.OrderId, w.cid)
			require.Equal(t, w.state, st.State, w.cid)
			require.Equal(t, w.reason, st.Reason, w.cid)
			require.Equal(t, [2]uint64{w.qty, w.filledQty}, [2]uint64{st.Quantity, st.FilledQuantity}, w.cid)
			require.Equal(t, w.owner.String(), st.Owner, w.cid)
			require.Equal(t, id, st.MarketId, w.cid)
		}
	}
	// The partly filled order keeps its fills across a restart.
	c.newKeeper()
	c.endBlock()
	st, err := c.status(part)
	require.NoError(t, err)
	require.Equal(t, uint64(4), st.FilledQuantity)

	// Pruned once the window (4) passed: the 3 statuses of the first block
	// go together (one store value a block).
	require.LessOrEqual(t, c.height, fillHeight+4)
	for c.height <= fillHeight+4 {
		c.endBlock()
	}
	for _, id := range []uint64{filled, taker, rejected} {
		_, err := c.status(id)
		require.Error(t, err, "order %d still kept", id)
	}
	_, err = c.status(cancelled)
	require.NoError(t, err, "finished a block later")
	// A shorter window makes two blocks due at once; the budget (1 status)
	// prunes one block a block.
	p.StatusWindowBlocks, p.MaxStatusPrunesPerBlock = 1, 1
	require.NoError(t, c.k.SetParams(c.ctx, gov, p))
	c.endBlock()
	_, err = c.status(cancelled)
	require.Error(t, err)
	_, err = c.status(expired)
	require.NoError(t, err, "waits for the next block's budget")
	c.endBlock()
	for _, w := range want {
		if w.state == types.OrderState_ORDER_STATE_OPEN {
			continue
		}
		_, err := c.status(w.id)
		require.Error(t, err, "%s still kept", w.cid)
		_, err = c.statusByClient(w.owner, w.cid)
		require.Error(t, err, "%s still kept by client id", w.cid)
	}
	_, err = c.status(part)
	require.NoError(t, err)
}

// A market maker's batch names a cancel of an order that filled a moment
// before. Atomic (the only mode before), the stale cancel failed the batch
// and dropped every new quote with it. With best_effort the quotes stand and
// the response says, per item, what was queued and what was refused and why.
func TestAttackOneStaleCancelDropsEveryQuote(t *testing.T) {
	c, id, mm, bid, ask := deployedMaker(t)
	taker := c.account("taker", 2, false, coin("ubase", 10_000))
	c.deposit(taker, coin("ubase", 10_000))
	c.mustPlace(taker, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_SELL, Price: 100, Quantity: 10,
		TimeInForce: types.TimeInForce_TIME_IN_FORCE_IOC})
	c.endBlock() // the bid filled: the maker's cancel of it is now stale
	_, ok := c.order(bid)
	require.False(t, ok)
	batch := &types.MsgBatch{Owner: mm.String(),
		Cancels: []types.CancelSpec{{MarketId: id, OrderId: bid}, {MarketId: id, OrderId: ask}},
		Places: []types.OrderSpec{
			limit(id, types.Side_SIDE_SELL, 111, 10),
			limit(id, types.Side_SIDE_SELL, 112, 20), // more than is left to lock
		}}
	// Atomic: the stale cancel fails it all.
	c.refused(types.ErrOrderNotFound, func(ctx sdk.Context) error {
		_, err := c.msgs.Batch(ctx, batch)
		return err
	})
	// Best effort: one result per item.
	batch.BestEffort = true
	var res *types.MsgBatchResponse
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		var err error
		res, err = c.msgs.Batch(ctx, batch)
		return err
	}))
	require.Len(t, res.Results, 4)
	stale := res.Results[0]
	require.Equal(t, types.ErrOrderNotFound.ABCICode(), stale.Code)
	require.Equal(t, types.ModuleName, stale.Codespace)
	require.Equal(t, types.OrderReason_ORDER_REASON_UNKNOWN_ORDER, stale.Reason)
	require.Contains(t, stale.Log, "order not found")
	require.Equal(t, types.BatchItemResult{OrderId: ask}, res.Results[1])
	require.NotZero(t, res.Results[2].OrderId)
	require.Zero(t, res.Results[2].Code)
	require.Equal(t, types.ErrInsufficientBalance.ABCICode(), res.Results[3].Code)
	require.Equal(t, types.OrderReason_ORDER_REASON_INSUFFICIENT_BALANCE, res.Results[3].Reason)
	require.Equal(t, []uint64{res.Results[2].OrderId, 0}, res.OrderIds)
	c.endBlock()
	o, ok := c.order(res.Results[2].OrderId)
	require.True(t, ok, "the new quote stands")
	require.Equal(t, int64(111), o.Price)
	_, ok = c.order(ask)
	require.False(t, ok)
	free, locked := c.bal(mm, "ubase")
	// The bid's fill bought 1000 ubase (free); the ask's lock funded the new
	// ask; the refused place locked nothing.
	require.Equal(t, [2]int64{1000, 1000}, [2]int64{free, locked})
}

// Each exchange_fill event carries, besides the trade, the fee of each
// role (the maker's negative: a rebate), each side's remaining quantity and
// both client order ids.
func TestFillEventsCarryFeesRolesAndClientIDs(t *testing.T) {
	c := newChain(t)
	m := stdMarket() // maker -2 bps (a rebate for market makers), taker 10 bps
	m.TickSize = sdkmath.NewInt(100)
	id := c.createMarket(m)
	mm := c.account("mm", 1, true, coin("ubase", 1000))
	taker := c.account("taker", 2, false, coin("uquote", 100_000))
	c.deposit(mm, coin("ubase", 1000))
	c.deposit(taker, coin("uquote", 100_000))
	ask := c.mustPlace(mm, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_SELL, Price: 110, Quantity: 10, ClientOrderId: "ask-1"})
	c.endBlock()
	buy := c.mustPlace(taker, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 110, Quantity: 4, ClientOrderId: "t-1"})
	ctx := c.endBlockEvents()
	fills := fillEvents(ctx)
	require.Len(t, fills, 1)
	f := fills[0]
	// Notional 4 lots * 110 ticks * 100 = 44000: taker fee 44, rebate 8.
	require.Equal(t, map[string]string{
		"market": "1", "taker_order": uitoa(buy), "maker_order": uitoa(ask), "price": "110", "qty": "4",
		"taker_side": "SIDE_BUY", "taker": taker.String(), "maker": mm.String(), "taker_entity": "2", "maker_entity": "1",
		"height": f["height"], "taker_fee": "44", "maker_fee": "-8", "taker_remaining": "0", "maker_remaining": "6",
		"taker_client_id": "t-1", "maker_client_id": "ask-1",
	}, f)
}

// A modify names the order's new TOTAL quantity (fills included): after a
// partial fill, a reduce stays a reduce and keeps time priority. Before,
// the quantity was the new open quantity, so an order of 10 with 4 filled
// "reduced" to 8 became an increase of its open 6 and went to the back of
// the queue.
func TestModifyNamesTheNewTotalQuantity(t *testing.T) {
	c := newChain(t)
	id := c.createMarket(feeless())
	alice := c.account("alice", 1, false, coin("ubase", 1_000_000))
	carol := c.account("carol", 3, false, coin("ubase", 1_000_000))
	bob := c.account("bob", 2, false, coin("uquote", 1_000_000))
	c.deposit(alice, coin("ubase", 1_000_000))
	c.deposit(carol, coin("ubase", 1_000_000))
	c.deposit(bob, coin("uquote", 1_000_000))
	first := c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, 100, 10))
	second := c.mustPlace(carol, limit(id, types.Side_SIDE_SELL, 100, 10))
	c.endBlock()
	c.mustPlace(bob, limit(id, types.Side_SIDE_BUY, 100, 4))
	c.endBlock()
	o, _ := c.order(first)
	require.Equal(t, uint64(6), o.Quantity)
	c.cancelReplace(alice, id, first, 100, 8) // total 8: 4 filled, 4 open
	c.endBlock()
	o, ok := c.order(first)
	require.True(t, ok)
	require.Equal(t, uint64(4), o.Quantity)
	// Still first in the queue: the next buy fills alice, not carol.
	c.mustPlace(bob, limit(id, types.Side_SIDE_BUY, 100, 4))
	c.endBlock()
	_, ok = c.order(first)
	require.False(t, ok, "alice's order filled first")
	o, _ = c.order(second)
	require.Equal(t, uint64(10), o.Quantity)
	_, locked := c.bal(alice, "ubase")
	require.Zero(t, locked)
	// A total not above the fills cancels the rest.
	third := c.mustPlace(carol, limit(id, types.Side_SIDE_SELL, 101, 10))
	c.endBlock()
	c.mustPlace(bob, limit(id, types.Side_SIDE_BUY, 100, 3)) // fills 3 of carol's first
	c.endBlock()
	c.cancelReplace(carol, id, second, 100, 3)
	c.endBlock()
	_, ok = c.order(second)
	require.False(t, ok, "total 3 = filled 3: nothing left")
	_, ok = c.order(third)
	require.True(t, ok)
	_, locked = c.bal(carol, "ubase")
	require.Equal(t, int64(1000), locked) // the third order only
}

// The min notional is checked on what the order can trade at: a buy at
// most at min(price, reference), a sell at least at max(price, reference).
// Before, the limit (or worst) price was used: a market buy with a far
// worst price passed the minimum with one lot, and a market sell with a
// worst price of 1 tick was refused.
func TestMinNotionalOnWhatTheOrderCanTradeAt(t *testing.T) {
	c := newChain(t)
	m := feeless()
	m.MinNotional = sdkmath.NewInt(1000)
	id := c.createMarket(m)
	alice := c.account("alice", 1, false, coin("ubase", 1_000_000))
	bob := c.account("bob", 2, false, coin("uquote", 1_000_000))
	c.deposit(alice, coin("ubase", 1_000_000))
	c.deposit(bob, coin("uquote", 1_000_000))
	c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, 100, 10))
	c.mustPlace(bob, limit(id, types.Side_SIDE_BUY, 100, 10)) // last price 100
	c.endBlock()
	c.refused(types.ErrMinNotional, func(ctx sdk.Context) error {
		_, err := c.msgs.PlaceOrder(ctx, &types.MsgPlaceOrder{Owner: bob.String(), Order: types.OrderSpec{MarketId: id,
			Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_MARKET, Price: 100_000, Quantity: 1}})
		return err
	})
	c.mustPlace(alice, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_SELL, Type: types.OrderType_ORDER_TYPE_MARKET,
		TimeInForce: types.TimeInForce_TIME_IN_FORCE_IOC, Price: 1, Quantity: 20})
	c.endBlock()
}

// TestBatchCancelThenReuseClientID: a market maker's requote in one batch —
// cancel "bid-1", place a new "bid-1" — was refused as a duplicate live
// client id (the cancel runs only in EndBlock). The batch's own cancel
// frees the id for its places (EndBlock runs cancels first): the old order
// is cancelled, the new one rests under the id, and cancel by client id
// then names the new order. A second place reusing it in the same batch,
// or a cancel in another tx of the block, does not free it.
func TestBatchCancelThenReuseClientID(t *testing.T) {
	c, id, mm, bid, _ := deployedMaker(t)
	res, err := c.batchTx(mm, []types.CancelSpec{{MarketId: id, ClientOrderId: "bid-1"}},
		[]types.OrderSpec{{MarketId: id, Side: types.Side_SIDE_BUY, Price: 99, Quantity: 10, ClientOrderId: "bid-1"}}, false)
	require.NoError(t, err)
	nb := res.OrderIds[0]
	require.NotEqual(t, bid, nb)
	// Not twice in one batch.
	c.refused(types.ErrDuplicateClientID, func(ctx sdk.Context) error {
		_, err := c.msgs.Batch(ctx, &types.MsgBatch{Owner: mm.String(), Cancels: []types.CancelSpec{{MarketId: id, ClientOrderId: "ask-1"}},
			Places: []types.OrderSpec{
				{MarketId: id, Side: types.Side_SIDE_SELL, Price: 111, Quantity: 5, ClientOrderId: "ask-1"},
				{MarketId: id, Side: types.Side_SIDE_SELL, Price: 112, Quantity: 5, ClientOrderId: "ask-1"}}})
		return err
	})
	c.endBlock()
	_, ok := c.order(bid)
	require.False(t, ok, "the cancelled order is live")
	o, ok := c.order(nb)
	require.True(t, ok, "the new order is not live")
	require.Equal(t, "bid-1", o.ClientOrderId)
	require.Equal(t, int64(99), o.Price)
	free, locked := c.bal(mm, "uquote")
	require.Equal(t, [2]int64{10, 1000}, [2]int64{free, locked}, "99x10 plus fee locked, the old lock released")
	got, err := c.cancelByClientID(mm, id, "bid-1")
	require.NoError(t, err)
	require.Equal(t, nb, got)
	// A cancel in an earlier tx of the block does not free the id for a
	// place in another tx.
	_, err = c.cancelByClientID(mm, id, "ask-1")
	require.NoError(t, err)
	c.refused(types.ErrDuplicateClientID, func(ctx sdk.Context) error {
		_, err := c.msgs.PlaceOrder(ctx, &types.MsgPlaceOrder{Owner: mm.String(),
			Order: types.OrderSpec{MarketId: id, Side: types.Side_SIDE_SELL, Price: 111, Quantity: 5, ClientOrderId: "ask-1"}})
		return err
	})
	c.endBlock()
}
