package matching

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

var long = flag.Bool("long", false, "run the long differential test (also MATCHING_LONG=1)")

func longRun() bool { return *long || os.Getenv("MATCHING_LONG") == "1" }

type idOwner struct {
	id    OrderID
	owner OwnerID
}

// cmdGen generates random commands over a narrow price band so that orders
// cross, collide with their own entity, expire, trigger and get modified.
type cmdGen struct {
	rng    *rand.Rand
	nextID OrderID
	recent [48]idOwner
	nrec   int
	block  int64
	time   int64
	mid    Price
	// lookup returns the live order with this id, if any (for modifies
	// that reduce in place).
	lookup func(OrderID) (Order, bool)
}

func newCmdGen(seed uint64, lookup func(OrderID) (Order, bool)) *cmdGen {
	return &cmdGen{rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), nextID: 1, mid: 20, lookup: lookup}
}

func (g *cmdGen) pick() idOwner {
	if g.nrec == 0 {
		return idOwner{id: 999999, owner: 1}
	}
	n := min(g.nrec, len(g.recent))
	return g.recent[g.rng.IntN(n)]
}

func (g *cmdGen) price() Price {
	p := g.mid + Price(g.rng.IntN(11)) - 5
	if p < 1 {
		p = 1
	}
	return p
}

func (g *cmdGen) command() Command {
	r := g.rng
	x := r.IntN(100)
	switch {
	case x < 55:
		return g.place()
	case x < 70:
		p := g.pick()
		if r.IntN(20) == 0 {
			p.owner++
		}
		return Command{Kind: CmdCancel, ID: p.id, Owner: p.owner}
	case x < 86:
		p := g.pick()
		c := Command{Kind: CmdModify, ID: p.id, Owner: p.owner, Price: g.price(), Qty: Qty(1 + r.IntN(10))}
		if o, ok := g.lookup(p.id); ok {
			switch y := r.IntN(10); {
			case y < 4 && o.Qty > 1:
				c.Price, c.Qty = o.Price, Qty(1+r.IntN(int(o.Qty-1)))
			case y == 4:
				c.Price, c.Qty = o.Price, o.Qty
			case y == 5:
				c.Price = o.Price
			}
		}
		if r.IntN(50) == 0 {
			c.Qty = 0
		}
		if r.IntN(30) == 0 {
			c.Owner++
		}
		return c
	case x < 88:
		return Command{Kind: CmdMassCancel, Owner: OwnerID(1 + r.IntN(6)), Side: Side(r.IntN(3))}
	case x < 93:
		g.block += int64(r.IntN(2))
		g.time += int64(r.IntN(3))
		return Command{Kind: CmdExpire, ExpireBlock: g.block, ExpireTime: g.time}
	case x < 99:
		return Command{Kind: CmdReferencePrice, Price: g.price()}
	default:
		return Command{Kind: CommandKind(r.IntN(9)), ID: OrderID(r.IntN(5)), Side: Side(r.IntN(4)), Price: g.price(), Qty: 1}
	}
}

func (g *cmdGen) place() Command {
	r := g.rng
	g.mid += Price(r.IntN(3)) - 1
	g.mid = min(max(g.mid, 8), 40)
	owner := OwnerID(1 + r.IntN(6))
	c := Command{
		Kind: CmdPlace, Owner: owner, Entity: EntityID(owner % 4), Side: Side(1 + r.IntN(2)),
		Price: g.price(), Qty: Qty(1 + r.IntN(10)), STP: STPMode(r.IntN(4)),
	}
	switch y := r.IntN(100); {
	case y < 65:
		c.Type = Limit
	case y < 77:
		c.Type = Market
	case y < 92:
		c.Type = StopLimit
	default:
		c.Type = StopMarket
	}
	if c.Type == StopLimit || c.Type == StopMarket {
		c.TriggerPrice = g.price()
	}
	switch y := r.IntN(100); {
	case y < 45:
		c.TIF = GTC
	case y < 60:
		c.TIF = GTB
		c.ExpireBlock = g.block + int64(r.IntN(4))
	case y < 72:
		c.TIF = GTT
		c.ExpireTime = g.time + int64(r.IntN(6))
	case y < 88:
		c.TIF = IOC
	default:
		c.TIF = FOK
	}
	if r.IntN(10) == 0 {
		c.PostOnly = true
	}
	switch r.IntN(200) {
	case 0:
		c.Price = 0
	case 1:
		c.Qty = 0
	case 2:
		c.Qty = MaxQty + 1
	case 3:
		c.STP = 7
	case 4:
		c.TIF = 9
	case 5:
		c.Type = 9
	}
	if r.IntN(25) == 0 && g.nrec > 0 {
		c.ID = g.pick().id // likely a duplicate
	} else {
		c.ID = g.nextID
		g.nextID++
		g.recent[g.nrec%len(g.recent)] = idOwner{c.ID, owner}
		g.nrec++
	}
	return c
}

func collect(b *Book, stops bool, s Side) []Order {
	var v []Order
	fn := func(o Order) bool { v = append(v, o); return true }
	if stops {
		b.IterateStops(s, fn)
	} else {
		b.Iterate(s, fn)
	}
	return v
}

func formatEvents(evs []Event) string {
	var sb strings.Builder
	for _, e := range evs {
		sb.WriteString("  " + e.String() + "\n")
	}
	return sb.String()
}

// store is the test's stand-in for x/exchange's state: one entry per level,
// kept up to date from DirtyLevels at every checkpoint.
type store map[LevelKey][]Order

// deltaStats counts the levels persisted from a LevelDelta and those
// rewritten whole.
var deltaStats struct{ applied, rewritten int }

func (s store) persist(t testing.TB, b *Book) {
	t.Helper()
	for _, k := range b.DirtyLevels(nil) {
		orders := b.LevelOrders(k, nil)
		// LevelDelta applied to the stored level must give the same orders.
		// A level emptied and created again since reports OldCount 0.
		if d, old := b.LevelDelta(k), s[k]; !d.Rewrite && (len(old) == d.OldCount || d.OldCount == 0) {
			if d.Count != len(orders) {
				t.Fatalf("level %+v: delta %+v, now %d orders", k, d, len(orders))
			}
			if len(old) != d.OldCount {
				old = nil
			}
			got := slices.Clone(old[d.HeadRemoved:])
			if d.HeadChanged {
				got[0].Qty = d.HeadQty
			}
			got = b.LevelTail(k, d.Appended, got)
			if !slices.Equal(got, orders) {
				t.Fatalf("level %+v: delta %+v gives\n%+v\nwant\n%+v", k, d, got, orders)
			}
			deltaStats.applied++
		} else {
			deltaStats.rewritten++
		}
		if len(orders) == 0 {
			delete(s, k)
		} else {
			s[k] = orders
		}
	}
	b.Checkpoint()
}

// restore rebuilds a book from the store, loading levels in sorted order.
func (s store) restore(t testing.TB, mode Mode, m Meta) *Book {
	keys := make([]LevelKey, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareKeys)
	nb := NewBook(Config{Mode: mode})
	for _, k := range keys {
		for _, o := range s[k] {
			if err := nb.LoadOrder(o); err != nil {
				t.Fatalf("LoadOrder(%+v): %v", o, err)
			}
		}
	}
	if err := nb.SetMeta(m); err != nil {
		t.Fatal(err)
	}
	nb.Checkpoint()
	return nb
}

func runDifferential(t *testing.T, mode Mode, seed uint64, n int, banded bool) {
	b := NewBook(Config{Mode: mode})
	ref := &refBook{mode: mode}
	g := newCmdGen(seed, func(id OrderID) (Order, bool) {
		if o := ref.find(id); o != nil {
			return o.Order, true
		}
		return Order{}, false
	})
	st := store{}
	var out []Event
	cmds := make([]Command, 1)
	var kinds [8]int
	var reasons [reasonCount]int
	maxLen := 0
	defer func() {
		t.Logf("events by kind %v; by reason %v; max resting %d; levels persisted by delta %d, whole %d",
			kinds, reasons, maxLen, deltaStats.applied, deltaStats.rewritten)
	}()
	check := func(i int, what string) {
		t.Helper()
		if !slices.Equal(out, ref.out) {
			t.Fatalf("seed %d step %d (%s): events differ\nengine:\n%sreference:\n%s", seed, i, what, formatEvents(out), formatEvents(ref.out))
		}
		for _, e := range out {
			kinds[e.Kind]++
			reasons[e.Reason]++
		}
		maxLen = max(maxLen, b.Len())
	}
	setBand := func() {
		if ref.bandLo == 0 {
			b.SetBand(0, 0)
		} else {
			b.SetBand(ref.bandLo, ref.bandHi)
		}
	}
	for i := 0; i < n; i++ {
		if banded && i%300 == 0 {
			// A band around the generator's mid price (prices stay within
			// mid ± 5), sometimes off.
			if g.rng.IntN(4) == 0 {
				ref.bandLo, ref.bandHi = 0, 0
			} else {
				ref.bandLo = max(1, g.mid-Price(g.rng.IntN(5)))
				ref.bandHi = g.mid + Price(g.rng.IntN(5))
			}
			setBand()
		}
		cmds[0] = g.command()
		out = b.Apply(cmds, out[:0])
		ref.out = ref.out[:0]
		ref.apply(cmds[0])
		check(i, fmt.Sprintf("%+v", cmds[0]))
		if mode == Auction && i%20 == 19 {
			p := g.price()
			out = b.RunAuction(p, out[:0])
			ref.out = ref.out[:0]
			ref.auction(p)
			check(i, fmt.Sprintf("auction ref %d", p))
		}
		if i < 20000 || i%64 == 0 {
			if err := b.CheckInvariants(); err != nil {
				t.Fatalf("seed %d step %d after %+v: %v", seed, i, cmds[0], err)
			}
		}
		if i%256 == 0 {
			for _, s := range []Side{Buy, Sell} {
				if got, want := collect(b, false, s), ref.orders(s); !slices.Equal(got, want) {
					t.Fatalf("seed %d step %d: %s side differs\nengine: %+v\nreference: %+v", seed, i, s, got, want)
				}
				if got, want := collect(b, true, s), ref.stops(s); !slices.Equal(got, want) {
					t.Fatalf("seed %d step %d: %s stops differ\nengine: %+v\nreference: %+v", seed, i, s, got, want)
				}
			}
		}
		if i%500 == 499 || (i < 5000 && i%7 == 6) {
			st.persist(t, b)
		}
		if i%5000 == 4999 {
			// Restart from the persisted levels: the rebuilt book must go
			// on exactly as the reference that never stopped.
			b = st.restore(t, mode, b.Meta())
			setBand() // not persisted: the caller sets it again
			if err := b.CheckInvariants(); err != nil {
				t.Fatalf("seed %d step %d: restored book: %v", seed, i, err)
			}
		}
	}
}

// TestDifferential runs random commands through Book and refBook and requires
// identical events and identical books, including across restarts from the
// persisted levels. 200k commands by default; -long or MATCHING_LONG=1 runs
// 4M.
func TestDifferential(t *testing.T) {
	n := 50_000
	if longRun() {
		n = 1_000_000
	}
	for i, mode := range []Mode{Continuous, Continuous, Auction, Auction} {
		seed := uint64(i + 1)
		t.Run(fmt.Sprintf("%s/seed%d", mode, seed), func(t *testing.T) {
			runDifferential(t, mode, seed, n, false)
		})
	}
	// With a price band that changes every 300 commands (continuous).
	for _, seed := range []uint64{11, 12} {
		t.Run(fmt.Sprintf("band/seed%d", seed), func(t *testing.T) {
			runDifferential(t, Continuous, seed, n, true)
		})
	}
}
