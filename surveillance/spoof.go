package surveillance

import (
	"fmt"
	"sort"
	"strings"
)

// userCancel reports whether a cancel reason is the owner's own doing (a
// cancel, mass cancel or modify), not the venue's: self-trade prevention,
// the unfilled rest of an IOC/FOK/market order, the price band, a
// regulator's force-cancel, an account sweep ("account-<cause>"), licence
// lifecycle, expiry or a halt. Reasons are matched loosely (case and "_"
// vs "-" ignored, by fragment), so the OrderReason enum names
// (ORDER_REASON_SELF_TRADE, ORDER_REASON_HEARTBEAT_LAPSED, ...) read the
// same as the reason texts; an unknown reason counts as the owner's.
func userCancel(reason string) bool {
	r := strings.ReplaceAll(strings.ToLower(reason), "_", "-")
	for _, venue := range []string{"self-trade", "unfilled", "band", "force", "account-", "licen", "expir", "halt", "sweep", "fok", "ioc", "heartbeat", "insufficient", "ineligible", "paused", "would-cross", "market-", "remainder"} {
		if strings.Contains(r, venue) {
			return false
		}
	}
	return true
}

type placed struct {
	market, group uint64
	entity        uint64
	owner         string
	side          Side
	price         int64
	height        int64
	qty, filled   uint64
	// cancelledAt is the height of the owner's own cancel of the order's
	// rest (0: none seen).
	cancelledAt int64
	// attempted: counted in a spoofing attempt already.
	attempted bool
}

// attempt is one two-sided placement of a group whose larger side (the
// layer) was withdrawn unfilled: the placement pattern of a spoof,
// whether or not the small side traded.
type attempt struct {
	height         int64
	layer, genuine uint64
	levels         int
	orders         []uint64
	accounts       []string
	entities       []uint64
}

type episode struct {
	height   int64
	filled   uint64
	opposite uint64
	levels   int
	orders   []uint64
	trades   []string
	accounts []string
	entities []uint64
	side     Side
}

type spoofState struct {
	orders   map[uint64]placed  // live-ish orders placed within the look-back
	byHeight map[int64][]uint64 // for pruning orders
	episodes map[mgKey][]episode
	attempts map[mgKey][]attempt
}

func (s *spoofState) init() {
	s.orders = map[uint64]placed{}
	s.byHeight = map[int64][]uint64{}
	s.episodes = map[mgKey][]episode{}
	s.attempts = map[mgKey][]attempt{}
}

// detectSpoofing raises spoofing / layering alerts. At height H it looks at
// the fills of height h = H - AroundBlocks: for each group that filled on
// one side, the group's own cancels of orders on the other side within
// [h-AroundBlocks, h+AroundBlocks], of orders that lived at most
// MaxLifetimeBlocks and rested across the fill (placed at or before h,
// cancelled at or after it), must sum to MinRatio × the filled quantity and to
// MinSymmetry × its same-side cancels in that span, and its own fills on the
// other side in the span at most MaxOppositeFillPct percent of the filled
// quantity (the shown side does not trade). Such a fill is an
// episode; MinEpisodes within HistoryBlocks raise the alert.
func (e *Engine) detectSpoofing(b *block) []Alert {
	p := e.p.Spoof
	s := &e.spoof
	for _, o := range b.orders {
		s.orders[o.ID] = placed{market: o.Market, group: e.Group(o.Entity), entity: o.Entity, owner: o.Owner, side: o.Side,
			price: o.Price, height: o.Height, qty: o.Qty}
		s.byHeight[o.Height] = append(s.byHeight[o.Height], o.ID)
	}
	for i := range b.fills {
		f := &b.fills[i]
		for _, id := range [2]uint64{f.TakerOrder, f.MakerOrder} {
			if o, ok := s.orders[id]; ok {
				o.filled += f.Qty
				s.orders[id] = o
			}
		}
	}
	for _, c := range b.cancels {
		if o, ok := s.orders[c.OrderID]; ok && userCancel(c.Reason) && o.cancelledAt == 0 {
			o.cancelledAt = c.Height
			s.orders[c.OrderID] = o
		}
	}
	attempts := e.detectSpoofAttempts(b)
	keep := p.keepBlocks()
	if ids, ok := s.byHeight[b.height-keep]; ok {
		for _, id := range ids {
			delete(s.orders, id)
		}
		delete(s.byHeight, b.height-keep)
	}
	if p.MinRatio == 0 || p.MinEpisodes <= 0 {
		return attempts
	}
	h := b.height - p.AroundBlocks
	fb := e.blockAt(h)
	if fb == nil {
		return attempts
	}
	type sideKey struct {
		mg   mgKey
		side Side
	}
	filled := map[sideKey]*episode{}
	var keys []sideKey
	add := func(f *Fill, entity uint64, acct string, side Side, order uint64) {
		if entity == 0 {
			return
		}
		k := sideKey{mgKey{f.Market, e.Group(entity)}, side}
		ep := filled[k]
		if ep == nil {
			ep = &episode{height: h, side: side}
			filled[k] = ep
			keys = append(keys, k)
		}
		ep.filled += f.Qty
		ep.orders = append(ep.orders, order)
		ep.trades = append(ep.trades, f.TradeID)
		ep.accounts = append(ep.accounts, acct)
		ep.entities = append(ep.entities, entity)
	}
	for i := range fb.fills {
		f := &fb.fills[i]
		ba, be := f.Buyer()
		sa, se := f.Seller()
		bo, so := f.TakerOrder, f.MakerOrder
		if f.TakerSide == Sell {
			bo, so = so, bo
		}
		add(f, be, ba, Buy, bo)
		add(f, se, sa, Sell, so)
	}
	if len(keys) == 0 {
		return attempts
	}
	sort.Slice(keys, func(i, j int) bool {
		a, c := keys[i], keys[j]
		if a.mg.market != c.mg.market {
			return a.mg.market < c.mg.market
		}
		if a.mg.group != c.mg.group {
			return a.mg.group < c.mg.group
		}
		return a.side < c.side
	})
	out := attempts
	for _, k := range keys {
		ep := filled[k]
		var same, oppFilled uint64
		prices := map[int64]bool{}
		for ch := h - p.AroundBlocks; ch <= h+p.AroundBlocks; ch++ {
			cb := e.blockAt(ch)
			if cb == nil {
				continue
			}
			for i := range cb.fills {
				f := &cb.fills[i]
				if f.Market != k.mg.market {
					continue
				}
				if (k.side == Buy && f.SellerGroup() == k.mg.group) || (k.side == Sell && f.BuyerGroup() == k.mg.group) {
					oppFilled += f.Qty
				}
			}
			for _, c := range cb.cancels {
				if c.Market != k.mg.market || !userCancel(c.Reason) {
					continue
				}
				// Orders of the group in this market, short-lived, resting
				// across the fill: placed at or before it, cancelled at or
				// after it.
				o, ok := s.orders[c.OrderID]
				if !ok || o.group != k.mg.group || o.market != k.mg.market || c.Height-o.height > p.MaxLifetimeBlocks ||
					o.height > h || c.Height < h {
					continue
				}
				if o.side == k.side {
					same += c.Qty
					continue
				}
				ep.opposite += c.Qty
				prices[o.price] = true
				ep.orders = append(ep.orders, c.OrderID)
				ep.accounts = append(ep.accounts, c.Owner)
			}
		}
		ep.levels = len(prices)
		if ep.opposite < p.MinRatio*ep.filled || ep.opposite < p.MinCancelledQty || ep.opposite < p.MinSymmetry*same ||
			oppFilled*100 > p.MaxOppositeFillPct*ep.filled {
			continue
		}
		eps := append(s.episodes[k.mg], *ep)
		for len(eps) > 0 && eps[0].height <= b.height-p.HistoryBlocks {
			eps = eps[1:]
		}
		s.episodes[k.mg] = eps
		if len(eps) < p.MinEpisodes {
			continue
		}
		layered := 0
		for _, x := range eps {
			if x.levels >= p.LayeringMinLevels {
				layered++
			}
		}
		det := DetSpoofing
		if layered*2 > len(eps) {
			det = DetLayering
		}
		if !e.cooled(key("spoof", k.mg.market, k.mg.group), p.CooldownBlocks) {
			continue
		}
		a := Alert{Detector: det, Height: b.height, FirstHeight: eps[0].height, Market: k.mg.market, Group: k.mg.group}
		var fillQ, cancQ uint64
		for _, x := range eps {
			fillQ += x.filled
			cancQ += x.opposite
			a.Entities = append(a.Entities, x.entities...)
			a.Accounts = append(a.Accounts, x.accounts...)
			if len(a.OrderIDs) < maxEvidence {
				a.OrderIDs = append(a.OrderIDs, x.orders...)
				a.TradeIDs = append(a.TradeIDs, x.trades...)
			}
		}
		a.Evidence = fmt.Sprintf("%d episodes in %d blocks (heights %d..%d) where ownership group %d filled %d lots in market %d on one side while cancelling %d lots of its own short-lived orders on the other side within ±%d blocks (%d of the episodes over %d+ price levels)",
			len(eps), p.HistoryBlocks, eps[0].height, h, k.mg.group, fillQ, k.mg.market, cancQ, p.AroundBlocks, layered, p.LayeringMinLevels)
		ratio := int64(cancQ / max(fillQ, 1))
		a.Score = 400 + int64(len(eps)-p.MinEpisodes)*100 + (ratio-int64(p.MinRatio))*20
		out = append(out, a)
		// Keep the last MinEpisodes-1 episodes (within HistoryBlocks): a
		// group that repeats after its alert is alerted again at its next
		// episode, and the alert names it.
		s.episodes[k.mg] = append([]episode(nil), eps[len(eps)-(p.MinEpisodes-1):]...)
	}
	return out
}

// detectSpoofAttempts raises spoofing / layering alerts from placements,
// with or without a fill: at height H it judges the orders placed at
// h = H - MaxLifetimeBlocks - 1, whose lifetimes are over. A group that
// placed, in one block and one market, orders on both sides, the larger
// side (the layer) at least AttemptMinRatio times the smaller (the genuine
// side) and at least MinCancelledQty lots, and withdrew every layer order
// itself within MaxLifetimeBlocks with at most AttemptMaxLayerFillPct
// percent of the layer traded, made an attempt; MinAttempts within
// HistoryBlocks raise the alert. The features are the ones a spoofer
// cannot give up: the shown side must be large against its real interest
// (or it tilts nothing), short-lived and withdrawn before it trades (or it
// is a real order), and the trick is repeated (or it does not pay). A
// two-sided market maker quotes both sides in equal sizes (ratio 1); one
// that skews sizes still has its larger side trade at its normal rate.
func (e *Engine) detectSpoofAttempts(b *block) []Alert {
	p := e.p.Spoof
	if p.MinAttempts <= 0 || p.AttemptMinRatio == 0 {
		return nil
	}
	h := b.height - p.MaxLifetimeBlocks - 1
	first := h - p.placeBlocks() + 1 // the placement window [first, h]
	var ids []uint64
	for x := first; x <= h; x++ {
		for _, id := range e.spoof.byHeight[x] {
			if !e.spoof.orders[id].attempted {
				ids = append(ids, id)
			}
		}
	}
	if len(e.spoof.byHeight[h]) == 0 || len(ids) == 0 {
		return nil
	}
	type sides struct {
		qty  [2]uint64
		last bool
	}
	byMG := map[mgKey]*sides{}
	var keys []mgKey
	idx := func(s Side) int {
		if s == Buy {
			return 0
		}
		return 1
	}
	for _, id := range ids {
		o := e.spoof.orders[id]
		if o.group == 0 || o.side == SideNone {
			continue
		}
		k := mgKey{o.market, o.group}
		if byMG[k] == nil {
			byMG[k] = &sides{}
		}
		byMG[k].qty[idx(o.side)] += o.qty
		if o.height == h && !byMG[k].last {
			// Only groups that placed in the window's last block: the
			// earlier block's alone was the previous window's.
			byMG[k].last = true
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].market != keys[j].market {
			return keys[i].market < keys[j].market
		}
		return keys[i].group < keys[j].group
	})
	var out []Alert
	for _, k := range keys {
		q := byMG[k].qty
		layerSide, big, small := Buy, q[0], q[1]
		if q[1] > q[0] {
			layerSide, big, small = Sell, q[1], q[0]
		}
		if small == 0 || big < p.AttemptMinRatio*small || big < p.MinCancelledQty {
			continue
		}
		at := attempt{height: h, layer: big, genuine: small}
		var filled uint64
		var layerGone, genuineGone int64 // the last layer cancel, the first genuine-side cancel
		var layerPulled int64            // the first layer cancel
		prices := map[int64]bool{}
		withdrawn := true
		spread, layerFirst, genuineLast := false, h, first-1
		for _, id := range ids {
			o := e.spoof.orders[id]
			if o.market != k.market || o.group != k.group {
				continue
			}
			at.orders = append(at.orders, id)
			at.accounts = append(at.accounts, o.owner)
			at.entities = append(at.entities, o.entity)
			if o.height != h {
				spread = true
			}
			if o.side == layerSide {
				layerFirst = min(layerFirst, o.height)
			} else {
				genuineLast = max(genuineLast, o.height)
			}
			if o.side != layerSide {
				if o.cancelledAt != 0 && (genuineGone == 0 || o.cancelledAt < genuineGone) {
					genuineGone = o.cancelledAt
				}
				continue
			}
			filled += o.filled
			prices[o.price] = true
			if o.filled < o.qty && (o.cancelledAt == 0 || o.cancelledAt-h > p.MaxLifetimeBlocks) {
				withdrawn = false
			}
			layerGone = max(layerGone, o.cancelledAt)
			if o.cancelledAt != 0 && (layerPulled == 0 || o.cancelledAt < layerPulled) {
				layerPulled = o.cancelledAt
			}
		}
		// The group's own trades on the layer's side while it stood (by
		// any of its orders: what it shows there, it also does).
		var sideFilled uint64
		for x := first; x <= h+p.MaxLifetimeBlocks; x++ {
			if xb := e.blockAt(x); xb != nil {
				for i := range xb.fills {
					f := &xb.fills[i]
					if f.Market == k.market && ((layerSide == Buy && f.BuyerGroup() == k.group) || (layerSide == Sell && f.SellerGroup() == k.group)) {
						sideFilled += f.Qty
					}
				}
			}
		}
		layerFilled := filled
		filled = max(filled, sideFilled)
		// The layer is withdrawn, mostly untraded (at most
		// AttemptMaxLayerFillPct of it, and less than the genuine side's
		// size: a group whose large side trades as much as its small one
		// is quoting both sides), and not after the genuine side was given
		// up (the genuine order waits for its fill while the layer stands).
		// Over several blocks the order must be the evasion's: the whole
		// genuine side placed first, then the layer, in one or more
		// blocks, the last of them the window's last block (a trader
		// quoting both sides block after block is not that).
		if spread && !(genuineLast < layerFirst) {
			continue
		}
		// A layer built over several blocks is pulled at once (a trader
		// placing and cancelling at random does not pull orders of
		// different blocks together).
		if layerFirst < h && layerPulled != layerGone {
			continue
		}
		// A layer that traded as much as the genuine side's size is
		// quoting, unless what it withdrew is still AttemptPartialMinRatio
		// times the genuine side: the spoof behind the touch that the
		// price reached before it was pulled.
		// Only the layer's own orders traded on its side (a group that
		// also trades there with other orders is quoting that side).
		partial := p.AttemptPartialMinRatio > 0 && sideFilled <= layerFilled &&
			big-min(filled, big) >= p.AttemptPartialMinRatio*small
		if !withdrawn || filled*100 > p.AttemptMaxLayerFillPct*big || (filled >= small && !partial) ||
			(genuineGone != 0 && genuineGone < layerGone) {
			continue
		}
		at.levels = len(prices)
		for _, id := range at.orders {
			o := e.spoof.orders[id]
			o.attempted = true
			e.spoof.orders[id] = o
		}
		ats := append(e.spoof.attempts[k], at)
		for len(ats) > 0 && ats[0].height <= b.height-p.HistoryBlocks {
			ats = ats[1:]
		}
		e.spoof.attempts[k] = ats
		if len(ats) < p.MinAttempts {
			continue
		}
		layered := 0
		var layerQ, genQ uint64
		for _, x := range ats {
			layerQ += x.layer
			genQ += x.genuine
			if x.levels >= p.LayeringMinLevels {
				layered++
			}
		}
		det := DetSpoofing
		if layered*2 > len(ats) {
			det = DetLayering
		}
		if !e.cooled(key("spoof", k.market, k.group), p.CooldownBlocks) {
			continue
		}
		a := Alert{Detector: det, Height: b.height, FirstHeight: ats[0].height, Market: k.market, Group: k.group}
		for _, x := range ats {
			a.Entities = append(a.Entities, x.entities...)
			a.Accounts = append(a.Accounts, x.accounts...)
			if len(a.OrderIDs) < maxEvidence {
				a.OrderIDs = append(a.OrderIDs, x.orders...)
			}
		}
		a.Evidence = fmt.Sprintf("%d attempts in %d blocks (heights %d..%d) where ownership group %d placed in market %d, in one block, a side %d+ times the size of its other side (%d lots shown against %d in all) and withdrew the larger side itself within %d blocks with at most %d%% of it traded (%d of the attempts over %d+ price levels)",
			len(ats), p.HistoryBlocks, ats[0].height, h, k.group, k.market, p.AttemptMinRatio, layerQ, genQ, p.MaxLifetimeBlocks,
			p.AttemptMaxLayerFillPct, layered, p.LayeringMinLevels)
		a.Score = 350 + int64(len(ats)-p.MinAttempts)*100 + int64(layerQ/max(genQ, 1)-p.AttemptMinRatio)*20
		out = append(out, a)
		// Keep the last MinAttempts-1 attempts, as for episodes above.
		e.spoof.attempts[k] = append([]attempt(nil), ats[len(ats)-(p.MinAttempts-1):]...)
	}
	return out
}
