package app

import (
	"os"
	"path/filepath"
	"slices"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	// AppName is the name of the application, as reported by ABCI Info.
	AppName = "ClearChain"

	// Bech32Prefix is the human-readable part of every ClearChain address.
	Bech32Prefix = "clear"

	// BondDenom is the staking and fee denom of the chain (1 CLEAR = 10^6 uclear).
	BondDenom = "uclear"

	// DisplayDenom is the human unit of BondDenom.
	DisplayDenom = "CLEAR"
)

var (
	// NodeDir is the default home directory name, under the user's home.
	NodeDir = ".cleard"

	// DefaultNodeHome is the default home of cleard.
	DefaultNodeHome = defaultHome()
)

func defaultHome() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return NodeDir
	}
	return filepath.Join(home, NodeDir)
}

// SetAddressPrefixes sets the bech32 prefixes of accounts, validators and
// consensus nodes in the SDK's global config. It is idempotent and must run
// before the config is sealed.
func SetAddressPrefixes() {
	cfg := sdk.GetConfig()
	cfg.SetBech32PrefixForAccount(Bech32Prefix, Bech32Prefix+sdk.PrefixPublic)
	cfg.SetBech32PrefixForValidator(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator,
		Bech32Prefix+sdk.PrefixValidator+sdk.PrefixOperator+sdk.PrefixPublic)
	cfg.SetBech32PrefixForConsensusNode(Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus,
		Bech32Prefix+sdk.PrefixValidator+sdk.PrefixConsensus+sdk.PrefixPublic)
}

// sortedKeys returns a map's keys in order, so nothing depends on Go's map
// iteration order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
