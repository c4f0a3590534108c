package matching

import "testing"

// TestBoundedExpiryAndTriggers: ExpireUpToN and OnReferencePriceN do at most
// their limit of work a call, in the order of the unbounded calls, and leave
// the rest for the next call; OwnerCount follows every change.
func TestBoundedExpiryAndTriggers(t *testing.T) {
	b := NewBook(Config{})
	var id OrderID
	place := func(c Command) {
		id++
		c.Kind, c.ID = CmdPlace, id
		if ev := b.Apply([]Command{c}, nil); len(ev) == 0 || ev[0].Kind != EvAccepted {
			t.Fatalf("place %d: %v", id, ev)
		}
	}
	// Seven GTB bids of owner 1 expiring at 5, 6, ..., 11; two GTT bids.
	for i := int64(0); i < 7; i++ {
		place(Command{Owner: 1, Side: Buy, Price: 90, Qty: 1, TIF: GTB, ExpireBlock: 5 + i})
	}
	for i := int64(0); i < 2; i++ {
		place(Command{Owner: 1, Side: Buy, Price: 91, Qty: 1, TIF: GTT, ExpireTime: 100 + i})
	}
	if n := b.OwnerCount(1); n != 9 {
		t.Fatalf("OwnerCount = %d, want 9", n)
	}
	var got []OrderID
	expire := func(max int) bool {
		ev, done := b.ExpireUpToN(20, 200, max, nil)
		if max >= 0 && len(ev) > max {
			t.Fatalf("%d expiries over the limit %d", len(ev), max)
		}
		for _, e := range ev {
			got = append(got, e.OrderID)
		}
		return done
	}
	if expire(4) || expire(0) || expire(4) || !expire(4) {
		t.Fatal("done reported wrongly")
	}
	want := []OrderID{1, 2, 3, 4, 5, 6, 7, 8, 9}
	if len(got) != len(want) {
		t.Fatalf("expired %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("expired %v, want %v", got, want)
		}
	}
	if n := b.OwnerCount(1); n != 0 {
		t.Fatalf("OwnerCount after expiry = %d", n)
	}
	// Stops: five buy stops (triggers 101..105) of owner 2, asks to hit.
	for i := Price(0); i < 5; i++ {
		place(Command{Owner: 2, Side: Buy, Type: StopLimit, Price: 120, TriggerPrice: 101 + i, Qty: 1})
	}
	place(Command{Owner: 3, Side: Sell, Price: 110, Qty: 10})
	if n := b.OwnerCount(2); n != 5 {
		t.Fatalf("OwnerCount(2) = %d, want 5", n)
	}
	triggered := func(ev []Event) (n int) {
		for _, e := range ev {
			if e.Kind == EvTriggered {
				n++
			}
		}
		return n
	}
	ev, done := b.OnReferencePriceN(110, 2, nil)
	if done || triggered(ev) != 2 || b.StopLen() != 3 {
		t.Fatalf("first report: done=%v triggered=%d left=%d", done, triggered(ev), b.StopLen())
	}
	ev, done = b.OnReferencePriceN(110, 5, nil)
	if !done || triggered(ev) != 3 || b.StopLen() != 0 {
		t.Fatalf("second report: done=%v triggered=%d left=%d", done, triggered(ev), b.StopLen())
	}
	if n := b.OwnerCount(2); n != 0 {
		t.Fatalf("OwnerCount(2) after the fills = %d", n)
	}
	if n := b.OwnerCount(3); n != 1 {
		t.Fatalf("OwnerCount(3) = %d, want 1", n)
	}
	if err := b.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}

// TestDueOrdersNeverTrade: a due order ExpireUpToN's limit left in the book
// is expired by the taker that meets it, never filled.
func TestDueOrdersNeverTrade(t *testing.T) {
	b := NewBook(Config{})
	b.Apply([]Command{
		{Kind: CmdPlace, ID: 1, Owner: 1, Entity: 1, Side: Sell, Price: 100, Qty: 1, TIF: GTB, ExpireBlock: 5},
		{Kind: CmdPlace, ID: 2, Owner: 2, Entity: 2, Side: Sell, Price: 101, Qty: 1},
	}, nil)
	if _, done := b.ExpireUpToN(5, 0, 0, nil); done {
		t.Fatal("nothing expired, yet done")
	}
	fok := Command{Kind: CmdPlace, ID: 3, Owner: 3, Entity: 3, Side: Buy, Price: 101, Qty: 2, TIF: FOK}
	if ev := b.Apply([]Command{fok}, nil); ev[len(ev)-1].Kind != EvRejected {
		t.Fatalf("FOK counted a due order: %v", ev)
	}
	ev := b.Apply([]Command{{Kind: CmdPlace, ID: 4, Owner: 3, Entity: 3, Side: Buy, Price: 101, Qty: 1}}, nil)
	if len(ev) != 3 || ev[1].Kind != EvExpired || ev[1].OrderID != 1 || ev[2].Kind != EvFill || ev[2].MakerID != 2 {
		t.Fatalf("events %v", ev)
	}
	if err := b.CheckInvariants(); err != nil {
		t.Fatal(err)
	}
}
