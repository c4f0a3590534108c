package oracle_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/clearchain/clearchain/oracle"
)

func mustRing(t *testing.T, capacity int, samples ...oracle.Sample) *oracle.Ring {
	t.Helper()
	r, err := oracle.NewRing(capacity)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range samples {
		if err := r.Push(s); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

func TestTWAP(t *testing.T) {
	for _, tc := range []struct {
		name string
		// State.
		capacity int
		samples  []oracle.Sample
		// Parameters.
		now, window int64
		// Expectations.
		want oracle.Price
		err  error
	}{
		{name: "a step function is weighted by duration",
			capacity: 8, samples: []oracle.Sample{{0, 100}, {30, 200}},
			now: 40, window: 40, want: 125}, // (100*30 + 200*10) / 40
		{name: "the sample before the window start covers its beginning",
			capacity: 8, samples: []oracle.Sample{{0, 100}, {30, 200}},
			now: 40, window: 20, want: 150}, // (100*10 + 200*10) / 20
		{name: "history shorter than the window averages what exists",
			capacity: 8, samples: []oracle.Sample{{20, 100}, {30, 200}},
			now: 40, window: 1000, want: 150},
		{name: "samples after now are ignored",
			capacity: 8, samples: []oracle.Sample{{0, 100}, {50, 900}},
			now: 40, window: 40, want: 100},
		{name: "a single sample taken at now is the spot price",
			capacity: 8, samples: []oracle.Sample{{40, 123}},
			now: 40, window: 10, want: 123},
		{name: "rounding is half up",
			capacity: 8, samples: []oracle.Sample{{0, 1}, {1, 2}},
			now: 2, window: 2, want: 2}, // 1.5
		{name: "rounding below a half goes down",
			capacity: 8, samples: []oracle.Sample{{0, 1}, {2, 2}},
			now: 3, window: 3, want: 1}, // 4/3
		{name: "overwritten samples no longer count",
			capacity: 2, samples: []oracle.Sample{{0, 1000}, {10, 100}, {20, 300}},
			now: 30, window: 30, want: 200}, // (100*10 + 300*10) / 20
		{name: "the largest prices over the longest window do not overflow",
			capacity: 2, samples: []oracle.Sample{{math.MinInt64, oracle.MaxPrice}, {0, oracle.MaxPrice - 1}},
			now: math.MaxInt64, window: math.MaxInt64, want: oracle.MaxPrice - 1},
		{name: "nothing at or before now",
			capacity: 2, samples: []oracle.Sample{{50, 1}},
			now: 40, window: 10, err: oracle.ErrEmptyWindow},
		{name: "an empty ring",
			capacity: 2, now: 40, window: 10, err: oracle.ErrEmptyWindow},
		{name: "a window that is not positive",
			capacity: 2, samples: []oracle.Sample{{0, 1}}, now: 40, window: 0, err: oracle.ErrInvalidParams},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRing(t, tc.capacity, tc.samples...)
			got, err := r.TWAP(tc.now, tc.window)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if got != tc.want {
				t.Fatalf("TWAP = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestRingPush(t *testing.T) {
	r := mustRing(t, 3, oracle.Sample{Time: 1, Price: 10}, oracle.Sample{Time: 2, Price: 20})
	if err := r.Push(oracle.Sample{Time: 1, Price: 5}); !errors.Is(err, oracle.ErrNonMonotonicTime) {
		t.Fatalf("push back in time: %v", err)
	}
	if err := r.Push(oracle.Sample{Time: 3, Price: 0}); !errors.Is(err, oracle.ErrInvalidPrice) {
		t.Fatalf("push zero price: %v", err)
	}
	if err := r.Push(oracle.Sample{Time: 2, Price: 25}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []oracle.Sample{{3, 30}, {4, 40}} {
		if err := r.Push(s); err != nil {
			t.Fatal(err)
		}
	}
	got := r.Samples(nil)
	want := []oracle.Sample{{2, 25}, {3, 30}, {4, 40}}
	if len(got) != len(want) || r.Len() != 3 || r.Cap() != 3 {
		t.Fatalf("samples %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("samples %v, want %v", got, want)
		}
	}
	if last, ok := r.Last(); !ok || last != (oracle.Sample{Time: 4, Price: 40}) {
		t.Fatalf("Last() = %v, %v", last, ok)
	}
	if _, err := oracle.NewRing(0); !errors.Is(err, oracle.ErrInvalidParams) {
		t.Fatalf("NewRing(0): %v", err)
	}
}

func TestPropertyTWAPOfConstantIsConstant(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for iter := 0; iter < 1000; iter++ {
		price := oracle.Price(1 + rng.Int64N(math.MaxInt64-1))
		r := mustRing(t, 1+rng.IntN(16))
		tm := rng.Int64N(1e12) - 5e11
		for i, n := 0, 1+rng.IntN(40); i < n; i++ {
			tm += rng.Int64N(1000)
			if err := r.Push(oracle.Sample{Time: tm, Price: price}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := r.TWAP(tm+rng.Int64N(1000), 1+rng.Int64N(1e6))
		if err != nil || got != price {
			t.Fatalf("iteration %d: TWAP = %d, %v; want %d", iter, got, err, price)
		}
	}
}

func TestPropertyTWAPIsBetweenMinAndMax(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for iter := 0; iter < 1000; iter++ {
		r := mustRing(t, 1+rng.IntN(16))
		var tm int64
		for i, n := 0, 1+rng.IntN(40); i < n; i++ {
			tm += 1 + rng.Int64N(100)
			if err := r.Push(oracle.Sample{Time: tm, Price: oracle.Price(1 + rng.Int64N(1e15))}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := r.TWAP(tm+rng.Int64N(100), 1+rng.Int64N(3000))
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := oracle.MaxPrice, oracle.Price(0)
		for _, s := range r.Samples(nil) {
			lo, hi = min(lo, s.Price), max(hi, s.Price)
		}
		if got < lo || got > hi {
			t.Fatalf("iteration %d: TWAP %d outside [%d,%d]", iter, got, lo, hi)
		}
	}
}
