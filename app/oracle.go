package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	"github.com/spf13/cast"

	"cosmossdk.io/core/address"
	corestore "cosmossdk.io/core/store"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/codec"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	stakingtypes "github.com/cosmos/cosmos-sdk/x/staking/types"

	"github.com/clearchain/clearchain/oracle/feeder"
	compliancekeeper "github.com/clearchain/clearchain/x/compliance/keeper"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
	oracleabci "github.com/clearchain/clearchain/x/oracle/abci"
	oraclekeeper "github.com/clearchain/clearchain/x/oracle/keeper"
)

// app.toml keys of the [oracle] section (see cmd/cleard/cmd/config.go).
const (
	// FlagOracleFeederAddress is the feeder sidecar's gRPC address; empty
	// disables price feeding by this node (its vote extensions are empty).
	FlagOracleFeederAddress = "oracle.feeder_address"
	// FlagOracleFeederTimeout bounds the call to the feeder in ExtendVote.
	FlagOracleFeederTimeout = "oracle.feeder_timeout"
)

// oracleFeeders adapts x/compliance to x/oracle's FeederAuthorizer: a
// licensed ORACLE_FEEDER that is not frozen. (x/compliance has HasRole, not
// an IsOracleFeeder method.)
type oracleFeeders struct{ k compliancekeeper.Keeper }

// IsOracleFeeder implements oracletypes.FeederAuthorizer.
func (f oracleFeeders) IsOracleFeeder(ctx context.Context, addr sdk.AccAddress) bool {
	return f.k.HasRole(ctx, addr, compliancetypes.RoleOracleFeeder) && !f.k.IsFrozen(ctx, addr)
}

// validatorsByConsAddr is what the oracle's validator check needs from
// x/staking.
type validatorsByConsAddr interface {
	GetValidatorByConsAddr(ctx context.Context, consAddr sdk.ConsAddress) (stakingtypes.Validator, error)
	ValidatorAddressCodec() address.Codec
}

// oracleValidators adapts x/staking and x/compliance to x/oracle's
// ValidatorEligibility: a validator's vote-extension prices count while its
// operator holds an active (unexpired, unrevoked) VALIDATOR_OPERATOR
// licence and is not frozen.
type oracleValidators struct {
	staking    validatorsByConsAddr
	compliance compliancekeeper.Keeper
}

// CountsVotesOf implements oracleabci.ValidatorEligibility.
func (v oracleValidators) CountsVotesOf(ctx context.Context, consAddr sdk.ConsAddress) bool {
	val, err := v.staking.GetValidatorByConsAddr(ctx, consAddr)
	if err != nil {
		return false
	}
	op, err := v.staking.ValidatorAddressCodec().StringToBytes(val.GetOperator())
	if err != nil {
		return false
	}
	acc := sdk.AccAddress(op)
	return v.compliance.HasRole(ctx, acc, compliancetypes.RoleValidatorOperator) && !v.compliance.IsFrozen(ctx, acc)
}

// x/oracle is x/exchange's price source: TickPrice scales a feed's price into
// a market's ticks, HasFeed checks the feed a market names.
var _ exchangetypes.OraclePriceSource = oraclekeeper.Keeper{}

// newOracleKeeper builds the oracle keeper; licensed feeders are checked
// against x/compliance.
func newOracleKeeper(cdc codec.Codec, store corestore.KVStoreService, ac address.Codec, authority string, compliance compliancekeeper.Keeper) (oraclekeeper.Keeper, error) {
	return oraclekeeper.NewKeeper(cdc, store, ac, authority, oracleFeeders{compliance})
}

// setOracleABCI installs x/oracle's ABCI++ handlers: vote extensions from
// the feeder sidecar, the injected votes around the default proposal
// handlers, and the tx runner that gives the injected tx an empty success
// result. PreBlocker calls the aggregation.
func (app *ClearApp) setOracleABCI(appOpts servertypes.AppOptions) error {
	var fetcher oracleabci.PriceFetcher
	if addr := strings.TrimSpace(cast.ToString(appOpts.Get(FlagOracleFeederAddress))); addr != "" {
		c, err := feeder.NewClient(addr)
		if err != nil {
			return fmt.Errorf("oracle: feeder client: %w", err)
		}
		fetcher = c
		app.feederClient = c
	}
	timeout := oracleabci.DefaultFeederTimeout
	if v := appOpts.Get(FlagOracleFeederTimeout); v != nil {
		d, err := cast.ToDurationE(v)
		if err != nil {
			return fmt.Errorf("oracle: %s: %w", FlagOracleFeederTimeout, err)
		}
		if d > 0 {
			timeout = d
		}
	}
	h := oracleabci.NewHandlers(app.OracleKeeper, app.StakingKeeper, fetcher, timeout, app.Logger()).
		WithValidatorEligibility(oracleValidators{staking: app.StakingKeeper, compliance: app.ComplianceKeeper})
	app.oracleABCI = h
	proposals := baseapp.NewDefaultProposalHandler(app.Mempool(), app.BaseApp)
	// Blocks bounded in orders (proposal.go), inside the oracle's wrapping.
	proposals.SetTxSelector(newOrderCapSelector(app.ExchangeKeeper))
	app.SetPrepareProposal(h.PrepareProposalHandler(proposals.PrepareProposalHandler()))
	app.SetProcessProposal(h.ProcessProposalHandler(
		orderCapProcessProposal(app.ExchangeKeeper, app.txDecoder, proposals.ProcessProposalHandler())))
	app.SetExtendVoteHandler(h.ExtendVoteHandler())
	app.SetVerifyVoteExtensionHandler(h.VerifyVoteExtensionHandler())
	app.SetBlockSTMTxRunner(oracleabci.NewTxRunner(app.txDecoder))
	return nil
}

// oraclePreBlock aggregates the block's vote extensions (x/oracle). It runs
// after the modules' pre-blockers (upgrade, auth): it needs the block's
// first tx, which module pre-blockers do not see.
func (app *ClearApp) oraclePreBlock(ctx sdk.Context, req *abci.RequestFinalizeBlock) error {
	if app.oracleABCI == nil {
		return nil
	}
	return app.oracleABCI.PreBlocker(ctx, req)
}

// withVoteExtensions enables vote extensions from the chain's initial
// height when the genesis leaves them disabled (`cleard init` writes
// CometBFT's defaults, with vote_extensions_enable_height 0): x/oracle needs
// them. CometBFT applies the consensus params returned by InitChain.
func (app *ClearApp) withVoteExtensions(ctx sdk.Context, req *abci.RequestInitChain, res *abci.ResponseInitChain) error {
	if req.ConsensusParams == nil {
		return nil
	}
	cp := *req.ConsensusParams
	if cp.Abci != nil && cp.Abci.VoteExtensionsEnableHeight > 0 {
		return nil
	}
	cp.Abci = &cmtproto.ABCIParams{VoteExtensionsEnableHeight: max(req.InitialHeight, 1)}
	if err := app.StoreConsensusParams(ctx, cp); err != nil {
		return fmt.Errorf("oracle: enabling vote extensions: %w", err)
	}
	res.ConsensusParams = &cp
	return nil
}

// defaultFeederTimeout is the app.toml default of oracle.feeder_timeout.
var defaultFeederTimeout = oracleabci.DefaultFeederTimeout

// OracleConfig is the [oracle] section of app.toml.
type OracleConfig struct {
	// FeederAddress is the feeder sidecar's gRPC address ("127.0.0.1:9300");
	// empty: this node feeds no prices.
	FeederAddress string `mapstructure:"feeder_address"`
	// FeederTimeout bounds the call to the feeder in ExtendVote.
	FeederTimeout time.Duration `mapstructure:"feeder_timeout"`
}

// DefaultOracleConfig returns the [oracle] defaults: no feeder, 300 ms.
func DefaultOracleConfig() OracleConfig {
	return OracleConfig{FeederTimeout: defaultFeederTimeout}
}

// OracleConfigTemplate is the [oracle] section of app.toml.
const OracleConfigTemplate = `
###############################################################################
###                              Oracle (x/oracle)                          ###
###############################################################################

[oracle]

# gRPC address of this validator's price-feeder sidecar (build/clear-feeder),
# asked for prices in every ExtendVote. Empty: this node feeds no prices (its
# vote extensions are empty); the chain runs on without them. Keep it on
# loopback: the feeder service has no authentication.
feeder_address = "{{ .Oracle.FeederAddress }}"

# How long ExtendVote waits for the feeder; a slower feeder means an empty
# vote extension for that height, never a missed vote.
feeder_timeout = "{{ .Oracle.FeederTimeout }}"
`
