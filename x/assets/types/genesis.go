package types

import (
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// DefaultGenesis has no assets.
func DefaultGenesis() *GenesisState { return &GenesisState{} }

// Validate checks each asset and that denoms are unique.
func (gs GenesisState) Validate() error {
	seen := make(map[string]bool, len(gs.Assets))
	for _, a := range gs.Assets {
		if err := a.Validate(); err != nil {
			return fmt.Errorf("asset %s: %w", a.Denom, err)
		}
		if seen[a.Denom] {
			return fmt.Errorf("duplicate asset %s", a.Denom)
		}
		seen[a.Denom] = true
	}
	return nil
}

// Validate checks an asset record.
func (a Asset) Validate() error {
	if _, err := sdk.AccAddressFromBech32(a.Issuer); err != nil {
		return fmt.Errorf("issuer %q: %w", a.Issuer, err)
	}
	if _, err := sdk.AccAddressFromBech32(a.Admin); err != nil {
		return fmt.Errorf("admin %q: %w", a.Admin, err)
	}
	denom, err := Denom(a.Issuer, a.Symbol)
	if err != nil {
		return err
	}
	if denom != a.Denom {
		return fmt.Errorf("denom %q must be %q", a.Denom, denom)
	}
	if a.Class == ClassUnspecified || AssetClass_name[int32(a.Class)] == "" {
		return fmt.Errorf("invalid class %d", int32(a.Class))
	}
	if a.SupplyCap.IsNil() || a.SupplyCap.IsNegative() {
		return fmt.Errorf("supply cap must be zero (uncapped) or positive")
	}
	return nil
}
