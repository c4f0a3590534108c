package keeper

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/oracle"
	"github.com/clearchain/clearchain/x/oracle/types"
)

// SubmitPrice records a licensed feeder's price for a licensed feed and
// recomputes the feed's price: the median of the latest submission of each
// eligible feeder within the feed's window (oracle.FeederMedian), once at
// least RequiredFeeders (default 3) distinct eligible feeders are in the
// window. The feeder must be an ORACLE_FEEDER and listed in the feed's
// feeders. Submissions that left the window
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
	if !f.AllowsFeeder(feederStr) {
		return false, 0, 0, errorsmod.Wrapf(types.ErrFeederNotAllowed, "%s is not among the %d feeders of %s", feederStr, len(f.Feeders), feedID)
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
		if !k.eligibleFeeder(ctx, f, s.Feeder) {
			return false, nil // kept (it may count again), not counted
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

	median, n, err := oracle.FeederMedian(subs, now, f.WindowSeconds, f.RequiredFeeders(), nil)
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

// eligibleFeeder reports whether a submission of feeder counts for the
// licensed feed f now: the feeder is listed in the feed's feeders and,
// per x/compliance, holds an active ORACLE_FEEDER licence and is not
// frozen.
func (k Keeper) eligibleFeeder(ctx context.Context, f types.Feed, feeder string) bool {
	if !f.AllowsFeeder(feeder) {
		return false
	}
	if k.feeders == nil {
		return true
	}
	addr, err := k.addressCodec.StringToBytes(feeder)
	return err == nil && k.feeders.IsOracleFeeder(ctx, addr)
}

// eligibleSubmissions returns the submissions of f that count now: within
// the window and of an eligible feeder. It reads at most the stored
// submissions of the feed (bounded by max_submissions_per_feed).
func (k Keeper) eligibleSubmissions(ctx context.Context, f types.Feed) ([]oracle.Submission, error) {
	_, now := blockNow(ctx)
	var subs []oracle.Submission
	err := k.Submissions.Walk(ctx, collections.NewPrefixedPairRange[string, string](f.Id), func(_ collections.Pair[string, string], s types.Submission) (bool, error) {
		if now-s.Time <= f.WindowSeconds && s.Time <= now && k.eligibleFeeder(ctx, f, s.Feeder) {
			subs = append(subs, oracle.Submission{Feeder: s.Feeder, Time: s.Time, Price: oracle.Price(s.Price)})
		}
		return false, nil
	})
	return subs, err
}

// ReasonTooFewFeeders starts the reason of a licensed feed whose price is
// withdrawn because fewer eligible feeders than required remain.
const ReasonTooFewFeeders = "stale: too few eligible feeders"

// recomputeLicensed re-derives a licensed feed's price in PreBlock from the
// submissions that count now, so that a feeder that was revoked, expired,
// frozen or delisted, or a submission that left the window, stops counting
// without waiting for the next submission. With too few eligible feeders
// the kept price is marked stale (reason ReasonTooFewFeeders) and is not
// served; a changed median is applied as an update (subject to the
// breaker). Otherwise only the status is refreshed.
func (k Keeper) recomputeLicensed(ctx context.Context, f types.Feed) error {
	rec, err := k.Prices.Get(ctx, f.Id)
	if errors.Is(err, collections.ErrNotFound) {
		return nil // no price yet: SubmitPrice sets the first one
	}
	if err != nil {
		return err
	}
	subs, err := k.eligibleSubmissions(ctx, f)
	if err != nil {
		return err
	}
	_, now := blockNow(ctx)
	median, n, err := oracle.FeederMedian(subs, now, f.WindowSeconds, f.RequiredFeeders(), nil)
	if err != nil {
		withdrawn := rec.Status == types.FeedStatus_FEED_STATUS_STALE && strings.HasPrefix(rec.Reason, ReasonTooFewFeeders)
		if withdrawn {
			return nil
		}
		prev := rec.Status
		h, _ := blockNow(ctx)
		rec.Status, rec.LastCheckedHeight = types.FeedStatus_FEED_STATUS_STALE, h
		rec.Reason = fmt.Sprintf("%s (%d < %d)", ReasonTooFewFeeders, n, f.RequiredFeeders())
		if err := k.Prices.Set(ctx, f.Id, rec); err != nil {
			return err
		}
		return emitStatus(ctx, f.Id, prev, rec)
	}
	withdrawn := strings.HasPrefix(rec.Reason, ReasonTooFewFeeders)
	if int64(median) != rec.Price || withdrawn {
		updated, err := k.applyUpdate(ctx, f, update{price: median, sources: uint32(n)})
		if err != nil || updated {
			return err
		}
	}
	return k.refreshStatus(ctx, f)
}
