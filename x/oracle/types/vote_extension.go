package types

import (
	"bytes"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"

	errorsmod "cosmossdk.io/errors"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
)

// feedPriceWireBound is an upper bound of the encoded size of one FeedPrice
// entry: tags, lengths, a 64-byte id and a 10-byte varint.
const feedPriceWireBound = 2 + 2 + MaxFeedIDLength + 1 + 10

// MaxVoteExtensionBytes is the largest vote extension that can carry
// maxFeeds prices.
func MaxVoteExtensionBytes(maxFeeds uint32) int {
	return int(maxFeeds) * feedPriceWireBound
}

// EncodeVoteExtension returns the canonical encoding of ve; an extension
// without prices encodes to no bytes.
func EncodeVoteExtension(ve VoteExtension) ([]byte, error) {
	if len(ve.Prices) == 0 {
		return []byte{}, nil
	}
	return ve.Marshal()
}

// DecodeVoteExtension parses a vote extension and checks its form: size,
// canonical encoding, at most maxFeeds prices sorted by feed id without
// duplicates, valid feed ids, positive prices, and every feed known to
// isValidatorFeed (a registered feed priced by validators). No bytes is the
// empty extension (the validator abstains). A nil isValidatorFeed checks the
// form only: ProcessProposal and PreBlock decode extensions signed under the
// rules of the previous height with DecodeVoteExtensionForm, since a message
// of that height may have changed the feeds or the params since.
func DecodeVoteExtension(bz []byte, maxFeeds uint32, isValidatorFeed func(id string) bool) (VoteExtension, error) {
	var ve VoteExtension
	if len(bz) == 0 {
		return ve, nil
	}
	if len(bz) > MaxVoteExtensionBytes(maxFeeds) {
		return ve, errorsmod.Wrapf(ErrInvalidVoteExt, "%d bytes, at most %d", len(bz), MaxVoteExtensionBytes(maxFeeds))
	}
	if err := ve.Unmarshal(bz); err != nil {
		return VoteExtension{}, errorsmod.Wrapf(ErrInvalidVoteExt, "decoding: %v", err)
	}
	if len(ve.Prices) == 0 || len(ve.Prices) > int(maxFeeds) {
		return VoteExtension{}, errorsmod.Wrapf(ErrInvalidVoteExt, "%d prices, want 1 to %d", len(ve.Prices), maxFeeds)
	}
	for i, p := range ve.Prices {
		if err := ValidateFeedID(p.FeedId); err != nil {
			return VoteExtension{}, errorsmod.Wrapf(ErrInvalidVoteExt, "prices[%d]: %v", i, err)
		}
		if i > 0 && strings.Compare(ve.Prices[i-1].FeedId, p.FeedId) >= 0 {
			return VoteExtension{}, errorsmod.Wrapf(ErrInvalidVoteExt, "prices[%d] %s: not sorted or duplicate", i, p.FeedId)
		}
		if p.Price <= 0 {
			return VoteExtension{}, errorsmod.Wrapf(ErrInvalidVoteExt, "prices[%d] %s: price %d not positive", i, p.FeedId, p.Price)
		}
		if isValidatorFeed != nil && !isValidatorFeed(p.FeedId) {
			return VoteExtension{}, errorsmod.Wrapf(ErrInvalidVoteExt, "prices[%d]: %s is not a validator-priced feed", i, p.FeedId)
		}
	}
	// Canonical form only: no unknown fields, no repeated encodings of one
	// extension.
	again, err := ve.Marshal()
	if err != nil || !bytes.Equal(again, bz) {
		return VoteExtension{}, errorsmod.Wrap(ErrInvalidVoteExt, "not canonically encoded")
	}
	return ve, nil
}

// DecodeVoteExtensionForm checks only what no transaction or governance
// proposal can change: canonical encoding, at most MaxFeedsPerVoteLimit
// prices sorted by feed id without duplicates, valid ids, positive prices.
// Feeds that are unknown, licensed or beyond max_feeds_per_vote by the time
// the extension is aggregated are abstentions, never a reason to refuse a
// proposal (that would halt the chain).
func DecodeVoteExtensionForm(bz []byte) (VoteExtension, error) {
	return DecodeVoteExtension(bz, MaxFeedsPerVoteLimit, nil)
}

// InjectedVotesTypeURL is the type URL of MsgInjectedVotes.
const InjectedVotesTypeURL = "/clearchain.oracle.v1.MsgInjectedVotes"

// The injected vote-extension tx is an ordinary SDK transaction as far as
// every reader of blocks is concerned (the SDK tx decoder, the tx service,
// CosmJS decodeTxRaw, explorers): a TxRaw whose body holds exactly one
// MsgInjectedVotes, whose auth info has an empty fee and no signer, and
// which has no signatures. Only the proposer puts it in a block, as the
// first tx; CheckTx refuses it (MsgInjectedVotes.ValidateBasic) and the tx
// runner gives it an empty successful result.

// EncodeInjectedVotes encodes the extended commit info as the injected tx;
// authority is the oracle module account's address.
func EncodeInjectedVotes(info abci.ExtendedCommitInfo, authority string) ([]byte, error) {
	infoBz, err := info.Marshal()
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidInjectedTx, "encoding commit info: %v", err)
	}
	msgBz, err := (&MsgInjectedVotes{Authority: authority, ExtendedCommitInfo: infoBz}).Marshal()
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidInjectedTx, "encoding: %v", err)
	}
	bodyBz, err := (&txtypes.TxBody{Messages: []*codectypes.Any{{TypeUrl: InjectedVotesTypeURL, Value: msgBz}}}).Marshal()
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidInjectedTx, "encoding body: %v", err)
	}
	authBz, err := (&txtypes.AuthInfo{Fee: &txtypes.Fee{}}).Marshal()
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidInjectedTx, "encoding auth info: %v", err)
	}
	bz, err := (&txtypes.TxRaw{BodyBytes: bodyBz, AuthInfoBytes: authBz}).Marshal()
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidInjectedTx, "encoding tx: %v", err)
	}
	return bz, nil
}

// decodeInjected parses tx as the injected tx and checks its exact form.
func decodeInjected(tx []byte) (MsgInjectedVotes, error) {
	var (
		raw  txtypes.TxRaw
		body txtypes.TxBody
		msg  MsgInjectedVotes
	)
	if err := raw.Unmarshal(tx); err != nil {
		return msg, errorsmod.Wrapf(ErrInvalidInjectedTx, "decoding tx: %v", err)
	}
	if len(raw.Signatures) != 0 {
		return msg, errorsmod.Wrap(ErrInvalidInjectedTx, "signed")
	}
	if err := body.Unmarshal(raw.BodyBytes); err != nil {
		return msg, errorsmod.Wrapf(ErrInvalidInjectedTx, "decoding body: %v", err)
	}
	if len(body.Messages) != 1 || body.Messages[0] == nil || body.Messages[0].TypeUrl != InjectedVotesTypeURL {
		return msg, errorsmod.Wrap(ErrInvalidInjectedTx, "not one MsgInjectedVotes")
	}
	if err := msg.Unmarshal(body.Messages[0].Value); err != nil {
		return msg, errorsmod.Wrapf(ErrInvalidInjectedTx, "decoding message: %v", err)
	}
	// Canonical form only: exactly the bytes EncodeInjectedVotes writes.
	var info abci.ExtendedCommitInfo
	if err := info.Unmarshal(msg.ExtendedCommitInfo); err != nil {
		return msg, errorsmod.Wrapf(ErrInvalidInjectedTx, "decoding commit info: %v", err)
	}
	again, err := EncodeInjectedVotes(info, msg.Authority)
	if err != nil || !bytes.Equal(again, tx) {
		return msg, errorsmod.Wrap(ErrInvalidInjectedTx, "not canonically encoded")
	}
	return msg, nil
}

// IsInjectedTx reports whether a proposal tx is an injected vote-extension
// tx (in canonical form).
func IsInjectedTx(tx []byte) bool {
	_, err := decodeInjected(tx)
	return err == nil
}

// CarriesInjectedVotes reports whether tx is a transaction with a
// MsgInjectedVotes among its top-level messages. Only the block's first tx
// may carry one; ProcessProposal rejects a proposal with another.
func CarriesInjectedVotes(tx []byte) bool {
	var (
		raw  txtypes.TxRaw
		body txtypes.TxBody
	)
	if raw.Unmarshal(tx) != nil || body.Unmarshal(raw.BodyBytes) != nil {
		return false
	}
	for _, m := range body.Messages {
		if m != nil && m.TypeUrl == InjectedVotesTypeURL {
			return true
		}
	}
	return false
}

// DecodeInjectedVotes decodes the injected tx; authority is the address
// the message must name (the oracle module account).
func DecodeInjectedVotes(tx []byte, authority string) (abci.ExtendedCommitInfo, error) {
	var info abci.ExtendedCommitInfo
	msg, err := decodeInjected(tx)
	if err != nil {
		return info, err
	}
	if msg.Authority != authority {
		return info, errorsmod.Wrapf(ErrInvalidInjectedTx, "authority %q, want the oracle module %s", msg.Authority, authority)
	}
	if err := info.Unmarshal(msg.ExtendedCommitInfo); err != nil {
		return abci.ExtendedCommitInfo{}, errorsmod.Wrapf(ErrInvalidInjectedTx, "decoding commit info: %v", err)
	}
	return info, nil
}
