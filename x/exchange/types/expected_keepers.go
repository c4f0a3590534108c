package types

import (
	"context"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// BankKeeper is what the exchange needs from x/bank.
type BankKeeper interface {
	SendCoinsFromAccountToModule(ctx context.Context, sender sdk.AccAddress, recipientModule string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipient sdk.AccAddress, amt sdk.Coins) error
	SendCoinsFromModuleToModule(ctx context.Context, senderModule, recipientModule string, amt sdk.Coins) error
	GetBalance(ctx context.Context, addr sdk.AccAddress, denom string) sdk.Coin
	GetAllBalances(ctx context.Context, addr sdk.AccAddress) sdk.Coins
}

// ComplianceKeeper is what the exchange needs from x/compliance. A nil
// ComplianceKeeper admits everyone (chains without x/compliance, tests).
type ComplianceKeeper interface {
	// EntityOf returns the legal entity of a licensed account; orders of one
	// entity never trade with each other (self-trade prevention).
	EntityOf(ctx context.Context, addr sdk.AccAddress) (uint64, error)
	// IsMarketMaker reports whether addr holds the MARKET_MAKER role.
	IsMarketMaker(ctx context.Context, addr sdk.AccAddress) bool
	// CheckTrade returns an error unless addr may trade subject
	// ("market/{id}") in denoms.
	CheckTrade(ctx context.Context, addr sdk.AccAddress, subject string, denoms ...string) error
	// Authority returns the regulator (empty if none): the signer of
	// MsgForceCancel.
	Authority(ctx context.Context) string
	// RecordAudit appends a record to the compliance audit trail.
	RecordAudit(ctx context.Context, actor, action, subject, details string) (uint64, error)
}

// OraclePriceSource gives a market the price of the oracle feed it names,
// in the market's ticks (x/oracle). It is optional: without it, or for a
// market that names no feed, the reference is the market's last trade
// price.
type OraclePriceSource interface {
	// TickPrice returns the fresh price of feed converted into ticks of a
	// market whose tick is tickSize quote units per lot of lotSize base
	// units: mantissa * 10^exponent * lotSize / (10^decimals * tickSize),
	// rounded half up. ok is false when the feed is unknown, has no price,
	// its price is stale or held by its deviation breaker, or the converted
	// price is below one tick or does not fit an int64.
	TickPrice(ctx context.Context, feed string, exponent int32, tickSize, lotSize sdkmath.Int) (ticks int64, ok bool)
	// HasFeed reports whether feed is registered.
	HasFeed(ctx context.Context, feed string) bool
}

// AssetRegistry tells the exchange which denoms are paused or restricted
// (x/assets). It is optional: without it no denom is either.
type AssetRegistry interface {
	IsPaused(ctx context.Context, denom string) bool
	IsRestricted(ctx context.Context, denom string) bool
}
