package matching

import (
	"errors"
	"fmt"
)

// CheckInvariants walks the whole book and returns an error describing the
// first broken invariant, or nil. It is O(n) and allocates on failure: tests
// and fuzzers call it after every command; production code need not. It
// checks that:
//   - every ladder is strictly sorted, its levels' prices, sides and
//     aggregate quantities and counts match their orders;
//   - each level is a well-linked FIFO list in strictly ascending Seq;
//   - every live order is in exactly one level, the id index, its owner's
//     list and (GTB/GTT) the expiry heap, and no freed slot is in any;
//   - the book is not crossed at rest (continuous mode, or after an auction);
//   - quantity is conserved: accepted = 2×filled + cancelled + expired +
//     resting + waiting in the trigger book.
func (b *Book) CheckInvariants() error {
	live := 0
	var restQty Qty
	heapWant := [2]int{}
	for l := range b.lads {
		ld := &b.lads[l]
		if len(ld.keys) != len(ld.lv) {
			return errors.New("matching: ladder keys and levels differ in length")
		}
		n := 0
		for i, li := range ld.lv {
			if i > 0 && ld.keys[i-1] >= ld.keys[i] {
				return fmt.Errorf("matching: ladder %d not strictly sorted at %d", l, i)
			}
			lv := &b.levels[li]
			if int(lv.ladder) != l || ld.key(lv.price) != ld.keys[i] {
				return fmt.Errorf("matching: level %d in ladder %d has ladder %d price %d key %d", li, l, lv.ladder, lv.price, ld.keys[i])
			}
			if lv.head < 0 || lv.count <= 0 {
				return fmt.Errorf("matching: empty level at price %d in ladder %d", lv.price, l)
			}
			var sum Qty
			var cnt int32
			prev := int32(-1)
			var prevSeq uint64
			for oi := lv.head; oi >= 0; oi = b.orders[oi].next {
				o := &b.orders[oi]
				if o.prev != prev {
					return fmt.Errorf("matching: broken prev link at order %d", o.id)
				}
				if o.level != li {
					return fmt.Errorf("matching: order %d points at level %d, is in %d", o.id, o.level, li)
				}
				wantState := stResting
				key := o.price
				if l >= ladStopBuys {
					wantState, key = stStop, o.trigger
				}
				if o.state != wantState || key != lv.price || o.side != ladderSide(l) {
					return fmt.Errorf("matching: order %d (state %d side %s) misplaced at %d in ladder %d", o.id, o.state, o.side, lv.price, l)
				}
				if o.qty == 0 {
					return fmt.Errorf("matching: order %d rests with zero quantity", o.id)
				}
				if cnt > 0 && o.seq <= prevSeq {
					return fmt.Errorf("matching: FIFO broken at price %d: seq %d after %d", lv.price, o.seq, prevSeq)
				}
				if o.seq > b.seq {
					return fmt.Errorf("matching: order %d has seq %d beyond last %d", o.id, o.seq, b.seq)
				}
				if got, ok := b.ids.get(uint64(o.id)); !ok || got != oi {
					return fmt.Errorf("matching: order %d missing from the id index", o.id)
				}
				if o.tif == GTB || o.tif == GTT {
					h := &b.heaps[heapOf(o.tif)]
					if o.heap < 0 || int(o.heap) >= len(h.a) || h.a[o.heap].slot != oi || h.a[o.heap].key != o.expiry || h.a[o.heap].seq != o.seq {
						return fmt.Errorf("matching: order %d has a wrong expiry heap entry", o.id)
					}
					heapWant[heapOf(o.tif)]++
				} else if o.heap >= 0 {
					return fmt.Errorf("matching: order %d (%s) is in the expiry heap", o.id, o.tif)
				}
				sum += o.qty
				cnt++
				prev, prevSeq = oi, o.seq
			}
			if lv.tail != prev || sum != lv.qty || cnt != lv.count {
				return fmt.Errorf("matching: level %d in ladder %d: tail/qty/count %d/%d/%d, want %d/%d/%d", lv.price, l, lv.tail, lv.qty, lv.count, prev, sum, cnt)
			}
			n += int(cnt)
			restQty += sum
		}
		if n != b.counts[l] {
			return fmt.Errorf("matching: ladder %d counts %d orders, holds %d", l, b.counts[l], n)
		}
		live += n
	}
	if b.ids.len() != live {
		return fmt.Errorf("matching: id index holds %d orders, levels hold %d", b.ids.len(), live)
	}
	for h := range b.heaps {
		if len(b.heaps[h].a) != heapWant[h] {
			return fmt.Errorf("matching: expiry heap %d holds %d entries, want %d", h, len(b.heaps[h].a), heapWant[h])
		}
		for i := 1; i < len(b.heaps[h].a); i++ {
			if b.heaps[h].a[i].less(b.heaps[h].a[(i-1)/2]) {
				return fmt.Errorf("matching: expiry heap %d order broken at %d", h, i)
			}
		}
	}
	owned := 0
	for oi := range b.orders {
		o := &b.orders[oi]
		if o.state == stFree || o.oprev >= 0 {
			continue
		}
		// o heads its owner's list.
		if head, ok := b.owners.get(uint64(o.owner)); !ok || head != int32(oi) {
			return fmt.Errorf("matching: order %d heads a list its owner %d does not", o.id, o.owner)
		}
		n := 0
		for x := int32(oi); x >= 0; x = b.orders[x].onext {
			if b.orders[x].state == stFree || b.orders[x].owner != o.owner {
				return fmt.Errorf("matching: owner %d list holds a foreign or freed slot", o.owner)
			}
			owned++
			n++
		}
		if c := b.OwnerCount(o.owner); c != n {
			return fmt.Errorf("matching: owner %d count %d, list holds %d", o.owner, c, n)
		}
	}
	if owned != live {
		return fmt.Errorf("matching: owner lists hold %d orders, want %d", owned, live)
	}
	free := 0
	for oi := b.freeHead; oi >= 0; oi = b.orders[oi].next {
		if b.orders[oi].state != stFree {
			return fmt.Errorf("matching: slot %d on the free list is live", oi)
		}
		free++
		if free > len(b.orders) {
			return errors.New("matching: free list has a cycle")
		}
	}
	if free+live != len(b.orders) {
		return fmt.Errorf("matching: %d free + %d live slots != %d", free, live, len(b.orders))
	}
	if (b.mode == Continuous || !b.crossedOK) && b.crossed() {
		return errors.New("matching: book crossed at rest")
	}
	if b.accepted != 2*b.filled+b.cancelled+b.expired+restQty {
		return fmt.Errorf("matching: quantity not conserved: accepted %d != 2*filled %d + cancelled %d + expired %d + live %d",
			b.accepted, b.filled, b.cancelled, b.expired, restQty)
	}
	return nil
}
