package matching

import (
	"cmp"
	"slices"
)

// RunAuction executes an Auction-mode book's accumulated orders at one
// uniform clearing price and appends the fills to out. The clearing price
// maximises the executed volume; ties are broken by the smallest imbalance
// (|demand - supply| at that price), then by the distance to ref, then by the
// lower price. Orders are allocated in price-time priority: better prices
// first, and at the clearing price itself in time priority. In each fill the
// later-accepted order is reported as the taker (OrderID) and the earlier one
// as the maker; self-trade prevention applies with the later order's mode.
// What does not fill rests, except IOC and market orders, which are then
// cancelled (ReasonUnfilled) in acceptance order.
//
// Only when self-trade prevention cancelled orders during the allocation can
// the book still be crossed afterwards; the auction then clears what remains
// in a further round with its own uniform price, until the book is uncrossed.
// RunAuction on a continuous book only cancels nothing and returns out.
func (b *Book) RunAuction(ref Price, out []Event) []Event {
	b.out = out
	for {
		p, v := b.clearing(ref)
		if v == 0 {
			break
		}
		b.auctionRound(p)
		if !b.crossed() {
			break
		}
	}
	b.cancelAuctionLeftovers()
	b.crossedOK = false
	out = b.out
	b.out = nil
	return out
}

// ClearingPrice returns the price and volume RunAuction(ref) would execute in
// its first round now (the indicative auction price), without changing the
// book. ok is false when nothing would execute.
func (b *Book) ClearingPrice(ref Price) (p Price, vol Qty, ok bool) {
	p, vol = b.clearing(ref)
	return p, vol, vol > 0
}

func absDiff(a, b Price) uint64 {
	if a > b {
		return uint64(a) - uint64(b)
	}
	return uint64(b) - uint64(a)
}

// clearing computes the clearing price over the crossed range
// [best ask, best bid], visiting each level there once plus one interior
// price per gap between consecutive candidate prices (the price in the gap
// closest to ref: volume and imbalance are constant inside a gap).
func (b *Book) clearing(ref Price) (Price, Qty) {
	bids, asks := &b.lads[ladBids], &b.lads[ladAsks]
	if len(bids.lv) == 0 || len(asks.lv) == 0 {
		return 0, 0
	}
	hiBid := b.levels[bids.lv[len(bids.lv)-1]].price
	loAsk := b.levels[asks.lv[len(asks.lv)-1]].price
	if hiBid < loAsk {
		return 0, 0
	}
	var totalD Qty
	bi := len(bids.lv) - 1
	for ; bi >= 0; bi-- {
		lv := &b.levels[bids.lv[bi]]
		if lv.price < loAsk {
			break
		}
		totalD += lv.qty
	}
	bi++ // lowest bid level with price >= loAsk
	aj := len(asks.lv) - 1
	var (
		cumBelow, cumAsk Qty
		prev             Price
		havePrev         bool
		bestP            Price
		bestV            Qty
		bestImb, bestDst uint64
	)
	consider := func(p Price, d, s Qty) {
		v := min(d, s)
		if v == 0 {
			return
		}
		imb := uint64(d - s)
		if s > d {
			imb = uint64(s - d)
		}
		dst := absDiff(p, ref)
		if v > bestV || (v == bestV && (imb < bestImb || (imb == bestImb && (dst < bestDst || (dst == bestDst && p < bestP))))) {
			bestP, bestV, bestImb, bestDst = p, v, imb, dst
		}
	}
	for {
		haveB := bi < len(bids.lv)
		haveA := aj >= 0 && b.levels[asks.lv[aj]].price <= hiBid
		if !haveB && !haveA {
			break
		}
		var c Price
		switch {
		case haveB && haveA:
			c = min(b.levels[bids.lv[bi]].price, b.levels[asks.lv[aj]].price)
		case haveB:
			c = b.levels[bids.lv[bi]].price
		default:
			c = b.levels[asks.lv[aj]].price
		}
		d := totalD - cumBelow
		if havePrev && c-prev > 1 {
			consider(min(max(ref, prev+1), c-1), d, cumAsk)
		}
		if haveA && b.levels[asks.lv[aj]].price == c {
			cumAsk += b.levels[asks.lv[aj]].qty
			aj--
		}
		consider(c, d, cumAsk)
		if haveB && b.levels[bids.lv[bi]].price == c {
			cumBelow += b.levels[bids.lv[bi]].qty
			bi++
		}
		prev, havePrev = c, true
	}
	return bestP, bestV
}

// auctionRound allocates at price p: the best bid and best ask heads trade
// while the best bid >= p >= the best ask.
func (b *Book) auctionRound(p Price) {
	bids, asks := &b.lads[ladBids], &b.lads[ladAsks]
	for {
		bl, al := bids.best(), asks.best()
		if bl < 0 || al < 0 || b.levels[bl].price < p || b.levels[al].price > p {
			return
		}
		ti, mi := b.levels[bl].head, b.levels[al].head
		if b.orders[ti].seq < b.orders[mi].seq {
			ti, mi = mi, ti
		}
		t, m := &b.orders[ti], &b.orders[mi]
		if t.entity == m.entity {
			b.selfTrade(ti, mi)
			continue
		}
		q := min(t.qty, m.qty)
		t.qty -= q
		m.qty -= q
		b.levels[bl].qty -= q
		b.levels[al].qty -= q
		b.qtyChanged(b.orders[ti].level, ti)
		b.qtyChanged(b.orders[mi].level, mi)
		b.filled += q
		b.emit(Event{Kind: EvFill, OrderID: t.id, Owner: t.owner, Entity: t.entity, Side: t.side, MakerID: m.id, MakerOwner: m.owner, MakerEntity: m.entity,
			Limit: t.price, MakerLimit: m.price, Price: p, Qty: q, Remaining: t.qty, MakerRemaining: m.qty})
		if m.qty == 0 {
			b.removeResting(mi)
		}
		if t.qty == 0 {
			b.removeResting(ti)
		}
	}
}

// cancelAuctionLeftovers cancels the IOC and market orders still waiting
// from the last accumulation, in acceptance order.
func (b *Book) cancelAuctionLeftovers() {
	// Already in seq order unless orders were loaded by LoadOrder.
	slices.SortFunc(b.auctionIOC, func(x, y slotSeq) int { return cmp.Compare(x.seq, y.seq) })
	for _, e := range b.auctionIOC {
		if o := &b.orders[e.slot]; o.state == stResting && o.seq == e.seq {
			b.cancelOrder(e.slot, ReasonUnfilled)
		}
	}
	b.auctionIOC = b.auctionIOC[:0]
}
