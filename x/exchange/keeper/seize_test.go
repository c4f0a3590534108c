package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// TestSeizeFreeClawsBackAnExchangeBalance: the regulator's clawback reaches
// the free exchange balance (restricted and paused assets included), moves
// it to the recipient's bank balance and keeps the module balance
// invariant; a short free balance (locked funds do not count) or a blocked
// recipient fails, changing nothing.
func TestSeizeFreeClawsBackAnExchangeBalance(t *testing.T) {
	rc, id, gcr, _, seller, _ := restrictedMarket(t)
	vault := rc.trader("vault", 3)
	rc.mustPlace(seller, limit(id, types.Side_SIDE_SELL, 900, 10)) // locks 1000
	require.NoError(t, rc.tryEndBlock())
	require.NoError(t, rc.tx(func(ctx sdk.Context) error { return rc.assets.SetPaused(ctx, rc.issuer, gcr, true) }))

	free, err := rc.k.FreeBalance(rc.ctx, seller, gcr)
	require.NoError(t, err)
	require.Equal(t, sdkmath.NewInt(9_000), free)

	// Short: 9001 > free 9000 (1000 more are locked).
	rc.refused(types.ErrInsufficientBalance, func(ctx sdk.Context) error {
		return rc.k.SeizeFree(ctx, seller, vault, sdk.NewCoins(coin(gcr, 9_001)))
	})
	// A blocked recipient (a module account) is refused by the bank.
	modAddr := authtypes.NewModuleAddress(types.ModuleName)
	rc.blocked[modAddr.String()] = true
	before := rc.snapshot()
	require.Error(t, rc.tx(func(ctx sdk.Context) error {
		return rc.k.SeizeFree(ctx, seller, modAddr, sdk.NewCoins(coin(gcr, 1)))
	}))
	require.Equal(t, before, rc.snapshot())

	require.NoError(t, rc.tx(func(ctx sdk.Context) error {
		return rc.k.SeizeFree(ctx, seller, vault, sdk.NewCoins(coin(gcr, 9_000)))
	}))
	f, l := rc.bal(seller, gcr)
	require.Zero(t, f)
	require.Equal(t, int64(1_000), l)
	require.Equal(t, int64(9_000), rc.bank.GetBalance(rc.ctx, vault, gcr).Amount.Int64())
	require.NoError(t, rc.k.CheckBalanceInvariant(rc.ctx))
	require.NoError(t, rc.tryEndBlock())
}
