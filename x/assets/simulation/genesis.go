// Package simulation holds the assets module's SDK simulation: issuers
// create assets and their admins mint, burn and hand the admin rights on.
package simulation

import (
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/clearchain/clearchain/x/assets/types"
)

// RandomizedGenState starts without assets.
func RandomizedGenState(simState *module.SimulationState) {
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(types.DefaultGenesis())
}
