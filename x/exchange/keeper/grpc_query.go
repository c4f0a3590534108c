package keeper

import (
	"cmp"
	"context"
	"errors"
	"math/big"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

var _ types.QueryServer = Querier{}

// Querier serves the Query service.
type Querier struct{ Keeper }

// NewQuerier returns the query server.
func NewQuerier(k Keeper) Querier { return Querier{k} }

func (q Querier) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	return &types.QueryParamsResponse{Params: q.GetParams(ctx)}, nil
}

func (q Querier) Markets(ctx context.Context, req *types.QueryMarketsRequest) (*types.QueryMarketsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	ms, page, err := query.CollectionPaginate(ctx, q.Keeper.Markets, req.Pagination,
		func(_ uint64, m types.Market) (types.Market, error) { return m, nil })
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	return &types.QueryMarketsResponse{Markets: ms, Pagination: page}, nil
}

func (q Querier) Market(ctx context.Context, req *types.QueryMarketRequest) (*types.QueryMarketResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	m, err := q.Keeper.Markets.Get(ctx, req.MarketId)
	if err != nil {
		return nil, status.Errorf(codes.NotFound, "market %d", req.MarketId)
	}
	st, err := q.marketState(ctx, req.MarketId)
	if err != nil {
		return nil, err
	}
	return &types.QueryMarketResponse{Market: m, State: st}, nil
}

// withBook runs fn on market id's book under the read lock.
func (q Querier) withBook(id uint64, fn func(b *matching.Book)) error {
	q.mem.mu.RLock()
	defer q.mem.mu.RUnlock()
	if !q.mem.loaded {
		return status.Error(codes.Unavailable, errNotLoaded.Error())
	}
	if b := q.mem.books[id]; b != nil {
		fn(b)
	}
	return nil
}

func (q Querier) Depth(ctx context.Context, req *types.QueryDepthRequest) (*types.QueryDepthResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if _, err := q.Keeper.Markets.Get(ctx, req.MarketId); err != nil {
		return nil, status.Errorf(codes.NotFound, "market %d", req.MarketId)
	}
	n := int(req.Levels)
	if n == 0 {
		n = 20
	}
	n = min(n, 500)
	resp := &types.QueryDepthResponse{}
	conv := func(ls []matching.DepthLevel) []types.DepthLevel {
		out := make([]types.DepthLevel, len(ls))
		for i, l := range ls {
			out[i] = types.DepthLevel{Price: int64(l.Price), Quantity: uint64(l.Qty), Orders: uint32(l.Orders)}
		}
		return out
	}
	err := q.withBook(req.MarketId, func(b *matching.Book) {
		resp.Bids = conv(b.Depth(matching.Buy, n, nil))
		resp.Asks = conv(b.Depth(matching.Sell, n, nil))
	})
	q.mem.mu.RLock()
	resp.Height = q.mem.height
	q.mem.mu.RUnlock()
	return resp, err
}

// orderView converts an engine order for a query (read lock held).
func (q Querier) orderView(ctx context.Context, market uint64, o matching.Order, stop bool) types.Order {
	owner := ""
	if oi, ok := q.mem.owners[uint64(o.Owner)]; ok {
		owner = oi.str
	} else if bz, err := q.OwnerAddrs.Get(ctx, uint64(o.Owner)); err == nil {
		owner = sdk.AccAddress(bz).String()
	}
	return types.Order{
		Id: uint64(o.ID), MarketId: market, Owner: owner, EntityId: uint64(o.Entity), Side: types.ProtoSide(o.Side),
		Type: types.ProtoType(o.Type), TimeInForce: types.ProtoTIF(o.TIF), Stp: types.ProtoSTP(o.STP), PostOnly: o.PostOnly,
		Price: int64(o.Price), TriggerPrice: int64(o.TriggerPrice), Quantity: uint64(o.Qty), ExpireBlock: o.ExpireBlock,
		ExpireTime: o.ExpireTime, Seq: o.Seq, ClientOrderId: q.mem.clientIDs[o.ID], Stop: stop,
	}
}

func (q Querier) Order(ctx context.Context, req *types.QueryOrderRequest) (*types.QueryOrderResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	q.mem.mu.RLock()
	defer q.mem.mu.RUnlock()
	if !q.mem.loaded {
		return nil, status.Error(codes.Unavailable, errNotLoaded.Error())
	}
	// Order ids are global: at most one book has it.
	for market, b := range q.mem.books {
		if o, ok := b.Order(matching.OrderID(req.OrderId)); ok {
			stop := o.Type == matching.StopLimit || o.Type == matching.StopMarket
			return &types.QueryOrderResponse{Order: q.orderView(ctx, market, o, stop)}, nil
		}
	}
	return nil, status.Errorf(codes.NotFound, "order %d is not live", req.OrderId)
}

// OrdersByOwner pages through an owner's live orders by (market, time
// priority), read through the books' owner index. The key of the page is
// the offset.
func (q Querier) OrdersByOwner(ctx context.Context, req *types.QueryOrdersByOwnerRequest) (*types.QueryOrdersByOwnerResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	addr, err := sdk.AccAddressFromBech32(req.Owner)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	resp := &types.QueryOrdersByOwnerResponse{Pagination: &query.PageResponse{}}
	ownerID, ok := q.lookupOwnerID(ctx, addr)
	if !ok {
		return resp, nil
	}
	offset, limit := uint64(0), uint64(100)
	if p := req.Pagination; p != nil {
		offset = p.Offset
		if p.Limit > 0 {
			limit = min(p.Limit, 1000)
		}
	}
	var ids []uint64
	if err := q.Keeper.Markets.Walk(ctx, nil, func(id uint64, _ types.Market) (bool, error) {
		if req.MarketId == 0 || req.MarketId == id {
			ids = append(ids, id)
		}
		return false, nil
	}); err != nil {
		return nil, err
	}
	var seen uint64
	var mine []matching.Order
	for _, id := range ids {
		err := q.withBook(id, func(b *matching.Book) {
			// The owner's orders through the engine's owner index, in
			// acceptance (time priority) order.
			mine = mine[:0]
			b.OwnerOrders(matching.OwnerID(ownerID), func(o matching.Order) bool {
				mine = append(mine, o)
				return true
			})
			slices.SortFunc(mine, func(a, b matching.Order) int { return cmp.Compare(a.Seq, b.Seq) })
			for _, o := range mine {
				if seen >= offset && uint64(len(resp.Orders)) < limit {
					stop := o.Type == matching.StopLimit || o.Type == matching.StopMarket
					resp.Orders = append(resp.Orders, q.orderView(ctx, id, o, stop))
				}
				seen++
			}
		})
		if err != nil {
			return nil, err
		}
	}
	resp.Pagination.Total = seen
	return resp, nil
}

func (q Querier) Balances(ctx context.Context, req *types.QueryBalancesRequest) (*types.QueryBalancesResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	addr, err := sdk.AccAddressFromBech32(req.Address)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	resp := &types.QueryBalancesResponse{}
	rng := collections.NewPrefixedPairRange[sdk.AccAddress, string](addr)
	err = q.Keeper.Balances.Walk(ctx, rng, func(key collections.Pair[sdk.AccAddress, string], b types.Balance) (bool, error) {
		resp.Balances = append(resp.Balances, types.AccountBalance{Address: req.Address, Denom: key.K2(), Balance: b})
		return len(resp.Balances) >= 1000, nil
	})
	return resp, err
}

func (q Querier) Trades(ctx context.Context, req *types.QueryTradesRequest) (*types.QueryTradesResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	st, err := q.marketState(ctx, req.MarketId)
	if err != nil {
		return nil, err
	}
	ring := uint64(q.GetParams(ctx).RecentTrades)
	resp := &types.QueryTradesResponse{}
	for i := uint64(0); i < ring && i < st.Trades; i++ {
		t, err := q.Keeper.Trades.Get(ctx, collections.Join(req.MarketId, (st.Trades-1-i)%ring))
		if errors.Is(err, collections.ErrNotFound) {
			break
		}
		if err != nil {
			return nil, err
		}
		resp.Trades = append(resp.Trades, t)
	}
	return resp, nil
}

func (q Querier) Stats(ctx context.Context, req *types.QueryStatsRequest) (*types.QueryStatsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if _, err := q.Keeper.Markets.Get(ctx, req.MarketId); err != nil {
		return nil, status.Errorf(codes.NotFound, "market %d", req.MarketId)
	}
	st, err := q.marketState(ctx, req.MarketId)
	if err != nil {
		return nil, err
	}
	w := q.GetParams(ctx).StatsWindowBlocks
	h := sdk.UnwrapSDKContext(ctx).BlockHeight()
	resp := &types.QueryStatsResponse{LastPrice: st.LastPrice, WindowBlocks: w, Trades: st.Trades, HaltedUntil: st.HaltedUntil}
	var vol big.Int
	rng := collections.NewPrefixedPairRange[uint64, uint64](req.MarketId)
	err = q.Keeper.Volume.Walk(ctx, rng, func(_ collections.Pair[uint64, uint64], v types.VolumeBucket) (bool, error) {
		if h-v.Height >= int64(w) {
			return false, nil
		}
		if resp.VolumeLots == 0 || v.High > resp.High {
			resp.High = v.High
		}
		if resp.VolumeLots == 0 || v.Low < resp.Low {
			resp.Low = v.Low
		}
		resp.VolumeLots += v.BaseLots
		vol.Add(&vol, v.QuoteVolume.BigInt())
		return false, nil
	})
	if err != nil {
		return nil, errorsmod.Wrap(err, "volume")
	}
	resp.QuoteVolume = sdkmath.NewIntFromBigInt(&vol)
	_ = q.withBook(req.MarketId, func(b *matching.Book) {
		if p, qty, ok := b.BestBid(); ok {
			resp.BestBid, resp.BestBidQuantity = int64(p), uint64(qty)
		}
		if p, qty, ok := b.BestAsk(); ok {
			resp.BestAsk, resp.BestAskQuantity = int64(p), uint64(qty)
		}
	})
	return resp, nil
}
