package oracle

import (
	"errors"
	"strconv"
)

// Errors returned by [Status.Err].
var (
	// ErrNoPrice means the feed has never had a price.
	ErrNoPrice = errors.New("oracle: no price")
	// ErrStale means the last price is older than the feed allows.
	ErrStale = errors.New("oracle: stale price")
	// ErrDeviationBreaker means a new price moved further from the previous
	// one than the feed allows; the circuit breaker refuses it.
	ErrDeviationBreaker = errors.New("oracle: deviation circuit breaker")
)

// Observation is a price together with the block at which it was recorded.
type Observation struct {
	// Price is the recorded price; zero means there is none.
	Price Price
	// Height is the block height of the update.
	Height int64
	// Time is the block time of the update, in the unit the caller uses for
	// the current time as well (Unix seconds or nanoseconds of the block
	// header: never the local clock).
	Time int64
}

// StatusCode classifies the health of a feed's price.
type StatusCode uint8

// Status codes.
const (
	// StatusFresh means the price may be used.
	StatusFresh StatusCode = iota
	// StatusMissing means there is no price.
	StatusMissing
	// StatusStale means the price is too old.
	StatusStale
	// StatusBreaker means the deviation circuit breaker refused the price.
	StatusBreaker
)

// String returns the lower-case name of the code.
func (c StatusCode) String() string {
	switch c {
	case StatusFresh:
		return "fresh"
	case StatusMissing:
		return "missing"
	case StatusStale:
		return "stale"
	case StatusBreaker:
		return "breaker"
	}
	return "unknown(" + strconv.Itoa(int(c)) + ")"
}

// Reason says why a status is not fresh.
type Reason uint8

// Reasons.
const (
	// ReasonNone accompanies StatusFresh.
	ReasonNone Reason = iota
	// ReasonNoPrice: no price was ever recorded (StatusMissing).
	ReasonNoPrice
	// ReasonTooManyBlocks: more blocks than allowed passed since the update
	// (StatusStale; Observed and Limit are in blocks).
	ReasonTooManyBlocks
	// ReasonTooOld: more time than allowed passed since the update
	// (StatusStale; Observed and Limit are in the caller's time unit).
	ReasonTooOld
	// ReasonFromFuture: the update is at a later height or time than "now",
	// which a consistent caller never produces; the price is treated as
	// stale (StatusStale).
	ReasonFromFuture
	// ReasonDeviation: the new price moved more than allowed
	// (StatusBreaker; Observed and Limit are in basis points).
	ReasonDeviation
	// ReasonTooFewFeeders: fewer eligible feeders than a licensed feed
	// needs remain in its window (StatusStale).
	ReasonTooFewFeeders
)

// String returns a short name for the reason.
func (r Reason) String() string {
	switch r {
	case ReasonNone:
		return "none"
	case ReasonNoPrice:
		return "no price"
	case ReasonTooManyBlocks:
		return "too many blocks"
	case ReasonTooOld:
		return "too old"
	case ReasonFromFuture:
		return "update from the future"
	case ReasonDeviation:
		return "deviation"
	case ReasonTooFewFeeders:
		return "too few eligible feeders"
	}
	return "unknown(" + strconv.Itoa(int(r)) + ")"
}

// Status is the health of a feed's price, with the reason and the numbers
// behind it when it is not fresh.
type Status struct {
	Code   StatusCode
	Reason Reason
	// Observed is the measured age (blocks or time) or deviation (bps).
	Observed uint64
	// Limit is the limit that Observed exceeded.
	Limit uint64
}

// OK reports whether the price may be used.
func (s Status) OK() bool { return s.Code == StatusFresh }

// String describes the status, e.g. "stale: too many blocks (12 > 10)".
func (s Status) String() string {
	switch s.Reason {
	case ReasonNone, ReasonNoPrice, ReasonFromFuture, ReasonTooFewFeeders:
		if s.Code == StatusFresh {
			return s.Code.String()
		}
		return s.Code.String() + ": " + s.Reason.String()
	}
	return s.Code.String() + ": " + s.Reason.String() + " (" +
		strconv.FormatUint(s.Observed, 10) + " > " + strconv.FormatUint(s.Limit, 10) + ")"
}

// Err returns nil for a fresh status, and otherwise an error wrapping
// ErrNoPrice, ErrStale or ErrDeviationBreaker.
func (s Status) Err() error {
	var base error
	switch s.Code {
	case StatusFresh:
		return nil
	case StatusMissing:
		base = ErrNoPrice
	case StatusStale:
		base = ErrStale
	default:
		base = ErrDeviationBreaker
	}
	return statusError{base: base, s: s}
}

type statusError struct {
	base error
	s    Status
}

func (e statusError) Error() string { return "oracle: " + e.s.String() }
func (e statusError) Unwrap() error { return e.base }

// StalenessLimits bound the age of a usable price. A zero limit is disabled.
type StalenessLimits struct {
	// MaxBlocks is the largest number of blocks since the update.
	MaxBlocks int64
	// MaxAge is the largest time since the update, in the caller's unit.
	MaxAge int64
}

// CheckStaleness reports whether last is still usable at the block
// (nowHeight, nowTime). An age equal to the limit is still fresh. The block
// limit is checked before the time limit.
func CheckStaleness(last Observation, nowHeight, nowTime int64, lim StalenessLimits) Status {
	if last.Price <= 0 {
		return Status{Code: StatusMissing, Reason: ReasonNoPrice}
	}
	if nowHeight < last.Height || nowTime < last.Time {
		return Status{Code: StatusStale, Reason: ReasonFromFuture}
	}
	// Differences of int64s with now >= last always fit in a uint64.
	if lim.MaxBlocks > 0 {
		if age := uint64(nowHeight) - uint64(last.Height); age > uint64(lim.MaxBlocks) {
			return Status{Code: StatusStale, Reason: ReasonTooManyBlocks, Observed: age, Limit: uint64(lim.MaxBlocks)}
		}
	}
	if lim.MaxAge > 0 {
		if age := uint64(nowTime) - uint64(last.Time); age > uint64(lim.MaxAge) {
			return Status{Code: StatusStale, Reason: ReasonTooOld, Observed: age, Limit: uint64(lim.MaxAge)}
		}
	}
	return Status{Code: StatusFresh}
}

// CheckDeviation is the circuit breaker: it reports whether next, proposed at
// nextHeight, may replace prev. The allowance grows with the blocks elapsed
// since prev: maxBpsPerBlock * max(1, nextHeight-prev.Height) basis points
// (saturating). A move exactly at the allowance passes. maxBpsPerBlock zero
// disables the breaker; a missing previous price (prev.Price <= 0) has
// nothing to compare against and passes; a next price <= 0 is
// StatusMissing.
func CheckDeviation(prev Observation, next Price, nextHeight int64, maxBpsPerBlock uint64) Status {
	if next <= 0 {
		return Status{Code: StatusMissing, Reason: ReasonNoPrice}
	}
	if maxBpsPerBlock == 0 || prev.Price <= 0 {
		return Status{Code: StatusFresh}
	}
	blocks := uint64(1)
	if nextHeight > prev.Height {
		blocks = uint64(nextHeight) - uint64(prev.Height)
	}
	allowed := satMul(maxBpsPerBlock, blocks)
	if WithinBps(next, prev.Price, allowed) {
		return Status{Code: StatusFresh}
	}
	return Status{Code: StatusBreaker, Reason: ReasonDeviation, Observed: DeviationBps(next, prev.Price), Limit: allowed}
}
