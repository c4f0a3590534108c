package keeper_test

import (
	"context"
	"testing"
	"time"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	oraclemodule "github.com/clearchain/clearchain/x/oracle"
	"github.com/clearchain/clearchain/x/oracle/keeper"
	"github.com/clearchain/clearchain/x/oracle/types"
)

// authority is the gov module account, the default authority.
var authority = authtypes.NewModuleAddress("gov").String()

// roles is a FeederAuthorizer fed by the test.
type roles map[string]bool

func (r roles) IsOracleFeeder(_ context.Context, addr sdk.AccAddress) bool { return r[addr.String()] }

type fixture struct {
	ctx    sdk.Context
	k      keeper.Keeper
	msgs   types.MsgServer
	query  types.QueryServer
	feeder roles
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("t_oracle"))
	enc := moduletestutil.MakeTestEncodingConfig(oraclemodule.AppModuleBasic{})
	r := roles{}
	k, err := keeper.NewKeeper(enc.Codec, runtime.NewKVStoreService(key), address.NewBech32Codec("cosmos"), authority, r)
	if err != nil {
		t.Fatal(err)
	}
	ctx := tctx.Ctx.WithBlockHeader(cmtproto.Header{Height: 10, Time: time.Unix(1_700_000_000, 0)})
	if err := k.InitGenesis(ctx, types.DefaultGenesis()); err != nil {
		t.Fatal(err)
	}
	return &fixture{ctx: ctx, k: k, msgs: keeper.NewMsgServerImpl(k), query: keeper.NewQueryServerImpl(k), feeder: r}
}

// at moves the fixture to a block height and time (seconds after the
// fixture's start).
func (f *fixture) at(height, secs int64) {
	f.ctx = f.ctx.WithBlockHeader(cmtproto.Header{Height: height, Time: time.Unix(1_700_000_000+secs, 0)}).WithEventManager(sdk.NewEventManager())
}

func (f *fixture) setFeed(t *testing.T, feed types.Feed) {
	t.Helper()
	if _, err := f.msgs.SetFeed(f.ctx, &types.MsgSetFeed{Authority: authority, Feed: feed}); err != nil {
		t.Fatalf("set feed %s: %v", feed.Id, err)
	}
}

func clearUSD() types.Feed {
	return types.Feed{Id: "CLEAR/USD", Decimals: 8, MinSources: 1, MaxStalenessBlocks: 10, MaxStalenessSeconds: 60, MaxDeviationBpsPerBlock: 1000}
}

func greenIndex() types.Feed {
	return types.Feed{Id: "GREEN-IDX", Decimals: 4, MinSources: 2, MinFeeders: 2, MaxStalenessSeconds: 3600, Licensed: true, WindowSeconds: 600,
		Feeders: []string{addr(1).String(), addr(2).String(), addr(3).String(), addr(4).String()}}
}

func addr(i byte) sdk.AccAddress { return sdk.AccAddress(append(make([]byte, 19), i)) }

func vote(val string, power, price int64, feed string) keeper.ValidatorVote {
	return keeper.ValidatorVote{Validator: val, Power: power, Prices: []types.FeedPrice{{FeedId: feed, Price: price}}}
}
