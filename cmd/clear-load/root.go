package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/clearchain/clearchain/app"
)

// progress prints a progress line on stderr.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "clear-load: "+format+"\n", args...)
}

type runFlags struct {
	grpc, rpc, chainID, seed string
	pid                      int
	accounts                 int
	duration, drain          time.Duration
	cpuWindow                time.Duration
	batchRate, singleRate    float64
	lane                     bool // single-order txs by the order lane
	sendRate                 float64
	batchSize                int
	pprof, profileOut        string
	blocksOut                string
	foreign                  *foreignChain // clear-load foreign run (foreign.go)
}

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "clear-load",
		Short: "End-to-end load tool for one ClearChain node on loopback (see `make bench-e2e`)",
		Long: `clear-load funds and licenses N accounts on a running node, lists a market, offers a
bounded rate of pre-signed transactions over gRPC for a bounded time (MsgBatch orders,
single-order txs and bank sends in the same run), reads every block back over CometBFT RPC
and reports committed orders/s, single-order tx/s, bank-send tx/s, latency from submission to
the block that processed each order, block intervals and the node's CPU per order.

The node must be fresh, with the "regulator" key of --seed as compliance authority holding
uclear at genesis: scripts/bench-e2e.sh (make bench-e2e) prepares such a node and runs the tool.
Only loopback addresses are accepted. Progress goes to stderr; the last stdout line is
  orders_per_sec=<n> p99_ms=<n> single_order_tx_per_sec=<n> banksend_tx_per_sec=<n> block_p99_ms=<n>`,
		SilenceUsage:     true,
		PersistentPreRun: func(*cobra.Command, []string) { app.SetAddressPrefixes() },
	}
	root.AddCommand(newAddressCmd(), newRunCmd(), newStreamLatencyCmd(), newForeignCmd())
	return root
}

func newAddressCmd() *cobra.Command {
	var seed string
	cmd := &cobra.Command{
		Use:   "address NAME",
		Short: "Print the address of the tool's key NAME (regulator, issuer, trader-<i>) under --seed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintln(cmd.OutOrStdout(), newAccount(seed, args[0]).addr.String())
			return nil
		},
	}
	cmd.Flags().StringVar(&seed, "seed", "bench", "seed of the tool's deterministic keys")
	return cmd
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Set up accounts and a market, offer the load, read the blocks back and report",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return run(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.grpc, "grpc", "127.0.0.1:9090", "the node's gRPC address (loopback only)")
	fl.StringVar(&f.rpc, "rpc", "http://127.0.0.1:26657", "the node's CometBFT RPC (loopback only)")
	fl.StringVar(&f.chainID, "chain-id", "clearchain-bench", "chain id")
	fl.StringVar(&f.seed, "seed", "bench", "seed of the tool's deterministic keys (and of the order stream)")
	fl.IntVar(&f.pid, "node-pid", 0, "the node's process id, for CPU per order from /proc/<pid>/stat (0: not measured)")
	fl.IntVar(&f.accounts, "accounts", 300, "trader accounts, shared among the three streams in proportion to their rates")
	fl.DurationVar(&f.duration, "duration", 30*time.Second, "how long the load is offered")
	fl.DurationVar(&f.drain, "drain", 90*time.Second, "how long to wait after the load for the mempool and the carried-over orders to drain")
	fl.Float64Var(&f.batchRate, "batch-rate", 100, "MsgBatch txs offered a second (0: none)")
	fl.IntVar(&f.batchSize, "batch-size", 50, "orders in each MsgBatch")
	fl.Float64Var(&f.singleRate, "single-rate", 100, "single-order MsgPlaceOrder txs offered a second (0: none)")
	fl.BoolVar(&f.lane, "lane", false, "send the single-order txs by the order lane (x/exchange/README.md \"The order lane\"): signed orders without an SDK tx, no sequence or fee")
	fl.Float64Var(&f.sendRate, "send-rate", 100, "bank-send txs offered a second (0: none)")
	fl.DurationVar(&f.cpuWindow, "cpu-window", time.Minute, "with --node-pid: also report the node's CPU per committed tx over the first and the last window of this length (the load must span two; 0: off)")
	fl.StringVar(&f.pprof, "pprof", "", "the node's pprof base URL (loopback), e.g. http://127.0.0.1:6060: a CPU profile of the node over the load goes to --profile-out")
	fl.StringVar(&f.profileOut, "profile-out", "bench-e2e.cpu.pprof", "where the node's CPU profile is written (with --pprof)")
	fl.StringVar(&f.blocksOut, "blocks-out", "", "write one tab-separated line per block of the run to this file: height, ms since the load started when the tool saw it, interval, txs, placed orders, the run's txs in it, their orders over 2 blocks late, node CPU ms")
	return cmd
}

// split shares n accounts among the rates, in proportion, at least one each.
func split(n int, rates ...float64) []int {
	var total float64
	for _, r := range rates {
		total += max(r, 0)
	}
	out := make([]int, len(rates))
	for i, r := range rates {
		if r > 0 {
			out[i] = max(1, int(float64(n)*r/total))
		}
	}
	return out
}

func run(ctx context.Context, stdout io.Writer, f runFlags) error {
	if f.accounts < 1 || f.batchSize < 1 || f.duration <= 0 {
		return fmt.Errorf("--accounts, --batch-size and --duration must be positive")
	}
	c, err := dialChain(ctx, f.grpc, f.rpc, f.chainID)
	if err != nil {
		return err
	}
	defer c.conn.Close()
	c.foreign = f.foreign
	if err := c.waitHeight(ctx, 2, 2*time.Minute); err != nil {
		return fmt.Errorf("the node at %s: %w", f.rpc, err)
	}
	var w *world
	if f.foreign != nil {
		w = f.foreign.world(f.seed, f.accounts)
	} else {
		w, err = setup(ctx, c, f.seed, f.accounts)
	}
	if err != nil {
		return err
	}
	shares := split(len(w.traders), f.batchRate, f.singleRate, f.sendRate)
	var streams []stream
	next := 0
	for i, s := range []stream{{kind: kindBatch, rate: f.batchRate}, {kind: kindSingle, rate: f.singleRate}, {kind: kindSend, rate: f.sendRate}} {
		end := min(next+shares[i], len(w.traders))
		s.accounts = w.traders[next:end]
		next = end
		streams = append(streams, s)
	}
	txs, err := presign(ctx, c, w, streams, f.batchSize, f.duration, seedNumber(f.seed), f.lane)
	if err != nil {
		return err
	}
	byHash := make(map[string]*loadTx, len(txs))
	for _, tx := range txs {
		byHash[tx.hash] = tx
	}

	hc := &heightClock{pid: f.pid, seen: map[int64]time.Time{}, cpu: map[int64]float64{}}
	clockCtx, stopClock := context.WithCancel(ctx)
	defer stopClock()
	go hc.run(clockCtx, c)
	h0, err := c.height(ctx)
	if err != nil {
		return err
	}
	for hc.last.Load() < h0 {
		time.Sleep(10 * time.Millisecond)
	}
	var cpu0 float64
	if f.pid > 0 {
		if cpu0, err = nodeCPU(f.pid); err != nil {
			return err
		}
	}
	progress("offering the load for %s from height %d: %.0f batch tx/s x %d orders, %.0f single-order tx/s, %.0f bank-send tx/s",
		f.duration, h0, f.batchRate, f.batchSize, f.singleRate, f.sendRate)
	profDone := make(chan error, 1)
	if f.pprof != "" {
		go func() { profDone <- c.cpuProfile(ctx, f.pprof, f.duration, f.profileOut) }()
	} else {
		profDone <- nil
	}
	start := time.Now()
	sent, refused := offer(ctx, c, txs, hc, start)
	offered := time.Since(start)
	progress("load done in %.1f s: %d txs accepted by CheckTx, %d refused; draining", offered.Seconds(), sent, refused)

	// Read the blocks back as they come, until the mempool is empty and
	// no order is carried over (or --drain runs out).
	q := &fifo{max: int(w.maxPerBlock)}
	procH := map[uint64]int64{}
	takerH := map[uint64]int64{}
	orderTx := map[uint64]*loadTx{}
	txH := map[*loadTx]int64{}
	failed := 0
	var blocks []*block
	deadline := time.Now().Add(f.drain)
	for h := h0 + 1; ; h++ {
		if err := c.waitHeight(ctx, h, time.Until(deadline)+time.Second); err != nil {
			if len(blocks) == 0 || ctx.Err() != nil {
				return fmt.Errorf("drain: %w", err)
			}
			progress("drain: --drain ran out waiting for height %d: the report covers heights up to %d", h, h-1)
			break
		}
		b, err := c.readBlock(ctx, h)
		if err != nil {
			return err
		}
		blocks = append(blocks, b)
		var placed []uint64
		for _, t := range b.txs {
			placed = append(placed, t.orders...)
			lt := byHash[t.hash]
			if lt == nil {
				continue
			}
			txH[lt] = h
			if t.code != 0 {
				if failed == 0 {
					progress("a load tx failed in block %d (the first; the report counts them all): %s", h, t.why)
				}
				failed++
				continue
			}
			for _, id := range t.orders {
				orderTx[id] = lt
			}
		}
		for _, id := range q.block(placed) {
			procH[id] = h
		}
		for _, id := range b.fills {
			if _, ok := takerH[id]; !ok {
				takerH[id] = h
			}
		}
		pending := 0
		for _, tx := range txs {
			if !tx.sent.IsZero() && !tx.refused && txH[tx] == 0 {
				pending++
			}
		}
		if pending == 0 && len(q.queue) == 0 {
			break
		}
		if time.Now().After(deadline) {
			progress("drain: --drain ran out with %d txs not in a block and %d orders carried over", pending, len(q.queue))
			break
		}
	}
	// The report needs the clock's time and CPU sample of the last block
	// read: the drain loop can read it before the clock's next poll.
	if len(blocks) > 0 && !hc.waitSeen(blocks[len(blocks)-1].height, 5*time.Second) {
		progress("the height clock did not see height %d: the report's rates may be 0", blocks[len(blocks)-1].height)
	}
	stopClock()
	if err := <-profDone; err != nil {
		progress("CPU profile: %v", err)
	} else if f.pprof != "" {
		progress("CPU profile of the node over the load: %s (go tool pprof -top build/cleard %s)", f.profileOut, f.profileOut)
	}
	return report(stdout, f, w, txs, blocks, hc, start, offered, cpu0, procH, takerH, orderTx, txH, failed, refused)
}

func seedNumber(s string) uint64 {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

func report(out io.Writer, f runFlags, w *world, txs []*loadTx, blocks []*block, hc *heightClock, start time.Time,
	offered time.Duration, cpu0 float64, procH, takerH map[uint64]int64, orderTx map[uint64]*loadTx,
	txH map[*loadTx]int64, failed, refused int) error {
	// Per stream: committed txs and the last height holding one.
	type agg struct {
		txs   int
		lastH int64
	}
	st := map[string]*agg{kindBatch: {}, kindSingle: {}, kindSend: {}}
	for _, tx := range txs {
		h := txH[tx]
		if h == 0 {
			continue
		}
		a := st[tx.kind]
		a.txs++
		if h > a.lastH {
			a.lastH = h
		}
	}
	// Orders: the block whose EndBlock processed each one (FIFO model of
	// the per-block budget, checked against the taker fills).
	var lat, latBlocks []float64
	// The split of latBlocks: blocks from submission to the block holding
	// the tx (the mempool's wait) and from there to the block whose
	// EndBlock processed the order (carry-over by the per-block budget);
	// late: orders processed more than 2 blocks after submission.
	var waitBlocks, carryBlocks []float64
	late, lateCarried := 0, 0
	orders, mismatch := 0, 0
	var lastOrderH int64
	for id, tx := range orderTx {
		h, ok := procH[id]
		if !ok {
			continue
		}
		if th, ok := takerH[id]; ok && th != h {
			mismatch++
		}
		orders++
		lastOrderH = max(lastOrderH, h)
		if t, _, ok := hc.at(h); ok {
			lat = append(lat, float64(t.Sub(tx.sent).Microseconds())/1000)
		}
		latBlocks = append(latBlocks, float64(h-tx.subH))
		if in := txH[tx]; in > 0 {
			waitBlocks = append(waitBlocks, float64(in-tx.subH))
			carryBlocks = append(carryBlocks, float64(h-in))
			if h-tx.subH > 2 {
				late++
				if h > in {
					lateCarried++
				}
			}
		}
	}
	if f.blocksOut != "" {
		if err := writeBlocks(f.blocksOut, blocks, txs, txH, orderTx, procH, hc, start); err != nil {
			return err
		}
		progress("per-block lines: %s", f.blocksOut)
	}
	rate := func(n int, h int64) float64 {
		t, _, ok := hc.at(h)
		if !ok || n == 0 {
			return 0
		}
		return float64(n) / t.Sub(start).Seconds()
	}
	ordersPerSec := rate(orders, lastOrderH)
	singlePerSec := rate(st[kindSingle].txs, st[kindSingle].lastH)
	sendPerSec := rate(st[kindSend].txs, st[kindSend].lastH)

	// Blocks of the load: from the first to the last that held or
	// processed a load tx or order.
	endH := max(lastOrderH, st[kindBatch].lastH, st[kindSingle].lastH, st[kindSend].lastH)
	var intervals []float64
	maxTxs, maxPlaced := 0, 0
	for i := 1; i < len(blocks); i++ {
		if blocks[i].height > endH {
			break
		}
		intervals = append(intervals, float64(blocks[i].time.Sub(blocks[i-1].time).Microseconds())/1000)
		maxTxs = max(maxTxs, len(blocks[i].txs))
		maxPlaced = max(maxPlaced, blocks[i].placed)
	}
	var cpu float64
	if _, c1, ok := hc.at(endH); ok && f.pid > 0 && c1 > 0 {
		cpu = c1 - cpu0
	}
	committedTxs := st[kindBatch].txs + st[kindSingle].txs + st[kindSend].txs
	perOrder, perTx := 0.0, 0.0
	if orders > 0 {
		perOrder = cpu * 1000 / float64(orders)
	}
	if committedTxs > 0 {
		perTx = cpu * 1000 / float64(committedTxs)
	}
	load := "?"
	if bz, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = string(bz[:min(len(bz), 14)])
	}
	fmt.Fprintf(out, "offered    %.1f s: %.0f batch tx/s x %d orders, %.0f single-order tx/s, %.0f bank-send tx/s over %d accounts; %d txs pre-signed, %d refused by CheckTx\n",
		offered.Seconds(), f.batchRate, f.batchSize, f.singleRate, f.sendRate, len(w.traders), len(txs), refused)
	fmt.Fprintf(out, "committed  %d orders (%d batch txs, %d single-order txs), %d bank sends; %d load txs failed in their block\n",
		orders, st[kindBatch].txs, st[kindSingle].txs, st[kindSend].txs, failed)
	fmt.Fprintf(out, "rates      %.0f orders/s, %.1f single-order tx/s, %.1f bank-send tx/s (each over the time from the start of the load to the commit of its last block)\n",
		ordersPerSec, singlePerSec, sendPerSec)
	fmt.Fprintf(out, "latency    submission -> commit of the block that processed the order (fill or rest): p50 %.0f ms, p99 %.0f ms, max %.0f ms; in blocks p50 %.0f, p99 %.0f (taker fills off the FIFO model: %d)\n",
		percentile(lat, 50), percentile(lat, 99), percentile(lat, 100), percentile(latBlocks, 50), percentile(latBlocks, 99), mismatch)
	fmt.Fprintf(out, "split      submission -> block holding the tx: p50 %.0f, p99 %.0f blocks; -> block processing the order: p50 %.0f, p99 %.0f more; %d orders over 2 blocks (%.2f%%), %d of them carried over\n",
		percentile(waitBlocks, 50), percentile(waitBlocks, 99), percentile(carryBlocks, 50), percentile(carryBlocks, 99),
		late, 100*float64(late)/float64(max(orders, 1)), lateCarried)
	fmt.Fprintf(out, "blocks     %d..%d: interval p50 %.0f ms, p99 %.0f ms, max %.0f ms; at most %d txs and %d placed orders in a block\n",
		blocks[0].height, endH, percentile(intervals, 50), percentile(intervals, 99), percentile(intervals, 100), maxTxs, maxPlaced)
	fmt.Fprintf(out, "node CPU   %.1f s over the load: %.3f ms per order, %.3f ms per committed tx (pid %d); load average %s\n",
		cpu, perOrder, perTx, f.pid, load)
	if f.pid > 0 && f.cpuWindow > 0 {
		perH := map[int64]int{}
		for _, h := range txH {
			if h > 0 {
				perH[h]++
			}
		}
		var samples []cpuSample
		for h := blocks[0].height; h <= endH; h++ {
			if t, c, ok := hc.at(h); ok && c > 0 {
				samples = append(samples, cpuSample{at: t, cpu: c, committed: perH[h]})
			}
		}
		if first, last, ok := cpuWindows(samples, f.cpuWindow); ok {
			ratio := 0.0
			if first.perTx() > 0 {
				ratio = last.perTx() / first.perTx()
			}
			fmt.Fprintf(out, "CPU window first %s: %.3f ms per committed tx (%d txs, %.1f s CPU); last %s: %.3f ms per committed tx (%d txs, %.1f s CPU); last/first %.2f\n",
				f.cpuWindow, first.perTx(), first.committed, first.cpu, f.cpuWindow, last.perTx(), last.committed, last.cpu, ratio)
		} else {
			progress("CPU windows: the load's blocks span less than two windows of %s", f.cpuWindow)
		}
	}
	fmt.Fprintf(out, "orders_per_sec=%d p99_ms=%d single_order_tx_per_sec=%d banksend_tx_per_sec=%d block_p99_ms=%d\n",
		int64(math.Round(ordersPerSec)), int64(math.Round(percentile(lat, 99))), int64(math.Round(singlePerSec)),
		int64(math.Round(sendPerSec)), int64(math.Round(percentile(intervals, 99))))
	return nil
}
