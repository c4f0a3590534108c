package app

import (
	"os"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/viper"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client/flags"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	simtypes "github.com/cosmos/cosmos-sdk/types/simulation"
	authzkeeper "github.com/cosmos/cosmos-sdk/x/authz/keeper"
	"github.com/cosmos/cosmos-sdk/x/feegrant"
	"github.com/cosmos/cosmos-sdk/x/simulation"
	simcli "github.com/cosmos/cosmos-sdk/x/simulation/client/cli"
	slashingtypes "github.com/cosmos/cosmos-sdk/x/slashing/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

const simChainID = "clearchain-sim"

func init() {
	simcli.GetSimulatorFlags()
}

func newSimApp(t *testing.T, db dbm.DB, home string, opts ...func(*baseapp.BaseApp)) *ClearApp {
	t.Helper()
	appOpts := viper.New()
	appOpts.Set(flags.FlagHome, home)
	a, err := New(log.NewNopLogger(), db, true, appOpts, nil, append(opts, baseapp.SetChainID(simChainID))...)
	require.NoError(t, err)
	return a
}

// simulate runs the SDK simulation from config on a fresh app.
func simulate(t *testing.T, a *ClearApp, config simtypes.Config) (bool, simtypes.Params) {
	t.Helper()
	stopEarly, params, err := simulation.SimulateFromSeed(
		t, os.Stdout, a.BaseApp,
		simtestutil.AppStateFn(a.AppCodec(), a.SimulationManager(), a.DefaultGenesis()),
		simtypes.RandomAccounts,
		simtestutil.BuildSimulationOperations(a, a.AppCodec(), config, a.TxConfig()),
		BlockedAddresses(), config, a.AppCodec(),
	)
	require.NoError(t, err)
	ctx := a.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight()})
	require.NotEmpty(t, a.Invariants(), "no module registered an invariant")
	require.Empty(t, a.CheckInvariants(ctx), "broken invariants after the simulation")

	// The check can fail: coins that reach the exchange's module account
	// outside a deposit break the exchange's balance invariant.
	broken, _ := ctx.CacheContext()
	require.NoError(t, a.BankKeeper.SendCoinsFromModuleToModule(broken, stakingtypes.BondedPoolName,
		exchangetypes.ModuleName, sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1))))
	require.NotEmpty(t, a.CheckInvariants(broken), "a broken exchange balance went unnoticed")
	return stopEarly, params
}

// TestAppStateDeterminism runs the same seeded simulation several times on
// fresh apps and requires identical app hashes. `make test-sim-nondeterminism`.
func TestAppStateDeterminism(t *testing.T) {
	if !simcli.FlagEnabledValue {
		t.Skip("simulation disabled: run with -Enabled=true (make test-sim-nondeterminism)")
	}
	config := simcli.NewConfigFromFlags()
	config.InitialBlockHeight = 1
	config.ChainID = simChainID
	const seeds, runsPerSeed = 2, 3
	for i := 0; i < seeds; i++ {
		config.Seed = simcli.FlagSeedValue + int64(i)
		var first []byte
		for j := 0; j < runsPerSeed; j++ {
			a := newSimApp(t, dbm.NewMemDB(), t.TempDir())
			t.Logf("seed %d run %d/%d", config.Seed, j+1, runsPerSeed)
			simulate(t, a, config)
			hash := a.LastCommitID().Hash
			if j == 0 {
				first = hash
				continue
			}
			require.Equal(t, first, hash, "non-determinism: seed %d run %d app hash differs", config.Seed, j+1)
		}
		t.Logf("seed %d: %d runs, app hash %X", config.Seed, runsPerSeed, first)
	}
}

// TestAppImportExport simulates, exports genesis, imports it into a fresh
// app and requires every store to be equal. `make test-sim-import-export`.
func TestAppImportExport(t *testing.T) {
	if !simcli.FlagEnabledValue {
		t.Skip("simulation disabled: run with -Enabled=true (make test-sim-import-export)")
	}
	config := simcli.NewConfigFromFlags()
	config.ChainID = simChainID
	a := newSimApp(t, dbm.NewMemDB(), t.TempDir(), fauxMerkle)
	stopEarly, _ := simulate(t, a, config)
	if stopEarly {
		t.Skip("all validators unbonded: nothing to export")
	}

	exported, err := a.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)

	b := newSimApp(t, dbm.NewMemDB(), t.TempDir(), fauxMerkle)
	ctxA := a.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight()})
	ctxB := b.NewContextLegacy(true, cmtproto.Header{Height: a.LastBlockHeight()})
	_, err = b.InitChainer(ctxB, &abci.RequestInitChain{AppStateBytes: exported.AppState})
	require.NoError(t, err)
	require.NoError(t, b.StoreConsensusParams(ctxB, exported.ConsensusParams))

	// Queues and counters that genesis does not carry by design.
	skip := map[string][][]byte{
		stakingtypes.StoreKey: {
			stakingtypes.UnbondingQueueKey, stakingtypes.RedelegationQueueKey, stakingtypes.ValidatorQueueKey,
			stakingtypes.HistoricalInfoKey, stakingtypes.UnbondingIDKey, stakingtypes.UnbondingIndexKey,
			stakingtypes.UnbondingTypeKey, stakingtypes.ValidatorUpdatesKey,
		},
		authzkeeper.StoreKey:   {authzkeeper.GrantQueuePrefix},
		feegrant.StoreKey:      {feegrant.FeeAllowanceQueueKeyPrefix},
		slashingtypes.StoreKey: {slashingtypes.ValidatorMissedBlockBitmapKeyPrefix},
		wasmtypes.StoreKey:     {wasmtypes.TXCounterPrefix},
	}
	for _, keyA := range a.GetStoreKeys() {
		kv, ok := keyA.(*storetypes.KVStoreKey)
		if !ok {
			continue
		}
		name := kv.Name()
		failedA, failedB := simtestutil.DiffKVStores(ctxA.KVStore(keyA), ctxB.KVStore(b.GetKey(name)), skip[name])
		require.Equal(t, len(failedA), len(failedB), "store %s: unequal key sets", name)
		require.Empty(t, failedA, simtestutil.GetSimulationLog(name, a.SimulationManager().StoreDecoders, failedA, failedB))
		t.Logf("store %s: equal after export/import", name)
	}
}

func fauxMerkle(b *baseapp.BaseApp) { b.SetFauxMerkleMode() }
