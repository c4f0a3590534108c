package client

import (
	"sort"
	"sync"

	"github.com/clearchain/clearchain/stream/types"
)

// OrderState is an order's state as the private stream reports it.
type OrderState struct {
	OrderID       uint64
	MarketID      uint64
	ClientOrderID string
	Account       string
	Side          string
	Price         int64
	Remaining     uint64
	Filled        uint64
	// Last is the last event; Open is false after a terminal event.
	Last       types.OrderEvent
	Open       bool
	Reason     string
	ReasonCode int32
}

// Tracker keeps the subscribed accounts' orders, keyed by client order id
// (and order id), reconciled from the stream: a snapshot replaces every
// open order, updates move them along.
type Tracker struct {
	mu       sync.Mutex
	byID     map[uint64]*OrderState
	byClient map[string]*OrderState
}

// NewTracker returns an empty tracker.
func NewTracker() *Tracker {
	return &Tracker{byID: map[uint64]*OrderState{}, byClient: map[string]*OrderState{}}
}

func ckey(account, cid string) string { return account + "/" + cid }

func (t *Tracker) reset(orders []*types.BookOrder) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byID, t.byClient = map[uint64]*OrderState{}, map[string]*OrderState{}
	for _, o := range orders {
		side := "SIDE_BUY"
		if o.Side == types.BookSide_BOOK_SIDE_ASK {
			side = "SIDE_SELL"
		}
		s := &OrderState{OrderID: o.OrderId, MarketID: o.MarketId, ClientOrderID: o.ClientOrderId, Account: o.Owner,
			Side: side, Price: o.Price, Remaining: o.Quantity, Open: true, Last: types.OrderEvent_ORDER_EVENT_PLACED}
		t.byID[o.OrderId] = s
		if o.ClientOrderId != "" {
			t.byClient[ckey(o.Owner, o.ClientOrderId)] = s
		}
	}
}

func (t *Tracker) apply(u *types.OrderUpdate) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.byID[u.OrderId]
	if s == nil {
		s = &OrderState{OrderID: u.OrderId, MarketID: u.MarketId, Account: u.Account}
		t.byID[u.OrderId] = s
	}
	if u.ClientOrderId != "" {
		s.ClientOrderID = u.ClientOrderId
		t.byClient[ckey(u.Account, u.ClientOrderId)] = s
	}
	if u.Side != "" {
		s.Side = u.Side
	}
	if u.Price != 0 {
		s.Price = u.Price
	}
	s.Last, s.Remaining, s.Reason, s.ReasonCode = u.Event, u.Remaining, u.Reason, u.ReasonCode
	switch u.Event {
	case types.OrderEvent_ORDER_EVENT_PARTIALLY_FILLED, types.OrderEvent_ORDER_EVENT_FILLED:
		s.Filled += u.Quantity
	}
	switch u.Event {
	case types.OrderEvent_ORDER_EVENT_FILLED, types.OrderEvent_ORDER_EVENT_EXPIRED, types.OrderEvent_ORDER_EVENT_REJECTED:
		s.Open = false
	case types.OrderEvent_ORDER_EVENT_CANCELLED:
		s.Open = u.Remaining > 0 || u.Reason == "replaced"
	default:
		s.Open = true
	}
}

// ByClientID returns the order account placed with client order id cid.
func (t *Tracker) ByClientID(account, cid string) (OrderState, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.byClient[ckey(account, cid)]
	if s == nil {
		return OrderState{}, false
	}
	return *s, true
}

// ByID returns an order by its chain id.
func (t *Tracker) ByID(id uint64) (OrderState, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.byID[id]
	if s == nil {
		return OrderState{}, false
	}
	return *s, true
}

// Open returns the open orders, by order id.
func (t *Tracker) Open() []OrderState {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []OrderState
	for _, s := range t.byID {
		if s.Open {
			out = append(out, *s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrderID < out[j].OrderID })
	return out
}
