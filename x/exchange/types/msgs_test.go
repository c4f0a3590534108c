package types_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// TestBadOrdersRefusedInCheckTx: malformed exchange messages (price or
// quantity 0, unknown enums, oversized or empty batches, malformed client
// ids, bad addresses) were refused only when the block ran them, after
// taking a block slot. Each message now has a ValidateBasic, which CheckTx
// runs; a well-formed message passes.
func TestBadOrdersRefusedInCheckTx(t *testing.T) {
	owner := sdk.AccAddress(strings.Repeat("o", 20)).String()
	good := types.OrderSpec{MarketId: 1, Side: types.Side_SIDE_BUY, Price: 100, Quantity: 1}
	with := func(f func(s *types.OrderSpec)) sdk.Msg {
		s := good
		f(&s)
		return &types.MsgPlaceOrder{Owner: owner, Order: s}
	}
	places := func(n int) []types.OrderSpec {
		out := make([]types.OrderSpec, n)
		for i := range out {
			out[i] = good
		}
		return out
	}
	bad := map[string]sdk.Msg{
		"price 0":            with(func(s *types.OrderSpec) { s.Price = 0 }),
		"negative price":     with(func(s *types.OrderSpec) { s.Price = -5 }),
		"quantity 0":         with(func(s *types.OrderSpec) { s.Quantity = 0 }),
		"quantity too large": with(func(s *types.OrderSpec) { s.Quantity = 1<<40 + 1 }),
		"market 0":           with(func(s *types.OrderSpec) { s.MarketId = 0 }),
		"side unspecified":   with(func(s *types.OrderSpec) { s.Side = 0 }),
		"unknown side":       with(func(s *types.OrderSpec) { s.Side = 7 }),
		"unknown type":       with(func(s *types.OrderSpec) { s.Type = 9 }),
		"unknown tif":        with(func(s *types.OrderSpec) { s.TimeInForce = 9 }),
		"unknown stp":        with(func(s *types.OrderSpec) { s.Stp = 9 }),
		"client id too long": with(func(s *types.OrderSpec) { s.ClientOrderId = strings.Repeat("x", 65) }),
		"client id space":    with(func(s *types.OrderSpec) { s.ClientOrderId = "a b" }),
		"client id control":  with(func(s *types.OrderSpec) { s.ClientOrderId = "a\x00" }),
		"client id utf8":     with(func(s *types.OrderSpec) { s.ClientOrderId = "ordé" }),
		"stop without trigger": with(func(s *types.OrderSpec) {
			s.Type = types.OrderType_ORDER_TYPE_STOP_LIMIT
		}),
		"trigger on a limit": with(func(s *types.OrderSpec) { s.TriggerPrice = 5 }),
		"post-only ioc": with(func(s *types.OrderSpec) {
			s.PostOnly, s.TimeInForce = true, types.TimeInForce_TIME_IN_FORCE_IOC
		}),
		"gtb without block": with(func(s *types.OrderSpec) { s.TimeInForce = types.TimeInForce_TIME_IN_FORCE_GTB }),
		"expiry on gtc":     with(func(s *types.OrderSpec) { s.ExpireBlock = 10 }),
		"bad owner":         &types.MsgPlaceOrder{Owner: "nobody", Order: good},
		"cancel order 0":    &types.MsgCancelOrder{Owner: owner, MarketId: 1},
		"replace price 0":   &types.MsgCancelReplace{Owner: owner, MarketId: 1, OrderId: 1, Quantity: 1},
		"replace qty 0":     &types.MsgCancelReplace{Owner: owner, MarketId: 1, OrderId: 1, Price: 1},
		"mass cancel side":  &types.MsgMassCancel{Owner: owner, Side: 5},
		"empty batch":       &types.MsgBatch{Owner: owner},
		"oversized batch":   &types.MsgBatch{Owner: owner, Places: places(types.MaxBatchSizeLimit + 1)},
		"batch bad place": &types.MsgBatch{Owner: owner, Places: []types.OrderSpec{good, {MarketId: 1, Side: types.Side_SIDE_BUY,
			Quantity: 1}}},
		"batch bad cancel": &types.MsgBatch{Owner: owner, Cancels: []types.CancelSpec{{MarketId: 1}}},
		"deposit 0":        &types.MsgDeposit{Owner: owner, Amount: sdk.NewInt64Coin("uquote", 0)},
		"withdraw bad":     &types.MsgWithdraw{Owner: owner, Amount: sdk.Coin{Denom: "!", Amount: sdkmath.NewInt(1)}},
		"heartbeat owner":  &types.MsgHeartbeat{Owner: ""},
	}
	for name, msg := range bad {
		v, ok := msg.(sdk.HasValidateBasic)
		require.True(t, ok, "%s: %T has no ValidateBasic: refused only in the block", name, msg)
		require.Error(t, v.ValidateBasic(), name)
	}
	okMsgs := []sdk.Msg{
		&types.MsgPlaceOrder{Owner: owner, Order: good},
		with(func(s *types.OrderSpec) { s.ClientOrderId = "bot-1:x_Y" }),
		with(func(s *types.OrderSpec) {
			s.Type, s.TriggerPrice = types.OrderType_ORDER_TYPE_STOP_MARKET, 90
		}),
		with(func(s *types.OrderSpec) { s.TimeInForce, s.ExpireBlock = types.TimeInForce_TIME_IN_FORCE_GTB, 10 }),
		&types.MsgCancelOrder{Owner: owner, MarketId: 1, OrderId: 1},
		&types.MsgMassCancel{Owner: owner},
		&types.MsgBatch{Owner: owner, Places: places(types.MaxBatchSizeLimit)},
		&types.MsgDeposit{Owner: owner, Amount: sdk.NewInt64Coin("uquote", 1)},
		&types.MsgHeartbeat{Owner: owner},
	}
	for _, msg := range okMsgs {
		require.NoError(t, msg.(sdk.HasValidateBasic).ValidateBasic(), "%v", msg)
	}
}

// TestStatelessSweepRefusesInCheckTx: the rest of the stateless checks
// found by a sweep of every exchange message, refused only in the block
// before: a force-cancel without a reason, with a reason over 512 bytes,
// with no or several targets, or a market without an order; an atomic
// batch placing one client order id twice (always refused in the block).
// A best-effort batch may (its second place is refused on its own), and a
// batch may cancel an id and place it again.
func TestStatelessSweepRefusesInCheckTx(t *testing.T) {
	owner := sdk.AccAddress(strings.Repeat("o", 20)).String()
	reg := sdk.AccAddress(strings.Repeat("r", 20)).String()
	acct := sdk.AccAddress(strings.Repeat("a", 20)).String()
	place := func(cid string) types.OrderSpec {
		return types.OrderSpec{MarketId: 1, Side: types.Side_SIDE_BUY, Price: 100, Quantity: 1, ClientOrderId: cid}
	}
	bad := map[string]sdk.HasValidateBasic{
		"force cancel no reason":      &types.MsgForceCancel{Authority: reg, Account: acct},
		"force cancel long reason":    &types.MsgForceCancel{Authority: reg, Account: acct, Reason: strings.Repeat("r", types.MaxForceCancelReasonLen+1)},
		"force cancel no target":      &types.MsgForceCancel{Authority: reg, Reason: "aml"},
		"force cancel two targets":    &types.MsgForceCancel{Authority: reg, Reason: "aml", Account: acct, EntityId: 3},
		"force cancel market only":    &types.MsgForceCancel{Authority: reg, Reason: "aml", MarketId: 1},
		"force cancel order, account": &types.MsgForceCancel{Authority: reg, Reason: "aml", MarketId: 1, OrderId: 2, Account: acct},
		"atomic batch duplicate cid":  &types.MsgBatch{Owner: owner, Places: []types.OrderSpec{place("q1"), place("q2"), place("q1")}},
	}
	for name, m := range bad {
		require.Error(t, m.ValidateBasic(), name)
	}
	good := []sdk.HasValidateBasic{
		&types.MsgForceCancel{Authority: reg, Reason: "aml", Account: acct},
		&types.MsgForceCancel{Authority: reg, Reason: "aml", EntityId: 3},
		&types.MsgForceCancel{Authority: reg, Reason: "aml", MarketId: 1, OrderId: 2},
		&types.MsgBatch{Owner: owner, BestEffort: true, Places: []types.OrderSpec{place("q1"), place("q1")}},
		&types.MsgBatch{Owner: owner, Cancels: []types.CancelSpec{{MarketId: 1, ClientOrderId: "q1"}}, Places: []types.OrderSpec{place("q1"), place(""), place("")}},
	}
	for _, m := range good {
		require.NoError(t, m.ValidateBasic(), "%v", m)
	}
}
