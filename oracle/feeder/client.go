package feeder

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// DefaultClientTimeout bounds a call whose context has no deadline.
const DefaultClientTimeout = 500 * time.Millisecond

// Client queries a feeder over gRPC. It is what the node uses in
// ExtendVote: every call returns by its context's deadline (or after
// DefaultClientTimeout when the context has none), whether the feeder is
// slow, down, or not yet started. A Client is safe for concurrent use.
type Client struct {
	conn    *grpc.ClientConn
	timeout time.Duration
}

// NewClient returns a client for the feeder at addr ("127.0.0.1:9191"). It
// does not connect: the connection is made, and remade, in the background
// as calls need it. The connection is plaintext; keep the feeder on
// loopback or a private network. opts are added to the dial options.
func NewClient(addr string, opts ...grpc.DialOption) (*Client, error) {
	opts = append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)
	conn, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("feeder: client for %q: %w", addr, err)
	}
	return &Client{conn: conn, timeout: DefaultClientTimeout}, nil
}

// SetDefaultTimeout changes the bound applied to calls whose context has no
// deadline.
func (c *Client) SetDefaultTimeout(d time.Duration) { c.timeout = d }

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Snapshot returns the feeder's current snapshot, including the pairs
// without a price and why.
func (c *Client) Snapshot(ctx context.Context) (Snapshot, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	out := new(structpb.Struct)
	// No WaitForReady: a feeder that is down fails the call at once instead
	// of holding it until the deadline.
	if err := c.conn.Invoke(ctx, PricesMethod, &emptypb.Empty{}, out); err != nil {
		return Snapshot{}, fmt.Errorf("feeder: %s: %w", PricesMethod, err)
	}
	return DecodeSnapshot(out)
}

// Prices returns the feeder's current prices, sorted by pair.
func (c *Client) Prices(ctx context.Context) ([]PairPrice, error) {
	s, err := c.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return s.Prices, nil
}
