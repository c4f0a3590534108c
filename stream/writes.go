package stream

import (
	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/stream/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

var levelKeyCodec = collections.TripleKeyCodec(collections.Uint64Key, collections.Uint32Key, collections.Int64Key)

// applyWrites applies exchange store writes to the mirror: price levels
// (bids and asks become book levels; every level, stops included, feeds the
// order index), owner addresses and markets. It returns the touched book
// levels per market and appends market status changes to statuses.
func (h *Hub) applyWrites(writes []KV, seq uint64, statuses *[]types.MarketStatus) map[uint64][]levelKey {
	touched := map[uint64][]levelKey{}
	seen := map[uint64]map[levelKey]bool{}
	// Owner addresses first: a block may create an owner and its level.
	for _, w := range writes {
		if len(w.Key) == 9 && w.Key[0] == exchangetypes.OwnerAddrsKey[0] && !w.Delete {
			_, id, err := collections.Uint64Key.Decode(w.Key[1:])
			if err == nil {
				h.owners[id] = sdk.AccAddress(w.Value).String()
			}
		}
	}
	for _, w := range writes {
		if len(w.Key) == 0 {
			continue
		}
		switch w.Key[0] {
		case exchangetypes.MarketsKey[0]:
			h.applyMarket(w, statuses)
		case exchangetypes.LevelsKey[0]:
			_, k, err := levelKeyCodec.Decode(w.Key[1:])
			if err != nil {
				h.log.Error("stream: undecodable level key", "key", w.Key, "err", err)
				continue
			}
			m, lk, ok := h.applyLevel(k, w, seq)
			if !ok {
				continue
			}
			if seen[m] == nil {
				seen[m] = map[levelKey]bool{}
			}
			if !seen[m][lk] {
				seen[m][lk] = true
				touched[m] = append(touched[m], lk)
			}
		}
	}
	return touched
}

func (h *Hub) bookOf(m uint64, seq uint64) *book {
	bk := h.books[m]
	if bk == nil {
		bk = &book{levels: map[levelKey]*types.BookLevel{}}
		h.books[m] = bk
	}
	return bk
}

func (h *Hub) applyMarket(w KV, statuses *[]types.MarketStatus) {
	_, id, err := collections.Uint64Key.Decode(w.Key[1:])
	if err != nil || w.Delete {
		return
	}
	var mk exchangetypes.Market
	if err := mk.Unmarshal(w.Value); err != nil {
		h.log.Error("stream: undecodable market", "market", id, "err", err)
		return
	}
	st := mk.Status.String()
	if old, ok := h.statuses[id]; !ok || old != st {
		h.statuses[id] = st
		if statuses != nil {
			*statuses = append(*statuses, types.MarketStatus{MarketId: id, Status: st})
		}
	}
	h.bookOf(id, 0)
}

// applyLevel replaces one stored level. It returns the market and book
// level key when the level is a bid or ask level.
//
// A level is written whole (every order at the price, in FIFO order) each
// block it changes, while a block changes only a few of its orders: orders
// join at the back, fill or leave from the front, a cancel takes one out.
// So the new orders are walked beside the stored level's, both in queue
// (seq) order, and an order present in both with the same terms keeps its
// stored *BookOrder (stored levels are never mutated, so sharing is safe).
// Building every order anew, through a fresh slice and a set of the new
// ids, was 18% of the node's allocations at 10,000 orders/s
// (docs/benchmarks.md, "Node throughput, stop 25"). Which stored orders left is
// decided by a mark each new order's index entry gets, so the result does
// not depend on the walk matching (TestApplyLevelMatchesRebuild).
func (h *Hub) applyLevel(k collections.Triple[uint64, uint32, int64], w KV, seq uint64) (uint64, levelKey, bool) {
	m, kind, price := k.K1(), k.K2(), k.K3()
	orders := h.levelScratch[:0]
	if !w.Delete {
		err := exchangetypes.DecodeLevel(w.Value, func(o *exchangetypes.LevelOrder) error {
			orders = append(orders, *o)
			return nil
		})
		if err != nil {
			h.log.Error("stream: undecodable level", "market", m, "kind", kind, "price", price, "err", err)
			return 0, levelKey{}, false
		}
	}
	defer func() { clear(orders); h.levelScratch = orders[:0] }()
	var side types.BookSide
	switch kind {
	case exchangetypes.LevelBid:
		side = types.BookSide_BOOK_SIDE_BID
	case exchangetypes.LevelAsk:
		side = types.BookSide_BOOK_SIDE_ASK
	}
	bk := h.bookOf(m, seq)
	lk := levelKey{side: side, price: price}
	// The order index: orders no longer in the level stop resting.
	var old []*types.BookOrder
	if side != types.BookSide_BOOK_SIDE_UNSPECIFIED {
		if lv := bk.levels[lk]; lv != nil {
			old = lv.Orders
		}
	}
	var lv *types.BookLevel
	if len(orders) > 0 && side != types.BookSide_BOOK_SIDE_UNSPECIFIED {
		lv = &types.BookLevel{Side: side, Price: price, OrderCount: uint32(len(orders)),
			Orders: make([]*types.BookOrder, 0, len(orders))}
	}
	h.levelMark++
	mark := h.levelMark
	unmatched := h.unmatchedScratch[:0] // stored orders the walk did not match
	j := 0
	for i := range orders {
		o := &orders[i]
		var same *types.BookOrder
		for j < len(old) && old[j].Seq < o.Seq {
			unmatched = append(unmatched, old[j])
			j++
		}
		if j < len(old) && old[j].Seq == o.Seq && old[j].OrderId == o.Id {
			same = old[j]
			j++
		}
		owner := h.owners[o.OwnerId]
		info := h.orders[o.Id]
		if info == nil {
			info = &orderInfo{}
			h.orders[o.Id] = info
		}
		info.owner, info.clientID, info.market, info.side = owner, o.ClientOrderId, m, o.Side.String()
		info.price, info.remaining, info.resting, info.lastHeight = o.Price, o.Quantity, true, h.height
		info.levelMark = mark
		if lv != nil {
			lv.Quantity += o.Quantity
			if same == nil || same.MarketId != m || same.Owner != owner || same.Side != side || same.Price != o.Price ||
				same.Quantity != o.Quantity || same.ClientOrderId != o.ClientOrderId {
				same = &types.BookOrder{OrderId: o.Id, MarketId: m, Owner: owner, Side: side,
					Price: o.Price, Quantity: o.Quantity, ClientOrderId: o.ClientOrderId, Seq: o.Seq}
			}
			lv.Orders = append(lv.Orders, same)
		}
	}
	unmatched = append(unmatched, old[j:]...)
	for _, o := range unmatched {
		if info := h.orders[o.OrderId]; info != nil && info.levelMark != mark && info.market == m && info.price == price {
			info.resting = false
		}
	}
	clear(unmatched)
	h.unmatchedScratch = unmatched[:0]
	if side == types.BookSide_BOOK_SIDE_UNSPECIFIED {
		return 0, levelKey{}, false // a stop level: not part of the public book
	}
	if lv == nil {
		delete(bk.levels, lk)
	} else {
		bk.levels[lk] = lv
	}
	return m, lk, true
}
