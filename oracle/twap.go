package oracle

import (
	"fmt"
	"math"
	"math/bits"
)

// Sample is one point of a price history: the price that took effect at Time
// (a block time, in the caller's unit).
type Sample struct {
	Time  int64
	Price Price
}

// Ring is a fixed-capacity history of price samples, oldest overwritten
// first, from which a time-weighted average price is computed. Its memory is
// allocated once by [NewRing]. A Ring is not safe for concurrent use.
type Ring struct {
	buf   []Sample
	start int // index of the oldest sample
	n     int // number of samples held
}

// NewRing returns an empty ring that holds up to capacity samples.
func NewRing(capacity int) (*Ring, error) {
	if capacity <= 0 {
		return nil, fmt.Errorf("%w: ring capacity %d is not positive", ErrInvalidParams, capacity)
	}
	return &Ring{buf: make([]Sample, capacity)}, nil
}

// Len returns the number of samples held.
func (r *Ring) Len() int { return r.n }

// Cap returns the capacity of the ring.
func (r *Ring) Cap() int { return len(r.buf) }

// At returns the i-th sample, 0 being the oldest. It panics when i is out of
// range, like a slice index.
func (r *Ring) At(i int) Sample {
	if i < 0 || i >= r.n {
		panic(fmt.Sprintf("oracle: ring index %d out of range [0,%d)", i, r.n))
	}
	return r.buf[(r.start+i)%len(r.buf)]
}

// Last returns the newest sample, if any.
func (r *Ring) Last() (Sample, bool) {
	if r.n == 0 {
		return Sample{}, false
	}
	return r.At(r.n - 1), true
}

// Samples appends the samples to dst, oldest first, and returns it; this is
// how a keeper persists the ring (and Push restores it).
func (r *Ring) Samples(dst []Sample) []Sample {
	for i := 0; i < r.n; i++ {
		dst = append(dst, r.At(i))
	}
	return dst
}

// Push records a sample. Its price must be positive (ErrInvalidPrice) and
// its time must not be before the newest sample (ErrNonMonotonicTime). A
// sample at the same time as the newest one replaces its price. When the
// ring is full the oldest sample is dropped.
func (r *Ring) Push(s Sample) error {
	if s.Price <= 0 {
		return fmt.Errorf("%w: %d", ErrInvalidPrice, s.Price)
	}
	if last, ok := r.Last(); ok {
		if s.Time < last.Time {
			return fmt.Errorf("%w: %d after %d", ErrNonMonotonicTime, s.Time, last.Time)
		}
		if s.Time == last.Time {
			r.buf[(r.start+r.n-1)%len(r.buf)] = s
			return nil
		}
	}
	if r.n < len(r.buf) {
		r.buf[(r.start+r.n)%len(r.buf)] = s
		r.n++
		return nil
	}
	r.buf[r.start] = s
	r.start = (r.start + 1) % len(r.buf)
	return nil
}

// TWAP returns the time-weighted average price over the window
// [now-window, now].
//
// Each sample's price holds from its time until the next sample's time (the
// newest one until now). Samples later than now are ignored. When the oldest
// sample is later than now-window, the average covers only the span from the
// oldest sample to now (the history is shorter than the window; callers that
// need full coverage compare At(0).Time with now-window). If the span is
// empty, because the only sample in effect was taken exactly at now, its
// price is returned.
//
// The sum of price*duration is computed in 128 bits and divided once; the
// quotient is rounded to the nearest integer, halves up. It returns
// ErrEmptyWindow when no sample is at or before now and ErrInvalidParams when
// window is not positive.
func (r *Ring) TWAP(now, window int64) (Price, error) {
	if window <= 0 {
		return 0, fmt.Errorf("%w: TWAP window %d is not positive", ErrInvalidParams, window)
	}
	start := int64(math.MinInt64)
	if now >= math.MinInt64+window {
		start = now - window
	}
	var (
		sumHi, sumLo uint64 // sum of price*duration, 128 bits
		total        uint64 // covered duration
		end          = now
		spot         Price
	)
	for i := r.n - 1; i >= 0; i-- {
		s := r.At(i)
		if s.Time > now {
			continue
		}
		if spot == 0 {
			spot = s.Price
		}
		from := max(s.Time, start)
		dt := uint64(end) - uint64(from) // end >= from, so this is exact
		hi, lo := bits.Mul64(uint64(s.Price), dt)
		var carry uint64
		sumLo, carry = bits.Add64(sumLo, lo, 0)
		sumHi, _ = bits.Add64(sumHi, hi, carry) // cannot overflow: sum <= MaxPrice * total < 2^127
		total += dt
		if s.Time <= start {
			break
		}
		end = s.Time
	}
	if spot == 0 {
		return 0, fmt.Errorf("%w: no sample at or before %d", ErrEmptyWindow, now)
	}
	if total == 0 {
		return spot, nil
	}
	// sum <= MaxPrice*total, so sum/total < 2^63 and sumHi < total: Div64
	// cannot overflow, and rounding up cannot exceed the largest sample.
	return Price(divRoundHalfUp(sumHi, sumLo, total)), nil
}
