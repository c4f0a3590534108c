package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// ForceTransfer moves amt of restricted assets from one account to another
// regardless of the send restrictions (a clawback), with a reason.
func (k Keeper) ForceTransfer(ctx context.Context, actor string, from, to sdk.AccAddress, amt sdk.Coins, reason string) error {
	if !amt.IsValid() || amt.Empty() {
		return errorsmod.Wrapf(types.ErrInvalidTransfer, "amount %s", amt)
	}
	if from.Equals(to) {
		return errorsmod.Wrap(types.ErrInvalidTransfer, "from and to are the same account")
	}
	for _, c := range amt {
		if !k.isRestricted(ctx, c.Denom) {
			return errorsmod.Wrapf(types.ErrInvalidTransfer, "%s is not a restricted asset", c.Denom)
		}
	}
	if err := k.bank.SendCoins(types.WithForcedTransfer(ctx), from, to, amt); err != nil {
		return errorsmod.Wrapf(err, "forced transfer from %s", from)
	}
	seq, err := k.appendAudit(ctx, actor, types.ActionForceTransfer, from.String(),
		"to="+to.String()+" amount="+amt.String()+" reason="+reason)
	if err != nil {
		return err
	}
	return emit(ctx, &types.EventForcedTransfer{AuditSequence: seq, From: from.String(), To: to.String(), Amount: amt, Reason: reason})
}

// SendRestriction is the bank send restriction of restricted assets: each
// restricted denom in amt moves only between module accounts and accounts
// eligible to hold it (CheckHold). The regulator's forced transfer passes.
// Register it with bankKeeper.AppendSendRestriction.
func (k Keeper) SendRestriction(ctx context.Context, from, to sdk.AccAddress, amt sdk.Coins) (sdk.AccAddress, error) {
	if types.IsForcedTransfer(ctx) {
		return to, nil
	}
	for _, c := range amt {
		if !k.isRestricted(ctx, c.Denom) {
			continue
		}
		if err := k.checkHolder(ctx, from, c.Denom); err != nil {
			return nil, errorsmod.Wrap(err, "sender")
		}
		if err := k.checkHolder(ctx, to, c.Denom); err != nil {
			return nil, errorsmod.Wrap(err, "recipient")
		}
	}
	return to, nil
}

var _ banktypes.SendRestrictionFn = Keeper{}.SendRestriction

func (k Keeper) checkHolder(ctx context.Context, addr sdk.AccAddress, denom string) error {
	if k.isModuleAccount(ctx, addr) {
		return nil
	}
	return k.CheckHold(ctx, addr, denom)
}

func (k Keeper) isModuleAccount(ctx context.Context, addr sdk.AccAddress) bool {
	if k.accounts == nil {
		return false
	}
	_, ok := k.accounts.GetAccount(ctx, addr).(sdk.ModuleAccountI)
	return ok
}
