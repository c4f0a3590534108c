package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

// BankKeeper is what assets needs from x/bank.
type BankKeeper interface {
	MintCoins(ctx context.Context, moduleName string, amt sdk.Coins) error
	BurnCoins(ctx context.Context, moduleName string, amt sdk.Coins) error
	SendCoinsFromModuleToAccount(ctx context.Context, senderModule string, recipientAddr sdk.AccAddress, amt sdk.Coins) error
	SendCoinsFromAccountToModule(ctx context.Context, senderAddr sdk.AccAddress, recipientModule string, amt sdk.Coins) error
	GetSupply(ctx context.Context, denom string) sdk.Coin
	SetDenomMetaData(ctx context.Context, denomMetaData banktypes.Metadata)
}

// ComplianceKeeper says who may issue, and keeps the audit trail.
type ComplianceKeeper interface {
	// HasRole reports a licence valid at the block time holding role.
	HasRole(ctx context.Context, addr sdk.AccAddress, role compliancetypes.Role) bool
	// IsFrozen reports a freeze.
	IsFrozen(ctx context.Context, addr sdk.AccAddress) bool
	AuditRecorder
}

// AuditRecorder appends records to x/compliance's audit trail.
type AuditRecorder interface {
	RecordAudit(ctx context.Context, actor, action, subject, details string) (uint64, error)
}
