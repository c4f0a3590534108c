package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// ownerID returns the engine owner id of addr, assigning the next one on
// first use (DeliverTx: rolled back with its tx).
func (k Keeper) ownerID(ctx context.Context, addr sdk.AccAddress) (uint64, error) {
	id, err := k.OwnerIDs.Get(ctx, addr)
	if err == nil {
		return id, nil
	}
	if !errors.Is(err, collections.ErrNotFound) {
		return 0, err
	}
	if id, err = k.OwnerSeq.Next(ctx); err != nil {
		return 0, err
	}
	id++ // ids start at 1
	if err := k.OwnerIDs.Set(ctx, addr, id); err != nil {
		return 0, err
	}
	return id, k.OwnerAddrs.Set(ctx, id, addr)
}

// lookupOwnerID returns addr's owner id if it has one.
func (k Keeper) lookupOwnerID(ctx context.Context, addr sdk.AccAddress) (uint64, bool) {
	id, err := k.OwnerIDs.Get(ctx, addr)
	return id, err == nil
}

// ownerInfo returns the account of owner id, cached in memory. It is called
// from EndBlock and queries only: the ids it caches are committed or about
// to be (never from a tx that may roll back).
func (k Keeper) ownerInfo(ctx context.Context, id uint64) (ownerInfo, error) {
	if oi, ok := k.mem.owners[id]; ok {
		return oi, nil
	}
	bz, err := k.OwnerAddrs.Get(ctx, id)
	if err != nil {
		return ownerInfo{}, errorsmod.Wrapf(types.ErrInvariant, "owner %d: %v", id, err)
	}
	addr := sdk.AccAddress(bz)
	oi := ownerInfo{addr: addr, str: addr.String()}
	k.mem.owners[id] = oi
	return oi, nil
}
