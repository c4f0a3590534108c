package types

import errorsmod "cosmossdk.io/errors"

// Registered errors of the oracle module. Codes are stable.
var (
	ErrUnauthorized      = errorsmod.Register(ModuleName, 2, "signer is not the authority")
	ErrInvalidParams     = errorsmod.Register(ModuleName, 3, "invalid params")
	ErrInvalidFeed       = errorsmod.Register(ModuleName, 4, "invalid feed")
	ErrFeedNotFound      = errorsmod.Register(ModuleName, 5, "feed not found")
	ErrInvalidPrice      = errorsmod.Register(ModuleName, 6, "invalid price")
	ErrNotLicensedFeed   = errorsmod.Register(ModuleName, 7, "feed is not priced by licensed feeders")
	ErrNotOracleFeeder   = errorsmod.Register(ModuleName, 8, "signer is not a licensed oracle feeder")
	ErrInvalidAddress    = errorsmod.Register(ModuleName, 9, "invalid address")
	ErrInvalidGenesis    = errorsmod.Register(ModuleName, 10, "invalid genesis")
	ErrNoPrice           = errorsmod.Register(ModuleName, 11, "no price")
	ErrInvalidVoteExt    = errorsmod.Register(ModuleName, 12, "invalid vote extension")
	ErrInvalidInjectedTx = errorsmod.Register(ModuleName, 13, "invalid injected vote-extension tx")
	ErrEmptyWindow       = errorsmod.Register(ModuleName, 14, "no price in window")
	ErrDenomsTaken       = errorsmod.Register(ModuleName, 15, "denom pair already has a feed")
	ErrFeederNotAllowed  = errorsmod.Register(ModuleName, 16, "feeder is not allowed to price this feed")
	ErrInjectedVotesMsg  = errorsmod.Register(ModuleName, 17, "injected votes are put in the block by the proposer only")
)
