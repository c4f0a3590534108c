// Package keeper holds the assets module's state and operations: asset
// records (admin, class, restricted and paused flags, supply cap), minting
// and burning through the module account, and the send restriction that
// stops transfers of paused assets. Its exported methods (GetAsset,
// IsRestricted, IsPaused, Mint, Burn, TransferAdmin) are what a wasm binding
// calls on a contract admin's behalf.
package keeper

import (
	"fmt"

	"cosmossdk.io/collections"
	corestore "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	"github.com/clearchain/clearchain/x/assets/types"
)

// Keeper is the assets keeper.
type Keeper struct {
	cdc        codec.Codec
	bank       types.BankKeeper
	compliance types.ComplianceKeeper
	moduleAddr sdk.AccAddress

	Schema collections.Schema
	Assets collections.Map[string, types.Asset]
}

// NewKeeper builds the keeper.
func NewKeeper(cdc codec.Codec, storeService corestore.KVStoreService, bank types.BankKeeper, compliance types.ComplianceKeeper) (Keeper, error) {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:        cdc,
		bank:       bank,
		compliance: compliance,
		moduleAddr: authtypes.NewModuleAddress(types.ModuleName),
		Assets:     collections.NewMap(sb, types.AssetsKey, "assets", collections.StringKey, codec.CollValue[types.Asset](cdc)),
	}
	schema, err := sb.Build()
	if err != nil {
		return Keeper{}, fmt.Errorf("assets: building schema: %w", err)
	}
	k.Schema = schema
	return k, nil
}
