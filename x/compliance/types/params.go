package types

import (
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	govtypes "github.com/cosmos/cosmos-sdk/x/gov/types"
)

const (
	// DefaultMaxExpiriesPerBlock is the default bound of the licence expiries
	// EndBlock processes in one block.
	DefaultMaxExpiriesPerBlock = 200
	// MaxMaxExpiriesPerBlock is the highest bound governance may set.
	MaxMaxExpiriesPerBlock = 10_000
)

// DefaultParams makes the gov module account the regulator; a chain's
// genesis replaces it with the regulator's key (cleard genesis set-regulator).
func DefaultParams() Params {
	return Params{
		Authority:           authtypes.NewModuleAddress(govtypes.ModuleName).String(),
		MaxExpiriesPerBlock: DefaultMaxExpiriesPerBlock,
	}
}

// Validate checks the params.
func (p Params) Validate() error {
	if _, err := sdk.AccAddressFromBech32(p.Authority); err != nil {
		return fmt.Errorf("authority %q: %w", p.Authority, err)
	}
	if p.MaxExpiriesPerBlock > MaxMaxExpiriesPerBlock {
		return fmt.Errorf("max_expiries_per_block %d above %d", p.MaxExpiriesPerBlock, MaxMaxExpiriesPerBlock)
	}
	return nil
}

// ExpiriesPerBlock is the bound EndBlock applies: max_expiries_per_block,
// or the default when it is 0.
func (p Params) ExpiriesPerBlock() int {
	if p.MaxExpiriesPerBlock == 0 {
		return DefaultMaxExpiriesPerBlock
	}
	return int(p.MaxExpiriesPerBlock)
}
