package keeper

import (
	"context"
	"fmt"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// ForceTransfer moves amt of restricted assets from one account to another
// regardless of the send restrictions (a clawback), with a reason. Each coin
// comes from from's spendable bank balance first, the remainder from its
// free exchange balance (through the ExchangeLedger, when set). Module
// accounts and blocked addresses are refused as from and as to: a forced
// transfer must not drain a module's pooled balances (the exchange's) nor
// park coins where no ledger accounts for them. A refused transfer changes
// nothing.
func (k Keeper) ForceTransfer(ctx context.Context, actor string, from, to sdk.AccAddress, amt sdk.Coins, reason string) error {
	if !amt.IsValid() || amt.Empty() {
		return errorsmod.Wrapf(types.ErrInvalidTransfer, "amount %s", amt)
	}
	if from.Equals(to) {
		return errorsmod.Wrap(types.ErrInvalidTransfer, "from and to are the same account")
	}
	for _, side := range []struct {
		name string
		addr sdk.AccAddress
	}{{"from", from}, {"to", to}} {
		if k.isModuleAccount(ctx, side.addr) {
			return errorsmod.Wrapf(types.ErrInvalidTransfer, "%s %s is a module account", side.name, side.addr)
		}
		if k.bank.BlockedAddr(side.addr) {
			return errorsmod.Wrapf(types.ErrInvalidTransfer, "%s %s is a blocked address", side.name, side.addr)
		}
	}
	for _, c := range amt {
		if !k.isRestricted(ctx, c.Denom) {
			return errorsmod.Wrapf(types.ErrInvalidTransfer, "%s is not a restricted asset", c.Denom)
		}
	}
	fromBank, fromExchange, err := k.splitClawback(ctx, from, amt)
	if err != nil {
		return err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cacheCtx, write := sdkCtx.CacheContext()
	forced := types.WithForcedTransfer(cacheCtx)
	if !fromBank.IsZero() {
		if err := k.bank.SendCoins(forced, from, to, fromBank); err != nil {
			return errorsmod.Wrapf(err, "forced transfer from %s", from)
		}
	}
	if !fromExchange.IsZero() {
		if err := k.refs.exchange.SeizeFree(forced, from, to, fromExchange); err != nil {
			return errorsmod.Wrapf(err, "forced transfer from the exchange balance of %s", from)
		}
	}
	write()
	details := fmt.Sprintf("to=%s amount=%s bank=%s exchange=%s reason=%s", to, amt, coinsOrZero(fromBank), coinsOrZero(fromExchange), reason)
	seq, err := k.appendAudit(ctx, actor, types.ActionForceTransfer, from.String(), details)
	if err != nil {
		return err
	}
	return emit(ctx, &types.EventForcedTransfer{AuditSequence: seq, From: from.String(), To: to.String(), Amount: amt, Reason: reason})
}

// splitClawback splits amt into what from's spendable bank balance covers
// and the remainder taken from its free exchange balance; it fails with
// ErrInsufficientFunds when both together fall short.
func (k Keeper) splitClawback(ctx context.Context, from sdk.AccAddress, amt sdk.Coins) (fromBank, fromExchange sdk.Coins, err error) {
	for _, c := range amt {
		spendable := k.bank.SpendableCoin(ctx, from, c.Denom).Amount
		take := sdkmath.MinInt(spendable, c.Amount)
		if take.IsPositive() {
			fromBank = fromBank.Add(sdk.NewCoin(c.Denom, take))
		}
		rest := c.Amount.Sub(take)
		if !rest.IsPositive() {
			continue
		}
		free := sdkmath.ZeroInt()
		if k.refs.exchange != nil {
			if free, err = k.refs.exchange.FreeBalance(ctx, from, c.Denom); err != nil {
				return nil, nil, errorsmod.Wrapf(err, "free exchange balance of %s", from)
			}
		}
		if free.LT(rest) {
			return nil, nil, errorsmod.Wrapf(sdkerrors.ErrInsufficientFunds,
				"%s holds %s%s spendable and %s%s free on the exchange, short of %s", from, spendable, c.Denom, free, c.Denom, c)
		}
		fromExchange = fromExchange.Add(sdk.NewCoin(c.Denom, rest))
	}
	return fromBank, fromExchange, nil
}

func coinsOrZero(c sdk.Coins) string {
	if c.IsZero() {
		return "0"
	}
	return c.String()
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
