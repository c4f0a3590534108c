package keeper

import (
	"context"
	"fmt"
	"time"

	errorsmod "cosmossdk.io/errors"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// InitGenesis loads a genesis that ValidateGenesis accepted. Records are
// written as they are; no audit record or event is added. It verifies the
// audit hash chain again (a genesis can reach InitChain without
// ValidateGenesis) and refuses a broken one, naming the first bad sequence.
// Licences expiring after the genesis time enter the expiry index.
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) error {
	if err := gs.VerifyAudit(); err != nil {
		return errorsmod.Wrap(types.ErrInvalidGenesis, err.Error())
	}
	genesisTime := sdk.UnwrapSDKContext(ctx).BlockTime()
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, e := range gs.Entities {
		if err := k.setEntity(ctx, e, ""); err != nil {
			return fmt.Errorf("entity %d: %w", e.Id, err)
		}
	}
	for _, l := range gs.Licences {
		addr, err := sdk.AccAddressFromBech32(l.Address)
		if err != nil {
			return err
		}
		roles, err := types.NormalizeRoles(l.Roles)
		if err != nil {
			return err
		}
		l.Roles = roles
		if err := k.Licences.Set(ctx, addr, l); err != nil {
			return err
		}
		if !l.ExpiresAt.IsZero() && l.ExpiresAt.After(genesisTime) {
			if err := k.indexExpiry(ctx, addr, time.Time{}, l.ExpiresAt); err != nil {
				return err
			}
		}
	}
	for _, f := range gs.Freezes {
		addr, err := sdk.AccAddressFromBech32(f.Address)
		if err != nil {
			return err
		}
		if err := k.Freezes.Set(ctx, addr, f); err != nil {
			return err
		}
	}
	for _, r := range gs.Rules {
		r, err := types.NormalizeRule(r)
		if err != nil {
			return err
		}
		if err := k.Rules.Set(ctx, r.Subject, r); err != nil {
			return err
		}
	}
	for _, a := range gs.Audit {
		if err := k.Audit.Set(ctx, a.Sequence, a); err != nil {
			return err
		}
	}
	if err := k.NextEntity.Set(ctx, max(gs.NextEntityId, 1)); err != nil {
		return err
	}
	return k.NextAudit.Set(ctx, max(gs.NextAuditSequence, 1))
}

// ExportGenesis writes the whole state, in key order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	if err := k.Entities.Walk(ctx, nil, func(_ uint64, e types.Entity) (bool, error) {
		gs.Entities = append(gs.Entities, e)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Licences.Walk(ctx, nil, func(_ sdk.AccAddress, l types.Licence) (bool, error) {
		gs.Licences = append(gs.Licences, l)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Freezes.Walk(ctx, nil, func(_ sdk.AccAddress, f types.Freeze) (bool, error) {
		gs.Freezes = append(gs.Freezes, f)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Rules.Walk(ctx, nil, func(_ string, r types.EligibilityRule) (bool, error) {
		gs.Rules = append(gs.Rules, r)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Audit.Walk(ctx, nil, func(_ uint64, a types.AuditRecord) (bool, error) {
		gs.Audit = append(gs.Audit, a)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if gs.NextEntityId, err = k.NextEntity.Peek(ctx); err != nil {
		return nil, err
	}
	if gs.NextAuditSequence, err = k.NextAudit.Peek(ctx); err != nil {
		return nil, err
	}
	gs.NextEntityId, gs.NextAuditSequence = max(gs.NextEntityId, 1), max(gs.NextAuditSequence, 1)
	return gs, nil
}
