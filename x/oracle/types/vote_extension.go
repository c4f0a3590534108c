package types

import (
	"bytes"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"

	errorsmod "cosmossdk.io/errors"
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

// InjectedTxMarker starts the proposal's injected vote-extension "tx". Its
// first byte (0x00: protobuf field number 0) can never start a valid
// encoded transaction, so the SDK tx decoder always refuses it, and no user
// transaction can be mistaken for it.
var InjectedTxMarker = []byte("\x00clearchain.oracle.v1.votes\x00")

// IsInjectedTx reports whether a proposal tx is the injected vote-extension
// tx.
func IsInjectedTx(tx []byte) bool { return bytes.HasPrefix(tx, InjectedTxMarker) }

// EncodeInjectedVotes encodes the extended commit info as the injected tx.
func EncodeInjectedVotes(info abci.ExtendedCommitInfo) ([]byte, error) {
	infoBz, err := info.Marshal()
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidInjectedTx, "encoding commit info: %v", err)
	}
	iv := InjectedVotes{ExtendedCommitInfo: infoBz}
	bz, err := iv.Marshal()
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidInjectedTx, "encoding: %v", err)
	}
	return append(append(make([]byte, 0, len(InjectedTxMarker)+len(bz)), InjectedTxMarker...), bz...), nil
}

// DecodeInjectedVotes decodes the injected tx.
func DecodeInjectedVotes(tx []byte) (abci.ExtendedCommitInfo, error) {
	var info abci.ExtendedCommitInfo
	if !IsInjectedTx(tx) {
		return info, errorsmod.Wrap(ErrInvalidInjectedTx, "missing marker")
	}
	var iv InjectedVotes
	if err := iv.Unmarshal(tx[len(InjectedTxMarker):]); err != nil {
		return info, errorsmod.Wrapf(ErrInvalidInjectedTx, "decoding: %v", err)
	}
	if err := info.Unmarshal(iv.ExtendedCommitInfo); err != nil {
		return abci.ExtendedCommitInfo{}, errorsmod.Wrapf(ErrInvalidInjectedTx, "decoding commit info: %v", err)
	}
	return info, nil
}
