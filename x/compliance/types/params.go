package types

import (
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
)

// DefaultParams makes the gov module account the regulator; a chain's
// genesis replaces it with the regulator's key (cleard genesis set-regulator).
func DefaultParams() Params {
	return Params{Authority: authtypes.NewModuleAddress(govtypes.ModuleName).String()}
}

// Validate checks the params.
func (p Params) Validate() error {
	if _, err := sdk.AccAddressFromBech32(p.Authority); err != nil {
		return fmt.Errorf("authority %q: %w", p.Authority, err)
	}
	return nil
}
