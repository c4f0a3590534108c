package cmd

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmttime "github.com/cometbft/cometbft/types/time"
	"github.com/spf13/cobra"

	"cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/client"
	clientconfig "github.com/cosmos/cosmos-sdk/client/config"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	srvconfig "github.com/cosmos/cosmos-sdk/server/config"
	"github.com/cosmos/cosmos-sdk/telemetry"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/genutil"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/clearchain/clearchain/app"
	compliancecli "github.com/clearchain/clearchain/x/compliance/client/cli"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

// Flags of `cleard testnet init-files`.
const (
	flagValidators    = "validators"
	flagOutputDir     = "output-dir"
	flagBasePort      = "base-port"
	flagCommitTimeout = "commit-timeout"
	flagForce         = "force"
	flagEnableAPI     = "enable-api"
)

// Port layout of a loopback testnet: node i owns the ten ports from
// base-port + 10*i. Offsets inside a node's block:
const (
	portStride     = 10
	portOffsetP2P  = 0 // CometBFT p2p
	portOffsetRPC  = 1 // CometBFT RPC
	portOffsetGRPC = 2 // the app's gRPC server
	portOffsetAPI  = 3 // the app's REST API (and gRPC-web)
	portOffsetABCI = 4 // proxy_app: unused, the app runs in-process
	portOffsetProm = 5 // CometBFT Prometheus (disabled unless turned on)

	maxTestnetValidators = 100
	loopback             = "127.0.0.1"

	// ManifestFile is the machine-readable summary init-files writes at the
	// top of the output directory; scripts read it, and --force deletes only
	// directories that hold it.
	ManifestFile = "testnet.json"
)

// Funds of each validator account, in uclear: 1,000,000 CLEAR in the
// account, 100,000 CLEAR of it self-bonded (consensus power 100,000).
var (
	testnetAccountTokens = sdk.TokensFromConsensusPower(1_000_000, sdk.DefaultPowerReduction)
	testnetStakeTokens   = sdk.TokensFromConsensusPower(100_000, sdk.DefaultPowerReduction)
)

// testnetJurisdiction is the jurisdiction of the testnet validators' legal
// entities.
const testnetJurisdiction = "LU"

// testnetLEI is the (made-up, well-formed) LEI of node i's legal entity.
func testnetLEI(i int) string { return fmt.Sprintf("CLEARTESTNETVAL%05d", i) }

var chainIDPattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]*$`)

// testnetArgs are the validated flags of init-files.
type testnetArgs struct {
	validators     int
	outputDir      string // absolute
	chainID        string
	basePort       int
	keyringBackend string
	commitTimeout  time.Duration
	force          bool
	enableAPI      bool
}

// TestnetNode is one validator of a testnet, as init-files prints it and
// writes it to ManifestFile.
type TestnetNode struct {
	Name     string `json:"name"`
	Home     string `json:"home"`
	NodeID   string `json:"node_id"`
	Address  string `json:"address"`
	Valoper  string `json:"valoper"`
	P2P      string `json:"p2p"`
	RPC      string `json:"rpc"`
	GRPC     string `json:"grpc"`
	API      string `json:"api,omitempty"`
	P2PPort  int    `json:"p2p_port"`
	RPCPort  int    `json:"rpc_port"`
	GRPCPort int    `json:"grpc_port"`
	APIPort  int    `json:"api_port,omitempty"`
}

// TestnetManifest is the content of ManifestFile.
type TestnetManifest struct {
	ChainID        string        `json:"chain_id"`
	BondDenom      string        `json:"bond_denom"`
	KeyringBackend string        `json:"keyring_backend"`
	GenesisSHA256  string        `json:"genesis_sha256"`
	CommitTimeout  string        `json:"commit_timeout"`
	Nodes          []TestnetNode `json:"nodes"`
}

// NewTestnetCmd returns `cleard testnet`, whose init-files subcommand lays
// out the homes of a multi-validator network on loopback. It needs the
// module basics (for the default genesis), the codec (for keys and genesis)
// and the tx config (to sign the gentxs); it reads no node home, so it does
// not run the root command's config interception.
func NewTestnetCmd(mbm module.BasicManager, cdc codec.Codec, txConfig client.TxConfig) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "testnet",
		Short:                      "Lay out local multi-validator networks",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
		// No node home is involved: skip the root's pre-run, which would
		// write default config files into --home (~/.cleard).
		PersistentPreRunE: func(*cobra.Command, []string) error { return nil },
	}
	cmd.AddCommand(testnetInitFilesCmd(mbm, cdc, txConfig))
	return cmd
}

func testnetInitFilesCmd(mbm module.BasicManager, cdc codec.Codec, txConfig client.TxConfig) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init-files",
		Short: "Write the homes of an N-validator network on 127.0.0.1, one port block per node",
		Long: fmt.Sprintf(`init-files writes N validator homes (node0, node1, ...) under --output-dir,
each a complete cleard home: keys, config.toml and app.toml with Pebble as the database
of every store, a test keyring holding the validator's funded key, and one genesis
(collected from every validator's gentx) shared by all nodes. Each validator's
account holds a VALIDATOR_OPERATOR licence in the genesis compliance state, under
its own legal entity ("node<i> validator operator", jurisdiction LU), as InitChain
requires of every genesis validator.

Every node listens on 127.0.0.1 only. Node i owns the ports from base-port + %d*i:
  +%d p2p   +%d rpc   +%d grpc   +%d api (REST, gRPC-web)   +%d proxy_app (unused)   +%d prometheus (off)
pprof is disabled. Every node has every other as a persistent peer.

Start node i with:  cleard start --home <output-dir>/node<i>
(scripts/localnet.sh does this for all nodes.)`,
			portStride, portOffsetP2P, portOffsetRPC, portOffsetGRPC, portOffsetAPI, portOffsetABCI, portOffsetProm),
		Example: "  cleard testnet init-files --validators 4 --output-dir build/localnet --chain-id clearchain-localnet",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			args, err := parseTestnetArgs(cmd)
			if err != nil {
				return err
			}
			manifest, err := initTestnetFiles(cmd, mbm, cdc, txConfig, args)
			if err != nil {
				return err
			}
			printTestnet(cmd.OutOrStdout(), args, manifest)
			return nil
		},
	}
	cmd.Flags().Int(flagValidators, 4, "number of validators")
	cmd.Flags().StringP(flagOutputDir, "o", "./localnet", "directory that receives node0..nodeN-1, gentxs/ and "+ManifestFile)
	cmd.Flags().String(flags.FlagChainID, "clearchain-localnet", "chain ID of the genesis")
	cmd.Flags().Int(flagBasePort, 26600, fmt.Sprintf("first port; node i uses base-port+%d*i .. base-port+%d*i+%d", portStride, portStride, portStride-1))
	cmd.Flags().String(flags.FlagKeyringBackend, keyring.BackendTest, "keyring backend of the validator keys (test|file|os)")
	cmd.Flags().Duration(flagCommitTimeout, time.Second, "CometBFT timeout_commit: the pause after each block")
	cmd.Flags().Bool(flagForce, false, "replace an existing output directory (only one written by init-files)")
	cmd.Flags().Bool(flagEnableAPI, true, "enable the REST API server on each node")
	return cmd
}

func parseTestnetArgs(cmd *cobra.Command) (testnetArgs, error) {
	var a testnetArgs
	var err error
	f := cmd.Flags()
	if a.validators, err = f.GetInt(flagValidators); err != nil {
		return a, err
	}
	outputDir, err := f.GetString(flagOutputDir)
	if err != nil {
		return a, err
	}
	if a.chainID, err = f.GetString(flags.FlagChainID); err != nil {
		return a, err
	}
	if a.basePort, err = f.GetInt(flagBasePort); err != nil {
		return a, err
	}
	if a.keyringBackend, err = f.GetString(flags.FlagKeyringBackend); err != nil {
		return a, err
	}
	if a.commitTimeout, err = f.GetDuration(flagCommitTimeout); err != nil {
		return a, err
	}
	if a.force, err = f.GetBool(flagForce); err != nil {
		return a, err
	}
	if a.enableAPI, err = f.GetBool(flagEnableAPI); err != nil {
		return a, err
	}

	if a.validators < 1 || a.validators > maxTestnetValidators {
		return a, fmt.Errorf("--%s must be between 1 and %d, got %d", flagValidators, maxTestnetValidators, a.validators)
	}
	if a.basePort < 1024 {
		return a, fmt.Errorf("--%s must be at least 1024, got %d", flagBasePort, a.basePort)
	}
	if last := a.basePort + portStride*a.validators - 1; last > 65535 {
		return a, fmt.Errorf("--%s %d leaves no room for %d validators: they need ports up to %d (> 65535)",
			flagBasePort, a.basePort, a.validators, last)
	}
	if a.chainID == "" || len(a.chainID) > 50 || !chainIDPattern.MatchString(a.chainID) {
		return a, fmt.Errorf("--%s %q is invalid: use 1 to 50 characters of letters, digits, '.', '_' and '-'", flags.FlagChainID, a.chainID)
	}
	switch a.keyringBackend {
	case keyring.BackendTest, keyring.BackendFile, keyring.BackendOS:
	default:
		return a, fmt.Errorf("--%s %q is not supported here: use test, file or os", flags.FlagKeyringBackend, a.keyringBackend)
	}
	if a.commitTimeout <= 0 || a.commitTimeout > time.Minute {
		return a, fmt.Errorf("--%s must be in (0, 1m], got %s", flagCommitTimeout, a.commitTimeout)
	}
	if strings.TrimSpace(outputDir) == "" {
		return a, fmt.Errorf("--%s must not be empty", flagOutputDir)
	}
	if a.outputDir, err = filepath.Abs(outputDir); err != nil {
		return a, fmt.Errorf("--%s %q: %w", flagOutputDir, outputDir, err)
	}
	return a, nil
}

// prepareOutputDir checks that the output directory can be (re)placed and
// returns a fresh staging directory next to it, on the same file system:
// everything is written there and renamed into place at the end, so a
// failure leaves nothing half-written behind.
func prepareOutputDir(a testnetArgs) (staging string, err error) {
	fi, err := os.Stat(a.outputDir)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return "", fmt.Errorf("output directory %s: %w", a.outputDir, err)
	case !fi.IsDir():
		return "", fmt.Errorf("output directory %s exists and is not a directory", a.outputDir)
	default:
		entries, err := os.ReadDir(a.outputDir)
		if err != nil {
			return "", fmt.Errorf("output directory %s: %w", a.outputDir, err)
		}
		if len(entries) > 0 {
			if !a.force {
				return "", fmt.Errorf("output directory %s is not empty; pass --%s to replace it, or choose another --%s",
					a.outputDir, flagForce, flagOutputDir)
			}
			if _, err := os.Stat(filepath.Join(a.outputDir, ManifestFile)); err != nil {
				return "", fmt.Errorf("refusing to replace %s: it has no %s, so init-files did not write it", a.outputDir, ManifestFile)
			}
		}
	}
	parent := filepath.Dir(a.outputDir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", fmt.Errorf("cannot create the parent of the output directory: %w", err)
	}
	staging, err = os.MkdirTemp(parent, "."+filepath.Base(a.outputDir)+".tmp-")
	if err != nil {
		return "", fmt.Errorf("output directory %s is not writable: %w", a.outputDir, err)
	}
	return staging, nil
}

func port(a testnetArgs, i, offset int) int { return a.basePort + portStride*i + offset }

func initTestnetFiles(cmd *cobra.Command, mbm module.BasicManager, cdc codec.Codec, txConfig client.TxConfig, a testnetArgs) (m TestnetManifest, err error) {
	staging, err := prepareOutputDir(a)
	if err != nil {
		return m, err
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(staging)
		}
	}()

	valAddrCodec := txConfig.SigningContext().ValidatorAddressCodec()
	gentxsDir := filepath.Join(staging, "gentxs")
	inBuf := bufio.NewReader(cmd.InOrStdin())

	var (
		configs     = make([]*cmtcfg.Config, a.validators)
		nodeIDs     = make([]string, a.validators)
		valPubKeys  = make([]cryptotypes.PubKey, a.validators)
		genAccounts []authtypes.GenesisAccount
		genBalances []banktypes.Balance
	)
	m = TestnetManifest{
		ChainID:        a.chainID,
		BondDenom:      app.BondDenom,
		KeyringBackend: a.keyringBackend,
		CommitTimeout:  a.commitTimeout.String(),
	}

	for i := 0; i < a.validators; i++ {
		name := fmt.Sprintf("node%d", i)
		home := filepath.Join(staging, name)
		for _, d := range []string{"config", "data"} {
			if err := os.MkdirAll(filepath.Join(home, d), 0o700); err != nil {
				return m, fmt.Errorf("%s: %w", name, err)
			}
		}
		node := TestnetNode{
			Name:     name,
			Home:     filepath.Join(a.outputDir, name),
			P2PPort:  port(a, i, portOffsetP2P),
			RPCPort:  port(a, i, portOffsetRPC),
			GRPCPort: port(a, i, portOffsetGRPC),
		}
		node.P2P = fmt.Sprintf("tcp://%s:%d", loopback, node.P2PPort)
		node.RPC = fmt.Sprintf("http://%s:%d", loopback, node.RPCPort)
		node.GRPC = fmt.Sprintf("%s:%d", loopback, node.GRPCPort)

		// config.toml: the app's defaults (Pebble, timeouts, no PEX), on
		// loopback with this node's ports.
		cfg := initCometBFTConfig()
		cfg.SetRoot(home)
		cfg.Moniker = name
		cfg.DBBackend = DBBackend
		cfg.ProxyApp = fmt.Sprintf("tcp://%s:%d", loopback, port(a, i, portOffsetABCI))
		cfg.RPC.ListenAddress = fmt.Sprintf("tcp://%s:%d", loopback, node.RPCPort)
		cfg.RPC.PprofListenAddress = ""
		cfg.RPC.GRPCListenAddress = ""
		cfg.P2P.ListenAddress = node.P2P
		cfg.P2P.ExternalAddress = ""
		cfg.P2P.AddrBookStrict = false
		cfg.P2P.AllowDuplicateIP = true
		cfg.P2P.PexReactor = false
		cfg.Instrumentation.PrometheusListenAddr = fmt.Sprintf("%s:%d", loopback, port(a, i, portOffsetProm))
		cfg.Consensus.TimeoutCommit = a.commitTimeout
		configs[i] = cfg

		nodeIDs[i], valPubKeys[i], err = genutil.InitializeNodeValidatorFiles(cfg)
		if err != nil {
			return m, fmt.Errorf("%s: validator keys: %w", name, err)
		}
		node.NodeID = nodeIDs[i]

		// The validator's account key, in the node's keyring.
		kb, err := keyring.New(sdk.KeyringServiceName(), a.keyringBackend, home, inBuf, cdc)
		if err != nil {
			return m, fmt.Errorf("%s: keyring: %w", name, err)
		}
		rec, mnemonic, err := kb.NewMnemonic(name, keyring.English, sdk.FullFundraiserPath, keyring.DefaultBIP39Passphrase, hd.Secp256k1)
		if err != nil {
			return m, fmt.Errorf("%s: key: %w", name, err)
		}
		addr, err := rec.GetAddress()
		if err != nil {
			return m, fmt.Errorf("%s: key: %w", name, err)
		}
		seed, _ := json.Marshal(map[string]string{"name": name, "address": addr.String(), "secret": mnemonic})
		if err := os.WriteFile(filepath.Join(home, "key_seed.json"), seed, 0o600); err != nil {
			return m, err
		}
		node.Address = addr.String()
		if node.Valoper, err = valAddrCodec.BytesToString(sdk.ValAddress(addr)); err != nil {
			return m, err
		}

		coins := sdk.NewCoins(sdk.NewCoin(app.BondDenom, testnetAccountTokens))
		genBalances = append(genBalances, banktypes.Balance{Address: addr.String(), Coins: coins})
		genAccounts = append(genAccounts, authtypes.NewBaseAccount(addr, nil, 0, 0))

		// The gentx: create-validator, with the node's p2p address as memo
		// (collect-gentxs turns the memos into persistent_peers).
		memo := fmt.Sprintf("%s@%s:%d", nodeIDs[i], loopback, node.P2PPort)
		msg, err := stakingtypes.NewMsgCreateValidator(
			node.Valoper, valPubKeys[i], sdk.NewCoin(app.BondDenom, testnetStakeTokens),
			stakingtypes.NewDescription(name, "", "", "", ""),
			stakingtypes.NewCommissionRates(math.LegacyNewDecWithPrec(1, 1), math.LegacyNewDecWithPrec(2, 1), math.LegacyNewDecWithPrec(1, 2)),
			math.OneInt(),
		)
		if err != nil {
			return m, fmt.Errorf("%s: create-validator: %w", name, err)
		}
		txb := txConfig.NewTxBuilder()
		if err := txb.SetMsgs(msg); err != nil {
			return m, err
		}
		txb.SetMemo(memo)
		txb.SetGasLimit(flags.DefaultGasLimit)
		txf := tx.Factory{}.WithChainID(a.chainID).WithMemo(memo).WithKeybase(kb).WithTxConfig(txConfig)
		if err := tx.Sign(cmd.Context(), txf, name, txb, true); err != nil {
			return m, fmt.Errorf("%s: signing the gentx: %w", name, err)
		}
		txBz, err := txConfig.TxJSONEncoder()(txb.GetTx())
		if err != nil {
			return m, err
		}
		if err := os.MkdirAll(gentxsDir, 0o700); err != nil {
			return m, err
		}
		if err := os.WriteFile(filepath.Join(gentxsDir, name+".json"), txBz, 0o600); err != nil {
			return m, err
		}

		// app.toml: the app's defaults (Pebble, wasm), this node's ports.
		appTemplate, appCfgAny := initAppConfig()
		appCfg := appCfgAny.(clearAppConfig)
		appCfg.AppDBBackend = DBBackend
		appCfg.GRPC.Enable = true
		appCfg.GRPC.Address = node.GRPC
		appCfg.API.Enable = a.enableAPI
		appCfg.API.Address = fmt.Sprintf("tcp://%s:%d", loopback, port(a, i, portOffsetAPI))
		if a.enableAPI {
			node.APIPort = port(a, i, portOffsetAPI)
			node.API = fmt.Sprintf("http://%s:%d", loopback, node.APIPort)
		} else {
			appCfg.GRPCWeb.Enable = false
		}
		srvconfig.SetConfigTemplate(appTemplate)
		srvconfig.WriteConfigFile(filepath.Join(home, "config", "app.toml"), appCfg)

		// client.toml: this node's chain, keyring and RPC, so that
		// `cleard --home <node home> tx/query/keys ...` need no flags.
		cc := clientconfig.DefaultConfig()
		cc.SetChainID(a.chainID)
		cc.SetKeyringBackend(a.keyringBackend)
		cc.SetNode(fmt.Sprintf("tcp://%s:%d", loopback, node.RPCPort))
		if err := writeClientConfig(filepath.Join(home, "config", "client.toml"), cc); err != nil {
			return m, err
		}
		// As `cleard init` does: an empty otel.yaml turns telemetry export off.
		if err := os.WriteFile(filepath.Join(home, "config", telemetry.OtelFileName), nil, 0o600); err != nil {
			return m, err
		}
		m.Nodes = append(m.Nodes, node)
	}

	// One genesis: the default app state with the validators' accounts,
	// then every gentx, identical bytes in every home.
	appGenState := mbm.DefaultGenesis(cdc)
	var authGen authtypes.GenesisState
	if err := cdc.UnmarshalJSON(appGenState[authtypes.ModuleName], &authGen); err != nil {
		return m, err
	}
	accounts, err := authtypes.PackAccounts(genAccounts)
	if err != nil {
		return m, err
	}
	authGen.Accounts = accounts
	if appGenState[authtypes.ModuleName], err = cdc.MarshalJSON(&authGen); err != nil {
		return m, err
	}
	var bankGen banktypes.GenesisState
	if err := cdc.UnmarshalJSON(appGenState[banktypes.ModuleName], &bankGen); err != nil {
		return m, err
	}
	bankGen.Balances = banktypes.SanitizeGenesisBalances(genBalances)
	for _, b := range bankGen.Balances {
		bankGen.Supply = bankGen.Supply.Add(b.Coins...)
	}
	if appGenState[banktypes.ModuleName], err = cdc.MarshalJSON(&bankGen); err != nil {
		return m, err
	}
	// Every validator's operator holds VALIDATOR_OPERATOR, under one legal
	// entity per node: InitChain refuses unlicensed genesis validators.
	genTime := cmttime.Now()
	compGen, err := compliancecli.DecodeGenesis(cdc, appGenState)
	if err != nil {
		return m, err
	}
	for i, n := range m.Nodes {
		addr, err := sdk.AccAddressFromBech32(n.Address)
		if err != nil {
			return m, err
		}
		e := compliancecli.GenesisEntity{LEI: testnetLEI(i), Name: n.Name + " validator operator", Jurisdiction: testnetJurisdiction}
		if err := compliancecli.AddGenesisLicence(compGen, addr, []compliancetypes.Role{compliancetypes.RoleValidatorOperator}, e, genTime, time.Time{}); err != nil {
			return m, fmt.Errorf("%s: licence: %w", n.Name, err)
		}
	}
	if appGenState[compliancetypes.ModuleName], err = cdc.MarshalJSON(compGen); err != nil {
		return m, err
	}
	appStateJSON, err := json.MarshalIndent(appGenState, "", "  ")
	if err != nil {
		return m, err
	}
	for _, cfg := range configs {
		if err := genutiltypes.NewAppGenesisWithVersion(a.chainID, appStateJSON).SaveAs(cfg.GenesisFile()); err != nil {
			return m, err
		}
	}

	var appState json.RawMessage
	for i, cfg := range configs {
		appGenesis, err := genutiltypes.AppGenesisFromFile(cfg.GenesisFile())
		if err != nil {
			return m, err
		}
		initCfg := genutiltypes.NewInitConfig(a.chainID, gentxsDir, nodeIDs[i], valPubKeys[i])
		// Collects the gentxs, and writes config.toml with persistent_peers
		// set to every other node (from the gentx memos).
		nodeAppState, err := genutil.GenAppStateFromConfig(cdc, txConfig, cfg, initCfg, appGenesis,
			banktypes.GenesisBalancesIterator{}, genutiltypes.DefaultMessageValidator, valAddrCodec)
		if err != nil {
			return m, fmt.Errorf("%s: collecting gentxs: %w", m.Nodes[i].Name, err)
		}
		if appState == nil {
			appState = nodeAppState
			var gs map[string]json.RawMessage
			if err := json.Unmarshal(appState, &gs); err != nil {
				return m, err
			}
			if err := mbm.ValidateGenesis(cdc, txConfig, gs); err != nil {
				return m, fmt.Errorf("the collected genesis is invalid: %w", err)
			}
		}
		if err := genutil.ExportGenesisFileWithTime(cfg.GenesisFile(), a.chainID, nil, appState, genTime); err != nil {
			return m, err
		}
	}
	for i, cfg := range configs {
		sum, err := fileSHA256(cfg.GenesisFile())
		if err != nil {
			return m, err
		}
		if i == 0 {
			m.GenesisSHA256 = sum
		} else if sum != m.GenesisSHA256 {
			return m, fmt.Errorf("genesis of %s differs from node0's", m.Nodes[i].Name)
		}
		if a.validators > 1 && cfg.P2P.PersistentPeers == "" {
			return m, fmt.Errorf("%s has no persistent peers", m.Nodes[i].Name)
		}
	}

	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if err := os.WriteFile(filepath.Join(staging, ManifestFile), append(mj, '\n'), 0o644); err != nil {
		return m, err
	}

	// Into place: replace the old directory (checked above) or the empty one.
	if _, statErr := os.Stat(a.outputDir); statErr == nil {
		if err := os.RemoveAll(a.outputDir); err != nil {
			return m, fmt.Errorf("removing the old %s: %w", a.outputDir, err)
		}
	}
	if err := os.Rename(staging, a.outputDir); err != nil {
		return m, fmt.Errorf("moving the testnet into %s: %w", a.outputDir, err)
	}
	return m, nil
}

const clientConfigTemplate = `# This is a TOML config file, written by cleard testnet init-files.

# The network chain ID
chain-id = "{{ .ChainID }}"
# The keyring's backend, where the keys are stored (os|file|kwallet|pass|test|memory)
keyring-backend = "{{ .KeyringBackend }}"
# Default key name, if set, defines the default key to use for signing transaction when the --from flag is not specified
keyring-default-keyname = "{{ .KeyringDefaultKeyName }}"
# CLI output format (text|json)
output = "{{ .Output }}"
# <host>:<port> to CometBFT RPC interface for this chain
node = "{{ .Node }}"
# Transaction broadcasting mode (sync|async)
broadcast-mode = "{{ .BroadcastMode }}"
`

func writeClientConfig(path string, c *clientconfig.ClientConfig) error {
	var buf bytes.Buffer
	if err := template.Must(template.New("client.toml").Parse(clientConfigTemplate)).Execute(&buf, c); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o600)
}

func fileSHA256(path string) (string, error) {
	bz, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(bz)
	return hex.EncodeToString(sum[:]), nil
}

func printTestnet(w io.Writer, a testnetArgs, m TestnetManifest) {
	fmt.Fprintf(w, "Initialized %d validator(s) of chain %s in %s\n", len(m.Nodes), m.ChainID, a.outputDir)
	fmt.Fprintf(w, "  genesis sha256 %s (identical in every home), bond denom %s, timeout_commit %s\n",
		m.GenesisSHA256, m.BondDenom, m.CommitTimeout)
	fmt.Fprintf(w, "  databases: pebbledb (config.toml db_backend, app.toml app-db-backend); keyring: %s\n\n", m.KeyringBackend)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tP2P\tRPC\tGRPC\tAPI\tNODE ID\tVALIDATOR KEY (name = node)")
	for _, n := range m.Nodes {
		api := "off"
		if n.APIPort != 0 {
			api = fmt.Sprint(n.APIPort)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\t%s\t%s\n", n.Name, n.P2PPort, n.RPCPort, n.GRPCPort, api, n.NodeID, n.Address)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nHomes:     %s/node0 .. node%d\n", a.outputDir, len(m.Nodes)-1)
	fmt.Fprintf(w, "Gentxs:    %s/gentxs\n", a.outputDir)
	fmt.Fprintf(w, "Manifest:  %s/%s\n", a.outputDir, ManifestFile)
	fmt.Fprintf(w, "Start one: cleard start --home %s/node0\n", a.outputDir)
}
