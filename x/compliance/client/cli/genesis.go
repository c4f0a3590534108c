// Package cli holds the compliance module's hand-written commands: genesis
// editing (set-regulator) and `query compliance verify-audit`; the other tx
// and query commands come from autocli.go.
package cli

import (
	"bufio"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/server"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// SetRegulatorCmd returns `genesis set-regulator [address-or-key]`: it makes
// the account the compliance authority in genesis.json.
func SetRegulatorCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-regulator [address_or_key_name]",
		Short: "Make an account the compliance regulator in genesis.json",
		Long: `Sets app_state.compliance.params.authority. The regulator registers legal
entities, grants licences, freezes accounts and sets eligibility rules.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			serverCtx := server.GetServerContextFromCmd(cmd)
			config := serverCtx.Config
			config.SetRoot(clientCtx.HomeDir)
			addr, err := sdk.AccAddressFromBech32(args[0])
			if err != nil {
				kr := clientCtx.Keyring
				if backend, _ := cmd.Flags().GetString(flags.FlagKeyringBackend); backend != "" && kr == nil {
					if kr, err = keyring.New(sdk.KeyringServiceName(), backend, clientCtx.HomeDir, bufio.NewReader(cmd.InOrStdin()), clientCtx.Codec); err != nil {
						return err
					}
				}
				if kr == nil {
					return fmt.Errorf("%q is not an address and no keyring is configured", args[0])
				}
				rec, kerr := kr.Key(args[0])
				if kerr != nil {
					return fmt.Errorf("%q is neither an address nor a key: %w", args[0], kerr)
				}
				if addr, err = rec.GetAddress(); err != nil {
					return err
				}
			}
			genFile := config.GenesisFile()
			appState, appGenesis, err := genutiltypes.GenesisStateFromGenFile(genFile)
			if err != nil {
				return fmt.Errorf("reading %s: %w", genFile, err)
			}
			gs := types.DefaultGenesis()
			if raw, ok := appState[types.ModuleName]; ok && len(raw) > 0 {
				if err := clientCtx.Codec.UnmarshalJSON(raw, gs); err != nil {
					return fmt.Errorf("decoding compliance genesis: %w", err)
				}
			}
			gs.Params.Authority = addr.String()
			if err := gs.Validate(); err != nil {
				return err
			}
			if appState[types.ModuleName], err = clientCtx.Codec.MarshalJSON(gs); err != nil {
				return err
			}
			if appGenesis.AppState, err = json.Marshal(appState); err != nil {
				return err
			}
			return genutil.ExportGenesisFile(appGenesis, genFile)
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	cmd.Flags().String(flags.FlagKeyringBackend, flags.DefaultKeyringBackend, "Select keyring's backend (os|file|kwallet|pass|test)")
	return cmd
}
