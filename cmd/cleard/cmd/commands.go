package cmd

import (
	"errors"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cast"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"cosmossdk.io/log/v2"
	confixcmd "cosmossdk.io/tools/confix/cmd"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/debug"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/keys"
	"github.com/cosmos/cosmos-sdk/client/pruning"
	"github.com/cosmos/cosmos-sdk/client/rpc"
	"github.com/cosmos/cosmos-sdk/client/snapshot"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	authcmd "github.com/cosmos/cosmos-sdk/x/auth/client/cli"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"

	"github.com/clearchain/clearchain/app"
	"github.com/clearchain/clearchain/app/appdb"
	compliancecli "github.com/clearchain/clearchain/x/compliance/client/cli"

	wasmcli "github.com/CosmWasm/wasmd/x/wasm/client/cli"
	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
)

func initRootCmd(rootCmd *cobra.Command, tempApp *app.ClearApp) {
	basics := tempApp.BasicModuleManager
	txConfig := tempApp.TxConfig()
	rootCmd.AddCommand(
		initCmd(basics, app.DefaultNodeHome), // genutil's, with a bounded block.max_gas (config.go)
		debug.Cmd(),
		confixcmd.ConfigCommand(),
		pruning.Cmd(newApp, app.DefaultNodeHome),
		snapshot.Cmd(newApp),
	)
	// start, export, rollback, version, comet and friends.
	// The application database opens with the node's Pebble options
	// (app/appdb: block cache, bloom filters, memtables).
	server.AddCommandsWithStartCmdOptions(rootCmd, app.DefaultNodeHome, newApp, appExport, server.StartCmdOptions{
		AddFlags: addStartFlags, // wasm's flags and --gogc (gc.go)
		DBOpener: appdb.OpenApplicationDB,
	})
	wasmcli.ExtendUnsafeResetAllCmd(rootCmd)

	rootCmd.AddCommand(
		server.StatusCommand(),
		genesisCommand(txConfig, basics),
		queryCommand(),
		txCommand(),
		keys.Commands(),
		NewTestnetCmd(basics, tempApp.AppCodec(), txConfig),
		simulateCmd(),
		replayBlockCmd(),
		envelopeCmd(),
	)
	guardNodeHome(rootCmd)
}

func queryCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "query",
		Aliases:                    []string{"q"},
		Short:                      "Query the chain (module subcommands come from autocli)",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		rpc.QueryEventForTxCmd(),
		server.QueryBlockCmd(),
		authcmd.QueryTxsByEventsCmd(),
		server.QueryBlocksCmd(),
		authcmd.QueryTxCmd(),
		server.QueryBlockResultsCmd(),
	)
	return cmd
}

func txCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "tx",
		Short:                      "Build, sign and broadcast transactions (module subcommands come from autocli)",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		authcmd.GetSignCommand(),
		authcmd.GetSignBatchCommand(),
		authcmd.GetMultiSignCommand(),
		authcmd.GetMultiSignBatchCmd(),
		authcmd.GetValidateSignaturesCommand(),
		authcmd.GetBroadcastCommand(),
		authcmd.GetEncodeCommand(),
		authcmd.GetDecodeCommand(),
		authcmd.GetSimulateCmd(),
	)
	return cmd
}

func newApp(logger log.Logger, db dbm.DB, appOpts servertypes.AppOptions) servertypes.Application {
	applyGOGC(appOpts) // start --gogc (gc.go)
	var wasmOpts []wasmkeeper.Option
	if cast.ToBool(appOpts.Get("telemetry.enabled")) {
		wasmOpts = append(wasmOpts, wasmkeeper.WithVMCacheMetrics(prometheus.DefaultRegisterer))
	}
	a, err := app.New(logger, db, true, appOpts, wasmOpts, server.DefaultBaseappOptions(appOpts)...)
	if err != nil {
		// The server's app constructor has no error return.
		panic(err)
	}
	return a
}

func appExport(
	logger log.Logger, db dbm.DB, height int64, forZeroHeight bool,
	jailAllowedAddrs []string, appOpts servertypes.AppOptions, modulesToExport []string,
) (servertypes.ExportedApp, error) {
	homePath, ok := appOpts.Get(flags.FlagHome).(string)
	if !ok || homePath == "" {
		return servertypes.ExportedApp{}, errors.New("application home is not set")
	}
	viperOpts, ok := appOpts.(*viper.Viper)
	if !ok {
		return servertypes.ExportedApp{}, errors.New("app options are not a viper.Viper")
	}
	viperOpts.Set(server.FlagInvCheckPeriod, 1)
	a, err := app.New(logger, db, height == -1, viperOpts, nil)
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	if height != -1 {
		if err := a.LoadHeight(height); err != nil {
			return servertypes.ExportedApp{}, err
		}
	}
	return a.ExportAppStateAndValidators(forZeroHeight, jailAllowedAddrs, modulesToExport)
}

// genesisCommand is the SDK's genesis command plus ClearChain's genesis
// editors (set-regulator, grant-licence).
func genesisCommand(txConfig client.TxConfig, basics module.BasicManager) *cobra.Command {
	cmd := genutilcli.Commands(txConfig, basics, app.DefaultNodeHome)
	cmd.AddCommand(compliancecli.SetRegulatorCmd(app.DefaultNodeHome), compliancecli.GrantLicenceGenesisCmd(app.DefaultNodeHome))
	return cmd
}
