package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/clearchain/clearchain/x/compliance/keeper"
	"github.com/clearchain/clearchain/x/compliance/types"
)

// A v1 store: records without prev_hash/hash, no expiry index, no bound.
func TestMigrate1to2_ChainsExistingRecordsAndIndexesExpiries(t *testing.T) {
	f, _ := setup(t)
	rec := &barRecorder{}
	f.Compliance.SetLifecycleHooks(rec)
	ctx := f.Ctx
	require.NoError(t, f.Compliance.Expiries.Clear(ctx, nil))
	gs, err := f.Compliance.ExportGenesis(ctx)
	require.NoError(t, err)
	for _, r := range gs.Audit {
		r.PrevHash, r.Hash = nil, nil
		require.NoError(t, f.Compliance.Audit.Set(ctx, r.Sequence, r))
	}
	require.NoError(t, f.Compliance.Params.Set(ctx, types.Params{Authority: f.Regulator.String()}))
	v1, err := f.Compliance.ExportGenesis(ctx)
	require.NoError(t, err)
	require.ErrorContains(t, v1.Validate(), "audit chain broken at sequence 1")

	require.NoError(t, keeper.NewMigrator(f.Compliance).Migrate1to2(ctx))
	v2, err := f.Compliance.ExportGenesis(ctx)
	require.NoError(t, err)
	require.NoError(t, v2.Validate())
	require.Equal(t, gs.Audit, v2.Audit, "the migration derives the same chain the keeper writes")
	require.EqualValues(t, types.DefaultMaxExpiriesPerBlock, v2.Params.MaxExpiriesPerBlock)

	// alice's expiry is indexed: the sweep bars her at expiry.
	require.NoError(t, f.Compliance.EndBlock(at(f, 24*time.Hour)))
	require.Equal(t, []string{alice.String() + " expired"}, rec.calls)
}

// An imported genesis indexes the licences that expire after its time.
func TestInitGenesis_IndexesExpiries(t *testing.T) {
	f, _ := setup(t)
	gs, err := f.Compliance.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	g, _ := setup(t)
	require.NoError(t, g.Compliance.Expiries.Clear(g.Ctx, nil))
	require.NoError(t, g.Compliance.InitGenesis(g.Ctx, gs))
	rec := &barRecorder{}
	g.Compliance.SetLifecycleHooks(rec)
	require.NoError(t, g.Compliance.EndBlock(at(g, 24*time.Hour)))
	require.Equal(t, []string{alice.String() + " expired"}, rec.calls)
}
