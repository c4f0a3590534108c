package types

import (
	"context"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// BankKeeper is what compliance needs from x/bank: the forced transfer.
type BankKeeper interface {
	SendCoins(ctx context.Context, from, to sdk.AccAddress, amt sdk.Coins) error
	// SpendableCoin is the part of addr's balance of denom a transfer can take.
	SpendableCoin(ctx context.Context, addr sdk.AccAddress, denom string) sdk.Coin
	// BlockedAddr reports whether addr may not receive coins (the app's
	// module accounts): a forced transfer neither takes from nor sends to it.
	BlockedAddr(addr sdk.AccAddress) bool
}

// AccountKeeper tells module accounts apart from user accounts.
type AccountKeeper interface {
	GetAccount(ctx context.Context, addr sdk.AccAddress) sdk.AccountI
}

// AssetRegistry tells which denoms are restricted (x/assets).
type AssetRegistry interface {
	IsRestricted(ctx context.Context, denom string) bool
}

// BarCause says why an account lost the right to trade.
type BarCause int32

const (
	// BarRevoked: the regulator revoked the licence.
	BarRevoked BarCause = iota + 1
	// BarExpired: the licence passed its expiry.
	BarExpired
	// BarFrozen: the regulator froze the account.
	BarFrozen
)

// String names the cause as audit records and events spell it.
func (c BarCause) String() string {
	switch c {
	case BarRevoked:
		return "revoked"
	case BarExpired:
		return "expired"
	case BarFrozen:
		return "frozen"
	}
	return "unknown"
}

// LifecycleHooks are told when an account loses the right to trade, so that
// other modules act on it in state (x/exchange cancels its resting orders and
// disarms its heartbeat; the app jails a validator whose operator it is).
// Hooks run inside the regulator's transaction (revoke, freeze) or in
// compliance's EndBlock (expiry): they must only enqueue bounded work and
// must not fail on any state a participant can create.
type LifecycleHooks interface {
	AfterAccountBarred(ctx context.Context, addr sdk.AccAddress, cause BarCause, reason string) error
}

// MultiLifecycleHooks calls several hooks in order; the first error stops.
type MultiLifecycleHooks []LifecycleHooks

// AfterAccountBarred implements LifecycleHooks.
func (m MultiLifecycleHooks) AfterAccountBarred(ctx context.Context, addr sdk.AccAddress, cause BarCause, reason string) error {
	for _, h := range m {
		if err := h.AfterAccountBarred(ctx, addr, cause, reason); err != nil {
			return err
		}
	}
	return nil
}

// ExchangeLedger is what a forced transfer needs from x/exchange: the free
// (unlocked) exchange balance of an account and a way to seize it.
type ExchangeLedger interface {
	// FreeBalance returns owner's free exchange balance of denom.
	FreeBalance(ctx context.Context, owner sdk.AccAddress, denom string) (sdkmath.Int, error)
	// SeizeFree moves amount from owner's free exchange balance to to's bank
	// balance (a regulator's clawback); it fails, changing nothing, when the
	// free balance is short. ctx carries types.WithForcedTransfer, so the
	// compliance send restriction lets the bank send through.
	SeizeFree(ctx context.Context, owner, to sdk.AccAddress, amount sdk.Coins) error
}
