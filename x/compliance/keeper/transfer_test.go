package keeper_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	assetskeeper "github.com/clearchain/clearchain/x/assets/keeper"
	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	"github.com/clearchain/clearchain/x/compliance/testutil"
	"github.com/clearchain/clearchain/x/compliance/types"
)

// testExchange is a small in-test ExchangeLedger over the fixture's real
// bank keeper: the free balances are coins held by an "exchange" module
// account, credited per owner in a map. (The real x/exchange ledger is built
// in another branch; this stands in for it with real bank transfers.)
type testExchange struct {
	f    *testutil.Fixture
	addr sdk.AccAddress
	free map[string]sdk.Coins
}

func newTestExchange(t *testing.T, f *testutil.Fixture) *testExchange {
	acc := authtypes.NewEmptyModuleAccount("exchange")
	f.Accounts.SetAccount(f.Ctx, f.Accounts.NewAccount(f.Ctx, acc))
	return &testExchange{f: f, addr: acc.GetAddress(), free: map[string]sdk.Coins{}}
}

// deposit moves coins from owner's bank balance to its free exchange balance.
func (e *testExchange) deposit(t *testing.T, owner sdk.AccAddress, amt sdk.Coins) {
	require.NoError(t, e.f.Bank.SendCoins(e.f.Ctx, owner, e.addr, amt))
	e.free[owner.String()] = e.free[owner.String()].Add(amt...)
}

func (e *testExchange) FreeBalance(_ context.Context, owner sdk.AccAddress, denom string) (sdkmath.Int, error) {
	return e.free[owner.String()].AmountOf(denom), nil
}

func (e *testExchange) SeizeFree(ctx context.Context, owner, to sdk.AccAddress, amt sdk.Coins) error {
	left, neg := e.free[owner.String()].SafeSub(amt...)
	if neg {
		return errorsmod.Wrapf(sdkerrors.ErrInsufficientFunds, "free %s < %s", e.free[owner.String()], amt)
	}
	// As a keeper does: unwrap the SDK context before calling bank.
	if err := e.f.Bank.SendCoins(sdk.UnwrapSDKContext(ctx), e.addr, to, amt); err != nil {
		return err
	}
	e.free[owner.String()] = left
	return nil
}

// restricted: a restricted asset, 100 minted to alice.
func restricted(t *testing.T, f *testutil.Fixture) (issuer sdk.AccAddress, denom string) {
	issuer = testutil.Addr("issuer")
	f.License(t, issuer, 1, time.Time{}, types.RoleIssuer)
	f.License(t, bob, 2, time.Time{}, types.RoleInstitution)
	a, err := f.Assets.CreateAsset(f.Ctx, issuer, assetskeeper.CreateParams{
		Symbol: "gcr", Name: "Green credit", Class: assetstypes.ClassGreenCredit, Restricted: true, SupplyCap: sdkmath.ZeroInt(),
	})
	require.NoError(t, err)
	require.NoError(t, f.Assets.Mint(f.Ctx, issuer, a.Denom, sdkmath.NewInt(100), alice))
	return issuer, a.Denom
}

// The attack: the regulator key (or whoever holds it) drains the exchange
// module account with a forced transfer, breaking the exchange's balance
// invariant (its module balance = the sum of its ledger).
func TestForceTransfer_DrainExchangeModuleAccountRefused(t *testing.T) {
	f, m := setup(t)
	issuer, denom := restricted(t, f)
	ex := newTestExchange(t, f)
	ex.deposit(t, alice, sdk.NewCoins(sdk.NewInt64Coin(denom, 60)))
	f.Compliance.SetExchangeLedger(ex)
	before := f.State(t)

	coins := sdk.NewCoins(sdk.NewInt64Coin(denom, 60))
	_, err := m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: f.Regulator.String(), From: ex.addr.String(), To: issuer.String(), Amount: coins, Reason: "drain"})
	require.ErrorIs(t, err, types.ErrInvalidTransfer)
	require.ErrorContains(t, err, "module account")
	require.Equal(t, before, f.State(t), "refused: nothing moved")
	require.Equal(t, int64(60), ex.free[alice.String()].AmountOf(denom).Int64())

	// Nor into a module account.
	_, err = m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: f.Regulator.String(), From: alice.String(), To: ex.addr.String(), Amount: sdk.NewCoins(sdk.NewInt64Coin(denom, 10)), Reason: "park"})
	require.ErrorIs(t, err, types.ErrInvalidTransfer)
	require.Equal(t, before, f.State(t))
}

func TestForceTransfer_BlockedAddressRefused(t *testing.T) {
	f, m := setup(t)
	_, denom := restricted(t, f)
	before := f.State(t)
	_, err := m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: f.Regulator.String(), From: alice.String(), To: testutil.BlockedAddr.String(), Amount: sdk.NewCoins(sdk.NewInt64Coin(denom, 10)), Reason: "x"})
	require.ErrorIs(t, err, types.ErrInvalidTransfer)
	require.ErrorContains(t, err, "blocked")
	_, err = m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: f.Regulator.String(), From: testutil.BlockedAddr.String(), To: alice.String(), Amount: sdk.NewCoins(sdk.NewInt64Coin(denom, 10)), Reason: "x"})
	require.ErrorIs(t, err, types.ErrInvalidTransfer)
	require.Equal(t, before, f.State(t))
}

// Bank balance first, the rest from the free exchange balance.
func TestForceTransfer_ReachesTheFreeExchangeBalance(t *testing.T) {
	f, m := setup(t)
	issuer, denom := restricted(t, f)
	ex := newTestExchange(t, f)
	ex.deposit(t, alice, sdk.NewCoins(sdk.NewInt64Coin(denom, 70))) // bank 30, exchange 70
	f.Compliance.SetExchangeLedger(ex)

	_, err := m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: f.Regulator.String(), From: alice.String(), To: issuer.String(),
		Amount: sdk.NewCoins(sdk.NewInt64Coin(denom, 80)), Reason: "court order 12"})
	require.NoError(t, err)
	require.Equal(t, int64(0), f.Bank.GetBalance(f.Ctx, alice, denom).Amount.Int64())
	require.Equal(t, int64(20), ex.free[alice.String()].AmountOf(denom).Int64())
	require.Equal(t, int64(20), f.Bank.GetBalance(f.Ctx, ex.addr, denom).Amount.Int64(), "the exchange's module balance still equals its ledger")
	require.Equal(t, int64(80), f.Bank.GetBalance(f.Ctx, issuer, denom).Amount.Int64())
	head, _, err := f.Compliance.AuditHead(f.Ctx)
	require.NoError(t, err)
	rec, err := f.Compliance.GetAuditRecord(f.Ctx, head)
	require.NoError(t, err)
	require.Equal(t, types.ActionForceTransfer, rec.Action)
	require.Contains(t, rec.Details, "bank=30")
	require.Contains(t, rec.Details, "exchange=50")
	require.Contains(t, rec.Details, "court order 12")

	// More than bank + free: refused, nothing moves.
	before := f.State(t)
	_, err = m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: f.Regulator.String(), From: alice.String(), To: issuer.String(),
		Amount: sdk.NewCoins(sdk.NewInt64Coin(denom, 21)), Reason: "again"})
	require.ErrorIs(t, err, sdkerrors.ErrInsufficientFunds)
	require.Equal(t, before, f.State(t))
	require.Equal(t, int64(20), ex.free[alice.String()].AmountOf(denom).Int64())
}

// Without an exchange ledger only the bank balance is reachable.
func TestForceTransfer_WithoutLedgerBankOnly(t *testing.T) {
	f, m := setup(t)
	issuer, denom := restricted(t, f)
	before := f.State(t)
	_, err := m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: f.Regulator.String(), From: alice.String(), To: issuer.String(),
		Amount: sdk.NewCoins(sdk.NewInt64Coin(denom, 101)), Reason: "x"})
	require.ErrorIs(t, err, sdkerrors.ErrInsufficientFunds)
	require.Equal(t, before, f.State(t))
}

// The clawback's recipient need not be eligible to hold the asset (the
// forced-transfer mark survives the ledger unwrapping the SDK context).
func TestForceTransfer_FromExchangeToAnIneligibleRecipient(t *testing.T) {
	f, m := setup(t)
	_, denom := restricted(t, f)
	ex := newTestExchange(t, f)
	ex.deposit(t, alice, sdk.NewCoins(sdk.NewInt64Coin(denom, 100)))
	f.Compliance.SetExchangeLedger(ex)
	_, err := m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: f.Regulator.String(), From: alice.String(), To: stranger.String(),
		Amount: sdk.NewCoins(sdk.NewInt64Coin(denom, 30)), Reason: "escrow under court order"})
	require.NoError(t, err)
	require.Equal(t, int64(30), f.Bank.GetBalance(f.Ctx, stranger, denom).Amount.Int64())
	require.Equal(t, int64(70), ex.free[alice.String()].AmountOf(denom).Int64())
}
