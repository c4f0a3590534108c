// Package keeper holds the oracle module's state and decisions: the feed
// registry, current prices with their status, the bounded price history
// (TWAP), licensed feeders' submissions, the aggregation of validators' vote
// extensions (called from PreBlock by x/oracle/abci) and the price source
// that x/exchange and contracts read.
//
// Everything here runs in consensus: no floats, no clock (times are block
// times in Unix seconds), no map iteration, bounded loops.
package keeper

import (
	"context"
	"fmt"
	"strings"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"
	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/clearchain/clearchain/oracle"
	"github.com/clearchain/clearchain/x/oracle/types"
)

// Keeper is the oracle keeper.
type Keeper struct {
	cdc          codec.Codec
	addressCodec address.Codec
	// authority sets params and feeds (the gov module account by default).
	authority string
	// feeders checks the ORACLE_FEEDER role; nil relies on the ante gate.
	feeders types.FeederAuthorizer

	Schema      collections.Schema
	Params      collections.Item[types.Params]
	Feeds       collections.Map[string, types.Feed]
	FeedByDenom collections.Map[collections.Pair[string, string], string]
	Prices      collections.Map[string, types.PriceRecord]
	// History holds each feed's ring of samples, keyed by (feed, seq mod
	// history_size).
	History     collections.Map[collections.Pair[string, uint64], types.PriceSample]
	Submissions collections.Map[collections.Pair[string, string], types.Submission]
}

// NewKeeper builds the keeper. feeders may be nil.
func NewKeeper(
	cdc codec.Codec,
	storeService corestore.KVStoreService,
	addressCodec address.Codec,
	authority string,
	feeders types.FeederAuthorizer,
) (Keeper, error) {
	if _, err := addressCodec.StringToBytes(authority); err != nil {
		return Keeper{}, fmt.Errorf("oracle: invalid authority %q: %w", authority, err)
	}
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		authority:    authority,
		feeders:      feeders,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Feeds:        collections.NewMap(sb, types.FeedsKey, "feeds", collections.StringKey, codec.CollValue[types.Feed](cdc)),
		FeedByDenom: collections.NewMap(sb, types.FeedByDenomKey, "feed_by_denom",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), collections.StringValue),
		Prices: collections.NewMap(sb, types.PricesKey, "prices", collections.StringKey, codec.CollValue[types.PriceRecord](cdc)),
		History: collections.NewMap(sb, types.HistoryKey, "history",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.PriceSample](cdc)),
		Submissions: collections.NewMap(sb, types.SubmissionsKey, "submissions",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), codec.CollValue[types.Submission](cdc)),
	}
	schema, err := sb.Build()
	if err != nil {
		return Keeper{}, fmt.Errorf("oracle: building schema: %w", err)
	}
	k.Schema = schema
	return k, nil
}

// ModuleAddress returns the oracle module account's address, the
// authority named by the injected vote-extension tx.
func (k Keeper) ModuleAddress() string {
	s, err := k.addressCodec.BytesToString(authtypes.NewModuleAddress(types.ModuleName))
	if err != nil {
		panic(fmt.Sprintf("oracle: module address: %v", err)) // a broken address codec
	}
	return s
}

// Authority returns the account allowed to set params and feeds.
func (k Keeper) Authority() string { return k.authority }

// Logger returns the module's logger.
func (k Keeper) Logger(ctx context.Context) log.Logger {
	return sdk.UnwrapSDKContext(ctx).Logger().With("module", "x/"+types.ModuleName)
}

// blockNow returns the block height and block time (Unix seconds).
func blockNow(ctx context.Context) (int64, int64) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	return sdkCtx.BlockHeight(), sdkCtx.BlockTime().Unix()
}

// Status returns the feed's status at the current block: a stored breaker
// status stands while the kept price is still within its age limits.
func (k Keeper) Status(ctx context.Context, f types.Feed, rec types.PriceRecord) oracle.Status {
	h, t := blockNow(ctx)
	if f.Licensed && rec.Status == types.FeedStatus_FEED_STATUS_STALE && strings.HasPrefix(rec.Reason, ReasonTooFewFeeders) {
		return oracle.Status{Code: oracle.StatusStale, Reason: oracle.ReasonTooFewFeeders}
	}
	st := oracle.CheckStaleness(rec.Observation(), h, t, f.StalenessLimits())
	if st.OK() && rec.Status == types.FeedStatus_FEED_STATUS_BREAKER {
		return oracle.Status{Code: oracle.StatusBreaker, Reason: oracle.ReasonDeviation}
	}
	return st
}
