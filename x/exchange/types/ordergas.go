package types

import (
	proto "github.com/cosmos/gogoproto/proto"
)

// Fixed order gas (x/exchange/README.md, "Order gas"). A tx holding only
// order messages (place, cancel, cancel-replace, mass cancel, batch,
// heartbeat) uses exactly OrderTxGas(msgs) gas, whatever the book, the queue
// or any cache holds, so a bot sets its gas limit from the formula and never
// simulates:
//
//	gas = OrderGasTxBase
//	    + Σ over messages: kind gas + OrderGasPerByte × the message's proto size
//	kind gas: place OrderGasPlace, cancel OrderGasCancel, cancel-replace
//	    OrderGasReplace, mass cancel OrderGasMassCancel, heartbeat
//	    OrderGasHeartbeat, batch OrderGasBatch + OrderGasPlace × places +
//	    OrderGasCancel × cancels.
//
// The constants sit above the worst real cost measured by
// TestOrderGasCoversTheWorstRealCost (app/ordergas_test.go); the real work
// of such a tx is still bounded by its gas limit.
const (
	// OrderGasTxBase covers the ante handler of a one-signature tx with a
	// memo up to 256 bytes: size, signature, fee, compliance gate, sequence
	// or unordered nonce.
	OrderGasTxBase uint64 = 80_000
	// OrderGasPerByte is charged per byte of each message's proto encoding.
	OrderGasPerByte uint64 = 10
	// OrderGasPlace: one place (a MsgPlaceOrder or a batch item).
	OrderGasPlace uint64 = 40_000
	// OrderGasCancel: one cancel (a MsgCancelOrder or a batch item).
	OrderGasCancel uint64 = 30_000
	// OrderGasReplace: one MsgCancelReplace.
	OrderGasReplace uint64 = 50_000
	// OrderGasMassCancel: one MsgMassCancel.
	OrderGasMassCancel uint64 = 50_000
	// OrderGasBatch: a MsgBatch on top of its items.
	OrderGasBatch uint64 = 10_000
	// OrderGasHeartbeat: one MsgHeartbeat.
	OrderGasHeartbeat uint64 = 30_000
)

// OrderMsgGas returns the fixed gas of one order message (kind gas plus
// OrderGasPerByte × its size) and the orders it counts against the
// per-account rate limit (places and replaces); ok is false for any other
// message.
func OrderMsgGas(msg proto.Message) (gas, orders uint64, ok bool) {
	switch m := msg.(type) {
	case *MsgPlaceOrder:
		gas, orders = OrderGasPlace, 1
	case *MsgCancelOrder:
		gas = OrderGasCancel
	case *MsgCancelReplace:
		gas, orders = OrderGasReplace, 1
	case *MsgMassCancel:
		gas = OrderGasMassCancel
	case *MsgBatch:
		gas = OrderGasBatch + OrderGasPlace*uint64(len(m.Places)) + OrderGasCancel*uint64(len(m.Cancels))
		orders = uint64(len(m.Places))
	case *MsgHeartbeat:
		gas = OrderGasHeartbeat
	default:
		return 0, 0, false
	}
	return gas + OrderGasPerByte*uint64(proto.Size(msg)), orders, true
}

// OrderTxGas returns the gas used by a tx holding msgs, and ok: true if the
// tx holds at least one message and only order messages (then the fixed
// gas applies); false leaves the tx on ordinary metered gas.
func OrderTxGas(msgs []proto.Message) (gas uint64, ok bool) {
	if len(msgs) == 0 {
		return 0, false
	}
	gas = OrderGasTxBase
	for _, m := range msgs {
		g, _, ok := OrderMsgGas(m)
		if !ok {
			return 0, false
		}
		gas += g
	}
	return gas, true
}

// OrderMsgOwner returns the owner of an order message ("" for any other).
func OrderMsgOwner(msg proto.Message) string {
	switch m := msg.(type) {
	case *MsgPlaceOrder:
		return m.Owner
	case *MsgCancelOrder:
		return m.Owner
	case *MsgCancelReplace:
		return m.Owner
	case *MsgMassCancel:
		return m.Owner
	case *MsgBatch:
		return m.Owner
	case *MsgHeartbeat:
		return m.Owner
	}
	return ""
}
