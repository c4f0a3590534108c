package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// CheckBalanceInvariant returns an error unless, for every denom, the module
// account's bank balance equals the sum of the exchange balances (free +
// locked).
func (k Keeper) CheckBalanceInvariant(ctx context.Context) error {
	sums := map[string]sdkmath.Int{}
	var denoms []string
	err := k.Balances.Walk(ctx, nil, func(key collections.Pair[sdk.AccAddress, string], b types.Balance) (bool, error) {
		if b.Free.IsNegative() || b.Locked.IsNegative() {
			return true, fmt.Errorf("%w: negative balance %s %s", types.ErrInvariant, key.K1(), key.K2())
		}
		d := key.K2()
		s, ok := sums[d]
		if !ok {
			s = sdkmath.ZeroInt()
			denoms = append(denoms, d)
		}
		sums[d] = s.Add(b.Free).Add(b.Locked)
		return false, nil
	})
	if err != nil {
		return err
	}
	modAddr := authtypes.NewModuleAddress(types.ModuleName)
	held := k.bank.GetAllBalances(ctx, modAddr)
	for _, c := range held {
		if _, ok := sums[c.Denom]; !ok {
			sums[c.Denom] = sdkmath.ZeroInt()
			denoms = append(denoms, c.Denom)
		}
	}
	sortStrings(denoms)
	for _, d := range denoms {
		if got := held.AmountOf(d); !got.Equal(sums[d]) {
			return fmt.Errorf("%w: module holds %s%s, exchange balances sum to %s%s", types.ErrInvariant, got, d, sums[d], d)
		}
	}
	return nil
}

// RegisterInvariants registers the balance invariant (crisis-style).
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	ir.RegisterRoute(types.ModuleName, "module-balance", BalanceInvariant(k))
}

// BalanceInvariant is CheckBalanceInvariant as an sdk.Invariant.
func BalanceInvariant(k Keeper) sdk.Invariant {
	return func(ctx sdk.Context) (string, bool) {
		if err := k.CheckBalanceInvariant(ctx); err != nil {
			return sdk.FormatInvariant(types.ModuleName, "module-balance", err.Error()), true
		}
		return sdk.FormatInvariant(types.ModuleName, "module-balance", "ok"), false
	}
}
