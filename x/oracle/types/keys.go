// Package types holds the oracle module's types: state, message and vote
// extension protos, store keys, errors, params, feed and genesis validation,
// the encoding of the injected vote-extension transaction, and the narrow
// interfaces the module needs from others. It holds no state.
package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the module's name.
	ModuleName = "oracle"
	// StoreKey is the module's KV store key.
	StoreKey = ModuleName
)

// Store prefixes. Each is declared once here and never reused.
var (
	ParamsKey      = collections.NewPrefix(0)
	FeedsKey       = collections.NewPrefix(1)
	PricesKey      = collections.NewPrefix(2)
	HistoryKey     = collections.NewPrefix(3)
	SubmissionsKey = collections.NewPrefix(4)
	FeedByDenomKey = collections.NewPrefix(5)
)
