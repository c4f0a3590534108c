package keeper_test

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// sim drives identical random blocks on one or more chains.
type sim struct {
	chains  []*chain
	traders []sdk.AccAddress
	markets []uint64
	ids     []uint64 // order ids seen (some dead)
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
				default:
					_, err := c.msgs.MassCancel(ctx, &types.MsgMassCancel{Owner: o.who.String(), MarketId: o.mkt})
					return err
				}
			})
			if err == nil && id != 0 && ci == 0 {
				s.ids = append(s.ids, id)
			}
		}
		c.endBlock() // checks the invariant
	}
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
