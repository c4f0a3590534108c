package app

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cast"

	corestore "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	authzkeeper "github.com/cosmos/cosmos-sdk/x/authz/keeper"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	consensusparamkeeper "github.com/cosmos/cosmos-sdk/x/consensus/keeper"
	consensusparamtypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	distrkeeper "github.com/cosmos/cosmos-sdk/x/distribution/keeper"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	evidencekeeper "github.com/cosmos/cosmos-sdk/x/evidence/keeper"
	evidencetypes "github.com/cosmos/cosmos-sdk/x/evidence/types"
	"github.com/cosmos/cosmos-sdk/x/feegrant"
	feegrantkeeper "github.com/cosmos/cosmos-sdk/x/feegrant/keeper"
	govkeeper "github.com/cosmos/cosmos-sdk/x/gov/keeper"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	govv1beta1 "github.com/cosmos/cosmos-sdk/x/gov/types/v1beta1"
	slashingkeeper "github.com/cosmos/cosmos-sdk/x/slashing/keeper"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
	upgradekeeper "github.com/cosmos/cosmos-sdk/x/upgrade/keeper"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	"github.com/CosmWasm/wasmd/x/wasm"
	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	assetskeeper "github.com/clearchain/clearchain/x/assets/keeper"
	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	compliancekeeper "github.com/clearchain/clearchain/x/compliance/keeper"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangekeeper "github.com/clearchain/clearchain/x/exchange/keeper"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
	oraclekeeper "github.com/clearchain/clearchain/x/oracle/keeper"
	oracletypes "github.com/clearchain/clearchain/x/oracle/types"
)

// maccPerms lists the module accounts and what each may do with coins.
var maccPerms = map[string][]string{
	authtypes.FeeCollectorName:     nil,
	distrtypes.ModuleName:          nil,
	stakingtypes.BondedPoolName:    {authtypes.Burner, authtypes.Staking},
	stakingtypes.NotBondedPoolName: {authtypes.Burner, authtypes.Staking},
	govtypes.ModuleName:            {authtypes.Burner},
	wasmtypes.ModuleName:           {authtypes.Burner},
	// exchange holds every exchange balance; it never mints or burns.
	exchangetypes.ModuleName: nil,
	assetstypes.ModuleName:   {authtypes.Minter, authtypes.Burner},
}

// Keepers holds every module keeper of the app. Each keeper receives only the
// narrow dependencies it needs; no keeper holds the whole set.
type Keepers struct {
	AccountKeeper         authkeeper.AccountKeeper
	BankKeeper            bankkeeper.BaseKeeper
	StakingKeeper         *stakingkeeper.Keeper
	SlashingKeeper        slashingkeeper.Keeper
	DistrKeeper           distrkeeper.Keeper
	GovKeeper             govkeeper.Keeper
	UpgradeKeeper         *upgradekeeper.Keeper
	EvidenceKeeper        evidencekeeper.Keeper
	ConsensusParamsKeeper consensusparamkeeper.Keeper
	FeeGrantKeeper        feegrantkeeper.Keeper
	AuthzKeeper           authzkeeper.Keeper
	WasmKeeper            wasmkeeper.Keeper
	ComplianceKeeper      compliancekeeper.Keeper
	ExchangeKeeper        exchangekeeper.Keeper
	OracleKeeper          oraclekeeper.Keeper

	// ExchangeTransientKey is the exchange's transient store: the block's order queue.
	ExchangeTransientKey *storetypes.TransientStoreKey
	AssetsKeeper         assetskeeper.Keeper

	// WasmNodeConfig is the node-local wasm configuration read from app.toml.
	WasmNodeConfig wasmtypes.NodeConfig
}

// storeKeyNames lists every KV store of the app, in a fixed order.
var storeKeyNames = []string{
	authtypes.StoreKey,
	banktypes.StoreKey,
	stakingtypes.StoreKey,
	distrtypes.StoreKey,
	slashingtypes.StoreKey,
	govtypes.StoreKey,
	consensusparamtypes.StoreKey,
	upgradetypes.StoreKey,
	feegrant.StoreKey,
	evidencetypes.StoreKey,
	authzkeeper.StoreKey,
	wasmtypes.StoreKey,
	compliancetypes.StoreKey,
	exchangetypes.StoreKey,
	oracletypes.StoreKey,
	assetstypes.StoreKey,
}

// govAuthority is the address of the gov module account: the authority of
// every stock module's parameters.
func govAuthority() string {
	return authtypes.NewModuleAddress(govtypes.ModuleName).String()
}

// newKeepers builds every keeper. Keepers are created in dependency order.
func newKeepers(
	bApp *baseapp.BaseApp,
	appCodec codec.Codec,
	legacyAmino *codec.LegacyAmino,
	keys map[string]*storetypes.KVStoreKey,
	appOpts servertypes.AppOptions,
	wasmOpts []wasmkeeper.Option,
) (Keepers, error) {
	var k Keepers
	authority := govAuthority()
	accCodec := authcodec.NewBech32Codec(sdk.GetConfig().GetBech32AccountAddrPrefix())
	store := func(name string) corestore.KVStoreService { return runtime.NewKVStoreService(keys[name]) }

	k.ConsensusParamsKeeper = consensusparamkeeper.NewKeeper(
		appCodec, store(consensusparamtypes.StoreKey), authority, runtime.EventService{})
	bApp.SetParamStore(k.ConsensusParamsKeeper.ParamsStore)

	// Unordered transactions let market makers send many txs without
	// sequence contention.
	k.AccountKeeper = authkeeper.NewAccountKeeper(
		appCodec, store(authtypes.StoreKey), authtypes.ProtoBaseAccount, maccPerms,
		accCodec, sdk.GetConfig().GetBech32AccountAddrPrefix(), authority,
		authkeeper.WithUnorderedTransactions(true),
	)
	k.BankKeeper = bankkeeper.NewBaseKeeper(
		appCodec, store(banktypes.StoreKey), k.AccountKeeper, BlockedAddresses(), authority, bApp.Logger())

	k.StakingKeeper = stakingkeeper.NewKeeper(
		appCodec, store(stakingtypes.StoreKey), k.AccountKeeper, k.BankKeeper, authority,
		authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ValidatorAddrPrefix()),
		authcodec.NewBech32Codec(sdk.GetConfig().GetBech32ConsensusAddrPrefix()),
	)
	k.DistrKeeper = distrkeeper.NewKeeper(
		appCodec, store(distrtypes.StoreKey), k.AccountKeeper, k.BankKeeper, k.StakingKeeper,
		authtypes.FeeCollectorName, authority)
	k.SlashingKeeper = slashingkeeper.NewKeeper(
		appCodec, legacyAmino, store(slashingtypes.StoreKey), k.StakingKeeper, authority)
	k.FeeGrantKeeper = feegrantkeeper.NewKeeper(appCodec, store(feegrant.StoreKey), k.AccountKeeper)
	k.StakingKeeper.SetHooks(stakingtypes.NewMultiStakingHooks(k.DistrKeeper.Hooks(), k.SlashingKeeper.Hooks()))

	k.AuthzKeeper = authzkeeper.NewKeeper(store(authzkeeper.StoreKey), appCodec, bApp.MsgServiceRouter(), k.AccountKeeper)

	skipUpgradeHeights := map[int64]bool{}
	for _, h := range cast.ToIntSlice(appOpts.Get(server.FlagUnsafeSkipUpgrades)) {
		skipUpgradeHeights[int64(h)] = true
	}
	homePath := cast.ToString(appOpts.Get(flags.FlagHome))
	k.UpgradeKeeper = upgradekeeper.NewKeeper(
		skipUpgradeHeights, store(upgradetypes.StoreKey), appCodec, homePath, bApp, authority)

	govKeeper := govkeeper.NewKeeper(
		appCodec, store(govtypes.StoreKey), k.AccountKeeper, k.BankKeeper, k.DistrKeeper,
		bApp.MsgServiceRouter(), govtypes.DefaultConfig(), authority,
		govkeeper.NewDefaultCalculateVoteResultsAndVotingPower(k.StakingKeeper),
	)
	// The legacy (v1beta1) text-proposal route: without it a MsgExecLegacyContent
	// would reach a nil router.
	govKeeper.SetLegacyRouter(govv1beta1.NewRouter().AddRoute(govtypes.RouterKey, govv1beta1.ProposalHandler))
	k.GovKeeper = *govKeeper

	k.EvidenceKeeper = *evidencekeeper.NewKeeper(
		appCodec, store(evidencetypes.StoreKey), k.StakingKeeper, k.SlashingKeeper,
		k.AccountKeeper.AddressCodec(), runtime.ProvideCometInfoService())

	nodeConfig, err := wasm.ReadNodeConfig(appOpts)
	if err != nil {
		return k, fmt.Errorf("reading wasm config: %w", err)
	}
	k.WasmNodeConfig = nodeConfig
	k.WasmKeeper = wasmkeeper.NewKeeper(
		appCodec, store(wasmtypes.StoreKey), k.AccountKeeper, k.BankKeeper, k.StakingKeeper,
		distrkeeper.NewQuerier(k.DistrKeeper),
		noIBC{}, noIBC{}, noIBCV2{}, noIBC{}, // no IBC on ClearChain: see ibc_disabled.go
		// Contracts dispatch through the allow list (wasm.go), then the
		// router's compliance check (router.go).
		contractRouter{inner: bApp.MsgServiceRouter()}, bApp.GRPCQueryRouter(),
		filepath.Join(homePath, "wasm"), nodeConfig, wasmtypes.VMConfig{},
		wasmkeeper.BuiltInCapabilities(), authority,
		append(append([]wasmkeeper.Option(nil), wasmOpts...), contractWasmOptions(&k)...)...,
	)

	// x/compliance: the regulator's register; governance may replace the
	// regulator. Its send restriction keeps restricted assets among eligible
	// holders (x/assets says which denoms are restricted).
	if k.ComplianceKeeper, err = compliancekeeper.NewKeeper(
		appCodec, store(compliancetypes.StoreKey), accCodec, k.BankKeeper, k.AccountKeeper, authority,
	); err != nil {
		return k, err
	}
	k.BankKeeper.AppendSendRestriction(k.ComplianceKeeper.SendRestriction)

	// x/exchange: markets, exchange balances and block-level matching.
	// Compliance gives entities (self-trade prevention), market-maker roles
	// (rebates) and per-market eligibility. x/oracle is its price source: a
	// market names its feed and the oracle scales the price into the
	// market's ticks (see oracle.go); without a feed the price bands and
	// stop triggers use the last trade price.
	k.ExchangeTransientKey = storetypes.NewTransientStoreKey(exchangetypes.TransientStoreKey)
	// x/oracle: price feeds; licensed feeders are checked against compliance
	// (see oracle.go). The exchange reads its reference prices from it.
	if k.OracleKeeper, err = newOracleKeeper(
		appCodec, store(oracletypes.StoreKey), accCodec, authority, k.ComplianceKeeper,
	); err != nil {
		return k, err
	}
	k.ExchangeKeeper = exchangekeeper.NewKeeper(
		appCodec, store(exchangetypes.StoreKey), runtime.NewTransientStoreService(k.ExchangeTransientKey),
		k.BankKeeper, k.ComplianceKeeper, k.OracleKeeper, authority, authtypes.FeeCollectorName,
	)

	// x/assets: licensed issuers' denoms. Compliance learns from it which
	// denoms are restricted; its own restriction stops paused assets.
	if k.AssetsKeeper, err = assetskeeper.NewKeeper(
		appCodec, store(assetstypes.StoreKey), k.BankKeeper, k.ComplianceKeeper,
	); err != nil {
		return k, err
	}
	k.ComplianceKeeper.SetAssetRegistry(k.AssetsKeeper)
	// The exchange suspends markets of paused assets and keeps fees in
	// restricted denoms in its ledger.
	k.ExchangeKeeper.SetAssetRegistry(k.AssetsKeeper)
	// A barred account's orders are swept by the exchange; forced transfers
	// reach exchange balances. (The app may add more lifecycle hooks to the
	// list, e.g. validator jailing.)
	k.ComplianceKeeper.SetExchangeLedger(k.ExchangeKeeper)
	// What happens when compliance bars an account (revoked, expired,
	// frozen): the exchange queues the sweep of its orders and heartbeat, and
	// its validator, if it operates one, is jailed (validators.go).
	k.ComplianceKeeper.SetLifecycleHooks(compliancetypes.MultiLifecycleHooks{
		k.ExchangeKeeper,
		newValidatorLifecycle(&k),
	})
	// Moves of contract-administered data-asset shares are queued for their
	// contract (wasm.go, x/assets/keeper/moves.go).
	k.AssetsKeeper.SetMoveTracking(contractCheck(k.WasmKeeper), moduleAccountAddresses())
	k.BankKeeper.AppendSendRestriction(k.AssetsKeeper.SendRestriction)
	return k, nil
}

// BlockedAddresses returns the module accounts that may not receive coins by
// a plain bank send.
func BlockedAddresses() map[string]bool {
	blocked := make(map[string]bool, len(maccPerms))
	for name := range maccPerms {
		blocked[authtypes.NewModuleAddress(name).String()] = true
	}
	// The gov account may receive deposits.
	delete(blocked, govAuthority())
	return blocked
}

// transientKeys returns the transient stores the keepers use.
func (k *Keepers) transientKeys() map[string]*storetypes.TransientStoreKey {
	return map[string]*storetypes.TransientStoreKey{exchangetypes.TransientStoreKey: k.ExchangeTransientKey}
}
