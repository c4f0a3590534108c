package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/clearchain/clearchain/x/compliance/types"
)

type queryServer struct{ k Keeper }

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the Query service of the keeper.
func NewQueryServerImpl(k Keeper) types.QueryServer { return queryServer{k: k} }

func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.GetParams(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

func (q queryServer) Licence(ctx context.Context, req *types.QueryLicenceRequest) (*types.QueryLicenceResponse, error) {
	if req == nil {
		return nil, sdkerrors.ErrInvalidRequest
	}
	addr, err := parseAddr("address", req.Address)
	if err != nil {
		return nil, err
	}
	resp := &types.QueryLicenceResponse{}
	if l, ok := q.k.GetLicence(ctx, addr); ok {
		resp.Licence = &l
		resp.Active = isActive(ctx, l)
	}
	if f, err := q.k.Freezes.Get(ctx, addr); err == nil {
		resp.Frozen, resp.FreezeReason = true, f.Reason
	}
	return resp, nil
}

func (q queryServer) Entity(ctx context.Context, req *types.QueryEntityRequest) (*types.QueryEntityResponse, error) {
	if req == nil {
		return nil, sdkerrors.ErrInvalidRequest
	}
	e, err := q.k.GetEntity(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryEntityResponse{Entity: e}, nil
}

func (q queryServer) Entities(ctx context.Context, req *types.QueryEntitiesRequest) (*types.QueryEntitiesResponse, error) {
	if req == nil {
		return nil, sdkerrors.ErrInvalidRequest
	}
	entities, page, err := query.CollectionPaginate(ctx, q.k.Entities, req.Pagination,
		func(_ uint64, e types.Entity) (types.Entity, error) { return e, nil })
	if err != nil {
		return nil, err
	}
	return &types.QueryEntitiesResponse{Entities: entities, Pagination: page}, nil
}

func (q queryServer) EntityAccounts(ctx context.Context, req *types.QueryEntityAccountsRequest) (*types.QueryEntityAccountsResponse, error) {
	if req == nil {
		return nil, sdkerrors.ErrInvalidRequest
	}
	if _, err := q.k.GetEntity(ctx, req.EntityId); err != nil {
		return nil, err
	}
	licences, page, err := query.CollectionPaginate(ctx, q.k.Licences.Indexes.Entity, req.Pagination,
		func(key collections.Pair[uint64, sdk.AccAddress], _ collections.NoValue) (types.Licence, error) {
			return q.k.Licences.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[uint64, sdk.AccAddress](req.EntityId))
	if err != nil {
		return nil, err
	}
	return &types.QueryEntityAccountsResponse{Licences: licences, Pagination: page}, nil
}

func (q queryServer) EligibilityRule(ctx context.Context, req *types.QueryEligibilityRuleRequest) (*types.QueryEligibilityRuleResponse, error) {
	if req == nil {
		return nil, sdkerrors.ErrInvalidRequest
	}
	r, ok := q.k.GetEligibilityRule(ctx, req.Subject)
	if !ok {
		return nil, errorsmod.Wrapf(types.ErrRuleNotFound, "subject %q", req.Subject)
	}
	return &types.QueryEligibilityRuleResponse{Rule: r}, nil
}

func (q queryServer) Eligibility(ctx context.Context, req *types.QueryEligibilityRequest) (*types.QueryEligibilityResponse, error) {
	if req == nil {
		return nil, sdkerrors.ErrInvalidRequest
	}
	addr, err := parseAddr("address", req.Address)
	if err != nil {
		return nil, err
	}
	allowed, reason := q.k.CheckEligibility(ctx, addr, req.Action, req.Subject)
	return &types.QueryEligibilityResponse{Allowed: allowed, Reason: reason}, nil
}

func (q queryServer) AuditTrail(ctx context.Context, req *types.QueryAuditTrailRequest) (*types.QueryAuditTrailResponse, error) {
	if req == nil {
		return nil, sdkerrors.ErrInvalidRequest
	}
	records, page, err := query.CollectionPaginate(ctx, q.k.Audit, req.Pagination,
		func(_ uint64, r types.AuditRecord) (types.AuditRecord, error) { return r, nil })
	if err != nil {
		return nil, err
	}
	return &types.QueryAuditTrailResponse{Records: records, Pagination: page}, nil
}

func (q queryServer) AuditRecord(ctx context.Context, req *types.QueryAuditRecordRequest) (*types.QueryAuditRecordResponse, error) {
	if req == nil {
		return nil, sdkerrors.ErrInvalidRequest
	}
	r, err := q.k.GetAuditRecord(ctx, req.Sequence)
	if err != nil {
		return nil, err
	}
	return &types.QueryAuditRecordResponse{Record: r}, nil
}

func (q queryServer) AuditHead(ctx context.Context, _ *types.QueryAuditHeadRequest) (*types.QueryAuditHeadResponse, error) {
	seq, hash, err := q.k.AuditHead(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryAuditHeadResponse{Sequence: seq, Hash: hash}, nil
}
