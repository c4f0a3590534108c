package stream

import (
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/clearchain/clearchain/stream/types"
)

// Event types the hub reads. The exchange's typed events carry proto-JSON
// values (strings quoted); the fill event is plain.
const (
	evPlaced        = "clearchain.exchange.v1.EventOrderPlaced"
	evCancelled     = "clearchain.exchange.v1.EventOrderCancelled"
	evExpired       = "clearchain.exchange.v1.EventOrderExpired"
	evTriggered     = "clearchain.exchange.v1.EventOrderTriggered"
	evRejected      = "clearchain.exchange.v1.EventOrderRejected"
	evHalted        = "clearchain.exchange.v1.EventMarketHalted"
	evResumed       = "clearchain.exchange.v1.EventMarketResumed"
	evFill          = "exchange_fill"
	evPriceUpdated  = "clearchain.oracle.v1.EventPriceUpdated"
	reasonReplaced  = "replaced"
	statusHalted    = "HALTED"
	statusResumed   = "RESUMED"
	causeBreaker    = "circuit-breaker"
	attrOrderID     = "order_id"
	attrMarketID    = "market_id"
	attrOwner       = "owner"
	attrQuantity    = "quantity"
	attrReason      = "reason"
	attrRemaining   = "remaining"
	attrPrice       = "price"
	attrClientOrder = "client_order_id"
)

// attrs reads an event's attributes, unquoting proto-JSON strings.
type attrs []abci.EventAttribute

func (a attrs) str(key string) string {
	for _, x := range a {
		if x.Key == key {
			v := x.Value
			if len(v) >= 2 && v[0] == '"' {
				if u, err := strconv.Unquote(v); err == nil {
					return u
				}
				return strings.Trim(v, `"`)
			}
			return v
		}
	}
	return ""
}

func (a attrs) u64(key string) uint64 {
	v, _ := strconv.ParseUint(a.str(key), 10, 64)
	return v
}

func (a attrs) i64(key string) int64 {
	v, _ := strconv.ParseInt(a.str(key), 10, 64)
	return v
}

// applyEvents turns the block's exchange and oracle events into order
// updates, prices and market statuses.
func (h *Hub) applyEvents(b *Block, f *frame) {
	for i := range b.Events {
		ev := &b.Events[i]
		a := attrs(ev.Attributes)
		switch ev.Type {
		case evPlaced:
			id := a.u64(attrOrderID)
			info := &orderInfo{owner: a.str(attrOwner), clientID: a.str(attrClientOrder), market: a.u64(attrMarketID),
				side: a.str("side"), price: a.i64(attrPrice), remaining: a.u64(attrQuantity), lastHeight: b.Height}
			if old := h.orders[id]; old != nil {
				info.resting = old.resting // a modify re-queues a resting order
			}
			h.orders[id] = info
			h.orderUpdate(f, info, id, types.OrderEvent_ORDER_EVENT_PLACED, a.u64(attrQuantity), "")
		case evCancelled:
			id := a.u64(attrOrderID)
			info := h.info(id, a)
			reason := a.str(attrReason)
			info.remaining = a.u64(attrRemaining)
			h.orderUpdate(f, info, id, types.OrderEvent_ORDER_EVENT_CANCELLED, a.u64(attrQuantity), reason)
			if reason == reasonReplaced {
				f.noteReplace()
			}
			if info.remaining == 0 && reason != reasonReplaced {
				delete(h.orders, id)
			}
		case evExpired:
			id := a.u64(attrOrderID)
			info := h.info(id, a)
			info.remaining = 0
			h.orderUpdate(f, info, id, types.OrderEvent_ORDER_EVENT_EXPIRED, a.u64(attrQuantity), "expired")
			delete(h.orders, id)
		case evTriggered:
			id := a.u64(attrOrderID)
			info := h.info(id, a)
			h.orderUpdate(f, info, id, types.OrderEvent_ORDER_EVENT_TRIGGERED, 0, "")
		case evRejected:
			id := a.u64(attrOrderID)
			info := h.info(id, a)
			info.remaining = 0
			h.orderUpdate(f, info, id, types.OrderEvent_ORDER_EVENT_REJECTED, 0, a.str(attrReason))
			delete(h.orders, id)
		case evFill:
			h.fill(f, a)
		case evPriceUpdated:
			f.prices = append(f.prices, &types.OraclePrice{FeedId: a.str("feed_id"), Price: a.i64(attrPrice),
				PreviousPrice: a.i64("previous_price"), Height: b.Height})
		case evHalted:
			f.markets = append(f.markets, &types.MarketStatus{MarketId: a.u64(attrMarketID), Status: statusHalted,
				Cause: a.str("cause"), UntilHeight: a.i64("until_height")})
		case evResumed:
			f.markets = append(f.markets, &types.MarketStatus{MarketId: a.u64(attrMarketID), Status: statusResumed,
				Cause: causeBreaker})
		}
	}
}

// info returns the index entry of order id, creating it from the event's
// attributes when the order is unknown (placed before the hub loaded).
func (h *Hub) info(id uint64, a attrs) *orderInfo {
	info := h.orders[id]
	if info == nil {
		info = &orderInfo{owner: a.str(attrOwner), market: a.u64(attrMarketID)}
		h.orders[id] = info
	}
	if cid := a.str(attrClientOrder); cid != "" {
		info.clientID = cid // events that carry it (x/exchange's order API)
	}
	return info
}

func (h *Hub) fill(f *frame, a attrs) {
	price, qty := a.i64("price"), a.u64("qty")
	taker, maker := a.u64("taker_order"), a.u64("maker_order")
	market := a.u64("market")
	side := func(id uint64, owner string, isMaker bool, counter uint64, prefix string) {
		info := h.orders[id]
		if info == nil {
			info = &orderInfo{owner: owner, market: market}
			h.orders[id] = info
		}
		if info.owner == "" {
			info.owner = owner
		}
		if info.side == "" {
			info.side = a.str("taker_side")
			if isMaker {
				info.side = opposite(info.side)
			}
		}
		if cid := a.str(prefix + "_client_id"); cid != "" {
			info.clientID = cid
		}
		// The fill event's remaining quantity when it carries one, else
		// the index's count down.
		if rem := a.str(prefix + "_remaining"); rem != "" {
			info.remaining = a.u64(prefix + "_remaining")
		} else {
			info.remaining -= min(qty, info.remaining)
		}
		ev := types.OrderEvent_ORDER_EVENT_PARTIALLY_FILLED
		if info.remaining == 0 {
			ev = types.OrderEvent_ORDER_EVENT_FILLED
		}
		u := h.orderUpdate(f, info, id, ev, qty, "")
		u.FillPrice, u.CounterOrderId, u.Maker = price, counter, isMaker
		if ev == types.OrderEvent_ORDER_EVENT_FILLED {
			delete(h.orders, id)
		}
	}
	side(taker, a.str("taker"), false, maker, "taker")
	side(maker, a.str("maker"), true, taker, "maker")
}

func (h *Hub) orderUpdate(f *frame, info *orderInfo, id uint64, ev types.OrderEvent, qty uint64, reason string) *types.OrderUpdate {
	info.lastHeight = f.height
	prev := h.accSeq[info.owner]
	h.accSeq[info.owner] = prev + 1
	u := &types.OrderUpdate{Account: info.owner, AccountSeq: prev + 1, PrevAccountSeq: prev, Event: ev, OrderId: id,
		MarketId: info.market, ClientOrderId: info.clientID, Side: info.side, Price: info.price, Quantity: qty,
		Remaining: info.remaining, Reason: reason, ReasonCode: ReasonCode(reason), Height: f.height}
	f.orders = append(f.orders, u)
	return u
}

func opposite(side string) string {
	switch side {
	case "SIDE_BUY":
		return "SIDE_SELL"
	case "SIDE_SELL":
		return "SIDE_BUY"
	}
	return side
}
