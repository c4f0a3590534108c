package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/oracle/types"
)

// SetFeed adds a feed or replaces its settings. A feed may not switch
// between validator-priced and licensed while it has a price (remove it
// first), and a (base, quote) denom pair names at most one feed.
func (k Keeper) SetFeed(ctx context.Context, f types.Feed) error {
	if err := f.Validate(); err != nil {
		return err
	}
	old, err := k.Feeds.Get(ctx, f.Id)
	exists := err == nil
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	if exists && old.Licensed != f.Licensed {
		if has, err := k.Prices.Has(ctx, f.Id); err != nil {
			return err
		} else if has {
			return errorsmod.Wrapf(types.ErrInvalidFeed, "feed %s: cannot switch licensed while it has a price; remove it first", f.Id)
		}
	}
	if f.BaseDenom != "" {
		other, err := k.FeedByDenom.Get(ctx, collections.Join(f.BaseDenom, f.QuoteDenom))
		if err == nil && other != f.Id {
			return errorsmod.Wrapf(types.ErrDenomsTaken, "%s/%s is priced by feed %s", f.BaseDenom, f.QuoteDenom, other)
		}
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return err
		}
	}
	if exists && old.BaseDenom != "" && (old.BaseDenom != f.BaseDenom || old.QuoteDenom != f.QuoteDenom) {
		if err := k.FeedByDenom.Remove(ctx, collections.Join(old.BaseDenom, old.QuoteDenom)); err != nil {
			return err
		}
	}
	if f.BaseDenom != "" {
		if err := k.FeedByDenom.Set(ctx, collections.Join(f.BaseDenom, f.QuoteDenom), f.Id); err != nil {
			return err
		}
	}
	if err := k.Feeds.Set(ctx, f.Id, f); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventFeedSet{Feed: &f})
}

// RemoveFeed removes a feed with its price, history and submissions.
func (k Keeper) RemoveFeed(ctx context.Context, id string) error {
	f, err := k.GetFeed(ctx, id)
	if err != nil {
		return err
	}
	if f.BaseDenom != "" {
		if err := k.FeedByDenom.Remove(ctx, collections.Join(f.BaseDenom, f.QuoteDenom)); err != nil {
			return err
		}
	}
	if err := k.Prices.Remove(ctx, id); err != nil {
		return err
	}
	if err := k.History.Clear(ctx, collections.NewPrefixedPairRange[string, uint64](id)); err != nil {
		return err
	}
	if err := k.Submissions.Clear(ctx, collections.NewPrefixedPairRange[string, string](id)); err != nil {
		return err
	}
	if err := k.Feeds.Remove(ctx, id); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventFeedRemoved{FeedId: id})
}

// GetFeed returns a feed; ErrFeedNotFound if there is none.
func (k Keeper) GetFeed(ctx context.Context, id string) (types.Feed, error) {
	f, err := k.Feeds.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return f, errorsmod.Wrapf(types.ErrFeedNotFound, "feed %q", id)
	}
	return f, err
}

// AllFeeds returns every feed, sorted by id (the store order).
func (k Keeper) AllFeeds(ctx context.Context) ([]types.Feed, error) {
	var out []types.Feed
	err := k.Feeds.Walk(ctx, nil, func(_ string, f types.Feed) (bool, error) {
		out = append(out, f)
		return false, nil
	})
	return out, err
}

// IsValidatorFeed reports whether id is a registered feed priced by
// validators' vote extensions.
func (k Keeper) IsValidatorFeed(ctx context.Context, id string) bool {
	f, err := k.Feeds.Get(ctx, id)
	return err == nil && !f.Licensed
}
