package types

import (
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

var (
	_ sdk.Msg = (*MsgUpdateParams)(nil)
	_ sdk.Msg = (*MsgSetFeed)(nil)
	_ sdk.Msg = (*MsgRemoveFeed)(nil)
	_ sdk.Msg = (*MsgSubmitPrice)(nil)
	_ sdk.Msg = (*MsgInjectedVotes)(nil)
)

// ValidateBasic always refuses MsgInjectedVotes: only the proposer puts
// one in a block, as its first tx, which the tx runner does not execute.
// This keeps it out of the mempool (CheckTx) and fails it anywhere else in
// a block.
func (m MsgInjectedVotes) ValidateBasic() error {
	return errorsmod.Wrap(ErrInjectedVotesMsg, "MsgInjectedVotes cannot be submitted")
}

// ValidateBasic checks the message without the store.
func (m MsgSubmitPrice) ValidateBasic() error {
	if _, err := sdk.AccAddressFromBech32(m.Feeder); err != nil {
		return errorsmod.Wrapf(ErrInvalidAddress, "feeder %q: %v", m.Feeder, err)
	}
	if err := ValidateFeedID(m.FeedId); err != nil {
		return err
	}
	if m.Price <= 0 {
		return errorsmod.Wrapf(ErrInvalidPrice, "feed %s: price %d is not positive", m.FeedId, m.Price)
	}
	return nil
}
