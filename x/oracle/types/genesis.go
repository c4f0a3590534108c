package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesis returns the default genesis: default params, no feeds.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams()}
}

// Validate checks the genesis: params, unique valid feeds, prices, history
// and submissions of known feeds only.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	feeds := make(map[string]Feed, len(gs.Feeds))
	denoms := make(map[string]string, len(gs.Feeds))
	for _, f := range gs.Feeds {
		if err := f.Validate(); err != nil {
			return errorsmod.Wrap(ErrInvalidGenesis, err.Error())
		}
		if _, dup := feeds[f.Id]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "feed %s listed twice", f.Id)
		}
		feeds[f.Id] = f
		if f.BaseDenom != "" {
			key := f.BaseDenom + "\x00" + f.QuoteDenom
			if other, dup := denoms[key]; dup {
				return errorsmod.Wrapf(ErrInvalidGenesis, "feeds %s and %s share denoms %s/%s", other, f.Id, f.BaseDenom, f.QuoteDenom)
			}
			denoms[key] = f.Id
		}
	}
	seen := make(map[string]bool, len(gs.Prices))
	for _, p := range gs.Prices {
		if _, ok := feeds[p.FeedId]; !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "price of unknown feed %q", p.FeedId)
		}
		if seen[p.FeedId] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "price of feed %s listed twice", p.FeedId)
		}
		seen[p.FeedId] = true
		if p.Price < 0 || p.Height < 0 || p.VotedPower < 0 || p.TotalPower < 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "price of feed %s has negative fields", p.FeedId)
		}
	}
	type sampleKey struct {
		feed string
		seq  uint64
	}
	samples := make(map[sampleKey]bool, len(gs.History))
	for _, s := range gs.History {
		if _, ok := feeds[s.FeedId]; !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "history of unknown feed %q", s.FeedId)
		}
		k := sampleKey{s.FeedId, s.Sample.Seq}
		if samples[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "history of feed %s: seq %d listed twice", s.FeedId, s.Sample.Seq)
		}
		samples[k] = true
		if s.Sample.Price <= 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "history of feed %s: price %d not positive", s.FeedId, s.Sample.Price)
		}
	}
	type subKey struct{ feed, feeder string }
	subs := make(map[subKey]bool, len(gs.Submissions))
	for _, s := range gs.Submissions {
		f, ok := feeds[s.FeedId]
		if !ok || !f.Licensed {
			return errorsmod.Wrapf(ErrInvalidGenesis, "submission for %q, which is not a licensed feed", s.FeedId)
		}
		if _, err := sdk.AccAddressFromBech32(s.Feeder); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "submission feeder %q: %v", s.Feeder, err)
		}
		k := subKey{s.FeedId, s.Feeder}
		if subs[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "submission of %s for %s listed twice", s.Feeder, s.FeedId)
		}
		subs[k] = true
		if s.Price <= 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "submission of %s for %s: price not positive", s.Feeder, s.FeedId)
		}
	}
	return nil
}
