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
	side          Side
	price         int64
	height        int64
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
}

func (s *spoofState) init() {
	s.orders = map[uint64]placed{}
	s.byHeight = map[int64][]uint64{}
	s.episodes = map[mgKey][]episode{}
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
		s.orders[o.ID] = placed{market: o.Market, group: e.Group(o.Entity), side: o.Side, price: o.Price, height: o.Height}
		s.byHeight[o.Height] = append(s.byHeight[o.Height], o.ID)
	}
	keep := p.MaxLifetimeBlocks + 2*p.AroundBlocks + 1
	if ids, ok := s.byHeight[b.height-keep]; ok {
		for _, id := range ids {
			delete(s.orders, id)
		}
		delete(s.byHeight, b.height-keep)
	}
	if p.MinRatio == 0 || p.MinEpisodes <= 0 {
		return nil
	}
	h := b.height - p.AroundBlocks
	fb := e.blockAt(h)
	if fb == nil {
		return nil
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
		return nil
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
	var out []Alert
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
		s.episodes[k.mg] = nil
	}
	return out
}
