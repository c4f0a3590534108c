package keeper

import (
	"context"
	"fmt"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// GetParams returns the params.
func (k Keeper) GetParams(ctx context.Context) (types.Params, error) {
	return k.Params.Get(ctx)
}

// SetParams replaces the params (the regulator) and records it.
func (k Keeper) SetParams(ctx context.Context, actor string, p types.Params) error {
	if err := k.Params.Set(ctx, p); err != nil {
		return err
	}
	seq, err := k.appendAudit(ctx, actor, types.ActionUpdateParams, "params",
		fmt.Sprintf("authority=%s max_expiries_per_block=%d", p.Authority, p.MaxExpiriesPerBlock))
	if err != nil {
		return err
	}
	return emit(ctx, &types.EventParamsUpdated{AuditSequence: seq, Params: p})
}
