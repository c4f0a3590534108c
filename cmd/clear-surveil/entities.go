package main

import (
	"context"
	"fmt"

	query "github.com/cosmos/cosmos-sdk/types/query"

	comptypes "github.com/clearchain/clearchain/x/compliance/types"
)

// entityParents reads every registered legal entity's parent from the
// node's compliance module (an ABCI query of Query/Entities, page by page),
// for the entities registered at genesis, which emit no events. Later
// EventEntityRegistered/Updated events override what it returns.
func (s *rpcSource) entityParents(ctx context.Context) (map[uint64]uint64, error) {
	out := map[uint64]uint64{}
	var key []byte
	for page := 0; page < 10_000; page++ {
		req := comptypes.QueryEntitiesRequest{Pagination: &query.PageRequest{Key: key, Limit: 500}}
		bz, err := req.Marshal()
		if err != nil {
			return nil, err
		}
		res, err := s.c.ABCIQuery(ctx, "/clearchain.compliance.v1.Query/Entities", bz)
		if err != nil {
			return nil, fmt.Errorf("clear-surveil: query entities: %w", err)
		}
		if res.Response.Code != 0 {
			return nil, fmt.Errorf("clear-surveil: query entities: code %d: %s", res.Response.Code, res.Response.Log)
		}
		var resp comptypes.QueryEntitiesResponse
		if err := resp.Unmarshal(res.Response.Value); err != nil {
			return nil, fmt.Errorf("clear-surveil: query entities: %w", err)
		}
		for _, e := range resp.Entities {
			out[e.Id] = e.ParentId
		}
		if resp.Pagination == nil || len(resp.Pagination.NextKey) == 0 {
			return out, nil
		}
		key = resp.Pagination.NextKey
	}
	return out, nil
}
