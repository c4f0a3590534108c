package app

import (
	"errors"
	"slices"

	corestoretypes "cosmossdk.io/core/store"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"

	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	complianceante "github.com/clearchain/clearchain/x/compliance/ante"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
)

// AnteOptions are the dependencies of ClearChain's ante handler.
type AnteOptions struct {
	ante.HandlerOptions

	WasmConfig            *wasmtypes.NodeConfig
	WasmKeeper            *wasmkeeper.Keeper
	TXCounterStoreService corestoretypes.KVStoreService

	// BeforeFees are decorators run before the fee is deducted: what may
	// pay a fee, and who must pay one (compliance's FeeDecorator). A tx
	// they refuse pays nothing.
	BeforeFees []sdk.AnteDecorator

	// SigCache, if set, lets a tx whose signatures CheckTx verified skip
	// the second verification when it is delivered (sigcache.go).
	SigCache *SigCache

	// DecodedTxs, if set, is the decoded-tx cache of CheckTx (recheck.go):
	// the entry of a delivered tx is dropped.
	DecodedTxs *DecodedTxCache

	// Extra decorators run after signature checks and before the sequence
	// is incremented: this is where module gates (compliance) plug in. They
	// run for lane txs too (orderlane.go).
	Extra []sdk.AnteDecorator

	// LaneDeliverExtra, if set, replaces Extra for a lane tx in a block:
	// the gates the message router decides again for every message anyway
	// (the compliance gate) need not run twice on the node's serial path.
	// CheckTx and recheck run Extra in full (the mempool's hygiene).
	LaneDeliverExtra []sdk.AnteDecorator

	// LaneSigs, if set, lets a lane tx whose signature this node verified
	// (the broadcast worker or CheckTx) skip verifying it again in CheckTx
	// and in its block (orderlane.go).
	LaneSigs *LaneSigCache
}

// NewAnteHandler builds the ante chain: the SDK's stock checks, wasm's gas
// and tx-counter decorators, the fee checks in BeforeFees just before the
// fee is deducted, then the module gates in Extra.
func NewAnteHandler(o AnteOptions) (sdk.AnteHandler, error) {
	switch {
	case o.AccountKeeper == nil:
		return nil, errors.New("ante: account keeper is required")
	case o.BankKeeper == nil:
		return nil, errors.New("ante: bank keeper is required")
	case o.SignModeHandler == nil:
		return nil, errors.New("ante: sign mode handler is required")
	case o.WasmConfig == nil:
		return nil, errors.New("ante: wasm config is required")
	case o.WasmKeeper == nil:
		return nil, errors.New("ante: wasm keeper is required")
	case o.TXCounterStoreService == nil:
		return nil, errors.New("ante: wasm tx-counter store service is required")
	}
	decorators := []sdk.AnteDecorator{
		ante.NewSetUpContextDecorator(), // outermost: sets the gas meter
		wasmkeeper.NewLimitSimulationGasDecorator(o.WasmConfig.SimulationGasLimit),
		wasmkeeper.NewCountTXDecorator(o.TXCounterStoreService),
		wasmkeeper.NewGasRegisterDecorator(o.WasmKeeper.GetGasRegister()),
		wasmkeeper.NewTxContractsDecorator(),
		ante.NewExtensionOptionsDecorator(o.ExtensionOptionChecker),
		ante.NewValidateBasicDecorator(),
		ante.NewTxTimeoutHeightDecorator(),
		ante.NewValidateMemoDecorator(o.AccountKeeper),
		ante.NewConsumeGasForTxSizeDecorator(o.AccountKeeper),
	}
	decorators = append(decorators, o.BeforeFees...)
	decorators = append(decorators,
		ante.NewDeductFeeDecorator(o.AccountKeeper, o.BankKeeper, o.FeegrantKeeper, o.TxFeeChecker),
		ante.NewSetPubKeyDecorator(o.AccountKeeper), // before every signature check
		ante.NewValidateSigCountDecorator(o.AccountKeeper),
		ante.NewSigGasConsumeDecorator(o.AccountKeeper, o.SigGasConsumer),
		NewCachedSigVerificationDecorator(ante.NewSigVerificationDecorator(o.AccountKeeper, o.SignModeHandler, o.SigVerifyOptions...),
			o.AccountKeeper, o.SigCache),
	)
	decorators = append(decorators, o.Extra...)
	decorators = append(decorators, ante.NewIncrementSequenceDecorator(o.AccountKeeper))
	full := sdk.ChainAnteDecorators(decorators...)

	// The mempool's recheck: after every block CometBFT re-runs CheckTx
	// (ReCheckTx) on each tx still waiting, to evict those the block made
	// invalid and to rebuild the check state (sequences, fees) of the ones
	// that stay: a quarter of the node's CPU under a backlog
	// (docs/benchmarks.md). A tx passed the whole chain in CheckTx, so the
	// recheck runs only the checks whose outcome a committed block can
	// change, in the same order as the full chain:
	//   - the timeout height/time (the chain moved on);
	//   - BeforeFees: the order cap (a params change), compliance's fee
	//     checks (a freeze, a licence ended: the unlicensed minimum fee);
	//   - the fee deduction (balance, fee grant);
	//   - the public key (set by a tx of the signer not yet committed) and
	//     the signer's sequence (a block used it) — signatures are not
	//     verified on recheck, by the SDK's decorator itself;
	//   - Extra: the module gates (licence roles, freezes), unchanged;
	//   - the sequence increment (the check state of the signer's next tx).
	// Left out are the stateless checks of the tx's own bytes (extension
	// options, memo, signature count, size and signature gas, wasm's
	// per-tx context values and tx counter, which only message execution
	// reads): they passed in CheckTx and a block cannot change them short
	// of a params change, after which a tx failing them still fails in
	// its block, where the full chain runs. Delivery (FinalizeBlock),
	// CheckTx and simulation always run the full chain.
	recheck := sdk.ChainAnteDecorators(slices.Concat(
		[]sdk.AnteDecorator{
			ante.NewSetUpContextDecorator(),
			ante.NewTxTimeoutHeightDecorator(),
		},
		o.BeforeFees,
		[]sdk.AnteDecorator{
			ante.NewDeductFeeDecorator(o.AccountKeeper, o.BankKeeper, o.FeegrantKeeper, o.TxFeeChecker),
			ante.NewSetPubKeyDecorator(o.AccountKeeper),
			ante.NewSigVerificationDecorator(o.AccountKeeper, o.SignModeHandler, o.SigVerifyOptions...),
		},
		o.Extra,
		[]sdk.AnteDecorator{ante.NewIncrementSequenceDecorator(o.AccountKeeper)},
	)...)
	// A lane tx (orderlane.go): its timeout, signature and nonce, then the
	// same module gates. Its recheck is the same chain: the decorator does
	// not verify the signature again, the gates recheck what a block can
	// change (licences, freezes), and the nonce of a delivered lane tx
	// refuses it.
	laneChain := func(extra []sdk.AnteDecorator) sdk.AnteHandler {
		return sdk.ChainAnteDecorators(slices.Concat(
			[]sdk.AnteDecorator{
				ante.NewSetUpContextDecorator(),
				laneAuthDecorator{nonces: o.AccountKeeper, sigs: o.LaneSigs},
			},
			extra,
		)...)
	}
	lane, laneDeliver := laneChain(o.Extra), laneChain(o.Extra)
	if o.LaneDeliverExtra != nil {
		laneDeliver = laneChain(o.LaneDeliverExtra)
	}
	return func(ctx sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
		if _, ok := tx.(*laneTx); ok {
			if !simulate && !ctx.IsCheckTx() {
				o.DecodedTxs.forgetBytes(ctx.TxBytes())
				return laneDeliver(ctx, tx, simulate)
			}
			return lane(ctx, tx, simulate)
		}
		switch {
		case simulate:
		case ctx.IsReCheckTx():
			return recheck(ctx, tx, simulate)
		case !ctx.IsCheckTx():
			o.DecodedTxs.forgetBytes(ctx.TxBytes()) // delivered: no recheck will need it
		}
		return full(ctx, tx, simulate)
	}, nil
}

// ComplianceGateTable lists the messages the compliance gate lets through
// only for signers holding one of the listed licence roles (an empty list:
// any valid licence). Every message from a frozen signer is refused; the
// regulator passes; authz MsgExec is unwrapped. See x/compliance/README.md.
func ComplianceGateTable() *complianceante.GateTable {
	const (
		institution = compliancetypes.RoleInstitution
		marketMaker = compliancetypes.RoleMarketMaker
		issuer      = compliancetypes.RoleIssuer
		feeder      = compliancetypes.RoleOracleFeeder
		validator   = compliancetypes.RoleValidatorOperator
	)
	return complianceante.NewGateTable().
		// Trading.
		Prefix("/clearchain.exchange.", marketMaker, institution).
		// An account whose licence ended may still pull its own orders (the
		// lifecycle sweep cancels them too); a frozen one may not.
		Open("/clearchain.exchange.v1.MsgCancelOrder").
		Open("/clearchain.exchange.v1.MsgMassCancel").
		// Issuance; x/assets checks that the signer is the asset's admin.
		Prefix("/clearchain.assets.", issuer).
		// Prices submitted by transaction.
		Prefix("/clearchain.oracle.", feeder).
		// Contract code and instances are the issuers'; executing a contract
		// needs any valid licence.
		Exact("/cosmwasm.wasm.v1.MsgStoreCode", issuer).
		Exact("/cosmwasm.wasm.v1.MsgStoreAndInstantiateContract", issuer).
		Exact("/cosmwasm.wasm.v1.MsgStoreAndMigrateContract", issuer).
		Exact("/cosmwasm.wasm.v1.MsgInstantiateContract", issuer).
		Exact("/cosmwasm.wasm.v1.MsgInstantiateContract2", issuer).
		Exact("/cosmwasm.wasm.v1.MsgMigrateContract", issuer).
		Exact("/cosmwasm.wasm.v1.MsgExecuteContract").
		// A permissioned validator set on stock x/staking. Genesis gentxs
		// (height 0) are not gated; InitChain checks the genesis operators
		// instead (validators.go). A jailed validator comes back only while
		// its operator is licensed (ADR 004).
		Exact("/cosmos.staking.v1beta1.MsgCreateValidator", validator).
		Exact("/cosmos.staking.v1beta1.MsgEditValidator", validator).
		Exact("/cosmos.slashing.v1beta1.MsgUnjail", validator).
		// Stake steers consensus power, oracle weights and governance: only
		// licensed accounts put it in. Undelegating is not gated, so a
		// delegator whose licence ends can always leave (ADR 004).
		Exact("/cosmos.staking.v1beta1.MsgDelegate").
		Exact("/cosmos.staking.v1beta1.MsgBeginRedelegate").
		Exact("/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation").
		// Governance can replace the regulator: only licensed accounts
		// propose, deposit and vote, in both gov APIs (ADR 004).
		Exact("/cosmos.gov.v1.MsgSubmitProposal").
		Exact("/cosmos.gov.v1.MsgDeposit").
		Exact("/cosmos.gov.v1.MsgVote").
		Exact("/cosmos.gov.v1.MsgVoteWeighted").
		Exact("/cosmos.gov.v1beta1.MsgSubmitProposal").
		Exact("/cosmos.gov.v1beta1.MsgDeposit").
		Exact("/cosmos.gov.v1beta1.MsgVote").
		Exact("/cosmos.gov.v1beta1.MsgVoteWeighted")
}
