package keeper

import (
	"context"
	"errors"
	"math/big"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// GetBalance returns addr's exchange balance in denom (zero if none).
func (k Keeper) GetBalance(ctx context.Context, addr sdk.AccAddress, denom string) (types.Balance, error) {
	b, err := k.Balances.Get(ctx, collections.Join(addr, denom))
	if errors.Is(err, collections.ErrNotFound) {
		return types.Balance{Free: sdkmath.ZeroInt(), Locked: sdkmath.ZeroInt()}, nil
	}
	return b, err
}

func (k Keeper) setBalance(ctx context.Context, addr sdk.AccAddress, denom string, b types.Balance) error {
	key := collections.Join(addr, denom)
	if b.Free.IsZero() && b.Locked.IsZero() {
		return k.Balances.Remove(ctx, key)
	}
	return k.Balances.Set(ctx, key, b)
}

// Deposit moves amt from addr's bank balance into its free exchange balance.
func (k Keeper) Deposit(ctx context.Context, addr sdk.AccAddress, amt sdk.Coin) error {
	if err := amt.Validate(); err != nil || !amt.Amount.IsPositive() {
		return errorsmod.Wrapf(types.ErrInvalidAmount, "deposit %s", amt)
	}
	if err := k.bank.SendCoinsFromAccountToModule(ctx, addr, types.ModuleName, sdk.NewCoins(amt)); err != nil {
		return errorsmod.Wrapf(err, "deposit %s", amt)
	}
	b, err := k.GetBalance(ctx, addr, amt.Denom)
	if err != nil {
		return err
	}
	b.Free = b.Free.Add(amt.Amount)
	return k.setBalance(ctx, addr, amt.Denom, b)
}

// Withdraw moves amt of addr's free exchange balance back to its bank balance.
func (k Keeper) Withdraw(ctx context.Context, addr sdk.AccAddress, amt sdk.Coin) error {
	if err := amt.Validate(); err != nil || !amt.Amount.IsPositive() {
		return errorsmod.Wrapf(types.ErrInvalidAmount, "withdraw %s", amt)
	}
	b, err := k.GetBalance(ctx, addr, amt.Denom)
	if err != nil {
		return err
	}
	if b.Free.LT(amt.Amount) {
		return errorsmod.Wrapf(types.ErrInsufficientBalance, "withdraw %s: free %s", amt, b.Free)
	}
	b.Free = b.Free.Sub(amt.Amount)
	if err := k.setBalance(ctx, addr, amt.Denom, b); err != nil {
		return err
	}
	return k.bank.SendCoinsFromModuleToAccount(ctx, types.ModuleName, addr, sdk.NewCoins(amt))
}

// lockFunds moves amt from free to locked (DeliverTx).
func (k Keeper) lockFunds(ctx context.Context, addr sdk.AccAddress, denom string, amt sdkmath.Int) error {
	b, err := k.GetBalance(ctx, addr, denom)
	if err != nil {
		return err
	}
	if b.Free.LT(amt) {
		return errorsmod.Wrapf(types.ErrInsufficientBalance, "need %s%s, free %s%s", amt, denom, b.Free, denom)
	}
	b.Free = b.Free.Sub(amt)
	b.Locked = b.Locked.Add(amt)
	return k.setBalance(ctx, addr, denom, b)
}

// ledger is EndBlock's balance cache: every (owner, denom) touched in the
// block is read once, changed in memory with big.Int arithmetic, and written
// back once, in key order.
type ledger struct {
	k       Keeper
	entries map[ledgerKey]*ledgerEntry
	fees    map[string]*big.Int
}

type ledgerKey struct {
	owner uint64
	denom string
}

type ledgerEntry struct {
	addr         sdk.AccAddress
	denom        string
	free, locked big.Int
}

func newLedger(k Keeper) *ledger {
	return &ledger{k: k, entries: make(map[ledgerKey]*ledgerEntry, 1024), fees: map[string]*big.Int{}}
}

func (l *ledger) entry(ctx context.Context, owner uint64, denom string) (*ledgerEntry, error) {
	key := ledgerKey{owner, denom}
	if e, ok := l.entries[key]; ok {
		return e, nil
	}
	oi, err := l.k.ownerInfo(ctx, owner)
	if err != nil {
		return nil, err
	}
	b, err := l.k.GetBalance(ctx, oi.addr, denom)
	if err != nil {
		return nil, err
	}
	e := &ledgerEntry{addr: oi.addr, denom: denom}
	e.free.Set(b.Free.BigInt())
	e.locked.Set(b.Locked.BigInt())
	l.entries[key] = e
	return e, nil
}

func (l *ledger) addFee(denom string, amt *big.Int) {
	f, ok := l.fees[denom]
	if !ok {
		f = new(big.Int)
		l.fees[denom] = f
	}
	f.Add(f, amt)
}

// flush writes the touched balances in (address, denom) order and pays the
// block's fees to the fee collector, one bank transfer per denom.
func (l *ledger) flush(ctx context.Context) error {
	keys := make([]*ledgerEntry, 0, len(l.entries))
	for _, e := range l.entries {
		keys = append(keys, e)
	}
	sortEntries(keys)
	for _, e := range keys {
		if e.free.Sign() < 0 || e.locked.Sign() < 0 {
			return errorsmod.Wrapf(types.ErrInvariant, "negative balance %s %s", e.addr, e.denom)
		}
		b := types.Balance{Free: sdkmath.NewIntFromBigInt(&e.free), Locked: sdkmath.NewIntFromBigInt(&e.locked)}
		if err := l.k.setBalance(ctx, e.addr, e.denom, b); err != nil {
			return err
		}
	}
	denoms := make([]string, 0, len(l.fees))
	for d, f := range l.fees {
		if f.Sign() > 0 {
			denoms = append(denoms, d)
		}
	}
	sortStrings(denoms)
	for _, d := range denoms {
		amt := sdk.NewCoins(sdk.NewCoin(d, sdkmath.NewIntFromBigInt(l.fees[d])))
		if err := l.k.bank.SendCoinsFromModuleToModule(ctx, types.ModuleName, l.k.feeCollector, amt); err != nil {
			return errorsmod.Wrapf(err, "paying fees %s", amt)
		}
	}
	return nil
}
