package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// What EndBlock keeps in state besides the books and the queues, in genesis
// (fields 15-17): the statuses of the orders finished within the status
// window, the fills of the live orders that partly filled, the recent-trades
// rings and the volume buckets. With them an exported chain imported into a
// fresh app answers the same status queries and runs the next blocks the
// same way (a modify's new open quantity is its new total minus its fills).

// exportStatusGenesis adds that state to gs.
func (k Keeper) exportStatusGenesis(ctx context.Context, gs *types.GenesisState) error {
	err := k.StatusBlocks.Walk(ctx, nil, func(h int64, bz []byte) (bool, error) {
		b := types.GenesisStatusBlock{Height: h}
		if err := types.DecodeStatuses(bz, func(st *types.OrderStatus) bool {
			b.Statuses = append(b.Statuses, *st)
			return true
		}); err != nil {
			return true, errorsmod.Wrapf(types.ErrInvariant, "statuses of block %d: %v", h, err)
		}
		gs.StatusBlocks = append(gs.StatusBlocks, b)
		return false, nil
	})
	if err != nil {
		return err
	}
	if err := k.Filled.Walk(ctx, nil, func(id, q uint64) (bool, error) {
		gs.Filled = append(gs.Filled, types.GenesisStatusFilled{OrderId: id, Quantity: q})
		return false, nil
	}); err != nil {
		return err
	}
	if err := k.Trades.Walk(ctx, nil, func(key collections.Pair[uint64, uint64], t types.Trade) (bool, error) {
		gs.History.Trades = append(gs.History.Trades, types.GenesisStatusTrade{Slot: key.K2(), Trade: t})
		return false, nil
	}); err != nil {
		return err
	}
	return k.Volume.Walk(ctx, nil, func(key collections.Pair[uint64, uint64], v types.VolumeBucket) (bool, error) {
		gs.History.Volume = append(gs.History.Volume, types.GenesisStatusVolume{MarketId: key.K1(), Slot: key.K2(), Bucket: v})
		return false, nil
	})
}

// initStatusGenesis writes that state from gs (validated); the books'
// load (ensureLoaded) then indexes the statuses and fills in memory.
func (k Keeper) initStatusGenesis(ctx context.Context, gs *types.GenesisState) error {
	for _, b := range gs.StatusBlocks {
		var bz []byte
		for i := range b.Statuses {
			var err error
			if bz, err = types.AppendStatus(bz, &b.Statuses[i]); err != nil {
				return errorsmod.Wrapf(types.ErrInvalidGenesis, "status of order %d at height %d: %v", b.Statuses[i].OrderId, b.Height, err)
			}
		}
		if err := k.StatusBlocks.Set(ctx, b.Height, bz); err != nil {
			return err
		}
	}
	for _, f := range gs.Filled {
		if err := k.Filled.Set(ctx, f.OrderId, f.Quantity); err != nil {
			return err
		}
	}
	for _, t := range gs.History.Trades {
		if err := k.Trades.Set(ctx, collections.Join(t.Trade.MarketId, t.Slot), t.Trade); err != nil {
			return err
		}
	}
	for _, v := range gs.History.Volume {
		if err := k.Volume.Set(ctx, collections.Join(v.MarketId, v.Slot), v.Bucket); err != nil {
			return err
		}
	}
	return nil
}
