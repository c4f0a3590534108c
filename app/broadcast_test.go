package app

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
)

// TestBroadcastTxBuildsNoQueryContext: the SDK ran BroadcastTx behind the
// query interceptor, which builds a query context (a cache-wrapped
// multistore at the latest version) for every call — ~12% of the node's CPU
// under load. On an app with no committed block that context cannot be
// built, so the call failed there; through broadcastFastPath it reaches the
// tx service itself (here: a client context with no CometBFT client, so
// "offline mode"). Failed before broadcast.go (the query-context error).
func TestBroadcastTxBuildsNoQueryContext(t *testing.T) {
	a := newSimApp(t, dbm.NewMemDB(), t.TempDir())
	a.RegisterTxService(client.Context{}.WithTxConfig(a.TxConfig()))
	conn := serveGRPC(t, a)
	_, err := txtypes.NewServiceClient(conn).BroadcastTx(context.Background(),
		&txtypes.BroadcastTxRequest{TxBytes: []byte{1}, Mode: txtypes.BroadcastMode_BROADCAST_MODE_SYNC})
	require.Error(t, err)
	require.Contains(t, err.Error(), "offline", "BroadcastTx went through the query context: %v", err)
}

// stackServer is a tx service whose BroadcastTx records the goroutine it
// ran on, uses depth KiB of stack (as CheckTx down into Pebble does), then
// blocks on gate if set or panics if asked to.
type stackServer struct {
	txtypes.ServiceServer
	depth int
	gate  chan struct{}
	mu    sync.Mutex
	ran   map[string]int
	calls atomic.Int64
}

func (s *stackServer) BroadcastTx(_ context.Context, in *txtypes.BroadcastTxRequest) (*txtypes.BroadcastTxResponse, error) {
	s.calls.Add(1)
	if string(in.TxBytes) == "panic" {
		panic("hostile tx")
	}
	useStack(s.depth)
	s.mu.Lock()
	s.ran[goroutineID()]++
	s.mu.Unlock()
	if s.gate != nil {
		<-s.gate
	}
	return &txtypes.BroadcastTxResponse{TxResponse: &sdk.TxResponse{TxHash: string(in.TxBytes)}}, nil
}

// useStack recurses through n frames of 1 KiB each.
func useStack(n int) byte {
	var buf [1024]byte
	buf[n%1024] = byte(n)
	if n <= 0 {
		return buf[0]
	}
	return useStack(n-1) + buf[n%1024]
}

func goroutineID() string {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	return strings.Fields(string(b))[1] // "goroutine 123 [running]:"
}

func callHandler(srv any, ctx context.Context, tx string) (*txtypes.BroadcastTxResponse, error) {
	res, err := broadcastTxHandler(nil)(srv, ctx, func(m any) error {
		m.(*txtypes.BroadcastTxRequest).TxBytes = []byte(tx)
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	return res.(*txtypes.BroadcastTxResponse), nil
}

// TestBroadcastRunsOnLongLivedWorkers: gRPC calls each handler on a fresh
// goroutine; BroadcastTx must instead run on the pool's few long-lived
// workers (whose stacks have grown already), and every caller must get its
// own answer. Fails if the handler calls BroadcastTx on the caller's
// goroutine (200 distinct goroutines).
func TestBroadcastRunsOnLongLivedWorkers(t *testing.T) {
	srv := &stackServer{depth: 32, ran: map[string]int{}}
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tx := fmt.Sprintf("tx-%d", i)
			res, err := callHandler(srv, context.Background(), tx)
			if err == nil && res.TxResponse.TxHash != tx {
				err = fmt.Errorf("caller of %s got the answer for %s", tx, res.TxResponse.TxHash)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.EqualValues(t, 200, srv.calls.Load())
	require.LessOrEqual(t, len(srv.ran), broadcastWorkers.size,
		"200 calls ran on %d goroutines, not on the pool's %d workers", len(srv.ran), broadcastWorkers.size)
}

// TestBroadcastWorkers_CancelledPanickedAndBusy: a call whose client left
// before a worker took it is not run and returns codes.Canceled; a panic in
// BroadcastTx is codes.Internal and leaves every worker serving; a call
// waits for a busy pool rather than failing.
func TestBroadcastWorkers_CancelledPanickedAndBusy(t *testing.T) {
	p := newWorkerPool(2)
	gate := make(chan struct{})
	var running sync.WaitGroup
	running.Add(2)
	for range 2 { // both workers busy
		go func() {
			_, _ = p.do(context.Background(), func() (any, error) { running.Done(); <-gate; return nil, nil })
		}()
	}
	running.Wait()

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	_, err := p.do(ctx, func() (any, error) { ran = true; return nil, nil })
	require.Equal(t, codes.Canceled, status.Code(err), "%v", err)

	waited := make(chan error, 1)
	go func() {
		res, err := p.do(context.Background(), func() (any, error) { return "late", nil })
		if err == nil && res != "late" {
			err = fmt.Errorf("got %v", res)
		}
		waited <- err
	}()
	close(gate)
	require.NoError(t, <-waited)
	require.False(t, ran, "a cancelled call ran")

	for range 5 { // more panics than workers: each is an error, none kills a worker
		_, err := p.do(context.Background(), func() (any, error) { panic("hostile tx") })
		require.Equal(t, codes.Internal, status.Code(err), "%v", err)
		require.Contains(t, err.Error(), "hostile tx")
	}
	res, err := p.do(context.Background(), func() (any, error) { return 7, nil })
	require.NoError(t, err)
	require.Equal(t, 7, res)

	// Through the handler too.
	srv := &stackServer{ran: map[string]int{}}
	_, err = callHandler(srv, context.Background(), "panic")
	require.Equal(t, codes.Internal, status.Code(err), "%v", err)
	_, err = callHandler(srv, context.Background(), "ok")
	require.NoError(t, err)
}

// BenchmarkBroadcastStack: a call that needs 64 KiB of stack (CheckTx's
// depth), made from a fresh goroutine as gRPC does, run there ("inline", as
// before the workers) or on the pool ("workers").
func BenchmarkBroadcastStack(b *testing.B) {
	srv := &stackServer{depth: 64, ran: map[string]int{}}
	for _, mode := range []string{"inline", "workers"} {
		b.Run("mode="+mode, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				done := make(chan struct{})
				go func() {
					defer close(done)
					if mode == "inline" {
						_, _ = srv.BroadcastTx(context.Background(), &txtypes.BroadcastTxRequest{TxBytes: []byte("x")})
						return
					}
					_, _ = callHandler(srv, context.Background(), "x")
				}()
				<-done
			}
		})
	}
}
