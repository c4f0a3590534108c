package matching

import (
	"slices"
	"testing"
)

// Fixtures: names spell out their fields. Alice (owner 1) and Alicia (owner
// 2) belong to entity 7; Bob (owner 3) to entity 3.
var (
	Order_Alice_Id1_Sell5_Price100   = Command{Kind: CmdPlace, ID: 1, Owner: 1, Entity: 7, Side: Sell, Price: 100, Qty: 5}
	Order_Bob_Id2_Sell5_Price101     = Command{Kind: CmdPlace, ID: 2, Owner: 3, Entity: 3, Side: Sell, Price: 101, Qty: 5}
	Order_Bob_Id3_Buy5_Price98       = Command{Kind: CmdPlace, ID: 3, Owner: 3, Entity: 3, Side: Buy, Price: 98, Qty: 5}
	Order_Bob_Id4_Sell5_Price100     = Command{Kind: CmdPlace, ID: 4, Owner: 3, Entity: 3, Side: Sell, Price: 100, Qty: 5}
	Order_Alice_Id5_Buy5_Price98_GTB = Command{Kind: CmdPlace, ID: 5, Owner: 1, Entity: 7, Side: Buy, Price: 98, Qty: 5, TIF: GTB, ExpireBlock: 10}
	Order_Alice_Id6_Buy5_Price98_GTT = Command{Kind: CmdPlace, ID: 6, Owner: 1, Entity: 7, Side: Buy, Price: 98, Qty: 5, TIF: GTT, ExpireTime: 1000}
)

// taker returns an incoming order of Alicia (entity 7) with id 10.
func taker(side Side, price Price, qty Qty, mut func(*Command)) Command {
	c := Command{Kind: CmdPlace, ID: 10, Owner: 2, Entity: 7, Side: side, Price: price, Qty: qty}
	if mut != nil {
		mut(&c)
	}
	return c
}

func TestOrderTypesAndSTP(t *testing.T) {
	tests := map[string]struct {
		// State.
		mode    Mode
		resting []Command
		// Parameters.
		cmds []Command
		// Expectations.
		events []string // of the last command only
		bids   []Qty    // resting quantities in priority order
		asks   []Qty
	}{
		"A limit order that does not cross rests at its price.": {
			cmds:   []Command{taker(Buy, 99, 3, nil)},
			events: []string{"accepted id=10 owner=2 buy price=99 qty=3", "rested id=10 owner=2 buy price=99 qty=3"},
			bids:   []Qty{3},
		},
		"A crossing limit order fills at the maker's price, best price first, and rests the rest.": {
			resting: []Command{Order_Bob_Id4_Sell5_Price100, Order_Bob_Id2_Sell5_Price101},
			cmds:    []Command{taker(Buy, 102, 12, nil)},
			events: []string{"accepted id=10 owner=2 buy price=102 qty=12",
				"fill id=10 owner=2 buy maker=4 maker-owner=3 limit=102 maker-limit=100 price=100 qty=5 rem=7 maker-rem=0",
				"fill id=10 owner=2 buy maker=2 maker-owner=3 limit=102 maker-limit=101 price=101 qty=5 rem=2 maker-rem=0",
				"rested id=10 owner=2 buy price=102 qty=2"},
			bids: []Qty{2},
		},
		"A market order trades up to its worst price and cancels the rest.": {
			resting: []Command{Order_Bob_Id4_Sell5_Price100, Order_Bob_Id2_Sell5_Price101},
			cmds:    []Command{taker(Buy, 100, 7, func(c *Command) { c.Type = Market })},
			events: []string{"accepted id=10 owner=2 buy price=100 qty=7",
				"fill id=10 owner=2 buy maker=4 maker-owner=3 limit=100 maker-limit=100 price=100 qty=5 rem=2 maker-rem=0",
				"cancelled id=10 owner=2 buy price=100 qty=2 rem=0 reason=unfilled"},
			asks: []Qty{5},
		},
		"An IOC order fills what it can and cancels the rest.": {
			resting: []Command{Order_Bob_Id4_Sell5_Price100},
			cmds:    []Command{taker(Buy, 100, 6, func(c *Command) { c.TIF = IOC })},
			events: []string{"accepted id=10 owner=2 buy price=100 qty=6",
				"fill id=10 owner=2 buy maker=4 maker-owner=3 limit=100 maker-limit=100 price=100 qty=5 rem=1 maker-rem=0",
				"cancelled id=10 owner=2 buy price=100 qty=1 rem=0 reason=unfilled"},
		},
		"A FOK order that cannot fill entirely is rejected and the book is untouched.": {
			resting: []Command{Order_Bob_Id4_Sell5_Price100},
			cmds:    []Command{taker(Buy, 100, 6, func(c *Command) { c.TIF = FOK })},
			events:  []string{"rejected id=10 owner=2 buy reason=fok-unfillable"},
			asks:    []Qty{5},
		},
		"A FOK order that can fill entirely fills.": {
			resting: []Command{Order_Bob_Id4_Sell5_Price100, Order_Bob_Id2_Sell5_Price101},
			cmds:    []Command{taker(Buy, 101, 6, func(c *Command) { c.TIF = FOK })},
			events: []string{"accepted id=10 owner=2 buy price=101 qty=6",
				"fill id=10 owner=2 buy maker=4 maker-owner=3 limit=101 maker-limit=100 price=100 qty=5 rem=1 maker-rem=0",
				"fill id=10 owner=2 buy maker=2 maker-owner=3 limit=101 maker-limit=101 price=101 qty=1 rem=0 maker-rem=4"},
			asks: []Qty{4},
		},
		"A post-only order that would cross is rejected.": {
			resting: []Command{Order_Bob_Id4_Sell5_Price100},
			cmds:    []Command{taker(Buy, 100, 1, func(c *Command) { c.PostOnly = true })},
			events:  []string{"rejected id=10 owner=2 buy reason=would-cross"},
			asks:    []Qty{5},
		},
		"A post-only order that does not cross rests.": {
			resting: []Command{Order_Bob_Id4_Sell5_Price100},
			cmds:    []Command{taker(Buy, 99, 1, func(c *Command) { c.PostOnly = true })},
			events:  []string{"accepted id=10 owner=2 buy price=99 qty=1", "rested id=10 owner=2 buy price=99 qty=1"},
			bids:    []Qty{1},
			asks:    []Qty{5},
		},
		"A good-til-block order expires at its block, not before.": {
			resting: []Command{Order_Alice_Id5_Buy5_Price98_GTB, Order_Bob_Id3_Buy5_Price98},
			cmds:    []Command{{Kind: CmdExpire, ExpireBlock: 9}, {Kind: CmdExpire, ExpireBlock: 10}},
			events:  []string{"expired id=5 owner=1 buy price=98 qty=5"},
			bids:    []Qty{5},
		},
		"A good-til-time order expires at its time.": {
			resting: []Command{Order_Alice_Id6_Buy5_Price98_GTT},
			cmds:    []Command{{Kind: CmdExpire, ExpireTime: 1000}},
			events:  []string{"expired id=6 owner=1 buy price=98 qty=5"},
		},
		"A stop-limit order waits until the reference price reaches its trigger, then trades.": {
			resting: []Command{Order_Bob_Id4_Sell5_Price100},
			cmds: []Command{taker(Buy, 100, 2, func(c *Command) { c.Type, c.TriggerPrice = StopLimit, 105 }),
				{Kind: CmdReferencePrice, Price: 104}, {Kind: CmdReferencePrice, Price: 105}},
			events: []string{"triggered id=10 owner=2 buy price=100 qty=2",
				"fill id=10 owner=2 buy maker=4 maker-owner=3 limit=100 maker-limit=100 price=100 qty=2 rem=0 maker-rem=3"},
			asks: []Qty{3},
		},
		"A stop-market sell triggers when the reference price falls to its trigger.": {
			resting: []Command{Order_Bob_Id3_Buy5_Price98},
			cmds: []Command{taker(Sell, 1, 7, func(c *Command) { c.Type, c.TriggerPrice = StopMarket, 99 }),
				{Kind: CmdReferencePrice, Price: 99}},
			events: []string{"triggered id=10 owner=2 sell price=1 qty=7",
				"fill id=10 owner=2 sell maker=3 maker-owner=3 limit=1 maker-limit=98 price=98 qty=5 rem=2 maker-rem=0",
				"cancelled id=10 owner=2 sell price=1 qty=2 rem=0 reason=unfilled"},
		},
		"A quantity decrease at the same price keeps the order's priority.": {
			resting: []Command{Order_Alice_Id1_Sell5_Price100, Order_Bob_Id4_Sell5_Price100},
			cmds:    []Command{{Kind: CmdModify, ID: 1, Owner: 1, Price: 100, Qty: 2}},
			events:  []string{"cancelled id=1 owner=1 sell price=100 qty=3 rem=2 reason=reduced"},
			asks:    []Qty{2, 5},
		},
		"A modify that changes the price loses priority.": {
			resting: []Command{Order_Alice_Id1_Sell5_Price100, Order_Bob_Id2_Sell5_Price101},
			cmds:    []Command{{Kind: CmdModify, ID: 1, Owner: 1, Price: 101, Qty: 5}},
			events: []string{"cancelled id=1 owner=1 sell price=100 qty=5 rem=0 reason=replaced",
				"accepted id=1 owner=1 sell price=101 qty=5", "rested id=1 owner=1 sell price=101 qty=5"},
			asks: []Qty{5, 5},
		},
		"Cancelling an order that is not resting is rejected with a reason.": {
			cmds:   []Command{{Kind: CmdCancel, ID: 42, Owner: 1}},
			events: []string{"rejected id=42 owner=1 none reason=unknown-order"},
		},
		"STP cancel-newest cancels the taker and leaves the maker.": {
			resting: []Command{Order_Alice_Id1_Sell5_Price100},
			cmds:    []Command{taker(Buy, 100, 3, func(c *Command) { c.STP = STPCancelNewest })},
			events: []string{"accepted id=10 owner=2 buy price=100 qty=3",
				"cancelled id=10 owner=2 buy price=100 qty=3 rem=0 reason=self-trade"},
			asks: []Qty{5},
		},
		"STP cancel-oldest cancels the maker and goes on matching.": {
			resting: []Command{Order_Alice_Id1_Sell5_Price100, Order_Bob_Id4_Sell5_Price100},
			cmds:    []Command{taker(Buy, 100, 3, func(c *Command) { c.STP = STPCancelOldest })},
			events: []string{"accepted id=10 owner=2 buy price=100 qty=3",
				"cancelled id=1 owner=1 sell price=100 qty=5 rem=0 reason=self-trade",
				"fill id=10 owner=2 buy maker=4 maker-owner=3 limit=100 maker-limit=100 price=100 qty=3 rem=0 maker-rem=2"},
			asks: []Qty{2},
		},
		"STP cancel-both cancels the maker and the taker.": {
			resting: []Command{Order_Alice_Id1_Sell5_Price100, Order_Bob_Id4_Sell5_Price100},
			cmds:    []Command{taker(Buy, 100, 3, func(c *Command) { c.STP = STPCancelBoth })},
			events: []string{"accepted id=10 owner=2 buy price=100 qty=3",
				"cancelled id=1 owner=1 sell price=100 qty=5 rem=0 reason=self-trade",
				"cancelled id=10 owner=2 buy price=100 qty=3 rem=0 reason=self-trade"},
			asks: []Qty{5},
		},
		"STP decrement shrinks both by the overlap and cancels the smaller taker.": {
			resting: []Command{Order_Alice_Id1_Sell5_Price100},
			cmds:    []Command{taker(Buy, 100, 3, func(c *Command) { c.STP = STPDecrement })},
			events: []string{"accepted id=10 owner=2 buy price=100 qty=3",
				"cancelled id=1 owner=1 sell price=100 qty=3 rem=2 reason=self-trade",
				"cancelled id=10 owner=2 buy price=100 qty=3 rem=0 reason=self-trade"},
			asks: []Qty{2},
		},
		"STP decrement cancels the smaller maker and the taker trades on.": {
			resting: []Command{Order_Alice_Id1_Sell5_Price100, Order_Bob_Id4_Sell5_Price100},
			cmds:    []Command{taker(Buy, 100, 7, func(c *Command) { c.STP = STPDecrement })},
			events: []string{"accepted id=10 owner=2 buy price=100 qty=7",
				"cancelled id=1 owner=1 sell price=100 qty=5 rem=0 reason=self-trade",
				"cancelled id=10 owner=2 buy price=100 qty=5 rem=2 reason=self-trade",
				"fill id=10 owner=2 buy maker=4 maker-owner=3 limit=100 maker-limit=100 price=100 qty=2 rem=0 maker-rem=3"},
			asks: []Qty{3},
		},
		"An auction clears crossing orders at one price and rests the rest.": {
			mode:    Auction,
			resting: []Command{Order_Bob_Id4_Sell5_Price100, Order_Bob_Id2_Sell5_Price101},
			cmds:    []Command{taker(Buy, 101, 7, nil), {Kind: 7}},
			events: []string{"fill id=10 owner=2 buy maker=4 maker-owner=3 limit=101 maker-limit=100 price=101 qty=5 rem=2 maker-rem=0",
				"fill id=10 owner=2 buy maker=2 maker-owner=3 limit=101 maker-limit=101 price=101 qty=2 rem=0 maker-rem=3"},
			asks: []Qty{3},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			b := NewBook(Config{Mode: tc.mode})
			out := b.Apply(tc.resting, nil)
			for _, e := range out {
				if e.Kind == EvRejected {
					t.Fatalf("set-up rejected: %v", e)
				}
			}
			for _, c := range tc.cmds {
				if c.Kind == 7 { // stands for RunAuction in this table
					out = b.RunAuction(100, out[:0])
				} else {
					out = b.Apply([]Command{c}, out[:0])
				}
				if err := b.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, e := range out {
				got = append(got, e.String())
			}
			if !slices.Equal(got, tc.events) {
				t.Errorf("events:\n got %q\nwant %q", got, tc.events)
			}
			qtys := func(s Side) []Qty {
				var q []Qty
				b.Iterate(s, func(o Order) bool { q = append(q, o.Qty); return true })
				return q
			}
			if got := qtys(Buy); !slices.Equal(got, tc.bids) {
				t.Errorf("bids %v, want %v", got, tc.bids)
			}
			if got := qtys(Sell); !slices.Equal(got, tc.asks) {
				t.Errorf("asks %v, want %v", got, tc.asks)
			}
		})
	}
}

// TestCommandsNeverPanic feeds every kind of malformed command to both modes.
func TestCommandsNeverPanic(t *testing.T) {
	for _, mode := range []Mode{Continuous, Auction} {
		b := NewBook(Config{Mode: mode})
		var out []Event
		for k := 0; k < 10; k++ {
			for _, c := range []Command{
				{Kind: CommandKind(k)}, {Kind: CommandKind(k), ID: 1, Side: 9, Price: -5, Qty: 1},
				{Kind: CommandKind(k), ID: 1, Side: Buy, Price: MaxPrice + 1, Qty: 1},
				{Kind: CommandKind(k), ID: 1, Side: Sell, Price: 1, Qty: MaxQty + 1, Type: 4, TIF: 5, STP: 4},
			} {
				out = b.Apply([]Command{c}, out[:0])
				if err := b.CheckInvariants(); err != nil {
					t.Fatal(err)
				}
			}
		}
		if b.Len() != 0 {
			t.Fatalf("malformed commands left %d orders", b.Len())
		}
	}
}

// TestApplySteadyStateDoesNotAllocate checks the zero-allocation claim
// outside benchmarks: once pools, index and event buffer have capacity, a
// mixed batch allocates nothing.
func TestApplySteadyStateDoesNotAllocate(t *testing.T) {
	m := newMixedBench(7, 2000, 20_000, 20_000, nil)
	b := m.build(t)
	out := make([]Event, 0, 1<<16)
	// Warm the pools with the stream once on a copy-free path: apply the
	// first half, measure the second.
	half := len(m.stream) / 2
	out = b.Apply(m.stream[:half], out[:0])
	pos := half
	allocs := testing.AllocsPerRun(100, func() {
		if pos+64 > len(m.stream) {
			return
		}
		out = b.Apply(m.stream[pos:pos+64], out[:0])
		pos += 64
	})
	if allocs != 0 {
		t.Fatalf("Apply allocated %.1f times per batch", allocs)
	}
}

func TestOwnerOrdersVisitsOnlyTheOwnersLiveOrders(t *testing.T) {
	b := NewBook(Config{})
	stop := Command{Kind: CmdPlace, ID: 7, Owner: 1, Entity: 7, Side: Buy, Type: StopLimit, Price: 105, TriggerPrice: 104, Qty: 2}
	b.Apply([]Command{Order_Alice_Id1_Sell5_Price100, Order_Bob_Id2_Sell5_Price101, Order_Bob_Id3_Buy5_Price98,
		Order_Alice_Id5_Buy5_Price98_GTB, stop}, nil)
	var ids []OrderID
	b.OwnerOrders(1, func(o Order) bool {
		if o.Owner != 1 {
			t.Fatalf("order %d of owner %d", o.ID, o.Owner)
		}
		ids = append(ids, o.ID)
		return true
	})
	slices.Sort(ids)
	if want := []OrderID{1, 5, 7}; !slices.Equal(ids, want) {
		t.Fatalf("owner 1: got %v, want %v", ids, want)
	}
	n := 0
	b.OwnerOrders(1, func(Order) bool { n++; return false })
	if n != 1 {
		t.Fatalf("stopping early: %d calls", n)
	}
	b.Apply([]Command{{Kind: CmdCancel, ID: 1, Owner: 1}}, nil)
	b.OwnerOrders(1, func(o Order) bool {
		if o.ID == 1 {
			t.Fatal("cancelled order visited")
		}
		return true
	})
	b.OwnerOrders(99, func(Order) bool { t.Fatal("unknown owner visited"); return true })
	if a := testing.AllocsPerRun(100, func() { b.OwnerOrders(3, func(Order) bool { return true }) }); a != 0 {
		t.Fatalf("OwnerOrders allocates %v", a)
	}
}
