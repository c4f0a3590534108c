package keeper

import (
	"context"
	"fmt"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// RegisterInvariants registers the module's state invariants.
func RegisterInvariants(ir sdk.InvariantRegistry, k Keeper) {
	ir.RegisterRoute(types.ModuleName, "registry", func(ctx sdk.Context) (string, bool) {
		if err := k.CheckRegistryInvariant(ctx); err != nil {
			return sdk.FormatInvariant(types.ModuleName, "registry", err.Error()), true
		}
		return sdk.FormatInvariant(types.ModuleName, "registry", "ok"), false
	})
}

// CheckRegistryInvariant checks the README's invariants: every licence
// names an existing entity; every parent exists and no parent chain loops;
// EntityByLEI is the inverse of the entities' LEIs; audit sequences are
// 1..NextAudit-1 with no gap and form an intact hash chain.
func (k Keeper) CheckRegistryInvariant(ctx context.Context) error {
	parents := map[uint64]uint64{}
	var ids []uint64
	err := k.Entities.Walk(ctx, nil, func(id uint64, e types.Entity) (bool, error) {
		if e.Id != id {
			return true, fmt.Errorf("entity stored under %d has id %d", id, e.Id)
		}
		lei, err := k.EntityByLEI.Get(ctx, e.Lei)
		if err != nil || lei != id {
			return true, fmt.Errorf("entity %d: LEI %s does not index it", id, e.Lei)
		}
		parents[id] = e.ParentId
		ids = append(ids, id) // Walk is in key order: deterministic
		return false, nil
	})
	if err != nil {
		return err
	}
	var leis int
	if err := k.EntityByLEI.Walk(ctx, nil, func(string, uint64) (bool, error) { leis++; return false, nil }); err != nil {
		return err
	}
	if leis != len(ids) {
		return fmt.Errorf("%d LEI index entries for %d entities", leis, len(ids))
	}
	for _, id := range ids {
		// A chain longer than the number of entities must loop.
		cur := id
		for steps := 0; parents[cur] != 0; steps++ {
			if steps > len(ids) {
				return fmt.Errorf("entity %d: parent chain loops", id)
			}
			p := parents[cur]
			if _, ok := parents[p]; !ok {
				return fmt.Errorf("entity %d: parent %d does not exist", cur, p)
			}
			cur = p
		}
	}
	err = k.Licences.Walk(ctx, nil, func(addr sdk.AccAddress, l types.Licence) (bool, error) {
		if _, ok := parents[l.EntityId]; !ok {
			return true, fmt.Errorf("licence of %s names unknown entity %d", addr, l.EntityId)
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	next, err := k.NextAudit.Peek(ctx)
	if err != nil {
		return err
	}
	want := uint64(1)
	chain := types.NewAuditChainVerifier()
	err = k.Audit.Walk(ctx, nil, func(seq uint64, r types.AuditRecord) (bool, error) {
		if seq != want {
			return true, fmt.Errorf("audit record %d where %d was expected", seq, want)
		}
		if err := chain.Next(r); err != nil {
			return true, err
		}
		want++
		return false, nil
	})
	if err != nil {
		return err
	}
	// Sequences start at 1: an empty trail may have next 0 or 1.
	if want > 1 && next != want {
		return fmt.Errorf("audit trail ends at %d but the next sequence is %d", want-1, next)
	}
	return nil
}
