package oracle

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Median returns the median of prices, sorting prices in place. For an even
// count it is the mean of the two middle prices, rounded half up. All prices
// must be positive (ErrInvalidPrice); an empty slice is ErrEmptyWindow.
func Median(prices []Price) (Price, error) {
	if len(prices) == 0 {
		return 0, ErrEmptyWindow
	}
	for _, p := range prices {
		if p <= 0 {
			return 0, fmt.Errorf("%w: %d", ErrInvalidPrice, p)
		}
	}
	slices.Sort(prices)
	return sortedMedian(len(prices), func(i int) Price { return prices[i] }), nil
}

// sortedMedian returns the median of n > 0 sorted positive prices read
// through at.
func sortedMedian(n int, at func(int) Price) Price {
	if n%2 == 1 {
		return at(n / 2)
	}
	// Two positive int64s add up to less than 2^64: the sum is exact.
	sum := uint64(at(n/2-1)) + uint64(at(n/2))
	return Price(sum/2 + sum%2) // half up
}

// Submission is a price submitted by transaction by a licensed
// ORACLE_FEEDER account, for feeds that only licensed feeders can price.
type Submission struct {
	// Feeder identifies the submitting account.
	Feeder string
	// Time is the block time of the submission, in the caller's unit.
	Time int64
	// Price is the submitted price; zero or negative submissions are
	// ignored.
	Price Price
}

// FeederMedian returns the unweighted median of the licensed feeders'
// submissions in the window [now-window, now], and the number of feeders
// that it counts.
//
// Only the latest submission of each feeder in the window counts (at equal
// times, the lowest price), so one feeder cannot outvote others by
// submitting often. For an even number of feeders the median is the mean of
// the two middle prices, rounded half up. Fewer than minFeeders feeders is
// ErrTooFewSubmissions (ErrEmptyWindow when there are none).
//
// subs is not modified; scratch is used as working memory, grown when its
// capacity is below len(subs).
func FeederMedian(subs []Submission, now, window int64, minFeeders int, scratch []Submission) (Price, int, error) {
	if window <= 0 {
		return 0, 0, fmt.Errorf("%w: window %d is not positive", ErrInvalidParams, window)
	}
	if cap(scratch) < len(subs) {
		scratch = make([]Submission, 0, len(subs))
	}
	in := scratch[:0]
	for _, s := range subs {
		// now-s.Time <= window, computed without overflow.
		if s.Price > 0 && s.Time <= now && uint64(now)-uint64(s.Time) <= uint64(window) {
			in = append(in, s)
		}
	}
	if len(in) == 0 {
		return 0, 0, fmt.Errorf("%w: no submission in the %d before %d", ErrEmptyWindow, window, now)
	}
	slices.SortFunc(in, func(a, b Submission) int {
		if c := strings.Compare(a.Feeder, b.Feeder); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Time, a.Time); c != 0 { // latest first
			return c
		}
		return cmp.Compare(a.Price, b.Price)
	})
	n := 0
	for i := range in {
		if i == 0 || in[i].Feeder != in[n-1].Feeder {
			in[n] = in[i]
			n++
		}
	}
	in = in[:n]
	if n < minFeeders {
		return 0, n, fmt.Errorf("%w: %d feeders in the window, need %d", ErrTooFewSubmissions, n, minFeeders)
	}
	slices.SortFunc(in, func(a, b Submission) int { return cmp.Compare(a.Price, b.Price) })
	return sortedMedian(n, func(i int) Price { return in[i].Price }), n, nil
}
