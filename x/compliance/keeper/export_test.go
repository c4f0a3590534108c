package keeper_test

import (
	"time"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

func expiryPair(t time.Time, addr sdk.AccAddress) collections.Pair[time.Time, sdk.AccAddress] {
	return collections.Join(t.UTC(), addr)
}
