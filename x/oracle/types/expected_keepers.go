package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// FeederAuthorizer says whether an account may submit prices for licensed
// feeds. The app adapts x/compliance to it (ORACLE_FEEDER role). It may be
// nil: then the keeper relies on the compliance ante gate alone.
type FeederAuthorizer interface {
	IsOracleFeeder(ctx context.Context, addr sdk.AccAddress) bool
}
