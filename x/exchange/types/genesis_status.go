package types

import errorsmod "cosmossdk.io/errors"

// validateStatus checks genesis fields 15-17 (statuses, fills of live
// orders, trade and volume history): unique keys, known markets and
// orders, and ring slots inside the rings.
func (gs GenesisState) validateStatus(markets map[uint64]bool) error {
	heights := make(map[int64]bool, len(gs.StatusBlocks))
	for _, b := range gs.StatusBlocks {
		if b.Height <= 0 || heights[b.Height] || len(b.Statuses) == 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "status block at height %d: not positive, duplicate or empty", b.Height)
		}
		heights[b.Height] = true
		for _, st := range b.Statuses {
			if st.OrderId == 0 || st.OrderId >= gs.NextOrderId || !markets[st.MarketId] {
				return errorsmod.Wrapf(ErrInvalidGenesis, "status of order %d (market %d) at height %d", st.OrderId, st.MarketId, b.Height)
			}
		}
	}
	filled := make(map[uint64]bool, len(gs.Filled))
	for _, f := range gs.Filled {
		if f.OrderId == 0 || f.OrderId >= gs.NextOrderId || filled[f.OrderId] || f.Quantity == 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "fills of order %d: unknown, duplicate or zero", f.OrderId)
		}
		filled[f.OrderId] = true
	}
	type slot struct{ market, slot uint64 }
	seen := map[slot]bool{}
	for _, t := range gs.History.Trades {
		k := slot{t.Trade.MarketId, t.Slot}
		if !markets[k.market] || seen[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "trade slot %d of market %d: unknown market or duplicate", t.Slot, k.market)
		}
		seen[k] = true
	}
	clear(seen)
	for _, v := range gs.History.Volume {
		k := slot{v.MarketId, v.Slot}
		if !markets[k.market] || seen[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "volume slot %d of market %d: unknown market or duplicate", v.Slot, k.market)
		}
		seen[k] = true
	}
	return nil
}
