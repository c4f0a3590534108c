package types

import (
	"context"

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

// OraclePriceSource gives the reference price of a pair in the market's
// ticks. It is optional: without it (or without a price) the reference is
// the market's last trade price.
type OraclePriceSource interface {
	Price(ctx context.Context, base, quote string) (ticks int64, ok bool)
}

// AssetRegistry tells the exchange which denoms are paused or restricted
// (x/assets). It is optional: without it no denom is either.
type AssetRegistry interface {
	IsPaused(ctx context.Context, denom string) bool
	IsRestricted(ctx context.Context, denom string) bool
}
