package app

import (
	"encoding/json"
	"strconv"

	errorsmod "cosmossdk.io/errors"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/gogoproto/proto"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"
	wasmvmtypes "github.com/CosmWasm/wasmvm/v3/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// Tracked contract orders: the messenger's share of x/exchange's contract
// order records (x/exchange/keeper/contract_status.go). A place_order with
// `track` set goes through the encoder and the router like any order (so
// compliance decides it as for any order), then x/exchange records the
// order id it answered under the contract and client order id; ack_order
// drops the record of a finished order. Both run in the contract's
// execution and roll back with it.

// ContractAckOrder is ClearChainMsg::AckOrder.
type ContractAckOrder struct {
	ClientOrderID string `json:"client_order_id"`
}

// dispatchContractOrder handles the custom messages that touch contract
// order records: handled is false for every other message.
func (m contractMessenger) dispatchContractOrder(ctx sdk.Context, contract sdk.AccAddress, port string, msg wasmvmtypes.CosmosMsg, c *ContractMsg) (bool, []sdk.Event, [][]byte, [][]*codectypes.Any, error) {
	switch {
	case c.AckOrder != nil:
		if !exchangetypes.ValidClientOrderID(c.AckOrder.ClientOrderID) {
			return true, nil, nil, nil, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain ack_order: client order id %q is malformed", c.AckOrder.ClientOrderID)
		}
		rec, err := m.k.ExchangeKeeper.AckContractOrder(ctx, contract, c.AckOrder.ClientOrderID)
		if err != nil {
			return true, nil, nil, nil, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain ack_order: %v", err)
		}
		ev := sdk.NewEvent("clearchain_ack_order", sdk.NewAttribute("contract", contract.String()),
			sdk.NewAttribute("client_order_id", rec.ClientOrderId), sdk.NewAttribute("order_id", strconv.FormatUint(rec.OrderId, 10)))
		return true, []sdk.Event{ev}, nil, nil, nil
	case c.PlaceOrder != nil && c.PlaceOrder.Track:
		events, data, responses, err := m.next.DispatchMsg(ctx, contract, port, msg)
		if err != nil {
			return true, nil, nil, nil, err
		}
		var resp exchangetypes.MsgPlaceOrderResponse
		if len(responses) != 1 || len(responses[0]) != 1 || responses[0][0].TypeUrl != "/"+proto.MessageName(&resp) ||
			proto.Unmarshal(responses[0][0].Value, &resp) != nil || resp.OrderId == 0 {
			return true, nil, nil, nil, errorsmod.Wrap(wasmtypes.ErrInvalidMsg, "clearchain place_order: no order id to track")
		}
		msgs, err := EncodeContractMsg(contract, msg.Custom)
		if err != nil {
			return true, nil, nil, nil, err
		}
		place, ok := msgs[0].(*exchangetypes.MsgPlaceOrder)
		if !ok {
			return true, nil, nil, nil, errorsmod.Wrap(wasmtypes.ErrInvalidMsg, "clearchain place_order: not an order")
		}
		if err := m.k.ExchangeKeeper.TrackContractOrder(ctx, contract, resp.OrderId, place.Order); err != nil {
			return true, nil, nil, nil, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain place_order: %v", err)
		}
		return true, events, data, responses, nil
	}
	return false, nil, nil, nil, nil
}

// contractOrderRecordJSON answers order_status from a settlement record.
func contractOrderRecordJSON(rec *exchangetypes.ContractOrderRecord) ([]byte, error) {
	state, ok := contractOrderStates[rec.State]
	if !ok || rec.Price < 0 || rec.QuoteFilled.BigInt().BitLen() > 128 || rec.FeesPaid.BigInt().BitLen() > 127 {
		return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain order_status: record of order %d out of range", rec.OrderId)
	}
	return json.Marshal(ContractOrderStatusResponse{
		Found: true, OrderID: rec.OrderId, MarketID: rec.MarketId, State: state,
		Price: strconv.FormatInt(rec.Price, 10), Quantity: strconv.FormatUint(rec.Quantity, 10),
		FilledQuantity: strconv.FormatUint(rec.FilledQuantity, 10),
		Tracked:        true, QuoteFilled: rec.QuoteFilled.String(), FeesPaid: rec.FeesPaid.String(),
	})
}
