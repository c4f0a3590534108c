// Package matching is ClearChain's price-time priority matching engine.
//
// It is a pure Go library: it imports only the standard library and must
// never import a Cosmos SDK, CometBFT or CosmWasm package. x/exchange drives
// it once per block.
package matching
