package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of the assets module. Codes are stable.
var (
	ErrInvalidAsset   = errorsmod.Register(ModuleName, 2, "invalid asset")
	ErrAssetExists    = errorsmod.Register(ModuleName, 3, "asset already exists")
	ErrAssetNotFound  = errorsmod.Register(ModuleName, 4, "asset not found")
	ErrNotIssuer      = errorsmod.Register(ModuleName, 5, "not a licensed issuer")
	ErrNotAdmin       = errorsmod.Register(ModuleName, 6, "not the asset admin")
	ErrPaused         = errorsmod.Register(ModuleName, 7, "asset paused")
	ErrSupplyCap      = errorsmod.Register(ModuleName, 8, "supply cap exceeded")
	ErrInvalidAmount  = errorsmod.Register(ModuleName, 9, "invalid amount")
	ErrInvalidAddress = errorsmod.Register(ModuleName, 10, "invalid address")
	ErrNoChange       = errorsmod.Register(ModuleName, 11, "nothing to change")
)
