// Package types holds the compliance module's types: state and message
// protos, errors, store keys, genesis and the interfaces it needs from other
// modules. It holds no state and makes no decisions that need the store.
package types

import (
	"context"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

const (
	// ModuleName is the module's name.
	ModuleName = "compliance"
	// StoreKey is the module's KV store key.
	StoreKey = ModuleName
)

// Store prefixes. Each is declared once here and never reused.
var (
	ParamsKey           = collections.NewPrefix(0)
	EntitiesKey         = collections.NewPrefix(1)
	NextEntityIDKey     = collections.NewPrefix(2)
	LicencesKey         = collections.NewPrefix(3)
	LicencesByEntityKey = collections.NewPrefix(4)
	FreezesKey          = collections.NewPrefix(5)
	RulesKey            = collections.NewPrefix(6)
	AuditKey            = collections.NewPrefix(7)
	NextAuditSeqKey     = collections.NewPrefix(8)
	EntityByLEIKey      = collections.NewPrefix(9)
	// ExpiryQueueKey indexes licence expiries: (expires_at, address).
	ExpiryQueueKey = collections.NewPrefix(10)
)

// Audit actions: the action field of an AuditRecord.
const (
	ActionUpdateParams     = "update_params"
	ActionRegisterEntity   = "register_entity"
	ActionUpdateEntity     = "update_entity"
	ActionGrantLicence     = "grant_licence"
	ActionUpdateLicence    = "update_licence"
	ActionRevokeLicence    = "revoke_licence"
	ActionFreeze           = "freeze"
	ActionUnfreeze         = "unfreeze"
	ActionSetRule          = "set_eligibility_rule"
	ActionForceTransfer    = "force_transfer"
	ActionLicenceExpired   = "licence_expired"
	EligibilityActionTrade = "trade"
	EligibilityActionHold  = "hold"
)

// MarketSubject is the eligibility subject of exchange market id.
func MarketSubject(id uint64) string {
	return "market/" + uitoa(id)
}

func uitoa(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}

type forcedTransferKey struct{}

// WithForcedTransfer marks ctx as carrying the regulator's forced transfer:
// send restrictions let it through. An sdk.Context keeps the mark inside
// itself, so a keeper that unwraps it (sdk.UnwrapSDKContext) keeps it too.
func WithForcedTransfer(ctx context.Context) context.Context {
	if sdkCtx, ok := ctx.(sdk.Context); ok {
		return sdkCtx.WithValue(forcedTransferKey{}, true)
	}
	return context.WithValue(ctx, forcedTransferKey{}, true)
}

// IsForcedTransfer reports whether ctx carries a forced transfer.
func IsForcedTransfer(ctx context.Context) bool {
	v, _ := ctx.Value(forcedTransferKey{}).(bool)
	return v
}
