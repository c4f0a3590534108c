package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/server"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/compliance/types"
)

// Flags of `cleard genesis grant-licence`.
const (
	flagLEI          = "lei"
	flagEntityName   = "entity-name"
	flagJurisdiction = "jurisdiction"
	flagExpires      = "expires"
)

// GenesisEntity names the legal entity a genesis licence is granted under:
// the entity with this LEI, registered with name and jurisdiction if the
// genesis has none yet.
type GenesisEntity struct {
	LEI, Name, Jurisdiction string
}

// AddGenesisLicence licenses addr with roles under entity e in gs,
// registering e if its LEI is new. issuedAt is the genesis time. It refuses
// an account that already holds a licence, and leaves gs valid or returns
// an error (gs may then be partly edited: callers discard it).
func AddGenesisLicence(gs *types.GenesisState, addr sdk.AccAddress, roles []types.Role,
	e GenesisEntity, issuedAt, expiresAt time.Time,
) error {
	for _, l := range gs.Licences {
		if l.Address == addr.String() {
			return fmt.Errorf("account %s already holds a licence in genesis (roles %s)", addr, types.RoleNames(l.Roles))
		}
	}
	if err := types.ValidateLEI(e.LEI); err != nil {
		return fmt.Errorf("--%s: %w", flagLEI, err)
	}
	var entityID uint64
	for _, ent := range gs.Entities {
		if ent.Lei == e.LEI {
			entityID = ent.Id
			break
		}
	}
	if entityID == 0 {
		if strings.TrimSpace(e.Name) == "" || e.Jurisdiction == "" {
			return fmt.Errorf("no entity with LEI %s in genesis: give --%s and --%s to register it", e.LEI, flagEntityName, flagJurisdiction)
		}
		if gs.NextEntityId == 0 {
			gs.NextEntityId = 1
		}
		entityID = gs.NextEntityId
		ent := types.Entity{Id: entityID, Name: e.Name, Lei: e.LEI, Jurisdiction: e.Jurisdiction}
		if err := types.ValidateEntity(ent); err != nil {
			return fmt.Errorf("entity %q: %w", e.Name, err)
		}
		gs.Entities = append(gs.Entities, ent)
		gs.NextEntityId++
	}
	roles, err := types.NormalizeRoles(roles)
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
	l := types.Licence{Address: addr.String(), EntityId: entityID, Roles: roles, IssuedAt: issuedAt.UTC()}
	if !expiresAt.IsZero() {
		l.ExpiresAt = expiresAt.UTC()
	}
	gs.Licences = append(gs.Licences, l)
	return gs.Validate()
}

// parseRoles reads a comma-separated role list (validator-operator,
// VALIDATOR_OPERATOR or ROLE_VALIDATOR_OPERATOR).
func parseRoles(s string) ([]types.Role, error) {
	var roles []types.Role
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		r, err := types.ParseRole(strings.ReplaceAll(part, "-", "_"))
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
			var e GenesisEntity
			if e.LEI, err = f.GetString(flagLEI); err != nil {
				return err
			}
			if e.Name, err = f.GetString(flagEntityName); err != nil {
				return err
			}
			if e.Jurisdiction, err = f.GetString(flagJurisdiction); err != nil {
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

			g, err := readGenesis(clientCtx.Codec, config.GenesisFile())
			if err != nil {
				return err
			}
			if err := AddGenesisLicence(g.compliance, addr, roles, e, g.appGenesis.GenesisTime, expiresAt); err != nil {
				return err
			}
			return g.write(clientCtx.Codec)
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
