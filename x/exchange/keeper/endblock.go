package keeper

import (
	"context"
	"fmt"
	"math/big"
	"strconv"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// BeginBlock makes sure the books are loaded from a block's context, so the
// first use after a restart is never a (possibly historical) query.
func (k Keeper) BeginBlock(ctx context.Context) error {
	k.mem.mu.Lock()
	defer k.mem.mu.Unlock()
	return k.ensureLoaded(ctx)
}

// EndBlock runs the block's matching (see README.md, "EndBlock") under the
// block's work budget (params.max_work_per_block, see budget.go): lapsed
// heartbeats become sweep tasks; the sweep queue runs; then per market in id
// order: expiries, stop triggers from the reference price, the queued
// commands (cancels, mass cancels and post-only places first, then the rest
// in arrival order), the call auction when due. Work the budget did not
// reach carries over, in order. Then settlement of the fills in the
// exchange ledger, the fees to the fee collector (one transfer per denom),
// and the write-back of the changed price levels.
func (k Keeper) EndBlock(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	k.mem.mu.Lock()
	defer k.mem.mu.Unlock()
	if err := k.ensureLoaded(ctx); err != nil {
		return err
	}
	params := k.GetParams(ctx)
	k.mem.heightStr = strconv.FormatInt(sdkCtx.BlockHeight(), 10)
	var markets []types.Market
	if err := k.Markets.Walk(ctx, nil, func(_ uint64, m types.Market) (bool, error) {
		markets = append(markets, m)
		return false, nil
	}); err != nil {
		return err
	}
	led := k.ledger(ctx)
	mm := map[uint64]bool{}
	bud := newWorkBudget(params.WorkBudget())
	// 0. Lapsed dead-man switches join the sweep queue, which runs (barred
	// accounts, force-cancels, lapses) before anything can match.
	if err := k.lapseHeartbeats(sdkCtx); err != nil {
		return err
	}
	sw, used, err := k.runSweeps(sdkCtx, markets, led, mm, params, bud.sweepShare(params.SweepBudget()))
	if err != nil {
		return err
	}
	bud.spend(used)
	cmds, cr, carry, err := k.collectCommands(ctx, int(params.MaxOrdersPerBlock))
	if err != nil {
		return err
	}
	// Each market's commands by arrival index; mass cancels of every market
	// (market id 0) join each market's list at their arrival position.
	byMarket := map[uint64][]int{}
	var allMarkets []int
	for i := range cmds {
		if id := cmds[i].MarketId; id == 0 {
			allMarkets = append(allMarkets, i)
		} else {
			byMarket[id] = append(byMarket[id], i)
		}
	}
	var deferred []deferral
	for i, m := range markets {
		idx := mergeSorted(byMarket[m.Id], allMarkets)
		list := make([]*types.QueuedCommand, len(idx))
		for i, j := range idx {
			list[i] = &cmds[j]
		}
		r := k.newRun(sdkCtx, m, led, mm, params)
		r.gctx = ctx
		r.sw = sw
		r.bud, r.limit = bud, bud.marketLimit(len(markets)-i-1, len(markets))
		if err := r.run(list); err != nil {
			return err
		}
		for _, j := range r.deferred {
			deferred = append(deferred, deferral{idx[j], m.Id})
		}
		bud.spend(r.used)
	}
	if err := k.carryOver(ctx, sdkCtx.BlockHeight(), cmds, cr, deferred, carry); err != nil {
		return err
	}
	if err := led.flush(ctx); err != nil {
		return err
	}
	if err := k.flushOrders(ctx, params); err != nil {
		return err
	}
	k.mem.cmds = clearCommands(cmds)
	cr.rest = clearCommands(cr.rest)
	k.mem.height = sdkCtx.BlockHeight()
	return nil
}

// mergeSorted merges two ascending index lists.
func mergeSorted(a, b []int) []int {
	if len(b) == 0 {
		return a
	}
	out := make([]int, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j >= len(b) || (i < len(a) && a[i] < b[j]) {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return out
}

// clearCommands empties a command buffer for reuse, dropping the strings it
// references.
func clearCommands(cmds []types.QueuedCommand) []types.QueuedCommand {
	clear(cmds)
	return cmds[:0]
}

// marketRun is one market's EndBlock.
type marketRun struct {
	k   Keeper
	ctx sdk.Context
	// gctx is ctx as a context.Context, converted once: each conversion of
	// an sdk.Context (a large struct) to an interface allocates a copy.
	gctx   context.Context
	m      types.Market
	t      *terms
	book   *matching.Book
	led    *ledger
	mm     map[uint64]bool
	params types.Params
	// tracked caches which owners have contract order records
	// (contract_status.go).
	tracked map[uint64]bool

	baseDenom, quoteDenom denomID

	st     types.MarketState
	halted bool
	// paused: the base or quote asset is paused by its issuer; the market
	// does not match (places and modifies are rejected, cancels run).
	paused bool
	// sweeping: a queued sweep still has orders in this market; it does
	// not match this block.
	sweeping bool
	ref      int64
	hasRef   bool
	changed  bool

	fills  []fillRec
	lots   uint64
	quote  big.Int
	hi, lo int64
	tmp    [6]big.Int
	fund   [3]big.Int // balances.go: funding of places and modifies
	cmdBuf [1]matching.Command
	err    error

	// sw is this block's sweep state (nil outside EndBlock's market runs);
	// cancelReason, when set, names the cancels of a sweep.
	sw           *sweepState
	cancelReason string
	// subject is the market's compliance subject; elig caches the taker
	// eligibility of each owner this block ("" eligible, else the reason).
	subject string
	elig    map[uint64]string

	// bud is the block's work budget (nil outside EndBlock's market runs);
	// limit is what this run may use of it, used what it used; deferred
	// holds the positions of the commands it carries over.
	bud      *workBudget
	limit    int
	used     int
	deferred []int
	// reserve: units kept for the second pass from expiries and triggers;
	// laterUsed: the units those used (laterAllowance).
	reserve, laterUsed int
	// later indexes the second-pass places for the first pass's cancels.
	later *laterPlaces
	// limLo, limHi (limOn): the circuit breaker's limit prices in the
	// engine's band this block (see halts.go); atLimit: a taker was clipped
	// at one of them this block.
	limLo, limHi   int64
	limOn, atLimit bool
}

type fillRec struct {
	taker, maker           uint64
	takerOwner, makerOwner uint64
	price                  int64
	qty                    uint64
	side                   matching.Side
}

func (r *marketRun) run(cmds []*types.QueuedCommand) error {
	k, ctx := r.k, r.ctx
	h := ctx.BlockHeight()
	st, err := k.marketState(ctx, r.m.Id)
	if err != nil {
		return err
	}
	r.st = st
	if st.HaltedUntil != 0 && h >= st.HaltedUntil {
		r.st.HaltedUntil = 0
		r.st.BreakerRefPrice = 0 // measured again from the last price
		r.changed = true
		if err := ctx.EventManager().EmitTypedEvent(&types.EventMarketResumed{MarketId: r.m.Id, Cause: CauseCircuitBreaker}); err != nil {
			return err
		}
		k.audit(ctx, types.ModuleName, types.ActionMarketResumed, types.MarketSubject(r.m.Id), "cause=circuit-breaker halt ended")
	}
	// The circuit breaker's reference: the last trade price at the start of
	// each window.
	if r.m.BreakerBps > 0 && r.st.LastPrice > 0 &&
		(r.st.BreakerRefPrice == 0 || h-r.st.BreakerRefHeight >= int64(r.m.BreakerWindowBlocks)) {
		r.st.BreakerRefPrice, r.st.BreakerRefHeight = r.st.LastPrice, h
		r.changed = true
	}
	r.halted = r.m.Status == types.MarketStatus_MARKET_STATUS_HALTED || r.st.HaltedUntil > h
	if _, ok := k.pausedDenom(ctx, r.m); ok {
		r.paused, r.halted = true, true
	}
	if r.sw != nil && r.sw.suspended(r.m.Id) {
		r.sweeping, r.halted = true, true
	}
	r.oracleHalt()
	r.ref, r.hasRef = k.referencePrice(ctx, r.m, r.st)
	r.setBand()

	ev := k.mem.events[:0]
	for _, c := range cmds {
		if !first(c) {
			r.reserve++ // the second pass's commands (laterAllowance)
		}
	}
	// 1. Cancels, mass cancels and post-only places, under the budget: a
	// market maker's pull runs before any taker of the block.
	ev, held := r.firstPass(cmds, ev[:0])
	if r.err != nil {
		return r.err
	}
	// 2. Expiries (block height and block time: deterministic), under the
	// budget less the second pass's reserve (laterAllowance); due orders
	// left over never trade (matching.ExpireUpToN).
	ev, expired := r.book.ExpireUpToN(h, ctx.BlockTime().Unix(), r.laterAllowance(), ev[:0])
	r.used += len(ev)
	r.laterUsed += len(ev)
	r.settle(ev, nil)
	// 3. Stop triggers from the reference price, under the same allowance:
	// a few at a time, since each triggered stop's fills count too; the
	// stops left trigger at the next block's reference.
	if r.hasRef && !r.halted && r.book.StopLen() > 0 {
		for done := false; !done && r.laterAllowance() > 0; {
			ev, done = r.book.OnReferencePriceN(matching.Price(r.ref), min(r.laterAllowance(), triggerChunk), ev[:0])
			r.used += len(ev)
			r.laterUsed += len(ev)
			r.settle(ev, nil)
		}
	}
	// 4. The other commands in arrival order (carried over whole while the
	// first pass is).
	ev = r.secondPass(cmds, held, ev[:0])
	if r.err != nil {
		return r.err
	}
	if held || !expired {
		k.logBehind(r, held, expired)
	}
	// 5. The call auction, when due and every due order expired (else it
	// waits for the next interval).
	if r.m.IsAuction() && !r.halted && expired && !held && h%int64(r.m.AuctionIntervalBlocks) == 0 {
		ref := matching.Price(0)
		if r.hasRef {
			ref = matching.Price(r.ref)
		}
		if p, _, ok := r.book.ClearingPrice(ref); ok {
			if r.outside(int64(p)) {
				// No order halts a market: the auction does not clear
				// outside the band; its orders wait for the next one.
				r.ctx.EventManager().EmitEvent(sdk.NewEvent("exchange_auction_outside_band",
					sdk.NewAttribute("market", strconv.FormatUint(r.m.Id, 10)),
					sdk.NewAttribute("price", strconv.FormatInt(int64(p), 10)),
					sdk.NewAttribute("reference", strconv.FormatInt(r.ref, 10))))
			} else {
				ev = r.book.RunAuction(ref, ev[:0])
				r.settle(ev, nil)
			}
		}
	}
	k.mem.events = ev[:0]
	if r.err != nil {
		return r.err
	}
	r.settleLimitState()
	if err := r.finish(); err != nil {
		return err
	}
	return k.writeBack(ctx, r.m.Id, r.book)
}

// outside reports whether price p is outside the band around the reference.
func (r *marketRun) outside(p int64) bool {
	if r.m.BandBps == 0 || !r.hasRef {
		return false
	}
	lo, hi := band(r.ref, r.m.BandBps)
	return p < lo || p > hi
}

// setBand gives the engine this block's price band of a continuous market
// (off without a band or a reference price): a taker then fills only inside
// it and the rest is cancelled with reason "band" (see matching.Book.SetBand).
// No order halts the market.
//
// With a limit state (limit_state_blocks) the band is narrowed to the
// circuit breaker's limits: a taker is clipped there instead of printing
// beyond, and the market enters its limit state (halts.go).
func (r *marketRun) setBand() {
	var lo, hi int64
	on := r.m.BandBps > 0 && r.hasRef && !r.m.IsAuction()
	if on {
		lo, hi = band(r.ref, r.m.BandBps)
	}
	lo, hi, on = r.bandWithLimits(lo, hi, on)
	if !on {
		r.book.SetBand(0, 0)
		return
	}
	r.book.SetBand(matching.Price(lo), matching.Price(hi))
}

// breaker checks print p against the circuit breaker: more than
// breaker_bps from its reference halts the market for band_halt_blocks
// (after the print; the block's later commands are rejected).
func (r *marketRun) breaker(p int64) {
	if r.m.BreakerBps == 0 || r.halted {
		return
	}
	h := r.ctx.BlockHeight()
	ref := r.st.BreakerRefPrice
	if ref == 0 {
		r.st.BreakerRefPrice, r.st.BreakerRefHeight = p, h
		r.changed = true
		return
	}
	lo, hi := band(ref, r.m.BreakerBps)
	if p >= lo && p <= hi || r.limOn && p >= r.limLo && p <= r.limHi {
		return // inside the threshold, or at or inside the limit state's limits
	}
	r.halted = true
	r.st.HaltedUntil = h + int64(r.m.BandHaltBlocks) + 1
	r.changed = true
	if err := r.ctx.EventManager().EmitTypedEvent(&types.EventMarketHalted{
		MarketId: r.m.Id, Price: p, ReferencePrice: ref, UntilHeight: r.st.HaltedUntil, Cause: CauseCircuitBreaker,
	}); err != nil {
		r.fail(err)
	}
	r.k.audit(r.ctx, types.ModuleName, types.ActionMarketHalted, types.MarketSubject(r.m.Id), fmt.Sprintf(
		"cause=%s price=%d reference=%d breaker_bps=%d window_blocks=%d until_height=%d",
		CauseCircuitBreaker, p, ref, r.m.BreakerBps, r.m.BreakerWindowBlocks, r.st.HaltedUntil))
}

// ReasonOwnerOrderLimit is the rejection reason of a place beyond
// params.max_open_orders_per_owner live orders of its owner in the market.
const ReasonOwnerOrderLimit = types.ReasonTextOwnerOrderCap

// CauseCircuitBreaker is the cause of a circuit-breaker halt.
const CauseCircuitBreaker = "circuit-breaker"

// command runs one queued command through the book and settles its events.
func (r *marketRun) command(c *types.QueuedCommand, ev []matching.Event) []matching.Event {
	o := &c.Order
	switch c.Kind {
	case types.CommandKind_COMMAND_KIND_PLACE, types.CommandKind_COMMAND_KIND_MODIFY:
		reason := r.refusal(o, c.Kind == types.CommandKind_COMMAND_KIND_PLACE)
		if reason == "" {
			reason = r.ownerRefusal(c)
		}
		if reason == "" && c.Kind == types.CommandKind_COMMAND_KIND_PLACE &&
			r.book.OwnerCount(matching.OwnerID(o.OwnerId)) >= r.params.OpenOrderCap() {
			reason = ReasonOwnerOrderLimit
		}
		if reason == "" {
			reason = r.limitRefusal(types.EngineSide(o.Side), o.Price, o.Type != types.OrderType_ORDER_TYPE_LIMIT && o.Type != types.OrderType_ORDER_TYPE_UNSPECIFIED)
		}
		if reason == "" {
			reason = r.admit(c)
		}
		if reason != "" {
			r.reject(c, reason)
			return ev
		}
		if c.Kind == types.CommandKind_COMMAND_KIND_PLACE {
			e := o.Engine()
			r.cmdBuf[0] = matching.Command{Kind: matching.CmdPlace, Type: e.Type, Side: e.Side, TIF: e.TIF, STP: e.STP,
				PostOnly: e.PostOnly, ID: e.ID, Owner: e.Owner, Entity: e.Entity, Price: e.Price, TriggerPrice: e.TriggerPrice,
				Qty: e.Qty, ExpireBlock: e.ExpireBlock, ExpireTime: e.ExpireTime}
		} else {
			r.cmdBuf[0] = r.modifyCommand(o)
		}
	case types.CommandKind_COMMAND_KIND_CANCEL:
		r.cmdBuf[0] = matching.Command{Kind: matching.CmdCancel, ID: matching.OrderID(o.Id), Owner: matching.OwnerID(o.OwnerId)}
	case types.CommandKind_COMMAND_KIND_MASS_CANCEL:
		r.cmdBuf[0] = matching.Command{Kind: matching.CmdMassCancel, Owner: matching.OwnerID(o.OwnerId), Side: types.EngineSide(o.Side)}
	default:
		return ev
	}
	ev = r.book.Apply(r.cmdBuf[:], ev)
	r.settle(ev, c)
	return ev
}

// refusal returns why EndBlock refuses a queued place or modify now (the
// market's status may have changed since the tx), or "".
func (r *marketRun) refusal(o *types.LevelOrder, place bool) string {
	switch {
	case r.paused:
		return "asset-paused"
	case r.sweeping:
		return "sweep-pending"
	case r.halted:
		return "market-halted"
	case r.m.Status == types.MarketStatus_MARKET_STATUS_CANCEL_ONLY:
		return "market-cancel-only"
	case r.m.Status == types.MarketStatus_MARKET_STATUS_POST_ONLY && place && !o.PostOnly:
		return "market-post-only"
	}
	return ""
}

// ownerRefusal returns why the owner of a queued place or modify may not
// trade now, or "": its account is being swept (barred or force-cancelled),
// the order was force-cancelled, or compliance no longer lets it trade this
// market and hold its assets (checked before the command can match, once per
// owner and market a block).
func (r *marketRun) ownerRefusal(c *types.QueuedCommand) string {
	o := &c.Order
	if r.sw != nil {
		if reason, ok := r.sw.swept[o.OwnerId]; ok {
			return reason
		}
		if c.Kind == types.CommandKind_COMMAND_KIND_PLACE && r.sw.doomed[o.Id] {
			delete(r.sw.doomed, o.Id)
			if err := r.k.Doomed.Remove(r.gctx, o.Id); err != nil {
				r.fail(err)
			}
			return CauseForceCancel
		}
	}
	if r.k.compliance == nil {
		return ""
	}
	if reason, ok := r.elig[o.OwnerId]; ok {
		return reason
	}
	if r.elig == nil {
		r.elig = map[uint64]string{}
		r.subject = types.MarketSubject(r.m.Id)
	}
	reason := ""
	if oi, err := r.k.ownerInfo(r.gctx, o.OwnerId); err != nil {
		r.fail(err)
	} else if err := r.k.compliance.CheckTrade(r.gctx, oi.addr, r.subject, r.m.BaseDenom, r.m.QuoteDenom); err != nil {
		reason = "ineligible"
	}
	r.elig[o.OwnerId] = reason
	return reason
}

// reject refuses a queued command without running it: what its tx locked
// is released; a refused place is finished (status REJECTED).
func (r *marketRun) reject(c *types.QueuedCommand, reason string) {
	o := &c.Order
	r.releasePrelocked(c)
	oi, err := r.k.ownerInfo(r.gctx, o.OwnerId)
	if err != nil {
		r.fail(err)
		return
	}
	r.k.emitOrderRejected(r.ctx, o.Id, r.m.Id, oi.str, o.EntityId, reason, o.ClientOrderId)
	if c.Kind == types.CommandKind_COMMAND_KIND_PLACE {
		r.finished(matching.OrderID(o.Id), o.OwnerId, types.EngineSide(o.Side), o.Price, o.Quantity, types.OrderState_ORDER_STATE_REJECTED, reason, o.ClientOrderId)
	}
}

func (r *marketRun) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// release moves the lock of q lots at p of side s back to free.
func (r *marketRun) release(owner uint64, s matching.Side, p matching.Price, q matching.Qty) {
	if q == 0 {
		return
	}
	amt, _ := r.t.lock(&r.tmp[0], s, p, q)
	denom := r.baseDenom
	if s == matching.Buy {
		denom = r.quoteDenom
	}
	e, err := r.led.entry(r.gctx, owner, denom)
	if err != nil {
		r.fail(err)
		return
	}
	e.locked.Sub(&e.locked, amt)
	e.free.Add(&e.free, amt)
}

// settle applies the engine's events to the ledger and the client order
// ids. c is the command that produced them (nil for expiries, triggers,
// auctions and heartbeats): a place or modify whose order was not accepted
// gives its lock back.
func (r *marketRun) settle(ev []matching.Event, c *types.QueuedCommand) {
	k := r.k
	adopted := false
	for i := range ev {
		e := &ev[i]
		switch e.Kind {
		case matching.EvAccepted:
			if c == nil || uint64(e.OrderID) != c.Order.Id {
				continue
			}
			switch c.Kind {
			case types.CommandKind_COMMAND_KIND_PLACE:
				adopted = true
				r.settleLock(c, e)
				if c.Order.ClientOrderId != "" {
					k.mem.clientIDs[e.OrderID] = c.Order.ClientOrderId
					k.mem.byClient[clientKey{c.Order.OwnerId, c.Order.ClientOrderId}] = e.OrderID
				}
			case types.CommandKind_COMMAND_KIND_MODIFY:
				adopted = true
				r.settleLock(c, e)
			}
		case matching.EvFill:
			r.fill(e)
		case matching.EvCancelled:
			if e.Reason == matching.ReasonBand {
				r.onBandClip(e.Side)
			}
			r.release(uint64(e.Owner), e.Side, e.Price, e.Qty)
			reason := r.cancelReason
			if reason == "" {
				reason = e.Reason.String()
				if c == nil && e.Reason == matching.ReasonMassCancel {
					reason = types.ReasonTextHeartbeatLapsed // the only mass cancel without a command
				}
			}
			if oi, err := k.ownerInfo(r.gctx, uint64(e.Owner)); err == nil {
				r.k.emitOrderCancelled(r.ctx, uint64(e.OrderID), r.m.Id, oi.str, uint64(e.Entity), uint64(e.Qty), uint64(e.Remaining), reason,
					k.mem.clientIDs[e.OrderID])
			} else {
				r.fail(err)
			}
			if e.Remaining == 0 && e.Reason != matching.ReasonReplaced {
				r.finished(e.OrderID, uint64(e.Owner), e.Side, int64(e.Price), uint64(e.Qty), types.OrderState_ORDER_STATE_CANCELLED, reason)
			}
		case matching.EvExpired:
			r.release(uint64(e.Owner), e.Side, e.Price, e.Qty)
			if oi, err := k.ownerInfo(r.gctx, uint64(e.Owner)); err == nil {
				r.k.emitOrderExpired(r.ctx, uint64(e.OrderID), r.m.Id, oi.str, uint64(e.Entity), uint64(e.Qty), k.mem.clientIDs[e.OrderID])
			} else {
				r.fail(err)
			}
			r.finished(e.OrderID, uint64(e.Owner), e.Side, int64(e.Price), uint64(e.Qty), types.OrderState_ORDER_STATE_EXPIRED, types.ReasonTextExpired)
		case matching.EvTriggered:
			if oi, err := k.ownerInfo(r.gctx, uint64(e.Owner)); err == nil {
				r.k.emitOrderTriggered(r.ctx, uint64(e.OrderID), r.m.Id, oi.str, uint64(e.Entity), r.ref, k.mem.clientIDs[e.OrderID])
			} else {
				r.fail(err)
			}
		case matching.EvRejected:
			owner := uint64(e.Owner)
			var entity uint64
			if c != nil {
				owner, entity = c.Order.OwnerId, c.Order.EntityId
			}
			if owner == 0 {
				continue
			}
			cid := ""
			if c != nil {
				cid = c.Order.ClientOrderId
			}
			if oi, err := k.ownerInfo(r.gctx, owner); err == nil {
				r.k.emitOrderRejected(r.ctx, uint64(e.OrderID), r.m.Id, oi.str, entity, e.Reason.String(), cid)
			} else {
				r.fail(err)
			}
			if c != nil && c.Kind == types.CommandKind_COMMAND_KIND_PLACE && uint64(e.OrderID) == c.Order.Id {
				r.finished(e.OrderID, owner, types.EngineSide(c.Order.Side), c.Order.Price, c.Order.Quantity,
					types.OrderState_ORDER_STATE_REJECTED, e.Reason.String(), c.Order.ClientOrderId)
			}
		}
	}
	if c != nil && !adopted && (c.Kind == types.CommandKind_COMMAND_KIND_PLACE || c.Kind == types.CommandKind_COMMAND_KIND_MODIFY) {
		r.releasePrelocked(c)
	}
}

// forget drops what the keeper keeps of an order of owner that left the
// book (see finished, which calls it).
func (r *marketRun) forget(id matching.OrderID, owner uint64) {
	if len(r.k.mem.clientIDs) > 0 {
		if cid, ok := r.k.mem.clientIDs[id]; ok {
			delete(r.k.mem.clientIDs, id)
			key := clientKey{owner, cid}
			if r.k.mem.byClient[key] == id {
				delete(r.k.mem.byClient, key)
			}
		}
	}
}

func (r *marketRun) isMarketMaker(owner uint64) bool {
	if v, ok := r.mm[owner]; ok {
		return v
	}
	v := false
	if r.k.compliance != nil {
		if oi, err := r.k.ownerInfo(r.gctx, owner); err == nil {
			v = r.k.compliance.IsMarketMaker(r.gctx, oi.addr)
		}
	}
	r.mm[owner] = v
	return v
}

// fill settles one fill delivery-versus-payment inside the exchange ledger:
// base to the buyer, quote to the seller, fees (quote) to the block's fee
// pot; the buyer's lock at its limit price is consumed and the rest of it
// (price improvement, unused fee) released.
func (r *marketRun) fill(e *matching.Event) {
	t := r.t
	buyer, seller := uint64(e.Owner), uint64(e.MakerOwner)
	buyerLimit := e.Limit
	takerBuys := e.Side == matching.Buy
	if !takerBuys {
		buyer, seller = seller, buyer
		buyerLimit = e.MakerLimit
	}
	cost := t.notional(&r.tmp[1], e.Price, e.Qty)
	takerFee := ceilFee(&r.tmp[2], cost, &t.taker, &r.tmp[5])
	makerFee := &r.tmp[3]
	switch {
	case !t.makerNeg:
		ceilFee(makerFee, cost, &t.maker, &r.tmp[5])
	case r.isMarketMaker(uint64(e.MakerOwner)):
		makerFee.Mul(cost, &t.maker)
		makerFee.Quo(makerFee, bps10k)
		makerFee.Neg(makerFee)
	default:
		makerFee.SetInt64(0)
	}
	buyerFee, sellerFee := takerFee, makerFee
	if !takerBuys {
		buyerFee, sellerFee = makerFee, takerFee
	}
	bq, err := r.led.entry(r.gctx, buyer, r.quoteDenom)
	if err != nil {
		r.fail(err)
		return
	}
	bb, err := r.led.entry(r.gctx, buyer, r.baseDenom)
	if err != nil {
		r.fail(err)
		return
	}
	sq, err := r.led.entry(r.gctx, seller, r.quoteDenom)
	if err != nil {
		r.fail(err)
		return
	}
	sb, err := r.led.entry(r.gctx, seller, r.baseDenom)
	if err != nil {
		r.fail(err)
		return
	}
	lock, _ := t.lock(&r.tmp[0], matching.Buy, buyerLimit, e.Qty)
	bq.locked.Sub(&bq.locked, lock)
	bq.free.Add(&bq.free, lock)
	bq.free.Sub(&bq.free, cost)
	bq.free.Sub(&bq.free, buyerFee)
	base, _ := t.lock(&r.tmp[4], matching.Sell, 0, e.Qty)
	sb.locked.Sub(&sb.locked, base)
	bb.free.Add(&bb.free, base)
	sq.free.Add(&sq.free, cost)
	sq.free.Sub(&sq.free, sellerFee)
	r.tmp[5].Add(takerFee, makerFee)
	r.led.addFee(r.quoteDenom, &r.tmp[5])

	r.addFilled(e.OrderID, e.Qty)
	r.addFilled(e.MakerID, e.Qty)
	r.trackFill(e, cost, takerFee, makerFee)
	p := int64(e.Price)
	if r.lots == 0 || p > r.hi {
		r.hi = p
	}
	if r.lots == 0 || p < r.lo {
		r.lo = p
	}
	r.lots += uint64(e.Qty)
	r.quote.Add(&r.quote, cost)
	r.fills = append(r.fills, fillRec{taker: uint64(e.OrderID), maker: uint64(e.MakerID), takerOwner: uint64(e.Owner),
		makerOwner: uint64(e.MakerOwner), price: p, qty: uint64(e.Qty), side: e.Side})
	to, err := r.k.ownerInfo(r.gctx, uint64(e.Owner))
	if err != nil {
		r.fail(err)
		return
	}
	mo, err := r.k.ownerInfo(r.gctx, uint64(e.MakerOwner))
	if err != nil {
		r.fail(err)
		return
	}
	r.k.emitFill(r.ctx, r.m.Id, e, to.str, mo.str, takerFee, makerFee)
	if e.Remaining == 0 {
		r.finished(e.OrderID, uint64(e.Owner), e.Side, int64(e.Limit), 0, types.OrderState_ORDER_STATE_FILLED, types.ReasonTextFilled)
	}
	if e.MakerRemaining == 0 {
		r.finished(e.MakerID, uint64(e.MakerOwner), opposite(e.Side), int64(e.MakerLimit), 0, types.OrderState_ORDER_STATE_FILLED, types.ReasonTextFilled)
	}
	r.breaker(p)
}

// opposite is the other side.
func opposite(s matching.Side) matching.Side {
	if s == matching.Buy {
		return matching.Sell
	}
	return matching.Buy
}

// finish records the block's trades (ring, volume bucket, state, summary
// event).
func (r *marketRun) finish() error {
	k, ctx, h := r.k, r.ctx, r.ctx.BlockHeight()
	if n := len(r.fills); n > 0 {
		ring := uint64(r.params.RecentTrades)
		start := 0
		if uint64(n) > ring {
			start = n - int(ring)
		}
		for i := start; i < n; i++ {
			f := r.fills[i]
			to, err := k.ownerInfo(r.gctx, f.takerOwner)
			if err != nil {
				return err
			}
			mo, err := k.ownerInfo(r.gctx, f.makerOwner)
			if err != nil {
				return err
			}
			slot := (r.st.Trades + uint64(i)) % ring
			tr := types.Trade{MarketId: r.m.Id, Height: h, Price: f.price, Quantity: f.qty, TakerOrderId: f.taker,
				MakerOrderId: f.maker, TakerSide: types.ProtoSide(f.side), Taker: to.str, Maker: mo.str}
			if err := k.Trades.Set(ctx, collections.Join(r.m.Id, slot), tr); err != nil {
				return err
			}
		}
		r.st.Trades += uint64(n)
		r.st.LastPrice = r.fills[n-1].price
		r.st.LastTradeHeight = h
		r.changed = true
		w := uint64(r.params.StatsWindowBlocks)
		if err := k.Volume.Set(ctx, collections.Join(r.m.Id, uint64(h)%w), types.VolumeBucket{
			Height: h, BaseLots: r.lots, QuoteVolume: sdkmath.NewIntFromBigInt(&r.quote), High: r.hi, Low: r.lo,
		}); err != nil {
			return err
		}
		if err := ctx.EventManager().EmitTypedEvent(&types.EventTrades{MarketId: r.m.Id, Count: uint64(n), VolumeLots: r.lots,
			FirstPrice: r.fills[0].price, LastPrice: r.st.LastPrice, High: r.hi, Low: r.lo}); err != nil {
			return err
		}
	}
	if r.changed {
		r.st.MarketId = r.m.Id
		if err := k.MarketStates.Set(ctx, r.m.Id, r.st); err != nil {
			return errorsmod.Wrapf(err, "market %d state", r.m.Id)
		}
	}
	return nil
}
