package stream

import (
	"github.com/clearchain/clearchain/stream/types"
)

// A cancel-replace reaches the stream as the old terms' CANCELLED (reason
// "replaced"): the exchange emits no event for the new terms. The hub
// completes it from the block's book writes: right after that CANCELLED it
// inserts a PLACED update (reason "replaced") with the new terms — the
// price the order rests at after the block, and the quantity it was
// accepted with (what rests plus what the new terms filled or had
// cancelled later in the block; when nothing rests, the price of its first
// fill). So the private stream ends each block with the order's remaining
// quantity and price equal to the public book's (TestStreamFillAgainstOld
// OrderAfterReplace in app/stream_test.go).

// noteReplace records that f.orders[len-1] is the CANCELLED of a replace.
func (f *frame) noteReplace() { f.replaces = append(f.replaces, len(f.orders)-1) }

// completeReplaces inserts the PLACED of every replace noted in f, after
// the block's writes were applied, and renumbers the account sequences of
// the frame's updates.
func (h *Hub) completeReplaces(f *frame, touched map[uint64][]levelKey) {
	if len(f.replaces) == 0 {
		return
	}
	out := make([]*types.OrderUpdate, 0, len(f.orders)+len(f.replaces))
	next := 0
	for i, u := range f.orders {
		out = append(out, u)
		if next >= len(f.replaces) || f.replaces[next] != i {
			continue
		}
		next++
		info := h.orders[u.OrderId]
		if info == nil {
			continue // a replace to nothing (cancelled): no new terms
		}
		price, resting, found := h.restingOrder(u.MarketId, u.OrderId, touched[u.MarketId])
		qty := resting
	later:
		for _, l := range f.orders[i+1:] {
			if l.OrderId != u.OrderId {
				continue
			}
			switch l.Event {
			case types.OrderEvent_ORDER_EVENT_PARTIALLY_FILLED, types.OrderEvent_ORDER_EVENT_FILLED:
				qty += l.Quantity
				if !found && price == 0 {
					price = l.FillPrice
				}
			case types.OrderEvent_ORDER_EVENT_CANCELLED, types.OrderEvent_ORDER_EVENT_EXPIRED:
				if l.Reason == reasonReplaced {
					break later // replaced again this block: those are its next terms
				}
				qty += l.Quantity
			}
		}
		if qty == 0 {
			continue
		}
		info.price, info.remaining, info.resting = price, resting, found
		out = append(out, &types.OrderUpdate{Account: u.Account, Event: types.OrderEvent_ORDER_EVENT_PLACED,
			OrderId: u.OrderId, MarketId: u.MarketId, ClientOrderId: info.clientID, Side: info.side, Price: price,
			Quantity: qty, Remaining: qty, Reason: reasonReplaced, ReasonCode: ReasonCode(reasonReplaced), Height: f.height})
	}
	// Renumber: each account's updates in the frame follow on from its
	// first one's previous sequence.
	last := map[string]uint64{}
	for _, u := range out {
		prev, ok := last[u.Account]
		if !ok {
			prev = u.PrevAccountSeq
		}
		u.PrevAccountSeq, u.AccountSeq = prev, prev+1
		last[u.Account] = prev + 1
	}
	for acc, seq := range last {
		h.accSeq[acc] = seq
	}
	f.orders = out
}

// restingOrder finds order id in market m's levels touched this block.
func (h *Hub) restingOrder(m, id uint64, keys []levelKey) (price int64, qty uint64, ok bool) {
	bk := h.books[m]
	if bk == nil {
		return 0, 0, false
	}
	for _, k := range keys {
		lv := bk.levels[k]
		if lv == nil {
			continue
		}
		for _, o := range lv.Orders {
			if o.OrderId == id {
				return lv.Price, o.Quantity, true
			}
		}
	}
	return 0, 0, false
}
