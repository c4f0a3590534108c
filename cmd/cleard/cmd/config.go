package cmd

import (
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"

	serverconfig "github.com/cosmos/cosmos-sdk/server/config"

	"github.com/clearchain/clearchain/app"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"
)

// DBBackend is the database of every store the node opens: CometBFT's
// block store and state, and the application's IAVL store.
const DBBackend = "pebbledb"

// initCometBFTConfig is the config.toml that `cleard init` writes: Pebble,
// and timeouts for a permissioned network of known validators on good
// links, where rounds rarely fail and blocks can come fast.
func initCometBFTConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.DBBackend = DBBackend
	cfg.Consensus.TimeoutPropose = 2 * time.Second
	cfg.Consensus.TimeoutProposeDelta = 200 * time.Millisecond
	cfg.Consensus.TimeoutPrevote = 500 * time.Millisecond
	cfg.Consensus.TimeoutPrevoteDelta = 200 * time.Millisecond
	cfg.Consensus.TimeoutPrecommit = 500 * time.Millisecond
	cfg.Consensus.TimeoutPrecommitDelta = 200 * time.Millisecond
	// Not 1s: the SDK replaces CometBFT's default (1s) by 5s at init.
	cfg.Consensus.TimeoutCommit = 800 * time.Millisecond
	// Known peers only: no seed crawling on a permissioned network.
	cfg.P2P.PexReactor = false
	cfg.P2P.AddrBookStrict = false
	cfg.P2P.AllowDuplicateIP = true
	return cfg
}

// clearAppConfig is app.toml: the SDK's server config plus wasm's.
type clearAppConfig struct {
	serverconfig.Config `mapstructure:",squash"`

	Wasm wasmtypes.NodeConfig `mapstructure:"wasm"`
	// Oracle is the [oracle] section: this validator's price-feeder sidecar.
	Oracle app.OracleConfig `mapstructure:"oracle"`
}

func initAppConfig() (string, any) {
	srv := serverconfig.DefaultConfig()
	srv.AppDBBackend = DBBackend
	srv.MinGasPrices = "0" + app.BondDenom
	srv.API.Enable = true
	srv.GRPC.Enable = true
	cfg := clearAppConfig{Config: *srv, Wasm: wasmtypes.DefaultNodeConfig(), Oracle: app.DefaultOracleConfig()}
	return serverconfig.DefaultConfigTemplate + wasmtypes.DefaultConfigTemplate() + app.OracleConfigTemplate, cfg
}
