package keeper

import (
	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// workBudget is EndBlock's work budget (params.max_work_per_block): the
// orders a block touches — expired, triggered, cancelled, rejected, filled;
// a command costs the engine events it produced, at least one. The steps
// that one message or one block height can multiply run under it and carry
// over what they did not reach:
//
//   - the sweep queue (lapsed heartbeats, barred accounts, force-cancels)
//     gets at most half of it (and at most max_sweep_orders_per_block);
//   - each market may use what is left minus a reserve of a quarter of the
//     budget shared by the markets after it, and at least its share of that
//     quarter (so no market starves another).
//     In it: the first pass (cancels, mass cancels, post-only places) runs
//     while the budget lasts (at least one command), and if it is held the
//     market's other commands carry over with it, so no taker jumps a queued
//     cancel; then expiries and stop triggers take what is left (due orders
//     left over never trade; stops left over trigger at the next block's
//     reference); then the second pass runs whole (its work counts).
//
// One step may overshoot by its own work: a mass cancel touches at most the
// owner's live orders in the market (max_open_orders_per_owner), a chunk of
// triggered stops their fills. The budget is a plain counter:
// deterministic.
type workBudget struct {
	total, left int
}

func newWorkBudget(n int) *workBudget { return &workBudget{total: n, left: n} }

func (b *workBudget) spend(n int) { b.left -= n }

// sweepShare is the sweep queue's budget: at most half of the block's and at
// most max, at least 1.
func (b *workBudget) sweepShare(max int) int {
	return clampMin(min(max, b.total/2, b.left), 1)
}

// marketLimit is what a market may use when later markets follow it: what is
// left minus their reserve (a quarter of the budget shared among the
// markets), and never less than its own share of that quarter (earlier
// markets' second passes may have used more than the budget), at least 1.
func (b *workBudget) marketLimit(later, markets int) int {
	share := b.total / (4 * max(markets, 1))
	return clampMin(max(b.left-later*share, share), 1)
}

func clampMin(v, lo int) int {
	if v < lo {
		return lo
	}
	return v
}

// allowance is what the run may still use.
func (r *marketRun) allowance() int {
	return max(r.limit-r.used, 0)
}

// Work weights: every order touched counts one unit, whatever the kind.
// Measured (CPU profile of BenchmarkEndBlockAdversarial, docs/benchmarks.md
// "x/exchange EndBlock under an adversary"): a cancel costs ~5 µs with its
// lock, event and status, an expiry no more, a fill about the same; a
// weight per kind would not change the bound. What bounds the worst block
// is the reserve below.

// laterAllowance is what expiries and stop triggers may still use: the
// allowance minus a reserve for the second pass (one unit per command
// queued there, which runs whole), but at least a quarter of the run's
// limit (at least one unit) for the two together while the allowance lasts
// (they progress even under a steady second pass). The first pass is not reserved against: a
// held first pass carries the whole second pass over, which costs more
// than the reserve saves.
func (r *marketRun) laterAllowance() int {
	floor := max(r.limit/4, 1) - r.laterUsed
	return max(min(max(r.limit-r.reserve-r.used, floor), r.allowance()), 0)
}

// first reports whether a queued command runs in the first pass of a
// market's commands: cancels, mass cancels and post-only places, which
// cannot take liquidity, run before any taker of the block, so a market
// maker's pull is never queued behind the taker that would hit it.
func first(c *types.QueuedCommand) bool {
	switch c.Kind {
	case types.CommandKind_COMMAND_KIND_CANCEL, types.CommandKind_COMMAND_KIND_MASS_CANCEL:
		return true
	case types.CommandKind_COMMAND_KIND_PLACE:
		return c.Order.PostOnly
	}
	return false
}

type ownerSide struct {
	owner uint64
	side  types.Side
}

// laterPlaces indexes the places of the second pass, so that a first-pass
// cancel or mass cancel also reaches the places of its owner that arrived
// before it (they would have been in the book by then).
type laterPlaces struct {
	byID    map[uint64]int
	byOwner map[ownerSide]*placeRun
	killed  map[int]bool
}

// placeRun is an owner's second-pass places on one side, in arrival order;
// those before next are dealt with.
type placeRun struct {
	pos  []int
	next int
}

func newLaterPlaces(cmds []*types.QueuedCommand) *laterPlaces {
	lp := &laterPlaces{byID: map[uint64]int{}, byOwner: map[ownerSide]*placeRun{}, killed: map[int]bool{}}
	for i, c := range cmds {
		if c.Kind != types.CommandKind_COMMAND_KIND_PLACE || first(c) {
			continue
		}
		lp.byID[c.Order.Id] = i
		k := ownerSide{c.Order.OwnerId, c.Order.Side}
		pr := lp.byOwner[k]
		if pr == nil {
			pr = &placeRun{}
			lp.byOwner[k] = pr
		}
		pr.pos = append(pr.pos, i)
	}
	return lp
}

// firstPass runs a market's cancels, mass cancels and post-only places in
// arrival order while the run's budget lasts (at least one a block); it
// reports whether some were held (carried over: then the whole second pass
// is too). A cancel of a second-pass place that arrived before it rejects the
// place with reason "cancelled" before it runs; a mass cancel does so for
// every such place of its owner (and side), reason "mass-cancel".
func (r *marketRun) firstPass(cmds []*types.QueuedCommand, ev []matching.Event) ([]matching.Event, bool) {
	held, ran := false, false
	for i, c := range cmds {
		if !first(c) {
			continue
		}
		if held || (ran && r.used >= r.limit) {
			r.deferred = append(r.deferred, i)
			held = true
			continue
		}
		ran = true
		if c.Kind != types.CommandKind_COMMAND_KIND_PLACE && r.later == nil {
			r.later = newLaterPlaces(cmds)
		}
		lp := r.later
		switch c.Kind {
		case types.CommandKind_COMMAND_KIND_CANCEL:
			if j, ok := lp.byID[c.Order.Id]; ok && j < i && !lp.killed[j] && cmds[j].Order.OwnerId == c.Order.OwnerId {
				lp.killed[j] = true
				r.reject(cmds[j], matching.ReasonCancelled.String())
				r.used++
				continue
			}
		case types.CommandKind_COMMAND_KIND_MASS_CANCEL:
			for _, s := range []types.Side{types.Side_SIDE_BUY, types.Side_SIDE_SELL} {
				if c.Order.Side != types.Side_SIDE_UNSPECIFIED && c.Order.Side != s {
					continue
				}
				pr := lp.byOwner[ownerSide{c.Order.OwnerId, s}]
				for pr != nil && pr.next < len(pr.pos) && pr.pos[pr.next] < i {
					if j := pr.pos[pr.next]; !lp.killed[j] {
						lp.killed[j] = true
						r.reject(cmds[j], matching.ReasonMassCancel.String())
						r.used++
					}
					pr.next++
				}
			}
		}
		ev = r.command(c, ev[:0])
		r.used += max(len(ev), 1)
		if r.err != nil {
			return ev, held
		}
	}
	return ev, held
}

// secondPass runs a market's other commands (places that may take,
// modifies) in arrival order, or carries them all over when held. Their
// work counts (the fills, the due orders a taker expires) but does not stop
// them: a command's work is bounded by the orders it meets, each of which
// some command paid to place, and carrying a plain command over costs more
// than running it.
func (r *marketRun) secondPass(cmds []*types.QueuedCommand, held bool, ev []matching.Event) []matching.Event {
	for i, c := range cmds {
		if first(c) || (r.later != nil && r.later.killed[i]) {
			continue
		}
		if held {
			r.deferred = append(r.deferred, i)
			continue
		}
		ev = r.command(c, ev[:0])
		r.used += max(len(ev), 1)
		if r.err != nil {
			return ev
		}
	}
	return ev
}

// logBehind reports a market that carried work over.
func (k Keeper) logBehind(r *marketRun, held, expired bool) {
	r.ctx.Logger().Info("exchange: market work carried over to the next block (work budget)",
		"market", r.m.Id, "used", r.used, "limit", r.limit, "commands_held", len(r.deferred), "expiries_left", !expired)
}

// triggerChunk is how many stops EndBlock triggers per engine call.
const triggerChunk = 16
