package simulation

import (
	"cosmossdk.io/collections"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// level is one price level of the book, aggregated.
type level struct {
	price int64
	qty   uint64
}

// liveOrder is a resting order of an agent's account.
type liveOrder struct {
	id    uint64
	side  exchangetypes.Side
	price int64
	qty   uint64
}

// view is what agents see of the market after a block: committed state
// read back from the app's stores (never from its in-memory books), plus
// the exogenous price and what the agents know of their own fills.
type view struct {
	h           int64
	market      uint64 // the simulated market's id
	fundamental int64
	oracle      int64 // 0: no fresh oracle price
	last        int64 // last trade price (0: none yet)
	bids, asks  []level
	live        map[uint64][]liveOrder // by engine owner id (lookups only)
	status      exchangetypes.MarketStatus
	haltedUntil int64
	bandBps     uint32
	prevMid     int64
}

// reference is the exchange's reference price: the oracle's, else the
// last trade, else the exogenous price (before the first trade).
func (v *view) reference() int64 {
	switch {
	case v.oracle > 0:
		return v.oracle
	case v.last > 0:
		return v.last
	}
	return v.fundamental
}

func (v *view) bestBid() int64 {
	if len(v.bids) == 0 {
		return 0
	}
	return v.bids[0].price
}

func (v *view) bestAsk() int64 {
	if len(v.asks) == 0 {
		return 0
	}
	return v.asks[0].price
}

// mid is the book's mid, or the reference when a side is empty.
func (v *view) mid() int64 {
	b, a := v.bestBid(), v.bestAsk()
	if b > 0 && a > 0 {
		return (a + b) / 2
	}
	return v.reference()
}

// halted says new orders are refused (authority halt, cancel-only or a
// circuit-breaker halt).
func (v *view) halted() bool {
	return v.status == exchangetypes.MarketStatus_MARKET_STATUS_HALTED ||
		v.status == exchangetypes.MarketStatus_MARKET_STATUS_CANCEL_ONLY || v.haltedUntil > v.h
}

// band returns the price band of the next block around the reference (0, 0
// without a band).
func (v *view) band() (lo, hi int64) {
	if v.bandBps == 0 {
		return 0, 0
	}
	ref := v.reference()
	d := ref * int64(v.bandBps) / 10_000
	// One tick inside, so a small move of the reference does not refuse
	// the order.
	return ref - d + 1, ref + d - 1
}

// clip moves a limit price inside the band.
func (v *view) clip(p int64) int64 {
	lo, hi := v.band()
	if hi > 0 {
		p = min(max(p, lo), hi)
	}
	return max(p, 1)
}

// depth is the quantity on a side within bps of the mid.
func (v *view) depth(levels []level, bps int64, bid bool) uint64 {
	mid := v.mid()
	d := mid * bps / 10_000
	var q uint64
	for _, l := range levels {
		if (bid && l.price < mid-d) || (!bid && l.price > mid+d) {
			break
		}
		q += l.qty
	}
	return q
}

// readView reads the market's committed state after block h.
func (c *chain) readView(h int64, fundamental int64) (*view, error) {
	ctx := c.queryCtx()
	k := c.app.ExchangeKeeper
	v := &view{h: h, market: c.market, fundamental: fundamental, live: map[uint64][]liveOrder{}}
	if p, _, ok := c.app.OracleKeeper.PriceOf(ctx, c.feed); ok {
		v.oracle = p
	}
	if m, err := k.Markets.Get(ctx, c.market); err == nil {
		v.status, v.bandBps = m.Status, m.BandBps
	}
	if st, err := k.MarketStates.Get(ctx, c.market); err == nil {
		v.last, v.haltedUntil = st.LastPrice, st.HaltedUntil
	}
	for _, kind := range []uint32{1, 2} {
		rng := collections.NewSuperPrefixedTripleRange[uint64, uint32, int64](c.market, kind)
		var levels []level
		err := k.Levels.Walk(ctx, rng, func(key collections.Triple[uint64, uint32, int64], bz []byte) (bool, error) {
			l := level{price: key.K3()}
			err := exchangetypes.DecodeLevel(bz, func(o *exchangetypes.LevelOrder) error {
				l.qty += o.Quantity
				v.live[o.OwnerId] = append(v.live[o.OwnerId], liveOrder{id: o.Id, side: o.Side, price: o.Price, qty: o.Quantity})
				return nil
			})
			levels = append(levels, l)
			return false, err
		})
		if err != nil {
			return nil, err
		}
		if kind == 1 { // bids: best (highest) first
			for i, j := 0, len(levels)-1; i < j; i, j = i+1, j-1 {
				levels[i], levels[j] = levels[j], levels[i]
			}
			v.bids = levels
		} else {
			v.asks = levels
		}
	}
	return v, nil
}

// ownerIDs resolves the engine owner id of each agent account (assigned on
// the account's first deposit).
func (c *chain) ownerIDs(agents []*agent) {
	ctx := c.queryCtx()
	for _, a := range agents {
		for _, acc := range a.accounts {
			if acc.owner == 0 {
				if id, err := c.app.ExchangeKeeper.OwnerIDs.Get(ctx, acc.addr); err == nil {
					acc.owner = id
				}
			}
		}
	}
}
