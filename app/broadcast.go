package app

import (
	"context"
	"runtime"
	"sync"

	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
)

// The gRPC broadcast path (issue 15). The SDK registers every service of
// its query router on the node's gRPC server behind an interceptor that
// builds a query context for each call: a cache-wrapped multistore at the
// latest version (every module store's IAVL root read from Pebble) and the
// last commit id (the commit info hashed). A query needs it; BroadcastTx
// does not — it hands the tx to CometBFT's CheckTx, which has its own state.
// Under load that context was ~12% of the node's CPU (docs/benchmarks.md,
// "Node levers"). broadcastFastPath registers cosmos.tx.v1beta1.Service's
// BroadcastTx without the interceptor (with panic recovery); every other
// method, the tx service's queries included, is registered as the SDK does.

// broadcastFastPath wraps the node's gRPC server during registration.
type broadcastFastPath struct {
	gogogrpc.Server
	// pre, if set, runs on the worker before the tx goes to the mempool
	// (the order lane's signature check, orderlane.go).
	pre func(txBytes []byte)
}

// txServiceName is the SDK's tx service.
const txServiceName = "cosmos.tx.v1beta1.Service"

// RegisterService implements gogogrpc.Server.
func (s broadcastFastPath) RegisterService(desc *grpc.ServiceDesc, impl any) {
	if desc.ServiceName != txServiceName {
		s.Server.RegisterService(desc, impl)
		return
	}
	d := *desc
	d.Methods = make([]grpc.MethodDesc, len(desc.Methods))
	copy(d.Methods, desc.Methods)
	for i := range d.Methods {
		if d.Methods[i].MethodName == "BroadcastTx" {
			d.Methods[i].Handler = broadcastTxHandler(s.pre)
		}
	}
	s.Server.RegisterService(&d, impl)
}

// broadcastTxHandler is the generated BroadcastTx handler without an
// interceptor (no query context), run on a broadcast worker
// (broadcastWorkers), recovering a panic as codes.Internal as the SDK's
// chain does.
func broadcastTxHandler(pre func([]byte)) grpc.MethodHandler {
	return func(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
		in := new(txtypes.BroadcastTxRequest)
		if err := dec(in); err != nil {
			return nil, err
		}
		return broadcastWorkers.do(ctx, func() (any, error) {
			if pre != nil {
				pre(in.TxBytes)
			}
			return srv.(txtypes.ServiceServer).BroadcastTx(ctx, in)
		})
	}
}

// broadcastWorkers runs BroadcastTx calls on long-lived goroutines.
//
// gRPC serves each call on a new goroutine, which starts with a small stack
// (the runtime sizes new stacks by the average goroutine, and most of the
// node's are small idle ones). BroadcastTx runs CometBFT's CheckTx and the
// whole ante chain on that goroutine, down through IAVL into Pebble: a deep
// stack, so each call grew its stack several times over, every growth a copy
// of the whole stack. At 600 single-order txs/s that copying was 6.1% of the
// node's CPU (docs/benchmarks.md, "Node throughput, stop 25"). A worker's stack
// grows once and serves every later call at its size.
//
// The mempool runs one CheckTx at a time, so a few workers are enough; a
// call that finds them all busy waits in the queue as it would have waited
// for the mempool's lock. A call whose client is gone (its context ended)
// before a worker takes it is not run.
var broadcastWorkers = newWorkerPool(max(4, 2*runtime.GOMAXPROCS(0)))

// workerPool is a fixed set of goroutines, started on first use and kept for
// the life of the process (the node's gRPC server lives as long).
type workerPool struct {
	size  int
	start sync.Once
	jobs  chan poolJob
}

type poolJob struct {
	ctx  context.Context
	run  func() (any, error)
	done chan poolResult // buffered: a worker never waits on a caller that left
}

type poolResult struct {
	res any
	err error
}

func newWorkerPool(size int) *workerPool {
	return &workerPool{size: size, jobs: make(chan poolJob)}
}

// do runs fn on a worker and returns its result, or the context's error if
// ctx ends first. A panic in fn is returned as codes.Internal.
func (p *workerPool) do(ctx context.Context, fn func() (any, error)) (any, error) {
	p.start.Do(func() {
		for range p.size {
			go p.work()
		}
	})
	job := poolJob{ctx: ctx, run: fn, done: make(chan poolResult, 1)}
	select {
	case p.jobs <- job:
	case <-ctx.Done():
		return nil, status.FromContextError(ctx.Err()).Err()
	}
	select {
	case r := <-job.done:
		return r.res, r.err
	case <-ctx.Done():
		// The worker still finishes the call (CheckTx is not interruptible)
		// and drops the result; the tx may be in the mempool, as when a
		// client gives up waiting on any node.
		return nil, status.FromContextError(ctx.Err()).Err()
	}
}

func (p *workerPool) work() {
	for job := range p.jobs {
		if job.ctx.Err() != nil {
			job.done <- poolResult{err: status.FromContextError(job.ctx.Err()).Err()}
			continue
		}
		job.done <- runRecovered(job.run)
	}
}

// runRecovered runs fn, turning a panic into codes.Internal so that it never
// takes a worker, or the node, down.
func runRecovered(fn func() (any, error)) (r poolResult) {
	defer func() {
		if p := recover(); p != nil {
			r = poolResult{err: status.Errorf(codes.Internal, "BroadcastTx panicked: %v", p)}
		}
	}()
	res, err := fn()
	return poolResult{res: res, err: err}
}
