package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	assetskeeper "github.com/clearchain/clearchain/x/assets/keeper"
	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	"github.com/clearchain/clearchain/x/compliance/testutil"
	"github.com/clearchain/clearchain/x/compliance/types"
)

func TestRegistryInvariant(t *testing.T) {
	cases := map[string]struct {
		// State.
		corrupt func(t *testing.T, f *testutil.Fixture)
		// Expectations.
		message string
	}{
		"a registry built by messages holds": {},
		"a licence naming an unknown entity breaks it": {func(t *testing.T, f *testutil.Fixture) {
			require.NoError(t, f.Compliance.Licences.Set(f.Ctx, testutil.Addr("ghost"), types.Licence{
				Address: testutil.Addr("ghost").String(), EntityId: 99, Roles: []types.Role{types.RoleInstitution},
				IssuedAt: testutil.BlockTime, ExpiresAt: testutil.BlockTime.Add(time.Hour)}))
		}, "unknown entity 99"},
		"a parent loop breaks it": {func(t *testing.T, f *testutil.Fixture) {
			e, err := f.Compliance.Entities.Get(f.Ctx, 1)
			require.NoError(t, err)
			e.ParentId = 2 // entity 2's parent is 1
			require.NoError(t, f.Compliance.Entities.Set(f.Ctx, 1, e))
		}, "loops"},
		"a missing LEI index entry breaks it": {func(t *testing.T, f *testutil.Fixture) {
			require.NoError(t, f.Compliance.EntityByLEI.Remove(f.Ctx, leiA))
		}, "does not index it"},
		"a gap in the audit trail breaks it": {func(t *testing.T, f *testutil.Fixture) {
			require.NoError(t, f.Compliance.Audit.Remove(f.Ctx, 1))
		}, "audit record"},
		"a rewritten audit record breaks it": {func(t *testing.T, f *testutil.Fixture) {
			r, err := f.Compliance.Audit.Get(f.Ctx, 2)
			require.NoError(t, err)
			r.Details = "rewritten"
			require.NoError(t, f.Compliance.Audit.Set(f.Ctx, 2, r))
		}, "audit chain broken at sequence 2"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, _ := setup(t)
			require.NoError(t, f.Compliance.CheckRegistryInvariant(f.Ctx))
			if tc.corrupt == nil {
				return
			}
			tc.corrupt(t, f)
			err := f.Compliance.CheckRegistryInvariant(f.Ctx)
			require.ErrorContains(t, err, tc.message)
		})
	}
}

func TestSupplyCapInvariant(t *testing.T) {
	f, _ := setup(t)
	issuer := testutil.Addr("issuer")
	f.License(t, issuer, 1, time.Time{}, types.RoleIssuer)
	a, err := f.Assets.CreateAsset(f.Ctx, issuer, assetskeeper.CreateParams{
		Symbol: "gcr", Name: "Green credit", Class: assetstypes.ClassGreenCredit, SupplyCap: sdkmath.NewInt(1000)})
	require.NoError(t, err)
	require.NoError(t, f.Assets.Mint(f.Ctx, issuer, a.Denom, sdkmath.NewInt(1000), testutil.Addr("alice")))
	require.NoError(t, f.Assets.CheckSupplyInvariant(f.Ctx))

	// Lowering the cap under the supply behind the keeper's back breaks it.
	a.SupplyCap = sdkmath.NewInt(999)
	require.NoError(t, f.Assets.Assets.Set(f.Ctx, a.Denom, a))
	require.ErrorContains(t, f.Assets.CheckSupplyInvariant(f.Ctx), "exceeds its cap")
}
