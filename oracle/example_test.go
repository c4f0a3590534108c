package oracle_test

import (
	"errors"
	"fmt"

	"github.com/clearchain/clearchain/oracle"
)

// Aggregating one feed with 8 decimals from four validators' vote
// extensions: dave's price is an outlier and is dropped.
func Example() {
	votes := []oracle.Vote{
		{Validator: "alice", Power: 40, Price: 10_0000_0000}, // 10.00
		{Validator: "bob", Power: 25, Price: 10_0500_0000},   // 10.05
		{Validator: "carol", Power: 20, Price: 9_9800_0000},  // 9.98
		{Validator: "dave", Power: 15, Price: 55_0000_0000},  // 55.00
	}
	var agg oracle.Aggregator // reuse across feeds and blocks: no allocation
	res, err := agg.Aggregate(votes, 100, oracle.DefaultParams())
	if err != nil {
		fmt.Println(err)
		return
	}
	below, above := res.Rejected()
	fmt.Println("price:", res.Price, "accepted power:", res.AcceptedPower, "outliers:", len(below)+len(above), above[0].Validator)

	// Too little power voted: no price this block.
	_, err = agg.Aggregate(votes[:2], 100, oracle.DefaultParams())
	fmt.Println(errors.Is(err, oracle.ErrInsufficientPower), err)
	// Output:
	// price: 1000000000 accepted power: 85 outliers: 1 dave
	// true oracle: insufficient voting power: 65 of 100 voted, quorum is 2/3
}

func ExampleCheckStaleness() {
	last := oracle.Observation{Price: 10_0000_0000, Height: 100, Time: 1_700_000_000}
	limits := oracle.StalenessLimits{MaxBlocks: 10, MaxAge: 60} // seconds
	fmt.Println(oracle.CheckStaleness(last, 105, 1_700_000_030, limits))
	fmt.Println(oracle.CheckStaleness(last, 105, 1_700_000_090, limits))
	// Output:
	// fresh
	// stale: too old (90 > 60)
}

func ExampleCheckDeviation() {
	prev := oracle.Observation{Price: 10_0000_0000, Height: 100}
	// 2% in one block against a 1% per block breaker.
	st := oracle.CheckDeviation(prev, 10_2000_0000, 101, 100)
	fmt.Println(st.OK(), st)
	// The same move over three blocks is allowed.
	fmt.Println(oracle.CheckDeviation(prev, 10_2000_0000, 103, 100))
	// Output:
	// false breaker: deviation (200 > 100)
	// fresh
}

func ExampleRing_TWAP() {
	ring, _ := oracle.NewRing(64)
	_ = ring.Push(oracle.Sample{Time: 0, Price: 100})
	_ = ring.Push(oracle.Sample{Time: 30, Price: 200})
	twap, _ := ring.TWAP(40, 40) // 100 for 30s, 200 for 10s
	fmt.Println(twap)
	// Output: 125
}

func ExampleFeederMedian() {
	subs := []oracle.Submission{
		{Feeder: "greencert-a", Time: 100, Price: 4_200},
		{Feeder: "greencert-b", Time: 104, Price: 4_300},
		{Feeder: "greencert-a", Time: 110, Price: 4_250}, // replaces a's earlier one
	}
	price, feeders, err := oracle.FeederMedian(subs, 120, 60, 2, nil)
	fmt.Println(price, feeders, err)
	// Output: 4275 2 <nil>
}
