package matching

// Order states.
const (
	stFree     uint8 = iota // on the free list
	stIncoming              // being processed as a taker; in no level
	stResting               // in a bid or ask level
	stStop                  // in the trigger book
)

// order is one slot of the order pool. Slots are addressed by int32 and
// linked into their level's FIFO list and their owner's list by index, so the
// pool is one slice the garbage collector scans as a single object.
type order struct {
	id           OrderID
	owner        OwnerID
	entity       EntityID
	price        Price
	trigger      Price
	qty          Qty
	seq          uint64
	expiry       int64 // ExpireBlock for GTB, ExpireTime for GTT
	prev, next   int32 // level FIFO links; next is the free-list link when free
	oprev, onext int32 // owner list links
	level        int32
	heap         int32 // position in the expiry heap, or -1
	side         Side
	typ          OrderType
	tif          TimeInForce
	stp          STPMode
	postOnly     bool
	state        uint8
}

// Config configures a Book. The zero value is a valid continuous book.
type Config struct {
	// Mode is the initial matching mode.
	Mode Mode
	// InitialOrders presizes the order pool and the id index, so that a
	// book that stays below it never allocates for orders.
	InitialOrders int
	// InitialLevels presizes the level pool and each ladder.
	InitialLevels int
}

// Book is the order book of one market. It is not safe for concurrent use;
// x/exchange drives each book from one goroutine. A Book holds no funds: the
// keeper locks funds when it accepts an order and releases or settles them
// from the events (fills, and cancellations and expiries with the quantity
// they free).
type Book struct {
	mode Mode

	orders   []order
	freeHead int32

	levels     []level
	freeLevels []int32
	lads       [ladCount]ladder
	counts     [ladCount]int // orders per ladder

	ids    idMap // OrderID -> order slot
	owners idMap // OwnerID -> head of the owner's list (aux: its length)

	heaps [2]expHeap // [0]: GTB by block, [1]: GTT by time

	seq          uint64 // last sequence number assigned
	expiredBlock int64  // highest block passed to ExpireUpTo
	expiredTime  int64  // highest time passed to ExpireUpTo
	refPrice     Price
	hasRef       bool

	// Price band (SetBand): while bandOn, takers trade only with levels
	// priced in [bandLo, bandHi]. hitBand records that the current taker's
	// walk stopped at a crossing level outside it.
	bandLo, bandHi Price
	bandOn         bool
	hitBand        bool

	// Dirty levels since the last Checkpoint.
	epoch uint32
	dirty []LevelKey

	// Auction bookkeeping: IOC/FOK/market orders waiting for RunAuction.
	auctionIOC []slotSeq
	// crossedOK is true while an auction-mode book may be crossed (orders
	// arrived since the last RunAuction).
	crossedOK bool

	scratch []int32 // reused buffer for triggered stops and mass cancels

	out []Event // the caller's buffer during Apply

	// Conservation counters (quantities), checked by CheckInvariants.
	accepted, filled, cancelled, expired Qty
}

type slotSeq struct {
	slot int32
	seq  uint64
}

// NewBook returns an empty book.
func NewBook(cfg Config) *Book {
	b := &Book{mode: cfg.Mode, freeHead: -1, epoch: 1}
	n := cfg.InitialOrders
	if n < 16 {
		n = 16
	}
	b.orders = make([]order, 0, n)
	b.ids = newIDMap(n)
	b.owners = newCountedMap(64)
	lv := cfg.InitialLevels
	if lv < 16 {
		lv = 16
	}
	b.levels = make([]level, 0, lv)
	for i := range b.lads {
		c := lv
		if i >= ladStopBuys {
			c = 16
		}
		b.lads[i] = ladder{keys: make([]int64, 0, c), lv: make([]int32, 0, c), neg: ladderNegated(i)}
	}
	b.scratch = make([]int32, 0, 64)
	b.dirty = make([]LevelKey, 0, 64)
	return b
}

// SetBand sets the price band of continuous matching: until it is changed,
// a taker (placed, replaced or triggered) trades only with levels priced in
// [lo, hi]. When its walk reaches a level it crosses outside the band, it
// stops there and the rest of the taker is cancelled (EvCancelled,
// ReasonBand) whatever its time in force, since resting it would cross the
// book; a fill-or-kill order that needs such a level is unfillable. lo > hi,
// or lo < 1, switches the band off (as does SetBand(0, 0)). The band is not
// part of the book's persisted state: the caller sets it before each use.
// It does not apply to RunAuction, resting orders, or post-only checks.
func (b *Book) SetBand(lo, hi Price) {
	b.bandOn = lo >= 1 && lo <= hi
	b.bandLo, b.bandHi = lo, hi
}

// Band returns the price band and whether it is on.
func (b *Book) Band() (lo, hi Price, on bool) { return b.bandLo, b.bandHi, b.bandOn }

// outsideBand reports whether a level at p is outside an active band.
func (b *Book) outsideBand(p Price) bool {
	return b.bandOn && (p < b.bandLo || p > b.bandHi)
}

// Mode returns the book's matching mode.
func (b *Book) Mode() Mode { return b.mode }

// SetMode switches the matching mode and returns out with any events.
// Switching to Continuous fails with ErrCrossed while the book is crossed
// (run the auction first); IOC and market orders still waiting for an
// auction are then cancelled (ReasonUnfilled).
func (b *Book) SetMode(m Mode, out []Event) ([]Event, error) {
	if m != Continuous && m != Auction {
		return out, ReasonInvalidCommand.Err()
	}
	if m == Continuous && b.crossed() {
		return out, ErrCrossed
	}
	b.out = out
	if m == Continuous {
		b.cancelAuctionLeftovers()
		b.crossedOK = false
	}
	b.mode = m
	out = b.out
	b.out = nil
	return out, nil
}

// Apply runs cmds in order and appends their events to out, which it
// returns. With enough capacity in out it does not allocate.
func (b *Book) Apply(cmds []Command, out []Event) []Event {
	b.out = out
	for i := range cmds {
		b.apply(&cmds[i])
	}
	out = b.out
	b.out = nil
	return out
}

func (b *Book) apply(c *Command) {
	switch c.Kind {
	case CmdPlace:
		b.place(c)
	case CmdCancel:
		b.cancelCmd(c)
	case CmdModify:
		b.modify(c)
	case CmdMassCancel:
		b.massCancel(c.Owner, c.Side)
	case CmdExpire:
		b.expire(c.ExpireBlock, c.ExpireTime, -1)
	case CmdReferencePrice:
		b.reference(c.Price, -1)
	default:
		b.emit(Event{Kind: EvRejected, Reason: ReasonInvalidCommand, OrderID: c.ID, Owner: c.Owner, Entity: c.Entity, Side: c.Side})
	}
}

// ExpireUpTo expires every GTB order whose ExpireBlock <= block and every GTT
// order whose ExpireTime <= time, resting or in the trigger book: first the
// GTB orders by (ExpireBlock, acceptance order), then the GTT orders by
// (ExpireTime, acceptance order). Later GTB/GTT orders must expire after the
// highest block and time passed so far. Cost: O(log n) per expired order.
func (b *Book) ExpireUpTo(block, time int64, out []Event) []Event {
	out, _ = b.ExpireUpToN(block, time, -1, out)
	return out
}

// ExpireUpToN is ExpireUpTo expiring at most max orders (max < 0: no limit),
// in the same order; it reports whether every due order expired. The due
// orders it leaves stay in the book until the next call expires them first,
// but never trade: a taker that meets one expires it (EvExpired, before its
// fills) and a FOK check skips it. Cancels and modifies still reach them.
// RunAuction does not skip them: run auctions only when done. Orders due at
// block or time are refused from now on (ReasonAlreadyExpired).
func (b *Book) ExpireUpToN(block, time int64, max int, out []Event) ([]Event, bool) {
	b.out = out
	done := b.expire(block, time, max)
	out = b.out
	b.out = nil
	return out, done
}

// OnReferencePrice reports a reference price (oracle or last trade, as the
// keeper decides). Buy stops with TriggerPrice <= p and sell stops with
// TriggerPrice >= p leave the trigger book, in a defined order: buy stops by
// ascending trigger price, then sell stops by descending trigger price, each
// level in acceptance order. Each then enters as a new taker (EvTriggered,
// then its fills) with a new time priority. A stop placed while the last
// reported price already passed its trigger waits for the next report.
func (b *Book) OnReferencePrice(p Price, out []Event) []Event {
	out, _ = b.OnReferencePriceN(p, -1, out)
	return out
}

// OnReferencePriceN is OnReferencePrice triggering at most max stops (max <
// 0: no limit), the first ones in the same order; it reports whether every
// stop passed by p triggered. The stops it leaves stay in the trigger book
// and trigger at a later report that still passes them (a caller that
// bounds its work per block reports the block's reference price again).
// The triggered orders' fills are not counted in max.
func (b *Book) OnReferencePriceN(p Price, max int, out []Event) ([]Event, bool) {
	b.out = out
	done := b.reference(p, max)
	out = b.out
	b.out = nil
	return out, done
}

func (b *Book) emit(e Event) { b.out = append(b.out, e) }

func (b *Book) reject(c *Command, r Reason) {
	b.emit(Event{Kind: EvRejected, Reason: r, OrderID: c.ID, Owner: c.Owner, Entity: c.Entity, Side: c.Side})
}

func validPrice(p Price) bool { return p >= 1 && p <= MaxPrice }
func validQty(q Qty) bool     { return q >= 1 && q <= MaxQty }

func (b *Book) validate(c *Command) Reason {
	if c.Side != Buy && c.Side != Sell {
		return ReasonInvalidSide
	}
	if c.Type > StopMarket {
		return ReasonInvalidType
	}
	if c.TIF > FOK {
		return ReasonInvalidTIF
	}
	if c.STP > STPDecrement {
		return ReasonInvalidSTP
	}
	if !validPrice(c.Price) {
		return ReasonInvalidPrice
	}
	if (c.Type == StopLimit || c.Type == StopMarket) && !validPrice(c.TriggerPrice) {
		return ReasonInvalidPrice
	}
	if !validQty(c.Qty) {
		return ReasonInvalidQty
	}
	market := c.Type == Market || c.Type == StopMarket
	if c.PostOnly && (market || c.TIF == IOC || c.TIF == FOK || c.Type == StopLimit) {
		return ReasonInvalidFlags
	}
	if market && c.TIF != FOK && c.TIF != IOC && c.TIF != GTC {
		return ReasonInvalidTIF
	}
	if b.mode == Auction && (c.PostOnly || c.TIF == FOK) {
		return ReasonNotInAuction
	}
	if !market {
		if c.TIF == GTB && c.ExpireBlock <= b.expiredBlock {
			return ReasonAlreadyExpired
		}
		if c.TIF == GTT && c.ExpireTime <= b.expiredTime {
			return ReasonAlreadyExpired
		}
	}
	if _, ok := b.ids.get(uint64(c.ID)); ok {
		return ReasonDuplicateID
	}
	return ReasonNone
}

func (b *Book) alloc() int32 {
	if i := b.freeHead; i >= 0 {
		b.freeHead = b.orders[i].next
		return i
	}
	b.orders = append(b.orders, order{})
	return int32(len(b.orders) - 1)
}

func (b *Book) nextSeq() uint64 {
	b.seq++
	return b.seq
}

// resequence gives live order oi a new time priority. Its expiry heap entry
// is re-keyed so that ties between equal expiries follow the current seq, as
// they would after a restore.
func (b *Book) resequence(oi int32) {
	b.orders[oi].seq = b.nextSeq()
	if b.orders[oi].heap >= 0 {
		b.heapRemove(oi)
		b.heapPush(oi)
	}
}

func (b *Book) place(c *Command) {
	if r := b.validate(c); r != ReasonNone {
		b.reject(c, r)
		return
	}
	oi := b.alloc()
	o := &b.orders[oi]
	*o = order{
		id: c.ID, owner: c.Owner, entity: c.Entity, price: c.Price, trigger: c.TriggerPrice,
		qty: c.Qty, side: c.Side, typ: c.Type, tif: c.TIF, stp: c.STP, postOnly: c.PostOnly,
		prev: -1, next: -1, oprev: -1, onext: -1, level: -1, heap: -1, state: stIncoming,
	}
	if o.typ == Market || o.typ == StopMarket {
		if o.tif != FOK {
			o.tif = IOC
		}
	}
	switch o.tif {
	case GTB:
		o.expiry = c.ExpireBlock
	case GTT:
		o.expiry = c.ExpireTime
	}
	// Checks that need the book, done before anything is recorded.
	if b.mode == Continuous && o.typ <= Market {
		if o.postOnly && b.wouldCross(o.side, o.price) {
			b.freeSlot(oi)
			b.reject(c, ReasonWouldCross)
			return
		}
		if o.tif == FOK && !b.fokFillable(oi) {
			b.freeSlot(oi)
			b.reject(c, ReasonFOKUnfillable)
			return
		}
	}
	o.seq = b.nextSeq()
	b.ids.put(uint64(o.id), oi)
	b.ownerLink(oi)
	if o.tif == GTB || o.tif == GTT {
		b.heapPush(oi)
	}
	b.accepted += o.qty
	b.emit(Event{Kind: EvAccepted, OrderID: o.id, Owner: o.owner, Entity: o.entity, Side: o.side, Price: o.price, Qty: o.qty})
	if o.typ == StopLimit || o.typ == StopMarket {
		o.state = stStop
		b.appendToLevel(stopLadder(o.side), o.trigger, oi)
		return
	}
	b.process(oi)
}

// process matches incoming order oi (continuous mode) and rests or cancels
// what is left. The order is indexed and its leading event is emitted.
func (b *Book) process(oi int32) {
	if b.mode == Continuous {
		if !b.match(oi) {
			return
		}
	} else {
		b.crossedOK = true
	}
	o := &b.orders[oi]
	if o.qty == 0 {
		b.release(oi)
		return
	}
	if b.mode == Continuous && b.hitBand {
		b.hitBand = false
		b.cancelled += o.qty
		b.emit(Event{Kind: EvCancelled, Reason: ReasonBand, OrderID: o.id, Owner: o.owner, Entity: o.entity, Side: o.side, Price: o.price, Qty: o.qty})
		b.release(oi)
		return
	}
	if o.typ == Market || o.tif == IOC || o.tif == FOK {
		if b.mode == Continuous {
			b.cancelled += o.qty
			b.emit(Event{Kind: EvCancelled, Reason: ReasonUnfilled, OrderID: o.id, Owner: o.owner, Entity: o.entity, Side: o.side, Price: o.price, Qty: o.qty})
			b.release(oi)
			return
		}
		b.auctionIOC = append(b.auctionIOC, slotSeq{oi, o.seq})
	}
	o.state = stResting
	b.appendToLevel(restingLadder(o.side), o.price, oi)
	b.emit(Event{Kind: EvRested, OrderID: o.id, Owner: o.owner, Entity: o.entity, Side: o.side, Price: o.price, Qty: o.qty})
}

// crosses reports whether a taker on side s with limit lim trades with a
// maker level at price p.
func crosses(s Side, lim, p Price) bool {
	if s == Buy {
		return p <= lim
	}
	return p >= lim
}

func (b *Book) wouldCross(s Side, lim Price) bool {
	li := b.lads[restingLadder(s.Opposite())].best()
	return li >= 0 && crosses(s, lim, b.levels[li].price)
}

// fokFillable reports whether FOK order oi would fill entirely: self-trade
// prevention that would cancel or decrement the taker makes it unfillable;
// makers that STPCancelOldest would cancel do not count.
func (b *Book) fokFillable(oi int32) bool {
	t := &b.orders[oi]
	ld := &b.lads[restingLadder(t.side.Opposite())]
	need := t.qty
	for i := len(ld.lv) - 1; i >= 0; i-- {
		lv := &b.levels[ld.lv[i]]
		if !crosses(t.side, t.price, lv.price) || b.outsideBand(lv.price) {
			return false
		}
		for mi := lv.head; mi >= 0; mi = b.orders[mi].next {
			m := &b.orders[mi]
			if m.heap >= 0 && b.due(m) {
				continue // expires before it could trade
			}
			if m.entity == t.entity {
				if t.stp == STPCancelOldest {
					continue
				}
				return false
			}
			if m.qty >= need {
				return true
			}
			need -= m.qty
		}
	}
	return false
}

// match trades taker ti against the opposite side at the makers' prices. It
// returns false if the taker was finished (fully cancelled by self-trade
// prevention and released); otherwise the caller handles the remainder.
func (b *Book) match(ti int32) bool {
	t := &b.orders[ti]
	ld := &b.lads[restingLadder(t.side.Opposite())]
	b.hitBand = false
	for t.qty > 0 {
		n := len(ld.lv)
		if n == 0 {
			break
		}
		li := ld.lv[n-1]
		lv := &b.levels[li]
		if !crosses(t.side, t.price, lv.price) {
			break
		}
		if b.outsideBand(lv.price) {
			b.hitBand = true
			break
		}
		mi := lv.head
		m := &b.orders[mi]
		if m.heap >= 0 && b.due(m) {
			b.expireOrder(mi) // due, not yet expired (ExpireUpToN's limit)
			continue
		}
		if m.entity == t.entity {
			if !b.selfTrade(ti, mi) {
				return false
			}
			continue
		}
		q := min(t.qty, m.qty)
		t.qty -= q
		m.qty -= q
		lv.qty -= q
		b.filled += q
		b.qtyChanged(li, mi)
		b.emit(Event{Kind: EvFill, OrderID: t.id, Owner: t.owner, Entity: t.entity, Side: t.side, MakerID: m.id, MakerOwner: m.owner, MakerEntity: m.entity,
			Limit: t.price, MakerLimit: m.price, Price: lv.price, Qty: q, Remaining: t.qty, MakerRemaining: m.qty})
		if m.qty == 0 {
			b.removeResting(mi)
		}
	}
	return true
}

// selfTrade applies taker ti's STP mode against maker mi of the same entity.
// It returns false if the taker is finished (and released).
func (b *Book) selfTrade(ti, mi int32) bool {
	t := &b.orders[ti]
	m := &b.orders[mi]
	switch t.stp {
	case STPCancelOldest:
		b.cancelOrder(mi, ReasonSelfTrade)
		return true
	case STPCancelBoth:
		b.cancelOrder(mi, ReasonSelfTrade)
		b.cancelOrder(ti, ReasonSelfTrade)
		return false
	case STPDecrement:
		tq := t.qty
		q := min(tq, m.qty)
		b.reduce(mi, q, ReasonSelfTrade)
		b.reduce(ti, q, ReasonSelfTrade)
		return q < tq
	default: // STPCancelNewest
		b.cancelOrder(ti, ReasonSelfTrade)
		return false
	}
}

// reduce cancels q (< or = remaining) of order oi; an order reduced to zero
// is removed.
func (b *Book) reduce(oi int32, q Qty, r Reason) {
	o := &b.orders[oi]
	if q >= o.qty {
		b.cancelOrder(oi, r)
		return
	}
	o.qty -= q
	if o.level >= 0 {
		b.levels[o.level].qty -= q
		b.qtyChanged(o.level, oi)
	}
	b.cancelled += q
	b.emit(Event{Kind: EvCancelled, Reason: r, OrderID: o.id, Owner: o.owner, Entity: o.entity, Side: o.side, Price: o.price, Qty: q, Remaining: o.qty})
}

// cancelOrder cancels the whole remaining quantity of live order oi.
func (b *Book) cancelOrder(oi int32, r Reason) {
	o := &b.orders[oi]
	b.cancelled += o.qty
	b.emit(Event{Kind: EvCancelled, Reason: r, OrderID: o.id, Owner: o.owner, Entity: o.entity, Side: o.side, Price: o.price, Qty: o.qty})
	b.removeResting(oi)
}

// removeResting takes order oi out of its level (if any) and releases it.
func (b *Book) removeResting(oi int32) {
	if b.orders[oi].level >= 0 {
		b.unlink(oi)
	}
	b.release(oi)
}

// release drops order oi (in no level) from the id index, its owner's list
// and the expiry heap, and returns its slot to the pool.
func (b *Book) release(oi int32) {
	o := &b.orders[oi]
	b.ids.del(uint64(o.id))
	b.ownerUnlink(oi)
	if o.heap >= 0 {
		b.heapRemove(oi)
	}
	b.freeSlot(oi)
}

func (b *Book) freeSlot(oi int32) {
	o := &b.orders[oi]
	o.state = stFree
	o.next = b.freeHead
	b.freeHead = oi
}

func (b *Book) cancelCmd(c *Command) {
	oi, ok := b.ids.get(uint64(c.ID))
	if !ok {
		b.reject(c, ReasonUnknownOrder)
		return
	}
	if b.orders[oi].owner != c.Owner {
		b.reject(c, ReasonNotOwner)
		return
	}
	b.cancelOrder(oi, ReasonCancelled)
}

func (b *Book) modify(c *Command) {
	oi, ok := b.ids.get(uint64(c.ID))
	if !ok {
		b.reject(c, ReasonUnknownOrder)
		return
	}
	o := &b.orders[oi]
	switch {
	case o.owner != c.Owner:
		b.reject(c, ReasonNotOwner)
		return
	case o.state == stStop:
		b.reject(c, ReasonStopNotModifiable)
		return
	case !validPrice(c.Price):
		b.reject(c, ReasonInvalidPrice)
		return
	case !validQty(c.Qty):
		b.reject(c, ReasonInvalidQty)
		return
	case c.Price == o.price && c.Qty == o.qty:
		b.reject(c, ReasonNoChange)
		return
	case c.Price == o.price && c.Qty < o.qty:
		b.reduce(oi, o.qty-c.Qty, ReasonReduced)
		return
	case o.postOnly && b.mode == Continuous && b.wouldCross(o.side, c.Price):
		b.reject(c, ReasonWouldCross)
		return
	}
	// Cancel-and-replace: same slot, index entry, owner entry and expiry;
	// new price, quantity and time priority.
	b.cancelled += o.qty
	b.emit(Event{Kind: EvCancelled, Reason: ReasonReplaced, OrderID: o.id, Owner: o.owner, Entity: o.entity, Side: o.side, Price: o.price, Qty: o.qty})
	b.unlink(oi)
	o = &b.orders[oi]
	o.state = stIncoming
	o.price = c.Price
	o.qty = c.Qty
	b.resequence(oi)
	o = &b.orders[oi]
	b.accepted += o.qty
	b.emit(Event{Kind: EvAccepted, OrderID: o.id, Owner: o.owner, Entity: o.entity, Side: o.side, Price: o.price, Qty: o.qty})
	b.process(oi)
}

func (b *Book) massCancel(owner OwnerID, side Side) {
	head, ok := b.owners.get(uint64(owner))
	if !ok {
		return
	}
	s := b.scratch[:0]
	for oi := head; oi >= 0; oi = b.orders[oi].onext {
		if side == SideNone || b.orders[oi].side == side {
			s = append(s, oi)
		}
	}
	b.sortBySeq(s)
	for _, oi := range s {
		b.cancelOrder(oi, ReasonMassCancel)
	}
	b.scratch = s[:0]
}

// sortBySeq sorts slots by ascending seq (insertion sort for short runs,
// heap sort otherwise: no allocation, no closures).
func (b *Book) sortBySeq(s []int32) {
	if len(s) < 24 {
		for i := 1; i < len(s); i++ {
			for j := i; j > 0 && b.orders[s[j]].seq < b.orders[s[j-1]].seq; j-- {
				s[j], s[j-1] = s[j-1], s[j]
			}
		}
		return
	}
	n := len(s)
	sift := func(root, end int) {
		for {
			c := 2*root + 1
			if c >= end {
				return
			}
			if c+1 < end && b.orders[s[c+1]].seq > b.orders[s[c]].seq {
				c++
			}
			if b.orders[s[root]].seq >= b.orders[s[c]].seq {
				return
			}
			s[root], s[c] = s[c], s[root]
			root = c
		}
	}
	for i := n/2 - 1; i >= 0; i-- {
		sift(i, n)
	}
	for end := n - 1; end > 0; end-- {
		s[0], s[end] = s[end], s[0]
		sift(0, end)
	}
}

// expire expires the due orders, at most max of them (max < 0: all), and
// reports whether none is left due.
func (b *Book) expire(block, time int64, max int) bool {
	if block > b.expiredBlock {
		b.expiredBlock = block
	}
	if time > b.expiredTime {
		b.expiredTime = time
	}
	for h := range b.heaps {
		lim := block
		if h == 1 {
			lim = time
		}
		for len(b.heaps[h].a) > 0 && b.heaps[h].a[0].key <= lim {
			if max == 0 {
				return false
			}
			max--
			b.expireOrder(b.heaps[h].a[0].slot)
		}
	}
	return true
}

// due reports whether GTB/GTT order o is past the highest block or time
// passed to ExpireUpTo(N): an order ExpireUpToN's limit left live.
func (b *Book) due(o *order) bool {
	if o.tif == GTT {
		return o.expiry <= b.expiredTime
	}
	return o.tif == GTB && o.expiry <= b.expiredBlock
}

// expireOrder expires live order oi.
func (b *Book) expireOrder(oi int32) {
	o := &b.orders[oi]
	b.expired += o.qty
	b.emit(Event{Kind: EvExpired, OrderID: o.id, Owner: o.owner, Entity: o.entity, Side: o.side, Price: o.price, Qty: o.qty})
	b.removeResting(oi)
}

// reference triggers the stops passed by p, at most max of them (max < 0:
// all), and reports whether none is left.
func (b *Book) reference(p Price, max int) bool {
	if !validPrice(p) {
		b.emit(Event{Kind: EvRejected, Reason: ReasonInvalidPrice})
		return true
	}
	b.refPrice = p
	b.hasRef = true
	s := b.scratch[:0]
	done := true
collect:
	for l := ladStopBuys; l <= ladStopSells; l++ {
		ld := &b.lads[l]
		for i := len(ld.lv) - 1; i >= 0; i-- {
			lv := &b.levels[ld.lv[i]]
			if (l == ladStopBuys && lv.price > p) || (l == ladStopSells && lv.price < p) {
				break
			}
			for oi := lv.head; oi >= 0; oi = b.orders[oi].next {
				if max >= 0 && len(s) >= max {
					done = false
					break collect
				}
				s = append(s, oi)
			}
		}
	}
	if len(s) == 0 {
		b.scratch = s
		return done
	}
	for _, oi := range s {
		b.unlink(oi)
		b.orders[oi].state = stIncoming
	}
	// Processing a triggered order touches only the resting book, so the
	// collected slots stay valid. The buffer is detached while in use.
	b.scratch = nil
	for _, oi := range s {
		o := &b.orders[oi]
		if o.typ == StopLimit {
			o.typ = Limit
		} else {
			o.typ = Market
		}
		b.resequence(oi)
		o = &b.orders[oi]
		b.emit(Event{Kind: EvTriggered, OrderID: o.id, Owner: o.owner, Entity: o.entity, Side: o.side, Price: o.price, Qty: o.qty})
		if b.mode == Continuous && o.tif == FOK && !b.fokFillable(oi) {
			b.cancelOrder(oi, ReasonFOKUnfillable)
			continue
		}
		b.process(oi)
	}
	b.scratch = s[:0]
	return done
}

// crossed reports whether the best bid >= the best ask.
func (b *Book) crossed() bool {
	bi, ai := b.lads[ladBids].best(), b.lads[ladAsks].best()
	return bi >= 0 && ai >= 0 && b.levels[bi].price >= b.levels[ai].price
}

// --- levels -----------------------------------------------------------------

// appendToLevel appends order oi at the tail of the level at price key p in
// ladder l, creating the level if needed. For stops p is the trigger price.
func (b *Book) appendToLevel(l int, p Price, oi int32) {
	ld := &b.lads[l]
	li := ld.find(p)
	if li < 0 {
		li = b.newLevel(l, p)
		ld.insert(p, li)
	}
	b.touch(li)
	lv := &b.levels[li]
	o := &b.orders[oi]
	if o.seq <= lv.cpSeq {
		lv.messy = true // not after the old orders (never, but be safe)
	}
	lv.added++
	o.level = li
	o.next = -1
	o.prev = lv.tail
	if lv.tail >= 0 {
		b.orders[lv.tail].next = oi
	} else {
		lv.head = oi
	}
	lv.tail = oi
	lv.count++
	b.counts[l]++
	lv.qty += o.qty
}

func (b *Book) newLevel(l int, p Price) int32 {
	var li int32
	if n := len(b.freeLevels); n > 0 {
		li = b.freeLevels[n-1]
		b.freeLevels = b.freeLevels[:n-1]
	} else {
		b.levels = append(b.levels, level{})
		li = int32(len(b.levels) - 1)
	}
	b.levels[li] = level{price: p, head: -1, tail: -1, ladder: uint8(l)}
	return li
}

// unlink takes order oi out of its level, removing the level if it empties.
func (b *Book) unlink(oi int32) {
	li := b.orders[oi].level
	b.touch(li)
	o := &b.orders[oi]
	lv := &b.levels[li]
	switch {
	case o.seq > lv.cpSeq:
		lv.added--
	case oi == lv.head:
		lv.gone++
		lv.headQty = false
	default:
		lv.messy = true
	}
	if o.prev >= 0 {
		b.orders[o.prev].next = o.next
	} else {
		lv.head = o.next
	}
	if o.next >= 0 {
		b.orders[o.next].prev = o.prev
	} else {
		lv.tail = o.prev
	}
	lv.count--
	b.counts[lv.ladder]--
	lv.qty -= o.qty
	o.level, o.prev, o.next = -1, -1, -1
	if lv.count == 0 {
		b.lads[lv.ladder].remove(lv.price)
		b.freeLevels = append(b.freeLevels, li)
	}
}

// touch marks level li dirty before its first change since the last
// Checkpoint, recording what LevelDelta reports changes against.
func (b *Book) touch(li int32) {
	lv := &b.levels[li]
	if lv.dirtyEpoch == b.epoch {
		return
	}
	lv.dirtyEpoch = b.epoch
	lv.cpSeq, lv.cpCount = 0, lv.count
	if lv.tail >= 0 {
		lv.cpSeq = b.orders[lv.tail].seq
	}
	lv.gone, lv.added, lv.headQty, lv.messy = 0, 0, false, false
	l := int(lv.ladder)
	b.dirty = append(b.dirty, LevelKey{Stop: l >= ladStopBuys, Side: ladderSide(l), Price: lv.price})
}

// qtyChanged records that the quantity of order oi of level li decreased.
func (b *Book) qtyChanged(li, oi int32) {
	b.touch(li)
	lv := &b.levels[li]
	switch {
	case b.orders[oi].seq > lv.cpSeq:
	case oi == lv.head:
		lv.headQty = true
	default:
		lv.messy = true
	}
}

// --- owners -----------------------------------------------------------------

func (b *Book) ownerLink(oi int32) {
	o := &b.orders[oi]
	o.oprev = -1
	if i := b.owners.find(uint64(o.owner)); i >= 0 {
		head := b.owners.vals[i]
		o.onext = head
		b.orders[head].oprev = oi
		b.owners.vals[i] = oi
		b.owners.aux[i]++
	} else {
		o.onext = -1
		b.owners.aux[b.owners.put(uint64(o.owner), oi)] = 1
	}
}

func (b *Book) ownerUnlink(oi int32) {
	o := &b.orders[oi]
	if o.onext >= 0 {
		b.orders[o.onext].oprev = o.oprev
	}
	if o.oprev >= 0 {
		b.orders[o.oprev].onext = o.onext
	}
	if o.oprev < 0 && o.onext < 0 {
		b.owners.del(uint64(o.owner))
	} else {
		i := b.owners.find(uint64(o.owner))
		if o.oprev < 0 {
			b.owners.vals[i] = o.onext
		}
		b.owners.aux[i]--
	}
	o.oprev, o.onext = -1, -1
}
