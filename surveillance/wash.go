package surveillance

import (
	"fmt"
	"sort"
)

// maxEvidence caps the order and trade ids an alert lists.
const maxEvidence = 200

type mgKey struct{ market, group uint64 }

// detectWash raises wash_trade alerts: fills whose buyer and seller belong
// to one ownership group (one entity, or entities under one parent),
// repeated within the window. The exchange's self-trade prevention stops an
// entity trading with itself, so on the chain these are trades between
// sister entities.
func (e *Engine) detectWash(b *block) []Alert {
	p := e.p.Wash
	if p.WindowBlocks <= 0 {
		return nil
	}
	var keys []mgKey
	seen := map[mgKey]bool{}
	for i := range b.fills {
		f := &b.fills[i]
		if g, ok := e.internal(f); ok {
			k := mgKey{f.Market, g}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
			e.wash[k] = append(e.wash[k], *f)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].market != keys[j].market {
			return keys[i].market < keys[j].market
		}
		return keys[i].group < keys[j].group
	})
	if b.height%int64(p.WindowBlocks) == 0 {
		// Drop the groups that have not traded internally for a window
		// (deleting while ranging; nothing here reaches the output).
		for k, fills := range e.wash {
			if len(fills) == 0 || fills[len(fills)-1].Height <= b.height-int64(p.WindowBlocks) {
				delete(e.wash, k)
			}
		}
	}
	var out []Alert
	for _, k := range keys {
		a := Alert{Detector: DetWash, Height: b.height, Market: k.market, Group: k.group, FirstHeight: b.height}
		var n int
		var qty uint64
		fills := e.wash[k]
		for len(fills) > 0 && fills[0].Height <= b.height-int64(p.WindowBlocks) {
			fills = fills[1:]
		}
		e.wash[k] = fills
		for i := range fills {
			f := &fills[i]
			if n == 0 {
				a.FirstHeight = f.Height
			}
			n++
			qty += f.Qty
			a.Entities = append(a.Entities, f.TakerEntity, f.MakerEntity)
			a.Accounts = append(a.Accounts, f.Taker, f.Maker)
			if len(a.TradeIDs) < maxEvidence {
				a.TradeIDs = append(a.TradeIDs, f.TradeID)
				a.OrderIDs = append(a.OrderIDs, f.TakerOrder, f.MakerOrder)
			}
		}
		if n < p.MinFills || qty < p.MinQty || !e.cooled(key(DetWash, k.market, k.group), p.CooldownBlocks) {
			continue
		}
		a.Evidence = fmt.Sprintf("%d fills (%d lots) in market %d between accounts of ownership group %d within %d blocks (heights %d..%d); buyer and seller share one beneficial owner, so the trades transfer no risk",
			n, qty, k.market, k.group, p.WindowBlocks, a.FirstHeight, b.height)
		a.Score = 500 + int64(n-p.MinFills)*100
		out = append(out, a)
	}
	return out
}

// internal reports whether a fill's two sides are in one ownership group,
// and which.
func (e *Engine) internal(f *Fill) (uint64, bool) {
	if f.TakerEntity == 0 || f.MakerEntity == 0 {
		return 0, false
	}
	return f.TakerGroup, f.TakerGroup == f.MakerGroup
}
