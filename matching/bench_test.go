package matching

import (
	"math/rand/v2"
	"runtime"
	"testing"
)

// Benchmarks use fixed seeds, build books and command streams before the
// timer, apply commands in batches of benchBatch (as x/exchange does per
// block) and count one op per command.

const benchBatch = 64

func reportRate(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// mixGen generates a realistic order flow: the mid price does a random walk,
// passive orders land at power-law distances from the touch, most resting
// orders are cancelled, ~20% of commands modify, ~15% are crossing IOC
// orders, and some passive orders cross after the mid moved. Every command is
// applied to a shadow book as it is generated, so the generator knows which
// orders are live: cancels and modifies name live orders, as a market
// maker's would, and the stream replays identically from the same start.
type mixGen struct {
	r      *rand.Rand
	mid    Price
	nextID OrderID
	live   []benchLive
	pos    map[OrderID]int
	target int
	n      int
	shadow *Book
	out    []Event
}

type benchLive struct {
	id    OrderID
	owner OwnerID
	price Price
	qty   Qty
}

func newMixGen(seed uint64, target int) *mixGen {
	return &mixGen{r: rand.New(rand.NewPCG(seed, 42)), mid: 1_000_000, nextID: 1, target: target,
		pos: map[OrderID]int{}, shadow: NewBook(Config{})}
}

// load puts resting orders into the shadow book and the live set.
func (g *mixGen) load(orders []Order) {
	for _, o := range orders {
		if err := g.shadow.LoadOrder(o); err != nil {
			panic(err)
		}
		g.add(benchLive{o.ID, o.Owner, o.Price, o.Qty})
	}
}

func (g *mixGen) add(l benchLive) {
	g.pos[l.id] = len(g.live)
	g.live = append(g.live, l)
}

func (g *mixGen) remove(id OrderID) {
	i, ok := g.pos[id]
	if !ok {
		return
	}
	last := len(g.live) - 1
	g.live[i] = g.live[last]
	g.pos[g.live[i].id] = i
	g.live = g.live[:last]
	delete(g.pos, id)
}

func (g *mixGen) setQty(id OrderID, q Qty) {
	if i, ok := g.pos[id]; ok {
		g.live[i].qty = q
	}
}

// offset returns a power-law distance from the touch: P(offset >= 2^k) ~ 1/k.
func (g *mixGen) offset(maxShift int) Price {
	return Price(g.r.IntN(1 << g.r.IntN(maxShift)))
}

func (g *mixGen) passive(owner OwnerID, maxShift int) Command {
	side := Side(1 + g.r.IntN(2))
	off := g.offset(maxShift)
	p := g.mid - 1 - off
	if side == Sell {
		p = g.mid + 1 + off
	}
	id := g.nextID
	g.nextID++
	q := Qty(1 + g.r.IntN(20))
	return Command{Kind: CmdPlace, ID: id, Owner: owner, Entity: EntityID(owner), Side: side, Price: p, Qty: q, STP: STPCancelOldest}
}

func (g *mixGen) next() Command {
	c := g.gen()
	g.out = g.shadow.Apply([]Command{c}, g.out[:0])
	for _, e := range g.out {
		switch e.Kind {
		case EvRested:
			g.remove(e.OrderID)
			g.add(benchLive{e.OrderID, e.Owner, e.Price, e.Qty})
		case EvFill:
			if e.MakerRemaining == 0 {
				g.remove(e.MakerID)
			} else {
				g.setQty(e.MakerID, e.MakerRemaining)
			}
		case EvCancelled, EvExpired:
			if e.Remaining == 0 {
				g.remove(e.OrderID)
			} else {
				g.setQty(e.OrderID, e.Remaining)
			}
		}
	}
	return c
}

func (g *mixGen) gen() Command {
	g.n++
	if g.n%32 == 0 {
		g.mid += Price(g.r.IntN(3)) - 1
	}
	owner := OwnerID(1 + g.r.IntN(1000))
	x := g.r.IntN(100)
	n := len(g.live)
	switch {
	case x < 15: // crossing IOC
		side := Side(1 + g.r.IntN(2))
		p := g.mid + 1 + Price(g.r.IntN(3))
		if side == Sell {
			p = g.mid - 1 - Price(g.r.IntN(3))
		}
		id := g.nextID
		g.nextID++
		return Command{Kind: CmdPlace, ID: id, Owner: owner, Entity: EntityID(owner), Side: side, Price: p, Qty: Qty(1 + g.r.IntN(10)), TIF: IOC}
	case x < 35 && n > 0: // modify: half reduce in place, half reprice
		l := g.live[g.r.IntN(n)]
		if g.r.IntN(2) == 0 && l.qty > 1 {
			return Command{Kind: CmdModify, ID: l.id, Owner: l.owner, Price: l.price, Qty: l.qty - 1}
		}
		return Command{Kind: CmdModify, ID: l.id, Owner: l.owner, Price: l.price + Price(g.r.IntN(5)) - 2, Qty: Qty(1 + g.r.IntN(20))}
	case n > 0 && (n > g.target || (x < 68 && n > g.target/2)): // cancel
		l := g.live[g.r.IntN(n)]
		return Command{Kind: CmdCancel, ID: l.id, Owner: l.owner}
	default:
		return g.passive(owner, 7)
	}
}

type mixedBench struct {
	warm   []Command
	stream []Command
	base   []Order // resting orders to load before warm-up (Mixed1M)
	cfg    Config
}

func (m *mixedBench) build(b testing.TB) *Book {
	bk := NewBook(m.cfg)
	for _, o := range m.base {
		if err := bk.LoadOrder(o); err != nil {
			b.Fatal(err)
		}
	}
	out := make([]Event, 0, 1<<16)
	for i := 0; i < len(m.warm); i += 4096 {
		out = bk.Apply(m.warm[i:min(i+4096, len(m.warm))], out[:0])
	}
	return bk
}

func (m *mixedBench) run(b *testing.B) {
	bk := m.build(b)
	out := make([]Event, 0, benchBatch*16)
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	pos := 0
	for done := 0; done < b.N; {
		k := min(benchBatch, b.N-done, len(m.stream)-pos)
		if k == 0 {
			b.StopTimer()
			bk = m.build(b)
			pos = 0
			b.StartTimer()
			continue
		}
		out = bk.Apply(m.stream[pos:pos+k], out[:0])
		pos += k
		done += k
	}
	b.StopTimer()
	reportRate(b)
}

func newMixedBench(seed uint64, target, warm, stream int, base []Order) *mixedBench {
	g := newMixGen(seed, target)
	g.load(base)
	m := &mixedBench{base: base}
	m.cfg = Config{InitialOrders: 2 * target, InitialLevels: 4096}
	for i := 0; i < warm; i++ {
		m.warm = append(m.warm, g.next())
	}
	for i := 0; i < stream; i++ {
		m.stream = append(m.stream, g.next())
	}
	return m
}

// BenchmarkMixed: ~10k resting orders, the realistic stream of mixGen.
func BenchmarkMixed(b *testing.B) {
	m := newMixedBench(1, 10_000, 100_000, 1<<19, nil)
	m.run(b)
}

// BenchmarkMixed1M: the same stream over a book of 1M resting orders, spread
// with power-law depth over ±8k ticks. Reports bytes per resting order.
func BenchmarkMixed1M(b *testing.B) {
	m := newMixedBench(2, 1_000_000, 50_000, 1<<20, deepBook(3, 1_000_000, 1_000_000))
	m.cfg.InitialOrders = 1_100_000
	m.cfg.InitialLevels = 32_768
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	bk := m.build(b)
	runtime.GC()
	runtime.ReadMemStats(&ms1)
	perOrder := float64(ms1.HeapAlloc-ms0.HeapAlloc) / float64(bk.Len())
	runtime.KeepAlive(bk)
	m.run(b)
	b.ReportMetric(perOrder, "B/order")
}

// deepBook returns n resting orders in level FIFO order: bids below and asks
// above mid, far enough out (>= 200 ticks) not to cross the benchmark stream,
// at power-law distances up to 8k ticks.
func deepBook(seed uint64, n int, mid Price) []Order {
	r := rand.New(rand.NewPCG(seed, 7))
	type lv struct {
		side  Side
		price Price
	}
	counts := map[lv]int{}
	for i := 0; i < n; i++ {
		side := Side(1 + r.IntN(2))
		off := 200 + Price(r.IntN(1<<r.IntN(14)))/2
		p := mid - off
		if side == Sell {
			p = mid + off
		}
		counts[lv{side, p}]++
	}
	orders := make([]Order, 0, n)
	id := OrderID(1 << 40)
	seq := uint64(0)
	// Deterministic level order: by side then price.
	for _, side := range []Side{Buy, Sell} {
		for off := Price(200); off < 200+8192; off++ {
			p := mid - off
			if side == Sell {
				p = mid + off
			}
			for k := counts[lv{side, p}]; k > 0; k-- {
				seq++
				owner := OwnerID(1 + r.IntN(5000))
				orders = append(orders, Order{ID: id, Owner: owner, Entity: EntityID(owner), Side: side, Price: p,
					Qty: Qty(1 + r.IntN(100)), Seq: seq, STP: STPCancelOldest})
				id++
			}
		}
	}
	return orders
}

// BenchmarkRestore1M rebuilds a book of 1M resting orders from its levels
// (orders in FIFO order per level), as a node does at start-up. One op is one
// whole restore.
func BenchmarkRestore1M(b *testing.B) {
	orders := deepBook(4, 1_000_000, 1_000_000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bk := NewBook(Config{InitialOrders: len(orders), InitialLevels: 32_768})
		for _, o := range orders {
			if err := bk.LoadOrder(o); err != nil {
				b.Fatal(err)
			}
		}
		if err := bk.SetMeta(Meta{LastSeq: uint64(len(orders))}); err != nil {
			b.Fatal(err)
		}
		bk.Checkpoint()
		if bk.Len() != len(orders) {
			b.Fatalf("restored %d orders", bk.Len())
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(orders))*float64(b.N)/b.Elapsed().Seconds(), "orders/s")
}

// batchBench runs a timed batch and an untimed batch that restores the book,
// so the same pre-generated commands repeat and the book stays the same size.
func batchBench(b *testing.B, setup []Command, timed, undo []Command) {
	bk := NewBook(Config{InitialOrders: 2 * (len(setup) + len(timed)), InitialLevels: 4096})
	out := make([]Event, 0, 8*len(timed)+8*len(setup))
	out = bk.Apply(setup, out[:0])
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for done := 0; done < b.N; {
		k := min(len(timed), b.N-done)
		for i := 0; i < k; i += benchBatch {
			out = bk.Apply(timed[i:min(i+benchBatch, k)], out[:0])
		}
		done += k
		b.StopTimer()
		// Undo exactly what ran (k may be short on the last round).
		out = bk.Apply(undoFor(undo, timed, k), out[:0])
		b.StartTimer()
	}
	b.StopTimer()
	reportRate(b)
	if err := bk.CheckInvariants(); err != nil {
		b.Fatal(err)
	}
}

// undoFor returns the undo commands matching the first k timed commands:
// undo[i] undoes timed[i].
func undoFor(undo, timed []Command, k int) []Command {
	if len(undo) == len(timed) {
		return undo[:k]
	}
	return undo
}

// restingBook returns placement commands for n passive orders around mid.
func restingBook(seed uint64, n int, firstID OrderID) []Command {
	g := newMixGen(seed, n)
	g.nextID = firstID
	cmds := make([]Command, n)
	for i := range cmds {
		cmds[i] = g.passive(OwnerID(1+g.r.IntN(1000)), 9) // no shadow: passive orders never cross
	}
	return cmds
}

// BenchmarkPlace: passive limit orders (no cross) into a book of 100k orders.
func BenchmarkPlace(b *testing.B) {
	setup := restingBook(5, 100_000, 1)
	timed := restingBook(6, 1<<14, 1<<32)
	undo := make([]Command, len(timed))
	for i, c := range timed {
		undo[i] = Command{Kind: CmdCancel, ID: c.ID, Owner: c.Owner}
	}
	batchBench(b, setup, timed, undo)
}

// BenchmarkCancel: cancels of random resting orders in a book of 100k.
func BenchmarkCancel(b *testing.B) {
	setup := restingBook(5, 100_000, 1)
	victims := restingBook(6, 1<<14, 1<<32)
	timed := make([]Command, len(victims))
	for i, c := range victims {
		timed[i] = Command{Kind: CmdCancel, ID: c.ID, Owner: c.Owner}
	}
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(timed), func(i, j int) { timed[i], timed[j] = timed[j], timed[i] })
	// Setup places the victims too; each round re-places them untimed.
	batchBench(b, append(append([]Command{}, setup...), victims...), timed, reorderUndo(victims, timed))
}

// reorderUndo returns the placements of the cancelled orders in the order
// they were cancelled, so undoFor(k) re-places exactly the first k.
func reorderUndo(placements, cancels []Command) []Command {
	byID := make(map[OrderID]Command, len(placements))
	for _, c := range placements {
		byID[c.ID] = c
	}
	out := make([]Command, len(cancels))
	for i, c := range cancels {
		out[i] = byID[c.ID]
	}
	return out
}

// BenchmarkMatch: IOC takers that each cross and fill two makers
// (one level sweep), against a book of 100k resting orders; the untimed
// phase puts the makers back.
func BenchmarkMatch(b *testing.B) {
	const n = 1 << 13
	setup := restingBook(5, 100_000, 1)
	// Makers rest alone at mid+1 (the base book's asks there are left out).
	mid := Price(1_000_000)
	makers := make([]Command, 2*n)
	for i := range makers {
		makers[i] = Command{Kind: CmdPlace, ID: OrderID(1<<33 + i), Owner: OwnerID(1 + i%1000), Entity: EntityID(1 + i%1000),
			Side: Sell, Price: mid + 1, Qty: 5}
	}
	takers := make([]Command, n)
	for i := range takers {
		takers[i] = Command{Kind: CmdPlace, ID: OrderID(1<<34 + i), Owner: 5000, Entity: 5000, Side: Buy, Price: mid + 1, Qty: 10, TIF: IOC}
	}
	// Remove the base book's asks at mid+1 so only the makers trade.
	var base []Command
	for _, c := range setup {
		if !(c.Side == Sell && c.Price <= mid+1) {
			base = append(base, c)
		}
	}
	batchBench(b, append(base, makers...), takers, makers)
}
