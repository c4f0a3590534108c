package keeper_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"

	"github.com/clearchain/clearchain/x/exchange/types"
	oraclekeeper "github.com/clearchain/clearchain/x/oracle/keeper"
	oracletypes "github.com/clearchain/clearchain/x/oracle/types"
)

// oracleChain is a chain whose exchange reads its reference prices from the
// real x/oracle keeper (validator-priced feeds, aggregated by ApplyVotes as
// PreBlock does).
type oracleChain struct {
	*chain
	ok oraclekeeper.Keeper
}

func newOracleChain(t *testing.T) *oracleChain {
	okey := storetypes.NewKVStoreKey(oracletypes.StoreKey)
	var ok oraclekeeper.Keeper
	c := newChainWith(t, []*storetypes.KVStoreKey{okey}, func(c *chain) {
		var err error
		ok, err = oraclekeeper.NewKeeper(c.enc.Codec, runtime.NewKVStoreService(okey), authcodec.NewBech32Codec("cosmos"), gov, nil)
		require.NoError(t, err)
		c.src = ok
	})
	require.NoError(t, ok.InitGenesis(c.ctx, oracletypes.DefaultGenesis()))
	return &oracleChain{chain: c, ok: ok}
}

// feed registers a validator-priced feed.
func (oc *oracleChain) feed(id string, decimals uint32, staleBlocks int64) {
	oc.t.Helper()
	require.NoError(oc.t, oc.ok.SetFeed(oc.ctx, oracletypes.Feed{Id: id, Decimals: decimals, MinSources: 1, MaxStalenessBlocks: staleBlocks}))
}

// price aggregates one validator's vote for feed at the current block, as
// PreBlock does.
func (oc *oracleChain) price(id string, mantissa int64) {
	oc.t.Helper()
	res, err := oc.ok.ApplyVotes(oc.ctx, []oraclekeeper.ValidatorVote{{Validator: "val", Power: 10,
		Prices: []oracletypes.FeedPrice{{FeedId: id, Price: mantissa}}}}, 10)
	require.NoError(oc.t, err)
	require.NotEmpty(oc.t, res)
}

// TestAttackTwoMarketsOnOnePairDifferentTicks: the oracle served one
// number per denom pair, read as ticks by every market of the pair, so two
// markets on one pair with different tick or lot sizes could not both be
// banded right: one refused orders at the true price, the other accepted
// orders far from it. Each market now names its feed and x/oracle converts
// the feed's decimals into the market's ticks.
func TestAttackTwoMarketsOnOnePairDifferentTicks(t *testing.T) {
	oc := newOracleChain(t)
	// BASE/QUOTE is 1.2345 quote per base (decimals 4); both denoms have
	// the same display exponent (oracle_exponent 0).
	oc.feed("BASE/QUOTE", 4, 10)
	oc.price("BASE/QUOTE", 12345)

	// Market A: 1 uquote per lot of 100 ubase: the price is 123.45, 123
	// ticks. Market B: 10 uquote per lot of 10000 ubase: 1234.5, 1235
	// ticks (half up).
	a := stdMarket()
	a.OracleFeed, a.BandBps, a.BandHaltBlocks = "BASE/QUOTE", 500, 2
	b := a
	b.TickSize, b.LotSize = sdkmath.NewInt(10), sdkmath.NewInt(10_000)
	idA, idB := oc.createMarket(a), oc.createMarket(b)
	bob := oc.account("bob", 2, false, coin("uquote", 100_000_000))
	oc.deposit(bob, coin("uquote", 100_000_000))

	for _, tc := range []struct {
		market    uint64
		at, above int64 // the true price; one 6% above it (outside the 5% band)
	}{{idA, 123, 131}, {idB, 1235, 1310}} {
		_, err := oc.place(bob, limit(tc.market, types.Side_SIDE_BUY, tc.at, 1))
		require.NoError(t, err, "market %d: a buy at the oracle price (%d ticks) is refused", tc.market, tc.at)
		_, err = oc.place(bob, limit(tc.market, types.Side_SIDE_BUY, tc.above, 1))
		require.ErrorIs(t, err, types.ErrOutsideBand, "market %d: a buy 6%% above the oracle price is accepted", tc.market)
	}
	oc.endBlock()
	for _, id := range []uint64{idA, idB} {
		st, err := oc.q.Market(oc.ctx, &types.QueryMarketRequest{MarketId: id})
		require.NoError(t, err)
		require.False(t, st.State.OracleStale, "market %d", id)
	}
}

// TestMarketOracleFeedValidated: a market may name only a registered feed
// (create and update, authority only), with a valid id and scale; a
// refused message changes nothing.
func TestMarketOracleFeedValidated(t *testing.T) {
	oc := newOracleChain(t)
	oc.feed("BASE/QUOTE", 4, 10)
	m := stdMarket()
	m.OracleFeed = "NOPE/USD"
	oc.refused(types.ErrInvalidMarket, func(ctx sdk.Context) error {
		_, err := oc.msgs.CreateMarket(ctx, &types.MsgCreateMarket{Authority: gov, Market: m})
		return err
	})
	m.OracleFeed, m.OracleExponent = "BASE/QUOTE", 37
	oc.refused(types.ErrInvalidMarket, func(ctx sdk.Context) error {
		_, err := oc.msgs.CreateMarket(ctx, &types.MsgCreateMarket{Authority: gov, Market: m})
		return err
	})
	m.OracleFeed, m.OracleExponent = "bad feed", 0
	oc.refused(types.ErrInvalidMarket, func(ctx sdk.Context) error {
		_, err := oc.msgs.CreateMarket(ctx, &types.MsgCreateMarket{Authority: gov, Market: m})
		return err
	})
	m.OracleFeed = ""
	id := oc.createMarket(m)
	oc.refused(types.ErrInvalidMarket, func(ctx sdk.Context) error {
		_, err := oc.msgs.UpdateMarket(ctx, &types.MsgUpdateMarket{Authority: gov, MarketId: id, UpdateOracle: true, OracleFeed: "NOPE/USD"})
		return err
	})
	// A feed without update_oracle would be ignored: refused.
	oc.refused(types.ErrInvalidMarket, func(ctx sdk.Context) error {
		_, err := oc.msgs.UpdateMarket(ctx, &types.MsgUpdateMarket{Authority: gov, MarketId: id, OracleFeed: "BASE/QUOTE"})
		return err
	})
	oc.refused(types.ErrInvalidMarket, func(ctx sdk.Context) error {
		_, err := oc.msgs.UpdateMarket(ctx, &types.MsgUpdateMarket{Authority: gov, MarketId: id, LimitStateBlocks: 3})
		return err
	})
	oc.refused(types.ErrUnauthorized, func(ctx sdk.Context) error {
		_, err := oc.msgs.UpdateMarket(ctx, &types.MsgUpdateMarket{Authority: addrOf("mallory").String(), MarketId: id,
			UpdateOracle: true, OracleFeed: "BASE/QUOTE"})
		return err
	})
	require.NoError(t, oc.tx(func(ctx sdk.Context) error {
		_, err := oc.msgs.UpdateMarket(ctx, &types.MsgUpdateMarket{Authority: gov, MarketId: id, UpdateOracle: true,
			OracleFeed: "BASE/QUOTE", OracleExponent: 2, UpdateLimitState: false})
		return err
	}))
	got, err := oc.k.Markets.Get(oc.ctx, id)
	require.NoError(t, err)
	require.Equal(t, "BASE/QUOTE", got.OracleFeed)
	require.Equal(t, int32(2), got.OracleExponent)
	// Genesis: the same stateless checks.
	gs := types.DefaultGenesis()
	bad := m
	bad.Id, bad.OracleFeed, bad.OracleExponent = 1, "", 3
	gs.Markets, gs.NextMarketId = []types.Market{bad}, 2
	require.ErrorIs(t, gs.Validate(), types.ErrInvalidMarket)
}

// TestStaleOracleHaltsBandedMarket: a market that bands on an oracle feed
// is halted (cause oracle-stale, evented and audited) once the feed has had
// no fresh price for longer than its staleness limit, refuses new orders
// while halted, keeps its resting orders, and resumes (evented and audited)
// in the first EndBlock after a fresh price. A market on the same feed
// without a band is not halted. EndBlock never fails on it.
func TestStaleOracleHaltsBandedMarket(t *testing.T) {
	oc := newOracleChain(t)
	oc.feed("BASE/QUOTE", 2, 3) // stale after 3 blocks without a price
	oc.price("BASE/QUOTE", 100) // 1.00 quote per base: 100 ticks of stdMarket
	m := stdMarket()
	m.OracleFeed, m.BandBps, m.BandHaltBlocks = "BASE/QUOTE", 1000, 2
	banded := oc.createMarket(m)
	m.BandBps = 0
	unbanded := oc.createMarket(m)
	alice := oc.account("alice", 1, false, coin("ubase", 1_000_000))
	bob := oc.account("bob", 2, false, coin("uquote", 1_000_000))
	oc.deposit(alice, coin("ubase", 1_000_000))
	oc.deposit(bob, coin("uquote", 1_000_000))
	ask := oc.mustPlace(alice, limit(banded, types.Side_SIDE_SELL, 105, 1))
	oc.mustPlace(alice, limit(unbanded, types.Side_SIDE_SELL, 105, 1))
	h0 := oc.ctx.BlockHeight()
	oc.endBlock()

	// Fresh through h0+3; stale from h0+4.
	var halted sdk.Context
	for oc.ctx.BlockHeight() <= h0+4 {
		halted = oc.endBlockEvents()
	}
	require.True(t, hasEventWith(halted, "clearchain.exchange.v1.EventMarketHalted", "cause", `"oracle-stale"`))
	require.Len(t, eventsOf(halted, "clearchain.exchange.v1.EventMarketHalted"), 1, "only the banded market halts")
	st, err := oc.q.Market(oc.ctx, &types.QueryMarketRequest{MarketId: banded})
	require.NoError(t, err)
	require.True(t, st.State.OracleStale)
	require.Contains(t, oc.lic.audits, fmt.Sprintf(
		"exchange exchange/market_halted market/%d cause=oracle-stale feed=BASE/QUOTE reason=no fresh price band_bps=1000 last_price=0", banded))

	// Halted: new orders are refused, the resting ask stays, the unbanded
	// market trades on.
	_, err = oc.place(bob, limit(banded, types.Side_SIDE_BUY, 105, 1))
	require.ErrorIs(t, err, types.ErrMarketHalted)
	oc.mustPlace(bob, limit(unbanded, types.Side_SIDE_BUY, 105, 1))
	ctx := oc.endBlockEvents()
	require.True(t, hasEvent(ctx, "clearchain.exchange.v1.EventTrades"))
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventMarketHalted"), "a halt is announced once")
	_, locked := oc.bal(alice, "ubase")
	require.Equal(t, int64(100), locked, "the resting ask of the halted market was cancelled")

	// A fresh price: the next EndBlock resumes the market.
	oc.price("BASE/QUOTE", 101)
	ctx = oc.endBlockEvents()
	require.True(t, hasEventWith(ctx, "clearchain.exchange.v1.EventMarketResumed", "cause", `"oracle-stale"`))
	require.Contains(t, oc.lic.audits, fmt.Sprintf(
		"exchange exchange/market_resumed market/%d cause=oracle-stale halt ended: fresh price feed=BASE/QUOTE", banded))
	st, err = oc.q.Market(oc.ctx, &types.QueryMarketRequest{MarketId: banded})
	require.NoError(t, err)
	require.False(t, st.State.OracleStale)
	oc.price("BASE/QUOTE", 101)
	oc.mustPlace(bob, limit(banded, types.Side_SIDE_BUY, 105, 1))
	ctx = oc.endBlockEvents()
	require.True(t, hasEvent(ctx, "clearchain.exchange.v1.EventTrades"), "the resumed market does not trade")
	_ = ask

	// Governance removes the feed: the market halts again (no price), and
	// naming no feed any more resumes it.
	require.NoError(t, oc.ok.RemoveFeed(oc.ctx, "BASE/QUOTE"))
	ctx = oc.endBlockEvents()
	require.True(t, hasEventWith(ctx, "clearchain.exchange.v1.EventMarketHalted", "cause", `"oracle-stale"`))
	require.NoError(t, oc.tx(func(ctx sdk.Context) error {
		_, err := oc.msgs.UpdateMarket(ctx, &types.MsgUpdateMarket{Authority: gov, MarketId: banded, UpdateOracle: true})
		return err
	}))
	ctx = oc.endBlockEvents()
	require.True(t, hasEventWith(ctx, "clearchain.exchange.v1.EventMarketResumed", "cause", `"oracle-stale"`))
	require.True(t, strings.HasSuffix(oc.lic.audits[len(oc.lic.audits)-1], "halt ended: market no longer bands on a feed feed="))
}

// eventsOf returns the block's events of type typ.
func eventsOf(ctx sdk.Context, typ string) []sdk.Event {
	var out []sdk.Event
	for _, e := range ctx.EventManager().Events() {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// hasEventWith reports whether the block emitted an event of type typ with
// attribute key = value (typed events quote strings).
func hasEventWith(ctx sdk.Context, typ, key, value string) bool {
	for _, e := range eventsOf(ctx, typ) {
		for _, a := range e.Attributes {
			if a.Key == key && a.Value == value {
				return true
			}
		}
	}
	return false
}
