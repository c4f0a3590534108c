package ante

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
)

// RestrictedDenoms says which denoms are restricted assets (x/assets).
type RestrictedDenoms interface {
	IsRestricted(ctx context.Context, denom string) bool
}

// FeeDecorator is the compliance decorator of a tx's fee. It must run
// before the fee is deducted (the SDK's DeductFeeDecorator), so that a
// refused tx pays nothing:
//   - a restricted asset never pays fees: the fee collector would hand it to
//     distribution, and through it to delegators who may not hold it;
//   - a frozen fee payer or fee granter (x/feegrant) pays nothing: the gate
//     checks the messages' signers, not who pays;
//   - who may transact: a tx with a signer that holds no licence valid at
//     the block time (the regulator aside) pays at least its gas limit times
//     the unlicensed minimum gas price, in CheckTx and DeliverTx alike, so
//     that no unlicensed account fills the mempool or blocks with free txs,
//     whatever the node's minimum-gas-prices. Licensed accounts are known
//     to the regulator, who can freeze or revoke them; gas estimation
//     (simulate) is not charged.
//
// At height 0 (InitChain: genesis transactions) nothing is checked.
type FeeDecorator struct {
	k                     GateKeeper
	denoms                RestrictedDenoms
	unlicensedMinGasPrice sdk.DecCoin
}

var _ sdk.AnteDecorator = FeeDecorator{}

// NewFeeDecorator returns the fee decorator. unlicensedMinGasPrice must be
// positive.
func NewFeeDecorator(k GateKeeper, denoms RestrictedDenoms, unlicensedMinGasPrice sdk.DecCoin) FeeDecorator {
	return FeeDecorator{k: k, denoms: denoms, unlicensedMinGasPrice: unlicensedMinGasPrice}
}

// AnteHandle implements sdk.AnteDecorator.
func (d FeeDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if ctx.BlockHeight() == 0 {
		return next(ctx, tx, simulate)
	}
	feeTx, ok := tx.(sdk.FeeTx)
	if !ok {
		return ctx, errorsmod.Wrap(sdkerrors.ErrTxDecode, "tx is not a FeeTx")
	}
	if err := d.check(ctx, feeTx, simulate); err != nil {
		return ctx, err
	}
	return next(ctx, tx, simulate)
}

func (d FeeDecorator) check(ctx sdk.Context, tx sdk.FeeTx, simulate bool) error {
	fee := tx.GetFee()
	for _, c := range fee {
		if d.denoms.IsRestricted(ctx, c.Denom) {
			return errorsmod.Wrapf(sdkerrors.ErrInvalidCoins, "restricted asset %s may not pay fees", c.Denom)
		}
	}
	payer := sdk.AccAddress(tx.FeePayer())
	if d.k.IsFrozen(ctx, payer) {
		return errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "fee payer %s is frozen", payer)
	}
	if g := tx.FeeGranter(); len(g) > 0 && d.k.IsFrozen(ctx, sdk.AccAddress(g)) {
		return errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "fee granter %s is frozen", sdk.AccAddress(g))
	}
	if simulate {
		return nil
	}
	signerTx, ok := tx.(interface{ GetSigners() ([][]byte, error) })
	if !ok {
		return errorsmod.Wrap(sdkerrors.ErrTxDecode, "tx does not name its signers")
	}
	signers, err := signerTx.GetSigners()
	if err != nil {
		return errorsmod.Wrapf(sdkerrors.ErrTxDecode, "signers: %v", err)
	}
	authority := d.k.Authority(ctx)
	for _, s := range signers {
		addr := sdk.AccAddress(s)
		if addr.String() == authority {
			continue
		}
		if _, err := d.k.ActiveLicence(ctx, addr); err == nil {
			continue
		}
		return d.checkUnlicensedFee(addr, fee, tx.GetGas())
	}
	return nil
}

// checkUnlicensedFee requires fee to cover gas at the unlicensed minimum
// gas price (rounded up).
func (d FeeDecorator) checkUnlicensedFee(signer sdk.AccAddress, fee sdk.Coins, gas uint64) error {
	price := d.unlicensedMinGasPrice
	need := price.Amount.MulInt(sdkmath.NewIntFromUint64(gas)).Ceil().RoundInt()
	if have := fee.AmountOf(price.Denom); have.LT(need) {
		return errorsmod.Wrapf(sdkerrors.ErrInsufficientFee,
			"signer %s holds no active licence: its tx pays at least %s%s (gas %d at %s), got %s",
			signer, need, price.Denom, gas, price, fee)
	}
	return nil
}
