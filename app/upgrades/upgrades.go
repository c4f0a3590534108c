// Package upgrades holds ClearChain's software-upgrade handlers: one
// Upgrade per named plan, each with its store changes and migrations.
package upgrades

import (
	"context"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"
)

// ModuleManager is what an upgrade handler needs of the module manager.
type ModuleManager interface {
	RunMigrations(ctx context.Context, cfg module.Configurator, fromVM module.VersionMap) (module.VersionMap, error)
	GetVersionMap() module.VersionMap
}

// Upgrade is one named software upgrade.
type Upgrade struct {
	// Name is the name of the governance upgrade plan.
	Name string
	// Handler builds the upgrade handler.
	Handler func(ModuleManager, module.Configurator) upgradetypes.UpgradeHandler
	// StoreUpgrades lists stores added, renamed or deleted at the upgrade.
	StoreUpgrades storetypes.StoreUpgrades
}

// RunMigrations is the handler of an upgrade that only runs the modules'
// registered migrations.
func RunMigrations(mm ModuleManager, cfg module.Configurator) upgradetypes.UpgradeHandler {
	return func(ctx context.Context, _ upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
		return mm.RunMigrations(ctx, cfg, fromVM)
	}
}

// All lists ClearChain's upgrades, oldest first. The chain has had none yet.
var All = []Upgrade{}
