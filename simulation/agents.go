package simulation

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/clearchain/clearchain/app"
	"github.com/clearchain/clearchain/contracts-wasm/envelope"
	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

const (
	buy  = exchangetypes.Side_SIDE_BUY
	sell = exchangetypes.Side_SIDE_SELL
)

// episode is one act of an abusive agent: the ground truth that the
// surveillance detectors are scored against.
type episode struct {
	ID       int      `json:"id"`
	Agent    string   `json:"agent"`
	Kind     string   `json:"kind"`
	Detector string   `json:"detector"`
	Evasion  bool     `json:"evasion"`
	Start    int64    `json:"start_height"`
	End      int64    `json:"end_height"`
	Accounts []string `json:"accounts"`
	Entities []uint64 `json:"entities"`
	OrderIDs []uint64 `json:"order_ids"`
	// Fills are the trade ids ("height/taker_order/maker_order", as
	// surveillance names them) of the fills that involve the episode's
	// orders.
	Fills []string `json:"fills"`
	// Serials are the green-credit serial ranges of the episode
	// ("contract:first-last", as surveillance names them).
	Serials []string `json:"serials,omitempty"`
	// Certificate is the green-credit retirement certificate id of a
	// double-claim episode.
	Certificate string `json:"certificate,omitempty"`
	// Refused counts the episode's txs the chain refused.
	Refused int `json:"refused_txs,omitempty"`
	// Variant names the evasion an evasive spoofer used in this episode
	// (spoofVariants; "" for the other agents).
	Variant string `json:"variant,omitempty"`
}

// agent is one simulated participant: a strategy of a kind with one or
// more licensed accounts (each its own legal entity, optionally under one
// parent entity).
type agent struct {
	kind, name string
	spec       AgentSpec
	accounts   []*account
	group      string // parent entity name, "" for none
	entity     uint64
	rng        *rand.Rand
	cash       int64 // minted and deposited at setup (quote units)
	inventory  int64 // minted and deposited at setup (lots)

	pos       map[string]int64 // net position (lots) per account, from fills (lookups only)
	withdrawn bool             // liquidity withdrawal shock
	revoked   bool

	// Institution / hedger: remaining parent order.
	parentLeft int64
	parentSide exchangetypes.Side

	// Data buyer: the block from which its licence has lapsed.
	licenceUntil int64

	// Collusive ring: this episode's member order, lots per leg and
	// rounds (seeded at its start).
	ringOrder  []int
	ringQty    uint64
	ringRounds int
	ringStart  map[string]int64 // members' positions when the episode began

	// Green-credit abusers: the episode's batch and the circle's hop.
	gcBatch serialRange
	gcHop   int

	// Evasive spoofer: this episode's variant (index into spoofVariants)
	// and the episodes run so far (the variants take turns from a seeded
	// start).
	spoofVariant, spoofEpisodes, spoofFirst int

	// Abusive agents: planned episode starts and the current episode.
	plan    []int64
	cur     *episode
	phase   int
	started int64
}

// txEpisode links a tx to the episode it belongs to (ground truth).
type txEpisode struct {
	tx
	ep *episode
}

func seededRand(seed uint64, name string) *rand.Rand {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

// newAgents builds the agents of a scenario; seeded randomised parameters
// (episode times, abusive sizes) come from each agent's own stream.
func newAgents(s *Scenario, seed uint64, ns string) []*agent {
	var out []*agent
	for _, sp := range s.Agents {
		n := sp.Count
		accountsPer := 1
		if multiAccount(sp.Kind) {
			n, accountsPer = 1, sp.Count
		}
		group := ""
		if sp.Group || sp.Kind == KindWash || sp.Kind == KindGroupTransfer {
			group = sp.Name + " Holding"
		}
		for i := range n {
			name := sp.Name
			if n > 1 {
				name = fmt.Sprintf("%s-%d", sp.Name, i+1)
			}
			a := &agent{kind: sp.Kind, name: name, spec: sp, group: group, rng: seededRand(seed, name),
				pos: map[string]int64{}, cash: 1_000_000_000_000, inventory: 1_000_000}
			for j := range accountsPer {
				an := name
				if accountsPer > 1 {
					an = fmt.Sprintf("%s/%c", name, 'a'+j)
				}
				a.accounts = append(a.accounts, newAccount(ns, an))
			}
			a.planEpisodes(s)
			out = append(out, a)
		}
	}
	return out
}

func (a *agent) abusive() bool { _, ok := abusiveKinds[a.kind]; return ok }

// planEpisodes draws the start heights of an abusive agent's episodes,
// spread over the run with at least 2*window blocks between them.
func (a *agent) planEpisodes(s *Scenario) {
	if !a.abusive() {
		return
	}
	n := a.spec.Episodes
	if n == 0 {
		n = 3
	}
	if a.kind == KindMarkClose {
		// The close is the end of each day (day_blocks, else 6 windows):
		// the episode is the window before it.
		day := s.DayBlocks
		if day == 0 {
			day = a.window() * 6
		}
		for k := int64(1); len(a.plan) < n; k++ {
			start := k*day - a.window() // its buys land in (close - window, close]
			if start+a.window()+2 > s.Blocks {
				break
			}
			if start > 10 && (!a.spec.Evasion || k%2 == 0) {
				a.plan = append(a.plan, start)
			}
		}
		return
	}
	gap := max(a.window()*2+4, 10)
	lo, hi := int64(15), s.Blocks-a.window()-4
	if hi <= lo {
		return
	}
	slot := (hi - lo) / int64(n)
	if slot < gap {
		n = int((hi - lo) / gap)
		slot = gap
	}
	for i := range n {
		start := lo + int64(i)*slot
		jitter := max(slot-gap, 1)
		a.plan = append(a.plan, start+a.rng.Int64N(jitter))
	}
}

func (a *agent) window() int64 {
	if a.spec.WindowBlocks > 0 {
		return a.spec.WindowBlocks
	}
	switch a.kind {
	case KindStuffer, KindMomentum, KindRing:
		return 3
	case KindMarkClose:
		return 5
	}
	return 2
}

func (a *agent) size() uint64 {
	if a.spec.Size > 0 {
		return a.spec.Size
	}
	return 10
}

func (a *agent) activity() int {
	if a.spec.ActivityPct > 0 {
		return a.spec.ActivityPct
	}
	return 50
}

func (a *agent) chance(pct int) bool { return a.rng.IntN(100) < pct }

func (a *agent) position() int64 {
	var p int64
	for _, acc := range a.accounts {
		p += a.pos[acc.bech]
	}
	return p
}

func bps(p, b int64) int64 { return p * b / 10_000 }

// limit is a GTC limit order in the simulated market.
func (v *view) limit(side exchangetypes.Side, price int64, qty uint64) exchangetypes.OrderSpec {
	return exchangetypes.OrderSpec{MarketId: v.market, Side: side, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
		TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: price, Quantity: qty}
}

// ioc is an immediate-or-cancel limit order in the simulated market.
func (v *view) ioc(side exchangetypes.Side, price int64, qty uint64) exchangetypes.OrderSpec {
	o := v.limit(side, price, qty)
	o.TimeInForce = exchangetypes.TimeInForce_TIME_IN_FORCE_IOC
	return o
}

func place(acc *account, o exchangetypes.OrderSpec) sdk.Msg {
	return &exchangetypes.MsgPlaceOrder{Owner: acc.bech, Order: o}
}

// cancelAll is a batch cancelling every resting order of acc (nil if none).
func cancelAll(v *view, acc *account) []exchangetypes.CancelSpec {
	var cs []exchangetypes.CancelSpec
	for _, o := range v.live[acc.owner] {
		cs = append(cs, exchangetypes.CancelSpec{MarketId: v.market, OrderId: o.id})
	}
	return cs
}

// act returns the agent's txs for the next block, given the view after
// the last one.
func (a *agent) act(v *view, c *chain) []txEpisode {
	if a.revoked {
		return nil
	}
	switch a.kind {
	case KindMarketMaker:
		return a.marketMaker(v)
	case KindArbitrageur:
		return a.arbitrageur(v)
	case KindInstitution:
		return a.institution(v, false)
	case KindHedger:
		return a.institution(v, true)
	case KindNoise:
		return a.noise(v)
	case KindIssuer:
		return a.issuer(v, c)
	case KindGroupTransfer:
		return a.groupTransfer(v, c)
	case KindDataBuyer:
		return a.dataBuyer(v, c)
	case KindTriangle:
		return a.triangle(v)
	case KindCreditIssuer:
		return a.creditIssuer(v, c)
	case KindCreditTrader:
		return a.creditTrader(v, c)
	}
	return a.abuse(v, c)
}

func (a *agent) one(acc *account, msgs ...sdk.Msg) []txEpisode {
	return []txEpisode{{tx: tx{from: acc, msgs: msgs, agent: a}}}
}

// marketMaker quotes `levels` orders a side around the oracle price (the
// reference bot's strategy): half-spread spread_bps/2, one more half-spread
// per level, skewed against its inventory by skew_bps per `size` lots, one
// side only beyond max_inventory. It requotes (cancel + place in one
// batch) every block with probability activity_pct (default 100 for market
// makers). Without a fresh oracle price it quotes around the last trade
// with twice the spread.
func (a *agent) marketMaker(v *view) []txEpisode {
	acc := a.accounts[0]
	if a.withdrawn {
		if cs := cancelAll(v, acc); len(cs) > 0 {
			return a.one(acc, &exchangetypes.MsgBatch{Owner: acc.bech, Cancels: cs})
		}
		return nil
	}
	act := a.spec.ActivityPct
	if act == 0 {
		act = 100
	}
	if v.halted() || !a.chance(act) {
		return nil
	}
	fair, spread := v.oracle, a.spec.SpreadBps
	if fair == 0 {
		fair, spread = v.reference(), spread*2
	}
	inv := a.position()
	skew := -bps(fair, a.spec.SkewBps) * inv / int64(a.size())
	half := max(bps(fair, spread)/2, 1)
	levels := max(a.spec.Levels, 1)
	b := &exchangetypes.MsgBatch{Owner: acc.bech, Cancels: cancelAll(v, acc)}
	maxInv := a.spec.MaxInventory
	for i := range levels {
		off := half * int64(1+i)
		if maxInv == 0 || inv < maxInv {
			b.Places = append(b.Places, v.limit(buy, v.clip(fair+skew-off), a.size()))
		}
		if maxInv == 0 || inv > -maxInv {
			b.Places = append(b.Places, v.limit(sell, v.clip(fair+skew+off), a.size()))
		}
	}
	return a.one(acc, b)
}

// arbitrageur takes the book when it is more than threshold_bps away from
// the oracle price, up to size lots, with an IOC at the oracle-side edge.
func (a *agent) arbitrageur(v *view) []txEpisode {
	acc := a.accounts[0]
	if v.oracle == 0 || v.halted() {
		return nil
	}
	thr := a.spec.ThresholdBps
	if thr == 0 {
		thr = 30
	}
	edge := bps(v.oracle, thr)
	if ask := v.bestAsk(); ask > 0 && ask < v.oracle-edge && a.position() < a.maxInv() {
		return a.one(acc, place(acc, v.ioc(buy, v.clip(v.oracle-edge/2), a.size())))
	}
	if bid := v.bestBid(); bid > 0 && bid > v.oracle+edge && a.position() > -a.maxInv() {
		return a.one(acc, place(acc, v.ioc(sell, v.clip(v.oracle+edge/2), a.size())))
	}
	return nil
}

func (a *agent) maxInv() int64 {
	if a.spec.MaxInventory > 0 {
		return a.spec.MaxInventory
	}
	return 1 << 40
}

// institution works a parent order (10 × size lots, random side) in
// slices of size lots every `every` blocks (default 3) as marketable IOC
// orders at most 50 bps through the mid. A hedger (hard negative) flips
// side after every parent order: it buys and sells the same quantity
// with unrelated counterparties.
func (a *agent) institution(v *view, hedger bool) []txEpisode {
	acc := a.accounts[0]
	every := a.spec.Every
	if every == 0 {
		every = 3
	}
	if v.halted() || v.h%every != 0 || !a.chance(a.activity()) {
		return nil
	}
	if a.parentLeft <= 0 {
		switch {
		case hedger && a.parentSide == buy:
			a.parentSide = sell
		case hedger:
			a.parentSide = buy
		default:
			a.parentSide = exchangetypes.Side(1 + a.rng.IntN(2))
		}
		a.parentLeft = int64(a.size()) * 10
	}
	q := min(uint64(a.parentLeft), a.size())
	a.parentLeft -= int64(q)
	mid := v.mid()
	p := mid + bps(mid, 50)
	if a.parentSide == sell {
		p = mid - bps(mid, 50)
	}
	return a.one(acc, place(acc, v.ioc(a.parentSide, v.clip(p), q)))
}

// noise trades at random, reacting to the book: it follows the last
// block's move of the mid and the depth imbalance (more bids: more buys),
// places passive limits near the touch or takes with IOCs, and cancels its
// old orders now and then. Noise traders do not check halts: their
// refused orders show in the refusals.
func (a *agent) noise(v *view) []txEpisode {
	acc := a.accounts[0]
	if !a.chance(a.activity()) {
		return nil
	}
	if live := v.live[acc.owner]; len(live) > 3 || (len(live) > 0 && a.chance(20)) {
		return a.one(acc, &exchangetypes.MsgCancelOrder{Owner: acc.bech, MarketId: v.market, OrderId: live[0].id})
	}
	buyPct := 50
	mid := v.mid()
	if v.prevMid > 0 {
		switch {
		case mid > v.prevMid:
			buyPct += 15
		case mid < v.prevMid:
			buyPct -= 15
		}
	}
	bd, ad := v.depth(v.bids, 100, true), v.depth(v.asks, 100, false)
	switch {
	case bd > 2*ad:
		buyPct += 10
	case ad > 2*bd:
		buyPct -= 10
	}
	side := sell
	if a.chance(buyPct) {
		side = buy
	}
	q := 1 + a.rng.Uint64N(a.size())
	if a.chance(40) { // take
		p := mid + bps(mid, 100)
		if side == sell {
			p = mid - bps(mid, 100)
		}
		return a.one(acc, place(acc, v.ioc(side, v.clip(p), q)))
	}
	off := bps(mid, 5+a.rng.Int64N(40))
	p := mid - off
	if side == sell {
		p = mid + off
	}
	return a.one(acc, place(acc, v.limit(side, v.clip(p), q)))
}

// issuer mints `amount` (default 1000) new lots of the asset to a random
// account of the run every `every` blocks (default 25), as the asset's
// issuer. It trades nothing.
func (a *agent) issuer(v *view, c *chain) []txEpisode {
	every := a.spec.Every
	if every == 0 {
		every = 25
	}
	if v.h%every != 0 || len(c.recipients) == 0 {
		return nil
	}
	amt := a.spec.Amount
	if amt == 0 {
		amt = 1000
	}
	to := c.recipients[a.rng.IntN(len(c.recipients))]
	return []txEpisode{{tx: tx{from: c.issuer, agent: a, msgs: []sdk.Msg{&assetstypes.MsgMint{Admin: c.issuer.bech,
		Denom: c.asset, Amount: sdkmath.NewIntFromUint64(amt), Recipient: to.bech}}}}}
}

// groupTransfer (hard negative) moves asset between the bank accounts of
// the entities of one group every `every` blocks (default 7): transfers,
// not trades.
func (a *agent) groupTransfer(v *view, c *chain) []txEpisode {
	every := a.spec.Every
	if every == 0 {
		every = 7
	}
	if v.h%every != 0 {
		return nil
	}
	var peers []*account
	for _, b := range c.agents {
		if b != a && b.group == a.group {
			peers = append(peers, b.accounts[0])
		}
	}
	if len(peers) == 0 {
		return nil
	}
	to := peers[a.rng.IntN(len(peers))]
	acc := a.accounts[0]
	return a.one(acc, &banktypes.MsgSend{FromAddress: acc.bech, ToAddress: to.bech,
		Amount: sdk.NewCoins(sdk.NewInt64Coin(c.asset, int64(a.size())))})
}

// abuse runs an abusive agent: idle (or trading a little, so that it has a
// usual share) outside its planned episodes.
func (a *agent) abuse(v *view, c *chain) []txEpisode {
	if a.cur == nil {
		if len(a.plan) == 0 || v.h < a.plan[0] || v.halted() {
			return a.background(v)
		}
		a.plan = a.plan[1:]
		a.cur = &episode{Agent: a.name, Kind: a.kind, Detector: abusiveKinds[a.kind], Evasion: a.spec.Evasion, Start: v.h + 1}
		for _, acc := range a.accounts {
			a.cur.Accounts = append(a.cur.Accounts, acc.bech)
			a.cur.Entities = append(a.cur.Entities, acc.entity)
		}
		slices.Sort(a.cur.Entities)
		a.cur.Entities = slices.Compact(a.cur.Entities)
		a.phase, a.started = 0, v.h
	}
	ep := a.cur
	var out []txEpisode
	done := false
	switch a.kind {
	case KindWash:
		out, done = a.wash(v)
	case KindSpoofer:
		out, done = a.spoof(v)
	case KindStuffer:
		out, done = a.stuff(v)
	case KindMarkClose:
		out, done = a.markClose(v)
	case KindMomentum:
		out, done = a.momentum(v)
	case KindRing:
		out, done = a.ring(v)
	case KindCreditDoubleIssuer:
		out, done = a.creditDoubleIssue(v, c)
	case KindCreditRetiredMover:
		out, done = a.creditRetiredMove(v, c)
	case KindCreditCircular:
		out, done = a.creditCircle(v, c)
	case KindCreditDoubleClaimer:
		out, done = a.creditDoubleClaim(v, c)
	}
	for i := range out {
		out[i].ep = ep
	}
	a.phase++
	if done {
		ep.End = v.h + 1
		a.cur = nil
	}
	return out
}

// background: a small two-sided trade now and then (5% of blocks), so an
// abusive agent is not a stranger to the market outside its episodes.
func (a *agent) background(v *view) []txEpisode {
	if v.halted() || !a.chance(5) {
		return nil
	}
	acc := a.accounts[0]
	mid := v.mid()
	side := exchangetypes.Side(1 + a.rng.IntN(2))
	p := mid + bps(mid, 60)
	if side == sell {
		p = mid - bps(mid, 60)
	}
	return a.one(acc, place(acc, v.ioc(side, v.clip(p), 1+a.rng.Uint64N(3))))
}

// wash: account a rests a limit strictly inside the spread and, in the
// same block (evasion: the next block), account b of a sister entity takes
// it with an IOC at the same price. Repeated for window_blocks blocks,
// alternating direction (evasion: random sizes and directions).
func (a *agent) wash(v *view) ([]txEpisode, bool) {
	accA, accB := a.accounts[0], a.accounts[1]
	if len(a.accounts) > 2 && a.spec.Evasion {
		accB = a.accounts[1+a.rng.IntN(len(a.accounts)-1)]
	}
	bid, ask := v.bestBid(), v.bestAsk()
	var p int64
	if bid > 0 && ask-bid >= 2 {
		p = bid + 1 + a.rng.Int64N(ask-bid-1)
	} else {
		p = v.mid()
	}
	p = v.clip(p)
	q := a.size() * 3
	if a.spec.Evasion {
		q = 1 + a.rng.Uint64N(a.size())
	}
	restSide, takeSide := sell, buy
	if a.phase%2 == 1 || (a.spec.Evasion && a.chance(50)) {
		restSide, takeSide = buy, sell
	}
	out := []txEpisode{
		{tx: tx{from: accA, agent: a, msgs: []sdk.Msg{place(accA, v.limit(restSide, p, q))}}},
		{tx: tx{from: accB, agent: a, msgs: []sdk.Msg{place(accB, v.ioc(takeSide, p, q))}}},
	}
	return out, int64(a.phase+1) >= a.window()
}

// spoofVariants are the evasive spoofer's variants; each episode uses the
// next one, the first drawn from the agent's seeded stream.
var spoofVariants = [...]string{"small-layer", "partly-filled", "three-blocks"}

// spoof (layering): phase 0 places, in one batch, a small genuine limit
// order (size lots) one tick inside the spread on one side, and the layer:
// layer_multiple (default 8) × size on `levels` (default 3) prices of the
// other side just behind that side's touch — shown interest that tilts the
// book (the noise traders lean with the depth imbalance) towards the
// genuine order. From the next block on, as soon as the genuine order has
// traded (or after window_blocks + 1 blocks, default 3), everything still
// resting is cancelled in one batch. The evader (kept a block longer) takes
// turns over three variants:
//   - small-layer: the layer is a third of the size on one price
//     (cancelled size ≈ 2–3× the fill, under the detector's MinRatio);
//   - partly-filled: the layer (4–6 × size, seeded) on one or two prices
//     from one tick behind the touch, where the price often reaches it
//     and trades part of it (as much as the genuine order or more) before
//     it is pulled;
//   - three-blocks: the genuine order alone in the first block, the layer
//     (2 × size on one price) in two halves in the next two blocks (no
//     block holds both sides, no two consecutive blocks the genuine order
//     and the whole layer), all pulled at once.
func (a *agent) spoof(v *view) ([]txEpisode, bool) {
	acc := a.accounts[0]
	mult := a.spec.LayerMultiple
	if mult == 0 {
		mult = 8
	}
	lv := a.spec.Levels
	if lv == 0 {
		lv = 3
	}
	hold := a.window() + 1
	if a.spec.Evasion && a.phase == 0 {
		if a.spoofEpisodes == 0 {
			a.spoofFirst = a.rng.IntN(len(spoofVariants))
		}
		a.spoofVariant = (a.spoofFirst + a.spoofEpisodes) % len(spoofVariants)
		a.spoofEpisodes++
		a.cur.Variant = spoofVariants[a.spoofVariant]
	}
	variant := ""
	if a.spec.Evasion {
		variant = spoofVariants[a.spoofVariant]
		hold++
		switch variant {
		case "partly-filled":
			mult, lv = 4+a.rng.IntN(3), 1+a.rng.IntN(2)
		case "three-blocks":
			mult, lv, hold = 1, 1, hold+2 // two halves of 1 × size
		default:
			mult, lv = max(mult/3, 2), 1
		}
	}
	if a.phase == 0 || (variant == "three-blocks" && a.phase <= 2) {
		mid := v.mid()
		tick := max(bps(mid, 2), 1)
		if a.phase == 0 {
			a.parentSide = exchangetypes.Side(1 + a.rng.IntN(2)) // the layer's side
		}
		bid, ask := v.bestBid(), v.bestAsk()
		if bid == 0 || ask == 0 || ask-bid < 2*tick {
			bid, ask = mid-tick, mid+tick
		}
		b := &exchangetypes.MsgBatch{Owner: acc.bech}
		if variant != "three-blocks" || a.phase > 0 {
			per := a.size() * uint64(mult)
			if variant == "partly-filled" {
				per = a.size() * uint64(mult) / uint64(lv)
			}
			for i := range lv {
				p := bid - tick*int64(1+i)
				if a.parentSide == sell {
					p = ask + tick*int64(1+i)
				}
				b.Places = append(b.Places, v.limit(a.parentSide, v.clip(p), per))
			}
		}
		// The genuine order: inside the spread on the other side.
		if a.phase == 0 {
			if a.parentSide == buy {
				b.Places = append(b.Places, v.limit(sell, v.clip(ask-tick), a.size()))
			} else {
				b.Places = append(b.Places, v.limit(buy, v.clip(bid+tick), a.size()))
			}
		}
		return a.one(acc, b), false
	}
	genuineLeft := false
	for _, o := range v.live[acc.owner] {
		if o.side != a.parentSide && o.qty == a.size() {
			genuineLeft = true
		}
	}
	if genuineLeft && a.phase < int(hold) {
		return nil, false
	}
	cs := cancelAll(v, acc)
	if len(cs) == 0 {
		return nil, true
	}
	return a.one(acc, &exchangetypes.MsgBatch{Owner: acc.bech, Cancels: cs}), true
}

// stuff (quote stuffing): for window_blocks blocks (default 3) a batch of
// burst (default 150; evasion 40) post-only orders far from the touch, the
// previous burst cancelled in the same batch; then everything cancelled.
func (a *agent) stuff(v *view) ([]txEpisode, bool) {
	acc := a.accounts[0]
	burst := a.spec.Burst
	if burst == 0 {
		burst = 150
	}
	if a.spec.Evasion {
		burst = max(burst/4, 5)
	}
	b := &exchangetypes.MsgBatch{Owner: acc.bech, Cancels: cancelAll(v, acc)}
	if int64(a.phase) >= a.window() {
		if len(b.Cancels) == 0 {
			return nil, true
		}
		return a.one(acc, b), true
	}
	mid := v.mid()
	lo, hi := v.band()
	for i := range burst {
		side := buy
		if i%2 == 1 {
			side = sell
		}
		off := bps(mid, 150+int64(a.rng.IntN(300)))
		p := mid - off
		if side == sell {
			p = mid + off
		}
		if hi > 0 {
			p = min(max(p, lo), hi)
		}
		o := v.limit(side, max(p, 1), 1)
		o.PostOnly = true
		b.Places = append(b.Places, o)
	}
	if n := len(b.Cancels) + len(b.Places); n > int(exchangetypes.MaxBatchSizeLimit) {
		b.Places = b.Places[:int(exchangetypes.MaxBatchSizeLimit)-len(b.Cancels)]
	}
	return a.one(acc, b), false
}

// markClose (marking the close): the close is every day_blocks (or
// window_blocks × 6) blocks; in the window_blocks blocks before it the agent
// buys size × 4 a block with IOCs through the ask, and in the last block
// rests a bid for size × 12 at 30 bps above the mid (the asks placed in the
// block trade at its price: the closing print is its own); after the close
// it cancels what is left and sells its position back (evasion: size with
// IOCs, every other block, no closing bid).
func (a *agent) markClose(v *view) ([]txEpisode, bool) {
	acc := a.accounts[0]
	w := a.window()
	q := a.size() * 4
	if a.spec.Evasion {
		q = a.size()
	}
	mid := v.mid()
	if int64(a.phase) < w {
		if a.spec.Evasion && a.phase%2 == 1 {
			return nil, false
		}
		if int64(a.phase) == w-1 && !a.spec.Evasion {
			// The last block before the close: a bid well above the
			// market for 12 × size, resting, so that every ask placed in
			// the block trades at its price whatever the order of the
			// block's txs; the closing print is the marker's.
			return a.one(acc, place(acc, v.limit(buy, v.clip(mid+bps(mid, 30)), a.size()*12))), false
		}
		return a.one(acc, place(acc, v.ioc(buy, v.clip(mid+bps(mid, 80)), q))), false
	}
	// The unwind: sell the position back with IOCs over up to 4 blocks
	// (the book's bids are shallower than what it bought).
	b := &exchangetypes.MsgBatch{Owner: acc.bech, Cancels: cancelAll(v, acc)}
	pos := a.position()
	if pos > 0 {
		b.Places = append(b.Places, v.ioc(sell, v.clip(mid-bps(mid, 80)), uint64(pos)))
	}
	done := pos <= 0 || int64(a.phase) >= w+3
	if len(b.Cancels)+len(b.Places) == 0 {
		return nil, done
	}
	return a.one(acc, b), done
}

// momentum (momentum ignition): for window_blocks blocks (default 3)
// aggressive buys (or sells) of size × 5 (evasion: × 2) sweeping the
// book, then the exit on the other side over up to 4 blocks.
func (a *agent) momentum(v *view) ([]txEpisode, bool) {
	acc := a.accounts[0]
	q := a.size() * 5
	if a.spec.Evasion {
		q = a.size() * 2
	}
	if a.phase == 0 {
		a.parentSide = exchangetypes.Side(1 + a.rng.IntN(2))
	}
	mid := v.mid()
	if int64(a.phase) < a.window() {
		p := mid + bps(mid, 150)
		if a.parentSide == sell {
			p = mid - bps(mid, 150)
		}
		return a.one(acc, place(acc, v.ioc(a.parentSide, v.clip(p), q))), false
	}
	// The exit: the position back with IOCs, over up to 4 blocks (the
	// side the burst swept is thin for a while; one IOC often fills only
	// a few lots).
	pos := a.position()
	done := int64(a.phase) >= a.window()+3
	switch {
	case pos > 0:
		return a.one(acc, place(acc, v.ioc(sell, v.clip(mid-bps(mid, 100)), uint64(pos)))), done
	case pos < 0:
		return a.one(acc, place(acc, v.ioc(buy, v.clip(mid+bps(mid, 100)), uint64(-pos)))), done
	}
	return nil, true
}

// dataBuyer buys an access licence to the simulation's dataset from the
// data-asset contract (wasm, the real contract of contracts-wasm/): a
// MsgExecuteContract `buy_licence` paying the dataset's price, with the
// buyer's X25519 public key (derived from its name), whenever it holds no
// live licence and draws activity_pct (default 50). The licence lasts
// `every` blocks (the dataset's terms: every × block_time seconds); the
// agent buys again when it has lapsed. The payment is shared among the
// dataset's shareholders (the issuer holds all of them).
func (a *agent) dataBuyer(v *view, c *chain) []txEpisode {
	if c.dataAsset == "" || v.h < a.licenceUntil || !a.chance(a.activity()) {
		return nil
	}
	acc := a.accounts[0]
	seed := sha256.Sum256([]byte("clearchain-simulation/x25519/" + acc.name))
	pub, _, err := envelope.NewKeyPair(rand.NewChaCha8(seed))
	if err != nil {
		return nil
	}
	msg, err := json.Marshal(map[string]any{"buy_licence": map[string]any{"dataset_id": 1, "buyer_pubkey": pub[:]}})
	if err != nil {
		return nil
	}
	a.licenceUntil = v.h + c.licenceBlocks + 1
	return a.one(acc, &wasmtypes.MsgExecuteContract{Sender: acc.bech, Contract: c.dataAsset, Msg: msg,
		Funds: sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewIntFromUint64(c.licencePrice)))})
}
