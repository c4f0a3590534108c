package keeper

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/matching"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// Causes of sweep tasks (SweepTask.cause) besides compliance's BarCause
// names ("revoked", "expired", "frozen").
const (
	CauseForceCancel = "force-cancel"
	// CauseHeartbeat is the cause of the sweep of an owner whose dead-man
	// switch lapsed (its cancel reason is types.ReasonTextHeartbeatLapsed).
	CauseHeartbeat = "heartbeat"
	// complianceActor is the actor of sweeps queued by compliance's
	// lifecycle hook.
	complianceActor = "x/compliance"
	// maxSweepScan bounds the queued sweep tasks EndBlock looks at beyond its
	// budget to find the markets to suspend (see blockedMarkets).
	maxSweepScan = 64
	// maxReasonLen bounds a force-cancel's reason.
	maxReasonLen = 512
)

var _ compliancetypes.LifecycleHooks = Keeper{}

// AfterAccountBarred implements compliance's LifecycleHooks: an account whose
// licence was revoked or expired, or which was frozen, is queued for the
// sweep that cancels all its orders and disarms its heartbeat (EndBlock,
// before any matching). Only bounded work happens here (one queue entry).
func (k Keeper) AfterAccountBarred(ctx context.Context, addr sdk.AccAddress, cause compliancetypes.BarCause, reason string) error {
	_, hasOwner := k.lookupOwnerID(ctx, addr)
	hasHeartbeat, err := k.Heartbeats.Has(ctx, addr)
	if err != nil {
		return err
	}
	if !hasOwner && !hasHeartbeat {
		return nil // never traded: nothing to sweep
	}
	return k.enqueueSweep(ctx, types.SweepTask{Account: addr.String(), Cause: cause.String(), Reason: reason, Actor: complianceActor})
}

func (k Keeper) enqueueSweep(ctx context.Context, t types.SweepTask) error {
	n, err := k.SweepSeq.Next(ctx)
	if err != nil {
		return err
	}
	return k.Sweeps.Set(ctx, n, t)
}

// ForceCancel is the regulator's force-cancel (MsgForceCancel): it queues
// sweep tasks for EndBlock and records the decision in the audit trail. It
// returns the number of tasks queued.
func (k Keeper) ForceCancel(ctx context.Context, msg *types.MsgForceCancel) (uint64, error) {
	if k.compliance == nil {
		return 0, errorsmod.Wrap(types.ErrUnauthorized, "no compliance regulator")
	}
	if reg := k.compliance.Authority(ctx); reg == "" || msg.Authority != reg {
		return 0, errorsmod.Wrapf(types.ErrUnauthorized, "%s is not the compliance regulator", msg.Authority)
	}
	reason := strings.TrimSpace(msg.Reason)
	if reason == "" || len(reason) > maxReasonLen {
		return 0, errorsmod.Wrapf(types.ErrInvalidForceCancel, "a reason of 1-%d bytes is required", maxReasonLen)
	}
	targets := 0
	for _, set := range []bool{msg.OrderId != 0, msg.Account != "", msg.EntityId != 0} {
		if set {
			targets++
		}
	}
	if targets != 1 || (msg.OrderId == 0 && msg.MarketId != 0) {
		return 0, errorsmod.Wrap(types.ErrInvalidForceCancel, "exactly one target: order_id (with market_id), account or entity_id")
	}
	task := types.SweepTask{Cause: CauseForceCancel, Reason: reason, Actor: msg.Authority}
	var subject string
	var n uint64
	switch {
	case msg.OrderId != 0:
		o, ok, err := k.findOrder(ctx, msg.MarketId, msg.OrderId)
		if err != nil {
			return 0, err
		}
		if !ok {
			return 0, errorsmod.Wrapf(types.ErrOrderNotFound, "order %d on market %d", msg.OrderId, msg.MarketId)
		}
		owner, err := k.OwnerAddrs.Get(ctx, o.OwnerId)
		if err != nil {
			return 0, errorsmod.Wrapf(types.ErrInvariant, "owner %d of order %d: %v", o.OwnerId, msg.OrderId, err)
		}
		queued, err := k.isQueued(ctx, msg.OrderId)
		if err != nil {
			return 0, err
		}
		if queued {
			if err := k.Doomed.Set(ctx, msg.OrderId); err != nil {
				return 0, err
			}
		}
		task.Account, task.MarketId, task.OrderId = sdk.AccAddress(owner).String(), msg.MarketId, msg.OrderId
		subject = "order/" + types.MarketSubject(msg.MarketId) + "/" + strconv.FormatUint(msg.OrderId, 10)
		if err := k.enqueueSweep(ctx, task); err != nil {
			return 0, err
		}
		n = 1
	case msg.Account != "":
		addr, err := sdk.AccAddressFromBech32(msg.Account)
		if err != nil {
			return 0, errorsmod.Wrapf(types.ErrInvalidForceCancel, "account %q: %v", msg.Account, err)
		}
		task.Account, subject = addr.String(), addr.String()
		if err := k.enqueueSweep(ctx, task); err != nil {
			return 0, err
		}
		n = 1
	default:
		// Every exchange account licensed under the entity, in address order.
		subject = "entity/" + strconv.FormatUint(msg.EntityId, 10)
		var addrs []sdk.AccAddress
		err := k.OwnerIDs.Walk(ctx, nil, func(addr sdk.AccAddress, _ uint64) (bool, error) {
			if e, err := k.compliance.EntityOf(ctx, addr); err == nil && e == msg.EntityId {
				addrs = append(addrs, addr)
			}
			return false, nil
		})
		if err != nil {
			return 0, err
		}
		if len(addrs) == 0 {
			return 0, errorsmod.Wrapf(types.ErrInvalidForceCancel, "entity %d has no licensed exchange account", msg.EntityId)
		}
		for _, a := range addrs {
			task.Account = a.String()
			if err := k.enqueueSweep(ctx, task); err != nil {
				return 0, err
			}
		}
		n = uint64(len(addrs))
	}
	if _, err := k.compliance.RecordAudit(ctx, msg.Authority, types.ActionForceCancel, subject,
		"reason="+reason+" tasks="+strconv.FormatUint(n, 10)); err != nil {
		return 0, err
	}
	sdk.UnwrapSDKContext(ctx).EventManager().EmitEvent(sdk.NewEvent(types.EventTypeForceCancel,
		sdk.NewAttribute("subject", subject), sdk.NewAttribute("reason", reason), sdk.NewAttribute("tasks", strconv.FormatUint(n, 10))))
	return n, nil
}

// isQueued reports whether order id is queued this block or carried over
// (placed, not yet in a book).
func (k Keeper) isQueued(ctx context.Context, id uint64) (bool, error) {
	if ok, err := k.QueueIDs.Has(ctx, id); err != nil || ok {
		return ok, err
	}
	k.mem.mu.Lock()
	defer k.mem.mu.Unlock()
	if err := k.ensureLoaded(ctx); err != nil {
		return false, err
	}
	_, ok := k.carriedPlace(id)
	return ok, nil
}

// sweepState is what this block's sweep tells the market runs.
type sweepState struct {
	// swept: owners with a sweep task looked at this block, and the reason
	// their queued places and modifies are rejected with.
	swept map[uint64]string
	// blocked: markets that do not match this block because a queued
	// sweep still has orders there; all: every market (too many tasks left
	// to look at).
	blocked map[uint64]bool
	all     bool
	// doomed: force-cancelled orders still queued.
	doomed map[uint64]bool
}

func (s *sweepState) suspended(market uint64) bool {
	return s.all || s.blocked[market]
}

type seqTask struct {
	seq  uint64
	task types.SweepTask
}

// cancelReason is the reason of the order cancels and rejections of a task:
// one of the texts of types.ReasonCode.
func cancelReason(t *types.SweepTask) string {
	switch t.Cause {
	case CauseForceCancel:
		return types.ReasonTextForceCancel
	case CauseHeartbeat:
		return types.ReasonTextHeartbeatLapsed
	}
	return "account-" + t.Cause
}

// runSweeps drains the sweep queue under budget (orders cancelled or
// rejected; each task costs at least one), in queue order, before any
// market matches, and returns the work done. A task not finished carries its
// progress over. The carried-over places and modifies of the owners whose
// tasks finished are rejected in one pass over the pending queue. Queued
// tasks left after the budget suspend matching in the markets where their
// accounts still have orders (all markets if more than maxSweepScan are
// left), so no order of a barred or force-cancelled account fills before its
// sweep completes.
func (k Keeper) runSweeps(ctx sdk.Context, markets []types.Market, led *ledger, mm map[uint64]bool, params types.Params, budget int) (*sweepState, int, error) {
	st := &sweepState{}
	limit := budget
	if err := k.Doomed.Walk(ctx, nil, func(id uint64) (bool, error) {
		if st.doomed == nil {
			st.doomed = map[uint64]bool{}
		}
		st.doomed[id] = true
		return false, nil
	}); err != nil {
		return nil, 0, err
	}
	var work, rest []seqTask
	err := k.Sweeps.Walk(ctx, nil, func(seq uint64, t types.SweepTask) (bool, error) {
		if len(work) < budget {
			work = append(work, seqTask{seq, t})
			return false, nil
		}
		rest = append(rest, seqTask{seq, t})
		return len(rest) > maxSweepScan, nil
	})
	if err != nil || len(work) == 0 {
		return st, 0, err
	}
	st.swept = map[uint64]string{}
	finished := map[uint64]string{} // owners whose account sweep finished
	for i := range work {
		t := &work[i]
		if budget <= 0 {
			rest = append([]seqTask{*t}, append(work[i+1:len(work):len(work)], rest...)...)
			break
		}
		used, done, err := k.sweepTask(ctx, markets, led, mm, params, st, &t.task, budget, finished)
		if err != nil {
			return nil, 0, err
		}
		budget -= max(used, 1)
		if done {
			if err := k.Sweeps.Remove(ctx, t.seq); err != nil {
				return nil, 0, err
			}
			continue
		}
		if err := k.Sweeps.Set(ctx, t.seq, t.task); err != nil {
			return nil, 0, err
		}
		rest = append([]seqTask{*t}, append(work[i+1:len(work):len(work)], rest...)...)
		break
	}
	if len(finished) > 0 {
		n, err := k.rejectPending(ctx, markets, led, mm, params, finished)
		if err != nil {
			return nil, 0, err
		}
		budget -= n
	}
	if len(rest) > 0 {
		st.blocked = map[uint64]bool{}
		if len(rest) > maxSweepScan {
			st.all = true
		}
		for i := range rest {
			if i >= maxSweepScan {
				break
			}
			t := &rest[i].task
			addr, err := sdk.AccAddressFromBech32(t.Account)
			if err != nil {
				continue
			}
			owner, ok := k.lookupOwnerID(ctx, addr)
			if !ok {
				continue
			}
			if t.OrderId == 0 {
				st.swept[owner] = cancelReason(t)
			}
			for _, m := range markets {
				if m.Id < t.NextMarketId || (t.OrderId != 0 && m.Id != t.MarketId) {
					continue
				}
				has := false
				k.bookOf(m).OwnerOrders(matching.OwnerID(owner), func(matching.Order) bool { has = true; return false })
				if has {
					st.blocked[m.Id] = true
				}
			}
		}
	}
	return st, limit - budget, nil
}

// sweepTask runs one task with at most budget cancels; it returns the
// cancels done and whether the task is finished. The owner of a finished
// account sweep is added to finished, for the rejection of its carried-over
// commands.
func (k Keeper) sweepTask(ctx sdk.Context, markets []types.Market, led *ledger, mm map[uint64]bool, params types.Params,
	st *sweepState, t *types.SweepTask, budget int, finished map[uint64]string,
) (int, bool, error) {
	addr, err := sdk.AccAddressFromBech32(t.Account)
	if err != nil {
		ctx.Logger().Error("exchange: dropping a sweep task with a bad account", "account", t.Account, "err", err.Error())
		return 0, true, nil
	}
	reason := cancelReason(t)
	owner, hasOwner := k.lookupOwnerID(ctx, addr)
	used := 0
	if !hasOwner && t.OrderId != 0 {
		k.sweepDone(ctx, t, false)
		return 0, true, nil
	}
	if hasOwner && t.OrderId != 0 {
		// One order.
		for _, m := range markets {
			if m.Id != t.MarketId {
				continue
			}
			r := k.newRun(ctx, m, led, mm, params)
			r.cancelReason = reason
			if _, ok := r.book.Order(matching.OrderID(t.OrderId)); ok {
				r.cancel(t.OrderId, owner)
				used++
			}
			if r.err != nil {
				return used, false, r.err
			}
		}
		t.Cancelled += uint64(used)
		k.sweepDone(ctx, t, false)
		return used, true, nil
	}
	if hasOwner {
		st.swept[owner] = reason
		var ids []uint64
		var seqs [][2]uint64 // (seq, id) of the owner's orders in a market
		for _, m := range markets {
			if m.Id < t.NextMarketId || k.bookOf(m).OwnerCount(matching.OwnerID(owner)) == 0 {
				continue
			}
			r := k.newRun(ctx, m, led, mm, params)
			r.cancelReason = reason
			// The owner index's order is not time priority (most recently
			// linked first, reverse load order after a restart), so the
			// orders are taken in acceptance order (Seq): which ones a
			// budget-limited sweep cancels, and the order of their cancels,
			// events and statuses, must not depend on when the node last
			// restarted (TestRestartUnderBudgetRebuildsBooks).
			seqs = seqs[:0]
			r.book.OwnerOrders(matching.OwnerID(owner), func(o matching.Order) bool {
				seqs = append(seqs, [2]uint64{o.Seq, uint64(o.ID)})
				return true
			})
			slices.SortFunc(seqs, func(a, b [2]uint64) int { return cmp.Compare(a[0], b[0]) })
			ids = ids[:0]
			more := false
			for _, so := range seqs {
				if used+len(ids) >= budget {
					more = true
					break
				}
				ids = append(ids, so[1])
			}
			for _, id := range ids {
				r.cancel(id, owner)
			}
			used += len(ids)
			t.Cancelled += uint64(len(ids))
			if r.err != nil {
				return used, false, r.err
			}
			if more {
				t.NextMarketId = m.Id
				return used, false, nil
			}
		}
		finished[owner] = reason
	}
	disarmed := false
	if t.Cause != CauseHeartbeat { // a lapsed switch is gone; a new one stays
		if disarmed, err = k.disarm(ctx, addr); err != nil {
			return used, false, err
		}
	}
	k.sweepDone(ctx, t, disarmed)
	return used, true, nil
}

// sweepDone records a finished task: an audit record and an event. A
// failure to audit is logged, never an EndBlock error.
func (k Keeper) sweepDone(ctx sdk.Context, t *types.SweepTask, disarmed bool) {
	details := "cause=" + t.Cause + " reason=" + t.Reason + " cancelled=" + strconv.FormatUint(t.Cancelled, 10)
	if disarmed {
		details += " heartbeat=disarmed"
	}
	subject := t.Account
	action := types.ActionLifecycleCancel
	if t.Cause == CauseForceCancel {
		action = types.ActionForceCancelDone
	}
	if t.OrderId != 0 {
		subject = "order/" + types.MarketSubject(t.MarketId) + "/" + strconv.FormatUint(t.OrderId, 10)
	}
	if t.Cause != CauseHeartbeat { // an owner's own switch: no compliance action
		k.audit(ctx, t.Actor, action, subject, details)
	}
	ctx.EventManager().EmitEvent(sdk.NewEvent(types.EventTypeSweep,
		sdk.NewAttribute("account", t.Account), sdk.NewAttribute("cause", t.Cause), sdk.NewAttribute("reason", t.Reason),
		sdk.NewAttribute("actor", t.Actor), sdk.NewAttribute("order_id", strconv.FormatUint(t.OrderId, 10)), sdk.NewAttribute("cancelled", strconv.FormatUint(t.Cancelled, 10)),
		sdk.NewAttribute("heartbeat_disarmed", strconv.FormatBool(disarmed))))
}

// audit records in compliance's audit trail on a cache: a failure is logged
// and changes nothing (EndBlock never fails on it).
func (k Keeper) audit(ctx sdk.Context, actor, action, subject, details string) {
	if k.compliance == nil {
		return
	}
	cache, write := ctx.CacheContext()
	if _, err := k.compliance.RecordAudit(cache, actor, action, subject, details); err != nil {
		ctx.Logger().Error("exchange: audit record failed", "action", action, "subject", subject, "err", err.Error())
		return
	}
	write()
}

// rejectPending drops the carried-over places and modifies of owners (their
// locks released, each rejected with the owner's reason) in one pass over
// the pending queue, and returns how many.
func (k Keeper) rejectPending(ctx sdk.Context, markets []types.Market, led *ledger, mm map[uint64]bool, params types.Params, owners map[uint64]string) (int, error) {
	drop, err := k.dropCarried(ctx, func(c *types.QueuedCommand) bool {
		_, ok := owners[c.Order.OwnerId]
		return ok && (c.Kind == types.CommandKind_COMMAND_KIND_PLACE || c.Kind == types.CommandKind_COMMAND_KIND_MODIFY)
	})
	if err != nil || len(drop) == 0 {
		return 0, err
	}
	runs := map[uint64]*marketRun{}
	for _, m := range markets {
		runs[m.Id] = nil
		for i := range drop {
			if drop[i].MarketId == m.Id && runs[m.Id] == nil {
				runs[m.Id] = k.newRun(ctx, m, led, mm, params)
			}
		}
	}
	for i := range drop {
		p := &drop[i]
		if r := runs[p.MarketId]; r != nil {
			r.reject(p, owners[p.Order.OwnerId])
			if r.err != nil {
				return 0, r.err
			}
		}
	}
	return len(drop), nil
}

// disarm removes addr's dead-man switch, if armed, and says whether it was.
func (k Keeper) disarm(ctx context.Context, addr sdk.AccAddress) (bool, error) {
	hb, err := k.Heartbeats.Get(ctx, addr)
	if errors.Is(err, collections.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := k.HeartbeatDue.Remove(ctx, collections.Join(hb.Deadline, addr)); err != nil {
		return false, err
	}
	return true, k.Heartbeats.Remove(ctx, addr)
}

// newRun returns a market run for work outside the market's own run (the
// sweep): settlement through the block's ledger.
func (k Keeper) newRun(ctx sdk.Context, m types.Market, led *ledger, mm map[uint64]bool, params types.Params) *marketRun {
	r := &marketRun{k: k, ctx: ctx, gctx: ctx, m: m, t: newTerms(m), book: k.bookOf(m), led: led, mm: mm, params: params}
	r.baseDenom, r.quoteDenom = led.denom(m.BaseDenom), led.denom(m.QuoteDenom)
	return r
}

// cancel cancels one resting order of owner and settles it.
func (r *marketRun) cancel(id, owner uint64) {
	r.cmdBuf[0] = matching.Command{Kind: matching.CmdCancel, ID: matching.OrderID(id), Owner: matching.OwnerID(owner)}
	ev := r.book.Apply(r.cmdBuf[:], r.k.mem.events[:0])
	r.settle(ev, nil)
	r.k.mem.events = ev[:0]
}
