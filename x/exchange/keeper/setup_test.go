package keeper_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"cosmossdk.io/log/v2"
	sdkmath "cosmossdk.io/math"

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
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
	minttypes "github.com/cosmos/cosmos-sdk/x/mint/types"

	"github.com/clearchain/clearchain/x/exchange/keeper"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// licences is a small real compliance implementation: a licence table.
type licences struct {
	table  map[string]licence
	reg    string   // the regulator
	audits []string // the audit records asked for: "actor action subject details"
}

func (l *licences) Authority(context.Context) string { return l.reg }

func (l *licences) RecordAudit(_ context.Context, actor, action, subject, details string) (uint64, error) {
	l.audits = append(l.audits, actor+" "+action+" "+subject+" "+details)
	return uint64(len(l.audits)), nil
}

type licence struct {
	entity  uint64
	mm      bool
	markets map[string]bool // nil: every market
}

func (l *licences) get(addr sdk.AccAddress) (licence, bool) {
	v, ok := l.table[string(addr)]
	return v, ok
}

func (l *licences) EntityOf(_ context.Context, addr sdk.AccAddress) (uint64, error) {
	v, ok := l.get(addr)
	if !ok {
		return 0, errors.New("compliance: no licence")
	}
	return v.entity, nil
}

func (l *licences) IsMarketMaker(_ context.Context, addr sdk.AccAddress) bool {
	v, ok := l.get(addr)
	return ok && v.mm
}

func (l *licences) CheckTrade(_ context.Context, addr sdk.AccAddress, subject string, _ ...string) error {
	v, ok := l.get(addr)
	if !ok {
		return errors.New("compliance: no licence")
	}
	if subject != "" && v.markets != nil && !v.markets[subject] {
		return fmt.Errorf("compliance: not eligible for %s", subject)
	}
	return nil
}

// oracle is a settable price source: prices by feed id, already in ticks
// (the real x/oracle price source, with its scaling, is in oracle_test.go).
type oracle struct{ prices map[string]int64 }

func (o *oracle) TickPrice(_ context.Context, feed string, _ int32, _, _ sdkmath.Int) (int64, bool) {
	p, ok := o.prices[feed]
	return p, ok
}

// HasFeed: the settable source has every feed.
func (o *oracle) HasFeed(context.Context, string) bool { return true }

var gov = authtypes.NewModuleAddress(govtypes.ModuleName).String()

// chain is a keeper on a real auth + bank over an IAVL CommitMultiStore.
type chain struct {
	t      testing.TB
	db     dbm.DB
	cms    storetypes.CommitMultiStore
	keys   map[string]*storetypes.KVStoreKey
	tkey   *storetypes.TransientStoreKey
	ctx    sdk.Context
	height int64
	bank   bankkeeper.BaseKeeper
	k      keeper.Keeper
	msgs   types.MsgServer
	q      keeper.Querier
	lic    *licences
	oracle *oracle
	enc    moduletestutil.TestEncodingConfig
	// comp, when set, is the real compliance keeper (regChain) used instead
	// of lic; wire completes the keeper's wiring as the app does.
	comp types.ComplianceKeeper
	wire func(k keeper.Keeper)
	// src, when set, is the price source used instead of oracle (the real
	// x/oracle keeper in oracle_test.go).
	src types.OraclePriceSource
}

var maccPerms = map[string][]string{
	authtypes.FeeCollectorName: nil,
	types.ModuleName:           nil,
	minttypes.ModuleName:       {authtypes.Minter},
}

func newChain(t testing.TB) *chain { return newChainWith(t, nil, nil) }

// newChainWith is newChain with more stores mounted (extra) and pre run
// before the keeper is built (it may set c.src).
func newChainWith(t testing.TB, extra []*storetypes.KVStoreKey, pre func(c *chain)) *chain {
	c := &chain{t: t, db: dbm.NewMemDB(), lic: &licences{table: map[string]licence{}}, oracle: &oracle{prices: map[string]int64{}}}
	c.keys = storetypes.NewKVStoreKeys(authtypes.StoreKey, banktypes.StoreKey, types.StoreKey)
	for _, k := range extra {
		c.keys[k.Name()] = k
	}
	c.tkey = storetypes.NewTransientStoreKey(types.TransientStoreKey)
	c.cms = store.NewCommitMultiStore(c.db, log.NewNopLogger())
	for _, k := range c.keys {
		c.cms.MountStoreWithDB(k, storetypes.StoreTypeIAVL, nil)
	}
	c.cms.MountStoreWithDB(c.tkey, storetypes.StoreTypeTransient, nil)
	require.NoError(t, c.cms.LoadLatestVersion())
	c.enc = moduletestutil.MakeTestEncodingConfig(auth.AppModuleBasic{}, bank.AppModuleBasic{})
	types.RegisterInterfaces(c.enc.InterfaceRegistry)
	cdc := c.enc.Codec
	ak := authkeeper.NewAccountKeeper(cdc, runtime.NewKVStoreService(c.keys[authtypes.StoreKey]), authtypes.ProtoBaseAccount,
		maccPerms, authcodec.NewBech32Codec("cosmos"), "cosmos", gov)
	c.bank = bankkeeper.NewBaseKeeper(cdc, runtime.NewKVStoreService(c.keys[banktypes.StoreKey]), ak, map[string]bool{}, gov, log.NewNopLogger())
	if pre != nil {
		pre(c)
	}
	c.newKeeper()
	c.height = 1
	c.ctx = c.newCtx()
	require.NoError(t, c.k.InitGenesis(c.ctx, types.DefaultGenesis()))
	return c
}

// newKeeper builds a fresh keeper (empty in-memory books) on the store.
func (c *chain) newKeeper() {
	var comp types.ComplianceKeeper = c.lic
	if c.comp != nil {
		comp = c.comp
	}
	var src types.OraclePriceSource = c.oracle
	if c.src != nil {
		src = c.src
	}
	c.k = keeper.NewKeeper(c.enc.Codec, runtime.NewKVStoreService(c.keys[types.StoreKey]),
		runtime.NewTransientStoreService(c.tkey), c.bank, comp, src, gov, authtypes.FeeCollectorName)
	if c.wire != nil {
		c.wire(c.k)
	}
	c.msgs = keeper.NewMsgServerImpl(c.k)
	c.q = keeper.NewQuerier(c.k)
}

func (c *chain) newCtx() sdk.Context {
	return sdk.NewContext(c.cms, cmtproto.Header{Height: c.height, Time: time.Unix(1_700_000_000+c.height, 0).UTC()}, false, log.NewNopLogger())
}

// tx runs fn like a DeliverTx: on a cache, written only on success.
func (c *chain) tx(fn func(ctx sdk.Context) error) error {
	cache, write := c.ctx.CacheContext()
	if err := fn(cache); err != nil {
		return err
	}
	write()
	return nil
}

// endBlock runs EndBlock, checks the invariant and commits.
func (c *chain) endBlock() {
	c.t.Helper()
	require.NoError(c.t, c.k.BeginBlock(c.ctx))
	require.NoError(c.t, c.k.EndBlock(c.ctx))
	require.NoError(c.t, c.k.CheckBalanceInvariant(c.ctx))
	c.cms.Commit()
	c.height++
	c.ctx = c.newCtx()
}

func (c *chain) appHash() []byte { return c.cms.LastCommitID().Hash }

// account makes a funded, licensed account.
func (c *chain) account(name string, entity uint64, mm bool, coins ...sdk.Coin) sdk.AccAddress {
	addr := sdk.AccAddress(bytes.Repeat([]byte(name[:1]), 20))
	copy(addr, name)
	c.lic.table[string(addr)] = licence{entity: entity, mm: mm}
	if len(coins) > 0 {
		require.NoError(c.t, banktestutil.FundAccount(c.ctx, c.bank, addr, sdk.NewCoins(coins...)))
	}
	return addr
}

func coin(denom string, amt int64) sdk.Coin { return sdk.NewInt64Coin(denom, amt) }

func (c *chain) deposit(addr sdk.AccAddress, coins ...sdk.Coin) {
	c.t.Helper()
	for _, cn := range coins {
		require.NoError(c.t, c.tx(func(ctx sdk.Context) error {
			_, err := c.msgs.Deposit(ctx, &types.MsgDeposit{Owner: addr.String(), Amount: cn})
			return err
		}))
	}
}

// stdMarket is BASE/QUOTE: tick 1 quote per lot, lot 100 base; maker -2 bps,
// taker 10 bps.
func stdMarket() types.Market {
	return types.Market{BaseDenom: "ubase", QuoteDenom: "uquote", TickSize: sdkmath.NewInt(1), LotSize: sdkmath.NewInt(100),
		MinNotional: sdkmath.NewInt(10), MakerFeeBps: -2, TakerFeeBps: 10, OracleFeed: "ubase/uquote"}
}

func (c *chain) createMarket(m types.Market) uint64 {
	c.t.Helper()
	var id uint64
	require.NoError(c.t, c.tx(func(ctx sdk.Context) error {
		r, err := c.msgs.CreateMarket(ctx, &types.MsgCreateMarket{Authority: gov, Market: m})
		if err == nil {
			id = r.MarketId
		}
		return err
	}))
	return id
}

func (c *chain) place(owner sdk.AccAddress, spec types.OrderSpec) (uint64, error) {
	var id uint64
	err := c.tx(func(ctx sdk.Context) error {
		r, err := c.msgs.PlaceOrder(ctx, &types.MsgPlaceOrder{Owner: owner.String(), Order: spec})
		if err == nil {
			id = r.OrderId
		}
		return err
	})
	return id, err
}

func (c *chain) mustPlace(owner sdk.AccAddress, spec types.OrderSpec) uint64 {
	c.t.Helper()
	id, err := c.place(owner, spec)
	require.NoError(c.t, err)
	return id
}

func limit(market uint64, side types.Side, price int64, qty uint64) types.OrderSpec {
	return types.OrderSpec{MarketId: market, Side: side, Price: price, Quantity: qty}
}

func (c *chain) bal(addr sdk.AccAddress, denom string) (free, locked int64) {
	b, err := c.k.GetBalance(c.ctx, addr, denom)
	require.NoError(c.t, err)
	return b.Free.Int64(), b.Locked.Int64()
}

// snapshot returns every key/value of the exchange and bank stores and the
// transient queue.
func (c *chain) snapshot() map[string]string {
	out := map[string]string{}
	for _, name := range []string{types.StoreKey, banktypes.StoreKey} {
		it := c.ctx.KVStore(c.keys[name]).Iterator(nil, nil)
		for ; it.Valid(); it.Next() {
			out[name+"/"+string(it.Key())] = string(it.Value())
		}
		it.Close()
	}
	it := c.ctx.KVStore(c.tkey).Iterator(nil, nil)
	for ; it.Valid(); it.Next() {
		out["t/"+string(it.Key())] = string(it.Value())
	}
	it.Close()
	return out
}

// refused runs fn as a tx, requires it to fail with want and the stores to
// be untouched.
func (c *chain) refused(want error, fn func(ctx sdk.Context) error) {
	c.t.Helper()
	before := c.snapshot()
	err := c.tx(fn)
	require.ErrorIs(c.t, err, want)
	require.Equal(c.t, before, c.snapshot(), "state changed by a refused tx")
}
