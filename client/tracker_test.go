package client

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/clearchain/clearchain/stream/types"
)

// TestTrackerReplaceThenFill: a cancel-replace reports the old terms as
// CANCELLED with reason "replaced"; the order stays open under its client
// id, and a later fill against it closes it with the filled quantity.
func TestTrackerReplaceThenFill(t *testing.T) {
	tr := NewTracker()
	up := func(ev types.OrderEvent, qty, rem uint64, reason string) {
		tr.apply(&types.OrderUpdate{Account: "acc", OrderId: 9, MarketId: 1, ClientOrderId: "q1", Side: "SIDE_SELL",
			Event: ev, Quantity: qty, Remaining: rem, Reason: reason, Price: 101})
	}
	up(types.OrderEvent_ORDER_EVENT_PLACED, 10, 10, "")
	up(types.OrderEvent_ORDER_EVENT_CANCELLED, 10, 0, "replaced")
	o, ok := tr.ByClientID("acc", "q1")
	require.True(t, ok)
	require.True(t, o.Open, "a replaced order stays open")
	up(types.OrderEvent_ORDER_EVENT_PARTIALLY_FILLED, 4, 6, "")
	up(types.OrderEvent_ORDER_EVENT_FILLED, 6, 0, "")
	o, _ = tr.ByClientID("acc", "q1")
	require.False(t, o.Open)
	require.Equal(t, uint64(10), o.Filled)
	require.Empty(t, tr.Open())
	up(types.OrderEvent_ORDER_EVENT_CANCELLED, 3, 0, "cancelled")
	o, _ = tr.ByID(9)
	require.False(t, o.Open)
}

// TestTxErrorReason: a refusal's log naming an exchange reason gives its
// OrderReason code; every TxError matches ErrTxRefused.
func TestTxErrorReason(t *testing.T) {
	e := newTxError("exchange", 7, "order 5: post-only order would-cross the book: invalid request")
	require.True(t, errors.Is(e, ErrTxRefused))
	require.Equal(t, "would-cross", e.Reason)
	require.NotZero(t, e.ReasonCode)
	require.Equal(t, int32(0), newTxError("sdk", 5, "insufficient funds").ReasonCode)
}
