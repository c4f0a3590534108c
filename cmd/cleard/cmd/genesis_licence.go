package cmd

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/server"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"

	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

// Flags of `cleard genesis grant-licence`.
const (
	flagLEI          = "lei"
	flagEntityName   = "entity-name"
	flagJurisdiction = "jurisdiction"
	flagExpires      = "expires"
)

// genesisEntity names the legal entity a genesis licence is granted under:
// the entity with this LEI, registered with name and jurisdiction if the
// genesis has none yet.
type genesisEntity struct {
	lei, name, jurisdiction string
}

// addGenesisLicence licenses addr with roles under entity e in gs,
// registering e if its LEI is new. issuedAt is the genesis time. It refuses
// an account that already holds a licence, and leaves gs valid or returns
// an error (gs may then be partly edited: callers discard it).
func addGenesisLicence(gs *compliancetypes.GenesisState, addr sdk.AccAddress, roles []compliancetypes.Role,
	e genesisEntity, issuedAt, expiresAt time.Time,
) error {
	for _, l := range gs.Licences {
		if l.Address == addr.String() {
			return fmt.Errorf("account %s already holds a licence in genesis (roles %s)", addr, compliancetypes.RoleNames(l.Roles))
		}
	}
	if err := compliancetypes.ValidateLEI(e.lei); err != nil {
		return fmt.Errorf("--%s: %w", flagLEI, err)
	}
	var entityID uint64
	for _, ent := range gs.Entities {
		if ent.Lei == e.lei {
			entityID = ent.Id
			break
		}
	}
	if entityID == 0 {
		if strings.TrimSpace(e.name) == "" || e.jurisdiction == "" {
			return fmt.Errorf("no entity with LEI %s in genesis: give --%s and --%s to register it", e.lei, flagEntityName, flagJurisdiction)
		}
		if gs.NextEntityId == 0 {
			gs.NextEntityId = 1
		}
		entityID = gs.NextEntityId
		ent := compliancetypes.Entity{Id: entityID, Name: e.name, Lei: e.lei, Jurisdiction: e.jurisdiction}
		if err := compliancetypes.ValidateEntity(ent); err != nil {
			return fmt.Errorf("entity %q: %w", e.name, err)
		}
		gs.Entities = append(gs.Entities, ent)
		gs.NextEntityId++
	}
	roles, err := compliancetypes.NormalizeRoles(roles)
	if err != nil {
		return err
	}
	if len(roles) == 0 {
		return fmt.Errorf("a licence needs at least one role")
	}
	if !expiresAt.IsZero() && !expiresAt.After(issuedAt) {
		return fmt.Errorf("--%s %s is not after the genesis time %s", flagExpires,
			expiresAt.UTC().Format(time.RFC3339), issuedAt.UTC().Format(time.RFC3339))
	}
	l := compliancetypes.Licence{Address: addr.String(), EntityId: entityID, Roles: roles, IssuedAt: issuedAt.UTC()}
	if !expiresAt.IsZero() {
		l.ExpiresAt = expiresAt.UTC()
	}
	gs.Licences = append(gs.Licences, l)
	return gs.Validate()
}

// parseRoles reads a comma-separated role list (validator-operator,
// VALIDATOR_OPERATOR or ROLE_VALIDATOR_OPERATOR).
func parseRoles(s string) ([]compliancetypes.Role, error) {
	var roles []compliancetypes.Role
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		r, err := compliancetypes.ParseRole(strings.ReplaceAll(part, "-", "_"))
		if err != nil {
			return nil, err
		}
		roles = append(roles, r)
	}
	if len(roles) == 0 {
		return nil, fmt.Errorf("no role in %q", s)
	}
	return roles, nil
}

// complianceGenesis decodes the compliance genesis of appState (the default
// one if absent).
func complianceGenesis(cdc codec.JSONCodec, appState map[string]json.RawMessage) (*compliancetypes.GenesisState, error) {
	gs := compliancetypes.DefaultGenesis()
	if raw, ok := appState[compliancetypes.ModuleName]; ok && len(raw) > 0 {
		if err := cdc.UnmarshalJSON(raw, gs); err != nil {
			return nil, fmt.Errorf("decoding the compliance genesis: %w", err)
		}
	}
	return gs, nil
}

// GrantLicenceGenesisCmd returns `genesis grant-licence`: it licenses an
// account in genesis.json, registering its legal entity if needed. Genesis
// validators' operators need VALIDATOR_OPERATOR (InitChain refuses the
// genesis otherwise), so a single-node chain runs it before gentx.
func GrantLicenceGenesisCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "grant-licence [address_or_key_name] [roles]",
		Short: "License an account in genesis.json (e.g. a genesis validator's operator)",
		Long: `Adds a licence to app_state.compliance: roles is a comma-separated list
(validator-operator, institution, market-maker, issuer, oracle-feeder). The licence is
granted under the legal entity with --lei; if genesis has none, it is registered with
--entity-name and --jurisdiction (ISO-3166 alpha-2). issued_at is the genesis time.

Every bonded genesis validator's operator must hold an active VALIDATOR_OPERATOR
licence: the chain refuses to start otherwise.`,
		Example: `  cleard genesis grant-licence validator validator-operator --lei 5299000VALIDATOR0001 \
    --entity-name "Node Operator SA" --jurisdiction LU --keyring-backend test`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx := client.GetClientContextFromCmd(cmd)
			config := server.GetServerContextFromCmd(cmd).Config
			config.SetRoot(clientCtx.HomeDir)

			roles, err := parseRoles(args[1])
			if err != nil {
				return err
			}
			f := cmd.Flags()
			var e genesisEntity
			if e.lei, err = f.GetString(flagLEI); err != nil {
				return err
			}
			if e.name, err = f.GetString(flagEntityName); err != nil {
				return err
			}
			if e.jurisdiction, err = f.GetString(flagJurisdiction); err != nil {
				return err
			}
			var expiresAt time.Time
			if s, _ := f.GetString(flagExpires); s != "" {
				if expiresAt, err = time.Parse(time.RFC3339, s); err != nil {
					return fmt.Errorf("--%s %q: use RFC 3339, e.g. 2030-01-01T00:00:00Z", flagExpires, s)
				}
			}
			addr, err := addressOrKey(cmd, clientCtx, args[0])
			if err != nil {
				return err
			}

			genFile := config.GenesisFile()
			appState, appGenesis, err := genutiltypes.GenesisStateFromGenFile(genFile)
			if err != nil {
				return fmt.Errorf("reading %s: %w", genFile, err)
			}
			gs, err := complianceGenesis(clientCtx.Codec, appState)
			if err != nil {
				return err
			}
			if err := addGenesisLicence(gs, addr, roles, e, appGenesis.GenesisTime, expiresAt); err != nil {
				return err
			}
			if appState[compliancetypes.ModuleName], err = clientCtx.Codec.MarshalJSON(gs); err != nil {
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
	cmd.Flags().String(flagLEI, "", "LEI of the licensee's legal entity (20 upper-case letters and digits)")
	cmd.Flags().String(flagEntityName, "", "name of the legal entity, if genesis does not have it yet")
	cmd.Flags().String(flagJurisdiction, "", "ISO-3166 alpha-2 jurisdiction of the legal entity, if genesis does not have it yet")
	cmd.Flags().String(flagExpires, "", "expiry of the licence (RFC 3339); none by default")
	_ = cmd.MarkFlagRequired(flagLEI)
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
