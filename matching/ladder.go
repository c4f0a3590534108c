package matching

// The book keeps four ladders of price levels: resting bids and asks, and the
// trigger book's buy stops and sell stops. A ladder is a sorted array of the
// active levels' keys with a parallel array of level indices, sorted so that
// the best level is at the end: the best price is O(1), a level is found by
// binary search, and inserting or removing a level near the touch moves only
// a few elements.
//
// Keys are the price for ladders whose best is the highest price (bids, and
// sell stops, which trigger highest first) and the negated price for ladders
// whose best is the lowest price (asks, and buy stops, which trigger lowest
// first). Prices are positive, so negation never overflows.

const (
	ladBids = iota
	ladAsks
	ladStopBuys
	ladStopSells
	ladCount
)

func restingLadder(s Side) int {
	if s == Buy {
		return ladBids
	}
	return ladAsks
}

func stopLadder(s Side) int {
	if s == Buy {
		return ladStopBuys
	}
	return ladStopSells
}

func ladderSide(l int) Side {
	if l == ladBids || l == ladStopBuys {
		return Buy
	}
	return Sell
}

func ladderNegated(l int) bool { return l == ladAsks || l == ladStopBuys }

// level is one price level: an intrusive FIFO list of orders.
type level struct {
	price      Price
	qty        Qty // sum of the orders' remaining quantities
	head, tail int32
	count      int32
	ladder     uint8
	dirtyEpoch uint32

	// Change tracking since the last Checkpoint, valid while dirtyEpoch is
	// the book's epoch (see LevelDelta). Old orders are those the level held
	// at its first change: they have seq <= cpSeq and precede the new ones.
	cpSeq   uint64 // seq of the tail at the first change (0: was empty)
	cpCount int32  // orders at the first change
	gone    int32  // old orders removed from the head
	added   int32  // new orders now in the level
	headQty bool   // the first remaining old order's quantity changed
	messy   bool   // any other change
}

type ladder struct {
	keys []int64 // ascending; the best level is last
	lv   []int32 // level index for each key
	neg  bool
}

func (l *ladder) key(p Price) int64 {
	if l.neg {
		return -int64(p)
	}
	return int64(p)
}

// search returns the position of the first key >= k.
func (l *ladder) search(k int64) int {
	lo, hi := 0, len(l.keys)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if l.keys[mid] < k {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// find returns the level index at price p, or -1.
func (l *ladder) find(p Price) int32 {
	k := l.key(p)
	n := len(l.keys)
	// Most traffic is at the touch: check the best level first.
	if n > 0 && l.keys[n-1] == k {
		return l.lv[n-1]
	}
	i := l.search(k)
	if i < n && l.keys[i] == k {
		return l.lv[i]
	}
	return -1
}

// insert adds level li at price p, which must not be present.
func (l *ladder) insert(p Price, li int32) {
	k := l.key(p)
	i := l.search(k)
	l.keys = append(l.keys, 0)
	l.lv = append(l.lv, 0)
	copy(l.keys[i+1:], l.keys[i:])
	copy(l.lv[i+1:], l.lv[i:])
	l.keys[i] = k
	l.lv[i] = li
}

// remove deletes the level at price p, which must be present.
func (l *ladder) remove(p Price) {
	k := l.key(p)
	n := len(l.keys)
	if l.keys[n-1] == k {
		l.keys = l.keys[:n-1]
		l.lv = l.lv[:n-1]
		return
	}
	i := l.search(k)
	copy(l.keys[i:], l.keys[i+1:])
	copy(l.lv[i:], l.lv[i+1:])
	l.keys = l.keys[:n-1]
	l.lv = l.lv[:n-1]
}

// best returns the best level index, or -1.
func (l *ladder) best() int32 {
	if n := len(l.lv); n > 0 {
		return l.lv[n-1]
	}
	return -1
}
