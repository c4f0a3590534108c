package app

import (
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"

	complianceante "github.com/clearchain/clearchain/x/compliance/ante"
)

// UnlicensedMinGasPrice is what a transaction with a signer that holds no
// active licence pays at least per unit of gas (its gas limit times this,
// in uclear), checked in the ante in CheckTx and DeliverTx: a consensus
// rule, not a node setting. See x/compliance/README.md, "Who may transact".
func UnlicensedMinGasPrice() sdk.DecCoin {
	return sdk.NewDecCoinFromDec(BondDenom, sdkmath.LegacyNewDecWithPrec(25, 4)) // 0.0025uclear
}

// newComplianceFeeDecorator is compliance's fee decorator, run before fees
// are deducted.
func newComplianceFeeDecorator(k complianceante.GateKeeper, denoms complianceante.RestrictedDenoms) complianceante.FeeDecorator {
	return complianceante.NewFeeDecorator(k, denoms, UnlicensedMinGasPrice())
}

// restrictedFundingCheck is the router check that keeps restricted assets
// out of distribution: funding the community pool or a validator's rewards
// pool with them is refused, whoever dispatches the message (a tx, authz,
// governance). Restricted assets reaching distribution would be paid out to
// delegators who may not hold them, then block each of their delegation
// changes. (Fees in restricted assets are refused by the fee decorator.)
func restrictedFundingCheck(denoms complianceante.RestrictedDenoms) MsgCheck {
	return func(ctx sdk.Context, msg sdk.Msg) error {
		var coins sdk.Coins
		switch m := msg.(type) {
		case *distrtypes.MsgFundCommunityPool:
			coins = m.Amount
		case *distrtypes.MsgDepositValidatorRewardsPool:
			coins = m.Amount
		default:
			return nil
		}
		for _, c := range coins {
			if denoms.IsRestricted(ctx, c.Denom) {
				return errorsmod.Wrapf(sdkerrors.ErrInvalidCoins, "restricted asset %s may not fund distribution (%s)", c.Denom, sdk.MsgTypeURL(msg))
			}
		}
		return nil
	}
}

// allChecks runs checks in order; the first refusal wins.
func allChecks(checks ...MsgCheck) MsgCheck {
	return func(ctx sdk.Context, msg sdk.Msg) error {
		for _, c := range checks {
			if err := c(ctx, msg); err != nil {
				return err
			}
		}
		return nil
	}
}
