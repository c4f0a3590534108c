package ante_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	"github.com/clearchain/clearchain/x/compliance/ante"
	"github.com/clearchain/clearchain/x/compliance/testutil"
	"github.com/clearchain/clearchain/x/compliance/types"
)

func table() *ante.GateTable {
	return ante.NewGateTable().
		Prefix("/clearchain.assets.", types.RoleIssuer).
		Prefix("/cosmos.bank.", types.RoleMarketMaker, types.RoleInstitution).
		Exact("/cosmos.bank.v1beta1.MsgMultiSend"). // any licence
		Exact("/cosmos.staking.v1beta1.MsgCreateValidator", types.RoleValidatorOperator)
}

// run passes a tx built by the tx config through the gate.
func run(t *testing.T, f *testutil.Fixture, ctx sdk.Context, msgs ...sdk.Msg) error {
	t.Helper()
	b := f.TxConfig.NewTxBuilder()
	require.NoError(t, b.SetMsgs(msgs...))
	bz, err := f.TxConfig.TxEncoder()(b.GetTx())
	require.NoError(t, err)
	tx, err := f.TxConfig.TxDecoder()(bz)
	require.NoError(t, err)
	called := false
	_, err = ante.NewGateDecorator(f.Compliance, table()).AnteHandle(ctx, tx, false,
		func(ctx sdk.Context, _ sdk.Tx, _ bool) (sdk.Context, error) { called = true; return ctx, nil })
	require.Equal(t, err == nil, called, "next runs exactly when the gate passes")
	return err
}

func TestGate(t *testing.T) {
	alice, mm, issuer, frozen, stranger, expired := testutil.Addr("alice"), testutil.Addr("mm"), testutil.Addr("issuer"),
		testutil.Addr("frozen"), testutil.Addr("stranger"), testutil.Addr("expired")
	send := func(from sdk.AccAddress) sdk.Msg {
		return banktypes.NewMsgSend(from, stranger, sdk.NewCoins(sdk.NewInt64Coin("uclear", 1)))
	}
	create := func(from sdk.AccAddress) sdk.Msg {
		return &assetstypes.MsgCreateAsset{Issuer: from.String(), Symbol: "abc", Name: "A", Class: assetstypes.ClassCash, SupplyCap: sdkmath.ZeroInt()}
	}
	exec := func(grantee sdk.AccAddress, inner sdk.Msg) sdk.Msg {
		m := authz.NewMsgExec(grantee, []sdk.Msg{inner})
		return &m
	}
	cases := map[string]struct {
		msgs    []sdk.Msg
		height  int64
		message string
	}{
		"an institution sends a gated message":          {msgs: []sdk.Msg{send(alice)}},
		"a market maker sends a gated message":          {msgs: []sdk.Msg{send(mm)}},
		"an unlicensed signer is refused":               {msgs: []sdk.Msg{send(stranger)}, message: "lacks licence role MARKET_MAKER or INSTITUTION for /cosmos.bank.v1beta1.MsgSend (no licence): unauthorized"},
		"an expired licence is refused":                 {msgs: []sdk.Msg{send(expired)}, message: "(licence expired)"},
		"the wrong role is refused":                     {msgs: []sdk.Msg{create(alice)}, message: "lacks licence role ISSUER for /clearchain.assets.v1.MsgCreateAsset"},
		"the right role passes":                         {msgs: []sdk.Msg{create(issuer)}},
		"a frozen signer is refused on any message":     {msgs: []sdk.Msg{&stakingtypes.MsgUndelegate{DelegatorAddress: frozen.String(), ValidatorAddress: sdk.ValAddress(frozen).String(), Amount: sdk.NewInt64Coin("uclear", 1)}}, message: "is frozen"},
		"an ungated message passes for anyone":          {msgs: []sdk.Msg{&stakingtypes.MsgUndelegate{DelegatorAddress: stranger.String(), ValidatorAddress: sdk.ValAddress(stranger).String(), Amount: sdk.NewInt64Coin("uclear", 1)}}},
		"an exact entry with no roles needs a licence":  {msgs: []sdk.Msg{&banktypes.MsgMultiSend{Inputs: []banktypes.Input{{Address: stranger.String(), Coins: sdk.NewCoins(sdk.NewInt64Coin("uclear", 1))}}}}, message: "lacks any licence role"},
		"an exact entry with no roles passes a licence": {msgs: []sdk.Msg{&banktypes.MsgMultiSend{Inputs: []banktypes.Input{{Address: issuer.String(), Coins: sdk.NewCoins(sdk.NewInt64Coin("uclear", 1))}}}}},
		"authz exec is unwrapped: granter checked":      {msgs: []sdk.Msg{exec(alice, send(stranger))}, message: "lacks licence role MARKET_MAKER or INSTITUTION"},
		"authz exec of a licensed granter passes":       {msgs: []sdk.Msg{exec(stranger, send(alice))}},
		"nested authz exec is unwrapped":                {msgs: []sdk.Msg{exec(alice, exec(alice, create(alice)))}, message: "lacks licence role ISSUER"},
		"one bad message refuses the tx":                {msgs: []sdk.Msg{send(alice), send(stranger)}, message: "no licence"},
		"the regulator passes":                          {msgs: []sdk.Msg{create(testutil.Addr("regulator"))}},
		"height 0 (genesis txs) is not gated":           {msgs: []sdk.Msg{send(stranger)}, height: 0},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := testutil.NewFixture(t)
			e := f.Entity(t, "A", "5493001KJTIIGC8Y1R12", "DE", 0)
			f.License(t, alice, e, time.Time{}, types.RoleInstitution)
			f.License(t, mm, e, time.Time{}, types.RoleMarketMaker)
			f.License(t, issuer, e, time.Time{}, types.RoleIssuer)
			f.License(t, frozen, e, time.Time{}, types.RoleInstitution)
			f.License(t, expired, e, testutil.BlockTime.Add(time.Hour), types.RoleInstitution)
			require.NoError(t, f.Compliance.FreezeAccount(f.Ctx, f.Regulator.String(), frozen, "aml"))
			ctx := f.Ctx.WithBlockTime(testutil.BlockTime.Add(time.Hour))
			if name == "height 0 (genesis txs) is not gated" {
				ctx = ctx.WithBlockHeight(0)
			}
			before := f.State(t)
			err := run(t, f, ctx, tc.msgs...)
			require.Equal(t, before, f.State(t), "the gate never writes")
			if tc.message == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.message)
		})
	}
}

func TestGateTable_Lookup(t *testing.T) {
	tb := ante.NewGateTable().
		Prefix("/clearchain.", types.RoleAuditor).
		Prefix("/clearchain.exchange.", types.RoleMarketMaker).
		Exact("/clearchain.exchange.v1.MsgCreateMarket")
	roles, ok := tb.Lookup("/clearchain.exchange.v1.MsgPlaceOrder")
	require.True(t, ok)
	require.Equal(t, []types.Role{types.RoleMarketMaker}, roles, "the longest prefix wins")
	roles, ok = tb.Lookup("/clearchain.exchange.v1.MsgCreateMarket")
	require.True(t, ok)
	require.Empty(t, roles, "exact entries win over prefixes")
	_, ok = tb.Lookup("/cosmos.bank.v1beta1.MsgSend")
	require.False(t, ok)
}

// Governance acts as an authority: the gov module account, exempted by the
// app, passes the check the router runs on the messages a proposal executes.
func TestGate_ExemptAuthorityAndRoutedCheck(t *testing.T) {
	f := testutil.NewFixture(t)
	gov := testutil.Addr("gov-module")
	create := &assetstypes.MsgCreateAsset{Issuer: gov.String(), Symbol: "abc", Name: "A", Class: assetstypes.ClassCash, SupplyCap: sdkmath.ZeroInt()}
	ctx := f.Ctx.WithBlockHeight(5)
	plain := ante.NewGateDecorator(f.Compliance, table())
	require.ErrorContains(t, plain.CheckRouted(ctx, create), "no licence")
	require.NoError(t, plain.WithExempt(gov.String()).CheckRouted(ctx, create))
	require.NoError(t, plain.CheckRouted(ctx.WithBlockHeight(0), create), "InitChain (gentxs) is not gated")
	require.NoError(t, f.Compliance.FreezeAccount(f.Ctx, f.Regulator.String(), testutil.Addr("frozen"), "aml"))
	send := banktypes.NewMsgSend(testutil.Addr("frozen"), gov, sdk.NewCoins(sdk.NewInt64Coin("uclear", 1)))
	require.ErrorContains(t, plain.WithExempt(gov.String()).CheckRouted(ctx, send), "is frozen")
}

// TestGateTableOpen: an Open type URL is ungated even under a gating prefix
// (an account whose licence ended may still cancel its own orders), while
// the rest of the prefix stays gated.
func TestGateTableOpen(t *testing.T) {
	tbl := ante.NewGateTable().
		Prefix("/clearchain.exchange.", types.RoleMarketMaker).
		Open("/clearchain.exchange.v1.MsgCancelOrder")
	roles, gated := tbl.Lookup("/clearchain.exchange.v1.MsgCancelOrder")
	require.False(t, gated)
	require.Empty(t, roles)
	roles, gated = tbl.Lookup("/clearchain.exchange.v1.MsgPlaceOrder")
	require.True(t, gated)
	require.Equal(t, []types.Role{types.RoleMarketMaker}, roles)
}
