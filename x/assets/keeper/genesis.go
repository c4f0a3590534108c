package keeper

import (
	"context"

	"cosmossdk.io/collections"

	"github.com/clearchain/clearchain/x/assets/types"
)

// InitGenesis loads a validated genesis: the asset records and the
// share-move queues (pending moves and each admin's last sequence).
// Balances and metadata are bank's.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	for _, a := range gs.Assets {
		if err := k.Assets.Set(ctx, a.Denom, a); err != nil {
			return err
		}
	}
	for _, s := range gs.MoveSeqs {
		if err := k.MoveSeq.Set(ctx, s.Admin, s.Seq); err != nil {
			return err
		}
	}
	for _, m := range gs.Moves {
		if err := k.Moves.Set(ctx, collections.Join(m.Admin, m.Seq), types.ShareMove{
			Seq: m.Seq, Denom: m.Denom, From: m.From, To: m.To, Amount: m.Amount, Height: m.Height,
		}); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis exports every asset in denom order, then the share-move
// queues in (admin, sequence) order and each admin's last sequence.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	err := k.Assets.Walk(ctx, nil, func(_ string, a types.Asset) (bool, error) {
		gs.Assets = append(gs.Assets, a)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Moves.Walk(ctx, nil, func(key collections.Pair[string, uint64], m types.ShareMove) (bool, error) {
		gs.Moves = append(gs.Moves, types.GenesisShareMove{
			Admin: key.K1(), Seq: key.K2(), Denom: m.Denom, From: m.From, To: m.To, Amount: m.Amount, Height: m.Height,
		})
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.MoveSeq.Walk(ctx, nil, func(admin string, seq uint64) (bool, error) {
		gs.MoveSeqs = append(gs.MoveSeqs, types.GenesisMoveSeq{Admin: admin, Seq: seq})
		return false, nil
	})
	return gs, err
}
