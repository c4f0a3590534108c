// Package testutil builds a test chain state for x/compliance and
// x/assets: a real in-memory multistore with the real auth, bank,
// compliance and assets keepers wired as in the app (send restrictions
// included). No mocks.
package testutil

import (
	"encoding/json"
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	"github.com/cosmos/cosmos-sdk/x/auth"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	"github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktestutil "github.com/cosmos/cosmos-sdk/x/bank/testutil"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	minttypes "github.com/cosmos/cosmos-sdk/x/mint/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	assetskeeper "github.com/clearchain/clearchain/x/assets/keeper"
	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	compliancekeeper "github.com/clearchain/clearchain/x/compliance/keeper"
	"github.com/clearchain/clearchain/x/compliance/types"
)

// BlockTime is the fixture's block time.
var BlockTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// BlockedAddr is an address the fixture's bank refuses to send to (as the
// app blocks its module accounts).
var BlockedAddr = Addr("blocked")

// Fixture is a chain state with the real keepers.
type Fixture struct {
	Ctx        sdk.Context
	Cdc        codec.Codec
	TxConfig   client.TxConfig
	Accounts   authkeeper.AccountKeeper
	Bank       bankkeeper.BaseKeeper
	Compliance compliancekeeper.Keeper
	Assets     assetskeeper.Keeper
	// Gov signs MsgUpdateParams; Regulator is params.authority.
	Gov       string
	Regulator sdk.AccAddress
}

// Addr returns a deterministic test address.
func Addr(name string) sdk.AccAddress {
	b := make([]byte, 20)
	copy(b, name)
	return sdk.AccAddress(b)
}

// NewFixture returns a fixture at height 10 and BlockTime, with the
// regulator set in the compliance genesis.
func NewFixture(t testing.TB) *Fixture {
	t.Helper()
	enc := moduletestutil.MakeTestEncodingConfig(auth.AppModuleBasic{}, bank.AppModuleBasic{})
	types.RegisterInterfaces(enc.InterfaceRegistry)
	assetstypes.RegisterInterfaces(enc.InterfaceRegistry)
	authz.RegisterInterfaces(enc.InterfaceRegistry)
	stakingtypes.RegisterInterfaces(enc.InterfaceRegistry)

	keys := storetypes.NewKVStoreKeys(authtypes.StoreKey, banktypes.StoreKey, types.StoreKey, assetstypes.StoreKey)
	ctx := testutil.DefaultContextWithKeys(keys, nil, nil).
		WithBlockHeader(cmtproto.Header{Height: 10, Time: BlockTime, ChainID: "test"})
	prefix := sdk.GetConfig().GetBech32AccountAddrPrefix()
	gov := authtypes.NewModuleAddress(govtypes.ModuleName).String()
	ak := authkeeper.NewAccountKeeper(enc.Codec, runtime.NewKVStoreService(keys[authtypes.StoreKey]),
		authtypes.ProtoBaseAccount, map[string][]string{
			minttypes.ModuleName:   {authtypes.Minter},
			assetstypes.ModuleName: {authtypes.Minter, authtypes.Burner},
		}, addresscodec.NewBech32Codec(prefix), prefix, gov)
	bk := bankkeeper.NewBaseKeeper(enc.Codec, runtime.NewKVStoreService(keys[banktypes.StoreKey]), ak,
		map[string]bool{BlockedAddr.String(): true}, gov, log.NewNopLogger())
	ck, err := compliancekeeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(keys[types.StoreKey]),
		addresscodec.NewBech32Codec(prefix), bk, ak, gov)
	if err != nil {
		t.Fatal(err)
	}
	bk.AppendSendRestriction(ck.SendRestriction)
	asK, err := assetskeeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(keys[assetstypes.StoreKey]), bk, ck)
	if err != nil {
		t.Fatal(err)
	}
	ck.SetAssetRegistry(asK)
	bk.AppendSendRestriction(asK.SendRestriction)

	f := &Fixture{
		Ctx: ctx, Cdc: enc.Codec, TxConfig: enc.TxConfig, Accounts: ak, Bank: bk,
		Compliance: ck, Assets: asK, Gov: gov, Regulator: Addr("regulator"),
	}
	gs := types.DefaultGenesis()
	gs.Params.Authority = f.Regulator.String()
	if err := ck.InitGenesis(ctx, gs); err != nil {
		t.Fatal(err)
	}
	return f
}

// Fund gives addr coins through the mint module account.
func (f *Fixture) Fund(t testing.TB, addr sdk.AccAddress, coins sdk.Coins) {
	t.Helper()
	if err := banktestutil.FundAccount(f.Ctx, f.Bank, addr, coins); err != nil {
		t.Fatal(err)
	}
}

// State is the exported state of compliance, assets and bank as JSON: two
// equal States mean nothing changed.
func (f *Fixture) State(t testing.TB) string {
	t.Helper()
	cgs, err := f.Compliance.ExportGenesis(f.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	ags, err := f.Assets.ExportGenesis(f.Ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal([]json.RawMessage{
		f.Cdc.MustMarshalJSON(cgs), f.Cdc.MustMarshalJSON(ags), f.Cdc.MustMarshalJSON(f.Bank.ExportGenesis(f.Ctx)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// Entity registers an entity as the regulator and returns its id.
func (f *Fixture) Entity(t testing.TB, name, lei, jurisdiction string, parent uint64) uint64 {
	t.Helper()
	id, err := f.Compliance.RegisterEntity(f.Ctx, f.Regulator.String(), types.Entity{
		Name: name, Lei: lei, Jurisdiction: jurisdiction, ParentId: parent,
	}, "test fixture")
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// License grants addr roles under entity, expiring at expires (zero: never).
func (f *Fixture) License(t testing.TB, addr sdk.AccAddress, entity uint64, expires time.Time, roles ...types.Role) {
	t.Helper()
	if err := f.Compliance.GrantLicence(f.Ctx, f.Regulator.String(), types.Licence{
		Address: addr.String(), EntityId: entity, Roles: roles, ExpiresAt: expires,
	}, "test fixture"); err != nil {
		t.Fatal(err)
	}
}
