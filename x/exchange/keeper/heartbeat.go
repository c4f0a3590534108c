package keeper

import (
	"context"
	"errors"

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

// lapsedHeartbeats removes the switches whose deadline passed (deadline <
// height) and returns their owners' ids, in (deadline, address) order.
func (k Keeper) lapsedHeartbeats(ctx sdk.Context) ([]uint64, error) {
	h := ctx.BlockHeight()
	rng := new(collections.Range[collections.Pair[int64, sdk.AccAddress]]).
		EndExclusive(collections.Join(h, sdk.AccAddress{}))
	var due []collections.Pair[int64, sdk.AccAddress]
	err := k.HeartbeatDue.Walk(ctx, rng, func(key collections.Pair[int64, sdk.AccAddress]) (bool, error) {
		due = append(due, key)
		return len(due) >= 10_000, nil // bounded; the rest lapses next block
	})
	if err != nil {
		return nil, err
	}
	var owners []uint64
	for _, key := range due {
		if err := k.HeartbeatDue.Remove(ctx, key); err != nil {
			return nil, err
		}
		if err := k.Heartbeats.Remove(ctx, key.K2()); err != nil {
			return nil, err
		}
		if err := ctx.EventManager().EmitTypedEvent(&types.EventHeartbeatExpired{Owner: key.K2().String(), Deadline: key.K1()}); err != nil {
			return nil, err
		}
		if id, ok := k.lookupOwnerID(ctx, key.K2()); ok {
			owners = append(owners, id)
		}
	}
	return owners, nil
}
