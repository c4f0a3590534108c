// Package client is ClearChain's Go client for market makers: a stream
// consumer (Feed) that rebuilds the order books and the account's orders
// from the node's Stream service, detects gaps, duplicates and epoch
// changes from the sequence numbers and resyncs by itself; and an order
// sender (Sender) that signs exchange messages offline as unordered
// transactions and broadcasts them.
//
// It never imports the app: it talks to a node over gRPC only.
package client

import (
	"context"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
)

// retryDelay is the pause before a resubscription.
var retryDelay = 200 * time.Millisecond

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Dial opens an insecure gRPC connection to a node's gRPC address (a
// loopback or private network endpoint) with the codec the Cosmos SDK's
// gRPC server speaks (gogoproto messages).
func Dial(addr string) (*grpc.ClientConn, error) {
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
	return grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(cdc.GRPCCodec()), grpc.MaxCallRecvMsgSize(64<<20)))
}
