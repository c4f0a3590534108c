package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"

	"github.com/clearchain/clearchain/x/compliance/testutil"
	"github.com/clearchain/clearchain/x/compliance/types"
)

func TestCheckTrade(t *testing.T) {
	mm := testutil.Addr("mm")
	issuer := testutil.Addr("issuer")
	cases := map[string]struct {
		// State.
		addrName string
		freeze   bool
		later    time.Duration // block time moved forward
		rule     *types.EligibilityRule
		// Parameters.
		subject string
		denoms  []string
		// Expectations.
		err     *errorsmod.Error
		message string
	}{
		"an institution trades an unruled market":         {addrName: "alice", subject: "market/1"},
		"a market maker trades":                           {addrName: "mm", subject: "market/1"},
		"an unlicensed account is refused":                {addrName: "stranger", subject: "market/1", err: types.ErrNoLicence, message: "holds no licence"},
		"an issuer without a trading role is refused":     {addrName: "issuer", subject: "market/1", err: types.ErrMissingRole, message: "INSTITUTION or MARKET_MAKER"},
		"a frozen account is refused":                     {addrName: "alice", freeze: true, subject: "market/1", err: types.ErrFrozen, message: "frozen"},
		"an expired licence is no licence":                {addrName: "alice", later: 24 * time.Hour, subject: "market/1", err: types.ErrLicenceExpired, message: "expired"},
		"a licence is valid until just before its expiry": {addrName: "alice", later: 24*time.Hour - time.Nanosecond, subject: "market/1"},
		"a market rule on roles refuses an institution":   {addrName: "alice", rule: &types.EligibilityRule{Subject: "market/3", AllowedRoles: []types.Role{types.RoleMarketMaker}}, subject: "market/3", err: types.ErrMissingRole, message: "MARKET_MAKER required by market/3"},
		"a market rule on jurisdictions refuses DE":       {addrName: "alice", rule: &types.EligibilityRule{Subject: "market/3", AllowedJurisdictions: []string{"FR"}}, subject: "market/3", err: types.ErrJurisdiction, message: "jurisdiction DE not allowed"},
		"a market rule on jurisdictions admits FR":        {addrName: "mm", rule: &types.EligibilityRule{Subject: "market/3", AllowedJurisdictions: []string{"FR"}}, subject: "market/3"},
		"a denom rule applies to the traded denoms":       {addrName: "alice", rule: &types.EligibilityRule{Subject: "asset/x/gcr", AllowedJurisdictions: []string{"FR"}}, subject: "market/1", denoms: []string{"uclear", "asset/x/gcr"}, err: types.ErrJurisdiction},
		"another market's rule does not apply":            {addrName: "alice", rule: &types.EligibilityRule{Subject: "market/9", AllowedJurisdictions: []string{"FR"}}, subject: "market/1"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, _ := setup(t)
			f.License(t, mm, 2, time.Time{}, types.RoleMarketMaker)
			f.License(t, issuer, 1, time.Time{}, types.RoleIssuer)
			if tc.freeze {
				require.NoError(t, f.Compliance.FreezeAccount(f.Ctx, f.Regulator.String(), testutil.Addr(tc.addrName), "test"))
			}
			if tc.rule != nil {
				require.NoError(t, f.Compliance.SetEligibilityRule(f.Ctx, f.Regulator.String(), *tc.rule, "test"))
			}
			f.Ctx = f.Ctx.WithBlockTime(testutil.BlockTime.Add(tc.later))
			before := f.State(t)
			err := f.Compliance.CheckTrade(f.Ctx, testutil.Addr(tc.addrName), tc.subject, tc.denoms...)
			require.Equal(t, before, f.State(t), "a check never writes")
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
			require.Contains(t, err.Error(), tc.message)
			allowed, reason := f.Compliance.CheckEligibility(f.Ctx, testutil.Addr(tc.addrName), "trade", tc.subject)
			if len(tc.denoms) == 0 {
				require.False(t, allowed)
				require.Equal(t, err.Error(), reason)
			}
		})
	}
}

func TestCheckEligibility_Actions(t *testing.T) {
	f, _ := setup(t)
	issuer := testutil.Addr("issuer")
	f.License(t, issuer, 2, time.Time{}, types.RoleIssuer)
	ok, reason := f.Compliance.CheckEligibility(f.Ctx, issuer, "ISSUER", "")
	require.True(t, ok, reason)
	ok, reason = f.Compliance.CheckEligibility(f.Ctx, alice, "issuer", "")
	require.False(t, ok)
	require.Contains(t, reason, "lacks licence role ISSUER")
	ok, _ = f.Compliance.CheckEligibility(f.Ctx, stranger, "hold", "uclear")
	require.True(t, ok, "anyone may hold an unrestricted denom")
	ok, reason = f.Compliance.CheckEligibility(f.Ctx, alice, "dance", "x")
	require.False(t, ok)
	require.Contains(t, reason, "unknown action")
	require.True(t, f.Compliance.HasRole(f.Ctx, issuer, types.RoleIssuer))
	require.False(t, f.Compliance.HasRole(f.Ctx, issuer, types.RoleAuditor))
}
