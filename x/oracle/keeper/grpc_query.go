package keeper

import (
	"context"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/clearchain/clearchain/oracle"
	"github.com/clearchain/clearchain/oracle/feeder"
	"github.com/clearchain/clearchain/x/oracle/types"
)

type queryServer struct{ k Keeper }

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the module's Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

// Params returns the params.
func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.GetParams(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

// Feeds lists the feeds.
func (q queryServer) Feeds(ctx context.Context, _ *types.QueryFeedsRequest) (*types.QueryFeedsResponse, error) {
	feeds, err := q.k.AllFeeds(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryFeedsResponse{Feeds: feeds}, nil
}

// Feed returns one feed.
func (q queryServer) Feed(ctx context.Context, req *types.QueryFeedRequest) (*types.QueryFeedResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	f, err := q.k.GetFeed(ctx, req.FeedId)
	if err != nil {
		return nil, status.Error(codes.NotFound, err.Error())
	}
	return &types.QueryFeedResponse{Feed: f}, nil
}

// Price returns a feed's price and its status now.
func (q queryServer) Price(ctx context.Context, req *types.QueryPriceRequest) (*types.QueryPriceResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	f, err := q.k.GetFeed(ctx, req.FeedId)
	if err != nil {
		return nil, status.Error(codes.NotFound, err.Error())
	}
	rec, err := q.k.GetPrice(ctx, f.Id)
	if err != nil {
		return nil, err
	}
	st := q.k.Status(ctx, f, rec)
	out := &types.QueryPriceResponse{Price: rec, Decimals: f.Decimals, Status: types.StatusOf(st.Code), Reason: reasonOf(st)}
	if rec.Price > 0 {
		out.Value = feeder.FormatPrice(oracle.Price(rec.Price), uint8(f.Decimals))
	}
	return out, nil
}

// History returns the feed's recent samples.
func (q queryServer) History(ctx context.Context, req *types.QueryHistoryRequest) (*types.QueryHistoryResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if _, err := q.k.GetFeed(ctx, req.FeedId); err != nil {
		return nil, status.Error(codes.NotFound, err.Error())
	}
	samples, err := q.k.GetHistory(ctx, req.FeedId)
	if err != nil {
		return nil, err
	}
	return &types.QueryHistoryResponse{Samples: samples}, nil
}

// TWAP returns the time-weighted average price over a window.
func (q queryServer) TWAP(ctx context.Context, req *types.QueryTWAPRequest) (*types.QueryTWAPResponse, error) {
	if req == nil || req.WindowSeconds <= 0 {
		return nil, status.Error(codes.InvalidArgument, "window_seconds must be positive")
	}
	f, err := q.k.GetFeed(ctx, req.FeedId)
	if err != nil {
		return nil, status.Error(codes.NotFound, err.Error())
	}
	twap, from, err := q.k.TWAP(ctx, f.Id, req.WindowSeconds)
	if err != nil {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	return &types.QueryTWAPResponse{Twap: int64(twap), Value: feeder.FormatPrice(twap, uint8(f.Decimals)), FromTime: from}, nil
}

// Status says whether a feed's price is fresh, and why not.
func (q queryServer) Status(ctx context.Context, req *types.QueryStatusRequest) (*types.QueryStatusResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	f, err := q.k.GetFeed(ctx, req.FeedId)
	if err != nil {
		return nil, status.Error(codes.NotFound, err.Error())
	}
	rec, err := q.k.GetPrice(ctx, f.Id)
	if err != nil {
		return nil, err
	}
	st := q.k.Status(ctx, f, rec)
	out := &types.QueryStatusResponse{Status: types.StatusOf(st.Code), Reason: reasonOf(st)}
	if rec.Price > 0 {
		h, t := blockNow(ctx)
		out.AgeBlocks, out.AgeSeconds = h-rec.Height, t-rec.Time
	}
	if rec.Status == types.FeedStatus_FEED_STATUS_BREAKER {
		out.Reason = rec.Reason
	}
	return out, nil
}
