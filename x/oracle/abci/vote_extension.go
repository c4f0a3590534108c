package abci

import (
	"context"
	"slices"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/oracle/feeder"
	"github.com/clearchain/clearchain/x/oracle/types"
)

// ExtendVoteHandler asks the feeder for prices, under the timeout, and
// returns them as the vote extension: only registered validator-priced
// feeds whose decimals match, sorted by feed id, at most max_feeds_per_vote.
// A feeder that is not configured, down, slow or wrong yields an empty
// extension, never an error.
func (h *Handlers) ExtendVoteHandler() sdk.ExtendVoteHandler {
	return func(ctx sdk.Context, req *abci.RequestExtendVote) (*abci.ResponseExtendVote, error) {
		if h.fetcher == nil {
			return emptyExtension(), nil
		}
		cctx, cancel := context.WithTimeout(ctx.Context(), h.timeout)
		defer cancel()
		prices, err := h.fetcher.Prices(cctx)
		if err != nil {
			h.logger.Info("oracle: no prices from the feeder; voting an empty extension", "height", req.Height, "err", err)
			return emptyExtension(), nil
		}
		bz, err := h.buildExtension(ctx, prices)
		if err != nil {
			h.logger.Error("oracle: building the vote extension failed; voting an empty extension", "height", req.Height, "err", err)
			return emptyExtension(), nil
		}
		return &abci.ResponseExtendVote{VoteExtension: bz}, nil
	}
}

func (h *Handlers) buildExtension(ctx sdk.Context, prices []feeder.PairPrice) ([]byte, error) {
	params, err := h.keeper.GetParams(ctx)
	if err != nil {
		return nil, err
	}
	ve := types.VoteExtension{}
	for _, p := range prices {
		if p.Price <= 0 || types.ValidateFeedID(p.Pair) != nil {
			continue
		}
		f, err := h.keeper.GetFeed(ctx, p.Pair)
		if err != nil || f.Licensed || f.Decimals != uint32(p.Decimals) {
			continue
		}
		ve.Prices = append(ve.Prices, types.FeedPrice{FeedId: p.Pair, Price: int64(p.Price)})
	}
	slices.SortFunc(ve.Prices, func(a, b types.FeedPrice) int { return strings.Compare(a.FeedId, b.FeedId) })
	ve.Prices = slices.CompactFunc(ve.Prices, func(a, b types.FeedPrice) bool { return a.FeedId == b.FeedId })
	if len(ve.Prices) > int(params.MaxFeedsPerVote) {
		ve.Prices = ve.Prices[:params.MaxFeedsPerVote]
	}
	return types.EncodeVoteExtension(ve)
}

// VerifyVoteExtensionHandler accepts a vote extension only when it is empty
// or well formed: canonical encoding, at most max_feeds_per_vote prices,
// sorted by feed id without duplicates, registered validator-priced feeds,
// positive prices. It is deterministic: it reads only committed state.
func (h *Handlers) VerifyVoteExtensionHandler() sdk.VerifyVoteExtensionHandler {
	return func(ctx sdk.Context, req *abci.RequestVerifyVoteExtension) (*abci.ResponseVerifyVoteExtension, error) {
		if err := h.checkExtension(ctx, req.VoteExtension); err != nil {
			h.logger.Info("oracle: rejecting vote extension", "height", req.Height,
				"validator", sdk.ConsAddress(req.ValidatorAddress).String(), "err", err)
			return &abci.ResponseVerifyVoteExtension{Status: abci.ResponseVerifyVoteExtension_REJECT}, nil
		}
		return &abci.ResponseVerifyVoteExtension{Status: abci.ResponseVerifyVoteExtension_ACCEPT}, nil
	}
}

func (h *Handlers) checkExtension(ctx sdk.Context, bz []byte) error {
	_, err := h.decodeExtension(ctx, bz)
	return err
}

func (h *Handlers) decodeExtension(ctx sdk.Context, bz []byte) (types.VoteExtension, error) {
	params, err := h.keeper.GetParams(ctx)
	if err != nil {
		return types.VoteExtension{}, err
	}
	return types.DecodeVoteExtension(bz, params.MaxFeedsPerVote, func(id string) bool {
		return h.keeper.IsValidatorFeed(ctx, id)
	})
}
