package keeper

import (
	"context"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/assets/types"
)

// RegisterInvariants registers the module's state invariants.
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	ir.RegisterRoute(types.ModuleName, "supply-cap", func(ctx sdk.Context) (string, bool) {
		if err := k.CheckSupplyInvariant(ctx); err != nil {
			return sdk.FormatInvariant(types.ModuleName, "supply-cap", err.Error()), true
		}
		return sdk.FormatInvariant(types.ModuleName, "supply-cap", "ok"), false
	})
}

// CheckSupplyInvariant checks that every asset is stored under its own
// denom and that a capped asset's bank supply never exceeds its cap.
func (k Keeper) CheckSupplyInvariant(ctx context.Context) error {
	return k.Assets.Walk(ctx, nil, func(denom string, a types.Asset) (bool, error) {
		if a.Denom != denom {
			return true, fmt.Errorf("asset stored under %s has denom %s", denom, a.Denom)
		}
		if a.SupplyCap.IsPositive() {
			if supply := k.bank.GetSupply(ctx, denom).Amount; supply.GT(a.SupplyCap) {
				return true, fmt.Errorf("asset %s: supply %s exceeds its cap %s", denom, supply, a.SupplyCap)
			}
		}
		return false, nil
	})
}
