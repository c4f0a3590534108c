package keeper

import (
	"fmt"

	"github.com/cosmos/gogoproto/proto"

	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// Halt causes. A market is halted only by the authority (status HALTED), by
// its circuit breaker (CauseCircuitBreaker, after its limit state when it
// has one) and by its oracle feed going stale while it bands on it
// (CauseOracleStale). See README.md, "Halts".
const (
	// CauseOracleStale: the market bands on an oracle feed that has no
	// fresh price (stale, held by the feed's deviation breaker, missing or
	// removed).
	CauseOracleStale = "oracle-stale"
	// CauseLimitUp and CauseLimitDown: a taker would have printed above
	// (below) the circuit breaker's upper (lower) limit; the market enters
	// its limit state.
	CauseLimitUp   = "limit-up"
	CauseLimitDown = "limit-down"
	// CauseInsideLimits: the limit state ended without a pause.
	CauseInsideLimits = "inside-limits"
	// CausePaused: the limit state persisted; the market is paused by its
	// circuit breaker.
	CausePaused = "paused"
)

// bandsOnOracle reports whether market m bands on its oracle feed: it names
// one and has a price band. Only such a market halts when the feed is stale.
func bandsOnOracle(m types.Market) bool { return m.OracleFeed != "" && m.BandBps > 0 }

// oracleHalt halts a market that bands on an oracle feed without a fresh
// price, and resumes it in the first EndBlock that sees a fresh price again
// (or when the market no longer bands on a feed). Both transitions are
// evented (EventMarketHalted / EventMarketResumed, cause "oracle-stale") and
// audited. It never fails: participant-created state cannot stop EndBlock.
func (r *marketRun) oracleHalt() {
	stale := false
	var reason string
	if bandsOnOracle(r.m) {
		_, fresh, named := r.k.oraclePrice(r.gctx, r.m)
		switch {
		case !named:
			reason = "no price source"
			stale = true
		case !fresh:
			reason = "no fresh price"
			stale = true
		}
	}
	switch {
	case stale && !r.st.OracleStale:
		r.st.OracleStale, r.changed = true, true
		// A limit state in progress ends with the halt.
		r.endLimitState(CauseOracleStale)
		r.emit(&types.EventMarketHalted{MarketId: r.m.Id, ReferencePrice: r.st.LastPrice, Cause: CauseOracleStale})
		r.k.audit(r.ctx, types.ModuleName, types.ActionMarketHalted, types.MarketSubject(r.m.Id), fmt.Sprintf(
			"cause=%s feed=%s reason=%s band_bps=%d last_price=%d", CauseOracleStale, r.m.OracleFeed, reason, r.m.BandBps, r.st.LastPrice))
	case !stale && r.st.OracleStale:
		r.st.OracleStale, r.changed = false, true
		r.emit(&types.EventMarketResumed{MarketId: r.m.Id, Cause: CauseOracleStale})
		how := "fresh price"
		if !bandsOnOracle(r.m) {
			how = "market no longer bands on a feed"
		}
		r.k.audit(r.ctx, types.ModuleName, types.ActionMarketResumed, types.MarketSubject(r.m.Id), fmt.Sprintf(
			"cause=%s halt ended: %s feed=%s", CauseOracleStale, how, r.m.OracleFeed))
	}
	if r.st.OracleStale {
		r.halted = true
	}
}

// emit emits a typed event; a failure (a broken codec, not participant
// input) is logged, never returned: EndBlock must not fail on it.
func (r *marketRun) emit(ev proto.Message) {
	if err := r.ctx.EventManager().EmitTypedEvent(ev); err != nil {
		r.ctx.Logger().Error("exchange: event", "market", r.m.Id, "err", err.Error())
	}
}

// hasLimitState reports whether the market's circuit breaker has a limit
// state before its pause.
func (r *marketRun) hasLimitState() bool {
	return r.m.BreakerBps > 0 && r.m.LimitStateBlocks > 0 && !r.m.IsAuction()
}

// inLimitState reports whether the market is in its limit state.
func (r *marketRun) inLimitState() bool { return r.st.LimitUntil != 0 }

// breakerLimits returns the circuit breaker's limit prices for this block:
// those of the limit state while in it, else the breaker band around its
// reference (ok false: no reference yet, or no limit state configured).
func (r *marketRun) breakerLimits() (lo, hi int64, ok bool) {
	if !r.hasLimitState() {
		return 0, 0, false
	}
	if r.inLimitState() {
		return r.st.LimitLow, r.st.LimitHigh, true
	}
	if r.st.BreakerRefPrice == 0 {
		return 0, 0, false
	}
	lo, hi = band(r.st.BreakerRefPrice, r.m.BreakerBps)
	return lo, hi, true
}

// bandWithLimits narrows the price band [lo, hi] (on: a band is set) to the
// circuit breaker's limits, so that no taker prints beyond them: a taker
// whose walk would is clipped there (reason "band") and the market enters
// its limit state (see onBandClip).
func (r *marketRun) bandWithLimits(lo, hi int64, on bool) (int64, int64, bool) {
	llo, lhi, ok := r.breakerLimits()
	r.limLo, r.limHi, r.limOn = llo, lhi, ok
	if !ok {
		return lo, hi, on
	}
	if !on {
		return llo, lhi, true
	}
	switch {
	case lo > lhi:
		// The price band lies wholly above the limits: trades only at the
		// upper limit (an empty intersection would switch the band off).
		return lhi, lhi, true
	case hi < llo:
		return llo, llo, true
	}
	return max(lo, llo), min(hi, lhi), true
}

// onBandClip is told of a taker clipped at the engine's band (side: the
// taker's side). When the binding edge is the circuit breaker's limit, the
// market is at its limit: it enters its limit state, or stays in it.
func (r *marketRun) onBandClip(side matching.Side) {
	if !r.limOn || r.halted {
		return
	}
	blo, bhi, _ := r.book.Band()
	up := side == matching.Buy
	if up && int64(bhi) != r.limHi || !up && int64(blo) != r.limLo {
		return // clipped at the price band, inside the breaker's limits
	}
	r.atLimit = true
	if r.inLimitState() {
		return
	}
	h := r.ctx.BlockHeight()
	r.st.LimitUntil = h + int64(r.m.LimitStateBlocks)
	r.st.LimitLow, r.st.LimitHigh = r.limLo, r.limHi
	r.changed = true
	cause, limit := CauseLimitDown, r.limLo
	if up {
		cause, limit = CauseLimitUp, r.limHi
	}
	r.emit(&types.EventMarketLimitState{MarketId: r.m.Id, Entered: true, LimitLow: r.st.LimitLow, LimitHigh: r.st.LimitHigh,
		UntilHeight: r.st.LimitUntil, Cause: cause})
	r.k.audit(r.ctx, types.ModuleName, types.ActionMarketLimitState, types.MarketSubject(r.m.Id), fmt.Sprintf(
		"cause=%s limit=%d limits=[%d,%d] reference=%d breaker_bps=%d until_height=%d",
		cause, limit, r.st.LimitLow, r.st.LimitHigh, r.st.BreakerRefPrice, r.m.BreakerBps, r.st.LimitUntil))
}

// limitRefusal returns why a limit order priced at p on side s is refused
// in the limit state (orders only at or inside the limit prices), or "".
func (r *marketRun) limitRefusal(s matching.Side, p int64, market bool) string {
	if !r.inLimitState() || market {
		return ""
	}
	if s == matching.Buy && p > r.st.LimitHigh || s == matching.Sell && p < r.st.LimitLow {
		return types.ReasonTextLimitState
	}
	return ""
}

// settleLimitState ends the block's limit state: a market that is no
// longer at its limit (no taker clipped there this block and no order
// resting at a limit price) leaves it; one still at its limit at its last
// block is paused by the circuit breaker for band_halt_blocks.
func (r *marketRun) settleLimitState() {
	if !r.inLimitState() || r.halted {
		return
	}
	if !r.atLimit {
		if p, _, ok := r.book.BestBid(); ok && int64(p) >= r.st.LimitHigh {
			r.atLimit = true
		}
		if p, _, ok := r.book.BestAsk(); ok && int64(p) <= r.st.LimitLow {
			r.atLimit = true
		}
	}
	h := r.ctx.BlockHeight()
	switch {
	case !r.atLimit:
		r.endLimitState(CauseInsideLimits)
	case h+1 >= r.st.LimitUntil:
		lo, hi := r.st.LimitLow, r.st.LimitHigh
		ref := r.st.BreakerRefPrice
		r.endLimitState(CausePaused)
		r.halted = true
		r.st.HaltedUntil = h + int64(r.m.BandHaltBlocks) + 1
		r.changed = true
		r.emit(&types.EventMarketHalted{MarketId: r.m.Id, Price: r.st.LastPrice, ReferencePrice: ref,
			UntilHeight: r.st.HaltedUntil, Cause: CauseCircuitBreaker})
		r.k.audit(r.ctx, types.ModuleName, types.ActionMarketHalted, types.MarketSubject(r.m.Id), fmt.Sprintf(
			"cause=%s limit state persisted %d blocks limits=[%d,%d] reference=%d last_price=%d until_height=%d",
			CauseCircuitBreaker, r.m.LimitStateBlocks, lo, hi, ref, r.st.LastPrice, r.st.HaltedUntil))
	}
}

// endLimitState leaves the limit state (if in it), evented and audited.
func (r *marketRun) endLimitState(cause string) {
	if !r.inLimitState() {
		return
	}
	lo, hi := r.st.LimitLow, r.st.LimitHigh
	r.st.LimitUntil, r.st.LimitLow, r.st.LimitHigh = 0, 0, 0
	r.changed = true
	r.emit(&types.EventMarketLimitState{MarketId: r.m.Id, Entered: false, LimitLow: lo, LimitHigh: hi, Cause: cause})
	r.k.audit(r.ctx, types.ModuleName, types.ActionMarketLimitState, types.MarketSubject(r.m.Id), fmt.Sprintf(
		"cause=%s limit state ended limits=[%d,%d]", cause, lo, hi))
}
