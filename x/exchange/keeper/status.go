package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// Order status (README.md, "Order status"): the keeper remembers how much
// each live order has filled (in memory, stored for the orders that stay
// partly filled across blocks) and, for params.status_window_blocks blocks,
// how each finished order ended. A status is taken when an order leaves the
// book (or is rejected by EndBlock); the block's statuses are stored as one
// value (StatusBlocks) at the end of EndBlock, indexed in memory, and pruned
// block by block under a budget.

// clientKey names a live order by its owner and client order id.
type clientKey struct {
	owner uint64
	cid   string
}

// filledQty is what a live order has filled so far, and whether that is
// stored (Filled).
type filledQty struct {
	qty    uint64
	stored bool
}

// DefaultMaxStatusPrunesPerBlock is the status pruning budget when the
// param is 0.
const DefaultMaxStatusPrunesPerBlock = 20000

// loadFilled loads the fills of the live orders (book load, mem.mu held).
func (k Keeper) loadFilled(ctx context.Context) error {
	return k.Filled.Walk(ctx, nil, func(id, q uint64) (bool, error) {
		k.mem.filled[matching.OrderID(id)] = filledQty{qty: q, stored: true}
		return false, nil
	})
}

// addFilled counts q more lots filled by live order id.
func (r *marketRun) addFilled(id matching.OrderID, q matching.Qty) {
	f := r.k.mem.filled[id]
	f.qty += uint64(q)
	r.k.mem.filled[id] = f
	r.k.mem.filledDirty = append(r.k.mem.filledDirty, id)
}

// openQty is the open quantity a modify to total quantity o.Quantity leaves
// order o.Id: the total minus what it has filled (0: nothing left, the
// modify cancels the order).
func (r *marketRun) openQty(o *types.LevelOrder) uint64 {
	f := r.k.mem.filled[matching.OrderID(o.Id)].qty
	if o.Quantity <= f {
		return 0
	}
	return o.Quantity - f
}

// modifyCommand is the engine command of a queued modify: the new open
// quantity is the new total minus the fills; if nothing is left it is a
// cancel of the order.
func (r *marketRun) modifyCommand(o *types.LevelOrder) matching.Command {
	q := r.openQty(o)
	if q == 0 {
		return matching.Command{Kind: matching.CmdCancel, ID: matching.OrderID(o.Id), Owner: matching.OwnerID(o.OwnerId)}
	}
	return matching.Command{Kind: matching.CmdModify, ID: matching.OrderID(o.Id), Owner: matching.OwnerID(o.OwnerId),
		Price: matching.Price(o.Price), Qty: matching.Qty(q)}
}

// finished records that order id of owner left the book (or was rejected):
// its status, if statuses are kept, and drops what the keeper kept of it.
// left is the quantity that ended unfilled; price is its limit price. A
// rejected place, never in a book, names its client order id (cmdCID).
func (r *marketRun) finished(id matching.OrderID, owner uint64, side matching.Side, price int64, left uint64,
	state types.OrderState, reason string, cmdCID ...string,
) {
	k := r.k
	r.trackFinished(id, owner, state)
	f, hadFills := k.mem.filled[id]
	cid := k.mem.clientIDs[id]
	if len(cmdCID) > 0 && cid == "" {
		cid = cmdCID[0]
	}
	r.forget(id, owner)
	if hadFills {
		delete(k.mem.filled, id)
		if f.stored {
			if err := k.Filled.Remove(r.gctx, uint64(id)); err != nil {
				r.fail(err)
				return
			}
		}
	}
	if r.params.StatusWindowBlocks == 0 {
		return
	}
	oi, err := k.ownerInfo(r.gctx, owner)
	if err != nil {
		r.fail(err)
		return
	}
	k.mem.finished = append(k.mem.finished, types.OrderStatus{OrderId: uint64(id), MarketId: r.m.Id, Owner: oi.str,
		ClientOrderId: cid, Side: types.ProtoSide(side), Price: price, Quantity: f.qty + left, FilledQuantity: f.qty,
		State: state, Reason: types.ReasonCode(reason), ReasonText: reason, Height: r.ctx.BlockHeight()})
}

// statusClientKey names a finished order by owner (bech32) and client id.
type statusClientKey struct{ owner, cid string }

// loadStatuses rebuilds the status index from StatusBlocks (book load,
// mem.mu held).
func (k Keeper) loadStatuses(ctx context.Context) error {
	return k.StatusBlocks.Walk(ctx, nil, func(h int64, bz []byte) (bool, error) {
		err := types.DecodeStatuses(bz, func(st *types.OrderStatus) bool {
			k.indexStatus(st, h)
			return true
		})
		if err != nil {
			return true, errorsmod.Wrapf(types.ErrInvariant, "statuses of block %d: %v", h, err)
		}
		return false, nil
	})
}

func (k Keeper) indexStatus(st *types.OrderStatus, h int64) {
	k.mem.statusAt[st.OrderId] = h
	if st.ClientOrderId != "" {
		k.mem.statusCID[statusClientKey{st.Owner, st.ClientOrderId}] = st.OrderId
	}
}

// flushOrders is EndBlock's last step for the order API: it stores the
// fills of the orders still live, indexes the block's finished orders for
// pruning, and prunes the statuses whose window passed (at most
// max_status_prunes_per_block a block; the rest waits).
func (k Keeper) flushOrders(ctx context.Context, p types.Params) error {
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	for _, id := range k.mem.filledDirty {
		f, live := k.mem.filled[id]
		if !live {
			continue
		}
		if err := k.Filled.Set(ctx, uint64(id), f.qty); err != nil {
			return err
		}
		if !f.stored {
			f.stored = true
			k.mem.filled[id] = f
		}
	}
	k.mem.filledDirty = k.mem.filledDirty[:0]
	if n := len(k.mem.finished); n > 0 {
		// One store value for the block's finished orders, however many.
		bz := make([]byte, 0, n*128)
		for i := range k.mem.finished {
			var err error
			if bz, err = types.AppendStatus(bz, &k.mem.finished[i]); err != nil {
				return errorsmod.Wrapf(types.ErrInvariant, "status of order %d: %v", k.mem.finished[i].OrderId, err)
			}
			k.indexStatus(&k.mem.finished[i], h)
		}
		if err := k.StatusBlocks.Set(ctx, h, bz); err != nil {
			return err
		}
		clear(k.mem.finished)
		k.mem.finished = k.mem.finished[:0]
	}
	return k.pruneStatuses(ctx, h, p)
}

// pruneStatuses deletes the statuses of blocks more than
// status_window_blocks ago, oldest first: whole blocks, at least one a
// block, then more while fewer than max_status_prunes_per_block statuses
// were dropped.
func (k Keeper) pruneStatuses(ctx context.Context, h int64, p types.Params) error {
	budget := int(p.MaxStatusPrunesPerBlock)
	if budget == 0 {
		budget = DefaultMaxStatusPrunesPerBlock
	}
	cutoff := h - int64(p.StatusWindowBlocks)
	var done []int64
	dropped := 0
	err := k.StatusBlocks.Walk(ctx, new(collections.Range[int64]).EndInclusive(cutoff), func(height int64, bz []byte) (bool, error) {
		if len(done) > 0 && dropped >= budget {
			return true, nil
		}
		err := types.DecodeStatuses(bz, func(st *types.OrderStatus) bool {
			if k.mem.statusAt[st.OrderId] == height {
				delete(k.mem.statusAt, st.OrderId)
			}
			if st.ClientOrderId != "" {
				key := statusClientKey{st.Owner, st.ClientOrderId}
				if k.mem.statusCID[key] == st.OrderId {
					delete(k.mem.statusCID, key)
				}
			}
			dropped++
			return true
		})
		if err != nil {
			return true, errorsmod.Wrapf(types.ErrInvariant, "statuses of block %d: %v", height, err)
		}
		done = append(done, height)
		return false, nil
	})
	if err != nil {
		return err
	}
	for _, height := range done {
		if err := k.StatusBlocks.Remove(ctx, height); err != nil {
			return err
		}
	}
	return nil
}

// OrderStatus returns order id's status: open (queued, carried over, or in
// a book) or finished within the status window.
func (q Querier) OrderStatus(ctx context.Context, req *types.QueryOrderStatusRequest) (*types.QueryOrderStatusResponse, error) {
	if req == nil || req.OrderId == 0 {
		return nil, status.Error(codes.InvalidArgument, "order_id required")
	}
	st, err := q.orderStatus(ctx, req.OrderId)
	if err != nil {
		return nil, err
	}
	return &types.QueryOrderStatusResponse{Status: st}, nil
}

// OrderStatusByClientID returns the status of owner's order with a client
// order id: the open one, else the latest finished one still kept.
func (q Querier) OrderStatusByClientID(ctx context.Context, req *types.QueryOrderStatusByClientIDRequest) (*types.QueryOrderStatusResponse, error) {
	if req == nil || req.ClientOrderId == "" || !types.ValidClientOrderID(req.ClientOrderId) {
		return nil, status.Error(codes.InvalidArgument, "a well-formed client_order_id is required")
	}
	addr, err := sdk.AccAddressFromBech32(req.Owner)
	if err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "owner: %v", err)
	}
	if ownerID, ok := q.lookupOwnerID(ctx, addr); ok {
		id, found, err := q.liveByClientID(ctx, ownerID, req.ClientOrderId)
		if err != nil {
			return nil, err
		}
		if found {
			return q.OrderStatus(ctx, &types.QueryOrderStatusRequest{OrderId: id})
		}
	}
	q.mem.mu.RLock()
	id, ok := q.mem.statusCID[statusClientKey{addr.String(), req.ClientOrderId}]
	q.mem.mu.RUnlock()
	if !ok {
		return nil, status.Errorf(codes.NotFound, "%s has no open or recent order with client order id %q", req.Owner, req.ClientOrderId)
	}
	return q.OrderStatus(ctx, &types.QueryOrderStatusRequest{OrderId: id})
}

func (q Querier) orderStatus(ctx context.Context, id uint64) (types.OrderStatus, error) {
	cmdStatus := func(c types.QueuedCommand) types.OrderStatus {
		owner := ""
		if bz, err := q.OwnerAddrs.Get(ctx, c.Order.OwnerId); err == nil {
			owner = sdk.AccAddress(bz).String()
		}
		return types.OrderStatus{OrderId: id, MarketId: c.MarketId, Owner: owner, ClientOrderId: c.Order.ClientOrderId,
			Side: c.Order.Side, Price: c.Order.Price, Quantity: c.Order.Quantity, State: types.OrderState_ORDER_STATE_OPEN}
	}
	if c, err := q.QueueIDs.Get(ctx, id); err == nil {
		return cmdStatus(c), nil
	}
	q.mem.mu.RLock()
	if !q.mem.loaded {
		q.mem.mu.RUnlock()
		return types.OrderStatus{}, status.Error(codes.Unavailable, errNotLoaded.Error())
	}
	if c, ok := q.carriedPlace(id); ok {
		q.mem.mu.RUnlock()
		return cmdStatus(c), nil
	}
	for market, b := range q.mem.books {
		if o, ok := b.Order(matching.OrderID(id)); ok {
			v := q.orderView(ctx, market, o, false)
			f := q.mem.filled[o.ID].qty
			q.mem.mu.RUnlock()
			return types.OrderStatus{OrderId: id, MarketId: market, Owner: v.Owner, ClientOrderId: v.ClientOrderId,
				Side: v.Side, Price: v.Price, Quantity: v.Quantity + f, FilledQuantity: f, State: types.OrderState_ORDER_STATE_OPEN}, nil
		}
	}
	h, ok := q.mem.statusAt[id]
	q.mem.mu.RUnlock()
	var st types.OrderStatus
	found := false
	if ok {
		if bz, err := q.StatusBlocks.Get(ctx, h); err == nil {
			if err := types.DecodeStatuses(bz, func(s *types.OrderStatus) bool {
				if s.OrderId == id {
					st, found = *s, true
				}
				return !found
			}); err != nil {
				return st, status.Error(codes.Internal, err.Error())
			}
		}
	}
	if !found {
		return st, status.Errorf(codes.NotFound, "order %d is neither open nor finished within the status window", id)
	}
	return st, nil
}
