package keeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// GetLicence returns the stored licence of addr, expired or not.
func (k Keeper) GetLicence(ctx context.Context, addr sdk.AccAddress) (types.Licence, bool) {
	l, err := k.Licences.Get(ctx, addr)
	if err != nil {
		return types.Licence{}, false
	}
	return l, true
}

// isActive reports whether l is valid at the block time: an expiry at or
// before the block time ends it.
func isActive(ctx context.Context, l types.Licence) bool {
	return l.ExpiresAt.IsZero() || sdk.UnwrapSDKContext(ctx).BlockTime().Before(l.ExpiresAt)
}

// ActiveLicence returns the licence of addr if it exists and has not
// expired; otherwise ErrNoLicence or ErrLicenceExpired.
func (k Keeper) ActiveLicence(ctx context.Context, addr sdk.AccAddress) (types.Licence, error) {
	l, ok := k.GetLicence(ctx, addr)
	if !ok {
		return l, errorsmod.Wrapf(types.ErrNoLicence, "account %s", addr)
	}
	if !isActive(ctx, l) {
		return l, errorsmod.Wrapf(types.ErrLicenceExpired, "account %s licence expired at %s",
			addr, l.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return l, nil
}

// EntityOf returns the legal entity of addr's valid licence; an error if
// addr holds no valid licence.
func (k Keeper) EntityOf(ctx context.Context, addr sdk.AccAddress) (uint64, error) {
	l, err := k.ActiveLicence(ctx, addr)
	if err != nil {
		return 0, err
	}
	return l.EntityId, nil
}

// HasRole reports whether addr holds a valid licence with role. It does not
// look at freezes; see IsFrozen.
func (k Keeper) HasRole(ctx context.Context, addr sdk.AccAddress, role types.Role) bool {
	l, err := k.ActiveLicence(ctx, addr)
	return err == nil && l.HasAnyRole(role)
}

// IsMarketMaker reports whether addr holds a valid MARKET_MAKER licence.
func (k Keeper) IsMarketMaker(ctx context.Context, addr sdk.AccAddress) bool {
	return k.HasRole(ctx, addr, types.RoleMarketMaker)
}

// prepareLicence validates and normalises a licence against the register.
func (k Keeper) prepareLicence(ctx context.Context, l types.Licence) (types.Licence, error) {
	if _, err := sdk.AccAddressFromBech32(l.Address); err != nil {
		return l, errorsmod.Wrapf(types.ErrInvalidAddress, "licence address %q: %v", l.Address, err)
	}
	if len(l.Roles) == 0 {
		return l, errorsmod.Wrap(types.ErrInvalidLicence, "a licence needs at least one role")
	}
	roles, err := types.NormalizeRoles(l.Roles)
	if err != nil {
		return l, errorsmod.Wrap(types.ErrInvalidLicence, err.Error())
	}
	l.Roles = roles
	if _, err := k.GetEntity(ctx, l.EntityId); err != nil {
		return l, err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	if !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt) {
		return l, errorsmod.Wrapf(types.ErrInvalidLicence, "expiry %s is not after the block time %s",
			l.ExpiresAt.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	l.ExpiresAt = l.ExpiresAt.UTC()
	return l, nil
}

func licenceDetails(l types.Licence, reason string) string {
	exp := "never"
	if !l.ExpiresAt.IsZero() {
		exp = l.ExpiresAt.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("entity=%d roles=%s expires=%s reason=%q", l.EntityId, types.RoleNames(l.Roles), exp, reason)
}

// GrantLicence licenses an account that holds no licence. issued_at is the
// block time; reason is recorded in the audit record.
func (k Keeper) GrantLicence(ctx context.Context, actor string, l types.Licence, reason string) error {
	l, err := k.prepareLicence(ctx, l)
	if err != nil {
		return err
	}
	addr := sdk.MustAccAddressFromBech32(l.Address) // validated above
	if has, err := k.Licences.Has(ctx, addr); err != nil {
		return err
	} else if has {
		return errorsmod.Wrapf(types.ErrLicenceExists, "account %s", l.Address)
	}
	l.IssuedAt = sdk.UnwrapSDKContext(ctx).BlockTime().UTC()
	if err := k.Licences.Set(ctx, addr, l); err != nil {
		return err
	}
	if err := k.indexExpiry(ctx, addr, time.Time{}, l.ExpiresAt); err != nil {
		return err
	}
	seq, err := k.appendAudit(ctx, actor, types.ActionGrantLicence, l.Address, licenceDetails(l, reason))
	if err != nil {
		return err
	}
	return emit(ctx, &types.EventLicenceGranted{AuditSequence: seq, Licence: l})
}

// UpdateLicence replaces the entity, roles and expiry of an existing
// licence; issued_at is kept; reason is recorded in the audit record. The
// expiry index follows the new expiry, so a renewal cancels the old one.
func (k Keeper) UpdateLicence(ctx context.Context, actor string, l types.Licence, reason string) error {
	l, err := k.prepareLicence(ctx, l)
	if err != nil {
		return err
	}
	addr := sdk.MustAccAddressFromBech32(l.Address) // validated above
	old, ok := k.GetLicence(ctx, addr)
	if !ok {
		return errorsmod.Wrapf(types.ErrNoLicence, "account %s", l.Address)
	}
	l.IssuedAt = old.IssuedAt
	if err := k.Licences.Set(ctx, addr, l); err != nil {
		return err
	}
	if err := k.indexExpiry(ctx, addr, old.ExpiresAt, l.ExpiresAt); err != nil {
		return err
	}
	seq, err := k.appendAudit(ctx, actor, types.ActionUpdateLicence, l.Address, licenceDetails(l, reason))
	if err != nil {
		return err
	}
	return emit(ctx, &types.EventLicenceUpdated{AuditSequence: seq, Licence: l})
}

// RevokeLicence removes the licence of addr.
func (k Keeper) RevokeLicence(ctx context.Context, actor string, addr sdk.AccAddress, reason string) error {
	old, err := k.Licences.Get(ctx, addr)
	if errors.Is(err, collections.ErrNotFound) {
		return errorsmod.Wrapf(types.ErrNoLicence, "account %s", addr)
	} else if err != nil {
		return err
	}
	if err := k.Licences.Remove(ctx, addr); err != nil {
		return err
	}
	if err := k.indexExpiry(ctx, addr, old.ExpiresAt, time.Time{}); err != nil {
		return err
	}
	seq, err := k.appendAudit(ctx, actor, types.ActionRevokeLicence, addr.String(), reason)
	if err != nil {
		return err
	}
	if err := emit(ctx, &types.EventLicenceRevoked{AuditSequence: seq, Address: addr.String(), Reason: reason}); err != nil {
		return err
	}
	return k.afterAccountBarred(ctx, addr, types.BarRevoked, reason)
}
