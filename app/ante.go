package app

import (
	"errors"

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

	// Extra decorators run after signature checks and before the sequence
	// is incremented: this is where module gates (compliance) plug in.
	Extra []sdk.AnteDecorator
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
	return sdk.ChainAnteDecorators(decorators...), nil
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
