// Package keeper holds the assets module's state and operations: asset
// records (admin, class, restricted and paused flags, supply cap), minting
// and burning through the module account, and the send restriction that
// stops transfers of paused assets and queues the moves of contract-administered
// data-asset shares for their contract to pull (moves.go). Its exported methods (GetAsset,
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
	// Moves is the queue of share moves per administering contract, and
	// MoveSeq its last sequence per admin (moves.go).
	Moves   collections.Map[collections.Pair[string, uint64], types.ShareMove]
	MoveSeq collections.Map[string, uint64]

	// tracking is shared by every copy of the keeper, so SetMoveTracking
	// reaches the send restriction whichever copy registered it.
	tracking *moveTracking
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
		Moves: collections.NewMap(sb, types.MovesKey, "moves",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), types.ShareMoveValue),
		MoveSeq:  collections.NewMap(sb, types.MoveSeqKey, "move_seq", collections.StringKey, collections.Uint64Value),
		tracking: &moveTracking{},
	}
	schema, err := sb.Build()
	if err != nil {
		return Keeper{}, fmt.Errorf("assets: building schema: %w", err)
	}
	k.Schema = schema
	return k, nil
}
