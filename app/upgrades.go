package app

import (
	"fmt"

	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	"github.com/clearchain/clearchain/app/upgrades"
)

// registerUpgradeHandlers registers every known upgrade and, when the node
// restarts at an upgrade height, the store loader of that upgrade.
func (app *ClearApp) registerUpgradeHandlers() error {
	for _, u := range upgrades.All {
		app.UpgradeKeeper.SetUpgradeHandler(u.Name, u.Handler(app.ModuleManager, app.configurator))
	}
	info, err := app.UpgradeKeeper.ReadUpgradeInfoFromDisk()
	if err != nil {
		return fmt.Errorf("reading upgrade info: %w", err)
	}
	if app.UpgradeKeeper.IsSkipHeight(info.Height) {
		return nil
	}
	for _, u := range upgrades.All {
		if info.Name == u.Name {
			app.SetStoreLoader(upgradetypes.UpgradeStoreLoader(info.Height, &u.StoreUpgrades))
			break
		}
	}
	return nil
}
