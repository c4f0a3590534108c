package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// InitGenesis writes gs to the store and rebuilds the books from it.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, m := range gs.Markets {
		if err := k.Markets.Set(ctx, m.Id, m); err != nil {
			return err
		}
	}
	for _, s := range gs.MarketStates {
		if err := k.MarketStates.Set(ctx, s.MarketId, s); err != nil {
			return err
		}
	}
	for _, b := range gs.Balances {
		addr, err := sdk.AccAddressFromBech32(b.Address)
		if err != nil {
			return err
		}
		if err := k.setBalance(ctx, addr, b.Denom, b.Balance); err != nil {
			return err
		}
	}
	for _, o := range gs.Owners {
		addr, err := sdk.AccAddressFromBech32(o.Address)
		if err != nil {
			return err
		}
		if err := k.OwnerIDs.Set(ctx, addr, o.Id); err != nil {
			return err
		}
		if err := k.OwnerAddrs.Set(ctx, o.Id, addr); err != nil {
			return err
		}
	}
	for _, l := range gs.Levels {
		var kind uint32
		switch {
		case !l.Stop && l.Side == types.Side_SIDE_BUY:
			kind = types.LevelBid
		case !l.Stop:
			kind = types.LevelAsk
		case l.Side == types.Side_SIDE_BUY:
			kind = types.LevelStopBuy
		default:
			kind = types.LevelStopSel
		}
		bz, err := types.EncodeLevel(l.Orders)
		if err != nil {
			return errorsmod.Wrapf(err, "level %d of market %d", l.Price, l.MarketId)
		}
		if err := k.Levels.Set(ctx, collections.Join3(l.MarketId, kind, l.Price), bz); err != nil {
			return err
		}
	}
	for _, m := range gs.BookMetas {
		if err := k.BookMetas.Set(ctx, m.MarketId, m.Meta); err != nil {
			return err
		}
	}
	// The carry-over queue: one value (carry.go), before any block's.
	if err := k.setCarry(ctx, 0, gs.Pending); err != nil {
		return err
	}
	for _, h := range gs.Heartbeats {
		addr, err := sdk.AccAddressFromBech32(h.Owner)
		if err != nil {
			return err
		}
		if err := k.Heartbeats.Set(ctx, addr, h); err != nil {
			return err
		}
		if err := k.HeartbeatDue.Set(ctx, collections.Join(h.Deadline, addr)); err != nil {
			return err
		}
	}
	for _, t := range gs.Sweeps {
		if err := k.enqueueSweep(ctx, t); err != nil {
			return err
		}
	}
	for _, id := range gs.Doomed {
		if err := k.Doomed.Set(ctx, id); err != nil {
			return err
		}
	}
	if err := k.initStatusGenesis(ctx, gs); err != nil {
		return err
	}
	if err := k.initRateLimitGenesis(ctx, gs.RateLimits); err != nil {
		return err
	}
	if err := k.initContractOrders(ctx, gs.ContractOrders); err != nil {
		return err
	}
	for _, s := range []struct {
		seq  collections.Sequence
		next uint64
	}{{k.MarketSeq, gs.NextMarketId}, {k.OrderSeq, gs.NextOrderId}, {k.OwnerSeq, gs.NextOwnerId}} {
		// Sequences hold the last id issued; ids are seq+1.
		if err := s.seq.Set(ctx, s.next-1); err != nil {
			return err
		}
	}
	// Rebuild the books from what was just written.
	k.mem.mu.Lock()
	defer k.mem.mu.Unlock()
	k.mem.loaded = false
	if err := k.ensureLoaded(ctx); err != nil {
		return errorsmod.Wrap(err, "rebuilding books from genesis")
	}
	return nil
}

// ExportGenesis exports the module state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{Params: k.GetParams(ctx)}
	var err error
	walk := func(e error) {
		if err == nil {
			err = e
		}
	}
	walk(k.Markets.Walk(ctx, nil, func(_ uint64, m types.Market) (bool, error) {
		gs.Markets = append(gs.Markets, m)
		return false, nil
	}))
	walk(k.MarketStates.Walk(ctx, nil, func(_ uint64, s types.MarketState) (bool, error) {
		gs.MarketStates = append(gs.MarketStates, s)
		return false, nil
	}))
	walk(k.Balances.Walk(ctx, nil, func(key collections.Pair[sdk.AccAddress, string], b types.Balance) (bool, error) {
		gs.Balances = append(gs.Balances, types.AccountBalance{Address: key.K1().String(), Denom: key.K2(), Balance: b})
		return false, nil
	}))
	walk(k.OwnerAddrs.Walk(ctx, nil, func(id uint64, bz []byte) (bool, error) {
		gs.Owners = append(gs.Owners, types.GenesisOwner{Id: id, Address: sdk.AccAddress(bz).String()})
		return false, nil
	}))
	walk(k.Levels.Walk(ctx, nil, func(key collections.Triple[uint64, uint32, int64], bz []byte) (bool, error) {
		orders, err := types.DecodeLevelOrders(bz)
		if err != nil {
			return true, errorsmod.Wrapf(types.ErrInvariant, "level %v: %v", key, err)
		}
		lk := types.LevelKeyOf(key.K2(), key.K3())
		gs.Levels = append(gs.Levels, types.GenesisLevel{MarketId: key.K1(), Stop: lk.Stop, Side: types.ProtoSide(lk.Side),
			Price: key.K3(), Orders: orders})
		return false, nil
	}))
	walk(k.BookMetas.Walk(ctx, nil, func(id uint64, m types.BookMeta) (bool, error) {
		gs.BookMetas = append(gs.BookMetas, types.GenesisBookMeta{MarketId: id, Meta: m})
		return false, nil
	}))
	walk(k.Pending.Walk(ctx, nil, func(_ uint64, c types.QueuedCommand) (bool, error) {
		gs.Pending = append(gs.Pending, c)
		return false, nil
	}))
	walk(k.Heartbeats.Walk(ctx, nil, func(_ sdk.AccAddress, h types.Heartbeat) (bool, error) {
		gs.Heartbeats = append(gs.Heartbeats, h)
		return false, nil
	}))
	walk(k.Sweeps.Walk(ctx, nil, func(_ uint64, t types.SweepTask) (bool, error) {
		gs.Sweeps = append(gs.Sweeps, t)
		return false, nil
	}))
	walk(k.Doomed.Walk(ctx, nil, func(id uint64) (bool, error) {
		gs.Doomed = append(gs.Doomed, id)
		return false, nil
	}))
	walk(k.exportStatusGenesis(ctx, gs))
	walk(k.exportRateLimitGenesis(ctx, gs))
	if err != nil {
		return nil, err
	}
	if gs.ContractOrders, err = k.exportContractOrders(ctx); err != nil {
		return nil, err
	}
	for _, s := range []struct {
		seq collections.Sequence
		dst *uint64
	}{{k.MarketSeq, &gs.NextMarketId}, {k.OrderSeq, &gs.NextOrderId}, {k.OwnerSeq, &gs.NextOwnerId}} {
		v, err := s.seq.Peek(ctx)
		if err != nil {
			return nil, err
		}
		*s.dst = v + 1
	}
	return gs, nil
}
