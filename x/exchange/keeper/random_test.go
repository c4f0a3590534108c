package keeper_test

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktestutil "github.com/cosmos/cosmos-sdk/x/bank/testutil"

	"github.com/clearchain/clearchain/x/exchange/keeper"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// sim drives identical random blocks on one or more chains.
type sim struct {
	// ext: the budget paths too — small max_orders_per_block, work budget
	// and per-owner cap, a banded market, an oracle price that moves,
	// heartbeats (see newExtSim).
	ext     bool
	price   int64
	seen    map[string]int // ext: paths seen on chain 0 (see note)
	chains  []*chain
	traders []sdk.AccAddress
	markets []uint64
	ids     []uint64 // order ids seen (some dead)
	// events: each chain's EndBlock events of the last block.
	events [][]sdk.Event
}

func newSim(t *testing.T, n int) *sim {
	s := &sim{}
	for i := 0; i < n; i++ {
		s.chains = append(s.chains, newChain(t))
	}
	auction := stdMarket()
	auction.Mode = types.MarketMode_MARKET_MODE_CALL_AUCTION
	auction.AuctionIntervalBlocks = 3
	for _, c := range s.chains {
		var tr []sdk.AccAddress
		for i, name := range []string{"a1", "b2", "c3", "d4", "e5", "f6"} {
			// Entities: a1 and b2 share entity 1 (self-trade prevention).
			ent := uint64(i)
			if i == 0 {
				ent = 1
			}
			a := c.account(name, ent, i%2 == 0, coin("ubase", 1_000_000_000), coin("uquote", 1_000_000_000))
			c.deposit(a, coin("ubase", 500_000_000), coin("uquote", 500_000_000))
			tr = append(tr, a)
		}
		s.traders = tr
		m1 := c.createMarket(stdMarket())
		m2 := c.createMarket(auction)
		s.markets = []uint64{m1, m2}
	}
	return s
}

// newExtSim is newSim with the budget paths: max_orders_per_block 12, a work
// budget of 20 orders a block, 6 live orders per owner and market, a third
// market banded ±5% around an oracle price that moves every block, and
// heartbeats among the random operations.
func newExtSim(t *testing.T, n int) *sim {
	s := newSim(t, n)
	s.ext, s.price = true, 100
	banded := stdMarket()
	banded.BandBps = 500
	for _, c := range s.chains {
		c.setParams(func(p *types.Params) {
			p.MaxOrdersPerBlock, p.MaxWorkPerBlock, p.MaxOpenOrdersPerOwner = 12, 20, 6
		})
		id := c.createMarket(banded)
		if len(s.markets) < 3 {
			s.markets = append(s.markets, id)
		}
	}
	return s
}

// block runs one random block on every chain.
func (s *sim) block(t *testing.T, rng *rand.Rand) {
	n := rng.Intn(40)
	type op struct {
		kind int
		who  sdk.AccAddress
		spec types.OrderSpec
		id   uint64
		mkt  uint64
	}
	var ops []op
	if s.ext {
		s.price = min(max(s.price+int64(rng.Intn(5))-2, 90), 110)
		for _, c := range s.chains {
			c.oracle.prices["ubase/uquote"] = s.price
		}
	}
	for i := 0; i < n; i++ {
		who := s.traders[rng.Intn(len(s.traders))]
		mkt := s.markets[rng.Intn(len(s.markets))]
		side := types.Side_SIDE_BUY
		if rng.Intn(2) == 0 {
			side = types.Side_SIDE_SELL
		}
		spec := types.OrderSpec{MarketId: mkt, Side: side, Price: int64(95 + rng.Intn(11)), Quantity: uint64(1 + rng.Intn(20)),
			Stp: types.STPMode(rng.Intn(5))}
		switch r := rng.Intn(20); {
		case r < 2:
			spec.TimeInForce = types.TimeInForce_TIME_IN_FORCE_IOC
		case r < 3 && mkt == s.markets[0]:
			spec.TimeInForce = types.TimeInForce_TIME_IN_FORCE_FOK
		case r < 4:
			spec.TimeInForce = types.TimeInForce_TIME_IN_FORCE_GTB
			spec.ExpireBlock = s.chains[0].height + int64(rng.Intn(4))
		case r < 5:
			spec.Type = types.OrderType_ORDER_TYPE_MARKET
			spec.Price = 90 + int64(rng.Intn(30))
		case r < 6 && mkt == s.markets[0]:
			spec.Type = types.OrderType_ORDER_TYPE_STOP_LIMIT
			spec.TriggerPrice = int64(95 + rng.Intn(11))
		case r < 7 && mkt == s.markets[0]:
			spec.PostOnly = true
		case r < 8:
			spec.TimeInForce = types.TimeInForce_TIME_IN_FORCE_GTT
			spec.ExpireTime = s.chains[0].ctx.BlockTime().Unix() + int64(1+rng.Intn(4))
		}
		k := rng.Intn(10)
		o := op{kind: 0, who: who, spec: spec}
		if k >= 7 && len(s.ids) > 0 {
			o = op{kind: 1, who: who, id: s.ids[rng.Intn(len(s.ids))], mkt: mkt}
		} else if k == 6 && len(s.ids) > 0 {
			o = op{kind: 2, who: who, id: s.ids[rng.Intn(len(s.ids))], mkt: mkt, spec: spec}
		} else if k == 5 && rng.Intn(10) == 0 {
			o = op{kind: 3, who: who, mkt: mkt}
		} else if s.ext && k == 5 && rng.Intn(3) == 0 {
			o = op{kind: 4, who: who, id: uint64(rng.Intn(4))} // heartbeat window (0 disarms)
		}
		if s.ext && o.kind == 3 && rng.Intn(2) == 0 {
			o.mkt = 0 // every market
		}
		ops = append(ops, o)
	}
	for ci, c := range s.chains {
		for _, o := range ops {
			var id uint64
			err := c.tx(func(ctx sdk.Context) error {
				switch o.kind {
				case 0:
					r, err := c.msgs.PlaceOrder(ctx, &types.MsgPlaceOrder{Owner: o.who.String(), Order: o.spec})
					if err == nil {
						id = r.OrderId
					}
					return err
				case 1:
					_, err := c.msgs.CancelOrder(ctx, &types.MsgCancelOrder{Owner: o.who.String(), MarketId: o.mkt, OrderId: o.id})
					return err
				case 2:
					_, err := c.msgs.CancelReplace(ctx, &types.MsgCancelReplace{Owner: o.who.String(), MarketId: o.mkt, OrderId: o.id,
						Price: o.spec.Price, Quantity: o.spec.Quantity})
					return err
				case 4:
					_, err := c.msgs.Heartbeat(ctx, &types.MsgHeartbeat{Owner: o.who.String(), WindowBlocks: o.id})
					return err
				default:
					_, err := c.msgs.MassCancel(ctx, &types.MsgMassCancel{Owner: o.who.String(), MarketId: o.mkt})
					return err
				}
			})
			if err == nil && id != 0 && ci == 0 {
				s.ids = append(s.ids, id)
			}
		}
		ctx := c.endBlockEvents() // checks the invariant
		if len(s.events) != len(s.chains) {
			s.events = make([][]sdk.Event, len(s.chains))
		}
		s.events[ci] = ctx.EventManager().Events()
		if s.ext && ci == 0 {
			s.note(c, ctx)
		}
	}
}

// note counts the budget paths a block of chain 0 took.
func (s *sim) note(c *chain, ctx sdk.Context) {
	if s.seen == nil {
		s.seen = map[string]int{}
	}
	for _, e := range ctx.EventManager().Events() {
		switch e.Type {
		case "clearchain.exchange.v1.EventHeartbeatExpired", types.EventTypeSweep, keeper.EventTypeFill,
			"clearchain.exchange.v1.EventOrderTriggered":
			s.seen[e.Type]++
		case "clearchain.exchange.v1.EventOrderRejected", "clearchain.exchange.v1.EventOrderCancelled":
			for _, a := range e.Attributes {
				if a.Key == "reason" {
					s.seen[a.Value]++
				}
			}
		}
	}
	require.NoError(c.t, c.k.Pending.Walk(c.ctx, nil, func(uint64, types.QueuedCommand) (bool, error) {
		s.seen["pending"]++
		return true, nil
	}))
}

func TestRandomizedBlocksKeepInvariant(t *testing.T) {
	s := newSim(t, 1)
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 150; i++ {
		s.block(t, rng)
	}
	c := s.chains[0]
	// Every lock is backed by a live or queued order: cancel everything and
	// no balance may stay locked.
	for _, a := range s.traders {
		require.NoError(t, c.tx(func(ctx sdk.Context) error {
			_, err := c.msgs.MassCancel(ctx, &types.MsgMassCancel{Owner: a.String()})
			return err
		}))
	}
	c.endBlock()
	for _, a := range s.traders {
		for _, d := range []string{"ubase", "uquote"} {
			_, l := c.bal(a, d)
			require.Zero(t, l, "%s %s still locked", a, d)
		}
	}
	st, err := c.q.Stats(c.ctx, &types.QueryStatsRequest{MarketId: s.markets[0]})
	require.NoError(t, err)
	require.NotZero(t, st.Trades)
	st, err = c.q.Stats(c.ctx, &types.QueryStatsRequest{MarketId: s.markets[1]})
	require.NoError(t, err)
	require.NotZero(t, st.Trades, "auction market never cleared")
}

// TestRandomizedBlocksUnderBudgetKeepInvariant is the randomized test on
// the budget paths (newExtSim): bands, stops, auctions, heartbeats,
// replaces, mass cancels of one and every market, per-owner caps, work
// carried over from block to block. Every block keeps the balance
// invariant; at the end, after everyone's mass cancel has drained, no
// balance is locked and nothing is left pending.
func TestRandomizedBlocksUnderBudgetKeepInvariant(t *testing.T) {
	s := newExtSim(t, 1)
	rng := rand.New(rand.NewSource(17))
	for i := 0; i < 150; i++ {
		s.block(t, rng)
	}
	t.Logf("paths seen: %v", s.seen)
	for _, path := range []string{"clearchain.exchange.v1.EventHeartbeatExpired", `"heartbeat-lapsed"`, `"owner-order-cap"`,
		`"band"`, "clearchain.exchange.v1.EventOrderTriggered", "pending", `"mass-cancel"`} {
		require.NotZero(t, s.seen[path], "the random blocks never took %s", path)
	}
	c := s.chains[0]
	for _, a := range s.traders {
		require.NoError(t, c.tx(func(ctx sdk.Context) error {
			_, err := c.msgs.Heartbeat(ctx, &types.MsgHeartbeat{Owner: a.String()})
			return err
		}))
		_ = c.tx(func(ctx sdk.Context) error { // refused when it has nothing to cancel
			_, err := c.msgs.MassCancel(ctx, &types.MsgMassCancel{Owner: a.String()})
			return err
		})
	}
	for i := 0; i < 40; i++ {
		c.endBlock()
	}
	for _, a := range s.traders {
		for _, d := range []string{"ubase", "uquote"} {
			_, l := c.bal(a, d)
			require.Zero(t, l, "%s %s still locked", a, d)
		}
	}
	pending := 0
	require.NoError(t, c.k.Pending.Walk(c.ctx, nil, func(uint64, types.QueuedCommand) (bool, error) {
		pending++
		return false, nil
	}))
	require.Zero(t, pending, "commands still pending")
	for _, m := range s.markets {
		st, err := c.q.Stats(c.ctx, &types.QueryStatsRequest{MarketId: m})
		require.NoError(t, err)
		require.NotZero(t, st.Trades, "market %d never traded", m)
	}
}

// TestRestartUnderBudgetRebuildsBooks is TestRestartRebuildsBooks on the
// budget paths: carried-over work resumes identically after a restart.
func TestRestartUnderBudgetRebuildsBooks(t *testing.T) {
	s := newExtSim(t, 2)
	rng := rand.New(rand.NewSource(23))
	for i := 0; i < 60; i++ {
		s.block(t, rng)
		require.Equal(t, s.chains[0].appHash(), s.chains[1].appHash(), "block %d", i)
		if i == 30 {
			s.chains[1].newKeeper()
		}
	}
	require.Equal(t, s.chains[0].snapshot(), s.chains[1].snapshot())
}

// TestRestartRebuildsBooks runs two identical chains; one gets a fresh
// keeper (books rebuilt from the stored levels) halfway; app hashes must
// stay equal block after block.
func TestRestartRebuildsBooks(t *testing.T) {
	s := newSim(t, 2)
	rng := rand.New(rand.NewSource(11))
	for i := 0; i < 40; i++ {
		s.block(t, rng)
		require.Equal(t, s.chains[0].appHash(), s.chains[1].appHash(), "block %d", i)
	}
	s.chains[1].newKeeper() // restart: empty books, lazy rebuild
	for i := 0; i < 40; i++ {
		s.block(t, rng)
		require.Equal(t, s.chains[0].appHash(), s.chains[1].appHash(), "block %d after restart", i)
		if i == 20 {
			s.chains[0].newKeeper() // and the other one, mid-run
		}
	}
	require.Equal(t, s.chains[0].snapshot(), s.chains[1].snapshot())
}

func TestGenesisRoundTrip(t *testing.T) {
	s := newSim(t, 1)
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 30; i++ {
		s.block(t, rng)
	}
	c := s.chains[0]
	gs, err := c.k.ExportGenesis(c.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.NotEmpty(t, gs.Levels)

	d := newChain(t)
	require.NoError(t, d.k.InitGenesis(d.ctx, gs))
	gs2, err := d.k.ExportGenesis(d.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, gs2)
	// The rebuilt books answer like the originals.
	for _, m := range s.markets {
		a, err := c.q.Depth(c.ctx, &types.QueryDepthRequest{MarketId: m, Levels: 50})
		require.NoError(t, err)
		b, err := d.q.Depth(d.ctx, &types.QueryDepthRequest{MarketId: m, Levels: 50})
		require.NoError(t, err)
		require.Equal(t, a.Bids, b.Bids)
		require.Equal(t, a.Asks, b.Asks)
	}
}

// TestGenesisExportMidCarryOverNextBlocksIdentical exports a chain on the
// budget paths while commands are carried over (with partly filled live
// orders, finished orders' statuses, heartbeats, trade history), imports it
// into a fresh keeper and store, and runs the same blocks on both: every
// block's events, the exported state, the status of every order id seen,
// the recent trades and the stats must stay identical.
func TestGenesisExportMidCarryOverNextBlocksIdentical(t *testing.T) {
	s := newExtSim(t, 2)
	rng := rand.New(rand.NewSource(29))
	c := s.chains[1]
	for i := 0; ; i++ {
		require.Less(t, i, 200, "no block left commands carried over with fills, statuses and heartbeats")
		s.block(t, rng)
		if i < 20 {
			continue
		}
		// What EndBlock keeps in state, read from the store.
		has := func(walk func(func() (bool, error)) error) bool {
			n := 0
			require.NoError(t, walk(func() (bool, error) { n++; return true, nil }))
			return n > 0
		}
		if has(func(f func() (bool, error)) error {
			return c.k.Pending.Walk(c.ctx, nil, func(uint64, types.QueuedCommand) (bool, error) { return f() })
		}) && has(func(f func() (bool, error)) error {
			return c.k.Filled.Walk(c.ctx, nil, func(uint64, uint64) (bool, error) { return f() })
		}) && has(func(f func() (bool, error)) error {
			return c.k.StatusBlocks.Walk(c.ctx, nil, func(int64, []byte) (bool, error) { return f() })
		}) && has(func(f func() (bool, error)) error {
			return c.k.Heartbeats.Walk(c.ctx, nil, func(sdk.AccAddress, types.Heartbeat) (bool, error) { return f() })
		}) {
			break
		}
	}
	gs, err := c.k.ExportGenesis(c.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())

	// A fresh store: the same licences, bank balances of the traders and of
	// the module account, then the exchange's genesis at the same height.
	d := newChain(t)
	d.height = c.height
	d.ctx = d.newCtx()
	for addr, l := range c.lic.table {
		d.lic.table[addr] = l
	}
	for _, a := range s.traders {
		if coins := c.bank.GetAllBalances(c.ctx, a); !coins.IsZero() {
			require.NoError(t, banktestutil.FundAccount(d.ctx, d.bank, a, coins))
		}
	}
	mod := authtypes.NewModuleAddress(types.ModuleName)
	require.NoError(t, banktestutil.FundModuleAccount(d.ctx, d.bank, types.ModuleName, c.bank.GetAllBalances(c.ctx, mod)))
	d.oracle.prices = c.oracle.prices
	require.NoError(t, d.k.InitGenesis(d.ctx, gs))
	gs2, err := d.k.ExportGenesis(d.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, gs2, "export of the imported state")
	d.cms.Commit()
	d.ctx = d.newCtx()
	s.chains[1] = d

	a := s.chains[0]
	same := func(when string) {
		t.Helper()
		ga, err := a.k.ExportGenesis(a.ctx)
		require.NoError(t, err)
		gd, err := d.k.ExportGenesis(d.ctx)
		require.NoError(t, err)
		require.Equal(t, ga, gd, "%s: exported state", when)
		for _, id := range s.ids {
			sa, ea := a.q.OrderStatus(a.ctx, &types.QueryOrderStatusRequest{OrderId: id})
			sd, ed := d.q.OrderStatus(d.ctx, &types.QueryOrderStatusRequest{OrderId: id})
			require.Equal(t, ea == nil, ed == nil, "%s: order %d: %v / %v", when, id, ea, ed)
			require.Equal(t, sa, sd, "%s: status of order %d", when, id)
		}
		for _, m := range s.markets {
			ta, err := a.q.Trades(a.ctx, &types.QueryTradesRequest{MarketId: m})
			require.NoError(t, err)
			td, err := d.q.Trades(d.ctx, &types.QueryTradesRequest{MarketId: m})
			require.NoError(t, err)
			require.Equal(t, ta, td, "%s: trades of market %d", when, m)
			sa, err := a.q.Stats(a.ctx, &types.QueryStatsRequest{MarketId: m})
			require.NoError(t, err)
			sd, err := d.q.Stats(d.ctx, &types.QueryStatsRequest{MarketId: m})
			require.NoError(t, err)
			require.Equal(t, sa, sd, "%s: stats of market %d", when, m)
		}
	}
	same("after import")
	for i := 0; i < 30; i++ {
		s.block(t, rng)
		require.Equal(t, s.events[0], s.events[1], "block %d after import: EndBlock events", i)
		same(fmt.Sprintf("block %d after import", i))
	}
}
