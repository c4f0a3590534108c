// Package cli holds the compliance module's hand-written commands: genesis
// editing (set-regulator, grant-licence) and `query compliance verify-audit`; the other tx
// and query commands come from autocli.go.
package cli

import (
	"bufio"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"
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
			addr, err := addressOrKey(cmd, clientCtx, args[0])
			if err != nil {
				return err
			}
			g, err := readGenesis(clientCtx.Codec, config.GenesisFile())
			if err != nil {
				return err
			}
			g.compliance.Params.Authority = addr.String()
			return g.write(clientCtx.Codec)
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "The application home directory")
	cmd.Flags().String(flags.FlagKeyringBackend, flags.DefaultKeyringBackend, "Select keyring's backend (os|file|kwallet|pass|test)")
	return cmd
}

// addressOrKey resolves a bech32 account address or a key name of the
// home's keyring.
func addressOrKey(cmd *cobra.Command, clientCtx client.Context, s string) (sdk.AccAddress, error) {
	if addr, err := sdk.AccAddressFromBech32(s); err == nil {
		return addr, nil
	}
	kr := clientCtx.Keyring
	if kr == nil {
		backend, _ := cmd.Flags().GetString(flags.FlagKeyringBackend)
		if backend == "" {
			return nil, fmt.Errorf("%q is not an address and no keyring is configured", s)
		}
		var err error
		if kr, err = keyring.New(sdk.KeyringServiceName(), backend, clientCtx.HomeDir, bufio.NewReader(cmd.InOrStdin()), clientCtx.Codec); err != nil {
			return nil, err
		}
	}
	rec, err := kr.Key(s)
	if err != nil {
		return nil, fmt.Errorf("%q is neither an address nor a key: %w", s, err)
	}
	return rec.GetAddress()
}

// genesisFile is a genesis.json opened for editing its compliance state.
type genesisFile struct {
	path       string
	appGenesis *genutiltypes.AppGenesis
	appState   map[string]json.RawMessage
	compliance *types.GenesisState
}

// readGenesis reads path and decodes its compliance state (the default
// when the app state has none).
func readGenesis(cdc codec.JSONCodec, path string) (*genesisFile, error) {
	appState, appGenesis, err := genutiltypes.GenesisStateFromGenFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	gs, err := DecodeGenesis(cdc, appState)
	if err != nil {
		return nil, err
	}
	return &genesisFile{path: path, appGenesis: appGenesis, appState: appState, compliance: gs}, nil
}

// write validates the edited compliance state and writes the genesis file;
// nothing is written when the state is invalid.
func (g *genesisFile) write(cdc codec.JSONCodec) error {
	if err := g.compliance.Validate(); err != nil {
		return err
	}
	var err error
	if g.appState[types.ModuleName], err = cdc.MarshalJSON(g.compliance); err != nil {
		return err
	}
	if g.appGenesis.AppState, err = json.Marshal(g.appState); err != nil {
		return err
	}
	return genutil.ExportGenesisFile(g.appGenesis, g.path)
}

// DecodeGenesis decodes the compliance state of a genesis app state (the
// default when it has none).
func DecodeGenesis(cdc codec.JSONCodec, appState map[string]json.RawMessage) (*types.GenesisState, error) {
	gs := types.DefaultGenesis()
	if raw, ok := appState[types.ModuleName]; ok && len(raw) > 0 {
		if err := cdc.UnmarshalJSON(raw, gs); err != nil {
			return nil, fmt.Errorf("decoding the compliance genesis: %w", err)
		}
	}
	return gs, nil
}
