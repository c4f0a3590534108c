// Package feeder is ClearChain's price-feeder sidecar: the off-chain process
// that every validator runs next to its node.
//
// The feeder polls price sources (HTTP JSON endpoints, local files, or a
// seeded simulation), requires a minimum number of sources to agree within a
// spread before it publishes a pair's price, and serves the current prices
// to its node over a local gRPC service. The node calls [Client.Prices] from
// ExtendVote, with a short deadline, and carries the prices in its vote
// extension; the aggregation across validators happens on chain, in the
// deterministic parent package oracle.
//
// Prices are parsed with shopspring/decimal and converted once, with
// explicit rounding (half away from zero), to the fixed-point [oracle.Price]
// of the pair's decimals. Floating point appears only in Prometheus metrics,
// which are for humans.
//
// # Wire shape
//
// There is no generated protobuf code for the service: it is registered by
// hand ([ServiceDesc]) and uses well-known protobuf types, so that the
// standard proto codec works and any gRPC client can call it:
//
//	rpc /clearchain.feeder.v1.Feeder/Prices (google.protobuf.Empty) returns (google.protobuf.Struct)
//
// The returned Struct is
//
//	{
//	  "time":        "2026-01-02T15:04:05.123456789Z",  // end of the last polling round (RFC 3339)
//	  "prices":      [ { "pair": "ATOM/USD", "price": "1050000000", "decimals": 8,
//	                     "sources": 3, "time": "2026-01-02T15:04:05.1Z" } ],
//	  "unavailable": [ { "pair": "OSMO/USD", "reason": "only 1 of 3 sources agree ..." } ]
//	}
//
// "price" is the fixed-point mantissa as a decimal string (a Struct number
// is a float64 and would lose precision above 2^53); the value is
// price / 10^decimals. "decimals" and "sources" are small integers.
// Entries are sorted by pair.
package feeder
