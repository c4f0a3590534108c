package stream

import (
	"math/rand/v2"
	"testing"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/require"

	"github.com/clearchain/clearchain/stream/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// applyLevelRebuild is applyLevel as it was before the walk (it rebuilt every
// order of a written level): the reference TestApplyLevelMatchesRebuild
// holds applyLevel to.
func applyLevelRebuild(h *Hub, k collections.Triple[uint64, uint32, int64], w KV, seq uint64) (uint64, levelKey, bool) {
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

// TestApplyLevelMatchesRebuild: over 2,000 random level writes (orders
// joining at the back, filled or cancelled anywhere, re-queued with a new
// seq, quantities changed in place, client ids changed, seqs out of order,
// whole levels deleted, stop levels, undecodable values), applyLevel leaves
// the same book levels and the same order index as the rebuild it replaced,
// and shares the stored *BookOrder of every order whose terms did not
// change (in levels in queue order, as FIFO levels are). Fails if the walk marks an order that is still in its level as
// gone, keeps a stale order, or stops sharing.
func TestApplyLevelMatchesRebuild(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 15))
	c1, c2 := newChain(t), newChain(t)
	walk, ref := newTestHub(t, c1, Config{}), newTestHub(t, c2, Config{})
	type lvl struct {
		kind   uint32
		price  int64
		orders []exchangetypes.LevelOrder
	}
	levels := []*lvl{
		{kind: exchangetypes.LevelBid, price: 100}, {kind: exchangetypes.LevelBid, price: 99},
		{kind: exchangetypes.LevelAsk, price: 101}, {kind: exchangetypes.LevelAsk, price: 105},
		{kind: 7, price: 100}, // not a book side: a stop level
	}
	var nextID, nextSeq uint64 = 1, 1
	shared, unchanged := 0, 0
	for step := range 2000 {
		l := levels[r.IntN(len(levels))]
		switch op := r.IntN(10); {
		case op < 3: // join at the back
			for range 1 + r.IntN(5) {
				l.orders = append(l.orders, exchangetypes.LevelOrder{Id: nextID, OwnerId: 1, Side: exchangetypes.Side_SIDE_BUY,
					Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT, Price: l.price, Quantity: 1 + r.Uint64N(50), Seq: nextSeq,
					ClientOrderId: "c"})
				nextID++
				nextSeq++
			}
		case op < 5 && len(l.orders) > 0: // fills from the front, the first one partly
			n := r.IntN(len(l.orders))
			l.orders = append([]exchangetypes.LevelOrder(nil), l.orders[n:]...)
			if l.orders[0].Quantity > 1 {
				l.orders[0].Quantity--
			}
		case op < 6 && len(l.orders) > 0: // a cancel anywhere
			i := r.IntN(len(l.orders))
			l.orders = append(l.orders[:i:i], l.orders[i+1:]...)
		case op < 7 && len(l.orders) > 0: // re-queued at the back with a new seq
			i := r.IntN(len(l.orders))
			o := l.orders[i]
			o.Seq, o.Quantity = nextSeq, o.Quantity+1
			nextSeq++
			l.orders = append(append(l.orders[:i:i], l.orders[i+1:]...), o)
		case op < 8 && len(l.orders) > 0: // terms changed in place, seq kept
			i := r.IntN(len(l.orders))
			if r.IntN(2) == 0 {
				l.orders[i].ClientOrderId = "d"
			} else {
				l.orders[i].Quantity++
			}
		case op < 9 && len(l.orders) > 1: // two swapped: seqs out of order
			i, j := r.IntN(len(l.orders)), r.IntN(len(l.orders))
			l.orders[i], l.orders[j] = l.orders[j], l.orders[i]
		default: // the level emptied
			l.orders = nil
		}
		k := collections.Join3(uint64(1), l.kind, l.price)
		var w KV
		if len(l.orders) == 0 {
			w = KV{Delete: true}
		} else {
			v, err := exchangetypes.EncodeLevel(l.orders)
			require.NoError(t, err)
			w = KV{Value: v}
		}
		if step%97 == 0 {
			w = KV{Value: []byte{exchangetypes.EncodingVersion, 0, 0, 0, 9, 1}} // undecodable: nothing changes
		}
		// The stored level before the write, and whether it is in queue order.
		var prev map[uint64]*types.BookOrder
		sortedBefore := true
		if lv := walk.books[1].levels[levelKey{side: bookSide(l.kind), price: l.price}]; lv != nil {
			prev = map[uint64]*types.BookOrder{}
			for i, o := range lv.Orders {
				prev[o.OrderId] = o
				sortedBefore = sortedBefore && (i == 0 || o.Seq > lv.Orders[i-1].Seq)
			}
		}
		m1, lk1, ok1 := walk.applyLevel(k, w, 1)
		m2, lk2, ok2 := applyLevelRebuild(ref, k, w, 1)
		require.Equal(t, []any{m2, lk2, ok2}, []any{m1, lk1, ok1}, "step %d", step)
		require.Equal(t, ref.books[1].levels, walk.books[1].levels, "step %d: book levels differ", step)
		require.Equal(t, len(ref.orders), len(walk.orders), "step %d", step)
		for id, want := range ref.orders {
			got, exp := *walk.orders[id], *want
			got.levelMark, exp.levelMark = 0, 0 // the reference never sets it
			require.Equal(t, exp, got, "step %d: order %d's index entry", step, id)
		}
		if lv := walk.books[1].levels[levelKey{side: bookSide(l.kind), price: l.price}]; lv != nil && ok1 && step%97 != 0 &&
			sortedBefore && inSeqOrder(l.orders) { // the walk matches in queue order; FIFO levels always are
			for _, o := range lv.Orders {
				if p := prev[o.OrderId]; p != nil && p.Seq == o.Seq && p.Quantity == o.Quantity && p.ClientOrderId == o.ClientOrderId {
					unchanged++
					if p == o {
						shared++
					}
				}
			}
		}
	}
	require.Greater(t, unchanged, 2000, "the random writes left too few orders unchanged to say anything")
	require.Equal(t, unchanged, shared, "orders whose terms did not change must keep their stored *BookOrder")
}

func inSeqOrder(orders []exchangetypes.LevelOrder) bool {
	for i := 1; i < len(orders); i++ {
		if orders[i].Seq <= orders[i-1].Seq {
			return false
		}
	}
	return true
}

func bookSide(kind uint32) types.BookSide {
	switch kind {
	case exchangetypes.LevelBid:
		return types.BookSide_BOOK_SIDE_BID
	case exchangetypes.LevelAsk:
		return types.BookSide_BOOK_SIDE_ASK
	}
	return types.BookSide_BOOK_SIDE_UNSPECIFIED
}

// BenchmarkApplyLevel: a block's write of one level of 5,000 resting
// orders in which 20 filled at the front and 20 joined at the back — what
// the stream does per touched level per block under a market maker's flow.
func BenchmarkApplyLevel(b *testing.B) {
	h := NewHub(&chain{kv: map[string][]byte{}}, Config{})
	h.books, h.orders, h.owners = map[uint64]*book{}, map[uint64]*orderInfo{}, map[uint64]string{1: "owner"}
	orders := make([]exchangetypes.LevelOrder, 5000)
	for i := range orders {
		orders[i] = exchangetypes.LevelOrder{Id: uint64(i + 1), OwnerId: 1, Side: exchangetypes.Side_SIDE_BUY,
			Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT, Price: 100, Quantity: 10, Seq: uint64(i + 1)}
	}
	k := collections.Join3(uint64(1), exchangetypes.LevelBid, int64(100))
	next := uint64(len(orders) + 1)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		orders = orders[20:]
		for range 20 {
			orders = append(orders, exchangetypes.LevelOrder{Id: next, OwnerId: 1, Side: exchangetypes.Side_SIDE_BUY,
				Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT, Price: 100, Quantity: 10, Seq: next})
			next++
		}
		v, err := exchangetypes.EncodeLevel(orders)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		h.applyLevel(k, KV{Value: v}, 1)
	}
}
