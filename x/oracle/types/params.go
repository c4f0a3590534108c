package types

import (
	errorsmod "cosmossdk.io/errors"

	"github.com/clearchain/clearchain/oracle"
)

// Defaults of Params.
const (
	DefaultMaxFeedsPerVote       = 64
	DefaultHistorySize           = 64
	DefaultQuorumBps             = 6667
	DefaultOutlierBps            = 500
	DefaultMaxSubmissionsPerFeed = 32

	// MaxFeedsPerVoteLimit bounds Params.MaxFeedsPerVote.
	MaxFeedsPerVoteLimit = 1024
	// MaxHistorySize bounds Params.HistorySize.
	MaxHistorySize = 4096
	// MaxSubmissionsLimit bounds Params.MaxSubmissionsPerFeed.
	MaxSubmissionsLimit = 1024
)

// DefaultParams returns the default parameters.
func DefaultParams() Params {
	return Params{
		MaxFeedsPerVote:       DefaultMaxFeedsPerVote,
		HistorySize:           DefaultHistorySize,
		QuorumBps:             DefaultQuorumBps,
		OutlierBps:            DefaultOutlierBps,
		MaxSubmissionsPerFeed: DefaultMaxSubmissionsPerFeed,
	}
}

// Validate checks the parameters.
func (p Params) Validate() error {
	switch {
	case p.MaxFeedsPerVote == 0 || p.MaxFeedsPerVote > MaxFeedsPerVoteLimit:
		return errorsmod.Wrapf(ErrInvalidParams, "max_feeds_per_vote %d not in [1, %d]", p.MaxFeedsPerVote, MaxFeedsPerVoteLimit)
	case p.HistorySize == 0 || p.HistorySize > MaxHistorySize:
		return errorsmod.Wrapf(ErrInvalidParams, "history_size %d not in [1, %d]", p.HistorySize, MaxHistorySize)
	case p.QuorumBps <= 5000 || p.QuorumBps > oracle.BpsDenominator:
		return errorsmod.Wrapf(ErrInvalidParams, "quorum_bps %d not in (5000, 10000]", p.QuorumBps)
	case p.OutlierBps > oracle.BpsDenominator:
		return errorsmod.Wrapf(ErrInvalidParams, "outlier_bps %d above 10000", p.OutlierBps)
	case p.MaxSubmissionsPerFeed == 0 || p.MaxSubmissionsPerFeed > MaxSubmissionsLimit:
		return errorsmod.Wrapf(ErrInvalidParams, "max_submissions_per_feed %d not in [1, %d]", p.MaxSubmissionsPerFeed, MaxSubmissionsLimit)
	}
	return nil
}

// AggregationParams converts the parameters for the aggregation library.
func (p Params) AggregationParams() oracle.Params {
	return oracle.Params{QuorumNumerator: uint64(p.QuorumBps), QuorumDenominator: oracle.BpsDenominator, OutlierBps: p.OutlierBps}
}
