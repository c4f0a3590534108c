package surveillance

import (
	"fmt"
	"sort"
)

// detectPending runs the detectors that need to see what happened after
// the pattern (a reversal, an exit): marking the close and momentum
// ignition. Both evaluate a past span from the block history.
func (e *Engine) detectPending(b *block) []Alert {
	out := e.detectClose(b)
	return append(out, e.detectMomentum(b)...)
}

// lastPrice returns the last trade price in market at or before height h,
// no earlier than lo.
func (e *Engine) lastPrice(market uint64, lo, h int64) (int64, bool) {
	for x := h; x >= lo; x-- {
		b := e.blockAt(x)
		if b == nil {
			continue
		}
		for i := len(b.fills) - 1; i >= 0; i-- {
			if b.fills[i].Market == market {
				return b.fills[i].Price, true
			}
		}
	}
	return 0, false
}

// groupVolume sums, per market and group, the lots bought and sold in
// heights [lo, hi].
type gv struct{ bought, sold uint64 }

func (e *Engine) volumes(lo, hi int64, market uint64) (map[uint64]*gv, uint64) {
	m := map[uint64]*gv{}
	var total uint64
	for x := lo; x <= hi; x++ {
		b := e.blockAt(x)
		if b == nil {
			continue
		}
		for i := range b.fills {
			f := &b.fills[i]
			if f.Market != market {
				continue
			}
			total += f.Qty
			if g := f.BuyerGroup(); g != 0 {
				if m[g] == nil {
					m[g] = &gv{}
				}
				m[g].bought += f.Qty
			}
			if g := f.SellerGroup(); g != 0 {
				if m[g] == nil {
					m[g] = &gv{}
				}
				m[g].sold += f.Qty
			}
		}
	}
	return m, total
}

func (e *Engine) marketsIn(lo, hi int64) []uint64 {
	seen := map[uint64]bool{}
	var out []uint64
	for x := lo; x <= hi; x++ {
		if b := e.blockAt(x); b != nil {
			for i := range b.fills {
				if m := b.fills[i].Market; !seen[m] {
					seen[m] = true
					out = append(out, m)
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func sortedGroups(m map[uint64]*gv) []uint64 {
	out := make([]uint64, 0, len(m))
	for g := range m {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// detectClose raises marking_close alerts. The close C is every height
// divisible by the market's interval (MarketIntervals, else
// IntervalBlocks); it is judged at C + ReversalBlocks.
func (e *Engine) detectClose(b *block) []Alert {
	p := e.p.Close
	if p.WindowBlocks <= 0 {
		return nil
	}
	c := b.height - p.ReversalBlocks
	if c <= 0 {
		return nil
	}
	wlo := c - p.WindowBlocks + 1
	blo := wlo - p.BaselineBlocks
	var out []Alert
	for _, m := range e.marketsIn(wlo, c) {
		iv := p.IntervalBlocks
		if v, ok := p.MarketIntervals[m]; ok {
			iv = v
		}
		if iv <= 0 || c%iv != 0 {
			continue
		}
		// The close is the last print at or before the close height (what
		// a marker pushes); it is compared with the volume-weighted price
		// of the WindowBlocks before the window and, for the reversal, of
		// the ReversalBlocks after the close — averages, because a single
		// print there would mostly measure the bid-ask bounce of whichever
		// order traded last.
		// The usual share is measured away from the previous close: its
		// window and reversal are when this very pattern happens (a group
		// marking every close would otherwise make its own unwind its
		// usual share).
		blo := max(blo, c-iv+p.ReversalBlocks+1)
		before, ok := e.vwap(m, max(blo, wlo-p.WindowBlocks), wlo-1)
		if !ok {
			continue
		}
		closeP, _ := e.lastPrice(m, wlo, c)
		after, ok := e.vwap(m, c+1, b.height)
		if !ok {
			continue // no trade after the close: no reversal to see
		}
		win, wTotal := e.volumes(wlo, c, m)
		base, bTotal := e.volumes(blo, wlo-1, m)
		afterVol, _ := e.volumes(c+1, b.height, m)
		for _, g := range sortedGroups(win) {
			v := win[g]
			share := bps(int64(v.bought+v.sold), int64(wTotal))
			baseShare := p.MinBaselineBps
			if bv := base[g]; bv != nil && bTotal > 0 {
				baseShare = max(baseShare, bps(int64(bv.bought+bv.sold), int64(bTotal)))
			}
			dir := int64(1)
			if v.sold > v.bought {
				dir = -1
			}
			// The unwind: the group's own trades the other way after the
			// close (a marker holds the position only to set the price; an
			// institution working an order into the close keeps it).
			net, unwound := int64(v.bought)-int64(v.sold), int64(0)
			if av := afterVol[g]; av != nil {
				unwound = int64(av.sold)
				if dir < 0 {
					unwound = int64(av.bought)
				}
			}
			// Two ways in: a dominant share of the window (the plain
			// marker), or a round trip straddling the close — at least
			// RoundTripMinQty lots net one way in the window, at least
			// MinUnwindPct of it traded back after — with a share well
			// above the group's own usual share (the evader who keeps its
			// share modest still has to buy before and sell after).
			plain := share >= p.MinShareBps && share >= p.ShareMultiple*baseShare
			roundTrip := p.RoundTripMinQty > 0 && net*dir >= p.RoundTripMinQty &&
				unwound*100 >= max(p.MinUnwindPct, 1)*net*dir &&
				share >= p.RoundTripMinShareBps && share >= p.RoundTripShareMultiple*baseShare
			if !plain && !roundTrip {
				continue
			}
			impact := bps((closeP-before)*dir, before)
			rev := (closeP - after) * dir
			if impact < p.MinImpactBps || rev*100 < p.MinReversalPct*(closeP-before)*dir {
				continue
			}
			if unwound*100 < p.MinUnwindPct*net*dir {
				continue
			}
			a := Alert{Detector: DetMarkingClose, Height: b.height, FirstHeight: wlo, Market: m, Group: g}
			e.collect(&a, m, wlo, c, g)
			a.Evidence = fmt.Sprintf("ownership group %d made %d.%02d%% of market %d's volume in the %d blocks before the close at height %d (usual share %d.%02d%% over the %d blocks before); it %s, moving the price from an average of %d to a close of %d (%+d bps), which came back to an average of %d in the %d blocks after, while it traded %d of its net %d lots back",
				g, share/100, share%100, m, p.WindowBlocks, c, baseShare/100, baseShare%100, wlo-blo,
				map[bool]string{true: "bought", false: "sold"}[dir > 0], before, closeP, bps(closeP-before, before), after, p.ReversalBlocks, unwound, net*dir)
			a.Score = 400 + (share/baseShare-p.ShareMultiple)*50 + (impact-p.MinImpactBps)/10
			if !plain {
				a.Evidence += fmt.Sprintf(" (a round trip: below the %d.%02d%% share of the plain pattern, %d× its usual share)",
					p.MinShareBps/100, p.MinShareBps%100, share/max(baseShare, 1))
				a.Score = 350 + (share/baseShare-p.RoundTripShareMultiple)*50 + (impact-p.MinImpactBps)/10
			}
			out = append(out, a)
		}
	}
	return out
}

// collect adds the evidence of group g's fills in market m, heights
// [lo, hi], to a.
func (e *Engine) collect(a *Alert, m uint64, lo, hi int64, g uint64) {
	for x := lo; x <= hi; x++ {
		b := e.blockAt(x)
		if b == nil {
			continue
		}
		for i := range b.fills {
			f := &b.fills[i]
			if f.Market != m {
				continue
			}
			for _, side := range [2]struct {
				acct  string
				ent   uint64
				order uint64
				grp   uint64
			}{{f.Taker, f.TakerEntity, f.TakerOrder, f.TakerGroup}, {f.Maker, f.MakerEntity, f.MakerOrder, f.MakerGroup}} {
				if side.ent == 0 || side.grp != g {
					continue
				}
				a.Entities = append(a.Entities, side.ent)
				a.Accounts = append(a.Accounts, side.acct)
				if len(a.TradeIDs) < maxEvidence {
					a.TradeIDs = append(a.TradeIDs, f.TradeID)
					a.OrderIDs = append(a.OrderIDs, side.order)
				}
			}
		}
	}
}

// detectMomentum raises momentum_ignition alerts. At height H it judges the
// burst (E-IgniteBlocks, E], E = H - ExitBlocks: a group whose aggressive
// (taker) trades in one direction were at least MinQty lots and
// MinTakerShareBps of the market's taker volume, while the price moved
// MinImpactBps that way, and which then, within ExitBlocks, traded at
// least MinExitPct percent of that quantity back at a better average price.
func (e *Engine) detectMomentum(b *block) []Alert {
	p := e.p.Momentum
	if p.IgniteBlocks <= 0 || p.ExitBlocks <= 0 {
		return nil
	}
	end := b.height - p.ExitBlocks
	lo := end - p.IgniteBlocks + 1
	if lo <= 1 {
		return nil
	}
	var out []Alert
	for _, m := range e.marketsIn(lo, end) {
		before, ok := e.lastPrice(m, lo-p.IgniteBlocks-p.ExitBlocks, lo-1)
		if !ok || before <= 0 {
			continue
		}
		type agg struct {
			buy, sell       uint64
			buyNot, sellNot int64
		}
		takers := map[uint64]*agg{}
		var total uint64
		for x := lo; x <= end; x++ {
			bb := e.blockAt(x)
			if bb == nil {
				continue
			}
			for i := range bb.fills {
				f := &bb.fills[i]
				if f.Market != m {
					continue
				}
				total += f.Qty
				// Group-internal fills move no risk to anyone else (the
				// wash detector's): they are not aggression on the market.
				if f.TakerEntity == 0 || (f.MakerEntity != 0 && f.MakerGroup == f.TakerGroup) {
					continue
				}
				g := f.TakerGroup
				a := takers[g]
				if a == nil {
					a = &agg{}
					takers[g] = a
				}
				if f.TakerSide == Buy {
					a.buy += f.Qty
					a.buyNot += f.Price * int64(f.Qty)
				} else {
					a.sell += f.Qty
					a.sellNot += f.Price * int64(f.Qty)
				}
			}
		}
		groups := make([]uint64, 0, len(takers))
		for g := range takers {
			groups = append(groups, g)
		}
		sort.Slice(groups, func(i, j int) bool { return groups[i] < groups[j] })
		for _, g := range groups {
			t := takers[g]
			dir, q, notional := int64(1), t.buy, t.buyNot
			if t.sell > t.buy {
				dir, q, notional = -1, t.sell, t.sellNot
			}
			if q < p.MinQty {
				continue
			}
			// The share of the market's taker volume: MinTakerShareBps, or
			// RoundTripMinTakerShareBps for a group that traded at least
			// RoundTripMinExitPct of the burst back within ExitBlocks (a
			// round trip: what ignition is for, whatever the burst's size).
			exitQ := e.exitQty(m, end+1, b.height, g, dir)
			share := int64(q) * 10000 / int64(max(total, 1))
			roundTrip := p.RoundTripMinExitPct > 0 && int64(exitQ)*100 >= p.RoundTripMinExitPct*int64(q) &&
				share >= p.RoundTripMinTakerShareBps
			if share < p.MinTakerShareBps && !roundTrip {
				continue
			}
			// The move is measured at the furthest print of the burst in
			// its direction: on a venue whose market makers requote around
			// the oracle every block the price does not stay where a sweep
			// left it, and the last print of the span is often the other
			// side's.
			last := e.extremePrice(m, lo, end, dir)
			impact := bps((last-before)*dir, before)
			if impact < p.MinImpactBps {
				continue
			}
			// The exit: the group's trades the other way after the burst.
			if exitQ == 0 {
				continue
			}
			if int64(exitQ)*100 < p.MinExitPct*int64(q) {
				continue
			}
			exitNot := e.notional(m, end+1, b.height, g, -dir)
			// The exit's cost against the burst: (burst average - exit
			// average) in the burst's direction; negative is a profit.
			burstAvg, exitAvg := notional/int64(q), exitNot/int64(max(exitQ, 1))
			cost := (burstAvg - exitAvg) * dir
			if (p.MaxExitCostBps == 0 && cost >= 0) || cost*10000 > p.MaxExitCostBps*burstAvg {
				continue
			}
			if !e.cooled(key(DetMomentumIgnition, m, g), p.CooldownBlocks) {
				continue
			}
			a := Alert{Detector: DetMomentumIgnition, Height: b.height, FirstHeight: lo, Market: m, Group: g}
			e.collect(&a, m, lo, b.height, g)
			a.Evidence = fmt.Sprintf("ownership group %d took %d lots (%s, %d.%02d%% of taker volume) in market %d at heights %d..%d, moving the price %d→%d (%+d bps), then within %d blocks traded %d lots back (average %d vs the burst's %d)",
				g, q, map[bool]string{true: "buying", false: "selling"}[dir > 0], int64(q)*10000/int64(max(total, 1))/100,
				int64(q)*10000/int64(max(total, 1))%100, m, lo, end, before, last, bps(last-before, before), p.ExitBlocks, exitQ,
				exitNot/int64(max(exitQ, 1)), notional/int64(max(q, 1)))
			a.Score = 400 + (impact-p.MinImpactBps)/10 + (int64(exitQ)*100/int64(q)-p.MinExitPct)*2
			out = append(out, a)
		}
	}
	return out
}

// exitQty is what group g traded in market m, heights [lo, hi], against
// direction dir (sold after buying, bought after selling).
func (e *Engine) exitQty(m uint64, lo, hi int64, g uint64, dir int64) uint64 {
	v, _ := e.volumes(lo, hi, m)
	gv := v[g]
	if gv == nil {
		return 0
	}
	if dir > 0 {
		return gv.sold
	}
	return gv.bought
}

// vwap is the volume-weighted average trade price in market m, heights
// [lo, hi] (ok false when nothing traded).
func (e *Engine) vwap(m uint64, lo, hi int64) (int64, bool) {
	var not, qty int64
	for h := lo; h <= hi; h++ {
		b := e.blockAt(h)
		if b == nil {
			continue
		}
		for i := range b.fills {
			if f := &b.fills[i]; f.Market == m {
				not += f.Price * int64(f.Qty)
				qty += int64(f.Qty)
			}
		}
	}
	if qty == 0 {
		return 0, false
	}
	return not / qty, true
}

// extremePrice is the furthest trade price in market m, heights [lo, hi],
// in direction dir: the highest for dir > 0, the lowest for dir < 0 (0
// when nothing traded).
func (e *Engine) extremePrice(m uint64, lo, hi int64, dir int64) int64 {
	var x int64
	for h := lo; h <= hi; h++ {
		b := e.blockAt(h)
		if b == nil {
			continue
		}
		for i := range b.fills {
			f := &b.fills[i]
			if f.Market != m {
				continue
			}
			if x == 0 || (dir > 0 && f.Price > x) || (dir < 0 && f.Price < x) {
				x = f.Price
			}
		}
	}
	return x
}

// notional sums price × qty of group g's trades on side dir (1 buy, -1
// sell) in market m, heights [lo, hi].
func (e *Engine) notional(m uint64, lo, hi int64, g uint64, dir int64) int64 {
	var n int64
	for x := lo; x <= hi; x++ {
		b := e.blockAt(x)
		if b == nil {
			continue
		}
		for i := range b.fills {
			f := &b.fills[i]
			if f.Market != m {
				continue
			}
			if dir > 0 && f.BuyerGroup() == g {
				n += f.Price * int64(f.Qty)
			}
			if dir < 0 && f.SellerGroup() == g {
				n += f.Price * int64(f.Qty)
			}
		}
	}
	return n
}
