package cmd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client/flags"
)

// homeEnv is the environment variable svrcmd.Execute binds to --home.
const homeEnv = "CLEARD_HOME"

// commandsNeedingGenesis are the commands that work on an initialized node
// home. Run on a home without config/genesis.json, the SDK's versions first
// let the root pre-run write default config files into it, then fail with
// a message about something else (start: "set min gas price"), or panic
// (rollback). guardNodeHome makes them refuse up front and leave the
// directory as it was.
var commandsNeedingGenesis = [][]string{
	{"start"},
	{"export"},
	{"rollback"},
	{"genesis", "add-genesis-account"},
	{"genesis", "bulk-add-genesis-account"},
	{"genesis", "gentx"},
	{"genesis", "collect-gentxs"},
	{"genesis", "set-regulator"},
	{"genesis", "grant-licence"},
}

// guardNodeHome installs the checks above, and on `init` a check of
// --chain-id (the SDK writes any string into genesis.json, which CometBFT
// then refuses at start).
func guardNodeHome(root *cobra.Command) {
	// Checks prepended later run first: the keyring check after the home check.
	if c, _, err := root.Find([]string{"genesis", "gentx"}); err == nil && c.Name() == "gentx" {
		prependPreRun(c, requireKeyringDir)
	}
	for _, path := range commandsNeedingGenesis {
		if c, _, err := root.Find(path); err == nil && c != root && c.Name() == path[len(path)-1] {
			prependPreRun(c, requireInitializedHome)
		}
	}
	if c, _, err := root.Find([]string{"init"}); err == nil && c.Name() == "init" {
		prependPreRun(c, validateInitChainID)
	}
}

// prependPreRun runs check before the persistent pre-run that cobra would
// otherwise run for c (its own or its nearest ancestor's: cobra runs only
// the nearest one).
func prependPreRun(c *cobra.Command, check func(*cobra.Command) error) {
	own, ownE := c.PersistentPreRun, c.PersistentPreRunE
	c.PersistentPreRun = nil
	c.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if err := check(cmd); err != nil {
			return err
		}
		switch {
		case ownE != nil:
			return ownE(cmd, args)
		case own != nil:
			own(cmd, args)
			return nil
		}
		for p := c.Parent(); p != nil; p = p.Parent() {
			if p.PersistentPreRunE != nil {
				return p.PersistentPreRunE(cmd, args)
			}
			if p.PersistentPreRun != nil {
				p.PersistentPreRun(cmd, args)
				return nil
			}
		}
		return nil
	}
}

// commandHome is the node home the command will use: --home, else
// $CLEARD_HOME, else the flag's default.
func commandHome(cmd *cobra.Command) string {
	f := cmd.Flags().Lookup(flags.FlagHome)
	if f == nil {
		return ""
	}
	if !f.Changed {
		if v := os.Getenv(homeEnv); v != "" {
			return v
		}
	}
	return f.Value.String()
}

func requireInitializedHome(cmd *cobra.Command) error {
	home := commandHome(cmd)
	if home == "" {
		return nil
	}
	genesis := filepath.Join(home, "config", "genesis.json")
	switch fi, err := os.Stat(genesis); {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s is not an initialized node home: %s does not exist "+
			"(run `cleard init <moniker> --home %s` first, or pass the right --home)", home, genesis, home)
	case err != nil:
		return fmt.Errorf("node home %s: %w", home, err)
	case fi.IsDir():
		return fmt.Errorf("node home %s: %s is a directory, not a genesis file", home, genesis)
	}
	return nil
}

// requireKeyringDir makes gentx on a home without a test or file keyring
// fail without creating an empty keyring directory in it (which opening
// the keyring does).
func requireKeyringDir(cmd *cobra.Command) error {
	home := commandHome(cmd)
	f := cmd.Flags().Lookup(flags.FlagKeyringBackend)
	if home == "" || f == nil {
		return nil
	}
	backend := f.Value.String()
	if backend != "test" && backend != "file" {
		return nil
	}
	dir := cmd.Flags().Lookup(flags.FlagKeyringDir)
	kr := home
	if dir != nil && dir.Value.String() != "" {
		kr = dir.Value.String()
	}
	kr = filepath.Join(kr, "keyring-"+backend)
	if _, err := os.Stat(kr); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("no %s keyring in %s: key not found (add the validator key with `cleard keys add <name> --keyring-backend %s --home %s`)",
			backend, kr, backend, home)
	}
	return nil
}

func validateInitChainID(cmd *cobra.Command) error {
	f := cmd.Flags().Lookup(flags.FlagChainID)
	if f == nil || !f.Changed {
		return nil // init picks a random chain ID
	}
	if id := f.Value.String(); id == "" || len(id) > 50 || !chainIDPattern.MatchString(id) {
		return fmt.Errorf("--%s %q is invalid: use 1 to 50 characters of letters, digits, '.', '_' and '-'", flags.FlagChainID, id)
	}
	return nil
}
