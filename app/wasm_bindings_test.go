package app

// The Go mirror of clearchain-bindings agrees with the Rust crate: every
// golden file the Rust tests write (cosmwasm-std's own serialization) is
// decoded strictly into the Go type and re-encoded to the same bytes, and
// the encoder turns each message into the native message it stands for.
// Malformed, oversized and overflowing input is refused with
// wasmtypes.ErrInvalidMsg.

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sdkmath "cosmossdk.io/math"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

const goldenDir = "../contracts-wasm/packages/clearchain-bindings/testdata/golden"

func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, name+".json"))
	require.NoError(t, err)
	return b
}

// roundTrip decodes the golden file strictly into v and requires the same
// bytes back.
func roundTrip(t *testing.T, name string, v any) {
	t.Helper()
	raw := golden(t, name)
	require.NoError(t, decodeStrict(raw, v, name), name)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	require.Equal(t, string(raw), string(out), name)
}

func TestBindingsGolden_EveryFileIsChecked(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	require.NoError(t, err)
	checked := map[string]bool{}
	for _, n := range goldenMessages {
		checked[n] = true
	}
	for _, n := range goldenQueries {
		checked[n] = true
	}
	for n := range goldenResponses {
		checked[n] = true
	}
	for n := range goldenEnums {
		checked[n] = true
	}
	require.NotEmpty(t, files)
	for _, f := range files {
		n := strings.TrimSuffix(filepath.Base(f), ".json")
		require.True(t, checked[n], "golden file %s has no Go check", n)
	}
}

var goldenMessages = []string{"msg_create_asset", "msg_mint", "msg_burn", "msg_place_order", "msg_cancel_order",
	"msg_cancel_order_by_client_id", "msg_deposit", "msg_withdraw", "msg_ack_moves", "msg_ack_order"}
var goldenQueries = []string{"query_eligibility", "query_oracle_price", "query_market_info", "query_book_top", "query_pending_moves",
	"query_order_status"}
var goldenResponses = map[string]func() any{
	"resp_eligibility":            func() any { return &ContractEligibilityResponse{} },
	"resp_oracle_price":           func() any { return &ContractOraclePriceResponse{} },
	"resp_market_info":            func() any { return &ContractMarketInfoResponse{} },
	"resp_book_top":               func() any { return &ContractBookTopResponse{} },
	"resp_pending_moves":          func() any { return &ContractPendingMovesResponse{} },
	"resp_order_status":           func() any { return &ContractOrderStatusResponse{} },
	"resp_order_status_not_found": func() any { return &ContractOrderStatusResponse{} },
	"resp_order_status_tracked":   func() any { return &ContractOrderStatusResponse{} },
}
var goldenEnums = map[string]func(string) bool{
	"class_data_asset": func(s string) bool { _, ok := contractAssetClasses[s]; return ok },
	"class_cash":       func(s string) bool { _, ok := contractAssetClasses[s]; return ok },
	"class_other":      func(s string) bool { _, ok := contractAssetClasses[s]; return ok },
	"side_buy":         func(s string) bool { _, ok := contractSides[s]; return ok },
	"side_sell":        func(s string) bool { _, ok := contractSides[s]; return ok },
	"tif_gtc":          func(s string) bool { _, ok := contractTIFs[s]; return ok },
	"tif_fok":          func(s string) bool { _, ok := contractTIFs[s]; return ok },
}

func TestBindingsGolden_MessagesQueriesResponsesRoundTrip(t *testing.T) {
	for _, n := range goldenMessages {
		roundTrip(t, n, &ContractMsg{})
	}
	for _, n := range goldenQueries {
		roundTrip(t, n, &ContractQuery{})
	}
	for n, mk := range goldenResponses {
		roundTrip(t, n, mk())
	}
	for n, known := range goldenEnums {
		var s string
		require.NoError(t, json.Unmarshal(golden(t, n), &s), n)
		require.True(t, known(s), "%s: Go does not know %q", n, s)
	}
}

func TestBindingsGolden_EncoderBuildsTheNativeMessages(t *testing.T) {
	contract := sdk.AccAddress(bytes.Repeat([]byte{7}, 32))
	c := contract.String()
	enc := func(name string) sdk.Msg {
		msgs, err := EncodeContractMsg(contract, golden(t, name))
		require.NoError(t, err, name)
		require.Len(t, msgs, 1)
		return msgs[0]
	}
	ca := enc("msg_create_asset").(*assetstypes.MsgCreateAsset)
	require.Equal(t, c, ca.Issuer)
	require.Equal(t, assetstypes.ClassGreenCredit, ca.Class)
	require.Equal(t, "340282366920938463463374607431768211455", ca.SupplyCap.String())
	require.Equal(t, "gc1", ca.Symbol)

	// The golden mint names a placeholder recipient: a real address passes.
	mint := `{"mint":{"denom":"asset/x/gc1","amount":"250","recipient":"` + c + `"}}`
	msgs, err := EncodeContractMsg(contract, []byte(mint))
	require.NoError(t, err)
	m := msgs[0].(*assetstypes.MsgMint)
	require.Equal(t, c, m.Admin)
	require.Equal(t, "250", m.Amount.String())

	b := enc("msg_burn").(*assetstypes.MsgBurn)
	require.Equal(t, c, b.Admin)
	require.Equal(t, "30", b.Amount.String())

	po := enc("msg_place_order").(*exchangetypes.MsgPlaceOrder)
	require.Equal(t, c, po.Owner)
	require.Equal(t, exchangetypes.Side_SIDE_SELL, po.Order.Side)
	require.Equal(t, exchangetypes.TimeInForce_TIME_IN_FORCE_IOC, po.Order.TimeInForce)
	require.Equal(t, exchangetypes.OrderType_ORDER_TYPE_LIMIT, po.Order.Type)
	require.Equal(t, int64(9223372036854775807), po.Order.Price)
	require.Equal(t, uint64(18446744073709551615), po.Order.Quantity)
	require.True(t, po.Order.PostOnly)

	co := enc("msg_cancel_order").(*exchangetypes.MsgCancelOrder)
	require.Equal(t, c, co.Owner)
	require.Equal(t, uint64(42), co.OrderId)
	co = enc("msg_cancel_order_by_client_id").(*exchangetypes.MsgCancelOrder)
	require.Equal(t, uint64(0), co.OrderId)
	require.Equal(t, "offer-1", co.ClientOrderId)

	d := enc("msg_deposit").(*exchangetypes.MsgDeposit)
	require.Equal(t, c, d.Owner)
	require.Equal(t, "40asset/clear1contract/ds1", d.Amount.String())
	w := enc("msg_withdraw").(*exchangetypes.MsgWithdraw)
	require.Equal(t, c, w.Owner)
	require.Equal(t, "340282366920938463463374607431768211455ucusd", w.Amount.String())

	// ack_moves is no module message: the messenger (wasm.go) handles it.
	_, err = EncodeContractMsg(contract, golden(t, "msg_ack_moves"))
	require.ErrorIs(t, err, wasmtypes.ErrInvalidMsg)
	// Nor is ack_order (wasm_bindings_orders.go).
	_, err = EncodeContractMsg(contract, golden(t, "msg_ack_order"))
	require.ErrorIs(t, err, wasmtypes.ErrInvalidMsg)
}

func TestBindings_MalformedOversizedOverflowingRefused(t *testing.T) {
	contract := sdk.AccAddress(bytes.Repeat([]byte{7}, 32))
	r := contract.String()
	for name, raw := range map[string]string{
		"not json":            `{"mint":`,
		"unknown variant":     `{"steal":{}}`,
		"unknown field":       `{"burn":{"denom":"d","amount":"1","extra":1}}`,
		"two variants":        `{"burn":{"denom":"d","amount":"1"},"cancel_order":{"market_id":1,"order_id":1}}`,
		"no variant":          `{}`,
		"trailing data":       `{"burn":{"denom":"d","amount":"1"}} {}`,
		"amount above u128":   `{"burn":{"denom":"d","amount":"340282366920938463463374607431768211456"}}`,
		"amount zero":         `{"mint":{"denom":"d","amount":"0","recipient":"` + r + `"}}`,
		"amount negative":     `{"burn":{"denom":"d","amount":"-5"}}`,
		"amount leading zero": `{"burn":{"denom":"d","amount":"05"}}`,
		"amount as number":    `{"burn":{"denom":"d","amount":5}}`,
		"cap above u128":      `{"create_asset":{"symbol":"abc","name":"n","decimals":0,"uri":"","uri_hash":"","class":"other","restricted":false,"supply_cap":"999999999999999999999999999999999999999999"}}`,
		"unknown class":       `{"create_asset":{"symbol":"abc","name":"n","decimals":0,"uri":"","uri_hash":"","class":"gold","restricted":false,"supply_cap":"0"}}`,
		"price above i64":     `{"place_order":{"market_id":1,"side":"buy","price":"9223372036854775808","quantity":"1","time_in_force":"gtc","client_order_id":""}}`,
		"quantity above u64":  `{"place_order":{"market_id":1,"side":"buy","price":"1","quantity":"18446744073709551616","time_in_force":"gtc","client_order_id":""}}`,
		"unknown side":        `{"place_order":{"market_id":1,"side":"short","price":"1","quantity":"1","time_in_force":"gtc","client_order_id":""}}`,
		"bad recipient":       `{"mint":{"denom":"d","amount":"1","recipient":"cosmos1notours"}}`,
		"market id overflow":  `{"cancel_order":{"market_id":18446744073709551616,"order_id":1,"client_order_id":""}}`,
		"deposit zero":        `{"deposit":{"denom":"ucusd","amount":"0"}}`,
		"deposit above u128":  `{"deposit":{"denom":"ucusd","amount":"340282366920938463463374607431768211456"}}`,
		"withdraw bad denom":  `{"withdraw":{"denom":"1!","amount":"5"}}`,
		"ack above u64":       `{"ack_moves":{"up_to":18446744073709551616}}`,
		"oversized":           `{"burn":{"denom":"` + strings.Repeat("a", MaxContractBindingBytes) + `","amount":"1"}}`,
	} {
		_, err := EncodeContractMsg(contract, []byte(raw))
		require.ErrorIs(t, err, wasmtypes.ErrInvalidMsg, name)
	}
}

// The custom querier answers from the real keepers: a market and its book
// top after a block's matching, eligibility of a licensed and a frozen
// account, a missing oracle price.
func TestBindingsQuerier_AnswersFromTheKeepers(t *testing.T) {
	e := newGateEnv(t)
	e.regulatorListsMarkets()
	q := contractQuerier{k: &e.app.Keepers}
	ask := func(raw string, out any) {
		t.Helper()
		bz, err := q.Query(e.ctx(), json.RawMessage(raw))
		require.NoError(t, err, raw)
		require.NoError(t, decodeStrict(bz, out, "response"), string(bz))
	}
	reg, one := e.regulator.addr.String(), sdkmath.NewInt(1)
	e.mustDeliver(e.issuer, &assetstypes.MsgCreateAsset{Issuer: e.issuer.addr.String(), Symbol: "tok", Name: "Token", Class: assetstypes.ClassOther, SupplyCap: sdkmath.ZeroInt()})
	denom := "asset/" + e.issuer.addr.String() + "/tok"
	e.mustDeliver(e.issuer, &assetstypes.MsgMint{Admin: e.issuer.addr.String(), Denom: denom, Amount: sdkmath.NewInt(100), Recipient: e.inst.addr.String()})
	e.mustDeliver(e.regulator, &exchangetypes.MsgCreateMarket{Authority: reg, Market: exchangetypes.Market{
		BaseDenom: denom, QuoteDenom: BondDenom, TickSize: one, LotSize: one, MinNotional: one,
		Mode: exchangetypes.MarketMode_MARKET_MODE_CONTINUOUS,
	}})
	var mi ContractMarketInfoResponse
	ask(`{"market_info":{"market_id":1}}`, &mi)
	require.Equal(t, denom, mi.BaseDenom)
	require.Equal(t, BondDenom, mi.QuoteDenom)
	require.Equal(t, "1", mi.LotSize)

	e.mustDeliver(e.inst, &exchangetypes.MsgDeposit{Owner: e.inst.addr.String(), Amount: sdk.NewInt64Coin(denom, 10)},
		&exchangetypes.MsgPlaceOrder{Owner: e.inst.addr.String(), Order: exchangetypes.OrderSpec{MarketId: 1, Side: exchangetypes.Side_SIDE_SELL, Price: 120, Quantity: 7, ClientOrderId: "ask-1"}},
		&exchangetypes.MsgDeposit{Owner: e.inst.addr.String(), Amount: sdk.NewInt64Coin(BondDenom, 10_000)},
		&exchangetypes.MsgPlaceOrder{Owner: e.inst.addr.String(), Order: exchangetypes.OrderSpec{MarketId: 1, Side: exchangetypes.Side_SIDE_BUY, Price: 100, Quantity: 3}})
	var top ContractBookTopResponse
	ask(`{"book_top":{"market_id":1}}`, &top)
	require.Equal(t, &ContractPriceLevel{Price: "100", Quantity: "3"}, top.BestBid)
	require.Equal(t, &ContractPriceLevel{Price: "120", Quantity: "7"}, top.BestAsk)

	var os ContractOrderStatusResponse
	ask(`{"order_status":{"owner":"`+e.inst.addr.String()+`","client_order_id":"ask-1"}}`, &os)
	require.True(t, os.Found)
	require.Equal(t, ContractOrderStatusResponse{Found: true, OrderID: os.OrderID, MarketID: 1, State: "open", Price: "120", Quantity: "7", FilledQuantity: "0",
		QuoteFilled: "0", FeesPaid: "0"}, os)
	ask(`{"order_status":{"owner":"`+e.inst.addr.String()+`","client_order_id":"nope"}}`, &os)
	require.Equal(t, ContractOrderStatusResponse{Price: "0", Quantity: "0", FilledQuantity: "0", QuoteFilled: "0", FeesPaid: "0"}, os)
	require.Equal(t, int32(0), mi.MakerFeeBps)

	var el ContractEligibilityResponse
	ask(`{"eligibility":{"address":"`+e.issuer.addr.String()+`","action":"ISSUER","subject":""}}`, &el)
	require.True(t, el.Eligible)
	ask(`{"eligibility":{"address":"`+e.plain.addr.String()+`","action":"ISSUER","subject":""}}`, &el)
	require.False(t, el.Eligible)
	e.mustDeliver(e.regulator, &compliancetypes.MsgFreezeAccount{Authority: reg, Address: e.issuer.addr.String(), Reason: "test"})
	ask(`{"eligibility":{"address":"`+e.issuer.addr.String()+`","action":"ISSUER","subject":""}}`, &el)
	require.False(t, el.Eligible)
	require.Contains(t, el.Reason, "frozen")

	var op ContractOraclePriceResponse
	ask(`{"oracle_price":{"feed_id":"NOPE/NONE"}}`, &op)
	require.Equal(t, ContractOraclePriceResponse{Ok: false, Price: "0"}, op)

	for _, bad := range []string{`{"market_info":{"market_id":99}}`, `{"nope":{}}`, `{"book_top":{"market_id":1},"market_info":{"market_id":1}}`, `{"eligibility":{"address":"x","action":"trade","subject":""}}`,
		`{"order_status":{"owner":"x","client_order_id":"a"}}`, `{"order_status":{"owner":"` + reg + `","client_order_id":""}}`,
		`{"order_status":{"owner":"` + reg + `","client_order_id":"has space"}}`} {
		_, err := q.Query(e.ctx(), json.RawMessage(bad))
		require.ErrorIs(t, err, wasmtypes.ErrQueryFailed, bad)
	}
}
