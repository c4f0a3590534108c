package oracle_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/clearchain/clearchain/oracle"
)

func vote(val string, power int64, price oracle.Price) oracle.Vote {
	return oracle.Vote{Validator: val, Power: power, Price: price}
}

func noOutliers() oracle.Params {
	p := oracle.DefaultParams()
	p.OutlierBps = 0
	return p
}

func TestAggregate(t *testing.T) {
	for _, tc := range []struct {
		name string
		// State.
		votes []oracle.Vote
		total int64
		// Parameters.
		params oracle.Params
		// Expectations.
		price       oracle.Price
		firstPass   oracle.Price
		accepted    []string
		err         error
		errContains string
	}{
		{
			name:   "a single validator holding all the power sets the price",
			votes:  []oracle.Vote{vote("alice", 10, 100)},
			total:  10,
			params: oracle.DefaultParams(),
			price:  100, firstPass: 100, accepted: []string{"alice"},
		},
		{
			name:   "the median follows power, not head count",
			votes:  []oracle.Vote{vote("alice", 1, 100), vote("bob", 1, 101), vote("carol", 8, 102)},
			total:  10,
			params: noOutliers(),
			price:  102, firstPass: 102, accepted: []string{"alice", "bob", "carol"},
		},
		{
			name:   "an exact half split picks the lower middle price",
			votes:  []oracle.Vote{vote("alice", 5, 200), vote("bob", 5, 100)},
			total:  10,
			params: noOutliers(),
			price:  100, firstPass: 100, accepted: []string{"bob", "alice"},
		},
		{
			name:   "cumulative power reaching just over half decides",
			votes:  []oracle.Vote{vote("a", 3, 100), vote("b", 3, 110), vote("c", 4, 120)},
			total:  10,
			params: noOutliers(),
			price:  110, firstPass: 110, accepted: []string{"a", "b", "c"},
		},
		{
			name: "an outlier above the band is dropped and the median recomputed",
			votes: []oracle.Vote{
				vote("a", 30, 1000), vote("b", 30, 1010), vote("c", 20, 1020), vote("d", 20, 5000),
			},
			total:  100,
			params: oracle.Params{QuorumNumerator: 2, QuorumDenominator: 3, OutlierBps: 100},
			// First pass: cumulative 30, 60 >= 50 -> 1010. Band 1% of 1010 =
			// [999.9, 1020.1]: d is dropped; second pass over 80: 30, 60 >= 40.
			price: 1010, firstPass: 1010, accepted: []string{"a", "b", "c"},
		},
		{
			name: "dropping an outlier can move the median",
			votes: []oracle.Vote{
				vote("a", 40, 1000), vote("b", 20, 1040), vote("c", 10, 1050), vote("d", 30, 9000),
			},
			total:  100,
			params: oracle.Params{QuorumNumerator: 2, QuorumDenominator: 3, OutlierBps: 500},
			// First pass: 40, 60 >= 50 -> 1040; d dropped; second pass over 70:
			// 2*40 = 80 >= 70 -> 1000.
			price: 1000, firstPass: 1040, accepted: []string{"a", "b", "c"},
		},
		{
			name: "a vote exactly at the band edge is kept",
			votes: []oracle.Vote{
				vote("a", 50, 10_000), vote("b", 30, 10_100), vote("c", 20, 9_900),
			},
			total:  100,
			params: oracle.Params{QuorumNumerator: 2, QuorumDenominator: 3, OutlierBps: 100},
			price:  10_000, firstPass: 10_000, accepted: []string{"c", "a", "b"},
		},
		{
			name: "a vote one tick past the band edge is dropped",
			votes: []oracle.Vote{
				vote("a", 70, 10_000), vote("b", 30, 10_101),
			},
			total:  100,
			params: oracle.Params{QuorumNumerator: 2, QuorumDenominator: 3, OutlierBps: 100},
			price:  10_000, firstPass: 10_000, accepted: []string{"a"},
		},
		{
			name:   "abstentions and zero power are ignored",
			votes:  []oracle.Vote{vote("a", 70, 0), vote("b", 0, 500), vote("c", 30, 100), vote("d", 70, -3)},
			total:  100,
			params: oracle.DefaultParams(),
			err:    oracle.ErrInsufficientPower, errContains: "30 of 100 voted",
		},
		{
			name:   "exactly two thirds of the power is a quorum",
			votes:  []oracle.Vote{vote("a", 2, 100)},
			total:  3,
			params: oracle.DefaultParams(),
			price:  100, firstPass: 100, accepted: []string{"a"},
		},
		{
			name:   "one unit short of two thirds is not",
			votes:  []oracle.Vote{vote("a", 1999, 100)},
			total:  3000,
			params: oracle.DefaultParams(),
			err:    oracle.ErrInsufficientPower,
		},
		{
			name: "outlier rejection that leaves less than the quorum fails",
			votes: []oracle.Vote{
				vote("a", 35, 1000), vote("b", 30, 1001), vote("c", 35, 2000),
			},
			total:  100,
			params: oracle.Params{QuorumNumerator: 2, QuorumDenominator: 3, OutlierBps: 100},
			err:    oracle.ErrInsufficientPower, errContains: "within 100 bps",
		},
		{
			name:   "no votes",
			total:  100,
			params: oracle.DefaultParams(),
			err:    oracle.ErrNoVotes,
		},
		{
			name:   "negative power is refused",
			votes:  []oracle.Vote{vote("a", -1, 100), vote("b", 100, 100)},
			total:  100,
			params: oracle.DefaultParams(),
			err:    oracle.ErrInvalidVote,
		},
		{
			name:   "power beyond the total is refused",
			votes:  []oracle.Vote{vote("a", 60, 100), vote("b", 60, 100)},
			total:  100,
			params: oracle.DefaultParams(),
			err:    oracle.ErrInvalidVote,
		},
		{
			name:   "huge powers do not overflow",
			votes:  []oracle.Vote{vote("a", math.MaxInt64/2, 100), vote("b", math.MaxInt64/2+1, 100), vote("c", 1, 100)},
			total:  math.MaxInt64,
			params: oracle.DefaultParams(),
			err:    oracle.ErrInvalidVote,
		},
		{
			name:   "a validator voting twice is refused",
			votes:  []oracle.Vote{vote("a", 40, 100), vote("b", 20, 100), vote("a", 40, 101)},
			total:  100,
			params: oracle.DefaultParams(),
			err:    oracle.ErrDuplicateVote, errContains: `"a"`,
		},
		{
			name:   "a quorum of one half is refused",
			votes:  []oracle.Vote{vote("a", 100, 100)},
			total:  100,
			params: oracle.Params{QuorumNumerator: 1, QuorumDenominator: 2},
			err:    oracle.ErrInvalidParams,
		},
		{
			name:   "a zero total power is refused",
			votes:  []oracle.Vote{vote("a", 100, 100)},
			params: oracle.DefaultParams(),
			err:    oracle.ErrInvalidParams,
		},
		{
			name:   "the largest prices do not overflow the band check",
			votes:  []oracle.Vote{vote("a", 50, oracle.MaxPrice), vote("b", 50, oracle.MaxPrice-1), vote("c", 1, 1)},
			total:  101,
			params: oracle.Params{QuorumNumerator: 2, QuorumDenominator: 3, OutlierBps: 1},
			price:  oracle.MaxPrice - 1, firstPass: oracle.MaxPrice - 1, accepted: []string{"b", "a"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.votes)
			res, err := oracle.Aggregate(tc.votes, tc.total, tc.params, nil)
			if !slices.Equal(in, tc.votes) {
				t.Fatalf("Aggregate modified its input")
			}
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				if tc.errContains != "" && !containsStr(err.Error(), tc.errContains) {
					t.Fatalf("err = %q, want it to contain %q", err, tc.errContains)
				}
				if !hasPrefix(err.Error(), "oracle: ") {
					t.Fatalf("err %q lacks the oracle: prefix", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if res.Price != tc.price || res.FirstPass != tc.firstPass {
				t.Fatalf("price %d first pass %d, want %d and %d", res.Price, res.FirstPass, tc.price, tc.firstPass)
			}
			var got []string
			for _, v := range res.Accepted() {
				got = append(got, v.Validator)
			}
			if !slices.Equal(got, tc.accepted) {
				t.Fatalf("accepted %v, want %v", got, tc.accepted)
			}
			below, above := res.Rejected()
			if len(below)+len(above)+len(res.Accepted()) != len(res.Votes) {
				t.Fatalf("accepted and rejected do not partition the votes")
			}
		})
	}
}

func TestAggregatorDoesNotAllocate(t *testing.T) {
	votes, total := honestVotes(rand.New(rand.NewPCG(1, 2)), 100, 1_000_000, 50)
	var agg oracle.Aggregator
	if _, err := agg.Aggregate(votes, total, oracle.DefaultParams()); err != nil {
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(20, func() {
		if _, err := agg.Aggregate(votes, total, oracle.DefaultParams()); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per aggregation, want 0", allocs)
	}
}

// honestVotes returns n votes with random powers and prices within
// spreadBps of mid, and the sum of their powers.
func honestVotes(r *rand.Rand, n int, mid oracle.Price, spreadBps int64) ([]oracle.Vote, int64) {
	votes := make([]oracle.Vote, n)
	var total int64
	for i := range votes {
		off := r.Int64N(2*spreadBps+1) - spreadBps
		votes[i] = oracle.Vote{
			Validator: fmt.Sprintf("clearvalcons1%038d", i),
			Power:     1 + r.Int64N(1_000),
			Price:     mid + mid*oracle.Price(off)/oracle.BpsDenominator,
		}
		total += votes[i].Power
	}
	return votes, total
}

// bruteWeightedMedian is the definition of the lower weighted median,
// computed without sorting: the lowest vote price P such that the power
// priced at or below P is at least half of the power.
func bruteWeightedMedian(votes []oracle.Vote) oracle.Price {
	var sum int64
	for _, v := range votes {
		sum += v.Power
	}
	best := oracle.Price(-1)
	for _, c := range votes {
		var cum int64
		for _, v := range votes {
			if v.Price <= c.Price {
				cum += v.Power
			}
		}
		if 2*cum >= sum && (best < 0 || c.Price < best) {
			best = c.Price
		}
	}
	return best
}

func TestPropertyMedianMatchesDefinitionAndIsBounded(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	var agg oracle.Aggregator
	for iter := 0; iter < 2000; iter++ {
		n := 1 + r.IntN(12)
		votes := make([]oracle.Vote, n)
		var total int64
		for i := range votes {
			votes[i] = vote(fmt.Sprint("v", i), 1+r.Int64N(20), oracle.Price(1+r.Int64N(50)))
			total += votes[i].Power
		}
		p := oracle.Params{QuorumNumerator: 2, QuorumDenominator: 3, OutlierBps: uint64(r.IntN(3)) * 3000}
		res, err := agg.Aggregate(votes, total, p)
		if errors.Is(err, oracle.ErrInsufficientPower) && p.OutlierBps > 0 {
			continue
		}
		if err != nil {
			t.Fatalf("iteration %d: %v", iter, err)
		}
		acc := res.Accepted()
		if res.Price < acc[0].Price || res.Price > acc[len(acc)-1].Price {
			t.Fatalf("iteration %d: price %d outside accepted [%d,%d]", iter, res.Price, acc[0].Price, acc[len(acc)-1].Price)
		}
		if want := bruteWeightedMedian(votes); res.FirstPass != want {
			t.Fatalf("iteration %d: first pass %d, definition gives %d (votes %v)", iter, res.FirstPass, want, votes)
		}
		if want := bruteWeightedMedian(acc); res.Price != want {
			t.Fatalf("iteration %d: price %d, definition over accepted gives %d", iter, res.Price, want)
		}
		for _, v := range acc {
			if !oracle.WithinBps(v.Price, res.FirstPass, p.OutlierBps) && p.OutlierBps > 0 {
				t.Fatalf("iteration %d: accepted vote %v outside the band", iter, v)
			}
		}
		below, above := res.Rejected()
		for _, v := range append(slices.Clone(below), above...) {
			if oracle.WithinBps(v.Price, res.FirstPass, p.OutlierBps) {
				t.Fatalf("iteration %d: rejected vote %v inside the band", iter, v)
			}
		}
	}
}

func TestPropertyPermutationDoesNotChangeTheResult(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 13))
	var agg oracle.Aggregator
	for iter := 0; iter < 500; iter++ {
		votes, total := honestVotes(r, 1+r.IntN(40), oracle.Price(1+r.Int64N(1e12)), 1+r.Int64N(2000))
		// Some ties in price, to exercise the order of equal prices.
		for i := 1; i < len(votes); i += 3 {
			votes[i].Price = votes[i-1].Price
		}
		p := oracle.Params{QuorumNumerator: 2, QuorumDenominator: 3, OutlierBps: uint64(r.IntN(1000))}
		want, wantErr := agg.Aggregate(votes, total, p)
		wantVotes := slices.Clone(want.Votes)
		for k := 0; k < 5; k++ {
			r.Shuffle(len(votes), func(i, j int) { votes[i], votes[j] = votes[j], votes[i] })
			got, err := agg.Aggregate(votes, total, p)
			if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
				t.Fatalf("iteration %d: error %v after shuffle, %v before", iter, err, wantErr)
			}
			if got.Price != want.Price || got.FirstPass != want.FirstPass || got.AcceptedPower != want.AcceptedPower ||
				got.Lo != want.Lo || got.Hi != want.Hi || !slices.Equal(got.Votes, wantVotes) {
				t.Fatalf("iteration %d: result changed after shuffle", iter)
			}
		}
	}
}

// A minority of the power (< 1/3) voting wild values cannot move the price
// outside the range of the honest prices, with or without outlier
// rejection, and cannot make aggregation fail while the honest validators
// hold a quorum and agree within the outlier band.
func TestPropertyMinorityCannotMoveThePrice(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	var agg oracle.Aggregator
	for iter := 0; iter < 2000; iter++ {
		honest, honestPower := honestVotes(r, 1+r.IntN(30), 100_000_000, 50) // +-0.5%
		// The adversaries hold strictly less than a third of the total:
		// adv < (honest+adv)/3  <=>  2*adv < honest.
		budget := (honestPower - 1) / 2
		votes := slices.Clone(honest)
		for i := 0; budget > 0 && i < 10; i++ {
			pw := 1 + r.Int64N(budget)
			budget -= pw
			wild := oracle.Price(1 + r.Int64N(math.MaxInt64-1))
			if r.IntN(2) == 0 {
				wild = oracle.Price(1 + r.Int64N(1000))
			}
			votes = append(votes, vote(fmt.Sprint("adversary", i), pw, wild))
		}
		var total int64
		for _, v := range votes {
			total += v.Power
		}
		lo := slices.MinFunc(honest, func(a, b oracle.Vote) int { return int(a.Price - b.Price) }).Price
		hi := slices.MaxFunc(honest, func(a, b oracle.Vote) int { return int(a.Price - b.Price) }).Price
		for _, p := range []oracle.Params{noOutliers(), oracle.DefaultParams()} {
			res, err := agg.Aggregate(votes, total, p)
			if err != nil {
				t.Fatalf("iteration %d, outlier band %d: %v", iter, p.OutlierBps, err)
			}
			if res.Price < lo || res.Price > hi {
				t.Fatalf("iteration %d, outlier band %d: price %d outside honest range [%d,%d]", iter, p.OutlierBps, res.Price, lo, hi)
			}
		}
	}
}

// BenchmarkAggregate100x100 aggregates 100 feeds of 100 validators each per
// operation, as x/oracle does in PreBlock. The DESIGN.md budget is 5 ms/op.
func BenchmarkAggregate100x100(b *testing.B) {
	const feeds, validators = 100, 100
	r := rand.New(rand.NewPCG(42, 42))
	input := make([][]oracle.Vote, feeds)
	totals := make([]int64, feeds)
	for f := range input {
		input[f], totals[f] = honestVotes(r, validators, oracle.Price(1+r.Int64N(1e12)), 200)
		// A few outliers per feed so that the second pass runs.
		for i := 0; i < 3; i++ {
			input[f][r.IntN(validators)].Price *= 2
		}
	}
	var agg oracle.Aggregator
	p := oracle.DefaultParams()
	p.QuorumNumerator, p.QuorumDenominator = 3, 5
	b.ReportAllocs()
	b.ResetTimer()
	var sink oracle.Price
	for b.Loop() {
		for f := range input {
			res, err := agg.Aggregate(input[f], totals[f], p)
			if err != nil {
				b.Fatal(err)
			}
			sink += res.Price
		}
	}
	b.ReportMetric(float64(feeds)*float64(b.N)/b.Elapsed().Seconds(), "feeds/s")
	_ = sink
}
