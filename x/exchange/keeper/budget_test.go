package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/keeper"
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

// work counts the orders the last EndBlock touched, from its events:
// expired, cancelled, triggered, rejected and fills.
func work(ctx sdk.Context) (n int) {
	for _, e := range ctx.EventManager().Events() {
		switch e.Type {
		case "clearchain.exchange.v1.EventOrderExpired", "clearchain.exchange.v1.EventOrderCancelled",
			"clearchain.exchange.v1.EventOrderTriggered", "clearchain.exchange.v1.EventOrderRejected", keeper.EventTypeFill:
			n++
		}
	}
	return n
}

// countEvents counts the events of type typ of the last EndBlock.
func countEvents(ctx sdk.Context, typ string) (n int) {
	for _, e := range ctx.EventManager().Events() {
		if e.Type == typ {
			n++
		}
	}
	return n
}

// drain runs blocks until fn says done (at most max blocks), requiring each
// block's work to stay within limit; it returns the blocks run.
func (c *chain) drain(t *testing.T, limit, max int, done func() bool) int {
	t.Helper()
	for i := 1; i <= max; i++ {
		ctx := c.endBlockEvents()
		require.LessOrEqual(t, work(ctx), limit, "block %d touched too many orders", ctx.BlockHeight())
		if done() {
			return i
		}
	}
	t.Fatalf("not done after %d blocks", max)
	return 0
}

// budgetChain is a feeless market with a small work budget and traders
// with deep pockets.
func budgetChain(t *testing.T, budget uint32) (c *chain, id uint64) {
	c = newChain(t)
	id = c.createMarket(feeless())
	c.setParams(func(p *types.Params) { p.MaxWorkPerBlock = budget })
	return c, id
}

func (c *chain) rich(name string, entity uint64) sdk.AccAddress {
	a := c.account(name, entity, false, coin("ubase", 1_000_000_000), coin("uquote", 1_000_000_000))
	c.deposit(a, coin("ubase", 1_000_000_000), coin("uquote", 1_000_000_000))
	return a
}

// TestAttackExpiryWallExpiresAllAtOnce: ExpireUpTo expired everything due
// at once, so a wall of orders expiring at one block was unbounded work.
// Now a block expires at most its budget and the rest over the next blocks;
// a due order left over never trades: the taker that meets one expires it
// and fills behind it.
func TestAttackExpiryWallExpiresAllAtOnce(t *testing.T) {
	const wall, budget = 1000, 200
	c, id := budgetChain(t, 0) // the default budget while the wall is built
	attacker := c.rich("attacker", 1)
	carol := c.rich("carol", 2)
	bob := c.rich("bob", 3)
	buildWall := func() {
		expiry := c.height + 2
		for i := 0; i < wall; i++ {
			s := limit(id, types.Side_SIDE_SELL, 110, 1)
			s.TimeInForce, s.ExpireBlock = types.TimeInForce_TIME_IN_FORCE_GTB, expiry
			c.mustPlace(attacker, s)
		}
		c.endBlock()
		require.Equal(t, wall, c.liveOrders(attacker, id))
		c.setParams(func(p *types.Params) { p.MaxWorkPerBlock = budget })
		c.endBlock() // the block before the expiry
		require.Equal(t, expiry, c.height)
	}
	buildWall()
	blocks := c.drain(t, budget, 20, func() bool { return c.liveOrders(attacker, id) == 0 })
	require.Equal(t, wall/budget, blocks)
	_, aLocked := c.bal(attacker, "ubase")
	require.Zero(t, aLocked)

	// A taker arriving with the wall's expiry: the due orders it meets are
	// expired, it buys from carol at 120, never at 110.
	c.setParams(func(p *types.Params) { p.MaxWorkPerBlock = 0 })
	buildWall()
	c.mustPlace(carol, limit(id, types.Side_SIDE_SELL, 120, 5))
	c.endBlock()
	c.mustPlace(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_MARKET,
		Price: 200, Quantity: 5})
	c.endBlock()
	free, locked := c.bal(bob, "ubase")
	require.Zero(t, locked)
	require.Equal(t, int64(1_000_000_000+500), free)
	qfree, _ := c.bal(bob, "uquote")
	require.Equal(t, int64(1_000_000_000-5*120), qfree)
	c.drain(t, budget, 20, func() bool { return c.liveOrders(attacker, id) == 0 })
	_, aLocked = c.bal(attacker, "ubase")
	require.Zero(t, aLocked)
}

// TestAttackStopCascadeUnbounded: every stop passed by the reference price
// triggered in one block, each a taker with its own fills: unbounded. Now a
// block triggers stops only while its budget lasts (a chunk of stops may
// overshoot by its fills); the rest trigger in the next blocks, first.
func TestAttackStopCascadeUnbounded(t *testing.T) {
	const stops, budget = 300, 100
	c, id := budgetChain(t, 0)
	attacker := c.rich("attacker", 1)
	carol := c.rich("carol", 2)
	alice := c.rich("alice", 3)
	bob := c.rich("bob", 4)
	for i := 0; i < stops; i++ {
		c.mustPlace(carol, limit(id, types.Side_SIDE_SELL, 110, 1))
		c.mustPlace(attacker, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_STOP_LIMIT,
			Price: 150, TriggerPrice: 101, Quantity: 1})
	}
	c.endBlock()
	require.Equal(t, stops, c.liveOrders(attacker, id))
	c.setParams(func(p *types.Params) { p.MaxWorkPerBlock = budget })
	// A trade at 101 sets the reference that passes every stop.
	c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, 101, 1))
	c.mustPlace(bob, limit(id, types.Side_SIDE_BUY, 101, 1))
	c.endBlock()
	blocks := c.drain(t, budget+2*16, 30, func() bool {
		return c.liveOrders(attacker, id) == 0
	})
	require.GreaterOrEqual(t, blocks, 2*stops/(budget+2*16), "the cascade ran faster than the budget allows")
	require.Zero(t, c.liveOrders(carol, id))
	_, locked := c.bal(attacker, "uquote")
	require.Zero(t, locked)
}

// TestAttackMassCancelsExceedBlockWork: max_orders_per_block counted
// commands, and one mass cancel touches all its owner's orders: a block of
// mass cancels was unbounded work. Now a market runs its mass cancels while
// its budget lasts (one may overshoot by at most max_open_orders_per_owner)
// and carries the rest over, with the takers behind them: the taker that
// arrived with the mass cancels does not fill against an order whose cancel
// was queued in the same block.
func TestAttackMassCancelsExceedBlockWork(t *testing.T) {
	const owners, each, budget = 5, 300, 200
	c, id := budgetChain(t, 0)
	c.setParams(func(p *types.Params) { p.MaxOpenOrdersPerOwner = each })
	var mms []sdk.AccAddress
	for i := 0; i < owners; i++ {
		mm := c.rich(fmt.Sprintf("mm%d", i), uint64(10+i))
		mms = append(mms, mm)
		for j := 0; j < each; j++ {
			c.mustPlace(mm, limit(id, types.Side_SIDE_SELL, 110, 1))
		}
	}
	carol := c.rich("carol", 2)
	bob := c.rich("bob", 3)
	c.mustPlace(carol, limit(id, types.Side_SIDE_SELL, 130, 5))
	c.endBlock()
	c.setParams(func(p *types.Params) { p.MaxWorkPerBlock = budget })
	c.mustPlace(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_MARKET,
		Price: 200, Quantity: 5})
	for i, mm := range mms {
		market := id
		if i%2 == 1 {
			market = 0 // every market
		}
		require.NoError(t, c.tx(func(ctx sdk.Context) error {
			_, err := c.msgs.MassCancel(ctx, &types.MsgMassCancel{Owner: mm.String(), MarketId: market})
			return err
		}))
	}
	blocks := c.drain(t, budget+each, 20, func() bool {
		for _, mm := range mms {
			if c.liveOrders(mm, id) != 0 {
				return false
			}
		}
		return true
	})
	require.GreaterOrEqual(t, blocks, owners*each/(budget+each))
	c.endBlock()
	// Bob bought from carol at 130, never from a market maker that pulled.
	qfree, qlocked := c.bal(bob, "uquote")
	require.Zero(t, qlocked)
	require.Equal(t, int64(1_000_000_000-5*130), qfree)
}

// TestAttackThousandsOfLapsedHeartbeats: every lapsed switch ran a mass
// cancel in every market in one block. Now each lapse is a sweep task under
// the block's budget, carried over; while lapses are pending the markets
// where their owners still have orders do not match, so no order of a
// lapsed owner trades after its deadline.
func TestAttackThousandsOfLapsedHeartbeats(t *testing.T) {
	const owners, budget = 1000, 200
	c, id := budgetChain(t, 0)
	other := c.createMarket(feeless())
	var mms []sdk.AccAddress
	for i := 0; i < owners; i++ {
		mm := c.account(fmt.Sprintf("hb%04d", i), uint64(10+i), true, coin("ubase", 1000))
		c.deposit(mm, coin("ubase", 1000))
		c.heartbeat(mm, 2)
		c.mustPlace(mm, limit(id, types.Side_SIDE_SELL, 110, 1))
		mms = append(mms, mm)
	}
	c.endBlock() // deadline: this height + 2
	c.setParams(func(p *types.Params) { p.MaxWorkPerBlock = budget })
	c.endBlock()
	c.endBlock()
	bob := c.rich("bob", 3)
	c.mustPlace(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_MARKET,
		Price: 200, Quantity: 5})
	blocks := c.drain(t, budget+2, 30, func() bool {
		for _, mm := range mms {
			if c.liveOrders(mm, id) != 0 {
				return false
			}
		}
		return true
	})
	require.GreaterOrEqual(t, blocks, owners/(budget/2))
	// No lapsed owner sold anything; bob bought no base.
	free, locked := c.bal(bob, "ubase")
	require.Equal(t, int64(1_000_000_000), free+locked)
	for _, mm := range mms[:10] {
		_, l := c.bal(mm, "ubase")
		require.Zero(t, l)
	}
	require.Zero(t, c.liveOrders(mms[0], other))
}

// TestAttackOwnerRestsUnlimitedOrders: an owner could rest any number of
// orders in a market (each mass cancel, sweep or lapse of it is work in
// EndBlock). Now a place beyond max_open_orders_per_owner live orders
// (resting and stops, counted as the block's places run) is rejected with
// reason "owner-order-cap"; once some are gone it may place again.
func TestAttackOwnerRestsUnlimitedOrders(t *testing.T) {
	const cap = 50
	c := newChain(t)
	id := c.createMarket(feeless())
	c.setParams(func(p *types.Params) { p.MaxOpenOrdersPerOwner = cap })
	a := c.rich("attacker", 1)
	var ids []uint64
	for i := 0; i < cap; i++ {
		ids = append(ids, c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 110+int64(i%3), 1)))
	}
	// Beyond the cap the places of the block are refused in DeliverTx
	// (TestOwnerCapRefusedInDeliverTx); EndBlock's check stays the check
	// of record (none left for it here).
	for i := 0; i < 10; i++ {
		_, err := c.place(a, limit(id, types.Side_SIDE_SELL, 110, 1))
		require.ErrorIs(t, err, types.ErrOwnerOrderCap)
	}
	ctx := c.endBlockEvents()
	require.Equal(t, cap, c.liveOrders(a, id))
	rejected := 0
	for _, e := range ctx.EventManager().Events() {
		if e.Type != "clearchain.exchange.v1.EventOrderRejected" {
			continue
		}
		for _, at := range e.Attributes {
			if at.Key == "reason" && at.Value == `"owner-order-cap"` {
				rejected++
			}
		}
	}
	require.Equal(t, 0, rejected)
	_, locked := c.bal(a, "ubase")
	require.Equal(t, int64(cap*100), locked)
	// Another market is counted on its own; a cancel makes room.
	other := c.createMarket(feeless())
	c.mustPlace(a, limit(other, types.Side_SIDE_SELL, 110, 1))
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: a.String(), MarketId: id, OrderId: ids[0]})
		return err
	}))
	c.mustPlace(a, limit(id, types.Side_SIDE_SELL, 120, 1))
	c.endBlock()
	require.Equal(t, cap, c.liveOrders(a, id))
	require.Equal(t, 1, c.liveOrders(a, other))
}

// TestCancelIsNotQueuedBehindTheTakerThatWouldHitIt: commands ran in
// arrival order, so a market maker's pull that arrived after a taker in the
// same block was too late. Now cancels, mass cancels and post-only places
// run before the block's takers; a cancel or mass cancel also reaches the
// owner's places queued before it in the block.
func TestCancelIsNotQueuedBehindTheTakerThatWouldHitIt(t *testing.T) {
	c := newChain(t)
	id := c.createMarket(feeless())
	mm := c.rich("mm", 1)
	bob := c.rich("bob", 2)
	ask := c.mustPlace(mm, limit(id, types.Side_SIDE_SELL, 100, 5))
	c.endBlock()
	// The taker arrives first, the pull second, a requote (post-only) third.
	taker := c.mustPlace(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_MARKET,
		Price: 105, Quantity: 5})
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: mm.String(), MarketId: id, OrderId: ask})
		return err
	}))
	requote := types.OrderSpec{MarketId: id, Side: types.Side_SIDE_SELL, Price: 106, Quantity: 5, PostOnly: true}
	c.mustPlace(mm, requote)
	ctx := c.endBlockEvents()
	require.Zero(t, countEvents(ctx, keeper.EventTypeFill), "the taker hit the pulled quote")
	require.Equal(t, "cancelled", cancelReasons(ctx.EventManager().ABCIEvents())[uitoa(ask)])
	require.Equal(t, "unfilled", cancelReasons(ctx.EventManager().ABCIEvents())[uitoa(taker)])
	require.Equal(t, 1, c.liveOrders(mm, id)) // the requote rests
	// A place then a taker then a mass cancel, all in one block: the mass
	// cancel reaches the place queued before it, before the taker runs.
	c.mustPlace(mm, limit(id, types.Side_SIDE_BUY, 90, 5))
	c.mustPlace(bob, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_SELL, Type: types.OrderType_ORDER_TYPE_MARKET,
		Price: 80, Quantity: 5})
	require.NoError(t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.MassCancel(ctx, &types.MsgMassCancel{Owner: mm.String(), MarketId: id})
		return err
	}))
	ctx = c.endBlockEvents()
	require.Zero(t, countEvents(ctx, keeper.EventTypeFill))
	require.Zero(t, c.liveOrders(mm, id))
	for _, d := range []string{"ubase", "uquote"} {
		_, l := c.bal(mm, d)
		require.Zero(t, l, d)
	}
}

// TestExpiryWallLeavesRoomForTheBlocksTakers: expiries took the whole work
// budget even when the block also queued a full flow of takers (whose second
// pass runs whole), so such a block did the budget's work on top of the
// flow. Expiries and triggers now leave a reserve of one unit per command of
// the second pass (but keep at least a quarter of the budget), and the wall
// finishes in the next blocks.
func TestExpiryWallLeavesRoomForTheBlocksTakers(t *testing.T) {
	const wall, budget, flow = 400, 200, 100
	c, id := budgetChain(t, 0)
	attacker := c.rich("attacker", 1)
	bob := c.rich("bob", 2)
	expiry := c.height + 2
	for i := 0; i < wall; i++ {
		s := limit(id, types.Side_SIDE_SELL, 110, 1)
		s.TimeInForce, s.ExpireBlock = types.TimeInForce_TIME_IN_FORCE_GTB, expiry
		c.mustPlace(attacker, s)
	}
	c.endBlock()
	c.setParams(func(p *types.Params) { p.MaxWorkPerBlock = budget })
	c.endBlock()
	require.Equal(t, expiry, c.height)
	for i := 0; i < flow; i++ { // the block's own flow: bids below the wall
		c.mustPlace(bob, limit(id, types.Side_SIDE_BUY, 90-int64(i%10), 1))
	}
	ctx := c.endBlockEvents()
	expired := countEvents(ctx, "clearchain.exchange.v1.EventOrderExpired")
	require.Equal(t, budget-flow, expired, "expiries beside a flow of %d takers", flow)
	require.Equal(t, flow, c.liveOrders(bob, id))
	c.drain(t, budget, 5, func() bool { return c.liveOrders(attacker, id) == 0 })

	// Under a flow larger than the budget, expiries still get a quarter.
	for i := 0; i < wall; i++ {
		s := limit(id, types.Side_SIDE_SELL, 110, 1)
		s.TimeInForce, s.ExpireBlock = types.TimeInForce_TIME_IN_FORCE_GTB, c.height+1
		c.mustPlace(attacker, s)
	}
	c.endBlock()
	for i := 0; i < 2*budget; i++ {
		c.mustPlace(bob, limit(id, types.Side_SIDE_BUY, 80, 1))
	}
	ctx = c.endBlockEvents()
	require.Equal(t, budget/4, countEvents(ctx, "clearchain.exchange.v1.EventOrderExpired"))
}
