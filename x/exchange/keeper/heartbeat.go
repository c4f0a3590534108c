package keeper

import (
	"context"
	"errors"
	"strconv"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// Heartbeat arms or renews owner's dead-man switch: unless renewed by
// height+window, EndBlock of the next height cancels all its orders.
// window 0 disarms it. It returns the deadline (0 when disarmed).
func (k Keeper) Heartbeat(ctx context.Context, owner sdk.AccAddress, window uint64) (int64, error) {
	p := k.GetParams(ctx)
	if window > p.MaxHeartbeatWindow {
		return 0, errorsmod.Wrapf(types.ErrInvalidHeartbeat, "window %d > max %d", window, p.MaxHeartbeatWindow)
	}
	old, err := k.Heartbeats.Get(ctx, owner)
	switch {
	case err == nil:
		if err := k.HeartbeatDue.Remove(ctx, collections.Join(old.Deadline, owner)); err != nil {
			return 0, err
		}
	case !errors.Is(err, collections.ErrNotFound):
		return 0, err
	}
	if window == 0 {
		return 0, k.Heartbeats.Remove(ctx, owner)
	}
	deadline := sdk.UnwrapSDKContext(ctx).BlockHeight() + int64(window)
	if err := k.Heartbeats.Set(ctx, owner, types.Heartbeat{Owner: owner.String(), WindowBlocks: window, Deadline: deadline}); err != nil {
		return 0, err
	}
	return deadline, k.HeartbeatDue.Set(ctx, collections.Join(deadline, owner))
}

// maxLapsesPerBlock bounds the lapsed switches EndBlock takes off the due
// index per block (each costs a few store operations); the rest lapse at the
// next block, before anything matches there.
const maxLapsesPerBlock = 10_000

// lapseHeartbeats removes the switches whose deadline passed (deadline <
// height), in (deadline, address) order, and queues for each owner that has
// traded a sweep task with cause "heartbeat": the sweep (runSweeps, before any
// matching, under the block's work budget, carried over) cancels every order
// of the owner in every market and rejects its carried-over places and
// modifies, so commands sent before the deadline but not yet run cannot
// survive the lapse. While the task is unfinished, the markets where the
// owner still has orders do not match.
func (k Keeper) lapseHeartbeats(ctx sdk.Context) error {
	h := ctx.BlockHeight()
	rng := new(collections.Range[collections.Pair[int64, sdk.AccAddress]]).
		EndExclusive(collections.Join(h, sdk.AccAddress{}))
	var due []collections.Pair[int64, sdk.AccAddress]
	err := k.HeartbeatDue.Walk(ctx, rng, func(key collections.Pair[int64, sdk.AccAddress]) (bool, error) {
		due = append(due, key)
		return len(due) >= maxLapsesPerBlock, nil
	})
	if err != nil {
		return err
	}
	for _, key := range due {
		if err := k.HeartbeatDue.Remove(ctx, key); err != nil {
			return err
		}
		if err := k.Heartbeats.Remove(ctx, key.K2()); err != nil {
			return err
		}
		if err := ctx.EventManager().EmitTypedEvent(&types.EventHeartbeatExpired{Owner: key.K2().String(), Deadline: key.K1()}); err != nil {
			return err
		}
		if _, ok := k.lookupOwnerID(ctx, key.K2()); !ok {
			continue // never traded: nothing to cancel
		}
		if err := k.enqueueSweep(ctx, types.SweepTask{Account: key.K2().String(), Cause: CauseHeartbeat,
			Reason: "deadline " + strconv.FormatInt(key.K1(), 10), Actor: types.ModuleName}); err != nil {
			return err
		}
	}
	return nil
}
