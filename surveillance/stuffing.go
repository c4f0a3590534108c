package surveillance

import (
	"fmt"
	"sort"
)

type stuffKey = mgKey

type stuffEntry struct {
	base     uint64 // moving average of messages per block ×1000
	lastH    int64
	bursts   []int64
	msgs     uint64
	entities []uint64
	accounts []string
	orders   []uint64
}

type stuffState struct{ m map[stuffKey]*stuffEntry }

func (s *stuffState) init() { s.m = map[stuffKey]*stuffEntry{} }

// detectStuffing raises quote_stuffing alerts: blocks in which a group sends
// at least MinMessages order messages (places and own cancels) to a market,
// BurstMultiple times its own moving average, with at most MaxFillPermille
// fills per 1,000 messages; MinBursts such blocks within WindowBlocks.
func (e *Engine) detectStuffing(b *block) []Alert {
	p := e.p.Stuffing
	if p.MinMessages == 0 || p.BaselineBlocks == 0 {
		return nil
	}
	type count struct {
		msgs, fills uint64
		entities    []uint64
		accounts    []string
		orders      []uint64
	}
	cur := map[stuffKey]*count{}
	var keys []stuffKey
	get := func(market, entity uint64) *count {
		k := stuffKey{market, e.Group(entity)}
		c := cur[k]
		if c == nil {
			c = &count{}
			cur[k] = c
			keys = append(keys, k)
		}
		return c
	}
	for _, o := range b.orders {
		if o.Entity == 0 {
			continue
		}
		c := get(o.Market, o.Entity)
		c.msgs++
		c.entities = append(c.entities, o.Entity)
		c.accounts = append(c.accounts, o.Owner)
		if len(c.orders) < maxEvidence {
			c.orders = append(c.orders, o.ID)
		}
	}
	for _, x := range b.cancels {
		if x.Entity == 0 || !userCancel(x.Reason) {
			continue
		}
		get(x.Market, x.Entity).msgs++
	}
	for i := range b.fills {
		f := &b.fills[i]
		if f.TakerEntity != 0 {
			get(f.Market, f.TakerEntity).fills++
		}
		if f.MakerEntity != 0 && (f.TakerEntity == 0 || f.MakerGroup != f.TakerGroup) {
			get(f.Market, f.MakerEntity).fills++
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].market != keys[j].market {
			return keys[i].market < keys[j].market
		}
		return keys[i].group < keys[j].group
	})
	n := p.BaselineBlocks
	var out []Alert
	for _, k := range keys {
		c := cur[k]
		st := e.stuff.m[k]
		if st == nil {
			st = &stuffEntry{}
			e.stuff.m[k] = st
		}
		// Decay the average over the blocks the group sent nothing (a
		// newcomer's average starts at zero: silent before).
		for gap := b.height - st.lastH - 1; gap > 0 && st.base > 0; gap-- {
			st.base -= (st.base + n - 1) / n
			if gap > int64(8*n) {
				st.base = 0
			}
		}
		burst := c.msgs >= p.MinMessages && c.msgs*1000 >= p.BurstMultiple*st.base &&
			c.fills*1000 <= p.MaxFillPermille*c.msgs
		st.base = st.base + c.msgs*1000/n - st.base/n
		st.lastH = b.height
		for len(st.bursts) > 0 && st.bursts[0] <= b.height-p.WindowBlocks {
			st.bursts = st.bursts[1:]
			st.msgs, st.entities, st.accounts, st.orders = 0, nil, nil, nil
		}
		if !burst {
			continue
		}
		st.bursts = append(st.bursts, b.height)
		st.msgs += c.msgs
		st.entities = append(st.entities, c.entities...)
		st.accounts = uniqStr(append(st.accounts, c.accounts...))
		if len(st.orders) < maxEvidence {
			st.orders = append(st.orders, c.orders...)
		}
		if len(st.bursts) < p.MinBursts || !e.cooled(key(DetQuoteStuffing, k.market, k.group), p.CooldownBlocks) {
			continue
		}
		a := Alert{Detector: DetQuoteStuffing, Height: b.height, FirstHeight: st.bursts[0], Market: k.market, Group: k.group,
			Entities: st.entities, Accounts: st.accounts, OrderIDs: st.orders}
		a.Evidence = fmt.Sprintf("ownership group %d sent %d order messages to market %d in %d burst blocks within %d blocks (heights %v), each at least %d messages and %d× its moving average, with at most %d fills per 1,000 messages",
			k.group, st.msgs, k.market, len(st.bursts), p.WindowBlocks, st.bursts, p.MinMessages, p.BurstMultiple, p.MaxFillPermille)
		a.Score = 400 + int64(len(st.bursts)-p.MinBursts)*100 + int64(st.msgs/uint64(len(st.bursts))/p.MinMessages)*50
		out = append(out, a)
		st.bursts, st.msgs, st.entities, st.accounts, st.orders = nil, 0, nil, nil, nil
	}
	return out
}
