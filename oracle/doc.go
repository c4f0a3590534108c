// Package oracle is ClearChain's deterministic price aggregation library.
//
// It turns the prices that validators carry in ABCI++ vote extensions, and
// the prices that licensed ORACLE_FEEDER accounts submit by transaction, into
// one price per feed, and it answers the questions that the rest of the chain
// asks about a price: is it fresh, did it move too far in one block, what is
// its time-weighted average.
//
// # Fixed-point prices
//
// A [Price] is an int64 mantissa. Each feed has a number of decimals fixed in
// its parameters (8 is usual): with 8 decimals the Price 1_050_000_000 means
// 10.5. The library never needs to know the decimals of a feed: every
// operation compares and averages mantissas of one feed. Valid prices are
// strictly positive; zero and negative prices are never produced.
//
// Ratios are expressed in basis points (1 bps = 1/10_000). Every product that
// could exceed 64 bits is computed in 128 bits (math/bits), and every division
// says how it rounds.
//
// # Determinism
//
// This package runs inside consensus (x/oracle's PreBlock and EndBlock). It
// must give every node the same answer, so it imports only the standard
// library, uses no floating point, no maps, no goroutines, no clock and no
// randomness. Times and heights are passed in by the caller (block height and
// block header time). A test (imports_test.go) enforces these rules on the
// non-test files of this directory. The off-chain price feeder lives in the
// sub-package oracle/feeder and is not bound by them.
//
// # Allocation
//
// The hot path, [Aggregator.Aggregate], takes its working memory from a
// reusable scratch buffer, so that aggregating every feed of a block performs
// no allocation once the buffer has grown to the largest validator set seen.
package oracle
