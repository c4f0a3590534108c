package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"google.golang.org/grpc"

	"github.com/clearchain/clearchain/client"
	streamtypes "github.com/clearchain/clearchain/stream/types"
)

// newStreamLatencyCmd measures the market-maker stream's own latency on a
// running node: from the commit listener seeing a block's commit (the
// node's clock, StreamMessage.committed_unix_nano) to the block's update
// arriving at a subscriber (this process's clock: same host, loopback).
func newStreamLatencyCmd() *cobra.Command {
	var (
		grpcAddr, subs, rpc, chainID string
		blocks, pid                  int
		timeout                      time.Duration
	)
	cmd := &cobra.Command{
		Use:   "stream-latency",
		Short: "Stream latency from a block's commit to its update on 1, 10, 100... subscribers (p50/p99)",
		Long: `stream-latency subscribes N unfiltered subscribers to the node's clearchain.stream.v1.Stream
(one gRPC connection each) for each N of --subscribers in turn, and records for every update the
time from the node's commit listener seeing the block's commit (StreamMessage.committed_unix_nano,
the node's clock) to its arrival at the subscriber (this process's clock: run it on the node's
host). It waits for --blocks updates on every subscriber, then prints p50/p99 per N and the load
average. Only loopback addresses are accepted. The last stdout line is
  stream_latency <N>:p50_ms=<x>,p99_ms=<y> ... loadavg=<l>
With scripts/bench-e2e.sh: BENCH_CMD=stream-latency bash scripts/bench-e2e.sh --subscribers 1,10,100`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := loopbackOnly(grpcAddr); err != nil {
				return err
			}
			var ns []int
			for _, f := range strings.Split(subs, ",") {
				n, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil || n <= 0 || n > 1000 {
					return fmt.Errorf("clear-load: --subscribers: %q is not a count in [1, 1000]", f)
				}
				ns = append(ns, n)
			}
			var last []string
			for _, n := range ns {
				progress("stream-latency: %d subscriber(s), %d blocks each", n, blocks)
				lat, err := streamLatency(cmd.Context(), grpcAddr, n, blocks, timeout)
				if err != nil {
					return err
				}
				p50, p99 := durPercentile(lat, 50), durPercentile(lat, 99)
				fmt.Fprintf(cmd.OutOrStdout(), "subscribers=%d samples=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f loadavg=%s\n",
					n, len(lat), durMS(p50), durMS(p99), durMS(durPercentile(lat, 100)), loadAvg())
				last = append(last, fmt.Sprintf("%d:p50_ms=%.2f,p99_ms=%.2f", n, durMS(p50), durMS(p99)))
			}
			fmt.Fprintf(cmd.OutOrStdout(), "stream_latency %s loadavg=%s\n", strings.Join(last, " "), loadAvg())
			return nil
		},
	}
	cmd.Flags().StringVar(&grpcAddr, "grpc", "127.0.0.1:9090", "node gRPC address (loopback)")
	cmd.Flags().StringVar(&subs, "subscribers", "1,10,100", "comma-separated subscriber counts, measured in turn")
	cmd.Flags().IntVar(&blocks, "blocks", 20, "updates each subscriber waits for per round")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Minute, "give up a round after this long")
	// Passed by scripts/bench-e2e.sh to every subcommand; unused here.
	cmd.Flags().StringVar(&rpc, "rpc", "", "unused (bench-e2e.sh passes it)")
	cmd.Flags().StringVar(&chainID, "chain-id", "", "unused (bench-e2e.sh passes it)")
	cmd.Flags().IntVar(&pid, "node-pid", 0, "unused (bench-e2e.sh passes it)")
	for _, f := range []string{"rpc", "chain-id", "node-pid"} {
		_ = cmd.Flags().MarkHidden(f)
	}
	return cmd
}

// streamLatency runs one round: n subscribers until each has seen blocks
// updates; it returns every update's latency.
func streamLatency(ctx context.Context, addr string, n, blocks int, timeout time.Duration) ([]time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var (
		mu  sync.Mutex
		lat []time.Duration
		wg  sync.WaitGroup
	)
	errs := make(chan error, n)
	conns := make([]*grpc.ClientConn, 0, n)
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for i := 0; i < n; i++ {
		conn, err := client.Dial(addr)
		if err != nil {
			return nil, err
		}
		conns = append(conns, conn)
		sub, err := streamtypes.NewStreamClient(conn).Subscribe(ctx, &streamtypes.SubscribeRequest{})
		if err != nil {
			return nil, fmt.Errorf("clear-load: subscribe %d: %w", i, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, blocks)
			for len(mine) < blocks {
				m, err := sub.Recv()
				if err != nil {
					errs <- fmt.Errorf("clear-load: subscriber %d after %d updates: %w", i, len(mine), err)
					return
				}
				if m.GetUpdate() == nil || m.CommittedUnixNano == 0 {
					continue // the snapshot
				}
				mine = append(mine, time.Since(time.Unix(0, m.CommittedUnixNano)))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	progress("stream-latency: %d subscribed", n)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return lat, nil
}

func durPercentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	return s[min(max(i-1, 0), len(s)-1)]
}

func durMS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func loadAvg() string {
	bz, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Fields(string(bz))[0]
}
