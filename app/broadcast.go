package app

import (
	"context"

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
type broadcastFastPath struct{ gogogrpc.Server }

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
			d.Methods[i].Handler = broadcastTxHandler
		}
	}
	s.Server.RegisterService(&d, impl)
}

// broadcastTxHandler is the generated BroadcastTx handler without an
// interceptor (no query context), recovering a panic as codes.Internal as
// the SDK's chain does.
func broadcastTxHandler(srv any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (res any, err error) {
	in := new(txtypes.BroadcastTxRequest)
	if err := dec(in); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, status.Errorf(codes.Internal, "BroadcastTx panicked: %v", r)
		}
	}()
	return srv.(txtypes.ServiceServer).BroadcastTx(ctx, in)
}
