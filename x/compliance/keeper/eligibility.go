package keeper

import (
	"context"
	"slices"
	"strconv"
	"strings"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// GetEligibilityRule returns the rule of subject.
func (k Keeper) GetEligibilityRule(ctx context.Context, subject string) (types.EligibilityRule, bool) {
	r, err := k.Rules.Get(ctx, subject)
	return r, err == nil
}

// SetEligibilityRule sets the rule of r.Subject; a rule whose lists are both
// empty allows anyone and is removed. reason is recorded in the audit record.
func (k Keeper) SetEligibilityRule(ctx context.Context, actor string, r types.EligibilityRule, reason string) error {
	r, err := types.NormalizeRule(r)
	if err != nil {
		return errorsmod.Wrap(types.ErrInvalidRule, err.Error())
	}
	if len(r.AllowedRoles) == 0 && len(r.AllowedJurisdictions) == 0 {
		err = k.Rules.Remove(ctx, r.Subject)
	} else {
		err = k.Rules.Set(ctx, r.Subject, r)
	}
	if err != nil {
		return err
	}
	details := "roles=" + types.RoleNames(r.AllowedRoles) + " jurisdictions=" + strings.Join(r.AllowedJurisdictions, ",") +
		" reason=" + strconv.Quote(reason)
	seq, err := k.appendAudit(ctx, actor, types.ActionSetRule, r.Subject, details)
	if err != nil {
		return err
	}
	return emit(ctx, &types.EventEligibilityRuleSet{AuditSequence: seq, Rule: r})
}

// checkAccount returns addr's licence if addr is not frozen and its licence
// is valid at the block time.
func (k Keeper) checkAccount(ctx context.Context, addr sdk.AccAddress) (types.Licence, error) {
	if err := k.checkNotFrozen(ctx, addr); err != nil {
		return types.Licence{}, err
	}
	return k.ActiveLicence(ctx, addr)
}

// checkRule checks licence l against the rule of subject, if there is one.
func (k Keeper) checkRule(ctx context.Context, addr sdk.AccAddress, l types.Licence, subject string) error {
	rule, ok := k.GetEligibilityRule(ctx, subject)
	if !ok {
		return nil
	}
	if len(rule.AllowedRoles) > 0 && !l.HasAnyRole(rule.AllowedRoles...) {
		return errorsmod.Wrapf(types.ErrMissingRole, "account %s lacks licence role %s required by %s",
			addr, types.RoleNames(rule.AllowedRoles), subject)
	}
	if len(rule.AllowedJurisdictions) > 0 {
		e, err := k.GetEntity(ctx, l.EntityId)
		if err != nil {
			return err
		}
		if !slices.Contains(rule.AllowedJurisdictions, e.Jurisdiction) {
			return errorsmod.Wrapf(types.ErrJurisdiction, "account %s: jurisdiction %s not allowed for %s (allowed: %s)",
				addr, e.Jurisdiction, subject, strings.Join(rule.AllowedJurisdictions, ","))
		}
	}
	return nil
}

// CheckTrade returns nil if addr holds a valid INSTITUTION or MARKET_MAKER
// licence, is not frozen, satisfies the eligibility rule of subject (e.g.
// "market/3"; empty for none) if any, and satisfies the rule of each denom in
// denoms. Otherwise it returns a wrapped registered error (ErrFrozen,
// ErrNoLicence, ErrLicenceExpired, ErrMissingRole, ErrJurisdiction) whose
// message names the reason.
func (k Keeper) CheckTrade(ctx context.Context, addr sdk.AccAddress, subject string, denoms ...string) error {
	l, err := k.checkAccount(ctx, addr)
	if err != nil {
		return err
	}
	if !l.HasAnyRole(types.RoleInstitution, types.RoleMarketMaker) {
		return errorsmod.Wrapf(types.ErrMissingRole, "account %s lacks licence role INSTITUTION or MARKET_MAKER to trade", addr)
	}
	if subject != "" {
		if err := k.checkRule(ctx, addr, l, subject); err != nil {
			return err
		}
	}
	for _, denom := range denoms {
		if err := k.checkRule(ctx, addr, l, denom); err != nil {
			return err
		}
	}
	return nil
}

// CheckHold returns nil if addr may hold denom: any account may hold an
// unrestricted denom; a restricted one needs a valid licence (any role), no
// freeze and the denom's rule.
func (k Keeper) CheckHold(ctx context.Context, addr sdk.AccAddress, denom string) error {
	if !k.isRestricted(ctx, denom) {
		return nil
	}
	l, err := k.checkAccount(ctx, addr)
	if err != nil {
		return errorsmod.Wrapf(err, "restricted asset %s", denom)
	}
	return k.checkRule(ctx, addr, l, denom)
}

// CheckEligibility answers whether addr may do action on subject, and if not
// why. Actions: "trade" (CheckTrade on subject), "hold" (CheckHold of the
// denom subject), or a role name such as "ISSUER" (a valid licence with that
// role, no freeze, and subject's rule if subject is not empty).
func (k Keeper) CheckEligibility(ctx context.Context, addr sdk.AccAddress, action string, subject string) (allowed bool, reason string) {
	var err error
	switch strings.ToLower(action) {
	case types.EligibilityActionTrade:
		err = k.CheckTrade(ctx, addr, subject)
	case types.EligibilityActionHold:
		err = k.CheckHold(ctx, addr, subject)
	default:
		role, perr := types.ParseRole(action)
		if perr != nil {
			return false, "unknown action " + action + `: use "trade", "hold" or a role name`
		}
		err = k.checkRoleOn(ctx, addr, role, subject)
	}
	if err != nil {
		return false, err.Error()
	}
	return true, "eligible"
}

func (k Keeper) checkRoleOn(ctx context.Context, addr sdk.AccAddress, role types.Role, subject string) error {
	l, err := k.checkAccount(ctx, addr)
	if err != nil {
		return err
	}
	if !l.HasAnyRole(role) {
		return errorsmod.Wrapf(types.ErrMissingRole, "account %s lacks licence role %s", addr, role.Short())
	}
	if subject == "" {
		return nil
	}
	return k.checkRule(ctx, addr, l, subject)
}
