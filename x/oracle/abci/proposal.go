package abci

import (
	"errors"
	"fmt"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"cosmossdk.io/core/comet"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/oracle/types"
)

// PrepareProposalHandler wraps inner: when vote extensions are enabled, the
// proposer's extended commit info (the previous height's vote extensions,
// as CometBFT hands it over) becomes the first "tx" of the proposal, and
// inner fills the rest of the block within what is left of MaxTxBytes.
func (h *Handlers) PrepareProposalHandler(inner sdk.PrepareProposalHandler) sdk.PrepareProposalHandler {
	return func(ctx sdk.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
		if !voteExtensionsEnabled(ctx, req.Height) {
			return inner(ctx, req)
		}
		injected, err := types.EncodeInjectedVotes(req.LocalLastCommit, h.keeper.ModuleAddress())
		if err != nil {
			return nil, err
		}
		if int64(len(injected)) > req.MaxTxBytes {
			return nil, fmt.Errorf("oracle: injected votes take %d bytes, the block allows %d", len(injected), req.MaxTxBytes)
		}
		rest := *req
		rest.MaxTxBytes -= int64(len(injected))
		resp, err := inner(ctx, &rest)
		if err != nil {
			return nil, err
		}
		txs := make([][]byte, 0, len(resp.Txs)+1)
		txs = append(txs, injected)
		for _, tx := range resp.Txs {
			if !types.CarriesInjectedVotes(tx) { // never from the mempool (CheckTx refuses it); be safe
				txs = append(txs, tx)
			}
		}
		return &abci.ResponsePrepareProposal{Txs: txs}, nil
	}
}

// ProcessProposalHandler wraps inner: when vote extensions are enabled the
// first tx must be the injected votes, with valid signatures over enough
// power (baseapp.ValidateVoteExtensions) and well-formed extensions; no
// other tx may be one. inner sees the remaining txs.
func (h *Handlers) ProcessProposalHandler(inner sdk.ProcessProposalHandler) sdk.ProcessProposalHandler {
	reject := &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}
	return func(ctx sdk.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
		txs := req.Txs
		if voteExtensionsEnabled(ctx, req.Height) {
			if err := h.verifyInjected(ctx, txs); err != nil {
				h.logger.Error("oracle: rejecting proposal", "height", req.Height, "err", err)
				return reject, nil
			}
			txs = txs[1:]
		}
		for _, tx := range txs {
			if types.CarriesInjectedVotes(tx) {
				h.logger.Error("oracle: rejecting proposal: misplaced injected votes", "height", req.Height)
				return reject, nil
			}
		}
		rest := *req
		rest.Txs = txs
		return inner(ctx, &rest)
	}
}

func (h *Handlers) verifyInjected(ctx sdk.Context, txs [][]byte) error {
	if len(txs) == 0 || !types.IsInjectedTx(txs[0]) {
		return errors.New("first tx is not the injected vote extensions")
	}
	info, err := types.DecodeInjectedVotes(txs[0], h.keeper.ModuleAddress())
	if err != nil {
		return err
	}
	if err := baseapp.ValidateVoteExtensions(ctx, h.valStore, 0, "", info); err != nil {
		return fmt.Errorf("vote extensions: %w", err)
	}
	// ValidateVoteExtensions compares addresses and powers with the last
	// commit, not each vote's flag: a proposer could relabel a signed vote
	// as absent and so pick the median among the others.
	if err := sameFlags(info, ctx.CometInfo().GetLastCommit()); err != nil {
		return err
	}
	for _, v := range info.Votes {
		if v.BlockIdFlag != cmtproto.BlockIDFlagCommit {
			continue
		}
		// The form only: the extension was verified under the state before
		// the previous block, whose messages may have removed a feed, made
		// it licensed or lowered max_feeds_per_vote since. PreBlock counts
		// what no longer applies as an abstention.
		if _, err := types.DecodeVoteExtensionForm(v.VoteExtension); err != nil {
			return fmt.Errorf("validator %s: %w", sdk.ConsAddress(v.Validator.Address), err)
		}
	}
	return nil
}

// sameFlags checks that every vote of the injected commit info carries the
// BlockIdFlag of the same vote in the block's last commit (CometBFT derives
// both from one extended commit, so they are equal for an honest proposer).
// ValidateVoteExtensions has already checked lengths, addresses and powers.
func sameFlags(info abci.ExtendedCommitInfo, last comet.CommitInfo) error {
	votes := last.Votes()
	if votes.Len() != len(info.Votes) {
		return fmt.Errorf("vote extensions: %d votes, the last commit has %d", len(info.Votes), votes.Len())
	}
	for i, v := range info.Votes {
		if want := cmtproto.BlockIDFlag(votes.Get(i).GetBlockIDFlag()); v.BlockIdFlag != want {
			return fmt.Errorf("vote extensions: validator %s has flag %s, the last commit says %s",
				sdk.ConsAddress(v.Validator.Address), v.BlockIdFlag, want)
		}
	}
	return nil
}
