package keeper

import (
	"context"
	"fmt"

	errorsmod "cosmossdk.io/errors"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// GetEntity returns entity id.
func (k Keeper) GetEntity(ctx context.Context, id uint64) (types.Entity, error) {
	e, err := k.Entities.Get(ctx, id)
	if err != nil {
		return e, errorsmod.Wrapf(types.ErrEntityNotFound, "entity %d", id)
	}
	return e, nil
}

// validateEntityInState checks e against the register: parent exists, no
// parent cycle, LEI unique (apart from e itself).
func (k Keeper) validateEntityInState(ctx context.Context, e types.Entity) error {
	if err := types.ValidateEntity(e); err != nil {
		return errorsmod.Wrap(types.ErrInvalidEntity, err.Error())
	}
	if owner, err := k.EntityByLEI.Get(ctx, e.Lei); err == nil && owner != e.Id {
		return errorsmod.Wrapf(types.ErrDuplicateLEI, "lei %s belongs to entity %d", e.Lei, owner)
	}
	// Walk the parent chain; it is acyclic in state, so it ends within the
	// number of entities, which the next id bounds.
	next, err := k.NextEntity.Peek(ctx)
	if err != nil {
		return err
	}
	parent := e.ParentId
	for steps := uint64(0); parent != 0; steps++ {
		if parent == e.Id {
			return errorsmod.Wrapf(types.ErrInvalidEntity, "entity %d: parent cycle", e.Id)
		}
		if steps > next {
			return errorsmod.Wrapf(types.ErrInvalidEntity, "entity %d: parent chain too long", e.Id)
		}
		p, err := k.Entities.Get(ctx, parent)
		if err != nil {
			return errorsmod.Wrapf(types.ErrEntityNotFound, "parent entity %d", parent)
		}
		parent = p.ParentId
	}
	return nil
}

// RegisterEntity registers e under the next id and returns it; reason is
// recorded in the audit record.
func (k Keeper) RegisterEntity(ctx context.Context, actor string, e types.Entity, reason string) (uint64, error) {
	id, err := k.NextEntity.Peek(ctx)
	if err != nil {
		return 0, err
	}
	if id == 0 {
		id = 1
	}
	e.Id = id
	if err := k.validateEntityInState(ctx, e); err != nil {
		return 0, err
	}
	if err := k.NextEntity.Set(ctx, id+1); err != nil {
		return 0, err
	}
	if err := k.setEntity(ctx, e, ""); err != nil {
		return 0, err
	}
	seq, err := k.appendAudit(ctx, actor, types.ActionRegisterEntity, fmt.Sprintf("entity/%d", id),
		fmt.Sprintf("name=%q lei=%s jurisdiction=%s parent=%d reason=%q", e.Name, e.Lei, e.Jurisdiction, e.ParentId, reason))
	if err != nil {
		return 0, err
	}
	return id, emit(ctx, &types.EventEntityRegistered{AuditSequence: seq, Entity: e})
}

// UpdateEntity replaces the fields of an existing entity; reason is
// recorded in the audit record.
func (k Keeper) UpdateEntity(ctx context.Context, actor string, e types.Entity, reason string) error {
	old, err := k.GetEntity(ctx, e.Id)
	if err != nil {
		return err
	}
	if err := k.validateEntityInState(ctx, e); err != nil {
		return err
	}
	if err := k.setEntity(ctx, e, old.Lei); err != nil {
		return err
	}
	seq, err := k.appendAudit(ctx, actor, types.ActionUpdateEntity, fmt.Sprintf("entity/%d", e.Id),
		fmt.Sprintf("name=%q lei=%s jurisdiction=%s parent=%d reason=%q", e.Name, e.Lei, e.Jurisdiction, e.ParentId, reason))
	if err != nil {
		return err
	}
	return emit(ctx, &types.EventEntityUpdated{AuditSequence: seq, Entity: e})
}

func (k Keeper) setEntity(ctx context.Context, e types.Entity, oldLEI string) error {
	if oldLEI != "" && oldLEI != e.Lei {
		if err := k.EntityByLEI.Remove(ctx, oldLEI); err != nil {
			return err
		}
	}
	if err := k.EntityByLEI.Set(ctx, e.Lei, e.Id); err != nil {
		return err
	}
	return k.Entities.Set(ctx, e.Id, e)
}
