// Package app wires ClearChain: the Cosmos SDK modules, wasmd and
// ClearChain's own modules, their ordering and the ante handler.
//
// app.go holds the app type and its constructor only; keepers.go builds
// the keepers, modules.go lists the modules and their order, ante.go the
// ante chain, genesis.go the chain's default genesis, export.go genesis
// export, and upgrades/ the upgrade handlers.
package app

import (
	"encoding/json"
	"fmt"
	"io"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/version"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	"github.com/cosmos/cosmos-sdk/x/auth/posthandler"

	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	oracleabci "github.com/clearchain/clearchain/x/oracle/abci"
)

var (
	_ runtime.AppI            = (*ClearApp)(nil)
	_ servertypes.Application = (*ClearApp)(nil)
)

// ClearApp is the ClearChain ABCI application.
type ClearApp struct {
	*baseapp.BaseApp
	Keepers

	legacyAmino       *codec.LegacyAmino
	appCodec          codec.Codec
	txConfig          client.TxConfig
	txDecoder         sdk.TxDecoder // SDK txs and lane txs (orderlane.go)
	laneSigs          *LaneSigCache
	interfaceRegistry codectypes.InterfaceRegistry

	keys map[string]*storetypes.KVStoreKey

	ModuleManager      *module.Manager
	BasicModuleManager module.BasicManager
	sm                 *module.SimulationManager
	configurator       module.Configurator
	closer             closeOnce
	// feederClient is the connection to the price feeder, closed by Close.
	feederClient io.Closer

	// oracleABCI holds x/oracle's ABCI++ handlers (see oracle.go).
	oracleABCI *oracleabci.Handlers
	// SigCache: signatures verified in CheckTx are not verified again at
	// delivery (sigcache.go).
	SigCache *SigCache
	// DecodedTxs: txs decoded in CheckTx are reused on recheck (recheck.go).
	DecodedTxs *DecodedTxCache
	stream     *streamWiring // the market-data stream (stream.go)
}

// New returns a ClearChain app on db. With loadLatest it loads the latest
// committed state.
func New(
	logger log.Logger,
	db dbm.DB,
	loadLatest bool,
	appOpts servertypes.AppOptions,
	wasmOpts []wasmkeeper.Option,
	baseAppOptions ...func(*baseapp.BaseApp),
) (*ClearApp, error) {
	enc, err := newEncodingConfig()
	if err != nil {
		return nil, err
	}
	// SDK txs and lane txs (orderlane.go).
	txDecoder := laneTxDecoder(enc.TxConfig.TxDecoder(), enc.Codec)
	bApp := baseapp.NewBaseApp(AppName, logger, db, txDecoder, baseAppOptions...)
	bApp.SetVersion(version.Version)
	bApp.SetInterfaceRegistry(enc.InterfaceRegistry)
	bApp.SetTxEncoder(enc.TxConfig.TxEncoder())

	keys := storetypes.NewKVStoreKeys(storeKeyNames...)
	if err := bApp.RegisterStreamingServices(appOpts, keys); err != nil {
		return nil, err
	}
	app := &ClearApp{
		BaseApp:           bApp,
		legacyAmino:       enc.Amino,
		appCodec:          enc.Codec,
		txConfig:          enc.TxConfig,
		txDecoder:         txDecoder,
		interfaceRegistry: enc.InterfaceRegistry,
		keys:              keys,
	}
	if app.Keepers, err = newKeepers(bApp, enc.Codec, enc.Amino, keys, appOpts, wasmOpts); err != nil {
		return nil, err
	}

	app.ModuleManager = module.NewManager(appModules(app, enc.Codec, enc.TxConfig, enc.InterfaceRegistry)...)
	app.BasicModuleManager = module.NewBasicManagerFromManager(app.ModuleManager, basicOverrides())
	app.BasicModuleManager.RegisterLegacyAminoCodec(enc.Amino)
	app.BasicModuleManager.RegisterInterfaces(enc.InterfaceRegistry)
	setModuleOrder(app.ModuleManager)

	// One compliance decision for the ante and the message router: every
	// Msg handler runs it, whoever dispatched the message (router.go).
	gate := newComplianceGate(app.ComplianceKeeper)
	app.configurator = module.NewConfigurator(app.appCodec,
		checkedMsgServer{inner: app.MsgServiceRouter(), check: allChecks(
			gate.CheckRouted, restrictedFundingCheck(app.AssetsKeeper))}, app.GRPCQueryRouter())
	if err := app.ModuleManager.RegisterServices(app.configurator); err != nil {
		return nil, err
	}
	if err := app.registerUpgradeHandlers(); err != nil {
		return nil, err
	}
	if err := app.registerReflectionServices(); err != nil {
		return nil, err
	}
	app.stream = newStreamWiring(app, appOpts)
	app.sm = module.NewSimulationManagerFromAppModules(app.ModuleManager.Modules, nil)
	app.sm.RegisterStoreDecoders()

	app.MountKVStores(keys)
	app.MountTransientStores(app.Keepers.transientKeys())
	app.SetInitChainer(app.InitChainer)
	app.SetPreBlocker(app.PreBlocker)
	app.SetBeginBlocker(app.BeginBlocker)
	app.SetEndBlocker(app.EndBlocker)

	app.SigCache = NewSigCache()
	app.laneSigs = NewLaneSigCache()
	// Txs decoded in CheckTx are not decoded again on recheck (recheck.go).
	app.DecodedTxs = NewDecodedTxCache()
	app.SetCheckTxHandler(app.DecodedTxs.CheckTxHandler(txDecoder))
	anteHandler, err := NewAnteHandler(AnteOptions{
		HandlerOptions: ante.HandlerOptions{
			AccountKeeper:   app.AccountKeeper,
			BankKeeper:      app.BankKeeper,
			SignModeHandler: enc.TxConfig.SignModeHandler(),
			FeegrantKeeper:  app.FeeGrantKeeper,
			SigGasConsumer:  ante.DefaultSigVerificationGasConsumer,
		},
		WasmConfig:            &app.WasmNodeConfig,
		WasmKeeper:            &app.WasmKeeper,
		TXCounterStoreService: runtime.NewKVStoreService(keys[wasmtypes.StoreKey]),
		SigCache:              app.SigCache,
		LaneSigs:              app.laneSigs,
		DecodedTxs:            app.DecodedTxs,
		BeforeFees: []sdk.AnteDecorator{
			// a tx with more orders than a block may carry (proposal.go).
			newOrderCapDecorator(app.ExchangeKeeper),
			// fees: no restricted asset, no frozen payer or granter, a
			// minimum fee for unlicensed signers (fees.go).
			newComplianceFeeDecorator(app.ComplianceKeeper, app.AssetsKeeper),
		},
		Extra: []sdk.AnteDecorator{
			// fixed gas and the per-account rate limit of order txs (ordergas.go).
			NewOrderGasDecorator(app.ExchangeKeeper),
			// the compliance gate: licence roles and freezes (see ante.go).
			gate,
		},
		// A lane tx in a block: the message router runs the gate
		// (router.go), as for every message.
		LaneDeliverExtra: []sdk.AnteDecorator{NewOrderGasDecorator(app.ExchangeKeeper)},
	})
	if err != nil {
		return nil, fmt.Errorf("ante handler: %w", err)
	}
	app.SetAnteHandler(anteHandler)
	postHandler, err := posthandler.NewPostHandler(posthandler.HandlerOptions{})
	if err != nil {
		return nil, err
	}
	app.SetPostHandler(postHandler)
	// x/oracle: vote extensions, injected votes, PreBlock aggregation (oracle.go).
	if err := app.setOracleABCI(appOpts); err != nil {
		return nil, err
	}

	if manager := app.SnapshotManager(); manager != nil {
		if err := manager.RegisterExtensions(wasmkeeper.NewWasmSnapshotter(app.CommitMultiStore(), &app.WasmKeeper)); err != nil {
			return nil, fmt.Errorf("wasm snapshot extension: %w", err)
		}
	}
	if loadLatest {
		if err := app.LoadLatestVersion(); err != nil {
			return nil, fmt.Errorf("loading latest version: %w", err)
		}
		ctx := app.NewContextLegacy(true, cmtproto.Header{})
		if err := app.WasmKeeper.InitializePinnedCodes(ctx); err != nil {
			return nil, fmt.Errorf("initializing pinned wasm codes: %w", err)
		}
	}
	return app, nil
}

// Name returns the app's name.
func (app *ClearApp) Name() string { return app.BaseApp.Name() }

// PreBlocker runs the modules' pre-blockers, then x/oracle's aggregation
// of the block's vote extensions.
func (app *ClearApp) PreBlocker(ctx sdk.Context, req *abci.RequestFinalizeBlock) (*sdk.ResponsePreBlock, error) {
	res, err := app.ModuleManager.PreBlock(ctx)
	if err != nil {
		return nil, err
	}
	return res, app.oraclePreBlock(ctx, req)
}

// BeginBlocker runs the modules' begin-blockers.
func (app *ClearApp) BeginBlocker(ctx sdk.Context) (sdk.BeginBlock, error) {
	return app.ModuleManager.BeginBlock(ctx)
}

// EndBlocker runs the modules' end-blockers.
func (app *ClearApp) EndBlocker(ctx sdk.Context) (sdk.EndBlock, error) {
	return app.ModuleManager.EndBlock(ctx)
}

// InitChainer initialises every module from the genesis app state, then
// refuses a genesis whose validators' operators are not licensed.
func (app *ClearApp) InitChainer(ctx sdk.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var genesisState GenesisState
	if err := json.Unmarshal(req.AppStateBytes, &genesisState); err != nil {
		return nil, fmt.Errorf("decoding genesis app state: %w", err)
	}
	if err := app.UpgradeKeeper.SetModuleVersionMap(ctx, app.ModuleManager.GetVersionMap()); err != nil {
		return nil, err
	}
	res, err := app.ModuleManager.InitGenesis(ctx, app.appCodec, genesisState)
	if err != nil {
		return nil, err
	}
	// Genesis validators' operators must be licensed (validators.go).
	if err := app.checkGenesisValidators(ctx); err != nil {
		return nil, err
	}
	return res, app.withVoteExtensions(ctx, req, res)
}

// LoadHeight loads the state at height.
func (app *ClearApp) LoadHeight(height int64) error { return app.LoadVersion(height) }

// LegacyAmino returns the app's amino codec.
func (app *ClearApp) LegacyAmino() *codec.LegacyAmino { return app.legacyAmino }

// AppCodec returns the app's proto codec.
func (app *ClearApp) AppCodec() codec.Codec { return app.appCodec }

// InterfaceRegistry returns the app's interface registry.
func (app *ClearApp) InterfaceRegistry() codectypes.InterfaceRegistry { return app.interfaceRegistry }

// TxConfig returns the app's tx config.
func (app *ClearApp) TxConfig() client.TxConfig { return app.txConfig }

// Configurator returns the app's module configurator.
func (app *ClearApp) Configurator() module.Configurator { return app.configurator }

// SimulationManager returns the app's simulation manager.
func (app *ClearApp) SimulationManager() *module.SimulationManager { return app.sm }

// GetKey returns the KV store key of a store name.
func (app *ClearApp) GetKey(name string) *storetypes.KVStoreKey { return app.keys[name] }

// GetStoreKeys returns every KV store key, sorted by name.
func (app *ClearApp) GetStoreKeys() []storetypes.StoreKey {
	out := make([]storetypes.StoreKey, 0, len(app.keys))
	for _, name := range sortedKeys(app.keys) {
		out = append(out, app.keys[name])
	}
	return out
}
