package cmd

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	cmtcfg "github.com/cometbft/cometbft/config"

	"github.com/cosmos/cosmos-sdk/server"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	"github.com/cosmos/cosmos-sdk/types/module"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/clearchain/clearchain/app"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"
)

// DBBackend is the database of every store the node opens: CometBFT's
// block store and state, and the application's IAVL store.
const DBBackend = "pebbledb"

// IndexEvents are the events the node's tx indexer indexes (app.toml
// index-events): see initAppConfig.
var IndexEvents = []string{"message.sender"}

// TimeoutCommit is the timeout_commit that `cleard init` writes: the pause
// after each commit before the next height starts. 300 ms, not 800 ms:
// at 800 ms a block carried ~8,000 orders at 10,000 orders/s, above the
// 5,000-order proposal cap (max_proposal_orders), so the backlog waited in
// the mempool and latency grew to tens of blocks; at 300 ms the node
// committed 9,856 orders/s with blocks of p99 472 ms and every order
// processed within 2 blocks of its submission (docs/benchmarks.md, "Node
// throughput, stop 23", which also lists what block-counted windows mean
// in seconds at this pace).
const TimeoutCommit = 300 * time.Millisecond

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
	// TimeoutCommit is the pause after each block (the SDK would write 5s).
	cfg.Consensus.TimeoutCommit = TimeoutCommit
	// The RPC server's write timeout is max(10 s, this + 1 s): the block
	// results of a full block (every order's and fill's events, tens of MB
	// of JSON) take longer than 10 s to write on a busy node, and clients
	// saw EOF. See docs/benchmarks.md ("Node throughput").
	cfg.RPC.TimeoutBroadcastTxCommit = 60 * time.Second
	// The mempool recheck stays on (CometBFT's default) although it cost
	// 25% of the node's CPU under a backlog: without it the check state
	// after a block forgets the sequences of the txs still waiting, and an
	// account's next tx is refused ("account sequence mismatch"; measured,
	// docs/benchmarks.md, "Node levers"). Unordered txs avoid that. The
	// recheck itself is cheaper since stop 22: it runs only the ante checks
	// a block can change, on the tx decoded in CheckTx (app/ante.go,
	// app/recheck.go).
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
	// Index only what clients query: tx.hash and tx.height (always indexed
	// by CometBFT) and the sender of each message (an account's history).
	// An empty list indexes every attribute of every event — each order's
	// EventOrderPlaced and each fill's exchange_fill — which cost 5–12% of
	// the node's CPU under load and grew the tx index by ~1 GB in minutes.
	// The trade register reads block results, not the index.
	srv.IndexEvents = IndexEvents
	cfg := clearAppConfig{Config: *srv, Wasm: wasmtypes.DefaultNodeConfig(), Oracle: app.DefaultOracleConfig()}
	return serverconfig.DefaultConfigTemplate + wasmtypes.DefaultConfigTemplate() + app.OracleConfigTemplate, cfg
}

// BlockMaxGas is the consensus param block.max_gas that `cleard init`
// writes into genesis instead of CometBFT's -1 (unbounded): with no
// bound, the proposer reaps the whole mempool into one block, which then
// takes tens of seconds while CheckTx waits (docs/benchmarks.md, "Node
// throughput", runs 4 and 5). The orders of a block are bounded by the
// exchange param max_proposal_orders (default 5,000, app/proposal.go); this
// gas bound sits above it so that it does not bind first: an order message
// uses a fixed ~42k gas per batched order (x/exchange types.OrderTxGas), so
// 250M gas is ~5,900 batched orders, ~2,000 single-order txs (~120k) or
// ~2,800 bank sends (~90k).
const BlockMaxGas = 250_000_000

// initCmd is genutil's init, then block.max_gas set to BlockMaxGas.
func initCmd(basics module.BasicManager, home string) *cobra.Command {
	cmd := genutilcli.InitCmd(basics, home)
	run := cmd.RunE
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := run(cmd, args); err != nil {
			return err
		}
		return setBlockMaxGas(server.GetServerContextFromCmd(cmd).Config.GenesisFile(), BlockMaxGas)
	}
	return cmd
}

// setBlockMaxGas sets block.max_gas in the genesis file at path.
func setBlockMaxGas(path string, gas int64) error {
	g, err := genutiltypes.AppGenesisFromFile(path)
	if err != nil {
		return fmt.Errorf("genesis %s: %w", path, err)
	}
	if g.Consensus == nil || g.Consensus.Params == nil {
		return fmt.Errorf("genesis %s has no consensus params", path)
	}
	g.Consensus.Params.Block.MaxGas = gas
	return g.SaveAs(path)
}
