package keeper_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/testutil"
	"github.com/clearchain/clearchain/x/compliance/types"
)

// barRecorder is a lifecycle hook that records what it is told (the
// consumer side; the keeper calling it is the real one).
type barRecorder struct {
	calls []string
	fail  error
}

func (r *barRecorder) AfterAccountBarred(_ context.Context, addr sdk.AccAddress, cause types.BarCause, _ string) error {
	r.calls = append(r.calls, addr.String()+" "+cause.String())
	return r.fail
}

func at(f *testutil.Fixture, d time.Duration) sdk.Context {
	return f.Ctx.WithBlockTime(testutil.BlockTime.Add(d)).WithBlockHeight(f.Ctx.BlockHeight() + int64(d/time.Second))
}

func auditActions(t *testing.T, f *testutil.Fixture, ctx sdk.Context, action string) int {
	gs, err := f.Compliance.ExportGenesis(ctx)
	require.NoError(t, err)
	n := 0
	for _, a := range gs.Audit {
		if a.Action == action {
			n++
		}
	}
	require.NoError(t, gs.Validate(), "the chain stays intact")
	return n
}

// alice's licence (setup) expires one day after the block time.
func TestExpiry_TriggersTheHookExactlyOnce(t *testing.T) {
	f, _ := setup(t)
	rec := &barRecorder{}
	f.Compliance.SetLifecycleHooks(rec)

	require.NoError(t, f.Compliance.EndBlock(at(f, 24*time.Hour-time.Nanosecond)))
	require.Empty(t, rec.calls, "not yet due")

	ctx := at(f, 24*time.Hour) // expiry at the block time: expired
	require.NoError(t, f.Compliance.EndBlock(ctx))
	require.Equal(t, []string{alice.String() + " expired"}, rec.calls)
	require.Equal(t, 1, auditActions(t, f, ctx, types.ActionLicenceExpired))

	for _, d := range []time.Duration{24 * time.Hour, 25 * time.Hour, 240 * time.Hour} {
		require.NoError(t, f.Compliance.EndBlock(at(f, d)))
	}
	require.Len(t, rec.calls, 1, "an expiry bars once")
	require.Equal(t, 1, auditActions(t, f, ctx, types.ActionLicenceExpired))
	_, err := f.Compliance.ActiveLicence(ctx, alice)
	require.ErrorIs(t, err, types.ErrLicenceExpired, "the licence stays on record, expired")
}

func TestExpiry_BoundCarriesOver(t *testing.T) {
	f, _ := setup(t)
	rec := &barRecorder{}
	f.Compliance.SetLifecycleHooks(rec)
	p, err := f.Compliance.GetParams(f.Ctx)
	require.NoError(t, err)
	p.MaxExpiriesPerBlock = 2
	require.NoError(t, f.Compliance.Params.Set(f.Ctx, p))
	for i := range 5 {
		f.License(t, testutil.Addr(fmt.Sprintf("acct%d", i)), 2, testutil.BlockTime.Add(time.Duration(i+1)*time.Minute), types.RoleInstitution)
	}
	// All five (and alice's, a day later) are due at +2h; 2 per block.
	var perBlock []int
	for b := range 4 {
		before := len(rec.calls)
		require.NoError(t, f.Compliance.EndBlock(at(f, 2*time.Hour+time.Duration(b)*time.Second)))
		perBlock = append(perBlock, len(rec.calls)-before)
	}
	require.Equal(t, []int{2, 2, 1, 0}, perBlock)
	// Oldest expiry first.
	require.Equal(t, testutil.Addr("acct0").String()+" expired", rec.calls[0])
	require.Equal(t, testutil.Addr("acct4").String()+" expired", rec.calls[4])
}

func TestExpiry_RenewalBeforeExpiryCancelsTheBar(t *testing.T) {
	f, m := setup(t)
	rec := &barRecorder{}
	f.Compliance.SetLifecycleHooks(rec)
	_, err := m.UpdateLicence(f.Ctx, &types.MsgUpdateLicence{
		Authority: f.Regulator.String(), Address: alice.String(), EntityId: 1,
		Roles: []types.Role{types.RoleInstitution}, ExpiresAt: testutil.BlockTime.Add(48 * time.Hour), Reason: "renewed",
	})
	require.NoError(t, err)

	require.NoError(t, f.Compliance.EndBlock(at(f, 24*time.Hour)))
	require.NoError(t, f.Compliance.EndBlock(at(f, 47*time.Hour)))
	require.Empty(t, rec.calls, "the old expiry no longer bars")
	_, err = f.Compliance.ActiveLicence(at(f, 47*time.Hour), alice)
	require.NoError(t, err)

	require.NoError(t, f.Compliance.EndBlock(at(f, 48*time.Hour)))
	require.Equal(t, []string{alice.String() + " expired"}, rec.calls)
}

// A stale index entry (written by hand, as a state from before a renewal
// could hold) does not bar a licence renewed to a later expiry.
func TestExpiry_StaleIndexEntryIgnored(t *testing.T) {
	f, _ := setup(t)
	rec := &barRecorder{}
	f.Compliance.SetLifecycleHooks(rec)
	require.NoError(t, f.Compliance.Expiries.Set(f.Ctx, expiryPair(testutil.BlockTime.Add(time.Hour), alice)))
	require.NoError(t, f.Compliance.EndBlock(at(f, 2*time.Hour)))
	require.Empty(t, rec.calls)
	require.Equal(t, 0, auditActions(t, f, at(f, 2*time.Hour), types.ActionLicenceExpired))
}

func TestExpiry_RevokedBeforeExpiryNotBarredAgain(t *testing.T) {
	f, m := setup(t)
	rec := &barRecorder{}
	f.Compliance.SetLifecycleHooks(rec)
	_, err := m.RevokeLicence(f.Ctx, &types.MsgRevokeLicence{Authority: f.Regulator.String(), Address: alice.String(), Reason: "end"})
	require.NoError(t, err)
	require.NoError(t, f.Compliance.EndBlock(at(f, 25*time.Hour)))
	require.Equal(t, []string{alice.String() + " revoked"}, rec.calls)
}

// A hook that fails never fails the block: the expiry is audited, the
// hook's writes are dropped, the entry is not retried forever.
func TestExpiry_FailingHookNeverFailsTheBlock(t *testing.T) {
	f, _ := setup(t)
	rec := &barRecorder{fail: errors.New("exchange says no")}
	f.Compliance.SetLifecycleHooks(rec)
	ctx := at(f, 24*time.Hour)
	require.NoError(t, f.Compliance.EndBlock(ctx))
	require.Len(t, rec.calls, 1)
	require.Equal(t, 1, auditActions(t, f, ctx, types.ActionLicenceExpired))
	require.NoError(t, f.Compliance.EndBlock(at(f, 25*time.Hour)))
	require.Len(t, rec.calls, 1)
}
