// Package simulation holds the exchange module's SDK simulation: a genesis
// whose params authority is the first simulation account, and weighted
// operations that list markets, deposit, place and cancel orders with real
// messages. Accounts the compliance gate would refuse (no licence, a
// licence without a trading role, a freeze) get NoOp operations, never a
// failing transaction.
package simulation

import (
	"github.com/cosmos/cosmos-sdk/types/module"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// RandomizedGenState starts without markets (the simulation accounts hold
// only the bond denom at genesis; markets are listed once x/assets' issuers
// have minted) and makes the first simulation account the params authority,
// which x/compliance's simulated genesis also makes the regulator.
func RandomizedGenState(simState *module.SimulationState) {
	gs := types.DefaultGenesis()
	if len(simState.Accounts) > 0 {
		gs.Params.Authority = simState.Accounts[0].Address.String()
	}
	gs.Params.MaxOrdersPerBlock = uint32(20 + simState.Rand.Intn(200)) // some carry-over
	simState.GenState[types.ModuleName] = simState.Cdc.MustMarshalJSON(gs)
}
