package keeper

import (
	"context"

	"github.com/clearchain/clearchain/x/assets/types"
)

// InitGenesis loads a validated genesis. Balances and metadata are bank's.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	for _, a := range gs.Assets {
		if err := k.Assets.Set(ctx, a.Denom, a); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis exports every asset in denom order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	err := k.Assets.Walk(ctx, nil, func(_ string, a types.Asset) (bool, error) {
		gs.Assets = append(gs.Assets, a)
		return false, nil
	})
	return gs, err
}
