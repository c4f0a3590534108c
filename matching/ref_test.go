package matching

import (
	"sort"
)

// refBook is the obviously-correct reference for the differential test: every
// live order in one slice, and every question answered by filtering and
// sorting that slice from scratch. It shares no code with Book.
type refBook struct {
	mode         Mode
	live         []*refOrder
	seq          uint64
	expBlock     int64
	expTime      int64
	out          []Event
	crossedOK    bool
	auctionOrder []*refOrder // IOC/market orders waiting for the auction
	// bandLo, bandHi: the price band (off when bandLo is 0).
	bandLo, bandHi Price
}

func (r *refBook) outBand(p Price) bool {
	return r.bandLo != 0 && (p < r.bandLo || p > r.bandHi)
}

type refOrder struct {
	Order
	stop bool
}

func (r *refBook) emit(e Event) { r.out = append(r.out, e) }

func (r *refBook) find(id OrderID) *refOrder {
	for _, o := range r.live {
		if o.ID == id {
			return o
		}
	}
	return nil
}

func (r *refBook) drop(o *refOrder) {
	for i, x := range r.live {
		if x == o {
			r.live = append(r.live[:i], r.live[i+1:]...)
			return
		}
	}
	panic("drop of a dead order")
}

// side returns the resting orders of side s in priority order.
func (r *refBook) side(s Side) []*refOrder {
	var v []*refOrder
	for _, o := range r.live {
		if !o.stop && o.Side == s {
			v = append(v, o)
		}
	}
	sort.Slice(v, func(i, j int) bool {
		if v[i].Price != v[j].Price {
			if s == Buy {
				return v[i].Price > v[j].Price
			}
			return v[i].Price < v[j].Price
		}
		return v[i].Seq < v[j].Seq
	})
	return v
}

func refCrosses(s Side, lim, p Price) bool {
	if s == Buy {
		return p <= lim
	}
	return p >= lim
}

func (r *refBook) apply(c Command) {
	switch c.Kind {
	case CmdPlace:
		r.place(c)
	case CmdCancel:
		o := r.find(c.ID)
		switch {
		case o == nil:
			r.rej(c, ReasonUnknownOrder)
		case o.Owner != c.Owner:
			r.rej(c, ReasonNotOwner)
		default:
			r.cancel(o, ReasonCancelled)
		}
	case CmdModify:
		r.modify(c)
	case CmdMassCancel:
		var v []*refOrder
		for _, o := range r.live {
			if o.Owner == c.Owner && (c.Side == SideNone || o.Side == c.Side) {
				v = append(v, o)
			}
		}
		sort.Slice(v, func(i, j int) bool { return v[i].Seq < v[j].Seq })
		for _, o := range v {
			r.cancel(o, ReasonMassCancel)
		}
	case CmdExpire:
		r.expire(c.ExpireBlock, c.ExpireTime)
	case CmdReferencePrice:
		r.reference(c.Price)
	default:
		r.rej(c, ReasonInvalidCommand)
	}
}

func (r *refBook) rej(c Command, why Reason) {
	r.emit(Event{Kind: EvRejected, Reason: why, OrderID: c.ID, Owner: c.Owner, Entity: c.Entity, Side: c.Side})
}

func (r *refBook) cancel(o *refOrder, why Reason) {
	r.emit(Event{Kind: EvCancelled, Reason: why, OrderID: o.ID, Owner: o.Owner, Entity: o.Entity, Side: o.Side, Price: o.Price, Qty: o.Qty})
	r.drop(o)
}

// reduce cancels q of o; all of it when q >= o.Qty.
func (r *refBook) reduce(o *refOrder, q Qty, why Reason) {
	if q >= o.Qty {
		r.cancel(o, why)
		return
	}
	o.Qty -= q
	r.emit(Event{Kind: EvCancelled, Reason: why, OrderID: o.ID, Owner: o.Owner, Entity: o.Entity, Side: o.Side, Price: o.Price, Qty: q, Remaining: o.Qty})
}

func (r *refBook) place(c Command) {
	market := c.Type == Market || c.Type == StopMarket
	stop := c.Type == StopLimit || c.Type == StopMarket
	var why Reason
	switch {
	case c.Side != Buy && c.Side != Sell:
		why = ReasonInvalidSide
	case c.Type > StopMarket:
		why = ReasonInvalidType
	case c.TIF > FOK:
		why = ReasonInvalidTIF
	case c.STP > STPDecrement:
		why = ReasonInvalidSTP
	case c.Price < 1 || c.Price > MaxPrice:
		why = ReasonInvalidPrice
	case stop && (c.TriggerPrice < 1 || c.TriggerPrice > MaxPrice):
		why = ReasonInvalidPrice
	case c.Qty < 1 || c.Qty > MaxQty:
		why = ReasonInvalidQty
	case c.PostOnly && (market || stop || c.TIF == IOC || c.TIF == FOK):
		why = ReasonInvalidFlags
	case market && (c.TIF == GTB || c.TIF == GTT):
		why = ReasonInvalidTIF
	case r.mode == Auction && (c.PostOnly || c.TIF == FOK):
		why = ReasonNotInAuction
	case !market && c.TIF == GTB && c.ExpireBlock <= r.expBlock:
		why = ReasonAlreadyExpired
	case !market && c.TIF == GTT && c.ExpireTime <= r.expTime:
		why = ReasonAlreadyExpired
	case r.find(c.ID) != nil:
		why = ReasonDuplicateID
	}
	if why != ReasonNone {
		r.rej(c, why)
		return
	}
	o := &refOrder{Order: Order{ID: c.ID, Owner: c.Owner, Entity: c.Entity, Side: c.Side, Type: c.Type, TIF: c.TIF,
		STP: c.STP, PostOnly: c.PostOnly, Price: c.Price, TriggerPrice: c.TriggerPrice, Qty: c.Qty}, stop: stop}
	if market && o.TIF != FOK {
		o.TIF = IOC
	}
	if o.TIF == GTB {
		o.ExpireBlock = c.ExpireBlock
	}
	if o.TIF == GTT {
		o.ExpireTime = c.ExpireTime
	}
	if r.mode == Continuous && !stop {
		opp := r.side(o.Side.Opposite())
		if o.PostOnly && len(opp) > 0 && refCrosses(o.Side, o.Price, opp[0].Price) {
			r.rej(c, ReasonWouldCross)
			return
		}
		if o.TIF == FOK && !r.fokOK(o) {
			r.rej(c, ReasonFOKUnfillable)
			return
		}
	}
	r.seq++
	o.Seq = r.seq
	r.live = append(r.live, o)
	r.emit(Event{Kind: EvAccepted, OrderID: o.ID, Owner: o.Owner, Entity: o.Entity, Side: o.Side, Price: o.Price, Qty: o.Qty})
	if stop {
		return
	}
	r.process(o)
}

func (r *refBook) fokOK(t *refOrder) bool {
	var sum Qty
	for _, m := range r.side(t.Side.Opposite()) {
		if !refCrosses(t.Side, t.Price, m.Price) || r.outBand(m.Price) {
			return false
		}
		if m.Entity == t.Entity {
			if t.STP == STPCancelOldest {
				continue
			}
			return false
		}
		sum += m.Qty
		if sum >= t.Qty {
			return true
		}
	}
	return false
}

// process handles o, already live and announced, as a taker.
func (r *refBook) process(o *refOrder) {
	if r.mode == Auction {
		r.crossedOK = true
		if o.Type == Market || o.TIF == IOC || o.TIF == FOK {
			r.auctionOrder = append(r.auctionOrder, o)
		}
		r.emit(Event{Kind: EvRested, OrderID: o.ID, Owner: o.Owner, Entity: o.Entity, Side: o.Side, Price: o.Price, Qty: o.Qty})
		return
	}
	banded := false
	for o.Qty > 0 {
		opp := r.side(o.Side.Opposite())
		if len(opp) == 0 || !refCrosses(o.Side, o.Price, opp[0].Price) {
			break
		}
		if r.outBand(opp[0].Price) {
			banded = true
			break
		}
		m := opp[0]
		if m.Entity == o.Entity {
			if !r.stp(o, m) {
				return
			}
			continue
		}
		q := min(o.Qty, m.Qty)
		o.Qty -= q
		m.Qty -= q
		r.emit(Event{Kind: EvFill, OrderID: o.ID, Owner: o.Owner, Entity: o.Entity, Side: o.Side, MakerID: m.ID, MakerOwner: m.Owner, MakerEntity: m.Entity,
			Limit: o.Price, MakerLimit: m.Price, Price: m.Price, Qty: q, Remaining: o.Qty, MakerRemaining: m.Qty})
		if m.Qty == 0 {
			r.drop(m)
		}
	}
	if o.Qty == 0 {
		r.drop(o)
		return
	}
	if banded {
		r.cancel(o, ReasonBand)
		return
	}
	if o.Type == Market || o.TIF == IOC || o.TIF == FOK {
		r.cancel(o, ReasonUnfilled)
		return
	}
	r.emit(Event{Kind: EvRested, OrderID: o.ID, Owner: o.Owner, Entity: o.Entity, Side: o.Side, Price: o.Price, Qty: o.Qty})
}

// stp applies taker t's mode against maker m; false if t is gone.
func (r *refBook) stp(t, m *refOrder) bool {
	switch t.STP {
	case STPCancelOldest:
		r.cancel(m, ReasonSelfTrade)
		return true
	case STPCancelBoth:
		r.cancel(m, ReasonSelfTrade)
		r.cancel(t, ReasonSelfTrade)
		return false
	case STPDecrement:
		tq := t.Qty
		q := min(t.Qty, m.Qty)
		r.reduce(m, q, ReasonSelfTrade)
		r.reduce(t, q, ReasonSelfTrade)
		return q < tq
	}
	r.cancel(t, ReasonSelfTrade)
	return false
}

func (r *refBook) modify(c Command) {
	o := r.find(c.ID)
	switch {
	case o == nil:
		r.rej(c, ReasonUnknownOrder)
		return
	case o.Owner != c.Owner:
		r.rej(c, ReasonNotOwner)
		return
	case o.stop:
		r.rej(c, ReasonStopNotModifiable)
		return
	case c.Price < 1 || c.Price > MaxPrice:
		r.rej(c, ReasonInvalidPrice)
		return
	case c.Qty < 1 || c.Qty > MaxQty:
		r.rej(c, ReasonInvalidQty)
		return
	case c.Price == o.Price && c.Qty == o.Qty:
		r.rej(c, ReasonNoChange)
		return
	case c.Price == o.Price && c.Qty < o.Qty:
		r.reduce(o, o.Qty-c.Qty, ReasonReduced)
		return
	}
	if o.PostOnly && r.mode == Continuous {
		opp := r.side(o.Side.Opposite())
		if len(opp) > 0 && refCrosses(o.Side, c.Price, opp[0].Price) {
			r.rej(c, ReasonWouldCross)
			return
		}
	}
	r.emit(Event{Kind: EvCancelled, Reason: ReasonReplaced, OrderID: o.ID, Owner: o.Owner, Entity: o.Entity, Side: o.Side, Price: o.Price, Qty: o.Qty})
	o.Price, o.Qty = c.Price, c.Qty
	r.seq++
	o.Seq = r.seq
	r.emit(Event{Kind: EvAccepted, OrderID: o.ID, Owner: o.Owner, Entity: o.Entity, Side: o.Side, Price: o.Price, Qty: o.Qty})
	r.process(o)
}

func (r *refBook) expire(block, t int64) {
	r.expBlock = max(r.expBlock, block)
	r.expTime = max(r.expTime, t)
	for pass := 0; pass < 2; pass++ {
		var v []*refOrder
		for _, o := range r.live {
			if (pass == 0 && o.TIF == GTB && o.ExpireBlock <= block) || (pass == 1 && o.TIF == GTT && o.ExpireTime <= t) {
				v = append(v, o)
			}
		}
		sort.Slice(v, func(i, j int) bool {
			ki, kj := v[i].ExpireBlock+v[i].ExpireTime, v[j].ExpireBlock+v[j].ExpireTime
			if ki != kj {
				return ki < kj
			}
			return v[i].Seq < v[j].Seq
		})
		for _, o := range v {
			r.emit(Event{Kind: EvExpired, OrderID: o.ID, Owner: o.Owner, Entity: o.Entity, Side: o.Side, Price: o.Price, Qty: o.Qty})
			r.drop(o)
		}
	}
}

func (r *refBook) reference(p Price) {
	if p < 1 || p > MaxPrice {
		r.emit(Event{Kind: EvRejected, Reason: ReasonInvalidPrice})
		return
	}
	var buys, sells []*refOrder
	for _, o := range r.live {
		if o.stop && o.Side == Buy && o.TriggerPrice <= p {
			buys = append(buys, o)
		}
		if o.stop && o.Side == Sell && o.TriggerPrice >= p {
			sells = append(sells, o)
		}
	}
	sort.Slice(buys, func(i, j int) bool {
		if buys[i].TriggerPrice != buys[j].TriggerPrice {
			return buys[i].TriggerPrice < buys[j].TriggerPrice
		}
		return buys[i].Seq < buys[j].Seq
	})
	sort.Slice(sells, func(i, j int) bool {
		if sells[i].TriggerPrice != sells[j].TriggerPrice {
			return sells[i].TriggerPrice > sells[j].TriggerPrice
		}
		return sells[i].Seq < sells[j].Seq
	})
	for _, o := range append(buys, sells...) {
		o.stop = false
		if o.Type == StopLimit {
			o.Type = Limit
		} else {
			o.Type = Market
		}
		r.seq++
		o.Seq = r.seq
		r.emit(Event{Kind: EvTriggered, OrderID: o.ID, Owner: o.Owner, Entity: o.Entity, Side: o.Side, Price: o.Price, Qty: o.Qty})
		if r.mode == Continuous && o.TIF == FOK && !r.fokOK(o) {
			r.cancel(o, ReasonFOKUnfillable)
			continue
		}
		r.process(o)
	}
}

// auction brute-forces the clearing price over every integer price between
// the lowest and highest resting price.
func (r *refBook) auction(ref Price) {
	for {
		bids, asks := r.side(Buy), r.side(Sell)
		if len(bids) == 0 || len(asks) == 0 || bids[0].Price < asks[0].Price {
			break
		}
		var bestP Price
		var bestV Qty
		var bestImb, bestDst uint64
		lo, hi := asks[0].Price, bids[0].Price
		for p := lo; p <= hi; p++ {
			var d, s Qty
			for _, o := range bids {
				if o.Price >= p {
					d += o.Qty
				}
			}
			for _, o := range asks {
				if o.Price <= p {
					s += o.Qty
				}
			}
			v := min(d, s)
			imb := uint64(max(d, s) - min(d, s))
			dst := uint64(max(p, ref) - min(p, ref))
			better := v > bestV || (v == bestV && (imb < bestImb || (imb == bestImb && dst < bestDst)))
			if v > 0 && better {
				bestP, bestV, bestImb, bestDst = p, v, imb, dst
			}
		}
		for {
			bids, asks = r.side(Buy), r.side(Sell)
			if len(bids) == 0 || len(asks) == 0 || bids[0].Price < bestP || asks[0].Price > bestP {
				break
			}
			t, m := bids[0], asks[0]
			if t.Seq < m.Seq {
				t, m = m, t
			}
			if t.Entity == m.Entity {
				r.stp(t, m)
				continue
			}
			q := min(t.Qty, m.Qty)
			t.Qty -= q
			m.Qty -= q
			r.emit(Event{Kind: EvFill, OrderID: t.ID, Owner: t.Owner, Entity: t.Entity, Side: t.Side, MakerID: m.ID, MakerOwner: m.Owner, MakerEntity: m.Entity,
				Limit: t.Price, MakerLimit: m.Price, Price: bestP, Qty: q, Remaining: t.Qty, MakerRemaining: m.Qty})
			if m.Qty == 0 {
				r.drop(m)
			}
			if t.Qty == 0 {
				r.drop(t)
			}
		}
		bids, asks = r.side(Buy), r.side(Sell)
		if len(bids) == 0 || len(asks) == 0 || bids[0].Price < asks[0].Price {
			break
		}
	}
	r.leftovers()
	r.crossedOK = false
}

func (r *refBook) leftovers() {
	var v []*refOrder
	for _, o := range r.auctionOrder {
		if r.find(o.ID) == o && !o.stop && !containsRef(v, o) {
			v = append(v, o)
		}
	}
	sort.Slice(v, func(i, j int) bool { return v[i].Seq < v[j].Seq })
	for _, o := range v {
		r.cancel(o, ReasonUnfilled)
	}
	r.auctionOrder = nil
}

// orders returns the resting orders of side s in priority order, as values.
func (r *refBook) orders(s Side) []Order {
	var v []Order
	for _, o := range r.side(s) {
		v = append(v, o.Order)
	}
	return v
}

// stops returns the stop orders of side s in trigger order.
func (r *refBook) stops(s Side) []Order {
	var v []*refOrder
	for _, o := range r.live {
		if o.stop && o.Side == s {
			v = append(v, o)
		}
	}
	sort.Slice(v, func(i, j int) bool {
		if v[i].TriggerPrice != v[j].TriggerPrice {
			if s == Buy {
				return v[i].TriggerPrice < v[j].TriggerPrice
			}
			return v[i].TriggerPrice > v[j].TriggerPrice
		}
		return v[i].Seq < v[j].Seq
	})
	var out []Order
	for _, o := range v {
		out = append(out, o.Order)
	}
	return out
}

func containsRef(v []*refOrder, o *refOrder) bool {
	for _, x := range v {
		if x == o {
			return true
		}
	}
	return false
}
