package surveillance

import (
	"fmt"
	"sort"
	"strings"
)

type flowKey struct{ from, to uint64 } // seller group → buyer group

// detectRings raises collusive_ring alerts: cycles of ownership groups in
// the window's trade graph (an edge seller → buyer weighted by lots) whose
// members end near flat and trade mostly with each other. It runs every
// EvalEveryBlocks blocks over the last WindowBlocks.
func (e *Engine) detectRings(b *block) []Alert {
	p := e.p.Ring
	if p.WindowBlocks <= 0 || p.EvalEveryBlocks <= 0 || b.height%int64(p.EvalEveryBlocks) != 0 {
		return nil
	}
	win := e.window(p.WindowBlocks)
	// Per market: the ring must close inside one market's book.
	markets := map[uint64]bool{}
	var mids []uint64
	for _, wb := range win {
		for i := range wb.fills {
			if m := wb.fills[i].Market; !markets[m] {
				markets[m] = true
				mids = append(mids, m)
			}
		}
	}
	sort.Slice(mids, func(i, j int) bool { return mids[i] < mids[j] })
	var out []Alert
	for _, m := range mids {
		out = append(out, e.ringsIn(m, win, b.height)...)
	}
	return out
}

func (e *Engine) ringsIn(market uint64, win []*block, height int64) []Alert {
	p := e.p.Ring
	flow := map[flowKey]uint64{}
	bought := map[uint64]uint64{}
	sold := map[uint64]uint64{}
	for _, wb := range win {
		for i := range wb.fills {
			f := &wb.fills[i]
			if f.Market != market {
				continue
			}
			bg, sg := f.BuyerGroup(), f.SellerGroup()
			if bg == 0 || sg == 0 {
				continue
			}
			if bg == sg {
				continue // the wash detector's case
			}
			flow[flowKey{sg, bg}] += f.Qty
			bought[bg] += f.Qty
			sold[sg] += f.Qty
		}
	}
	// Candidate nodes: near flat, the busiest MaxNodes first.
	var nodes []uint64
	for g, s := range sold {
		bq := bought[g]
		gross := bq + s
		net := int64(bq) - int64(s)
		if bq > 0 && abs64(net)*10000 <= p.MaxNetBps*int64(gross) {
			nodes = append(nodes, g)
		}
	}
	sort.Slice(nodes, func(i, j int) bool {
		vi, vj := bought[nodes[i]]+sold[nodes[i]], bought[nodes[j]]+sold[nodes[j]]
		if vi != vj {
			return vi > vj
		}
		return nodes[i] < nodes[j]
	})
	if p.MaxNodes > 0 && len(nodes) > p.MaxNodes {
		nodes = nodes[:p.MaxNodes]
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i] < nodes[j] })
	in := map[uint64]bool{}
	for _, n := range nodes {
		in[n] = true
	}
	adj := map[uint64][]uint64{}
	for _, a := range nodes {
		for _, c := range nodes {
			if a != c && flow[flowKey{a, c}] >= p.MinEdgeQty {
				adj[a] = append(adj[a], c)
			}
		}
	}
	var out []Alert
	reported := map[string]bool{}
	var path []uint64
	var dfs func(start, cur uint64)
	dfs = func(start, cur uint64) {
		for _, nx := range adj[cur] {
			if nx == start && len(path) >= 2 {
				if a, ok := e.ring(market, path, flow, bought, sold, win, height, reported); ok {
					out = append(out, a)
				}
				continue
			}
			if nx <= start || len(path) >= p.MaxLen || contains(path, nx) {
				continue
			}
			path = append(path, nx)
			dfs(start, nx)
			path = path[:len(path)-1]
		}
	}
	for _, s := range nodes {
		path = append(path[:0], s)
		dfs(s, s)
	}
	return out
}

func contains(s []uint64, v uint64) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// ring checks one cycle (members in path order) and builds its alert.
func (e *Engine) ring(market uint64, cycle []uint64, flow map[flowKey]uint64, bought, sold map[uint64]uint64,
	win []*block, height int64, reported map[string]bool,
) (Alert, bool) {
	p := e.p.Ring
	members := append([]uint64(nil), cycle...)
	sort.Slice(members, func(i, j int) bool { return members[i] < members[j] })
	k := key(DetRing, market, members)
	if reported[k] {
		return Alert{}, false
	}
	minShare := int64(10000)
	for _, g := range members {
		var inRing uint64
		for _, o := range members {
			if o != g {
				inRing += flow[flowKey{g, o}] + flow[flowKey{o, g}]
			}
		}
		share := bps(int64(inRing), int64(bought[g]+sold[g]))
		if share < p.MinShareBps {
			return Alert{}, false
		}
		if share < minShare {
			minShare = share
		}
	}
	reported[k] = true
	if !e.cooled(k, p.CooldownBlocks) {
		return Alert{}, false
	}
	a := Alert{Detector: DetRing, Height: height, FirstHeight: height, Market: market}
	inSet := map[uint64]bool{}
	for _, g := range members {
		inSet[g] = true
	}
	var n int
	var qty uint64
	for _, wb := range win {
		for i := range wb.fills {
			f := &wb.fills[i]
			if f.Market != market || f.TakerEntity == 0 || f.MakerEntity == 0 {
				continue
			}
			tg, mg := f.TakerGroup, f.MakerGroup
			if tg == mg || !inSet[tg] || !inSet[mg] {
				continue
			}
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
	}
	var legs []string
	for i, g := range cycle {
		nx := cycle[(i+1)%len(cycle)]
		legs = append(legs, fmt.Sprintf("%d→%d:%d", g, nx, flow[flowKey{g, nx}]))
	}
	var nets []string
	for _, g := range members {
		nets = append(nets, fmt.Sprintf("%d:%+d", g, int64(bought[g])-int64(sold[g])))
	}
	a.Evidence = fmt.Sprintf("ownership groups %v trade in a cycle in market %d over %d blocks (seller→buyer:lots %s; %d fills, %d lots); each ends near flat (net lots %s) and at least %d.%02d%% of each one's volume is inside the ring",
		members, market, p.WindowBlocks, strings.Join(legs, " "), n, qty, strings.Join(nets, " "), minShare/100, minShare%100)
	a.Score = 400 + (minShare-p.MinShareBps)/10 + int64(len(members))*50
	return a, true
}
