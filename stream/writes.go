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
func (h *Hub) applyLevel(k collections.Triple[uint64, uint32, int64], w KV, seq uint64) (uint64, levelKey, bool) {
	m, kind, price := k.K1(), k.K2(), k.K3()
	var orders []exchangetypes.LevelOrder
	if !w.Delete {
		var err error
		if orders, err = exchangetypes.DecodeLevelOrders(w.Value); err != nil {
			h.log.Error("stream: undecodable level", "market", m, "kind", kind, "price", price, "err", err)
			return 0, levelKey{}, false
		}
	}
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
	now := map[uint64]bool{}
	var lv *types.BookLevel
	if len(orders) > 0 && side != types.BookSide_BOOK_SIDE_UNSPECIFIED {
		lv = &types.BookLevel{Side: side, Price: price, OrderCount: uint32(len(orders))}
	}
	for i := range orders {
		o := &orders[i]
		now[o.Id] = true
		owner := h.owners[o.OwnerId]
		info := h.orders[o.Id]
		if info == nil {
			info = &orderInfo{}
			h.orders[o.Id] = info
		}
		info.owner, info.clientID, info.market, info.side = owner, o.ClientOrderId, m, o.Side.String()
		info.price, info.remaining, info.resting, info.lastHeight = o.Price, o.Quantity, true, h.height
		if lv != nil {
			lv.Quantity += o.Quantity
			lv.Orders = append(lv.Orders, &types.BookOrder{OrderId: o.Id, MarketId: m, Owner: owner, Side: side,
				Price: o.Price, Quantity: o.Quantity, ClientOrderId: o.ClientOrderId, Seq: o.Seq})
		}
	}
	for _, o := range old {
		if !now[o.OrderId] {
			if info := h.orders[o.OrderId]; info != nil && info.market == m && info.price == price {
				info.resting = false
			}
		}
	}
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
