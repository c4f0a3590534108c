package simulation

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// ring (collusive_ring): the agent's count accounts, each a legal entity of
// its own ownership group, pass the same quantity round a cycle
// (m0 → m1 → … → m0: each member sells to the next) so that every member
// ends flat while the tape shows volume. At the start of an episode it
// draws, from its own seeded stream, the members' order round the cycle
// (a random permutation: direction included), the lots per leg (2 × size
// + up to size) and the rounds (window_blocks, default 3, + up to
// window_blocks more). Plain: a whole round per block — each seller rests
// a limit strictly inside the spread and the next member takes it with an
// IOC at the same price, the legs in cycle order in one block. Evasion:
// one leg per block (the cycle spread over as many blocks as members), the
// lots drawn afresh each round (between size and 2 × size), so no block
// shows a closed cycle and the legs are not all the same size; each round
// still closes flat. After the rounds the members settle back to flat
// (ringSettle).
func (a *agent) ring(v *view) ([]txEpisode, bool) {
	n := len(a.accounts)
	if a.phase == 0 {
		a.ringOrder = a.rng.Perm(n)
		a.ringQty = 2*a.size() + a.rng.Uint64N(a.size()+1)
		a.ringRounds = int(a.window() + a.rng.Int64N(a.window()+1))
		a.ringStart = map[string]int64{}
		for _, acc := range a.accounts {
			a.ringStart[acc.bech] = a.pos[acc.bech]
		}
	}
	member := func(i int) *account { return a.accounts[a.ringOrder[i%n]] }
	legPhases := a.ringRounds
	if a.spec.Evasion {
		legPhases = a.ringRounds * n
	}
	if a.phase >= legPhases {
		return a.ringSettle(v, a.phase-legPhases)
	}
	if !a.spec.Evasion {
		p := v.insidePrice(a)
		var out []txEpisode
		for i := range n {
			out = append(out, a.leg(v, member(i), member(i+1), p, a.ringQty)...)
		}
		return out, false
	}
	leg := a.phase % n
	if leg == 0 {
		a.ringQty = a.size() + a.rng.Uint64N(a.size()+1)
	}
	return a.leg(v, member(leg), member(leg+1), v.insidePrice(a), a.ringQty), false
}

// ringSettle: after the rounds, each member whose position is off its
// start (a third party took part of a rest, so a leg was short) trades
// back to it with an IOC through the touch (at most 100 bps through the
// mid), over up to 3 blocks: the members end flat, which is the point of
// the ring. It first cancels what is left of its rests.
func (a *agent) ringSettle(v *view, k int) ([]txEpisode, bool) {
	mid := v.mid()
	var out []txEpisode
	for _, acc := range a.accounts {
		b := &exchangetypes.MsgBatch{Owner: acc.bech, Cancels: cancelAll(v, acc)}
		switch d := a.pos[acc.bech] - a.ringStart[acc.bech]; {
		case d > 0:
			b.Places = append(b.Places, v.ioc(sell, v.clip(mid-bps(mid, 100)), uint64(d)))
		case d < 0:
			b.Places = append(b.Places, v.ioc(buy, v.clip(mid+bps(mid, 100)), uint64(-d)))
		}
		if len(b.Cancels)+len(b.Places) > 0 {
			out = append(out, txEpisode{tx: tx{from: acc, agent: a, msgs: []sdk.Msg{b}}})
		}
	}
	return out, len(out) == 0 || k >= 2
}

// leg: seller rests a limit sell at p and buyer takes it with an IOC at p
// (two txs, in this order: an agent's own txs keep their order in the
// block, and the book matches in arrival order). A third party can take
// part of the rest first (it is the best ask); the leg is then short and
// the members end a few lots off flat, as real colluders would.
func (a *agent) leg(v *view, seller, buyer *account, p int64, q uint64) []txEpisode {
	// The seller first cancels what is left of its earlier rests (a third
	// party may have taken part of one), in the same batch.
	b := &exchangetypes.MsgBatch{Owner: seller.bech, Cancels: cancelAll(v, seller), Places: []exchangetypes.OrderSpec{v.limit(sell, p, q)}}
	return []txEpisode{
		{tx: tx{from: seller, agent: a, msgs: []sdk.Msg{b}}},
		{tx: tx{from: buyer, agent: a, msgs: []sdk.Msg{place(buyer, v.ioc(buy, p, q))}}},
	}
}

// insidePrice is a random price strictly inside the spread (the mid when
// the spread is one tick or the book one-sided), clipped to the band.
func (v *view) insidePrice(a *agent) int64 {
	bid, ask := v.bestBid(), v.bestAsk()
	p := v.mid()
	if bid > 0 && ask-bid >= 2 {
		p = bid + 1 + a.rng.Int64N(ask-bid-1)
	}
	return v.clip(p)
}

// triangle (triangle_trader, a hard negative): three or more independent
// entities trading round a cycle that does NOT return flat — every `every`
// blocks (default 6) one round in which the k-th leg carries
// (members − k) × size lots (m0 sells 3 × size to m1, m1 2 × size to m2,
// m2 size to m0 for three members): a chain of dealers passing on part of
// what they bought, each ending with a position. It has a trade-graph
// cycle but is not a ring: its members are far from flat.
func (a *agent) triangle(v *view) []txEpisode {
	every := a.spec.Every
	if every == 0 {
		every = 6
	}
	if v.h%every != 0 || v.halted() {
		return nil
	}
	n := len(a.accounts)
	p := v.insidePrice(a)
	var out []txEpisode
	for i := range n {
		out = append(out, a.leg(v, a.accounts[i], a.accounts[(i+1)%n], p, uint64(n-i)*a.size())...)
	}
	return out
}
