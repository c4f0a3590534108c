package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// The per-account order rate limit (README.md, "Rate limit"). The ante
// handler (app/ordergas.go) charges a tx's orders with ChargeOrderRate and,
// in DeliverTx, lets an over-limit tx through the ante handler so that the
// refusal it counts is written with the fee and the nonce; the order
// messages then fail with ErrRateLimited (rateLimitedMsgServer), rolling
// back the messages only. The refusal count therefore survives the
// refusal, deterministically.

type rateLimitedKey struct{}

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

// WithRateLimitRefusal marks ctx's tx as refused by the rate limit: its
// order messages fail with err.
func WithRateLimitRefusal(ctx sdk.Context, err error) sdk.Context {
	return ctx.WithValue(rateLimitedKey{}, err)
}

// rateLimitRefusal returns the refusal WithRateLimitRefusal put in ctx.
func rateLimitRefusal(ctx context.Context) error {
	err, _ := sdk.UnwrapSDKContext(ctx).Value(rateLimitedKey{}).(error)
	return err
}

// rateLimitedMsgServer fails the order messages that count against the
// rate limit (places, batches, cancel-replaces) of a tx the ante handler
// refused.
type rateLimitedMsgServer struct{ msgServer }

func (s rateLimitedMsgServer) PlaceOrder(ctx context.Context, msg *types.MsgPlaceOrder) (*types.MsgPlaceOrderResponse, error) {
	if err := rateLimitRefusal(ctx); err != nil {
		return nil, err
	}
	return s.msgServer.PlaceOrder(ctx, msg)
}

func (s rateLimitedMsgServer) CancelReplace(ctx context.Context, msg *types.MsgCancelReplace) (*types.MsgCancelReplaceResponse, error) {
	if err := rateLimitRefusal(ctx); err != nil {
		return nil, err
	}
	return s.msgServer.CancelReplace(ctx, msg)
}

func (s rateLimitedMsgServer) Batch(ctx context.Context, msg *types.MsgBatch) (*types.MsgBatchResponse, error) {
	if err := rateLimitRefusal(ctx); err != nil {
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
