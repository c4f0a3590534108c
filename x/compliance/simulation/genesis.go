// Package simulation holds the compliance module's SDK simulation: a
// randomized genesis that licenses every simulation account, and the
// regulator's weighted operations.
package simulation

import (
	"fmt"

	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// SimLEI returns a valid, unique LEI-like code for entity i.
func SimLEI(i int) string {
	return fmt.Sprintf("SIM%017d", i)
}

// RandomizedGenState makes the first simulation account the regulator and
// licenses every account with every role under one entity per account, so
// that the gate lets the other modules' simulated messages through.
func RandomizedGenState(simState *module.SimulationState) {
	gs := types.DefaultGenesis()
	jurisdictions := []string{"DE", "FR", "GB", "US", "CH", "SG", "JP"}
	if len(simState.Accounts) > 0 {
		gs.Params.Authority = simState.Accounts[0].Address.String()
	}
	for i, acc := range simState.Accounts {
		id := uint64(i + 1)
		gs.Entities = append(gs.Entities, types.Entity{
			Id: id, Name: fmt.Sprintf("sim entity %d", id), Lei: SimLEI(i + 1),
			Jurisdiction: jurisdictions[simState.Rand.Intn(len(jurisdictions))],
		})
		gs.Licences = append(gs.Licences, types.Licence{
			Address: acc.Address.String(), EntityId: id, Roles: types.AllRoles,
			IssuedAt: simState.GenTimestamp.UTC(),
		})
	}
	gs.NextEntityId = uint64(len(simState.Accounts) + 1)
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}
