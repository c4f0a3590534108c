package keeper

import (
	"context"

	"cosmossdk.io/collections"

	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/clearchain/clearchain/x/assets/types"
)

type queryServer struct{ k Keeper }

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

func (q queryServer) Asset(ctx context.Context, req *types.QueryAssetRequest) (*types.QueryAssetResponse, error) {
	if req == nil {
		return nil, sdkerrors.ErrInvalidRequest
	}
	a, err := q.k.GetAsset(ctx, req.Denom)
	if err != nil {
		return nil, err
	}
	return &types.QueryAssetResponse{Asset: a}, nil
}

func (q queryServer) Assets(ctx context.Context, req *types.QueryAssetsRequest) (*types.QueryAssetsResponse, error) {
	if req == nil {
		return nil, sdkerrors.ErrInvalidRequest
	}
	assets, page, err := query.CollectionPaginate(ctx, q.k.Assets, req.Pagination,
		func(_ string, a types.Asset) (types.Asset, error) { return a, nil })
	if err != nil {
		return nil, err
	}
	return &types.QueryAssetsResponse{Assets: assets, Pagination: page}, nil
}

// maxIssuerAssets bounds the answer of AssetsByIssuer.
const maxIssuerAssets = 1000

func (q queryServer) AssetsByIssuer(ctx context.Context, req *types.QueryAssetsByIssuerRequest) (*types.QueryAssetsByIssuerResponse, error) {
	if req == nil {
		return nil, sdkerrors.ErrInvalidRequest
	}
	if _, err := parseAddr("issuer", req.Issuer); err != nil {
		return nil, err
	}
	prefix := types.IssuerPrefix(req.Issuer)
	// "0" is the byte after "/": the range covers exactly the prefix.
	rng := new(collections.Range[string]).StartInclusive(prefix).EndExclusive(prefix[:len(prefix)-1] + "0")
	resp := &types.QueryAssetsByIssuerResponse{}
	err := q.k.Assets.Walk(ctx, rng, func(_ string, a types.Asset) (bool, error) {
		resp.Assets = append(resp.Assets, a)
		return len(resp.Assets) >= maxIssuerAssets, nil
	})
	return resp, err
}
