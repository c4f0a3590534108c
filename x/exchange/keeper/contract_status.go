package keeper

import (
	"context"
	"errors"
	"math/big"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// Tracked contract orders (README.md, "Contract order records"). A contract
// that sells or buys on behalf of others must pay them exactly what the
// exchange settled for its order, whenever it gets round to it. The order
// statuses are kept only status_window_blocks blocks and carry no amounts,
// so a contract may ask for a record instead when it places an order (the
// `track` flag of the place_order binding): the exchange then keeps, per
// order, the lots filled, the notional and the fees exactly as EndBlock
// settled them, fill by fill, and how the order ended — until the contract
// acknowledges the record after the order finished. One record per placed
// order, created by the contract's own transaction (it paid for it); at
// most one unacknowledged record per (contract, client order id).
//
// EndBlock's share: one map lookup per fill side (is the owner tracked at
// all, cached per market run), and for tracked owners one read and one
// write of the order's record. Nothing a contract does can make it fail: a
// record that cannot be read is logged and skipped.

// TrackContractOrder records order id, just placed by owner with spec, for
// settlement tracking. DeliverTx: rolled back with the tx.
func (k Keeper) TrackContractOrder(ctx context.Context, owner sdk.AccAddress, orderID uint64, spec types.OrderSpec) error {
	if spec.ClientOrderId == "" {
		return errorsmod.Wrap(types.ErrContractOrder, "a tracked order needs a client order id")
	}
	key := collections.Join(owner, spec.ClientOrderId)
	if prev, err := k.ContractOrderCIDs.Get(ctx, key); err == nil {
		return errorsmod.Wrapf(types.ErrContractOrder, "client order id %q still has the record of order %d: acknowledge it first", spec.ClientOrderId, prev)
	} else if !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	ownerID, ok := k.lookupOwnerID(ctx, owner)
	if !ok {
		return errorsmod.Wrapf(types.ErrContractOrder, "order %d: %s has no orders", orderID, owner)
	}
	if has, err := k.ContractOrders.Has(ctx, orderID); err != nil || has {
		return errorsmod.Wrapf(types.ErrContractOrder, "order %d is already tracked", orderID)
	}
	rec := types.ContractOrderRecord{
		OrderId: orderID, MarketId: spec.MarketId, Owner: owner.String(), ClientOrderId: spec.ClientOrderId,
		Side: spec.Side, Price: spec.Price, Quantity: spec.Quantity,
		QuoteFilled: sdkmath.ZeroInt(), FeesPaid: sdkmath.ZeroInt(), State: types.OrderState_ORDER_STATE_OPEN,
	}
	if err := k.ContractOrders.Set(ctx, orderID, rec); err != nil {
		return err
	}
	if err := k.ContractOrderCIDs.Set(ctx, key, orderID); err != nil {
		return err
	}
	n, err := k.ContractOrderOwners.Get(ctx, ownerID)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	return k.ContractOrderOwners.Set(ctx, ownerID, n+1)
}

// ContractOrder returns the record of owner's tracked order with client
// order id cid, if one is kept.
func (k Keeper) ContractOrder(ctx context.Context, owner sdk.AccAddress, cid string) (types.ContractOrderRecord, bool, error) {
	id, err := k.ContractOrderCIDs.Get(ctx, collections.Join(owner, cid))
	if errors.Is(err, collections.ErrNotFound) {
		return types.ContractOrderRecord{}, false, nil
	}
	if err != nil {
		return types.ContractOrderRecord{}, false, err
	}
	rec, err := k.ContractOrders.Get(ctx, id)
	if err != nil {
		return types.ContractOrderRecord{}, false, errorsmod.Wrapf(types.ErrInvariant, "contract order %d: %v", id, err)
	}
	return rec, true, nil
}

// AckContractOrder drops the record of owner's finished tracked order with
// client order id cid and returns it. An open order's record stays.
func (k Keeper) AckContractOrder(ctx context.Context, owner sdk.AccAddress, cid string) (types.ContractOrderRecord, error) {
	rec, found, err := k.ContractOrder(ctx, owner, cid)
	if err != nil {
		return rec, err
	}
	if !found {
		return rec, errorsmod.Wrapf(types.ErrContractOrder, "no record under client order id %q", cid)
	}
	if rec.State == types.OrderState_ORDER_STATE_OPEN {
		return rec, errorsmod.Wrapf(types.ErrContractOrder, "order %d (%q) is still open", rec.OrderId, cid)
	}
	if err := k.removeContractOrder(ctx, owner, &rec); err != nil {
		return rec, err
	}
	return rec, nil
}

func (k Keeper) removeContractOrder(ctx context.Context, owner sdk.AccAddress, rec *types.ContractOrderRecord) error {
	if err := k.ContractOrders.Remove(ctx, rec.OrderId); err != nil {
		return err
	}
	if err := k.ContractOrderCIDs.Remove(ctx, collections.Join(owner, rec.ClientOrderId)); err != nil {
		return err
	}
	ownerID, ok := k.lookupOwnerID(ctx, owner)
	if !ok {
		return errorsmod.Wrapf(types.ErrInvariant, "contract order %d: owner %s has no id", rec.OrderId, owner)
	}
	n, err := k.ContractOrderOwners.Get(ctx, ownerID)
	if err != nil && !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	if n <= 1 {
		return k.ContractOrderOwners.Remove(ctx, ownerID)
	}
	return k.ContractOrderOwners.Set(ctx, ownerID, n-1)
}

// tracksOwner says whether owner has any tracked order records, cached for
// the market run (records are created and dropped in DeliverTx only).
func (r *marketRun) tracksOwner(owner uint64) bool {
	if v, ok := r.tracked[owner]; ok {
		return v
	}
	if r.tracked == nil {
		r.tracked = map[uint64]bool{}
	}
	has, err := r.k.ContractOrderOwners.Has(r.gctx, owner)
	if err != nil {
		r.ctx.Logger().Error("exchange: contract order owners unreadable; fills not tracked", "owner", owner, "err", err)
	}
	r.tracked[owner] = has
	return has
}

// trackFill adds a fill to the records of its tracked orders: the lots,
// the notional cost and each side's fee as fill() settled them.
func (r *marketRun) trackFill(e *matching.Event, cost, takerFee, makerFee *big.Int) {
	if r.tracksOwner(uint64(e.Owner)) {
		r.updateContractOrder(uint64(e.OrderID), func(rec *types.ContractOrderRecord) {
			addFill(rec, uint64(e.Qty), cost, takerFee)
		})
	}
	if r.tracksOwner(uint64(e.MakerOwner)) {
		r.updateContractOrder(uint64(e.MakerID), func(rec *types.ContractOrderRecord) {
			addFill(rec, uint64(e.Qty), cost, makerFee)
		})
	}
}

func addFill(rec *types.ContractOrderRecord, q uint64, cost, fee *big.Int) {
	rec.FilledQuantity += q
	rec.QuoteFilled = rec.QuoteFilled.Add(sdkmath.NewIntFromBigInt(cost))
	rec.FeesPaid = rec.FeesPaid.Add(sdkmath.NewIntFromBigInt(fee))
}

// trackFinished records how a tracked order ended.
func (r *marketRun) trackFinished(id matching.OrderID, owner uint64, state types.OrderState) {
	if !r.tracksOwner(owner) {
		return
	}
	h := r.ctx.BlockHeight()
	r.updateContractOrder(uint64(id), func(rec *types.ContractOrderRecord) {
		rec.State, rec.FinishedHeight = state, h
	})
}

// updateContractOrder applies f to order id's record, if it is tracked. A
// record that cannot be read or written is logged and skipped.
func (r *marketRun) updateContractOrder(id uint64, f func(*types.ContractOrderRecord)) {
	rec, err := r.k.ContractOrders.Get(r.gctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return
	}
	if err == nil {
		f(&rec)
		err = r.k.ContractOrders.Set(r.gctx, id, rec)
	}
	if err != nil {
		r.ctx.Logger().Error("exchange: contract order record skipped", "order", id, "err", err)
	}
}

// exportContractOrders lists the records by order id.
func (k Keeper) exportContractOrders(ctx context.Context) ([]types.ContractOrderRecord, error) {
	var out []types.ContractOrderRecord
	err := k.ContractOrders.Walk(ctx, nil, func(_ uint64, rec types.ContractOrderRecord) (bool, error) {
		out = append(out, rec)
		return false, nil
	})
	return out, err
}

// initContractOrders writes the records of a genesis and their indexes
// (the owners' ids are in place: InitGenesis sets them first).
func (k Keeper) initContractOrders(ctx context.Context, recs []types.ContractOrderRecord) error {
	for i := range recs {
		rec := recs[i]
		owner, err := sdk.AccAddressFromBech32(rec.Owner)
		if err != nil {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "contract order %d: %v", rec.OrderId, err)
		}
		ownerID, ok := k.lookupOwnerID(ctx, owner)
		if !ok {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "contract order %d: owner %s has no owner id", rec.OrderId, rec.Owner)
		}
		if err := k.ContractOrders.Set(ctx, rec.OrderId, rec); err != nil {
			return err
		}
		if err := k.ContractOrderCIDs.Set(ctx, collections.Join(owner, rec.ClientOrderId), rec.OrderId); err != nil {
			return err
		}
		n, err := k.ContractOrderOwners.Get(ctx, ownerID)
		if err != nil && !errors.Is(err, collections.ErrNotFound) {
			return err
		}
		if err := k.ContractOrderOwners.Set(ctx, ownerID, n+1); err != nil {
			return err
		}
	}
	return nil
}
