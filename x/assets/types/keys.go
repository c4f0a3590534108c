// Package types holds the assets module's types: the asset record, message
// and event protos, errors, store keys, denom rules and the interfaces the
// module needs from x/bank and x/compliance.
package types

import (
	"fmt"
	"regexp"
	"strings"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Audit actions: the issuer actions x/assets records on x/compliance's
// audit trail (actor: the issuer or admin; subject: the denom).
const (
	AuditCreate        = "asset_create"
	AuditMint          = "asset_mint"
	AuditBurn          = "asset_burn"
	AuditPause         = "asset_pause"
	AuditUnpause       = "asset_unpause"
	AuditTransferAdmin = "asset_transfer_admin"
)

const (
	// ModuleName is the module's name and the name of its module account
	// (Minter, Burner).
	ModuleName = "assets"
	// StoreKey is the module's KV store key.
	StoreKey = ModuleName
	// DenomPrefix starts every asset denom: asset/{issuer}/{symbol}.
	DenomPrefix = "asset/"
	// MaxDecimals bounds the display exponent.
	MaxDecimals = 18
	// MaxNameLength bounds an asset's name.
	MaxNameLength = 140
	// MaxURILength bounds the metadata URI and its hash.
	MaxURILength = 256
)

// Store prefixes. Each is declared once here and never reused.
var (
	AssetsKey = collections.NewPrefix(0)
	// MovesKey: (admin, seq) → ShareMove, the queue of bank moves of the
	// data-asset denoms a contract administers (keeper/moves.go).
	MovesKey = collections.NewPrefix(1)
	// MoveSeqKey: admin → the last move sequence given out.
	MoveSeqKey = collections.NewPrefix(2)
)

// symbolRe: a lower-case letter then 2-15 lower-case letters or digits. The
// minimum of 3 characters makes the symbol a valid sdk denom of its own (the
// display unit of the bank metadata): sdk.ValidateDenom needs
// [a-zA-Z][a-zA-Z0-9/:._-]{2,127}.
var symbolRe = regexp.MustCompile(`^[a-z][a-z0-9]{2,15}$`)

// ValidateSymbol checks an asset symbol.
func ValidateSymbol(symbol string) error {
	if !symbolRe.MatchString(symbol) {
		return fmt.Errorf("symbol %q must match [a-z][a-z0-9]{2,15}", symbol)
	}
	return nil
}

// Denom returns asset/{issuer}/{symbol} and checks it is a valid sdk denom.
func Denom(issuer, symbol string) (string, error) {
	if err := ValidateSymbol(symbol); err != nil {
		return "", err
	}
	denom := DenomPrefix + issuer + "/" + symbol
	if err := sdk.ValidateDenom(denom); err != nil {
		return "", err
	}
	return denom, nil
}

// IsAssetDenom reports whether denom has the asset/ prefix.
func IsAssetDenom(denom string) bool { return strings.HasPrefix(denom, DenomPrefix) }

// IssuerPrefix is the denom prefix of every asset of issuer.
func IssuerPrefix(issuer string) string { return DenomPrefix + issuer + "/" }
