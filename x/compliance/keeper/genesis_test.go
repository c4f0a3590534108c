package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/clearchain/clearchain/x/compliance/testutil"
	"github.com/clearchain/clearchain/x/compliance/types"
)

func TestGenesis_RoundTrip(t *testing.T) {
	f, _ := setup(t)
	f.License(t, bob, 2, time.Time{}, types.RoleMarketMaker, types.RoleIssuer)
	require.NoError(t, f.Compliance.FreezeAccount(f.Ctx, f.Regulator.String(), stranger, "aml"))
	require.NoError(t, f.Compliance.SetEligibilityRule(f.Ctx, f.Regulator.String(), types.EligibilityRule{Subject: "market/1", AllowedJurisdictions: []string{"DE"}}, "test"))
	exported, err := f.Compliance.ExportGenesis(f.Ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())

	g := testutil.NewFixture(t)
	require.NoError(t, g.Compliance.InitGenesis(g.Ctx, exported))
	again, err := g.Compliance.ExportGenesis(g.Ctx)
	require.NoError(t, err)
	require.Equal(t, f.Cdc.MustMarshalJSON(exported), g.Cdc.MustMarshalJSON(again))

	// The counters carry on: the next entity and audit record follow.
	id := g.Entity(t, "Next", "5493001KJTIIGC8Y1R77", "IT", 0)
	require.EqualValues(t, exported.NextEntityId, id)
	_, err = g.Compliance.GetAuditRecord(g.Ctx, exported.NextAuditSequence)
	require.NoError(t, err)
}

func TestGenesis_Validate(t *testing.T) {
	good := func() *types.GenesisState {
		gs := types.DefaultGenesis()
		gs.Params.Authority = testutil.Addr("regulator").String()
		gs.Entities = []types.Entity{{Id: 1, Name: "A", Lei: leiA, Jurisdiction: "DE"}, {Id: 2, Name: "B", Lei: leiB, Jurisdiction: "FR", ParentId: 1}}
		gs.Licences = []types.Licence{{Address: alice.String(), EntityId: 2, Roles: []types.Role{types.RoleInstitution}}}
		gs.NextEntityId = 3
		return gs
	}
	require.NoError(t, good().Validate())
	require.NoError(t, types.DefaultGenesis().Validate())
	cases := map[string]func(gs *types.GenesisState){
		"bad authority":          func(gs *types.GenesisState) { gs.Params.Authority = "x" },
		"duplicate entity":       func(gs *types.GenesisState) { gs.Entities[1].Id = 1 },
		"duplicate lei":          func(gs *types.GenesisState) { gs.Entities[1].Lei = leiA },
		"unknown parent":         func(gs *types.GenesisState) { gs.Entities[1].ParentId = 7 },
		"parent cycle":           func(gs *types.GenesisState) { gs.Entities[0].ParentId = 2 },
		"bad jurisdiction":       func(gs *types.GenesisState) { gs.Entities[0].Jurisdiction = "ZZ" },
		"lowercase lei":          func(gs *types.GenesisState) { gs.Entities[0].Lei = "5493001kjtiigc8y1r12" },
		"licence unknown entity": func(gs *types.GenesisState) { gs.Licences[0].EntityId = 9 },
		"licence bad address":    func(gs *types.GenesisState) { gs.Licences[0].Address = "cosmos1xyz" },
		"licence without roles":  func(gs *types.GenesisState) { gs.Licences[0].Roles = nil },
		"duplicate licence":      func(gs *types.GenesisState) { gs.Licences = append(gs.Licences, gs.Licences[0]) },
		"entity id above next":   func(gs *types.GenesisState) { gs.NextEntityId = 2 },
		"audit above next":       func(gs *types.GenesisState) { gs.Audit = []types.AuditRecord{{Sequence: 5}} },
		"bad rule":               func(gs *types.GenesisState) { gs.Rules = []types.EligibilityRule{{Subject: ""}} },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			gs := good()
			mutate(gs)
			require.Error(t, gs.Validate())
		})
	}
}
