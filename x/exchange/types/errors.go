package types

import errorsmod "cosmossdk.io/errors"

// Errors of the exchange module; codes are stable.
var (
	ErrInvalidParams       = errorsmod.Register(ModuleName, 2, "invalid params")
	ErrUnauthorized        = errorsmod.Register(ModuleName, 3, "not the authority")
	ErrInvalidMarket       = errorsmod.Register(ModuleName, 4, "invalid market")
	ErrMarketNotFound      = errorsmod.Register(ModuleName, 5, "market not found")
	ErrMarketHalted        = errorsmod.Register(ModuleName, 6, "market halted")
	ErrMarketStatus        = errorsmod.Register(ModuleName, 7, "order not allowed by the market status")
	ErrInvalidOrder        = errorsmod.Register(ModuleName, 8, "invalid order")
	ErrBadTick             = errorsmod.Register(ModuleName, 9, "price out of range")
	ErrBadLot              = errorsmod.Register(ModuleName, 10, "quantity out of range")
	ErrMinNotional         = errorsmod.Register(ModuleName, 11, "below min notional")
	ErrOutsideBand         = errorsmod.Register(ModuleName, 12, "price outside the band")
	ErrInsufficientBalance = errorsmod.Register(ModuleName, 13, "insufficient exchange balance")
	ErrIneligible          = errorsmod.Register(ModuleName, 14, "not eligible")
	ErrBatchTooLarge       = errorsmod.Register(ModuleName, 15, "batch too large")
	ErrOrderNotFound       = errorsmod.Register(ModuleName, 16, "order not found")
	ErrNotOwner            = errorsmod.Register(ModuleName, 17, "order belongs to another owner")
	ErrInvalidAmount       = errorsmod.Register(ModuleName, 18, "invalid amount")
	ErrInvalidHeartbeat    = errorsmod.Register(ModuleName, 19, "invalid heartbeat")
	ErrInvalidGenesis      = errorsmod.Register(ModuleName, 20, "invalid genesis")
	ErrInvariant           = errorsmod.Register(ModuleName, 21, "invariant broken")
	ErrAssetPaused         = errorsmod.Register(ModuleName, 22, "asset paused")
	ErrInvalidForceCancel  = errorsmod.Register(ModuleName, 23, "invalid force-cancel")
	// ErrDuplicateClientID: the owner already has a live order with this
	// client order id.
	ErrDuplicateClientID = errorsmod.Register(ModuleName, 40, "duplicate live client order id")
	// ErrOwnerOrderCap: the place would take the owner beyond
	// max_open_orders_per_owner orders in the market (reason owner-order-cap).
	ErrOwnerOrderCap = errorsmod.Register(ModuleName, 41, "owner order cap reached")
	// ErrLimitState: the market is in a limit state and the limit order is
	// priced beyond its limit prices (reason limit-state).
	ErrLimitState = errorsmod.Register(ModuleName, 42, "price beyond the limit state's limits")
)
