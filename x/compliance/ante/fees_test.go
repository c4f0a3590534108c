package ante_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/clearchain/clearchain/x/compliance/ante"
	"github.com/clearchain/clearchain/x/compliance/testutil"
	"github.com/clearchain/clearchain/x/compliance/types"
)

type restrictedSet map[string]bool

func (r restrictedSet) IsRestricted(_ context.Context, denom string) bool { return r[denom] }

func TestFeeDecorator(t *testing.T) {
	stranger, alice := testutil.Addr("stranger"), testutil.Addr("alice")
	price := sdk.NewDecCoinFromDec("uclear", sdkmath.LegacyNewDecWithPrec(25, 4))
	cases := map[string]struct {
		signer   sdk.AccAddress
		fee      sdk.Coins
		height   int64
		simulate bool
		message  string
	}{
		"an unlicensed signer without fee is refused":   {signer: stranger, message: "holds no active licence: its tx pays at least 500uclear"},
		"an unlicensed signer paying the floor passes":  {signer: stranger, fee: sdk.NewCoins(sdk.NewInt64Coin("uclear", 500))},
		"an unlicensed signer paying less is refused":   {signer: stranger, fee: sdk.NewCoins(sdk.NewInt64Coin("uclear", 499)), message: "insufficient fee"},
		"the floor counts only its denom":               {signer: stranger, fee: sdk.NewCoins(sdk.NewInt64Coin("other", 5000)), message: "insufficient fee"},
		"a licensed signer sends free txs":              {signer: alice},
		"the regulator sends free txs":                  {signer: testutil.Addr("regulator")},
		"gas simulation is not charged":                 {signer: stranger, simulate: true},
		"genesis txs are not checked":                   {signer: stranger, height: 0},
		"a restricted asset never pays fees":            {signer: alice, fee: sdk.NewCoins(sdk.NewInt64Coin("asset/x/rgc", 1)), message: "restricted asset asset/x/rgc may not pay fees"},
		"a frozen fee payer is refused, even licensed":  {signer: testutil.Addr("frozen"), message: "is frozen"},
		"a restricted asset is refused even simulating": {signer: alice, simulate: true, fee: sdk.NewCoins(sdk.NewInt64Coin("asset/x/rgc", 1)), message: "may not pay fees"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f := testutil.NewFixture(t)
			e := f.Entity(t, "A", "5493001KJTIIGC8Y1R12", "DE", 0)
			f.License(t, alice, e, time.Time{}, types.RoleInstitution)
			f.License(t, testutil.Addr("frozen"), e, time.Time{}, types.RoleInstitution)
			require.NoError(t, f.Compliance.FreezeAccount(f.Ctx, f.Regulator.String(), testutil.Addr("frozen"), "aml"))
			b := f.TxConfig.NewTxBuilder()
			require.NoError(t, b.SetMsgs(banktypes.NewMsgSend(tc.signer, alice, sdk.NewCoins(sdk.NewInt64Coin("uclear", 1)))))
			b.SetGasLimit(200_000)
			b.SetFeeAmount(tc.fee)
			height := int64(5)
			if name == "genesis txs are not checked" {
				height = tc.height
			}
			called := false
			_, err := ante.NewFeeDecorator(f.Compliance, restrictedSet{"asset/x/rgc": true}, price).AnteHandle(
				f.Ctx.WithBlockHeight(height), b.GetTx(), tc.simulate,
				func(ctx sdk.Context, _ sdk.Tx, _ bool) (sdk.Context, error) { called = true; return ctx, nil })
			require.Equal(t, err == nil, called)
			if tc.message == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.message)
		})
	}
}
