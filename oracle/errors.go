package oracle

import "errors"

// Errors returned by this package. Callers compare with errors.Is: most
// returns wrap one of these with the detail that explains it.
var (
	// ErrNoVotes is returned when no valid vote was cast for a feed.
	ErrNoVotes = errors.New("oracle: no valid votes")
	// ErrInsufficientPower is returned when the voting power behind a price
	// is below the quorum (2/3 of the total power by default), either among
	// the votes cast or among the votes left after outlier rejection.
	ErrInsufficientPower = errors.New("oracle: insufficient voting power")
	// ErrInvalidVote is returned for a vote with negative power, or for votes
	// whose power adds up to more than the total power.
	ErrInvalidVote = errors.New("oracle: invalid vote")
	// ErrDuplicateVote is returned when one validator appears twice.
	ErrDuplicateVote = errors.New("oracle: duplicate vote")
	// ErrInvalidParams is returned for parameters that cannot be used.
	ErrInvalidParams = errors.New("oracle: invalid parameters")
	// ErrInvalidPrice is returned for a price that is zero or negative.
	ErrInvalidPrice = errors.New("oracle: invalid price")
	// ErrNonMonotonicTime is returned when a TWAP sample is older than the
	// newest sample already recorded.
	ErrNonMonotonicTime = errors.New("oracle: sample time goes backwards")
	// ErrEmptyWindow is returned when no sample or submission falls in the
	// requested window.
	ErrEmptyWindow = errors.New("oracle: no data in window")
	// ErrTooFewSubmissions is returned when fewer licensed feeders than
	// required submitted a price in the window.
	ErrTooFewSubmissions = errors.New("oracle: too few submissions")
)
