package app

// Fees and compliance: a frozen fee granter or payer, restricted assets as
// fees or as distribution funding, and the minimum fee of unlicensed
// signers. Each attack below worked before x/compliance's FeeDecorator
// (run before fees are deducted) and the router's funding check.

import (
	"testing"

	sdkmath "cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	distrtypes "github.com/cosmos/cosmos-sdk/x/distribution/types"
	"github.com/cosmos/cosmos-sdk/x/feegrant"

	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

func uclear(n int64) sdk.Coins { return sdk.NewCoins(sdk.NewInt64Coin(BondDenom, n)) }

func (e *gateEnv) freeze(a sdk.AccAddress) {
	e.mustDeliver(e.regulator, &compliancetypes.MsgFreezeAccount{Authority: e.regulator.addr.String(), Address: a.String(), Reason: "test"})
}

func (e *gateEnv) feeCollected() int64 {
	return e.balance(authtypes.NewModuleAddress(authtypes.FeeCollectorName), BondDenom)
}

func TestFees_FrozenFeeGranterCannotPay(t *testing.T) {
	e := newGateEnv(t)
	grant, err := feegrant.NewMsgGrantAllowance(&feegrant.BasicAllowance{}, e.inst.addr, e.feeder.addr)
	require.NoError(t, err)
	e.mustDeliver(e.inst, grant)
	// The allowance works while the granter is in good standing.
	send := &banktypes.MsgSend{FromAddress: e.feeder.addr.String(), ToAddress: e.issuer.addr.String(), Amount: uclear(1)}
	before := e.balance(e.inst.addr, BondDenom)
	r := e.deliverFee(feeTx{signers: []*detAccount{e.feeder}, msgs: []sdk.Msg{send}, fee: uclear(1_000), granter: e.inst.addr})
	require.Zero(t, r.Code, r.Log)
	require.Equal(t, before-1_000, e.balance(e.inst.addr, BondDenom), "the granter paid")

	e.freeze(e.inst.addr)
	before, collected := e.balance(e.inst.addr, BondDenom), e.feeCollected()
	r = e.deliverFee(feeTx{signers: []*detAccount{e.feeder}, msgs: []sdk.Msg{send}, fee: uclear(1_000), granter: e.inst.addr})
	require.NotZero(t, r.Code, "a frozen granter paid a fee")
	require.Contains(t, r.Log, "fee granter "+e.inst.addr.String()+" is frozen")
	require.Equal(t, before, e.balance(e.inst.addr, BondDenom))
	require.Equal(t, collected, e.feeCollected())
	require.NotZero(t, e.checkTx(feeTx{signers: []*detAccount{e.feeder}, msgs: []sdk.Msg{send}, fee: uclear(1_000), granter: e.inst.addr}).Code,
		"CheckTx admits it")
}

func TestFees_FrozenFeePayerCannotPay(t *testing.T) {
	e := newGateEnv(t)
	e.freeze(e.inst.addr)
	send := &banktypes.MsgSend{FromAddress: e.feeder.addr.String(), ToAddress: e.issuer.addr.String(), Amount: uclear(1)}
	before := e.balance(e.inst.addr, BondDenom)
	r := e.deliverFee(feeTx{signers: []*detAccount{e.feeder, e.inst}, msgs: []sdk.Msg{send}, fee: uclear(1_000), payer: e.inst.addr})
	require.NotZero(t, r.Code, "a frozen fee payer paid a fee")
	require.Contains(t, r.Log, "fee payer "+e.inst.addr.String()+" is frozen")
	require.Equal(t, before, e.balance(e.inst.addr, BondDenom))
}

// restrictedAsset has the issuer create a restricted asset and mint it to
// the institution.
func (e *gateEnv) restrictedAsset() string {
	denom, err := assetstypes.Denom(e.issuer.addr.String(), "rgc")
	require.NoError(e.t, err)
	e.mustDeliver(e.issuer,
		&assetstypes.MsgCreateAsset{Issuer: e.issuer.addr.String(), Symbol: "rgc", Name: "Restricted credit",
			Class: assetstypes.ClassGreenCredit, Restricted: true, SupplyCap: sdkmath.ZeroInt()},
		&assetstypes.MsgMint{Admin: e.issuer.addr.String(), Denom: denom, Amount: sdkmath.NewInt(1_000_000), Recipient: e.inst.addr.String()})
	return denom
}

func TestFees_RestrictedAssetCannotPayFees(t *testing.T) {
	e := newGateEnv(t)
	denom := e.restrictedAsset()
	send := &banktypes.MsgSend{FromAddress: e.inst.addr.String(), ToAddress: e.issuer.addr.String(), Amount: uclear(1)}
	fee := sdk.NewCoins(sdk.NewInt64Coin(denom, 500))
	r := e.deliverFee(feeTx{signers: []*detAccount{e.inst}, msgs: []sdk.Msg{send}, fee: fee})
	require.NotZero(t, r.Code, "a restricted asset paid fees")
	require.Contains(t, r.Log, "restricted asset "+denom+" may not pay fees")
	require.Equal(t, int64(1_000_000), e.balance(e.inst.addr, denom))
	require.Zero(t, e.balance(authtypes.NewModuleAddress(authtypes.FeeCollectorName), denom))
}

func TestFees_RestrictedAssetCannotFundDistribution(t *testing.T) {
	e := newGateEnv(t)
	denom := e.restrictedAsset()
	amt := sdk.NewCoins(sdk.NewInt64Coin(denom, 500))
	vals, err := e.app.StakingKeeper.GetAllValidators(e.ctx())
	require.NoError(t, err)
	require.NotEmpty(t, vals)
	for _, msg := range []sdk.Msg{
		&distrtypes.MsgFundCommunityPool{Depositor: e.inst.addr.String(), Amount: amt},
		&distrtypes.MsgDepositValidatorRewardsPool{Depositor: e.inst.addr.String(), ValidatorAddress: vals[0].OperatorAddress, Amount: amt},
	} {
		e.refused(e.inst, []sdk.Msg{msg}, "restricted asset "+denom+" may not fund distribution")
	}
	require.Equal(t, int64(1_000_000), e.balance(e.inst.addr, denom))
	require.Zero(t, e.balance(authtypes.NewModuleAddress(distrtypes.ModuleName), denom))
	// Unrestricted coins still fund the pool.
	e.mustDeliver(e.inst, &distrtypes.MsgFundCommunityPool{Depositor: e.inst.addr.String(), Amount: uclear(10)})
}

// Who may transact: a signer without an active licence pays at least the
// unlicensed minimum fee, in CheckTx (the mempool) and in blocks; licensed
// accounts and the regulator may send free txs.
func TestWhoMayTransact_UnlicensedSignerPaysMinimumFee(t *testing.T) {
	e := newGateEnv(t)
	send := func(from *detAccount) []sdk.Msg {
		return []sdk.Msg{&banktypes.MsgSend{FromAddress: from.addr.String(), ToAddress: e.issuer.addr.String(), Amount: uclear(1)}}
	}
	const gas = 200_000
	need := UnlicensedMinGasPrice().Amount.MulInt64(gas).Ceil().TruncateInt64() // 500uclear
	require.Positive(t, need)

	free := feeTx{signers: []*detAccount{e.plain}, msgs: send(e.plain), gas: gas}
	res := e.checkTx(free)
	require.NotZero(t, res.Code, "the mempool admits a free tx of an unlicensed account")
	require.Contains(t, res.Log, "holds no active licence")
	before := e.balance(e.plain.addr, BondDenom)
	r := e.deliverFee(free)
	require.NotZero(t, r.Code, "a block carries a free tx of an unlicensed account")
	require.Contains(t, r.Log, "insufficient fee")
	short := feeTx{signers: []*detAccount{e.plain}, msgs: send(e.plain), gas: gas, fee: uclear(need - 1)}
	require.NotZero(t, e.deliverFee(short).Code)
	require.Equal(t, before, e.balance(e.plain.addr, BondDenom), "refused txs cost nothing")

	paid := feeTx{signers: []*detAccount{e.plain}, msgs: send(e.plain), gas: gas, fee: uclear(need)}
	require.Zero(t, e.checkTx(paid).Code)
	r = e.deliverFee(paid)
	require.Zero(t, r.Code, r.Log)
	require.Equal(t, before-need-1, e.balance(e.plain.addr, BondDenom))

	for _, a := range []*detAccount{e.inst, e.regulator} {
		r = e.deliverFee(feeTx{signers: []*detAccount{a}, msgs: send(a), gas: gas})
		require.Zero(t, r.Code, "%s: %s", a.name, r.Log)
	}
}
