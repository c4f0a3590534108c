package app

import (
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	"github.com/cosmos/cosmos-sdk/x/auth"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	authzmodule "github.com/cosmos/cosmos-sdk/x/authz/module"
	"github.com/cosmos/cosmos-sdk/x/bank"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/consensus"
	consensusparamtypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	distr "github.com/cosmos/cosmos-sdk/x/distribution"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	"github.com/cosmos/cosmos-sdk/x/evidence"
	evidencetypes "github.com/cosmos/cosmos-sdk/x/evidence/types"
	"github.com/cosmos/cosmos-sdk/x/feegrant"
	feegrantmodule "github.com/cosmos/cosmos-sdk/x/feegrant/module"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/cosmos/cosmos-sdk/x/gov"
	govclient "github.com/cosmos/cosmos-sdk/x/gov/client"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	"github.com/cosmos/cosmos-sdk/x/slashing"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	"github.com/cosmos/cosmos-sdk/x/staking"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"
	"github.com/cosmos/cosmos-sdk/x/upgrade"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	"github.com/CosmWasm/wasmd/x/wasm"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	"github.com/clearchain/clearchain/x/assets"
	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	"github.com/clearchain/clearchain/x/compliance"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	"github.com/clearchain/clearchain/x/exchange"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
	"github.com/clearchain/clearchain/x/oracle"
	oracletypes "github.com/clearchain/clearchain/x/oracle/types"
)

// appModules lists every module of the app. ClearChain's own modules are
// appended here as they land.
func appModules(app *ClearApp, appCodec codec.Codec, txConfig client.TxConfig, ir codectypes.InterfaceRegistry) []module.AppModule {
	k := &app.Keepers
	return []module.AppModule{
		genutil.NewAppModule(k.AccountKeeper, k.StakingKeeper, app, txConfig),
		auth.NewAppModule(appCodec, k.AccountKeeper, randomGenesisAccounts, nil),
		bank.NewAppModule(appCodec, k.BankKeeper, k.AccountKeeper, nil),
		feegrantmodule.NewAppModule(appCodec, k.AccountKeeper, k.BankKeeper, k.FeeGrantKeeper, ir),
		gov.NewAppModule(appCodec, &k.GovKeeper, k.AccountKeeper, k.BankKeeper, nil),
		slashing.NewAppModule(appCodec, k.SlashingKeeper, k.AccountKeeper, k.BankKeeper, k.StakingKeeper, nil, ir),
		distr.NewAppModule(appCodec, k.DistrKeeper, k.AccountKeeper, k.BankKeeper, k.StakingKeeper, nil),
		staking.NewAppModule(appCodec, k.StakingKeeper, k.AccountKeeper, k.BankKeeper, nil),
		upgrade.NewAppModule(k.UpgradeKeeper, k.AccountKeeper.AddressCodec()),
		evidence.NewAppModule(k.EvidenceKeeper),
		authzmodule.NewAppModule(appCodec, k.AuthzKeeper, k.AccountKeeper, k.BankKeeper, ir),
		consensus.NewAppModule(appCodec, k.ConsensusParamsKeeper),
		wasm.NewAppModule(appCodec, &k.WasmKeeper, k.StakingKeeper, k.AccountKeeper, k.BankKeeper, app.MsgServiceRouter(), nil),
		compliance.NewAppModule(k.ComplianceKeeper, k.AccountKeeper),
		exchange.NewAppModule(k.ExchangeKeeper),
		oracle.NewAppModule(k.OracleKeeper),
		assets.NewAppModule(k.AssetsKeeper, k.AccountKeeper, k.BankKeeper),
	}
}

// randomGenesisAccounts gives the simulation plain base accounts: ClearChain
// has no vesting module, so the SDK's default (which mixes in vesting
// accounts) cannot be decoded here.
func randomGenesisAccounts(simState *module.SimulationState) authtypes.GenesisAccounts {
	accs := make(authtypes.GenesisAccounts, len(simState.Accounts))
	for i, acc := range simState.Accounts {
		accs[i] = authtypes.NewBaseAccountWithAddress(acc.Address)
	}
	return accs
}

// basicOverrides gives the module basics that need non-default arguments.
func basicOverrides() map[string]module.AppModuleBasic {
	return map[string]module.AppModuleBasic{
		genutiltypes.ModuleName: genutil.NewAppModuleBasic(genutiltypes.DefaultMessageValidator),
		govtypes.ModuleName:     gov.NewAppModuleBasic([]govclient.ProposalHandler{}),
		wasmtypes.ModuleName:    wasmBasic{},
	}
}

// setModuleOrder fixes the order in which modules run their block hooks and
// genesis. Every position that matters is commented.
func setModuleOrder(mm *module.Manager) {
	mm.SetOrderPreBlockers(
		// upgrade first: a scheduled upgrade must halt or migrate before any
		// other module touches state at the upgrade height.
		upgradetypes.ModuleName,
		// auth prunes expired unordered-transaction nonces.
		authtypes.ModuleName,
		// x/oracle aggregates the vote extensions after these, from
		// app.PreBlocker: it needs the block's first tx (app/oracle.go).
	)
	mm.SetOrderBeginBlockers(
		// distribution pays out the previous block's fees before slashing
		// changes validator power.
		distrtypes.ModuleName,
		slashingtypes.ModuleName,
		evidencetypes.ModuleName,
		stakingtypes.ModuleName,
		genutiltypes.ModuleName,
		authz.ModuleName,
		wasmtypes.ModuleName,
		// exchange only loads its in-memory books here, on the first block
		// after a start (from the block's state, never from a query).
		exchangetypes.ModuleName,
	)
	mm.SetOrderEndBlockers(
		// gov executes passed proposals before staking computes the next
		// validator set, so a parameter change applies the same block.
		govtypes.ModuleName,
		stakingtypes.ModuleName,
		// compliance sweeps the licence expiries due before exchange matches:
		// the lifecycle hooks enqueue the barred accounts' cancels first.
		compliancetypes.ModuleName,
		// exchange matches the block's orders after gov and staking: a market
		// halt or parameter change passed by gov this block applies to this
		// block's matching; its fees reach the fee collector before the next
		// block's distribution.
		exchangetypes.ModuleName,
		genutiltypes.ModuleName,
		feegrant.ModuleName,
		banktypes.ModuleName,
		wasmtypes.ModuleName,
	)
	genesisOrder := []string{
		// auth and bank before staking: genesis validators need funded
		// accounts to bond from.
		authtypes.ModuleName,
		banktypes.ModuleName,
		distrtypes.ModuleName,
		stakingtypes.ModuleName,
		slashingtypes.ModuleName,
		govtypes.ModuleName,
		// compliance before genutil and the ClearChain modules: licences and
		// the regulator exist before any genesis tx or asset is loaded.
		compliancetypes.ModuleName,
		// exchange after bank (its module account holds the exchange balances).
		exchangetypes.ModuleName,
		// oracle after compliance, whose licences its feeders need.
		oracletypes.ModuleName,
		// assets after bank (whose metadata and supply it describes).
		assetstypes.ModuleName,
		// genutil runs the genesis gentxs, which need staking and bank.
		genutiltypes.ModuleName,
		evidencetypes.ModuleName,
		authz.ModuleName,
		feegrant.ModuleName,
		upgradetypes.ModuleName,
		consensusparamtypes.ModuleName,
		// wasm last: genesis contracts may call any other module.
		wasmtypes.ModuleName,
	}
	mm.SetOrderInitGenesis(genesisOrder...)
	// consensus params first on export so the exported genesis carries them
	// for the modules that follow.
	mm.SetOrderExportGenesis(append([]string{consensusparamtypes.ModuleName}, without(genesisOrder, consensusparamtypes.ModuleName)...)...)
}

func without(list []string, name string) []string {
	out := make([]string, 0, len(list))
	for _, s := range list {
		if s != name {
			out = append(out, s)
		}
	}
	return out
}
