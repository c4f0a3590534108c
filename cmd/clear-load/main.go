// Command clear-load is ClearChain's end-to-end load tool. Against one node
// on loopback (started by scripts/bench-e2e.sh, `make bench-e2e`) it funds
// and licenses N accounts, lists a market, then offers a bounded rate of
// pre-signed transactions over gRPC for a bounded time — MsgBatch orders,
// single-order MsgPlaceOrder txs and bank sends, in the same run — reads
// every block back over CometBFT RPC and reports what was committed:
// orders/s, single-order tx/s, bank-send tx/s, latency from submission to
// the block whose EndBlock processed the order (its fill, or its rest in
// the book), the block interval, and the node's CPU per order (from
// /proc/<pid>/stat). The last line of its output is
//
//	orders_per_sec=<n> p99_ms=<n> single_order_tx_per_sec=<n> banksend_tx_per_sec=<n> block_p99_ms=<n>
//
// Progress goes to stderr. It talks only to loopback addresses and stops
// by itself. See docs/benchmarks.md ("Node throughput").
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}
