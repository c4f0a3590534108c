package app

import (
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Invariant is one registered module invariant.
type Invariant struct {
	Module, Route string
	Check         sdk.Invariant
}

// invariantRegistry collects the invariants that modules register; the app
// has no crisis module, so tests and simulations run them (CheckInvariants).
type invariantRegistry struct{ list []Invariant }

// RegisterRoute implements sdk.InvariantRegistry.
func (r *invariantRegistry) RegisterRoute(module, route string, check sdk.Invariant) {
	r.list = append(r.list, Invariant{Module: module, Route: route, Check: check})
}

// Invariants returns every invariant registered by the app's modules, in
// module order.
func (app *ClearApp) Invariants() []Invariant {
	var r invariantRegistry
	for _, name := range app.ModuleManager.OrderInitGenesis {
		if m, ok := app.ModuleManager.Modules[name].(interface {
			RegisterInvariants(sdk.InvariantRegistry)
		}); ok {
			m.RegisterInvariants(&r)
		}
	}
	return r.list
}

// CheckInvariants runs every registered invariant at ctx and returns the
// messages of those that are broken.
func (app *ClearApp) CheckInvariants(ctx sdk.Context) []string {
	var broken []string
	for _, inv := range app.Invariants() {
		if msg, isBroken := inv.Check(ctx); isBroken {
			broken = append(broken, msg)
		}
	}
	return broken
}
