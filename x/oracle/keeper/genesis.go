package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/clearchain/clearchain/x/oracle/types"
)

// InitGenesis loads a validated genesis.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, f := range gs.Feeds {
		if err := k.Feeds.Set(ctx, f.Id, f); err != nil {
			return err
		}
		if f.BaseDenom != "" {
			if err := k.FeedByDenom.Set(ctx, collections.Join(f.BaseDenom, f.QuoteDenom), f.Id); err != nil {
				return err
			}
		}
	}
	for _, p := range gs.Prices {
		if err := k.Prices.Set(ctx, p.FeedId, p); err != nil {
			return err
		}
	}
	for _, s := range gs.History {
		slot := s.Sample.Seq % uint64(gs.Params.HistorySize)
		if err := k.History.Set(ctx, collections.Join(s.FeedId, slot), s.Sample); err != nil {
			return err
		}
	}
	for _, s := range gs.Submissions {
		if err := k.Submissions.Set(ctx, collections.Join(s.FeedId, s.Feeder), s); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis exports the state; history holds only the live ring samples.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: p}
	if gs.Feeds, err = k.AllFeeds(ctx); err != nil {
		return nil, err
	}
	for _, f := range gs.Feeds {
		rec, err := k.Prices.Get(ctx, f.Id)
		if err == nil {
			gs.Prices = append(gs.Prices, rec)
		} else if !errorsmod.IsOf(err, collections.ErrNotFound) {
			return nil, err
		}
		samples, err := k.GetHistory(ctx, f.Id)
		if err != nil {
			return nil, err
		}
		for _, s := range samples {
			gs.History = append(gs.History, types.FeedSample{FeedId: f.Id, Sample: s})
		}
	}
	err = k.Submissions.Walk(ctx, nil, func(_ collections.Pair[string, string], s types.Submission) (bool, error) {
		gs.Submissions = append(gs.Submissions, s)
		return false, nil
	})
	return gs, err
}
