package oracle_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/clearchain/clearchain/oracle"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []oracle.Price
		want oracle.Price
		err  error
	}{
		{in: []oracle.Price{5}, want: 5},
		{in: []oracle.Price{9, 1, 5}, want: 5},
		{in: []oracle.Price{4, 1}, want: 3},                                           // 2.5 rounds half up
		{in: []oracle.Price{1, 2, 2, 10}, want: 2},                                    // mean of 2 and 2
		{in: []oracle.Price{oracle.MaxPrice, oracle.MaxPrice}, want: oracle.MaxPrice}, // no overflow
		{in: nil, err: oracle.ErrEmptyWindow},
		{in: []oracle.Price{1, 0}, err: oracle.ErrInvalidPrice},
	} {
		got, err := oracle.Median(slices.Clone(tc.in))
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("Median(%v) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestFeederMedian(t *testing.T) {
	sub := func(feeder string, tm int64, p oracle.Price) oracle.Submission {
		return oracle.Submission{Feeder: feeder, Time: tm, Price: p}
	}
	for _, tc := range []struct {
		name string
		// State.
		subs []oracle.Submission
		// Parameters.
		now, window int64
		min         int
		// Expectations.
		want    oracle.Price
		feeders int
		err     error
	}{
		{name: "the median of three feeders",
			subs: []oracle.Submission{sub("a", 10, 100), sub("b", 11, 300), sub("c", 12, 200)},
			now:  20, window: 10, min: 3, want: 200, feeders: 3},
		{name: "only each feeder's latest submission counts",
			subs: []oracle.Submission{sub("a", 10, 100), sub("a", 11, 100), sub("a", 12, 100), sub("b", 13, 300), sub("c", 14, 200), sub("a", 15, 400)},
			now:  20, window: 10, min: 1, want: 300, feeders: 3},
		{name: "submissions outside the window are ignored",
			subs: []oracle.Submission{sub("a", 9, 1), sub("b", 10, 100), sub("c", 20, 300), sub("d", 21, 5)},
			now:  20, window: 10, min: 1, want: 200, feeders: 2},
		{name: "at equal times the lower price of a feeder counts",
			subs: []oracle.Submission{sub("a", 10, 500), sub("a", 10, 100)},
			now:  20, window: 10, min: 1, want: 100, feeders: 1},
		{name: "too few feeders",
			subs: []oracle.Submission{sub("a", 10, 100), sub("a", 11, 100)},
			now:  20, window: 10, min: 2, feeders: 1, err: oracle.ErrTooFewSubmissions},
		{name: "none in the window",
			subs: []oracle.Submission{sub("a", 1, 100)},
			now:  20, window: 10, min: 1, err: oracle.ErrEmptyWindow},
		{name: "non-positive prices are ignored",
			subs: []oracle.Submission{sub("a", 15, 0), sub("b", 15, -5)},
			now:  20, window: 10, min: 1, err: oracle.ErrEmptyWindow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.subs)
			got, n, err := oracle.FeederMedian(tc.subs, tc.now, tc.window, tc.min, nil)
			if !errors.Is(err, tc.err) || got != tc.want || n != tc.feeders {
				t.Fatalf("got %d from %d feeders, %v; want %d from %d, %v", got, n, err, tc.want, tc.feeders, tc.err)
			}
			if !slices.Equal(in, tc.subs) {
				t.Fatal("FeederMedian modified its input")
			}
			// Permutations do not change the result.
			slices.Reverse(tc.subs)
			got2, n2, err2 := oracle.FeederMedian(tc.subs, tc.now, tc.window, tc.min, nil)
			if got2 != got || n2 != n || (err2 == nil) != (err == nil) {
				t.Fatalf("reversed input gave %d, %d, %v", got2, n2, err2)
			}
		})
	}
}
