// Package abci holds x/oracle's ABCI++ handlers: ExtendVote (ask the local
// feeder sidecar for prices), VerifyVoteExtension (check form and size),
// PrepareProposal (inject the extended commit info as the block's first
// "tx"), ProcessProposal (verify it, signatures included), PreBlock
// (aggregate it into prices) and a tx runner that gives the injected tx a
// successful, empty result (it is never executed).
//
// ExtendVote is the one non-deterministic step (it asks a local process,
// under a timeout); everything else is deterministic.
package abci

import (
	"context"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/oracle/feeder"
	"github.com/clearchain/clearchain/x/oracle/keeper"
)

// DefaultFeederTimeout bounds the call to the feeder in ExtendVote.
const DefaultFeederTimeout = 300 * time.Millisecond

// PriceFetcher is the feeder sidecar as ExtendVote sees it;
// *feeder.Client implements it.
type PriceFetcher interface {
	Prices(ctx context.Context) ([]feeder.PairPrice, error)
}

// ValidatorEligibility says whether a validator's vote-extension prices
// count. The app adapts x/staking (consensus address -> operator) and
// x/compliance (the operator holds an active VALIDATOR_OPERATOR licence and
// is not frozen) to it.
type ValidatorEligibility interface {
	CountsVotesOf(ctx context.Context, consAddr sdk.ConsAddress) bool
}

// Handlers builds the ABCI++ handlers of the oracle.
type Handlers struct {
	keeper   keeper.Keeper
	valStore baseapp.ValidatorStore
	// eligible filters validators in PreBlock; nil counts every validator.
	eligible ValidatorEligibility
	fetcher  PriceFetcher // nil: this node does not feed prices
	timeout  time.Duration
	logger   log.Logger
}

// NewHandlers returns the handlers. fetcher may be nil (no feeder
// configured: empty vote extensions); timeout <= 0 means
// DefaultFeederTimeout.
func NewHandlers(k keeper.Keeper, valStore baseapp.ValidatorStore, fetcher PriceFetcher, timeout time.Duration, logger log.Logger) *Handlers {
	if timeout <= 0 {
		timeout = DefaultFeederTimeout
	}
	if logger == nil {
		logger = log.NewNopLogger()
	}
	return &Handlers{keeper: k, valStore: valStore, fetcher: fetcher, timeout: timeout, logger: logger.With("module", "x/oracle")}
}

// WithValidatorEligibility makes PreBlock count the prices of eligible
// validators only: the votes of the others are abstentions (their power
// stays in the total, against the quorum, like an absent validator's).
func (h *Handlers) WithValidatorEligibility(e ValidatorEligibility) *Handlers {
	h.eligible = e
	return h
}

// voteExtensionsEnabled reports whether the proposal at height carries the
// vote extensions of height-1: extensions are produced from the enable
// height on, so they are first in a proposal at enable height + 1.
func voteExtensionsEnabled(ctx sdk.Context, height int64) bool {
	cp := ctx.ConsensusParams()
	return cp.Abci != nil && cp.Abci.VoteExtensionsEnableHeight != 0 && height > cp.Abci.VoteExtensionsEnableHeight
}

// emptyExtension is what a validator without prices votes.
func emptyExtension() *abci.ResponseExtendVote {
	return &abci.ResponseExtendVote{VoteExtension: []byte{}}
}
