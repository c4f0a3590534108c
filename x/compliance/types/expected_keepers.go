package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// BankKeeper is what compliance needs from x/bank: the forced transfer.
type BankKeeper interface {
	SendCoins(ctx context.Context, from, to sdk.AccAddress, amt sdk.Coins) error
}

// AccountKeeper tells module accounts apart from user accounts.
type AccountKeeper interface {
	GetAccount(ctx context.Context, addr sdk.AccAddress) sdk.AccountI
}

// AssetRegistry tells which denoms are restricted (x/assets).
type AssetRegistry interface {
	IsRestricted(ctx context.Context, denom string) bool
}
