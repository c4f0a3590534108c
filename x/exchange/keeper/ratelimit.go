package keeper

import (
	"context"
	"errors"
	"sync"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// The per-account order rate limit (README.md, "Rate limit") is decided
// where state changes: in the Msg server, for every order message however
// it arrives (a tx of its own, an authz MsgExec, a contract's dispatch, a
// governance proposal). Within the limit the orders are charged to their
// owner's window in the message's own store writes. Past it the message
// fails with ErrRateLimited, which rolls back whatever the message (and its
// tx, or the contract's sub-message) wrote, so the refusal is also noted
// in the keeper's refusal journal, which survives the rollback, and written
// by the module's EndBlock (FlushRateRefusals): every node runs the same
// messages of the same block, so the journal and what it writes are the
// same on every node. The journal is emptied at BeginBlock, so an aborted
// run of a block leaves nothing. Simulations note nothing. Gas: the
// charge's reads and writes are store operations metered like any other;
// the journal costs no gas.
//
// In CheckTx the ante handler (app/ordergas.go) charges a tx's orders to
// the check state with ChargeOrderRate, so that the mempool refuses what a
// block would refuse.

// RateLimitVerdict is what ChargeOrderRate decided for one account.
type RateLimitVerdict struct {
	Owner   sdk.AccAddress
	Orders  uint64
	Limit   uint64
	Window  int64
	State   types.RateLimitState
	Refused bool
}

// Err returns the refusal's error (nil if not refused).
func (v RateLimitVerdict) Err() error {
	if !v.Refused {
		return nil
	}
	return errorsmod.Wrapf(types.ErrRateLimited,
		"%s: %d orders would pass the limit of %d per %d blocks (%d used in the window from height %d; reason %s)",
		v.Owner, v.Orders, v.Limit, v.Window, v.State.Used, v.State.WindowStart, types.ReasonTextRateLimited)
}

// ChargeOrderRate charges n orders of owner to the current window. Within
// the limit they are added to the window's count; past it nothing is added
// and the refusal is counted (this window and in total). With
// params.max_orders_per_window 0 nothing is charged or written.
func (k Keeper) ChargeOrderRate(ctx context.Context, owner sdk.AccAddress, n uint64) (RateLimitVerdict, error) {
	p, err := k.Params.Get(ctx)
	if err != nil {
		return RateLimitVerdict{}, err
	}
	v := RateLimitVerdict{Owner: owner, Orders: n, Limit: uint64(p.MaxOrdersPerWindow), Window: p.RateWindow()}
	if v.Limit == 0 || n == 0 {
		return v, nil
	}
	st, err := k.rateState(ctx, owner)
	if err != nil {
		return v, err
	}
	st = st.At(sdk.UnwrapSDKContext(ctx).BlockHeight(), v.Window)
	if st.Used+n > v.Limit {
		st.Refusals++
		st.RefusalsTotal++
		v.Refused = true
	} else {
		st.Used += n
	}
	v.State = st
	return v, k.RateLimits.Set(ctx, owner, st.Bytes())
}

func (k Keeper) rateState(ctx context.Context, owner sdk.AccAddress) (types.RateLimitState, error) {
	bz, err := k.RateLimits.Get(ctx, owner)
	if errors.Is(err, collections.ErrNotFound) {
		return types.RateLimitState{}, nil
	}
	if err != nil {
		return types.RateLimitState{}, err
	}
	return types.DecodeRateLimitState(bz)
}

// rateJournal holds the rate-limit refusals of the block being run, one
// owner per refused message, in the order they happened. It is shared by
// the copies of a Keeper (a pointer).
type rateJournal struct {
	mu      sync.Mutex
	height  int64
	refused []sdk.AccAddress
}

func (j *rateJournal) note(height int64, owner sdk.AccAddress) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.height != height {
		j.height, j.refused = height, j.refused[:0]
	}
	j.refused = append(j.refused, owner)
}

func (j *rateJournal) take(height int64) []sdk.AccAddress {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := j.refused
	if j.height != height {
		out = nil
	}
	j.refused = nil
	return out
}

// ResetRateRefusals empties the refusal journal (the module's BeginBlock).
func (k Keeper) ResetRateRefusals() {
	k.rate.mu.Lock()
	defer k.rate.mu.Unlock()
	k.rate.refused = nil
}

// FlushRateRefusals writes the refusals the block's order messages noted
// to their owners' windows (the module's EndBlock). It never fails the
// block: an account whose window cannot be read or written is logged and
// skipped. The loop is bounded by the block's messages.
func (k Keeper) FlushRateRefusals(ctx context.Context) {
	sctx := sdk.UnwrapSDKContext(ctx)
	refused := k.rate.take(sctx.BlockHeight())
	if len(refused) == 0 {
		return
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		sctx.Logger().Error("exchange: rate-limit refusals not written", "err", err)
		return
	}
	w := p.RateWindow()
	for _, owner := range refused {
		st, err := k.rateState(ctx, owner)
		if err == nil {
			st = st.At(sctx.BlockHeight(), w)
			st.Refusals++
			st.RefusalsTotal++
			err = k.RateLimits.Set(ctx, owner, st.Bytes())
		}
		if err != nil {
			sctx.Logger().Error("exchange: rate-limit refusal not written", "owner", owner.String(), "err", err)
		}
	}
}

// chargeOrderMsg charges msg's orders to its owner's window; past the limit
// it notes the refusal in the journal (not in a simulation) and returns
// ErrRateLimited.
func (k Keeper) chargeOrderMsg(ctx context.Context, owner string, msg sdk.Msg) error {
	_, n, ok := types.OrderMsgGas(msg)
	if !ok || n == 0 {
		return nil
	}
	addr, err := signer(owner)
	if err != nil {
		return err
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	v := RateLimitVerdict{Owner: addr, Orders: n, Limit: uint64(p.MaxOrdersPerWindow), Window: p.RateWindow()}
	if v.Limit == 0 {
		return nil
	}
	sctx := sdk.UnwrapSDKContext(ctx)
	st, err := k.rateState(ctx, addr)
	if err != nil {
		return err
	}
	st = st.At(sctx.BlockHeight(), v.Window)
	if st.Used+n <= v.Limit {
		st.Used += n
		return k.RateLimits.Set(ctx, addr, st.Bytes())
	}
	st.Refusals++
	st.RefusalsTotal++
	v.State, v.Refused = st, true
	if sctx.ExecMode() != sdk.ExecModeSimulate {
		k.rate.note(sctx.BlockHeight(), addr)
	}
	return v.Err()
}

// rateLimitedMsgServer charges the order messages that count against the
// rate limit (places, batches, cancel-replaces) before running them.
type rateLimitedMsgServer struct{ msgServer }

func (s rateLimitedMsgServer) PlaceOrder(ctx context.Context, msg *types.MsgPlaceOrder) (*types.MsgPlaceOrderResponse, error) {
	if err := s.k.chargeOrderMsg(ctx, msg.Owner, msg); err != nil {
		return nil, err
	}
	return s.msgServer.PlaceOrder(ctx, msg)
}

func (s rateLimitedMsgServer) CancelReplace(ctx context.Context, msg *types.MsgCancelReplace) (*types.MsgCancelReplaceResponse, error) {
	if err := s.k.chargeOrderMsg(ctx, msg.Owner, msg); err != nil {
		return nil, err
	}
	return s.msgServer.CancelReplace(ctx, msg)
}

func (s rateLimitedMsgServer) Batch(ctx context.Context, msg *types.MsgBatch) (*types.MsgBatchResponse, error) {
	if err := s.k.chargeOrderMsg(ctx, msg.Owner, msg); err != nil {
		return nil, err
	}
	return s.msgServer.Batch(ctx, msg)
}

// RateLimit implements the RateLimit query: the account's window as of the
// query's height.
func (q Querier) RateLimit(ctx context.Context, req *types.QueryRateLimitRequest) (*types.QueryRateLimitResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidParams, "empty request")
	}
	addr, err := signer(req.Address)
	if err != nil {
		return nil, err
	}
	p, err := q.Keeper.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	st, err := q.rateState(ctx, addr)
	if err != nil {
		return nil, err
	}
	w := p.RateWindow()
	st = st.At(sdk.UnwrapSDKContext(ctx).BlockHeight(), w)
	return &types.QueryRateLimitResponse{Used: st.Used, Limit: uint64(p.MaxOrdersPerWindow), Refusals: st.Refusals,
		RefusalsTotal: st.RefusalsTotal, WindowBlocks: uint64(w), WindowStart: st.WindowStart}, nil
}

// initRateLimitGenesis writes the genesis rate-limit windows.
func (k Keeper) initRateLimitGenesis(ctx context.Context, rls []types.GenesisRateLimit) error {
	for _, r := range rls {
		addr, err := sdk.AccAddressFromBech32(r.Address)
		if err != nil {
			return err
		}
		st := types.RateLimitState{WindowStart: r.WindowStart, Used: r.Used, Refusals: r.Refusals, RefusalsTotal: r.RefusalsTotal}
		if err := k.RateLimits.Set(ctx, addr, st.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// exportRateLimitGenesis appends the stored rate-limit windows to gs, by
// address.
func (k Keeper) exportRateLimitGenesis(ctx context.Context, gs *types.GenesisState) error {
	return k.RateLimits.Walk(ctx, nil, func(addr sdk.AccAddress, bz []byte) (bool, error) {
		st, err := types.DecodeRateLimitState(bz)
		if err != nil {
			return true, errorsmod.Wrapf(types.ErrInvariant, "rate limit of %s: %v", addr, err)
		}
		gs.RateLimits = append(gs.RateLimits, types.GenesisRateLimit{Address: addr.String(), WindowStart: st.WindowStart,
			Used: st.Used, Refusals: st.Refusals, RefusalsTotal: st.RefusalsTotal})
		return false, nil
	})
}
