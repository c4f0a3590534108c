package abci

import (
	"encoding/hex"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/oracle/keeper"
	"github.com/clearchain/clearchain/x/oracle/types"
)

// PreBlocker aggregates the injected vote extensions of the block into
// prices (keeper.ApplyVotes) and refreshes every feed's status. A block
// without injected votes (vote extensions not yet enabled) only refreshes
// statuses. Each validator's power is the one in the extended commit info;
// the total is the power of the whole set that voted at the previous height,
// absent validators included, so that missing votes count against the
// quorum. The extensions were verified under the rules of the state before
// the previous block; what a message of that block changed is an
// abstention, never an error: prices of feeds that are no longer
// validator-priced are ignored (ApplyVotes walks the registered feeds
// only), an extension with more prices than the current max_feeds_per_vote
// counts as empty, and so does one that does not decode (ProcessProposal
// already refused such proposals). A validator that the
// ValidatorEligibility refuses (operator revoked, expired or frozen)
// abstains too.
func (h *Handlers) PreBlocker(ctx sdk.Context, req *abci.RequestFinalizeBlock) error {
	var (
		votes []keeper.ValidatorVote
		total int64
	)
	if voteExtensionsEnabled(ctx, req.Height) && len(req.Txs) > 0 && types.IsInjectedTx(req.Txs[0]) {
		info, err := types.DecodeInjectedVotes(req.Txs[0], h.keeper.ModuleAddress())
		if err != nil {
			h.logger.Error("oracle: undecodable injected votes; no price update", "height", req.Height, "err", err)
		} else {
			votes, total = h.collectVotes(ctx, info)
		}
	}
	_, err := h.keeper.ApplyVotes(ctx, votes, total)
	return err
}

func (h *Handlers) collectVotes(ctx sdk.Context, info abci.ExtendedCommitInfo) ([]keeper.ValidatorVote, int64) {
	var (
		total    int64
		maxFeeds = types.DefaultMaxFeedsPerVote
	)
	if params, err := h.keeper.GetParams(ctx); err == nil {
		maxFeeds = int(params.MaxFeedsPerVote)
	}
	votes := make([]keeper.ValidatorVote, 0, len(info.Votes))
	seen := make(map[string]bool, len(info.Votes))
	for _, v := range info.Votes {
		if v.Validator.Power <= 0 {
			continue
		}
		total += v.Validator.Power
		if v.BlockIdFlag != cmtproto.BlockIDFlagCommit || len(v.VoteExtension) == 0 {
			continue
		}
		id := hex.EncodeToString(v.Validator.Address)
		if seen[id] {
			continue
		}
		// A validator whose operator lost its VALIDATOR_OPERATOR licence
		// (revoked, expired) or is frozen abstains.
		if h.eligible != nil && !h.eligible.CountsVotesOf(ctx, sdk.ConsAddress(v.Validator.Address)) {
			continue
		}
		ve, err := types.DecodeVoteExtensionForm(v.VoteExtension)
		if err != nil || len(ve.Prices) > maxFeeds {
			continue
		}
		seen[id] = true
		votes = append(votes, keeper.ValidatorVote{Validator: id, Power: v.Validator.Power, Prices: ve.Prices})
	}
	return votes, total
}
