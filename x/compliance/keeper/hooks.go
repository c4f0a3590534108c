package keeper

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// hooksRef is shared by every copy of the keeper; set once in app wiring.
type hooksRef struct {
	hooks    types.LifecycleHooks
	exchange types.ExchangeLedger
}

// SetLifecycleHooks registers what is told when an account is barred
// (revoked, expired, frozen). The app calls it once.
func (k Keeper) SetLifecycleHooks(h types.LifecycleHooks) { k.refs.hooks = h }

// SetExchangeLedger lets forced transfers reach exchange balances. The app
// calls it once, after building x/exchange (which depends on this keeper).
func (k Keeper) SetExchangeLedger(l types.ExchangeLedger) { k.refs.exchange = l }

// afterAccountBarred tells the hooks that addr lost the right to trade.
func (k Keeper) afterAccountBarred(ctx context.Context, addr sdk.AccAddress, cause types.BarCause, reason string) error {
	if k.refs.hooks == nil {
		return nil
	}
	return k.refs.hooks.AfterAccountBarred(ctx, addr, cause, reason)
}

// RecordAudit appends a record to the audit trail on behalf of another
// module (issuer actions, market listings and status changes, halts,
// force-cancels, lifecycle cancels) and emits EventAuditRecorded. It returns
// the record's sequence.
func (k Keeper) RecordAudit(ctx context.Context, actor, action, subject, details string) (uint64, error) {
	seq, err := k.appendAudit(ctx, actor, action, subject, details)
	if err != nil {
		return 0, err
	}
	return seq, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventAuditRecorded{
		AuditSequence: seq, Actor: actor, Action: action, Subject: subject, Details: details,
	})
}
