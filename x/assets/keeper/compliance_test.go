package keeper_test

// Keepers re-check: the ante gate is not the only door into x/assets (the
// message router, contracts, authz), so every issuer action asks compliance
// where it happens. These tests call the msg server directly, as any of
// those doors would; before the keeper checks, a frozen or revoked issuer
// still minted, burned, paused and handed over its assets.

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	"github.com/clearchain/clearchain/x/assets/types"
	"github.com/clearchain/clearchain/x/compliance/testutil"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

func issuerActions(denom string) map[string]func(types.MsgServer, *testutil.Fixture) error {
	return map[string]func(types.MsgServer, *testutil.Fixture) error{
		"mint": func(m types.MsgServer, f *testutil.Fixture) error {
			_, err := m.Mint(f.Ctx, &types.MsgMint{Admin: issuer.String(), Denom: denom, Amount: sdkmath.NewInt(1), Recipient: issuer.String()})
			return err
		},
		"burn": func(m types.MsgServer, f *testutil.Fixture) error {
			_, err := m.Burn(f.Ctx, &types.MsgBurn{Admin: issuer.String(), Denom: denom, Amount: sdkmath.NewInt(1)})
			return err
		},
		"pause": func(m types.MsgServer, f *testutil.Fixture) error {
			_, err := m.SetPaused(f.Ctx, &types.MsgSetPaused{Admin: issuer.String(), Denom: denom, Paused: true})
			return err
		},
		"transfer admin": func(m types.MsgServer, f *testutil.Fixture) error {
			_, err := m.TransferAdmin(f.Ctx, &types.MsgTransferAdmin{Admin: issuer.String(), Denom: denom, NewAdmin: holder.String()})
			return err
		},
		"create": func(m types.MsgServer, f *testutil.Fixture) error {
			_, err := m.CreateAsset(f.Ctx, &types.MsgCreateAsset{Issuer: issuer.String(), Symbol: "xyz", Name: "X",
				Class: types.ClassCash, SupplyCap: sdkmath.ZeroInt()})
			return err
		},
	}
}

func TestIssuerActions_FrozenRevokedOrExpiredIssuerRefused(t *testing.T) {
	bars := map[string]struct {
		bar  func(t *testing.T, f *testutil.Fixture)
		want string
	}{
		"frozen": {func(t *testing.T, f *testutil.Fixture) {
			require.NoError(t, f.Compliance.FreezeAccount(f.Ctx, f.Regulator.String(), issuer, "aml"))
		}, "is frozen"},
		"revoked": {func(t *testing.T, f *testutil.Fixture) {
			require.NoError(t, f.Compliance.RevokeLicence(f.Ctx, f.Regulator.String(), issuer, "breach"))
		}, "lacks an active licence with role ISSUER"},
		"expired": {func(t *testing.T, f *testutil.Fixture) {
			l, err := f.Compliance.Licences.Get(f.Ctx, issuer)
			require.NoError(t, err)
			l.ExpiresAt = testutil.BlockTime.Add(time.Minute)
			require.NoError(t, f.Compliance.Licences.Set(f.Ctx, issuer, l))
			f.Ctx = f.Ctx.WithBlockTime(testutil.BlockTime.Add(time.Hour))
		}, "lacks an active licence with role ISSUER"},
	}
	for barName, b := range bars {
		for action := range issuerActions("") {
			t.Run(barName+" issuer cannot "+action, func(t *testing.T) {
				f, m, denom := setup(t)
				b.bar(t, f)
				before := f.State(t)
				err := issuerActions(denom)[action](m, f)
				require.ErrorIs(t, err, types.ErrNotIssuer)
				require.ErrorContains(t, err, b.want)
				require.Equal(t, before, f.State(t), "state changed")
			})
		}
	}
}

func TestIssuerActions_Audited(t *testing.T) {
	f, m, denom := setup(t) // create + mint 100
	for _, action := range []string{"burn", "pause", "transfer admin"} {
		require.NoError(t, issuerActions(denom)[action](m, f), action)
	}
	var got []compliancetypes.AuditRecord
	require.NoError(t, f.Compliance.Audit.Walk(f.Ctx, nil, func(_ uint64, r compliancetypes.AuditRecord) (bool, error) {
		if r.Subject == denom {
			got = append(got, r)
		}
		return false, nil
	}))
	var actions []string
	for _, r := range got {
		require.Equal(t, issuer.String(), r.Actor)
		actions = append(actions, r.Action)
	}
	require.Equal(t, []string{types.AuditCreate, types.AuditMint, types.AuditBurn, types.AuditPause, types.AuditTransferAdmin}, actions)
	require.Equal(t, "amount=100 recipient="+issuer.String(), got[1].Details)
}
