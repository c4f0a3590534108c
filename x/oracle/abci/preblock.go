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
// quorum. Extensions that do not decode (ProcessProposal already refused
// such proposals) count as abstentions.
func (h *Handlers) PreBlocker(ctx sdk.Context, req *abci.RequestFinalizeBlock) error {
	var (
		votes []keeper.ValidatorVote
		total int64
	)
	if voteExtensionsEnabled(ctx, req.Height) && len(req.Txs) > 0 && types.IsInjectedTx(req.Txs[0]) {
		info, err := types.DecodeInjectedVotes(req.Txs[0])
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
	var total int64
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
		ve, err := h.decodeExtension(ctx, v.VoteExtension)
		if err != nil {
			continue
		}
		seen[id] = true
		votes = append(votes, keeper.ValidatorVote{Validator: id, Power: v.Validator.Power, Prices: ve.Prices})
	}
	return votes, total
}
