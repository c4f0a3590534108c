package matching

import "slices"

// Order is a copy of a live order's state, as read by Order, Iterate,
// LevelOrders and as written back by LoadOrder.
type Order struct {
	ID       OrderID
	Owner    OwnerID
	Entity   EntityID
	Side     Side
	Type     OrderType // StopLimit or StopMarket while in the trigger book
	TIF      TimeInForce
	STP      STPMode
	PostOnly bool
	// Price is the limit price (the worst price of market orders).
	Price Price
	// TriggerPrice is the stop price (stop orders only).
	TriggerPrice Price
	// Qty is the remaining quantity.
	Qty         Qty
	ExpireBlock int64 // GTB only
	ExpireTime  int64 // GTT only
	// Seq is the order's time priority: lower is earlier. It is part of the
	// persisted state (see Meta).
	Seq uint64
}

func (b *Book) view(oi int32) Order {
	o := &b.orders[oi]
	v := Order{
		ID: o.id, Owner: o.owner, Entity: o.entity, Side: o.side, Type: o.typ, TIF: o.tif, STP: o.stp,
		PostOnly: o.postOnly, Price: o.price, TriggerPrice: o.trigger, Qty: o.qty, Seq: o.seq,
	}
	switch o.tif {
	case GTB:
		v.ExpireBlock = o.expiry
	case GTT:
		v.ExpireTime = o.expiry
	}
	return v
}

// Order returns the live order with this id (resting or in the trigger book).
func (b *Book) Order(id OrderID) (Order, bool) {
	oi, ok := b.ids.get(uint64(id))
	if !ok {
		return Order{}, false
	}
	return b.view(oi), true
}

// Len returns the number of resting orders (both sides, stops excluded).
func (b *Book) Len() int { return b.counts[ladBids] + b.counts[ladAsks] }

// StopLen returns the number of orders waiting in the trigger book.
func (b *Book) StopLen() int { return b.counts[ladStopBuys] + b.counts[ladStopSells] }

// Levels returns the number of price levels on side s.
func (b *Book) Levels(s Side) int { return len(b.lads[restingLadder(s)].lv) }

// BestBid returns the best bid price and the quantity resting there.
func (b *Book) BestBid() (Price, Qty, bool) { return b.best(ladBids) }

// BestAsk returns the best ask price and the quantity resting there.
func (b *Book) BestAsk() (Price, Qty, bool) { return b.best(ladAsks) }

func (b *Book) best(l int) (Price, Qty, bool) {
	li := b.lads[l].best()
	if li < 0 {
		return 0, 0, false
	}
	return b.levels[li].price, b.levels[li].qty, true
}

// DepthLevel is one aggregated price level.
type DepthLevel struct {
	Price  Price
	Qty    Qty
	Orders int
}

// Depth appends the best n levels of side s (best first) to buf.
func (b *Book) Depth(s Side, n int, buf []DepthLevel) []DepthLevel {
	ld := &b.lads[restingLadder(s)]
	for i := len(ld.lv) - 1; i >= 0 && n > 0; i-- {
		lv := &b.levels[ld.lv[i]]
		buf = append(buf, DepthLevel{Price: lv.price, Qty: lv.qty, Orders: int(lv.count)})
		n--
	}
	return buf
}

// Iterate calls fn for each resting order of side s in priority order: best
// price first, FIFO within a level, until fn returns false. fn must not
// change the book.
func (b *Book) Iterate(s Side, fn func(Order) bool) {
	b.iterate(restingLadder(s), fn)
}

// OwnerOrders calls fn for each live order of owner (resting or in the
// trigger book), until fn returns false, without scanning the book: it
// follows the owner index that mass cancels use, O(orders of the owner).
// The order is the index's (most recently linked first; after a restore,
// reverse load order), not time priority: sort by Seq if that matters. fn
// must not change the book. It does not allocate.
func (b *Book) OwnerOrders(owner OwnerID, fn func(Order) bool) {
	head, ok := b.owners.get(uint64(owner))
	if !ok {
		return
	}
	for oi := head; oi >= 0; oi = b.orders[oi].onext {
		if !fn(b.view(oi)) {
			return
		}
	}
}

// OwnerCount returns the number of live orders of owner (resting or in the
// trigger book), in O(1): the owner index keeps the length of each list.
func (b *Book) OwnerCount(owner OwnerID) int {
	if i := b.owners.find(uint64(owner)); i >= 0 {
		return int(b.owners.aux[i])
	}
	return 0
}

// IterateStops calls fn for each stop order of side s in trigger order: buy
// stops by ascending trigger price, sell stops by descending trigger price,
// acceptance order within a trigger price.
func (b *Book) IterateStops(s Side, fn func(Order) bool) {
	b.iterate(stopLadder(s), fn)
}

func (b *Book) iterate(l int, fn func(Order) bool) {
	ld := &b.lads[l]
	for i := len(ld.lv) - 1; i >= 0; i-- {
		for oi := b.levels[ld.lv[i]].head; oi >= 0; oi = b.orders[oi].next {
			if !fn(b.view(oi)) {
				return
			}
		}
	}
}

// LevelKey names one persisted price level: a resting level (Stop false, at
// a limit price) or a trigger-book level (Stop true, at a trigger price).
type LevelKey struct {
	Stop  bool
	Side  Side
	Price Price
}

func (k LevelKey) ladder() int {
	if k.Stop {
		return stopLadder(k.Side)
	}
	return restingLadder(k.Side)
}

func compareKeys(a, b LevelKey) int {
	switch {
	case a.Stop != b.Stop:
		if !a.Stop {
			return -1
		}
		return 1
	case a.Side != b.Side:
		return int(a.Side) - int(b.Side)
	case a.Price < b.Price:
		return -1
	case a.Price > b.Price:
		return 1
	}
	return 0
}

// DirtyLevels appends to buf, sorted (resting before stop levels, Buy before
// Sell, ascending price) and without duplicates, the key of every level whose
// contents changed since the last Checkpoint. A dirty level may now be empty:
// the keeper then deletes its key. Read the others with LevelOrders.
func (b *Book) DirtyLevels(buf []LevelKey) []LevelKey {
	slices.SortFunc(b.dirty, compareKeys)
	b.dirty = slices.Compact(b.dirty)
	return append(buf, b.dirty...)
}

// Checkpoint forgets the dirty levels (after the keeper persisted them).
func (b *Book) Checkpoint() {
	b.dirty = b.dirty[:0]
	b.epoch++
	if b.epoch == 0 { // wrapped: no level may keep a stale epoch
		for i := range b.levels {
			b.levels[i].dirtyEpoch = 0
		}
		b.epoch = 1
	}
}

// LevelOrders appends the orders of level k to buf in FIFO order (none if
// the level is empty).
func (b *Book) LevelOrders(k LevelKey, buf []Order) []Order {
	if k.Side != Buy && k.Side != Sell {
		return buf
	}
	li := b.lads[k.ladder()].find(k.Price)
	if li < 0 {
		return buf
	}
	for oi := b.levels[li].head; oi >= 0; oi = b.orders[oi].next {
		buf = append(buf, b.view(oi))
	}
	return buf
}

// LevelDelta says how a level changed since the last Checkpoint, so that a
// keeper holding the level's encoding as of that Checkpoint can update it
// without reading the whole level: unless Rewrite, the level now holds the
// old orders less the first HeadRemoved (the first remaining one with
// quantity HeadQty if HeadChanged, the others unchanged), followed by the
// Appended orders LevelTail returns.
type LevelDelta struct {
	// Count is the number of orders in the level now (0: it is gone).
	Count int
	// OldCount is the number of orders it had at the last Checkpoint.
	OldCount    int
	HeadRemoved int
	HeadChanged bool
	HeadQty     Qty
	Appended    int
	// Rewrite is set after any other change (an order removed or reduced
	// behind the head): read the level whole with LevelOrders.
	Rewrite bool
}

// LevelDelta returns how level k changed since the last Checkpoint.
func (b *Book) LevelDelta(k LevelKey) LevelDelta {
	if k.Side != Buy && k.Side != Sell {
		return LevelDelta{}
	}
	li := b.lads[k.ladder()].find(k.Price)
	if li < 0 {
		return LevelDelta{}
	}
	lv := &b.levels[li]
	if lv.dirtyEpoch != b.epoch {
		return LevelDelta{Count: int(lv.count), OldCount: int(lv.count)}
	}
	d := LevelDelta{Count: int(lv.count), OldCount: int(lv.cpCount), HeadRemoved: int(lv.gone),
		Appended: int(lv.added), Rewrite: lv.messy}
	if lv.headQty {
		d.HeadChanged, d.HeadQty = true, b.orders[lv.head].qty
	}
	if d.OldCount-d.HeadRemoved+d.Appended != d.Count {
		d.Rewrite = true // cannot happen; never trust a broken delta
	}
	return d
}

// LevelTail appends the last n orders of level k (fewer if it has fewer) to
// buf in FIFO order.
func (b *Book) LevelTail(k LevelKey, n int, buf []Order) []Order {
	if n <= 0 || (k.Side != Buy && k.Side != Sell) {
		return buf
	}
	li := b.lads[k.ladder()].find(k.Price)
	if li < 0 {
		return buf
	}
	oi := b.levels[li].tail
	for i := 1; i < n && b.orders[oi].prev >= 0; i++ {
		oi = b.orders[oi].prev
	}
	for ; oi >= 0; oi = b.orders[oi].next {
		buf = append(buf, b.view(oi))
	}
	return buf
}

// Meta is the book state beyond its orders that a restart must restore for
// the book to behave exactly as one that never stopped.
type Meta struct {
	// LastSeq is the last time priority assigned.
	LastSeq uint64
	// ExpiredBlock and ExpiredTime are the highest values passed to
	// ExpireUpTo.
	ExpiredBlock, ExpiredTime int64
	// RefPrice is the last reference price reported, if HasRef.
	RefPrice Price
	HasRef   bool
}

// Meta returns the book's meta state, to persist with the levels.
func (b *Book) Meta() Meta {
	return Meta{LastSeq: b.seq, ExpiredBlock: b.expiredBlock, ExpiredTime: b.expiredTime, RefPrice: b.refPrice, HasRef: b.hasRef}
}

// SetMeta restores the meta state after the orders were loaded. LastSeq may
// not be below a loaded order's Seq.
func (b *Book) SetMeta(m Meta) error {
	if m.LastSeq < b.seq {
		return ErrOutOfOrder
	}
	b.seq = m.LastSeq
	b.expiredBlock, b.expiredTime = m.ExpiredBlock, m.ExpiredTime
	b.refPrice, b.hasRef = m.RefPrice, m.HasRef
	return nil
}

// LoadOrder appends a persisted order to the tail of its level; restore a
// book by loading each level's orders in FIFO order (levels in any order),
// then SetMeta, then Checkpoint. It checks the order's fields, that its id is
// new, that Seq increases along the level and that a continuous book does
// not cross. Loading 1M orders takes well under a second (BenchmarkRestore1M).
func (b *Book) LoadOrder(v Order) error {
	stop := v.Type == StopLimit || v.Type == StopMarket
	switch {
	case v.Side != Buy && v.Side != Sell, v.Type > StopMarket, v.TIF > FOK, v.STP > STPDecrement,
		!validPrice(v.Price), !validQty(v.Qty), v.Seq == 0,
		stop && !validPrice(v.TriggerPrice),
		v.PostOnly && (v.TIF == IOC || v.TIF == FOK || v.Type != Limit):
		return ErrInvalidOrder
	}
	ioc := v.Type == Market || v.Type == StopMarket || v.TIF == IOC || v.TIF == FOK
	if ioc && !stop && b.mode == Continuous {
		return ErrInvalidOrder
	}
	if _, ok := b.ids.get(uint64(v.ID)); ok {
		return ErrDuplicateID
	}
	l, key := restingLadder(v.Side), v.Price
	if stop {
		l, key = stopLadder(v.Side), v.TriggerPrice
	}
	if li := b.lads[l].find(key); li >= 0 && b.orders[b.levels[li].tail].seq >= v.Seq {
		return ErrOutOfOrder
	}
	if !stop && b.mode == Continuous && b.wouldCross(v.Side, v.Price) {
		return ErrCrossed
	}
	oi := b.alloc()
	o := &b.orders[oi]
	*o = order{
		id: v.ID, owner: v.Owner, entity: v.Entity, price: v.Price, trigger: v.TriggerPrice, qty: v.Qty,
		seq: v.Seq, side: v.Side, typ: v.Type, tif: v.TIF, stp: v.STP, postOnly: v.PostOnly,
		prev: -1, next: -1, oprev: -1, onext: -1, level: -1, heap: -1, state: stResting,
	}
	if (v.Type == Market || v.Type == StopMarket) && v.TIF != FOK {
		o.tif = IOC
	}
	if stop {
		o.state = stStop
	}
	switch o.tif {
	case GTB:
		o.expiry = v.ExpireBlock
	case GTT:
		o.expiry = v.ExpireTime
	}
	b.ids.put(uint64(o.id), oi)
	b.ownerLink(oi)
	if o.tif == GTB || o.tif == GTT {
		b.heapPush(oi)
	}
	b.appendToLevel(l, key, oi)
	if ioc && !stop {
		b.auctionIOC = append(b.auctionIOC, slotSeq{oi, v.Seq})
	}
	if b.mode == Auction {
		b.crossedOK = true
	}
	if v.Seq > b.seq {
		b.seq = v.Seq
	}
	b.accepted += v.Qty
	return nil
}
