// Package stream is ClearChain's server-streaming market-data feed
// (README.md is the spec): a Hub fed after each commit with the block's
// events and the exchange store's writes, a mirror of the committed order
// books, a bounded replay buffer, and the gRPC service that streams a
// snapshot followed by one update per committed block to each subscriber.
//
// The package runs outside consensus: it never writes state, and nothing
// it does can slow or stop a block. The commit listener hands each block
// to the Hub without blocking; when the Hub falls behind it rebuilds from
// the committed store under a new epoch. A subscriber that cannot keep up
// is dropped with a clear status instead of buffering without bound.
package stream
