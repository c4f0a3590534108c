package types

import (
	"slices"
	"strings"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/oracle"
)

// Limits of a feed's settings.
const (
	MaxFeedIDLength = 64
	MaxDecimals     = 18
	// MaxWindowSeconds bounds the window of licensed feeds (30 days).
	MaxWindowSeconds = 30 * 24 * 3600
	// DefaultMinFeeders is the number of distinct eligible feeders a
	// licensed feed needs in its window when min_feeders is 0.
	DefaultMinFeeders = 3
	// MaxFeedFeeders bounds a licensed feed's list of allowed feeders.
	MaxFeedFeeders = 64
)

// ValidateFeedID checks a feed id: 1 to 64 characters of [A-Za-z0-9/._-].
func ValidateFeedID(id string) error {
	if id == "" || len(id) > MaxFeedIDLength {
		return errorsmod.Wrapf(ErrInvalidFeed, "feed id %q must have 1 to %d characters", id, MaxFeedIDLength)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("/._-", c) >= 0) {
			return errorsmod.Wrapf(ErrInvalidFeed, "feed id %q: character %q not allowed", id, c)
		}
	}
	return nil
}

// Validate checks a feed's settings.
func (f Feed) Validate() error {
	if err := ValidateFeedID(f.Id); err != nil {
		return err
	}
	switch {
	case f.Decimals > MaxDecimals:
		return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: decimals %d above %d", f.Id, f.Decimals, MaxDecimals)
	case f.MaxStalenessBlocks < 0 || f.MaxStalenessSeconds < 0:
		return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: negative staleness limit", f.Id)
	case f.MaxStalenessBlocks == 0 && f.MaxStalenessSeconds == 0:
		return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: needs a staleness limit in blocks or seconds", f.Id)
	case f.MaxDeviationBpsPerBlock > 100*oracle.BpsDenominator:
		return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: max_deviation_bps_per_block %d above 1000000", f.Id, f.MaxDeviationBpsPerBlock)
	case f.Licensed && (f.WindowSeconds <= 0 || f.WindowSeconds > MaxWindowSeconds):
		return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: licensed feeds need window_seconds in [1, %d]", f.Id, MaxWindowSeconds)
	case !f.Licensed && f.WindowSeconds != 0:
		return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: window_seconds is for licensed feeds only", f.Id)
	case f.Licensed && f.MinSources == 0:
		return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: licensed feeds need min_sources >= 1", f.Id)
	case !f.Licensed && (f.MinFeeders != 0 || len(f.Feeders) != 0):
		return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: min_feeders and feeders are for licensed feeds only", f.Id)
	case f.MinFeeders > MaxFeedFeeders || len(f.Feeders) > MaxFeedFeeders:
		return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: at most %d feeders (min_feeders %d, %d listed)", f.Id, MaxFeedFeeders, f.MinFeeders, len(f.Feeders))
	case (f.BaseDenom == "") != (f.QuoteDenom == ""):
		return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: base_denom and quote_denom go together", f.Id)
	}
	for i, a := range f.Feeders {
		if _, err := sdk.AccAddressFromBech32(a); err != nil {
			return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: feeders[%d] %q: %v", f.Id, i, a, err)
		}
		if slices.Contains(f.Feeders[:i], a) {
			return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: feeder %s listed twice", f.Id, a)
		}
	}
	if f.BaseDenom != "" {
		if err := sdk.ValidateDenom(f.BaseDenom); err != nil {
			return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: base_denom: %v", f.Id, err)
		}
		if err := sdk.ValidateDenom(f.QuoteDenom); err != nil {
			return errorsmod.Wrapf(ErrInvalidFeed, "feed %s: quote_denom: %v", f.Id, err)
		}
	}
	return nil
}

// RequiredFeeders is the number of distinct eligible feeders a licensed
// feed needs in its window: max(min_feeders, min_sources), min_feeders 0
// meaning DefaultMinFeeders.
func (f Feed) RequiredFeeders() int {
	n := f.MinFeeders
	if n == 0 {
		n = DefaultMinFeeders
	}
	return int(max(n, f.MinSources))
}

// AllowsFeeder reports whether the licensed feed lists addr among its
// feeders.
func (f Feed) AllowsFeeder(addr string) bool { return slices.Contains(f.Feeders, addr) }

// StalenessLimits returns the feed's limits for oracle.CheckStaleness.
func (f Feed) StalenessLimits() oracle.StalenessLimits {
	return oracle.StalenessLimits{MaxBlocks: f.MaxStalenessBlocks, MaxAge: f.MaxStalenessSeconds}
}

// Observation returns the record as an oracle.Observation.
func (r PriceRecord) Observation() oracle.Observation {
	return oracle.Observation{Price: oracle.Price(r.Price), Height: r.Height, Time: r.Time}
}

// StatusOf maps a library status code to the proto enum.
func StatusOf(c oracle.StatusCode) FeedStatus {
	switch c {
	case oracle.StatusFresh:
		return FeedStatus_FEED_STATUS_FRESH
	case oracle.StatusStale:
		return FeedStatus_FEED_STATUS_STALE
	case oracle.StatusBreaker:
		return FeedStatus_FEED_STATUS_BREAKER
	}
	return FeedStatus_FEED_STATUS_UNSPECIFIED
}
