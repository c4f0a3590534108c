package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// TestAttackDepositWithdrawBypassTheKeeper: Deposit and Withdraw relied on
// the ante gate alone; through the msg server (a contract, authz, a
// governance-executed message) a frozen, revoked or unlicensed account moved
// funds. The keeper now asks compliance itself.
func TestAttackDepositWithdrawBypassTheKeeper(t *testing.T) {
	rc := newRegChain(t)
	frozen := rc.trader("frozen", 1, coin("uquote", 1_000))
	revoked := rc.trader("revoked", 1, coin("uquote", 1_000))
	stranger := addrOf("stranger")
	require.NoError(t, rc.bank.SendCoins(rc.ctx, frozen, stranger, sdk.NewCoins(coin("uquote", 10))))
	rc.deposit(frozen, coin("uquote", 500))
	rc.deposit(revoked, coin("uquote", 500))
	require.NoError(t, rc.comp.FreezeAccount(rc.ctx, rc.reg.String(), frozen, "aml investigation"))
	require.NoError(t, rc.comp.RevokeLicence(rc.ctx, rc.reg.String(), revoked, "licence withdrawn"))

	deposit := func(a sdk.AccAddress) func(sdk.Context) error {
		return func(ctx sdk.Context) error {
			_, err := rc.msgs.Deposit(ctx, &types.MsgDeposit{Owner: a.String(), Amount: coin("uquote", 10)})
			return err
		}
	}
	withdraw := func(a sdk.AccAddress) func(sdk.Context) error {
		return func(ctx sdk.Context) error {
			_, err := rc.msgs.Withdraw(ctx, &types.MsgWithdraw{Owner: a.String(), Amount: coin("uquote", 10)})
			return err
		}
	}
	for name, a := range map[string]sdk.AccAddress{"frozen": frozen, "revoked": revoked, "unlicensed": stranger, "issuer without trading role": rc.issuer} {
		t.Run(name, func(t *testing.T) {
			rc.t = t
			rc.refused(types.ErrIneligible, deposit(a))
			rc.refused(types.ErrIneligible, withdraw(a))
		})
	}
}
