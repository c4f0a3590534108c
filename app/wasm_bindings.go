package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"math"
	"strconv"

	errorsmod "cosmossdk.io/errors"
	sdkmath "cosmossdk.io/math"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	wasmkeeper "github.com/CosmWasm/wasmd/x/wasm/keeper"
	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	assetstypes "github.com/clearchain/clearchain/x/assets/types"
	exchangekeeper "github.com/clearchain/clearchain/x/exchange/keeper"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// The custom messages and queries contracts send to ClearChain's native
// modules: the Go side of contracts-wasm/packages/clearchain-bindings. The
// JSON types below mirror the Rust enums field by field; golden files in
// contracts-wasm/packages/clearchain-bindings/testdata/golden, written by
// the Rust crate, are decoded and re-encoded by TestBindingsGolden* so both
// sides agree byte for byte.
//
// A custom message is turned into the module's own sdk.Msg with the
// contract as signer and dispatched like every other contract message:
// through the allow list and the router's compliance check (wasm.go,
// router.go), then the keeper, which decides again where the state changes
// (x/assets requires a valid ISSUER licence of the contract for every issuer
// action, x/exchange checks the trader). Nothing here grants a contract more
// than an account with the same licence has.

// MaxContractBindingBytes bounds the JSON of one custom message or query.
const MaxContractBindingBytes = 16 * 1024

// ContractMsg is clearchain_bindings::ClearChainMsg: exactly one field set.
type ContractMsg struct {
	CreateAsset *ContractCreateAsset `json:"create_asset,omitempty"`
	Mint        *ContractMint        `json:"mint,omitempty"`
	Burn        *ContractBurn        `json:"burn,omitempty"`
	PlaceOrder  *ContractPlaceOrder  `json:"place_order,omitempty"`
	CancelOrder *ContractCancelOrder `json:"cancel_order,omitempty"`
	Deposit     *ContractFunds       `json:"deposit,omitempty"`
	Withdraw    *ContractFunds       `json:"withdraw,omitempty"`
	AckMoves    *ContractAckMoves    `json:"ack_moves,omitempty"`
	AckOrder    *ContractAckOrder    `json:"ack_order,omitempty"`
}

// ContractCreateAsset is ClearChainMsg::CreateAsset.
type ContractCreateAsset struct {
	Symbol     string `json:"symbol"`
	Name       string `json:"name"`
	Decimals   uint32 `json:"decimals"`
	URI        string `json:"uri"`
	URIHash    string `json:"uri_hash"`
	Class      string `json:"class"`
	Restricted bool   `json:"restricted"`
	SupplyCap  string `json:"supply_cap"`
}

// ContractMint is ClearChainMsg::Mint.
type ContractMint struct {
	Denom     string `json:"denom"`
	Amount    string `json:"amount"`
	Recipient string `json:"recipient"`
}

// ContractBurn is ClearChainMsg::Burn.
type ContractBurn struct {
	Denom  string `json:"denom"`
	Amount string `json:"amount"`
}

// ContractPlaceOrder is ClearChainMsg::PlaceOrder (a limit order).
type ContractPlaceOrder struct {
	MarketID      uint64 `json:"market_id"`
	Side          string `json:"side"`
	Price         string `json:"price"`
	Quantity      string `json:"quantity"`
	TimeInForce   string `json:"time_in_force"`
	ClientOrderID string `json:"client_order_id"`
	PostOnly      bool   `json:"post_only"`
	// Track asks x/exchange to keep the order's settlement record until the
	// contract acknowledges it (ack_order); see wasm_bindings_orders.go.
	Track bool `json:"track"`
}

// ContractCancelOrder is ClearChainMsg::CancelOrder: by order id, or by
// client order id when the order id is 0.
type ContractCancelOrder struct {
	MarketID      uint64 `json:"market_id"`
	OrderID       uint64 `json:"order_id"`
	ClientOrderID string `json:"client_order_id"`
}

// ContractFunds is ClearChainMsg::Deposit and ::Withdraw.
type ContractFunds struct {
	Denom  string `json:"denom"`
	Amount string `json:"amount"`
}

// ContractAckMoves is ClearChainMsg::AckMoves. It becomes no sdk.Msg: the
// messenger of wasm.go hands it to x/assets directly, for the calling
// contract's own queue.
type ContractAckMoves struct {
	UpTo uint64 `json:"up_to"`
}

// ContractQuery is clearchain_bindings::ClearChainQuery: exactly one field set.
type ContractQuery struct {
	Eligibility  *ContractEligibilityQuery  `json:"eligibility,omitempty"`
	OraclePrice  *ContractOraclePriceQuery  `json:"oracle_price,omitempty"`
	MarketInfo   *ContractMarketQuery       `json:"market_info,omitempty"`
	BookTop      *ContractMarketQuery       `json:"book_top,omitempty"`
	PendingMoves *ContractPendingMovesQuery `json:"pending_moves,omitempty"`
	OrderStatus  *ContractOrderStatusQuery  `json:"order_status,omitempty"`
}

// ContractOrderStatusQuery is ClearChainQuery::OrderStatus.
type ContractOrderStatusQuery struct {
	Owner         string `json:"owner"`
	ClientOrderID string `json:"client_order_id"`
}

// ContractOrderStatusResponse is clearchain_bindings::OrderStatusResponse.
type ContractOrderStatusResponse struct {
	Found          bool   `json:"found"`
	OrderID        uint64 `json:"order_id"`
	MarketID       uint64 `json:"market_id"`
	State          string `json:"state"`
	Price          string `json:"price"`
	Quantity       string `json:"quantity"`
	FilledQuantity string `json:"filled_quantity"`
	// Tracked: the answer comes from x/exchange's settlement record of a
	// tracked order (kept until acknowledged), with the amounts below;
	// otherwise they are "0".
	Tracked bool `json:"tracked"`
	// QuoteFilled is the sum of the fills' notionals, FeesPaid the fees the
	// order paid (negative: a rebate), in quote units, exactly as settled.
	QuoteFilled string `json:"quote_filled"`
	FeesPaid    string `json:"fees_paid"`
}

// contractOrderStates names x/exchange's order states as the bindings do.
var contractOrderStates = map[exchangetypes.OrderState]string{
	exchangetypes.OrderState_ORDER_STATE_OPEN:      "open",
	exchangetypes.OrderState_ORDER_STATE_FILLED:    "filled",
	exchangetypes.OrderState_ORDER_STATE_CANCELLED: "cancelled",
	exchangetypes.OrderState_ORDER_STATE_EXPIRED:   "expired",
	exchangetypes.OrderState_ORDER_STATE_REJECTED:  "rejected",
}

// orderStatusQuerier is what the order_status binding needs of x/exchange:
// its own query method (keeper.Querier), so the binding answers exactly
// what the gRPC query answers.
type orderStatusQuerier interface {
	OrderStatusByClientID(context.Context, *exchangetypes.QueryOrderStatusByClientIDRequest) (*exchangetypes.QueryOrderStatusResponse, error)
}

// ContractPendingMovesQuery is ClearChainQuery::PendingMoves.
type ContractPendingMovesQuery struct {
	Admin      string `json:"admin"`
	StartAfter uint64 `json:"start_after"`
	Limit      uint32 `json:"limit"`
}

// ContractShareMove is clearchain_bindings::ShareMove.
type ContractShareMove struct {
	Seq    uint64 `json:"seq"`
	Denom  string `json:"denom"`
	From   string `json:"from"`
	To     string `json:"to"`
	Amount string `json:"amount"`
	Height uint64 `json:"height"`
}

// ContractPendingMovesResponse is clearchain_bindings::PendingMovesResponse.
type ContractPendingMovesResponse struct {
	Moves   []ContractShareMove `json:"moves"`
	More    bool                `json:"more"`
	LastSeq uint64              `json:"last_seq"`
}

// ContractEligibilityQuery is ClearChainQuery::Eligibility.
type ContractEligibilityQuery struct {
	Address string `json:"address"`
	Action  string `json:"action"`
	Subject string `json:"subject"`
}

// ContractOraclePriceQuery is ClearChainQuery::OraclePrice.
type ContractOraclePriceQuery struct {
	FeedID string `json:"feed_id"`
}

// ContractMarketQuery is ClearChainQuery::MarketInfo and ::BookTop.
type ContractMarketQuery struct {
	MarketID uint64 `json:"market_id"`
}

// ContractEligibilityResponse is clearchain_bindings::EligibilityResponse.
type ContractEligibilityResponse struct {
	Eligible bool   `json:"eligible"`
	Reason   string `json:"reason"`
}

// ContractOraclePriceResponse is clearchain_bindings::OraclePriceResponse.
type ContractOraclePriceResponse struct {
	Ok       bool   `json:"ok"`
	Price    string `json:"price"`
	Decimals uint32 `json:"decimals"`
}

// ContractMarketInfoResponse is clearchain_bindings::MarketInfoResponse.
type ContractMarketInfoResponse struct {
	MarketID    uint64 `json:"market_id"`
	BaseDenom   string `json:"base_denom"`
	QuoteDenom  string `json:"quote_denom"`
	TickSize    string `json:"tick_size"`
	LotSize     string `json:"lot_size"`
	Status      string `json:"status"`
	MakerFeeBps int32  `json:"maker_fee_bps"`
}

// ContractPriceLevel is clearchain_bindings::PriceLevel.
type ContractPriceLevel struct {
	Price    string `json:"price"`
	Quantity string `json:"quantity"`
}

// ContractBookTopResponse is clearchain_bindings::BookTopResponse.
type ContractBookTopResponse struct {
	MarketID uint64              `json:"market_id"`
	BestBid  *ContractPriceLevel `json:"best_bid"`
	BestAsk  *ContractPriceLevel `json:"best_ask"`
}

var contractAssetClasses = map[string]assetstypes.AssetClass{
	"data_asset":   assetstypes.ClassDataAsset,
	"green_credit": assetstypes.ClassGreenCredit,
	"cash":         assetstypes.ClassCash,
	"other":        assetstypes.ClassOther,
}

var contractSides = map[string]exchangetypes.Side{
	"buy":  exchangetypes.Side_SIDE_BUY,
	"sell": exchangetypes.Side_SIDE_SELL,
}

var contractTIFs = map[string]exchangetypes.TimeInForce{
	"gtc": exchangetypes.TimeInForce_TIME_IN_FORCE_GTC,
	"ioc": exchangetypes.TimeInForce_TIME_IN_FORCE_IOC,
	"fok": exchangetypes.TimeInForce_TIME_IN_FORCE_FOK,
}

// decodeStrict decodes one JSON value of at most MaxContractBindingBytes
// into v, refusing unknown fields and trailing data.
func decodeStrict(raw []byte, v any, what string) error {
	if len(raw) > MaxContractBindingBytes {
		return errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain %s: %d bytes, at most %d", what, len(raw), MaxContractBindingBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain %s: %v", what, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain %s: trailing data", what)
	}
	return nil
}

// countSet counts the non-nil pointers among vs.
func countSet(vs ...bool) int {
	n := 0
	for _, v := range vs {
		if v {
			n++
		}
	}
	return n
}

// parseUint128 parses a cosmwasm Uint128 (decimal string), refusing zero
// when positive is set.
func parseUint128(s, field string, positive bool) (sdkmath.Int, error) {
	n, ok := sdkmath.NewIntFromString(s)
	if !ok || n.IsNegative() || n.BigInt().BitLen() > 128 || strconv.Quote(s) != `"`+n.String()+`"` {
		return sdkmath.Int{}, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain %s %q is not a Uint128", field, s)
	}
	if positive && n.IsZero() {
		return sdkmath.Int{}, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain %s must be positive", field)
	}
	return n, nil
}

// parseUint64 parses a cosmwasm Uint64 (decimal string) no larger than max.
func parseUint64(s, field string, max uint64) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > max || strconv.FormatUint(n, 10) != s {
		return 0, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain %s %q is not a Uint64 up to %d", field, s, max)
	}
	return n, nil
}

// EncodeContractMsg turns a contract's custom message into the native
// module's message, signed by the contract. It is the wasm keeper's custom
// message encoder.
func EncodeContractMsg(contract sdk.AccAddress, raw json.RawMessage) ([]sdk.Msg, error) {
	var m ContractMsg
	if err := decodeStrict(raw, &m, "message"); err != nil {
		return nil, err
	}
	if countSet(m.CreateAsset != nil, m.Mint != nil, m.Burn != nil, m.PlaceOrder != nil, m.CancelOrder != nil,
		m.Deposit != nil, m.Withdraw != nil, m.AckMoves != nil, m.AckOrder != nil) != 1 {
		return nil, errorsmod.Wrap(wasmtypes.ErrInvalidMsg, "clearchain message: exactly one variant expected")
	}
	signer := contract.String()
	switch {
	case m.CreateAsset != nil:
		c := m.CreateAsset
		class, ok := contractAssetClasses[c.Class]
		if !ok {
			return nil, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain create_asset: unknown class %q", c.Class)
		}
		cap, err := parseUint128(c.SupplyCap, "supply_cap", false)
		if err != nil {
			return nil, err
		}
		return []sdk.Msg{&assetstypes.MsgCreateAsset{
			Issuer: signer, Symbol: c.Symbol, Name: c.Name, Decimals: c.Decimals, Uri: c.URI, UriHash: c.URIHash,
			Class: class, Restricted: c.Restricted, SupplyCap: cap,
		}}, nil
	case m.Mint != nil:
		amt, err := parseUint128(m.Mint.Amount, "amount", true)
		if err != nil {
			return nil, err
		}
		if _, err := sdk.AccAddressFromBech32(m.Mint.Recipient); err != nil {
			return nil, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain mint: recipient: %v", err)
		}
		return []sdk.Msg{&assetstypes.MsgMint{Admin: signer, Denom: m.Mint.Denom, Amount: amt, Recipient: m.Mint.Recipient}}, nil
	case m.Burn != nil:
		amt, err := parseUint128(m.Burn.Amount, "amount", true)
		if err != nil {
			return nil, err
		}
		return []sdk.Msg{&assetstypes.MsgBurn{Admin: signer, Denom: m.Burn.Denom, Amount: amt}}, nil
	case m.PlaceOrder != nil:
		o := m.PlaceOrder
		side, ok := contractSides[o.Side]
		if !ok {
			return nil, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain place_order: unknown side %q", o.Side)
		}
		tif, ok := contractTIFs[o.TimeInForce]
		if !ok {
			return nil, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain place_order: unknown time_in_force %q", o.TimeInForce)
		}
		price, err := parseUint64(o.Price, "price", math.MaxInt64)
		if err != nil {
			return nil, err
		}
		qty, err := parseUint64(o.Quantity, "quantity", math.MaxUint64)
		if err != nil {
			return nil, err
		}
		return []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: signer, Order: exchangetypes.OrderSpec{
			MarketId: o.MarketID, Side: side, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT, TimeInForce: tif,
			Price: int64(price), Quantity: qty, ClientOrderId: o.ClientOrderID, PostOnly: o.PostOnly,
		}}}, nil
	case m.CancelOrder != nil:
		c := m.CancelOrder
		return []sdk.Msg{&exchangetypes.MsgCancelOrder{Owner: signer, MarketId: c.MarketID, OrderId: c.OrderID, ClientOrderId: c.ClientOrderID}}, nil
	case m.Deposit != nil, m.Withdraw != nil:
		f, what := m.Deposit, "deposit"
		if f == nil {
			f, what = m.Withdraw, "withdraw"
		}
		amt, err := parseUint128(f.Amount, what+" amount", true)
		if err != nil {
			return nil, err
		}
		if err := sdk.ValidateDenom(f.Denom); err != nil {
			return nil, errorsmod.Wrapf(wasmtypes.ErrInvalidMsg, "clearchain %s: denom: %v", what, err)
		}
		coin := sdk.NewCoin(f.Denom, amt)
		if what == "deposit" {
			return []sdk.Msg{&exchangetypes.MsgDeposit{Owner: signer, Amount: coin}}, nil
		}
		return []sdk.Msg{&exchangetypes.MsgWithdraw{Owner: signer, Amount: coin}}, nil
	default:
		// The messenger (wasm.go) handles ack_moves and ack_order before
		// the encoder.
		return nil, errorsmod.Wrap(wasmtypes.ErrInvalidMsg, "clearchain ack_moves/ack_order: not a module message")
	}
}

// contractQuerier answers contracts' custom queries from the keepers.
type contractQuerier struct{ k *Keepers }

// Query is the wasm keeper's custom querier.
func (q contractQuerier) Query(ctx sdk.Context, raw json.RawMessage) ([]byte, error) {
	var r ContractQuery
	if err := decodeStrict(raw, &r, "query"); err != nil {
		return nil, errorsmod.Wrap(wasmtypes.ErrQueryFailed, err.Error())
	}
	if countSet(r.Eligibility != nil, r.OraclePrice != nil, r.MarketInfo != nil, r.BookTop != nil, r.PendingMoves != nil,
		r.OrderStatus != nil) != 1 {
		return nil, errorsmod.Wrap(wasmtypes.ErrQueryFailed, "clearchain query: exactly one variant expected")
	}
	switch {
	case r.Eligibility != nil:
		addr, err := sdk.AccAddressFromBech32(r.Eligibility.Address)
		if err != nil {
			return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain eligibility: address: %v", err)
		}
		ok, reason := q.k.ComplianceKeeper.CheckEligibility(ctx, addr, r.Eligibility.Action, r.Eligibility.Subject)
		return json.Marshal(ContractEligibilityResponse{Eligible: ok, Reason: reason})
	case r.OraclePrice != nil:
		price, dec, ok := q.k.OracleKeeper.PriceOf(ctx, r.OraclePrice.FeedID)
		if !ok || price < 0 {
			price, dec, ok = 0, 0, false
		}
		return json.Marshal(ContractOraclePriceResponse{Ok: ok, Price: strconv.FormatInt(price, 10), Decimals: dec})
	case r.MarketInfo != nil:
		m, err := q.k.ExchangeKeeper.Markets.Get(ctx, r.MarketInfo.MarketID)
		if err != nil {
			return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain market_info: market %d not found", r.MarketInfo.MarketID)
		}
		return json.Marshal(ContractMarketInfoResponse{
			MarketID: m.Id, BaseDenom: m.BaseDenom, QuoteDenom: m.QuoteDenom,
			TickSize: m.TickSize.String(), LotSize: m.LotSize.String(), Status: m.Status.String(), MakerFeeBps: m.MakerFeeBps,
		})
	case r.PendingMoves != nil:
		p := r.PendingMoves
		if _, err := sdk.AccAddressFromBech32(p.Admin); err != nil {
			return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain pending_moves: admin: %v", err)
		}
		moves, more, err := q.k.AssetsKeeper.PendingMoves(ctx, p.Admin, p.StartAfter, p.Limit)
		if err != nil {
			return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain pending_moves: %v", err)
		}
		last, err := q.k.AssetsKeeper.LastMoveSeq(ctx, p.Admin)
		if err != nil {
			return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain pending_moves: %v", err)
		}
		resp := ContractPendingMovesResponse{Moves: make([]ContractShareMove, len(moves)), More: more, LastSeq: last}
		for i, m := range moves {
			resp.Moves[i] = ContractShareMove{Seq: m.Seq, Denom: m.Denom, From: m.From, To: m.To, Amount: m.Amount.String(), Height: m.Height}
		}
		return json.Marshal(resp)
	case r.OrderStatus != nil:
		return q.orderStatus(ctx, r.OrderStatus)
	default:
		d, err := exchangekeeper.NewQuerier(q.k.ExchangeKeeper).Depth(ctx, &exchangetypes.QueryDepthRequest{MarketId: r.BookTop.MarketID, Levels: 1})
		if err != nil {
			return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain book_top: %v", err)
		}
		resp := ContractBookTopResponse{MarketID: r.BookTop.MarketID}
		level := func(ls []exchangetypes.DepthLevel) *ContractPriceLevel {
			if len(ls) == 0 {
				return nil
			}
			return &ContractPriceLevel{Price: strconv.FormatInt(ls[0].Price, 10), Quantity: strconv.FormatUint(ls[0].Quantity, 10)}
		}
		resp.BestBid, resp.BestAsk = level(d.Bids), level(d.Asks)
		return json.Marshal(resp)
	}
}

// orderStatus answers order_status from x/exchange's own query: found is
// false (and the rest zero) when the exchange has no open order and no kept
// status under that client order id, so the contract decides what that
// means; a malformed owner or client order id is a query error.
func (q contractQuerier) orderStatus(ctx sdk.Context, r *ContractOrderStatusQuery) ([]byte, error) {
	if _, err := sdk.AccAddressFromBech32(r.Owner); err != nil {
		return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain order_status: owner: %v", err)
	}
	if r.ClientOrderID == "" || !exchangetypes.ValidClientOrderID(r.ClientOrderID) {
		return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain order_status: client order id %q is malformed", r.ClientOrderID)
	}
	owner := sdk.MustAccAddressFromBech32(r.Owner)
	if rec, found, err := q.k.ExchangeKeeper.ContractOrder(ctx, owner, r.ClientOrderID); err != nil {
		return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain order_status: %v", err)
	} else if found {
		return contractOrderRecordJSON(&rec)
	}
	var src orderStatusQuerier = exchangekeeper.NewQuerier(q.k.ExchangeKeeper)
	resp, err := src.OrderStatusByClientID(ctx, &exchangetypes.QueryOrderStatusByClientIDRequest{Owner: r.Owner, ClientOrderId: r.ClientOrderID})
	if status.Code(err) == codes.NotFound {
		return json.Marshal(ContractOrderStatusResponse{Price: "0", Quantity: "0", FilledQuantity: "0", QuoteFilled: "0", FeesPaid: "0"})
	}
	if err != nil {
		return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain order_status: %v", err)
	}
	st := resp.Status
	state, ok := contractOrderStates[st.State]
	if !ok || st.Price < 0 {
		return nil, errorsmod.Wrapf(wasmtypes.ErrQueryFailed, "clearchain order_status: order %d has state %s, price %d", st.OrderId, st.State, st.Price)
	}
	return json.Marshal(ContractOrderStatusResponse{
		Found: true, OrderID: st.OrderId, MarketID: st.MarketId, State: state,
		Price: strconv.FormatInt(st.Price, 10), Quantity: strconv.FormatUint(st.Quantity, 10),
		FilledQuantity: strconv.FormatUint(st.FilledQuantity, 10), QuoteFilled: "0", FeesPaid: "0",
	})
}

// contractBindingOptions wires the custom encoder and querier into the wasm
// keeper. k is read when a contract calls, after newKeepers has built every
// keeper.
func contractBindingOptions(k *Keepers) []wasmkeeper.Option {
	return []wasmkeeper.Option{
		wasmkeeper.WithMessageEncoders(&wasmkeeper.MessageEncoders{Custom: EncodeContractMsg}),
		wasmkeeper.WithQueryPlugins(&wasmkeeper.QueryPlugins{Custom: contractQuerier{k: k}.Query}),
	}
}
