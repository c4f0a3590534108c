package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of the compliance module. Codes are stable.
var (
	ErrUnauthorized       = errorsmod.Register(ModuleName, 2, "signer is not the authority")
	ErrInvalidEntity      = errorsmod.Register(ModuleName, 3, "invalid entity")
	ErrEntityNotFound     = errorsmod.Register(ModuleName, 4, "entity not found")
	ErrDuplicateLEI       = errorsmod.Register(ModuleName, 5, "lei already registered")
	ErrInvalidLicence     = errorsmod.Register(ModuleName, 6, "invalid licence")
	ErrLicenceExists      = errorsmod.Register(ModuleName, 7, "account already licensed")
	ErrNoLicence          = errorsmod.Register(ModuleName, 8, "account holds no licence")
	ErrLicenceExpired     = errorsmod.Register(ModuleName, 9, "licence expired")
	ErrMissingRole        = errorsmod.Register(ModuleName, 10, "licence lacks role")
	ErrFrozen             = errorsmod.Register(ModuleName, 11, "account frozen")
	ErrNotFrozen          = errorsmod.Register(ModuleName, 12, "account not frozen")
	ErrJurisdiction       = errorsmod.Register(ModuleName, 13, "jurisdiction not allowed")
	ErrInvalidRule        = errorsmod.Register(ModuleName, 14, "invalid eligibility rule")
	ErrNotEligible        = errorsmod.Register(ModuleName, 15, "not eligible")
	ErrInvalidTransfer    = errorsmod.Register(ModuleName, 16, "invalid forced transfer")
	ErrInvalidAddress     = errorsmod.Register(ModuleName, 17, "invalid address")
	ErrInvalidGenesis     = errorsmod.Register(ModuleName, 18, "invalid genesis")
	ErrAuditNotFound      = errorsmod.Register(ModuleName, 19, "audit record not found")
	ErrRuleNotFound       = errorsmod.Register(ModuleName, 20, "eligibility rule not found")
	ErrInvalidParams      = errorsmod.Register(ModuleName, 21, "invalid params")
	ErrGateNestingTooDeep = errorsmod.Register(ModuleName, 22, "authz nesting too deep")
	ErrInvalidReason      = errorsmod.Register(ModuleName, 23, "invalid reason")
)
