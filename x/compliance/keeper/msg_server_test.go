package keeper_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	assetskeeper "github.com/clearchain/clearchain/x/assets/keeper"
	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	"github.com/clearchain/clearchain/x/compliance/keeper"
	"github.com/clearchain/clearchain/x/compliance/testutil"
	"github.com/clearchain/clearchain/x/compliance/types"
)

const (
	leiA = "5493001KJTIIGC8Y1R12"
	leiB = "5493001KJTIIGC8Y1R13"
)

var (
	alice    = testutil.Addr("alice")
	bob      = testutil.Addr("bob")
	stranger = testutil.Addr("stranger")
)

// setup: entity 1 (DE), entity 2 (FR, parent 1); alice licensed under 1
// as INSTITUTION until one day after the block time.
func setup(t *testing.T) (*testutil.Fixture, types.MsgServer) {
	f := testutil.NewFixture(t)
	f.Entity(t, "Alpha Bank", leiA, "DE", 0)
	f.Entity(t, "Beta Securities", leiB, "FR", 1)
	f.License(t, alice, 1, testutil.BlockTime.Add(24*time.Hour), types.RoleInstitution)
	return f, keeper.NewMsgServerImpl(f.Compliance)
}

func TestMsgServer_Refusals(t *testing.T) {
	reg := testutil.Addr("regulator").String()
	cases := map[string]struct {
		// Parameters.
		run func(f *testutil.Fixture, m types.MsgServer) error
		// Expectations.
		err *errorsmod.Error
	}{
		"update params not signed by gov": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: reg, Params: types.Params{Authority: bob.String()}})
			return err
		}, types.ErrUnauthorized},
		"update params with a bad regulator": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.UpdateParams(f.Ctx, &types.MsgUpdateParams{Authority: f.Gov, Params: types.Params{Authority: "nope"}})
			return err
		}, types.ErrInvalidParams},
		"register entity not by the regulator": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.RegisterEntity(f.Ctx, &types.MsgRegisterEntity{Reason: "test", Authority: bob.String(), Name: "X", Lei: "5493001KJTIIGC8Y1R99", Jurisdiction: "DE"})
			return err
		}, types.ErrUnauthorized},
		"register entity with a bad lei": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.RegisterEntity(f.Ctx, &types.MsgRegisterEntity{Reason: "test", Authority: reg, Name: "X", Lei: "short", Jurisdiction: "DE"})
			return err
		}, types.ErrInvalidEntity},
		"register entity with a bad jurisdiction": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.RegisterEntity(f.Ctx, &types.MsgRegisterEntity{Reason: "test", Authority: reg, Name: "X", Lei: "5493001KJTIIGC8Y1R99", Jurisdiction: "XX"})
			return err
		}, types.ErrInvalidEntity},
		"register entity with a duplicate lei": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.RegisterEntity(f.Ctx, &types.MsgRegisterEntity{Reason: "test", Authority: reg, Name: "X", Lei: leiA, Jurisdiction: "DE"})
			return err
		}, types.ErrDuplicateLEI},
		"register entity with an unknown parent": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.RegisterEntity(f.Ctx, &types.MsgRegisterEntity{Reason: "test", Authority: reg, Name: "X", Lei: "5493001KJTIIGC8Y1R99", Jurisdiction: "DE", ParentId: 9})
			return err
		}, types.ErrEntityNotFound},
		"update entity into a parent cycle": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.UpdateEntity(f.Ctx, &types.MsgUpdateEntity{Reason: "test", Authority: reg, Id: 1, Name: "Alpha", Lei: leiA, Jurisdiction: "DE", ParentId: 2})
			return err
		}, types.ErrInvalidEntity},
		"update an unknown entity": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.UpdateEntity(f.Ctx, &types.MsgUpdateEntity{Reason: "test", Authority: reg, Id: 7, Name: "X", Lei: "5493001KJTIIGC8Y1R99", Jurisdiction: "DE"})
			return err
		}, types.ErrEntityNotFound},
		"grant licence not by the regulator": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.GrantLicence(f.Ctx, &types.MsgGrantLicence{Reason: "test", Authority: alice.String(), Address: bob.String(), EntityId: 1, Roles: []types.Role{types.RoleIssuer}})
			return err
		}, types.ErrUnauthorized},
		"grant licence to a licensed account": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.GrantLicence(f.Ctx, &types.MsgGrantLicence{Reason: "test", Authority: reg, Address: alice.String(), EntityId: 1, Roles: []types.Role{types.RoleIssuer}})
			return err
		}, types.ErrLicenceExists},
		"grant licence for an unknown entity": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.GrantLicence(f.Ctx, &types.MsgGrantLicence{Reason: "test", Authority: reg, Address: bob.String(), EntityId: 9, Roles: []types.Role{types.RoleIssuer}})
			return err
		}, types.ErrEntityNotFound},
		"grant licence without roles": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.GrantLicence(f.Ctx, &types.MsgGrantLicence{Reason: "test", Authority: reg, Address: bob.String(), EntityId: 1})
			return err
		}, types.ErrInvalidLicence},
		"grant licence with an unknown role": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.GrantLicence(f.Ctx, &types.MsgGrantLicence{Reason: "test", Authority: reg, Address: bob.String(), EntityId: 1, Roles: []types.Role{99}})
			return err
		}, types.ErrInvalidLicence},
		"grant licence already expired": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.GrantLicence(f.Ctx, &types.MsgGrantLicence{Reason: "test", Authority: reg, Address: bob.String(), EntityId: 1, Roles: []types.Role{types.RoleIssuer}, ExpiresAt: testutil.BlockTime})
			return err
		}, types.ErrInvalidLicence},
		"grant licence to a bad address": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.GrantLicence(f.Ctx, &types.MsgGrantLicence{Reason: "test", Authority: reg, Address: "clear1bad", EntityId: 1, Roles: []types.Role{types.RoleIssuer}})
			return err
		}, types.ErrInvalidAddress},
		"update an absent licence": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.UpdateLicence(f.Ctx, &types.MsgUpdateLicence{Reason: "test", Authority: reg, Address: bob.String(), EntityId: 1, Roles: []types.Role{types.RoleIssuer}})
			return err
		}, types.ErrNoLicence},
		"revoke an absent licence": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.RevokeLicence(f.Ctx, &types.MsgRevokeLicence{Authority: reg, Address: bob.String(), Reason: "x"})
			return err
		}, types.ErrNoLicence},
		"revoke not by the regulator": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.RevokeLicence(f.Ctx, &types.MsgRevokeLicence{Authority: f.Gov, Address: alice.String(), Reason: "x"})
			return err
		}, types.ErrUnauthorized},
		"freeze not by the regulator": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.FreezeAccount(f.Ctx, &types.MsgFreezeAccount{Authority: alice.String(), Address: bob.String()})
			return err
		}, types.ErrUnauthorized},
		"freeze a bad address": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.FreezeAccount(f.Ctx, &types.MsgFreezeAccount{Authority: reg, Address: "x"})
			return err
		}, types.ErrInvalidAddress},
		"unfreeze an account that is not frozen": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.UnfreezeAccount(f.Ctx, &types.MsgUnfreezeAccount{Authority: reg, Address: bob.String(), Reason: "cleared"})
			return err
		}, types.ErrNotFrozen},
		"set a rule with a bad jurisdiction": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.SetEligibilityRule(f.Ctx, &types.MsgSetEligibilityRule{Reason: "test", Authority: reg, Subject: "market/1", AllowedJurisdictions: []string{"de"}})
			return err
		}, types.ErrInvalidRule},
		"set a rule with an empty subject": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.SetEligibilityRule(f.Ctx, &types.MsgSetEligibilityRule{Reason: "test", Authority: reg, AllowedRoles: []types.Role{types.RoleInstitution}})
			return err
		}, types.ErrInvalidRule},
		"set a rule not by the regulator": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.SetEligibilityRule(f.Ctx, &types.MsgSetEligibilityRule{Reason: "test", Authority: alice.String(), Subject: "market/1"})
			return err
		}, types.ErrUnauthorized},
		"force transfer of an unrestricted denom": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: reg, From: alice.String(), To: bob.String(), Amount: sdk.NewCoins(sdk.NewInt64Coin("uclear", 1)), Reason: "x"})
			return err
		}, types.ErrInvalidTransfer},
		"force transfer without a reason": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: reg, From: alice.String(), To: bob.String(), Amount: sdk.NewCoins(sdk.NewInt64Coin("uclear", 1))})
			return err
		}, types.ErrInvalidReason},
		"register entity without a reason": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.RegisterEntity(f.Ctx, &types.MsgRegisterEntity{Authority: reg, Name: "X", Lei: "5493001KJTIIGC8Y1R99", Jurisdiction: "DE"})
			return err
		}, types.ErrInvalidReason},
		"update entity with a blank reason": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.UpdateEntity(f.Ctx, &types.MsgUpdateEntity{Reason: "  ", Authority: reg, Id: 1, Name: "Alpha", Lei: leiA, Jurisdiction: "DE"})
			return err
		}, types.ErrInvalidReason},
		"grant licence without a reason": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.GrantLicence(f.Ctx, &types.MsgGrantLicence{Authority: reg, Address: bob.String(), EntityId: 1, Roles: []types.Role{types.RoleIssuer}})
			return err
		}, types.ErrInvalidReason},
		"update licence without a reason": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.UpdateLicence(f.Ctx, &types.MsgUpdateLicence{Authority: reg, Address: alice.String(), EntityId: 1, Roles: []types.Role{types.RoleIssuer}})
			return err
		}, types.ErrInvalidReason},
		"set eligibility rule without a reason": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.SetEligibilityRule(f.Ctx, &types.MsgSetEligibilityRule{Authority: reg, Subject: "market/1", AllowedJurisdictions: []string{"DE"}})
			return err
		}, types.ErrInvalidReason},
		"grant licence with a reason too long": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.GrantLicence(f.Ctx, &types.MsgGrantLicence{Reason: strings.Repeat("x", types.MaxReasonLength+1), Authority: reg, Address: bob.String(), EntityId: 1, Roles: []types.Role{types.RoleIssuer}})
			return err
		}, types.ErrInvalidReason},
		"force transfer not by the regulator": {func(f *testutil.Fixture, m types.MsgServer) error {
			_, err := m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: alice.String(), From: alice.String(), To: bob.String(), Amount: sdk.NewCoins(sdk.NewInt64Coin("uclear", 1)), Reason: "x"})
			return err
		}, types.ErrUnauthorized},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			f, m := setup(t)
			before := f.State(t)
			err := tc.run(f, m)
			require.ErrorIs(t, err, tc.err)
			require.Equal(t, before, f.State(t), "a refused message must leave the state unchanged")
		})
	}
}

func TestMsgServer_Lifecycle(t *testing.T) {
	f, m := setup(t)
	reg := f.Regulator.String()
	ctx := f.Ctx

	// Governance replaces the regulator, and back.
	_, err := m.UpdateParams(ctx, &types.MsgUpdateParams{Authority: f.Gov, Params: types.Params{Authority: reg}})
	require.NoError(t, err)

	res, err := m.RegisterEntity(ctx, &types.MsgRegisterEntity{Reason: "test", Authority: reg, Name: "Gamma", Lei: "5493001KJTIIGC8Y1R14", Jurisdiction: "CH", ParentId: 1})
	require.NoError(t, err)
	require.EqualValues(t, 3, res.Id)
	_, err = m.UpdateEntity(ctx, &types.MsgUpdateEntity{Reason: "test", Authority: reg, Id: 3, Name: "Gamma AG", Lei: "5493001KJTIIGC8Y1R15", Jurisdiction: "CH"})
	require.NoError(t, err)
	_, err = f.Compliance.EntityByLEI.Get(ctx, "5493001KJTIIGC8Y1R14")
	require.Error(t, err, "the old LEI is released")

	_, err = m.GrantLicence(ctx, &types.MsgGrantLicence{Reason: "test", Authority: reg, Address: bob.String(), EntityId: 3,
		Roles: []types.Role{types.RoleMarketMaker, types.RoleInstitution, types.RoleMarketMaker}})
	require.NoError(t, err)
	l, ok := f.Compliance.GetLicence(ctx, bob)
	require.True(t, ok)
	require.Equal(t, []types.Role{types.RoleInstitution, types.RoleMarketMaker}, l.Roles, "roles sorted and unique")
	require.Equal(t, testutil.BlockTime, l.IssuedAt)
	require.True(t, f.Compliance.IsMarketMaker(ctx, bob))

	_, err = m.UpdateLicence(ctx, &types.MsgUpdateLicence{Reason: "test", Authority: reg, Address: bob.String(), EntityId: 2, Roles: []types.Role{types.RoleAuditor}})
	require.NoError(t, err)
	require.False(t, f.Compliance.IsMarketMaker(ctx, bob))
	id, err := f.Compliance.EntityOf(ctx, bob)
	require.NoError(t, err)
	require.EqualValues(t, 2, id)

	_, err = m.FreezeAccount(ctx, &types.MsgFreezeAccount{Authority: reg, Address: bob.String(), Reason: "investigation"})
	require.NoError(t, err)
	require.True(t, f.Compliance.IsFrozen(ctx, bob))
	_, err = m.FreezeAccount(ctx, &types.MsgFreezeAccount{Authority: reg, Address: bob.String(), Reason: "again"})
	require.ErrorIs(t, err, types.ErrFrozen)
	_, err = m.UnfreezeAccount(ctx, &types.MsgUnfreezeAccount{Authority: reg, Address: bob.String(), Reason: "cleared"})
	require.NoError(t, err)

	_, err = m.SetEligibilityRule(ctx, &types.MsgSetEligibilityRule{Reason: "test", Authority: reg, Subject: "market/3",
		AllowedRoles: []types.Role{types.RoleMarketMaker}, AllowedJurisdictions: []string{"FR", "DE", "FR"}})
	require.NoError(t, err)
	r, ok := f.Compliance.GetEligibilityRule(ctx, "market/3")
	require.True(t, ok)
	require.Equal(t, []string{"DE", "FR"}, r.AllowedJurisdictions)
	_, err = m.SetEligibilityRule(ctx, &types.MsgSetEligibilityRule{Reason: "test", Authority: reg, Subject: "market/3"})
	require.NoError(t, err)
	_, ok = f.Compliance.GetEligibilityRule(ctx, "market/3")
	require.False(t, ok, "empty lists remove the rule")

	_, err = m.RevokeLicence(ctx, &types.MsgRevokeLicence{Authority: reg, Address: bob.String(), Reason: "end"})
	require.NoError(t, err)
	_, err = f.Compliance.EntityOf(ctx, bob)
	require.ErrorIs(t, err, types.ErrNoLicence)

	// Every change is in the audit trail, in order, and has a typed event.
	gs, err := f.Compliance.ExportGenesis(ctx)
	require.NoError(t, err)
	var actions []string
	for i, a := range gs.Audit {
		require.EqualValues(t, i+1, a.Sequence)
		require.Equal(t, int64(10), a.Height)
		actions = append(actions, a.Action)
	}
	require.Equal(t, []string{
		"register_entity", "register_entity", "grant_licence", // setup
		"update_params", "register_entity", "update_entity", "grant_licence", "update_licence",
		"freeze", "unfreeze", "set_eligibility_rule", "set_eligibility_rule", "revoke_licence",
	}, actions)
	var typed int
	for _, ev := range ctx.EventManager().Events() {
		if len(ev.Type) > len("clearchain.compliance.v1.Event") && ev.Type[:30] == "clearchain.compliance.v1.Event" {
			typed++
		}
	}
	require.Equal(t, len(actions), typed)
}

func TestForceTransfer_ClawsBackRestrictedAsset(t *testing.T) {
	f, m := setup(t)
	issuer := testutil.Addr("issuer")
	f.License(t, issuer, 1, time.Time{}, types.RoleIssuer)
	f.License(t, bob, 2, time.Time{}, types.RoleInstitution)
	a, err := f.Assets.CreateAsset(f.Ctx, issuer, assetskeeper.CreateParams{
		Symbol: "gcr", Name: "Green credit", Class: assetstypes.ClassGreenCredit, Restricted: true, SupplyCap: sdkmath.ZeroInt(),
	})
	require.NoError(t, err)
	require.NoError(t, f.Assets.Mint(f.Ctx, issuer, a.Denom, sdkmath.NewInt(100), alice))

	// alice is frozen: she can neither send nor receive the restricted asset...
	_, err = m.FreezeAccount(f.Ctx, &types.MsgFreezeAccount{Authority: f.Regulator.String(), Address: alice.String(), Reason: "fraud"})
	require.NoError(t, err)
	coins := sdk.NewCoins(sdk.NewInt64Coin(a.Denom, 40))
	require.ErrorIs(t, f.Bank.SendCoins(f.Ctx, alice, bob, coins), types.ErrFrozen)
	// ...but the regulator claws it back.
	_, err = m.ForceTransfer(f.Ctx, &types.MsgForceTransfer{Authority: f.Regulator.String(), From: alice.String(), To: issuer.String(), Amount: coins, Reason: "court order 12"})
	require.NoError(t, err)
	require.Equal(t, int64(60), f.Bank.GetBalance(f.Ctx, alice, a.Denom).Amount.Int64())
	require.Equal(t, int64(40), f.Bank.GetBalance(f.Ctx, issuer, a.Denom).Amount.Int64())
	// The last audit record (x/assets audits the create and mint before it).
	next, err := f.Compliance.NextAudit.Peek(f.Ctx)
	require.NoError(t, err)
	rec, err := f.Compliance.GetAuditRecord(f.Ctx, next-1)
	require.NoError(t, err)
	require.Equal(t, types.ActionForceTransfer, rec.Action)
	require.Contains(t, rec.Details, "court order 12")
}
