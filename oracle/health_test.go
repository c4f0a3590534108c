package oracle_test

import (
	"errors"
	"math"
	"testing"

	"github.com/clearchain/clearchain/oracle"
)

func TestCheckStaleness(t *testing.T) {
	last := oracle.Observation{Price: 100, Height: 50, Time: 1_000}
	lim := oracle.StalenessLimits{MaxBlocks: 10, MaxAge: 60}
	for _, tc := range []struct {
		name string
		// State.
		last              oracle.Observation
		nowHeight, nowTim int64
		lim               oracle.StalenessLimits
		// Expectations.
		want  oracle.Status
		text  string
		errIs error
	}{
		{name: "a price of this block is fresh", last: last, nowHeight: 50, nowTim: 1_000, lim: lim,
			want: oracle.Status{Code: oracle.StatusFresh}, text: "fresh"},
		{name: "exactly at both limits is still fresh", last: last, nowHeight: 60, nowTim: 1_060, lim: lim,
			want: oracle.Status{Code: oracle.StatusFresh}, text: "fresh"},
		{name: "one block past the limit is stale", last: last, nowHeight: 61, nowTim: 1_001, lim: lim,
			want: oracle.Status{Code: oracle.StatusStale, Reason: oracle.ReasonTooManyBlocks, Observed: 11, Limit: 10},
			text: "stale: too many blocks (11 > 10)", errIs: oracle.ErrStale},
		{name: "one time unit past the limit is stale", last: last, nowHeight: 51, nowTim: 1_061, lim: lim,
			want: oracle.Status{Code: oracle.StatusStale, Reason: oracle.ReasonTooOld, Observed: 61, Limit: 60},
			text: "stale: too old (61 > 60)", errIs: oracle.ErrStale},
		{name: "the block limit is reported before the time limit", last: last, nowHeight: 100, nowTim: 9_000, lim: lim,
			want: oracle.Status{Code: oracle.StatusStale, Reason: oracle.ReasonTooManyBlocks, Observed: 50, Limit: 10}},
		{name: "zero limits are disabled", last: last, nowHeight: math.MaxInt64, nowTim: math.MaxInt64,
			want: oracle.Status{Code: oracle.StatusFresh}},
		{name: "no price is missing", nowHeight: 1, nowTim: 1, lim: lim,
			want: oracle.Status{Code: oracle.StatusMissing, Reason: oracle.ReasonNoPrice}, text: "missing: no price", errIs: oracle.ErrNoPrice},
		{name: "an update from a later block is stale", last: last, nowHeight: 49, nowTim: 1_000, lim: lim,
			want: oracle.Status{Code: oracle.StatusStale, Reason: oracle.ReasonFromFuture}, text: "stale: update from the future"},
		{name: "an update from a later time is stale", last: last, nowHeight: 50, nowTim: 999, lim: lim,
			want: oracle.Status{Code: oracle.StatusStale, Reason: oracle.ReasonFromFuture}},
		{name: "extreme times do not overflow",
			last:      oracle.Observation{Price: 1, Height: math.MinInt64, Time: math.MinInt64},
			nowHeight: math.MaxInt64, nowTim: math.MaxInt64, lim: oracle.StalenessLimits{MaxAge: math.MaxInt64},
			want: oracle.Status{Code: oracle.StatusStale, Reason: oracle.ReasonTooOld, Observed: math.MaxUint64, Limit: math.MaxInt64}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := oracle.CheckStaleness(tc.last, tc.nowHeight, tc.nowTim, tc.lim)
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if tc.text != "" && got.String() != tc.text {
				t.Fatalf("String() = %q, want %q", got.String(), tc.text)
			}
			if got.OK() != (got.Err() == nil) {
				t.Fatalf("OK() and Err() disagree")
			}
			if tc.errIs != nil && !errors.Is(got.Err(), tc.errIs) {
				t.Fatalf("Err() = %v, want %v", got.Err(), tc.errIs)
			}
		})
	}
}

func TestCheckDeviation(t *testing.T) {
	prev := oracle.Observation{Price: 10_000, Height: 100, Time: 5}
	for _, tc := range []struct {
		name string
		// State.
		prev       oracle.Observation
		next       oracle.Price
		nextHeight int64
		// Parameters.
		maxBps uint64
		// Expectations.
		want oracle.Status
		text string
	}{
		{name: "a move at the allowance passes", prev: prev, next: 10_100, nextHeight: 101, maxBps: 100,
			want: oracle.Status{Code: oracle.StatusFresh}},
		{name: "a move just past the allowance trips the breaker", prev: prev, next: 10_101, nextHeight: 101, maxBps: 100,
			want: oracle.Status{Code: oracle.StatusBreaker, Reason: oracle.ReasonDeviation, Observed: 101, Limit: 100},
			text: "breaker: deviation (101 > 100)"},
		{name: "downward moves count the same", prev: prev, next: 9_899, nextHeight: 101, maxBps: 100,
			want: oracle.Status{Code: oracle.StatusBreaker, Reason: oracle.ReasonDeviation, Observed: 101, Limit: 100}},
		{name: "the allowance grows with the blocks elapsed", prev: prev, next: 10_500, nextHeight: 105, maxBps: 100,
			want: oracle.Status{Code: oracle.StatusFresh}},
		{name: "a same-height replacement gets one block of allowance", prev: prev, next: 10_200, nextHeight: 100, maxBps: 100,
			want: oracle.Status{Code: oracle.StatusBreaker, Reason: oracle.ReasonDeviation, Observed: 200, Limit: 100}},
		{name: "a zero limit disables the breaker", prev: prev, next: 1, nextHeight: 101, maxBps: 0,
			want: oracle.Status{Code: oracle.StatusFresh}},
		{name: "the first price has nothing to deviate from", next: 1, nextHeight: 1, maxBps: 1,
			want: oracle.Status{Code: oracle.StatusFresh}},
		{name: "a missing next price is missing", prev: prev, next: 0, nextHeight: 101, maxBps: 1,
			want: oracle.Status{Code: oracle.StatusMissing, Reason: oracle.ReasonNoPrice}},
		{name: "the allowance saturates instead of overflowing",
			prev: oracle.Observation{Price: 1_000_000_000, Height: math.MinInt64}, next: oracle.MaxPrice, nextHeight: math.MaxInt64, maxBps: math.MaxUint64,
			want: oracle.Status{Code: oracle.StatusFresh}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := oracle.CheckDeviation(tc.prev, tc.next, tc.nextHeight, tc.maxBps)
			if got != tc.want {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			if tc.text != "" && got.String() != tc.text {
				t.Fatalf("String() = %q, want %q", got.String(), tc.text)
			}
			if got.Code == oracle.StatusBreaker && !errors.Is(got.Err(), oracle.ErrDeviationBreaker) {
				t.Fatalf("Err() = %v", got.Err())
			}
		})
	}
}

func TestDeviationBps(t *testing.T) {
	for _, tc := range []struct {
		price, ref oracle.Price
		want       uint64
	}{
		{100, 100, 0},
		{101, 100, 100},
		{10_001, 10_000, 1},
		{100_001, 100_000, 1}, // 0.1 bps rounds up
		{50, 100, 5_000},
		{oracle.MaxPrice, 1, math.MaxUint64},
		{0, 100, math.MaxUint64},
	} {
		if got := oracle.DeviationBps(tc.price, tc.ref); got != tc.want {
			t.Errorf("DeviationBps(%d, %d) = %d, want %d", tc.price, tc.ref, got, tc.want)
		}
	}
}
