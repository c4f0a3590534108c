package stream

import (
	"context"
	"flag"
	"fmt"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"

	"github.com/clearchain/clearchain/stream/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// BenchmarkStreamLatency measures the stream's own latency, from a block's
// hand-over by the commit listener (Publish) to its update being received
// by each of N subscribers over gRPC on loopback, with 1, 10 and 100
// subscribers. Each block changes 20 price levels of 5 orders; blocks come
// every -stream.interval. The subscribers decode in the same process, on
// the same cores, as the node side. Reported:
// p50 and p99 of commit-to-receive, in microseconds.
func BenchmarkStreamLatency(b *testing.B) {
	for _, n := range []int{1, 10, 100} {
		b.Run(fmt.Sprintf("subscribers=%d", n), func(b *testing.B) { benchLatency(b, n) })
	}
}

// blockInterval: the time between blocks (-stream.interval; default
// 20 ms, 50x the chain's block rate).
var blockIntervalFlag = flag.Duration("stream.interval", 20*time.Millisecond, "BenchmarkStreamLatency: time between blocks")

func benchLatency(b *testing.B, n int) {
	t := &testing.T{}
	c := newChain(t)
	hub := NewHub(c, Config{SubscriberFrames: 4096, ReplayBlocks: 16})
	if err := hub.process(c.commit(ownerKV(), levelKV(t, 1, exchangetypes.LevelBid, 100, 5))); err != nil {
		b.Fatal(err)
	}
	hub.Start()
	defer hub.Stop()
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry()).GRPCCodec()
	srv := grpc.NewServer(grpc.ForceServerCodec(cdc))
	types.RegisterStreamServer(srv, NewServer(hub))
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go func() { _ = srv.Serve(lis) }()
	defer srv.Stop()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(cdc)))
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()

	// Block heights published, with their publish time.
	var mu sync.Mutex
	published := map[int64]time.Time{}
	var lat []time.Duration
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var ready, done sync.WaitGroup
	total := b.N
	for i := 0; i < n; i++ {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			st, err := types.NewStreamClient(conn).Subscribe(ctx, &types.SubscribeRequest{})
			if err != nil {
				ready.Done()
				return
			}
			if _, err := st.Recv(); err != nil { // snapshot
				ready.Done()
				return
			}
			ready.Done()
			for got := 0; got < total; got++ {
				m, err := st.Recv()
				if err != nil {
					return
				}
				now := time.Now()
				mu.Lock()
				lat = append(lat, now.Sub(published[m.Height]))
				mu.Unlock()
			}
		}()
	}
	ready.Wait()
	// Blocks are prepared outside the timer.
	blocks := make([]*Block, b.N)
	for i := range blocks {
		var w []KV
		for l := 0; l < 20; l++ {
			w = append(w, levelKV(t, 1, exchangetypes.LevelAsk, int64(200+l), 1, 2, 3, 4, uint64(5+i%7)))
		}
		blocks[i] = c.commit(w...)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for _, blk := range blocks {
		mu.Lock()
		published[blk.Height] = time.Now()
		mu.Unlock()
		blk.Committed = time.Now()
		hub.Publish(blk)
		time.Sleep(*blockIntervalFlag) // blocks arrive one at a time
	}
	done.Wait()
	b.StopTimer()
	if len(lat) == 0 {
		b.Fatal("no update received")
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(len(lat))/float64(b.N), "deliveries/block")
}
