package matching_test

import (
	"fmt"

	"github.com/clearchain/clearchain/matching"
)

// Example shows one block of a continuous market as x/exchange drives it:
// expire, report the reference price, apply the block's commands, read the
// events, then persist the touched levels.
func Example() {
	book := matching.NewBook(matching.Config{InitialOrders: 1024})
	events := make([]matching.Event, 0, 64) // reused every block

	events = book.ExpireUpTo(100, 1_700_000_000, events[:0])
	events = book.OnReferencePrice(1000, events)
	events = book.Apply([]matching.Command{
		{Kind: matching.CmdPlace, ID: 1, Owner: 10, Entity: 10, Side: matching.Sell, Price: 1001, Qty: 5},
		{Kind: matching.CmdPlace, ID: 2, Owner: 11, Entity: 11, Side: matching.Sell, Price: 1002, Qty: 5,
			TIF: matching.GTB, ExpireBlock: 120},
		{Kind: matching.CmdPlace, ID: 3, Owner: 12, Entity: 12, Side: matching.Buy, Price: 1002, Qty: 7, TIF: matching.IOC},
		{Kind: matching.CmdCancel, ID: 9, Owner: 12},
	}, events)
	for _, e := range events {
		fmt.Println(e)
	}

	bid, _, hasBid := book.BestBid()
	ask, askQty, _ := book.BestAsk()
	fmt.Println("best bid:", hasBid, bid, "best ask:", ask, askQty, "resting:", book.Len())

	// Persist one key per touched price level, then checkpoint.
	for _, k := range book.DirtyLevels(nil) {
		orders := book.LevelOrders(k, nil)
		fmt.Printf("level %s %d: %d orders\n", k.Side, k.Price, len(orders))
	}
	book.Checkpoint()

	// Output:
	// accepted id=1 owner=10 sell price=1001 qty=5
	// rested id=1 owner=10 sell price=1001 qty=5
	// accepted id=2 owner=11 sell price=1002 qty=5
	// rested id=2 owner=11 sell price=1002 qty=5
	// accepted id=3 owner=12 buy price=1002 qty=7
	// fill id=3 owner=12 buy maker=1 maker-owner=10 limit=1002 maker-limit=1001 price=1001 qty=5 rem=2 maker-rem=0
	// fill id=3 owner=12 buy maker=2 maker-owner=11 limit=1002 maker-limit=1002 price=1002 qty=2 rem=0 maker-rem=3
	// rejected id=9 owner=12 none reason=unknown-order
	// best bid: false 0 best ask: 1002 3 resting: 1
	// level sell 1001: 0 orders
	// level sell 1002: 1 orders
}

// ExampleBook_RunAuction shows a call auction: orders accumulate, then one
// uniform price clears them.
func ExampleBook_RunAuction() {
	book := matching.NewBook(matching.Config{Mode: matching.Auction})
	events := book.Apply([]matching.Command{
		{Kind: matching.CmdPlace, ID: 1, Owner: 1, Entity: 1, Side: matching.Buy, Price: 105, Qty: 5},
		{Kind: matching.CmdPlace, ID: 2, Owner: 2, Entity: 2, Side: matching.Sell, Price: 101, Qty: 3},
		{Kind: matching.CmdPlace, ID: 3, Owner: 3, Entity: 3, Side: matching.Sell, Price: 104, Qty: 4},
	}, nil)
	p, vol, _ := book.ClearingPrice(100)
	fmt.Println("indicative:", p, vol)
	for _, e := range book.RunAuction(100, events[:0]) {
		fmt.Println(e)
	}
	// Output:
	// indicative: 104 5
	// fill id=2 owner=2 sell maker=1 maker-owner=1 limit=101 maker-limit=105 price=104 qty=3 rem=0 maker-rem=2
	// fill id=3 owner=3 sell maker=1 maker-owner=1 limit=104 maker-limit=105 price=104 qty=2 rem=2 maker-rem=0
}
