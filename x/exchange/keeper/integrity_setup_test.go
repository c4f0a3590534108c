package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

	dbm "github.com/cosmos/cosmos-db"

	"github.com/cosmos/cosmos-sdk/runtime"
	"github.com/cosmos/cosmos-sdk/store/v2"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	"github.com/cosmos/cosmos-sdk/x/auth"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/bank"
	bankkeeper "github.com/cosmos/cosmos-sdk/x/bank/keeper"
	banktestutil "github.com/cosmos/cosmos-sdk/x/bank/testutil"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	minttypes "github.com/cosmos/cosmos-sdk/x/mint/types"

	assetskeeper "github.com/clearchain/clearchain/x/assets/keeper"
	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	compliancekeeper "github.com/clearchain/clearchain/x/compliance/keeper"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	"github.com/clearchain/clearchain/x/exchange/keeper"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// regChain is a chain with the real x/compliance and x/assets keepers wired
// as in the app (both bank send restrictions, the compliance regulator, the
// exchange as compliance's lifecycle hook and ledger): the attacks of the
// integrity issue run against it.
type regChain struct {
	*chain
	comp   compliancekeeper.Keeper
	assets assetskeeper.Keeper
	reg    sdk.AccAddress
	issuer sdk.AccAddress
	// blocked is the bank's blocked-address set (may be added to).
	blocked map[string]bool
}

const regLEI = "5493001KJTIIGC8Y1R1"

func newRegChain(t testing.TB) *regChain {
	c := &chain{t: t, db: dbm.NewMemDB(), lic: &licences{table: map[string]licence{}}, oracle: &oracle{prices: map[string]int64{}}}
	c.keys = storetypes.NewKVStoreKeys(authtypes.StoreKey, banktypes.StoreKey, types.StoreKey,
		compliancetypes.StoreKey, assetstypes.StoreKey)
	c.tkey = storetypes.NewTransientStoreKey(types.TransientStoreKey)
	c.cms = store.NewCommitMultiStore(c.db, log.NewNopLogger())
	for _, name := range []string{authtypes.StoreKey, banktypes.StoreKey, types.StoreKey, compliancetypes.StoreKey, assetstypes.StoreKey} {
		c.cms.MountStoreWithDB(c.keys[name], storetypes.StoreTypeIAVL, nil)
	}
	c.cms.MountStoreWithDB(c.tkey, storetypes.StoreTypeTransient, nil)
	require.NoError(t, c.cms.LoadLatestVersion())
	c.enc = moduletestutil.MakeTestEncodingConfig(auth.AppModuleBasic{}, bank.AppModuleBasic{})
	types.RegisterInterfaces(c.enc.InterfaceRegistry)
	compliancetypes.RegisterInterfaces(c.enc.InterfaceRegistry)
	assetstypes.RegisterInterfaces(c.enc.InterfaceRegistry)
	cdc := c.enc.Codec
	perms := map[string][]string{
		authtypes.FeeCollectorName: nil,
		types.ModuleName:           nil,
		minttypes.ModuleName:       {authtypes.Minter},
		assetstypes.ModuleName:     {authtypes.Minter, authtypes.Burner},
	}
	accCodec := authcodec.NewBech32Codec("cosmos")
	ak := authkeeper.NewAccountKeeper(cdc, runtime.NewKVStoreService(c.keys[authtypes.StoreKey]), authtypes.ProtoBaseAccount,
		perms, accCodec, "cosmos", gov)
	blocked := map[string]bool{}
	c.bank = bankkeeper.NewBaseKeeper(cdc, runtime.NewKVStoreService(c.keys[banktypes.StoreKey]), ak, blocked, gov, log.NewNopLogger())
	comp, err := compliancekeeper.NewKeeper(cdc, runtime.NewKVStoreService(c.keys[compliancetypes.StoreKey]), accCodec, c.bank, ak, gov)
	require.NoError(t, err)
	c.bank.AppendSendRestriction(comp.SendRestriction)
	as, err := assetskeeper.NewKeeper(cdc, runtime.NewKVStoreService(c.keys[assetstypes.StoreKey]), c.bank, comp)
	require.NoError(t, err)
	comp.SetAssetRegistry(as)
	c.bank.AppendSendRestriction(as.SendRestriction)
	rc := &regChain{chain: c, comp: comp, assets: as, reg: addrOf("regulator"), blocked: blocked}
	c.comp = comp
	c.wire = func(k keeper.Keeper) {
		k.SetAssetRegistry(as)
		comp.SetLifecycleHooks(compliancetypes.MultiLifecycleHooks{k})
		comp.SetExchangeLedger(k)
	}
	c.newKeeper()
	c.height = 1
	c.ctx = c.newCtx()
	gs := compliancetypes.DefaultGenesis()
	gs.Params.Authority = rc.reg.String()
	require.NoError(t, comp.InitGenesis(c.ctx, gs))
	require.NoError(t, c.k.InitGenesis(c.ctx, types.DefaultGenesis()))
	for i, name := range []string{"Alpha Bank", "Beta Securities", "Gamma Issuer"} {
		_, err := comp.RegisterEntity(c.ctx, rc.reg.String(), compliancetypes.Entity{
			Name: name, Lei: regLEI + string(rune('0'+i)), Jurisdiction: "DE"}, "onboarding")
		require.NoError(t, err)
	}
	rc.issuer = rc.licensed("issuer", 3, compliancetypes.RoleIssuer)
	return rc
}

func addrOf(name string) sdk.AccAddress {
	b := make([]byte, 20)
	copy(b, name)
	return sdk.AccAddress(b)
}

// licensed grants a licence with roles under entity and returns the account.
func (rc *regChain) licensed(name string, entity uint64, roles ...compliancetypes.Role) sdk.AccAddress {
	rc.t.Helper()
	addr := addrOf(name)
	require.NoError(rc.t, rc.comp.GrantLicence(rc.ctx, rc.reg.String(), compliancetypes.Licence{
		Address: addr.String(), EntityId: entity, Roles: roles, ExpiresAt: rc.ctx.BlockTime().Add(365 * 24 * time.Hour)}, "onboarding"))
	return addr
}

// trader is a licensed INSTITUTION of entity, funded with coins.
func (rc *regChain) trader(name string, entity uint64, coins ...sdk.Coin) sdk.AccAddress {
	rc.t.Helper()
	addr := rc.licensed(name, entity, compliancetypes.RoleInstitution)
	if len(coins) > 0 {
		require.NoError(rc.t, banktestutil.FundAccount(rc.ctx, rc.bank, addr, sdk.NewCoins(coins...)))
	}
	return addr
}

// asset creates asset/{issuer}/{symbol} and mints supply to the issuer.
func (rc *regChain) asset(symbol string, restricted bool) string {
	rc.t.Helper()
	a, err := rc.assets.CreateAsset(rc.ctx, rc.issuer, assetskeeper.CreateParams{
		Symbol: symbol, Name: symbol, Decimals: 6, Class: assetstypes.ClassCash, Restricted: restricted, SupplyCap: sdkmath.ZeroInt()})
	require.NoError(rc.t, err)
	require.NoError(rc.t, rc.assets.Mint(rc.ctx, rc.issuer, a.Denom, sdkmath.NewInt(1_000_000_000), rc.issuer))
	return a.Denom
}

// give sends coins from the issuer (the asset holder) to addr.
func (rc *regChain) give(addr sdk.AccAddress, c sdk.Coin) {
	rc.t.Helper()
	require.NoError(rc.t, rc.bank.SendCoins(rc.ctx, rc.issuer, addr, sdk.NewCoins(c)))
}

// tryEndBlock runs BeginBlock and EndBlock and returns EndBlock's error, or
// the panic it raised as an error; it commits only on success.
func (rc *regChain) tryEndBlock() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errPanic{r}
		}
	}()
	if err := rc.k.BeginBlock(rc.ctx); err != nil {
		return err
	}
	if err := rc.k.EndBlock(rc.ctx); err != nil {
		return err
	}
	if err := rc.k.CheckBalanceInvariant(rc.ctx); err != nil {
		return err
	}
	rc.cms.Commit()
	rc.height++
	rc.ctx = rc.newCtx()
	return nil
}

type errPanic struct{ v any }

func (e errPanic) Error() string { return "panic in EndBlock" }

var _ = keeper.NewKeeper
