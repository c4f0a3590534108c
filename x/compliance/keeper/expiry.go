package keeper

import (
	"context"
	"errors"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"cosmossdk.io/log/v2"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// expiryKey is the index entry of a licence expiring at t.
func expiryKey(t time.Time, addr sdk.AccAddress) collections.Pair[time.Time, sdk.AccAddress] {
	return collections.Join(t.UTC(), addr)
}

// indexExpiry moves addr's index entry from the old licence's expiry to the
// new one's (either may be zero: no expiry, no entry).
func (k Keeper) indexExpiry(ctx context.Context, addr sdk.AccAddress, old, next time.Time) error {
	if !old.IsZero() {
		if err := k.Expiries.Remove(ctx, expiryKey(old, addr)); err != nil {
			return errorsmod.Wrapf(err, "expiry index of %s", addr)
		}
	}
	if !next.IsZero() {
		if err := k.Expiries.Set(ctx, expiryKey(next, addr)); err != nil {
			return errorsmod.Wrapf(err, "expiry index of %s", addr)
		}
	}
	return nil
}

// ModuleActor is the actor of the audit records the module writes itself
// (licence expiries): the compliance module account's address.
func ModuleActor() string { return authtypes.NewModuleAddress(types.ModuleName).String() }

// EndBlock sweeps the licence expiries due at the block time: at most
// params.max_expiries_per_block entries, the rest carry over to the next
// blocks. Each due licence gets an audit record (licence_expired) and the
// lifecycle hooks are told (BarExpired). It never fails the block: an entry
// whose processing fails is logged and dropped, its writes discarded.
func (k Keeper) EndBlock(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	logger := sdkCtx.Logger().With("module", "x/"+types.ModuleName)
	p, err := k.Params.Get(ctx)
	if err != nil {
		logger.Error("expiry sweep: params", "err", err)
		return nil
	}
	limit := p.ExpiriesPerBlock()
	now := sdkCtx.BlockTime().UTC()
	due := make([]collections.Pair[time.Time, sdk.AccAddress], 0, min(limit, 16))
	iter, err := k.Expiries.Iterate(ctx, collections.NewPrefixUntilPairRange[time.Time, sdk.AccAddress](now))
	if err != nil {
		logger.Error("expiry sweep: iterate", "err", err)
		return nil
	}
	for ; iter.Valid() && len(due) < limit; iter.Next() {
		key, err := iter.Key()
		if err != nil {
			logger.Error("expiry sweep: key", "err", err)
			break
		}
		due = append(due, key)
	}
	_ = iter.Close()
	for _, key := range due {
		if err := k.Expiries.Remove(ctx, key); err != nil {
			logger.Error("expiry sweep: remove entry", "address", key.K2(), "err", err)
			continue
		}
		k.expireLicence(sdkCtx, logger, key.K2(), key.K1())
	}
	return nil
}

// expireLicence records the expiry of addr's licence due at t and tells the
// hooks. A stale entry (the licence was revoked, or renewed to another
// expiry) does nothing. Each step runs in a cache context: a failure is
// logged and its writes dropped; the audit record stays even when a hook
// fails.
func (k Keeper) expireLicence(ctx sdk.Context, logger log.Logger, addr sdk.AccAddress, t time.Time) {
	l, err := k.Licences.Get(ctx, addr)
	if err != nil {
		if !errors.Is(err, collections.ErrNotFound) {
			logger.Error("expiry sweep: licence", "address", addr, "err", err)
		}
		return
	}
	if l.ExpiresAt.IsZero() || !l.ExpiresAt.Equal(t) || isActive(ctx, l) {
		return // stale: renewed or changed since the entry was written
	}
	reason := "licence expired at " + t.UTC().Format(time.RFC3339Nano)
	auditCtx, writeAudit := ctx.CacheContext()
	if _, err := k.RecordAudit(auditCtx, ModuleActor(), types.ActionLicenceExpired, addr.String(), reason); err != nil {
		logger.Error("expiry sweep: audit record", "address", addr, "err", err)
		return
	}
	writeAudit()
	hookCtx, writeHooks := ctx.CacheContext()
	if err := k.afterAccountBarred(hookCtx, addr, types.BarExpired, reason); err != nil {
		logger.Error("expiry sweep: lifecycle hooks failed; their writes dropped", "address", addr, "err", err)
		return
	}
	writeHooks()
}
