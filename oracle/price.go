package oracle

import (
	"math"
	"math/bits"
)

// Price is a fixed-point price: an int64 mantissa whose number of decimals is
// a parameter of the feed it belongs to. With 8 decimals, Price(150_000_000)
// is 1.5. A valid price is strictly positive.
type Price int64

// MaxPrice is the largest representable Price.
const MaxPrice Price = math.MaxInt64

// BpsDenominator is the number of basis points in 1 (100%).
const BpsDenominator = 10_000

// Valid reports whether p is a usable price (strictly positive).
func (p Price) Valid() bool { return p > 0 }

// absDiff returns |a-b| for prices that are both positive; the result always
// fits in a uint64.
func absDiff(a, b Price) uint64 {
	if a >= b {
		return uint64(a) - uint64(b)
	}
	return uint64(b) - uint64(a)
}

// cmp128 compares a*b with c*d, all unsigned 64-bit, computing both products
// in 128 bits. It returns -1, 0 or +1.
func cmp128(a, b, c, d uint64) int {
	h1, l1 := bits.Mul64(a, b)
	h2, l2 := bits.Mul64(c, d)
	switch {
	case h1 < h2:
		return -1
	case h1 > h2:
		return 1
	case l1 < l2:
		return -1
	case l1 > l2:
		return 1
	}
	return 0
}

// WithinBps reports whether price lies within maxBps basis points of ref,
// that is whether |price-ref| * 10_000 <= ref * maxBps, computed exactly in
// 128 bits. Both prices must be positive; WithinBps returns false otherwise.
func WithinBps(price, ref Price, maxBps uint64) bool {
	if price <= 0 || ref <= 0 {
		return false
	}
	return cmp128(absDiff(price, ref), BpsDenominator, uint64(ref), maxBps) <= 0
}

// DeviationBps returns |price-ref| / ref in basis points, rounded up, so
// that a deviation of 100.01 bps reports 101 and fails a 100 bps limit just
// as [WithinBps] does. The result saturates at math.MaxUint64. Both prices
// must be positive; DeviationBps returns math.MaxUint64 otherwise.
func DeviationBps(price, ref Price) uint64 {
	if price <= 0 || ref <= 0 {
		return math.MaxUint64
	}
	hi, lo := bits.Mul64(absDiff(price, ref), BpsDenominator)
	d := uint64(ref)
	if hi >= d {
		return math.MaxUint64
	}
	q, r := bits.Div64(hi, lo, d)
	if r != 0 {
		if q == math.MaxUint64 {
			return q
		}
		q++
	}
	return q
}

// satMul returns a*b, saturating at math.MaxUint64.
func satMul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi != 0 {
		return math.MaxUint64
	}
	return lo
}

// divRoundHalfUp divides the unsigned 128-bit value hi:lo by d and rounds
// the quotient to the nearest integer, halves rounding up. The caller
// guarantees d > 0 and that the rounded quotient fits in 63 bits.
func divRoundHalfUp(hi, lo, d uint64) uint64 {
	q, r := bits.Div64(hi, lo, d)
	if r >= d-r { // 2r >= d without overflowing
		q++
	}
	return q
}
