package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// IsFrozen reports whether addr is frozen.
func (k Keeper) IsFrozen(ctx context.Context, addr sdk.AccAddress) bool {
	has, err := k.Freezes.Has(ctx, addr)
	return err == nil && has
}

// checkNotFrozen returns ErrFrozen naming the reason when addr is frozen.
func (k Keeper) checkNotFrozen(ctx context.Context, addr sdk.AccAddress) error {
	f, err := k.Freezes.Get(ctx, addr)
	if err != nil {
		return nil
	}
	return errorsmod.Wrapf(types.ErrFrozen, "account %s is frozen (%s)", addr, f.Reason)
}

// FreezeAccount freezes addr, licensed or not.
func (k Keeper) FreezeAccount(ctx context.Context, actor string, addr sdk.AccAddress, reason string) error {
	if k.IsFrozen(ctx, addr) {
		return errorsmod.Wrapf(types.ErrFrozen, "account %s is already frozen", addr)
	}
	f := types.Freeze{Address: addr.String(), Reason: reason, Height: sdk.UnwrapSDKContext(ctx).BlockHeight()}
	if err := k.Freezes.Set(ctx, addr, f); err != nil {
		return err
	}
	seq, err := k.appendAudit(ctx, actor, types.ActionFreeze, addr.String(), reason)
	if err != nil {
		return err
	}
	if err := emit(ctx, &types.EventAccountFrozen{AuditSequence: seq, Address: addr.String(), Reason: reason}); err != nil {
		return err
	}
	return k.afterAccountBarred(ctx, addr, types.BarFrozen, reason)
}

// UnfreezeAccount lifts the freeze of addr.
func (k Keeper) UnfreezeAccount(ctx context.Context, actor string, addr sdk.AccAddress, reason string) error {
	if !k.IsFrozen(ctx, addr) {
		return errorsmod.Wrapf(types.ErrNotFrozen, "account %s", addr)
	}
	if err := k.Freezes.Remove(ctx, addr); err != nil {
		return err
	}
	seq, err := k.appendAudit(ctx, actor, types.ActionUnfreeze, addr.String(), reason)
	if err != nil {
		return err
	}
	return emit(ctx, &types.EventAccountUnfrozen{AuditSequence: seq, Address: addr.String(), Reason: reason})
}
