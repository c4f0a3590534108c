package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	"github.com/clearchain/clearchain/x/exchange/types"
)

var _ compliancetypes.ExchangeLedger = Keeper{}

// FreeBalance implements compliance's ExchangeLedger: owner's free (unlocked)
// exchange balance of denom.
func (k Keeper) FreeBalance(ctx context.Context, owner sdk.AccAddress, denom string) (sdkmath.Int, error) {
	b, err := k.GetBalance(ctx, owner, denom)
	if err != nil {
		return sdkmath.Int{}, err
	}
	return b.Free, nil
}

// SeizeFree implements compliance's ExchangeLedger (the regulator's
// clawback): it moves amount from owner's free exchange balance to to's bank
// balance, as a forced transfer (send restrictions of restricted and paused
// assets pass; the bank still refuses blocked addresses). It fails, changing
// nothing, when a free balance is short or the send is refused. The module
// account's balance and the exchange balances decrease by the same amount:
// the balance invariant holds.
func (k Keeper) SeizeFree(ctx context.Context, owner, to sdk.AccAddress, amount sdk.Coins) error {
	if !amount.IsValid() || amount.Empty() {
		return errorsmod.Wrapf(types.ErrInvalidAmount, "seize %s", amount)
	}
	if len(to) == 0 || to.Equals(authtypes.NewModuleAddress(types.ModuleName)) {
		return errorsmod.Wrapf(types.ErrInvalidAmount, "seize: recipient %q refused", to)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cache, write := sdkCtx.CacheContext()
	for _, c := range amount {
		b, err := k.GetBalance(cache, owner, c.Denom)
		if err != nil {
			return err
		}
		if b.Free.LT(c.Amount) {
			return errorsmod.Wrapf(types.ErrInsufficientBalance, "seize %s from %s: free %s%s", c, owner, b.Free, c.Denom)
		}
		b.Free = b.Free.Sub(c.Amount)
		if err := k.setBalance(cache, owner, c.Denom, b); err != nil {
			return err
		}
	}
	if err := k.bank.SendCoinsFromModuleToAccount(compliancetypes.WithForcedTransfer(cache), types.ModuleName, to, amount); err != nil {
		return errorsmod.Wrapf(err, "seize %s from %s's exchange balance", amount, owner)
	}
	write()
	return nil
}
