package keeper

import (
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// Migrator migrates the compliance store between consensus versions.
type Migrator struct{ k Keeper }

// NewMigrator returns the module's migrator.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 (v1 → v2): chains the existing audit records (prev_hash,
// hash, in sequence order, from the zero hash), indexes every licence
// expiry (a licence already expired is barred by the next EndBlock), and
// sets max_expiries_per_block to its default.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	k := m.k
	prev := types.ZeroAuditHash
	var records []types.AuditRecord
	if err := k.Audit.Walk(ctx, nil, func(_ uint64, r types.AuditRecord) (bool, error) {
		records = append(records, r)
		return false, nil
	}); err != nil {
		return err
	}
	for _, r := range records {
		r.PrevHash = prev
		r.Hash = types.AuditRecordHash(r)
		if err := k.Audit.Set(ctx, r.Sequence, r); err != nil {
			return err
		}
		prev = r.Hash
	}
	if err := k.Licences.Walk(ctx, nil, func(addr sdk.AccAddress, l types.Licence) (bool, error) {
		return false, k.indexExpiry(ctx, addr, time.Time{}, l.ExpiresAt)
	}); err != nil {
		return err
	}
	p, err := k.Params.Get(ctx)
	if err != nil {
		return err
	}
	if p.MaxExpiriesPerBlock == 0 {
		p.MaxExpiriesPerBlock = types.DefaultMaxExpiriesPerBlock
	}
	return k.Params.Set(ctx, p)
}
