package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/oracle"
	"github.com/clearchain/clearchain/x/oracle/types"
)

// SubmitPrice records a licensed feeder's price for a licensed feed and
// recomputes the feed's price: the median of the latest submission of each
// feeder within the feed's window (oracle.FeederMedian), once at least
// min_sources feeders are in the window. Submissions that left the window
// are pruned. It returns whether the price changed, the feed's price, and
// the number of feeders counted.
func (k Keeper) SubmitPrice(ctx context.Context, feeder sdk.AccAddress, feedID string, price int64) (bool, int64, uint32, error) {
	if price <= 0 {
		return false, 0, 0, errorsmod.Wrapf(types.ErrInvalidPrice, "feed %s: price %d is not positive", feedID, price)
	}
	f, err := k.GetFeed(ctx, feedID)
	if err != nil {
		return false, 0, 0, err
	}
	if !f.Licensed {
		return false, 0, 0, errorsmod.Wrapf(types.ErrNotLicensedFeed, "feed %s is priced by validators", feedID)
	}
	feederStr, err := k.addressCodec.BytesToString(feeder)
	if err != nil {
		return false, 0, 0, errorsmod.Wrapf(types.ErrInvalidAddress, "feeder: %v", err)
	}
	if k.feeders != nil && !k.feeders.IsOracleFeeder(ctx, feeder) {
		return false, 0, 0, errorsmod.Wrapf(types.ErrNotOracleFeeder, "%s may not price %s", feederStr, feedID)
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return false, 0, 0, err
	}
	h, now := blockNow(ctx)

	// Prune the submissions that left the window; count the others.
	subs := make([]oracle.Submission, 0, params.MaxSubmissionsPerFeed+1)
	var stale []string
	present := false
	err = k.Submissions.Walk(ctx, collections.NewPrefixedPairRange[string, string](feedID), func(key collections.Pair[string, string], s types.Submission) (bool, error) {
		if now-s.Time > f.WindowSeconds || s.Time > now {
			stale = append(stale, key.K2())
			return false, nil
		}
		if s.Feeder == feederStr {
			present = true
			return false, nil // replaced below
		}
		subs = append(subs, oracle.Submission{Feeder: s.Feeder, Time: s.Time, Price: oracle.Price(s.Price)})
		return false, nil
	})
	if err != nil {
		return false, 0, 0, err
	}
	for _, who := range stale {
		if err := k.Submissions.Remove(ctx, collections.Join(feedID, who)); err != nil {
			return false, 0, 0, err
		}
	}
	if !present && len(subs) >= int(params.MaxSubmissionsPerFeed) {
		return false, 0, 0, errorsmod.Wrapf(types.ErrInvalidPrice, "feed %s already has %d feeders in its window", feedID, len(subs))
	}
	sub := types.Submission{FeedId: feedID, Feeder: feederStr, Price: price, Height: h, Time: now}
	if err := k.Submissions.Set(ctx, collections.Join(feedID, feederStr), sub); err != nil {
		return false, 0, 0, err
	}
	subs = append(subs, oracle.Submission{Feeder: feederStr, Time: now, Price: oracle.Price(price)})
	if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventPriceSubmitted{
		FeedId: feedID, Feeder: feederStr, Price: price,
	}); err != nil {
		return false, 0, 0, err
	}

	median, n, err := oracle.FeederMedian(subs, now, f.WindowSeconds, int(f.MinSources), nil)
	if errors.Is(err, oracle.ErrTooFewSubmissions) || errors.Is(err, oracle.ErrEmptyWindow) {
		rec, gerr := k.GetPrice(ctx, feedID)
		return false, rec.Price, uint32(n), gerr
	}
	if err != nil {
		return false, 0, 0, err
	}
	updated, err := k.applyUpdate(ctx, f, update{price: median, sources: uint32(n)})
	if err != nil {
		return false, 0, 0, err
	}
	rec, err := k.GetPrice(ctx, feedID)
	return updated, rec.Price, uint32(n), err
}
