package main

import (
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// The FIFO model of x/exchange's per-block budget: carried-over orders run
// first, then the block's own, at most max a block.
func TestFIFOCarriedOverOrdersRunFirst(t *testing.T) {
	f := &fifo{max: 3}
	if got := f.block([]uint64{1, 2, 3, 4, 5}); !slices.Equal(got, []uint64{1, 2, 3}) {
		t.Fatalf("block 1 processed %v, want [1 2 3]", got)
	}
	if got := f.block([]uint64{6}); !slices.Equal(got, []uint64{4, 5, 6}) {
		t.Fatalf("block 2 processed %v, want [4 5 6]", got)
	}
	if got := f.block(nil); len(got) != 0 || len(f.queue) != 0 {
		t.Fatalf("block 3 processed %v with %v queued, want nothing", got, f.queue)
	}
}

func TestPercentileNearestRank(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	for _, c := range []struct{ p, want float64 }{{50, 5}, {99, 10}, {100, 10}, {10, 1}, {0, 1}} {
		if got := percentile(xs, c.p); got != c.want {
			t.Errorf("p%.0f = %v, want %v", c.p, got, c.want)
		}
	}
	if got := percentile(nil, 99); got != 0 {
		t.Errorf("p99 of nothing = %v, want 0", got)
	}
}

func TestSplitSharesAccountsByRate(t *testing.T) {
	if got := split(300, 200, 100, 0); !slices.Equal(got, []int{200, 100, 0}) {
		t.Fatalf("split = %v, want [200 100 0]", got)
	}
	if got := split(2, 1000, 1, 1); got[1] != 1 || got[2] != 1 {
		t.Fatalf("split = %v: every stream with a rate needs an account", got)
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, ok := range []string{"127.0.0.1:9090", "127.3.2.1:1", "[::1]:26657", "localhost:9090"} {
		if err := loopbackOnly(ok); err != nil {
			t.Errorf("%s refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"10.0.0.1:9090", "example.com:9090", "0.0.0.0:9090", "9090"} {
		if err := loopbackOnly(bad); err == nil {
			t.Errorf("%s accepted, want refused", bad)
		}
	}
}

func TestNodeCPUMissingProcessIsAnError(t *testing.T) {
	if _, err := nodeCPU(1 << 30); err == nil {
		t.Fatal("a process that does not exist has a CPU time")
	}
}

// cpuWindows: the first and the last minute of a load whose cost per tx
// doubles take the CPU between the samples bounding each window over the
// txs committed inside it.
func TestCPUWindowsFirstAndLast(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var s []cpuSample
	cpu := 0.0
	for i := 0; i <= 30; i++ { // a block every 5 s for 150 s, 10 txs each
		per := 0.001
		if i > 15 {
			per = 0.002
		}
		if i > 0 {
			cpu += 10 * per
		}
		s = append(s, cpuSample{at: t0.Add(time.Duration(i) * 5 * time.Second), cpu: cpu, committed: 10})
	}
	first, last, ok := cpuWindows(s, 60*time.Second)
	if !ok {
		t.Fatal("150 s of samples hold two 60 s windows")
	}
	if first.committed != 120 || last.committed != 120 {
		t.Fatalf("committed %d / %d, want 120 / 120", first.committed, last.committed)
	}
	if got := first.perTx(); math.Abs(got-1) > 1e-9 {
		t.Fatalf("first window %.6f ms per tx, want 1", got)
	}
	if got := last.perTx(); math.Abs(got-2) > 1e-9 {
		t.Fatalf("last window %.6f ms per tx, want 2", got)
	}
	if _, _, ok := cpuWindows(s[:20], 60*time.Second); ok {
		t.Fatal("95 s of samples cannot hold two 60 s windows")
	}
}

// The split line and --blocks-out: of four orders submitted when height 10
// was the latest, one is in block 11 and processed there (1 block), one in
// block 12 (2), one in block 13 (3: late, from the mempool's wait) and one
// in block 11 but processed in block 13 (3: late, carried over). Fails if
// the split counts the carried-over order as a wait, counts a 2-block order
// as late, or the per-block file puts a late order under the wrong block.
func TestReportSplitsLateOrdersAndWritesBlocks(t *testing.T) {
	t0 := time.Unix(1000, 0)
	hc := &heightClock{seen: map[int64]time.Time{}, cpu: map[int64]float64{}}
	var blocks []*block
	for h := int64(10); h <= 13; h++ {
		hc.seen[h] = t0.Add(time.Duration(h-10) * 300 * time.Millisecond)
		hc.cpu[h] = 1 + float64(h-10)*0.4 // 0 would mean no sample
		blocks = append(blocks, &block{height: h, time: hc.seen[h], placed: 1})
	}
	hc.last.Store(13)
	var txs []*loadTx
	txH := map[*loadTx]int64{}
	orderTx := map[uint64]*loadTx{}
	procH := map[uint64]int64{}
	for i, hs := range [][2]int64{{11, 11}, {12, 12}, {13, 13}, {11, 13}} {
		tx := &loadTx{kind: kindSingle, orders: 1, sent: t0.Add(time.Millisecond), subH: 10}
		txs = append(txs, tx)
		txH[tx] = hs[0]
		orderTx[uint64(i+1)] = tx
		procH[uint64(i+1)] = hs[1]
	}
	path := t.TempDir() + "/blocks.tsv"
	var out strings.Builder
	f := runFlags{blocksOut: path, batchSize: 1}
	if err := report(&out, f, &world{}, txs, blocks, hc, t0, time.Second, 0, procH, map[uint64]int64{}, orderTx, txH, 0, 0); err != nil {
		t.Fatal(err)
	}
	want := "2 orders over 2 blocks (50.00%), 1 of them carried over"
	if !strings.Contains(out.String(), want) {
		t.Fatalf("report lacks %q:\n%s", want, out.String())
	}
	bz, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(bz)), "\n")
	wantLines := []string{
		"height\tseen_ms\tinterval_ms\ttxs\tplaced\trun_txs\tlate_orders\tnode_cpu_ms",
		"10\t0\t0\t0\t1\t0\t0\t0",
		"11\t300\t300\t0\t1\t2\t1\t400", // the carried-over order's tx is in block 11
		"12\t600\t300\t0\t1\t1\t0\t400",
		"13\t900\t300\t0\t1\t1\t1\t400",
	}
	if !slices.Equal(lines, wantLines) {
		t.Fatalf("blocks file:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}
}
