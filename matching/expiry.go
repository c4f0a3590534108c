package matching

// expHeap is a binary min-heap of GTB (or GTT) orders keyed by (expiry, seq),
// so ExpireUpTo pops exactly the expired orders in a total, deterministic
// order, and a cancelled or filled order leaves it in O(log n) through the
// position kept in its slot.
type expHeap struct {
	a []expEnt
}

type expEnt struct {
	key  int64
	seq  uint64
	slot int32
}

func (e expEnt) less(f expEnt) bool {
	return e.key < f.key || (e.key == f.key && e.seq < f.seq)
}

func heapOf(t TimeInForce) int {
	if t == GTT {
		return 1
	}
	return 0
}

func (b *Book) heapPush(oi int32) {
	o := &b.orders[oi]
	h := &b.heaps[heapOf(o.tif)]
	h.a = append(h.a, expEnt{key: o.expiry, seq: o.seq, slot: oi})
	i := len(h.a) - 1
	o.heap = int32(i)
	b.heapUp(h, i)
}

func (b *Book) heapRemove(oi int32) {
	o := &b.orders[oi]
	h := &b.heaps[heapOf(o.tif)]
	i := int(o.heap)
	o.heap = -1
	last := len(h.a) - 1
	if i != last {
		h.a[i] = h.a[last]
		b.orders[h.a[i].slot].heap = int32(i)
	}
	h.a = h.a[:last]
	if i < last {
		if !b.heapDown(h, i) {
			b.heapUp(h, i)
		}
	}
}

func (b *Book) heapUp(h *expHeap, i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.a[i].less(h.a[p]) {
			break
		}
		h.a[i], h.a[p] = h.a[p], h.a[i]
		b.orders[h.a[i].slot].heap = int32(i)
		b.orders[h.a[p].slot].heap = int32(p)
		i = p
	}
}

// heapDown reports whether the element moved.
func (b *Book) heapDown(h *expHeap, i int) bool {
	start := i
	n := len(h.a)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h.a[c+1].less(h.a[c]) {
			c++
		}
		if !h.a[c].less(h.a[i]) {
			break
		}
		h.a[i], h.a[c] = h.a[c], h.a[i]
		b.orders[h.a[i].slot].heap = int32(i)
		b.orders[h.a[c].slot].heap = int32(c)
		i = c
	}
	return i > start
}
