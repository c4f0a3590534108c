package keeper

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/clearchain/clearchain/oracle"
	"github.com/clearchain/clearchain/x/oracle/types"
)

// ValidatorVote is one validator's vote extension, decoded, with the
// validator's voting power at the height it voted.
type ValidatorVote struct {
	// Validator is the validator's consensus address (any stable encoding).
	Validator string
	// Power is its voting power.
	Power int64
	// Prices are its prices, sorted by feed id (as DecodeVoteExtension
	// guarantees).
	Prices []types.FeedPrice
}

// AggregationResult tells what ApplyVotes did with one feed.
type AggregationResult struct {
	FeedID  string
	Updated bool
	// Price is the aggregated price (0 when there was none).
	Price oracle.Price
	// Err says why no price was aggregated (insufficient power, too few
	// sources, no votes), or is nil.
	Err error
}

// ApplyVotes aggregates the validators' prices of every validator-priced
// feed: per feed, the stake-weighted median with outlier rejection, stored
// when at least the quorum of totalPower (2/3 by default) backs it and at
// least min_sources validators are accepted, unless the deviation breaker
// refuses it. Feeds without a new price keep their old one, and every feed's
// status (fresh, stale, breaker) is refreshed. Feeds are handled in id
// order; the work is bounded by feeds × validators.
func (k Keeper) ApplyVotes(ctx context.Context, votes []ValidatorVote, totalPower int64) ([]AggregationResult, error) {
	params, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	feeds, err := k.AllFeeds(ctx)
	if err != nil {
		return nil, err
	}
	aggParams := params.AggregationParams()
	var (
		agg     oracle.Aggregator
		buf     = make([]oracle.Vote, 0, len(votes))
		results = make([]AggregationResult, 0, len(feeds))
	)
	for _, f := range feeds {
		if f.Licensed {
			if err := k.recomputeLicensed(ctx, f); err != nil {
				return nil, err
			}
			continue
		}
		buf = buf[:0]
		for _, v := range votes {
			i, found := slices.BinarySearchFunc(v.Prices, f.Id, func(p types.FeedPrice, id string) int {
				return strings.Compare(p.FeedId, id)
			})
			if found {
				buf = append(buf, oracle.Vote{Validator: v.Validator, Power: v.Power, Price: oracle.Price(v.Prices[i].Price)})
			}
		}
		res := AggregationResult{FeedID: f.Id}
		if len(buf) == 0 || totalPower <= 0 {
			res.Err = oracle.ErrNoVotes
		} else if r, err := agg.Aggregate(buf, totalPower, aggParams); err != nil {
			res.Err = err
		} else if n := r.Hi - r.Lo; n < int(f.MinSources) {
			res.Err = errors.Join(oracle.ErrInsufficientPower, errors.New("fewer accepted validators than min_sources"))
		} else {
			res.Price = r.Price
			res.Updated, err = k.applyUpdate(ctx, f, update{
				price: r.Price, votedPower: r.AcceptedPower, totalPower: totalPower, sources: uint32(n),
			})
			if err != nil {
				return nil, err
			}
		}
		if !res.Updated {
			if err := k.refreshStatus(ctx, f); err != nil {
				return nil, err
			}
		}
		results = append(results, res)
	}
	return results, nil
}
