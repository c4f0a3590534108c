package oracle

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Vote is one validator's price for one feed, as carried in its vote
// extension, together with the validator's voting power at that height.
type Vote struct {
	// Validator identifies the validator (its consensus address, in any
	// stable encoding). Two votes of one feed must not share it.
	Validator string
	// Power is the validator's voting power. Zero means the vote carries no
	// weight and is ignored; negative power is an error.
	Power int64
	// Price is the validator's price. Zero or negative means "abstain": the
	// vote is ignored and its power does not count towards the quorum.
	Price Price
}

// Params are the aggregation parameters of one feed.
type Params struct {
	// QuorumNumerator / QuorumDenominator is the fraction of the total voting
	// power that must back a price: among the votes cast and again among the
	// votes kept after outlier rejection. It must be more than 1/2 and at
	// most 1. The default is 2/3.
	QuorumNumerator, QuorumDenominator uint64
	// OutlierBps is the outlier band: a vote whose price deviates from the
	// first-pass weighted median by more than OutlierBps basis points is
	// dropped before the median is computed again. Zero disables outlier
	// rejection.
	OutlierBps uint64
}

// DefaultParams returns a 2/3 quorum and a 500 bps (5%) outlier band.
func DefaultParams() Params {
	return Params{QuorumNumerator: 2, QuorumDenominator: 3, OutlierBps: 500}
}

// Validate reports whether p can be used.
func (p Params) Validate() error {
	if p.QuorumDenominator == 0 || p.QuorumNumerator > p.QuorumDenominator {
		return fmt.Errorf("%w: quorum %d/%d is not a fraction in (1/2, 1]", ErrInvalidParams, p.QuorumNumerator, p.QuorumDenominator)
	}
	// A quorum of a majority or less would let a minority decide the median.
	if cmp128(p.QuorumNumerator, 2, p.QuorumDenominator, 1) <= 0 {
		return fmt.Errorf("%w: quorum %d/%d must be more than 1/2", ErrInvalidParams, p.QuorumNumerator, p.QuorumDenominator)
	}
	return nil
}

// hasQuorum reports whether power >= total * num / den, exactly.
func (p Params) hasQuorum(power, total int64) bool {
	return cmp128(uint64(power), p.QuorumDenominator, uint64(total), p.QuorumNumerator) >= 0
}

// Result is the outcome of aggregating the votes of one feed.
type Result struct {
	// Price is the aggregated price: the weighted median of the accepted
	// votes.
	Price Price
	// FirstPass is the weighted median of all valid votes, around which the
	// outlier band is drawn. It equals Price when nothing was rejected.
	FirstPass Price
	// TotalPower is the total voting power of the validator set.
	TotalPower int64
	// VotedPower is the power of the valid (non-abstaining) votes.
	VotedPower int64
	// AcceptedPower is the power of the votes kept after outlier rejection.
	AcceptedPower int64
	// Votes holds the valid votes sorted by price, then by validator. It
	// aliases the scratch buffer given to Aggregate and is only valid until
	// that buffer is reused.
	Votes []Vote
	// Votes[Lo:Hi] are the accepted votes; the others were outliers. The
	// accepted votes are always contiguous in price order.
	Lo, Hi int
}

// Accepted returns the votes that contributed to the price.
func (r Result) Accepted() []Vote { return r.Votes[r.Lo:r.Hi] }

// Rejected returns the outliers below and above the accepted band.
func (r Result) Rejected() (below, above []Vote) { return r.Votes[:r.Lo], r.Votes[r.Hi:] }

// Aggregator aggregates feeds one after another, reusing its scratch memory:
// after the first call with the largest validator set it does not allocate.
// The zero value is ready to use. An Aggregator is not safe for concurrent
// use; the Result it returns is valid until its next call.
type Aggregator struct {
	scratch []Vote
}

// Aggregate is [Aggregate] with the Aggregator's scratch buffer.
func (a *Aggregator) Aggregate(votes []Vote, totalPower int64, p Params) (Result, error) {
	if cap(a.scratch) < len(votes) {
		a.scratch = make([]Vote, 0, len(votes))
	}
	return Aggregate(votes, totalPower, p, a.scratch)
}

// Aggregate computes the stake-weighted median price of one feed.
//
// The votes are not modified; the valid ones are copied into scratch, which
// is grown when its capacity is below len(votes) (pass a buffer of capacity
// at least the validator set size to avoid allocation).
//
// The steps are:
//
//  1. Votes with zero power or a price <= 0 (abstentions) are ignored.
//     Negative power, duplicate validators, or valid votes whose power adds
//     up to more than totalPower are errors (ErrInvalidVote,
//     ErrDuplicateVote).
//  2. Quorum: the power of the valid votes must be at least
//     QuorumNumerator/QuorumDenominator of totalPower, else
//     ErrInsufficientPower.
//  3. First pass: the weighted median M1 of the valid votes.
//  4. Outlier rejection (when OutlierBps > 0): votes whose price deviates
//     from M1 by more than OutlierBps (|p-M1|*10_000 > M1*OutlierBps) are
//     dropped. The power of the remaining votes must again meet the quorum
//     of totalPower, else ErrInsufficientPower: a price is only published
//     when a quorum of the validator set agrees on it within the band.
//  5. The result is the weighted median of the remaining votes.
//
// The weighted median is the lowest price P such that the votes priced at or
// below P carry at least half of the power considered (2*cum >= sum). When
// the power splits exactly in two halves the lower of the two middle prices
// is chosen. The result is always the price of one of the votes, never an
// interpolation, and it depends only on the multiset of (price, power) pairs:
// the order of the input does not matter.
//
// Because the quorum is more than 1/2, validators holding less than
// 1 - quorum of the total power (less than 1/3 by default) cannot move the
// result outside the range of the prices of the other validators.
func Aggregate(votes []Vote, totalPower int64, p Params, scratch []Vote) (Result, error) {
	if err := p.Validate(); err != nil {
		return Result{}, err
	}
	if totalPower <= 0 {
		return Result{}, fmt.Errorf("%w: total power %d is not positive", ErrInvalidParams, totalPower)
	}
	if cap(scratch) < len(votes) {
		scratch = make([]Vote, 0, len(votes))
	}
	valid := scratch[:0]
	var voted int64
	for i := range votes {
		v := &votes[i]
		if v.Power < 0 {
			return Result{}, fmt.Errorf("%w: validator %q has negative power %d", ErrInvalidVote, v.Validator, v.Power)
		}
		if v.Power == 0 || v.Price <= 0 {
			continue
		}
		if v.Power > totalPower-voted {
			return Result{}, fmt.Errorf("%w: voting power exceeds total power %d", ErrInvalidVote, totalPower)
		}
		voted += v.Power
		valid = append(valid, *v)
	}
	if len(valid) == 0 {
		return Result{}, ErrNoVotes
	}

	slices.SortFunc(valid, compareValidator)
	for i := 1; i < len(valid); i++ {
		if valid[i].Validator == valid[i-1].Validator {
			return Result{}, fmt.Errorf("%w: validator %q", ErrDuplicateVote, valid[i].Validator)
		}
	}
	if !p.hasQuorum(voted, totalPower) {
		return Result{}, fmt.Errorf("%w: %d of %d voted, quorum is %d/%d",
			ErrInsufficientPower, voted, totalPower, p.QuorumNumerator, p.QuorumDenominator)
	}

	slices.SortFunc(valid, comparePrice)
	first := weightedMedian(valid, voted)
	res := Result{
		Price:         first,
		FirstPass:     first,
		TotalPower:    totalPower,
		VotedPower:    voted,
		AcceptedPower: voted,
		Votes:         valid,
		Lo:            0,
		Hi:            len(valid),
	}
	if p.OutlierBps == 0 {
		return res, nil
	}

	lo, hi := 0, len(valid)
	for lo < hi && !WithinBps(valid[lo].Price, first, p.OutlierBps) {
		lo++
	}
	for hi > lo && !WithinBps(valid[hi-1].Price, first, p.OutlierBps) {
		hi--
	}
	if lo == 0 && hi == len(valid) {
		return res, nil
	}
	var accepted int64
	for i := lo; i < hi; i++ {
		accepted += valid[i].Power
	}
	res.Lo, res.Hi, res.AcceptedPower = lo, hi, accepted
	if !p.hasQuorum(accepted, totalPower) {
		return res, fmt.Errorf("%w: %d of %d within %d bps of the median %d, quorum is %d/%d",
			ErrInsufficientPower, accepted, totalPower, p.OutlierBps, first, p.QuorumNumerator, p.QuorumDenominator)
	}
	res.Price = weightedMedian(valid[lo:hi], accepted)
	return res, nil
}

// weightedMedian returns the lower weighted median of votes sorted by price,
// whose powers add up to sum > 0.
func weightedMedian(sorted []Vote, sum int64) Price {
	var cum uint64
	total := uint64(sum)
	for i := range sorted {
		cum += uint64(sorted[i].Power)
		if 2*cum >= total { // cum <= sum < 2^63, so 2*cum cannot overflow
			return sorted[i].Price
		}
	}
	mustNotReach()
	return 0
}

// mustNotReach panics: it marks states that a broken invariant alone can reach.
func mustNotReach() { panic("oracle: broken invariant: weighted median not found") }

func compareValidator(a, b Vote) int { return strings.Compare(a.Validator, b.Validator) }

func comparePrice(a, b Vote) int {
	if c := cmp.Compare(a.Price, b.Price); c != 0 {
		return c
	}
	return strings.Compare(a.Validator, b.Validator)
}
