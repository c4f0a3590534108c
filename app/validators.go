package app

// A permissioned validator set on stock x/staking (ADR 004):
//   - at InitChain, every bonded validator's operator must hold an active
//     VALIDATOR_OPERATOR licence and not be frozen (checkGenesisValidators);
//   - when compliance bars an operator (licence revoked or expired, account
//     frozen), its validator is jailed: its power leaves the set at the
//     block's EndBlock, and with it its oracle votes (validatorLifecycle);
//   - the ante gate refuses MsgUnjail to an operator without that licence,
//     and delegation and governance messages to unlicensed signers
//     (ComplianceGateTable in ante.go).

import (
	"context"
	"errors"
	"fmt"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	slashingkeeper "github.com/cosmos/cosmos-sdk/x/slashing/keeper"
	stakingkeeper "github.com/cosmos/cosmos-sdk/x/staking/keeper"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	compliancekeeper "github.com/clearchain/clearchain/x/compliance/keeper"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

const (
	// auditActionJailValidator is the audit action of a lifecycle jailing.
	auditActionJailValidator = "jail_validator"
	// auditActionKeepLastValidator records a jailing skipped because the
	// validator is the last one with power (jailing it would halt the chain).
	auditActionKeepLastValidator = "keep_last_validator"
	// lifecycleActor is the audit actor of what the chain does by itself
	// when compliance bars an account.
	lifecycleActor = "lifecycle"
)

// operatorLicensed returns nil if addr may operate a validator: an active
// licence with the VALIDATOR_OPERATOR role, and no freeze. Otherwise a
// wrapped x/compliance error (ErrFrozen, ErrNoLicence, ErrLicenceExpired,
// ErrMissingRole) that says why.
func operatorLicensed(ctx context.Context, ck compliancekeeper.Keeper, addr sdk.AccAddress) error {
	if ck.IsFrozen(ctx, addr) {
		return errorsmod.Wrapf(compliancetypes.ErrFrozen, "operator %s is frozen", addr)
	}
	l, err := ck.ActiveLicence(ctx, addr)
	if err != nil {
		return err
	}
	if !l.HasAnyRole(compliancetypes.RoleValidatorOperator) {
		return errorsmod.Wrapf(compliancetypes.ErrMissingRole, "operator %s has licence roles %s, not VALIDATOR_OPERATOR",
			addr, compliancetypes.RoleNames(l.Roles))
	}
	return nil
}

// checkGenesisValidators runs at the end of InitChain, after the genesis
// transactions: every bonded validator's operator account must be licensed
// (operatorLicensed) in the genesis compliance state. The ante gate does not
// run on gentxs (height 0), so this is where a genesis validator set is held
// to the rule that binds MsgCreateValidator afterwards.
func (app *ClearApp) checkGenesisValidators(ctx sdk.Context) error {
	vals, err := app.StakingKeeper.GetAllValidators(ctx) // the genesis set: bounded by the genesis file
	if err != nil {
		return fmt.Errorf("genesis validators: %w", err)
	}
	for _, v := range vals {
		if !v.IsBonded() || v.IsJailed() {
			continue
		}
		valAddr, err := sdk.ValAddressFromBech32(v.OperatorAddress)
		if err != nil {
			return fmt.Errorf("genesis validator %q: %w", v.OperatorAddress, err)
		}
		if err := operatorLicensed(ctx, app.ComplianceKeeper, sdk.AccAddress(valAddr)); err != nil {
			return errorsmod.Wrapf(err, "genesis validator %s (moniker %q, operator account %s) needs an active VALIDATOR_OPERATOR licence in the genesis compliance state (cleard genesis grant-licence)",
				v.OperatorAddress, v.GetMoniker(), sdk.AccAddress(valAddr))
		}
	}
	return nil
}

// validatorLifecycle jails the validator of an operator that compliance
// bars. It implements compliancetypes.LifecycleHooks.
type validatorLifecycle struct {
	staking    *stakingkeeper.Keeper
	slashing   slashingkeeper.Keeper
	compliance compliancekeeper.Keeper
}

var _ compliancetypes.LifecycleHooks = validatorLifecycle{}

func newValidatorLifecycle(k *Keepers) validatorLifecycle {
	return validatorLifecycle{staking: k.StakingKeeper, slashing: k.SlashingKeeper, compliance: k.ComplianceKeeper}
}

// AfterAccountBarred jails the validator operated by addr, if there is one
// and it is not jailed yet. It never fails: the hook runs in the regulator's
// transaction and in compliance's EndBlock (expiry), and a jailing problem
// must neither undo the regulator's decision nor stop the block. Any error
// is logged and the jailing's partial writes are dropped.
func (h validatorLifecycle) AfterAccountBarred(ctx context.Context, addr sdk.AccAddress, cause compliancetypes.BarCause, reason string) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cache, write := sdkCtx.CacheContext()
	if err := h.jailOperator(cache, addr, cause, reason); err != nil {
		sdkCtx.Logger().Error("validators: could not jail the validator of a barred operator",
			"operator", addr.String(), "cause", cause.String(), "err", err)
		return nil
	}
	write()
	return nil
}

func (h validatorLifecycle) jailOperator(ctx sdk.Context, addr sdk.AccAddress, cause compliancetypes.BarCause, reason string) (err error) {
	defer func() {
		// Stock staking panics on a broken store; the block must go on.
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	valAddr := sdk.ValAddress(addr)
	v, err := h.staking.GetValidator(ctx, valAddr)
	if errors.Is(err, stakingtypes.ErrNoValidatorFound) {
		return nil // not an operator
	}
	if err != nil {
		return err
	}
	if v.IsJailed() {
		return nil
	}
	consAddr, err := v.GetConsAddr()
	if err != nil {
		return err
	}
	details := fmt.Sprintf("operator %s %s: %s", addr, cause, reason)
	if v.IsBonded() {
		last, err := h.lastWithPower(ctx, valAddr)
		if err != nil {
			return err
		}
		if last {
			// An empty validator set halts CometBFT: keep it, say so.
			ctx.Logger().Error("validators: not jailing the last validator with power", "validator", v.OperatorAddress)
			_, err := h.compliance.RecordAudit(ctx, lifecycleActor, auditActionKeepLastValidator, v.OperatorAddress,
				details+" (last validator with power: not jailed, the chain would halt)")
			return err
		}
	}
	if err := h.slashing.Jail(ctx, sdk.ConsAddress(consAddr)); err != nil {
		return err
	}
	_, err = h.compliance.RecordAudit(ctx, lifecycleActor, auditActionJailValidator, v.OperatorAddress, details)
	return err
}

// lastWithPower reports whether valAddr is the only validator of the last
// validator set that is not jailed now. Bounded by the staking param
// MaxValidators; it stops at the first other unjailed validator.
func (h validatorLifecycle) lastWithPower(ctx sdk.Context, valAddr sdk.ValAddress) (bool, error) {
	others := false
	var iterErr error
	err := h.staking.IterateLastValidatorPowers(ctx, func(op sdk.ValAddress, power int64) bool {
		if op.Equals(valAddr) || power <= 0 {
			return false
		}
		v, err := h.staking.GetValidator(ctx, op)
		if err != nil {
			iterErr = err
			return true
		}
		others = !v.IsJailed()
		return others
	})
	if err != nil {
		return false, err
	}
	if iterErr != nil {
		return false, iterErr
	}
	return !others, nil
}
