package app

import (
	"context"
	"strconv"
	"strings"

	errorsmod "cosmossdk.io/errors"

	wasmvmtypes "github.com/CosmWasm/wasmvm/v3/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"
)

// contractDispatchAllowed lists what a contract may dispatch, by message
// type URL (exact) or prefix (ending in "."). Everything else a contract
// sends is refused before it reaches the router. What passes here still
// meets the compliance check in the router (router.go) with the contract as
// signer: a contract needs its own licence (and the role) for gated
// messages, and a frozen contract sends nothing.
//
// Not on the list, on purpose: staking, distribution and governance
// messages, code upload and migration, oracle prices, compliance (the
// regulator's) messages, and every message a future module adds.
var contractDispatchAllowed = []string{
	"/cosmos.bank.v1beta1.MsgSend",
	"/cosmwasm.wasm.v1.MsgExecuteContract",
	"/cosmwasm.wasm.v1.MsgInstantiateContract",
	"/cosmwasm.wasm.v1.MsgInstantiateContract2",
	// Inner messages of an authz MsgExec go through the router one by one,
	// each checked against its granter.
	"/cosmos.authz.v1beta1.MsgExec",
	"/clearchain.exchange.",
	"/clearchain.assets.",
}

// ContractMayDispatch reports whether a contract may dispatch a message of
// type typeURL.
func ContractMayDispatch(typeURL string) bool {
	for _, a := range contractDispatchAllowed {
		if typeURL == a || (strings.HasSuffix(a, ".") && strings.HasPrefix(typeURL, a)) {
			return true
		}
	}
	return false
}

// contractRouter is the message router wasm dispatches contract messages
// through: the app's router behind the allow list.
type contractRouter struct{ inner wasmkeeper.MessageRouter }

var _ wasmkeeper.MessageRouter = contractRouter{}

// Handler implements wasmkeeper.MessageRouter: a message off the allow list
// gets a handler that refuses it with a clear error.
func (r contractRouter) Handler(msg sdk.Msg) baseapp.MsgServiceHandler {
	typeURL := sdk.MsgTypeURL(msg)
	if !ContractMayDispatch(typeURL) {
		return func(sdk.Context, sdk.Msg) (*sdk.Result, error) {
			return nil, errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "contracts may not dispatch %s on ClearChain", typeURL)
		}
	}
	return r.inner.Handler(msg)
}

// contractMessenger refuses the contract messages wasm handles without the
// router: BankMsg::Burn (burning is the issuer's, through x/assets) and IBC
// (disabled). Custom messages pass on to the encoder of wasm_bindings.go,
// which turns them into x/assets and x/exchange messages that go through
// the router like any other.
type contractMessenger struct {
	next wasmkeeper.Messenger
	k    *Keepers
}

// DispatchMsg implements wasmkeeper.Messenger.
func (m contractMessenger) DispatchMsg(ctx sdk.Context, contract sdk.AccAddress, port string, msg wasmvmtypes.CosmosMsg) ([]sdk.Event, [][]byte, [][]*codectypes.Any, error) {
	var refused string
	switch {
	case msg.Bank != nil && msg.Bank.Burn != nil:
		refused = "bank burn"
	case msg.IBC != nil || msg.IBC2 != nil:
		refused = "IBC"
	}
	if refused != "" {
		return nil, nil, nil, errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "contracts may not dispatch %s messages on ClearChain", refused)
	}
	if msg.Custom != nil {
		// ack_moves acts on the calling contract's own queue in x/assets:
		// no sdk.Msg, no signer but the contract itself.
		var c ContractMsg
		if decodeStrict(msg.Custom, &c, "message") == nil && c.AckMoves != nil &&
			countSet(c.CreateAsset != nil, c.Mint != nil, c.Burn != nil, c.PlaceOrder != nil, c.CancelOrder != nil,
				c.Deposit != nil, c.Withdraw != nil, c.AckOrder != nil) == 0 {
			n, err := m.k.AssetsKeeper.AckMoves(ctx, contract.String(), c.AckMoves.UpTo)
			if err != nil {
				return nil, nil, nil, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain ack_moves: %v", err)
			}
			ev := sdk.NewEvent("clearchain_ack_moves", sdk.NewAttribute("contract", contract.String()),
				sdk.NewAttribute("up_to", strconv.FormatUint(c.AckMoves.UpTo, 10)), sdk.NewAttribute("dropped", strconv.Itoa(n)))
			return []sdk.Event{ev}, nil, nil, nil
		}
		// ack_order and tracked place_order: wasm_bindings_orders.go.
		if decodeStrict(msg.Custom, &c, "message") == nil {
			if ok, ev, data, resp, err := m.dispatchContractOrder(ctx, contract, port, msg, &c); ok {
				return ev, data, resp, err
			}
		}
	}
	return m.next.DispatchMsg(ctx, contract, port, msg)
}

// contractCheck says whether an address is a contract (x/assets queues the
// share moves of data-asset denoms that a contract administers).
func contractCheck(wk wasmkeeper.Keeper) func(context.Context, sdk.AccAddress) bool {
	return func(ctx context.Context, a sdk.AccAddress) bool {
		return wk.HasContractInfo(ctx, a)
	}
}

// moduleAccountAddresses are the module accounts, named "" in a share move.
func moduleAccountAddresses() []sdk.AccAddress {
	out := make([]sdk.AccAddress, 0, len(maccPerms))
	for name := range maccPerms {
		out = append(out, authtypes.NewModuleAddress(name))
	}
	return out
}

// contractWasmOptions are the wasm keeper options that restrict contracts
// and bind them to the native modules (wasm_bindings.go).
func contractWasmOptions(k *Keepers) []wasmkeeper.Option {
	return append(contractBindingOptions(k),
		wasmkeeper.WithMessageHandlerDecorator(func(old wasmkeeper.Messenger) wasmkeeper.Messenger {
			return contractMessenger{next: old, k: k}
		}),
	)
}
