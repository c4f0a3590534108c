package keeper

import (
	"math/big"
	"strconv"
	"unsafe"

	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

// Typed events on the hot paths are built by hand in exactly the form
// sdk.TypedEventToEvent gives (type = proto message name, one attribute per
// field in key order, each the field's proto-JSON value), so clients decode
// them with sdk.ParseTypedEvent; this skips EmitTypedEvent's reflection
// (~9 µs and ~100 allocations an event).
const (
	evTypePlaced    = "clearchain.exchange.v1.EventOrderPlaced"
	evTypeCancelled = "clearchain.exchange.v1.EventOrderCancelled"
	evTypeExpired   = "clearchain.exchange.v1.EventOrderExpired"
	evTypeTriggered = "clearchain.exchange.v1.EventOrderTriggered"
	evTypeRejected  = "clearchain.exchange.v1.EventOrderRejected"

	// EventTypeFill is the plain event of one fill.
	EventTypeFill = "exchange_fill"
)

func qu(v uint64) string { return `"` + strconv.FormatUint(v, 10) + `"` }
func qi(v int64) string  { return `"` + strconv.FormatInt(v, 10) + `"` }

// qs quotes a string as JSON; the strings here are bech32 addresses, reason
// names and client ids (escaped).
func qs(s string) string { return strconv.Quote(s) }

func attr(k, v string) abci.EventAttribute { return abci.EventAttribute{Key: k, Value: v} }

func emit(ctx sdk.Context, typ string, attrs ...abci.EventAttribute) {
	ctx.EventManager().EmitEvent(sdk.Event{Type: typ, Attributes: attrs})
}

func emitOrderPlaced(ctx sdk.Context, c *types.QueuedCommand, owner string) {
	o := &c.Order
	emit(ctx, evTypePlaced,
		attr("client_order_id", qs(o.ClientOrderId)),
		attr("entity_id", qu(o.EntityId)),
		attr("market_id", qu(c.MarketId)),
		attr("order_id", qu(o.Id)),
		attr("owner", qs(owner)),
		attr("price", qi(o.Price)),
		attr("quantity", qu(o.Quantity)),
		attr("side", qs(o.Side.String())),
		attr("type", qs(o.Type.String())),
	)
}

func emitOrderCancelled(ctx sdk.Context, orderID, market uint64, owner string, entity, qty, remaining uint64, reason, cid string) {
	emit(ctx, evTypeCancelled,
		attr("client_order_id", qs(cid)),
		attr("entity_id", qu(entity)),
		attr("market_id", qu(market)),
		attr("order_id", qu(orderID)),
		attr("owner", qs(owner)),
		attr("quantity", qu(qty)),
		attr("reason", qs(reason)),
		attr("reason_code", reasonJSON(reason)),
		attr("remaining", qu(remaining)),
	)
}

// reasonJSON is the proto-JSON value of a reason text's code.
func reasonJSON(reason string) string { return `"` + types.ReasonCode(reason).String() + `"` }

func emitOrderExpired(ctx sdk.Context, orderID, market uint64, owner string, entity, qty uint64, cid string) {
	emit(ctx, evTypeExpired,
		attr("client_order_id", qs(cid)),
		attr("entity_id", qu(entity)),
		attr("market_id", qu(market)),
		attr("order_id", qu(orderID)),
		attr("owner", qs(owner)),
		attr("quantity", qu(qty)),
	)
}

func emitOrderTriggered(ctx sdk.Context, orderID, market uint64, owner string, entity uint64, ref int64, cid string) {
	emit(ctx, evTypeTriggered,
		attr("client_order_id", qs(cid)),
		attr("entity_id", qu(entity)),
		attr("market_id", qu(market)),
		attr("order_id", qu(orderID)),
		attr("owner", qs(owner)),
		attr("reference_price", qi(ref)),
	)
}

func emitOrderRejected(ctx sdk.Context, orderID, market uint64, owner string, entity uint64, reason, cid string) {
	emit(ctx, evTypeRejected,
		attr("client_order_id", qs(cid)),
		attr("entity_id", qu(entity)),
		attr("market_id", qu(market)),
		attr("order_id", qu(orderID)),
		attr("owner", qs(owner)),
		attr("reason", qs(reason)),
		attr("reason_code", reasonJSON(reason)),
	)
}

// Attributes of the plain fill event (EventTypeFill), in order. The taker
// is the order that arrived (placed, replaced or triggered) and took the
// maker's resting liquidity.
const (
	FillAttrMarket         = "market"
	FillAttrTakerOrder     = "taker_order"
	FillAttrMakerOrder     = "maker_order"
	FillAttrPrice          = "price"
	FillAttrQty            = "qty"
	FillAttrTakerSide      = "taker_side"
	FillAttrTaker          = "taker"
	FillAttrMaker          = "maker"
	FillAttrTakerEntity    = "taker_entity"
	FillAttrMakerEntity    = "maker_entity"
	FillAttrHeight         = "height"
	FillAttrTakerFee       = "taker_fee"       // quote units, >= 0
	FillAttrMakerFee       = "maker_fee"       // quote units; negative: a rebate
	FillAttrTakerRemaining = "taker_remaining" // lots still open after the fill
	FillAttrMakerRemaining = "maker_remaining"
	FillAttrTakerClientID  = "taker_client_id" // "" if none
	FillAttrMakerClientID  = "maker_client_id"
)

// emitFill emits the plain event of fill e, with constant keys. Its
// number strings and its attributes come from the keeper's arenas, so a
// fill costs no allocation of its own (EndBlock, under mem.mu).
func (k Keeper) emitFill(ctx sdk.Context, market uint64, e *matching.Event, takerOwner, makerOwner string, takerFee, makerFee *big.Int) {
	a := &k.mem.strs
	attrs := a.attrs(17)
	attrs[0] = attr(FillAttrMarket, a.uint(market))
	attrs[1] = attr(FillAttrTakerOrder, a.uint(uint64(e.OrderID)))
	attrs[2] = attr(FillAttrMakerOrder, a.uint(uint64(e.MakerID)))
	attrs[3] = attr(FillAttrPrice, a.int(int64(e.Price)))
	attrs[4] = attr(FillAttrQty, a.uint(uint64(e.Qty)))
	attrs[5] = attr(FillAttrTakerSide, protoSideNames[e.Side&3])
	attrs[6] = attr(FillAttrTaker, takerOwner)
	attrs[7] = attr(FillAttrMaker, makerOwner)
	attrs[8] = attr(FillAttrTakerEntity, a.uint(uint64(e.Entity)))
	attrs[9] = attr(FillAttrMakerEntity, a.uint(uint64(e.MakerEntity)))
	attrs[10] = attr(FillAttrHeight, k.mem.heightStr)
	attrs[11] = attr(FillAttrTakerFee, a.big(takerFee))
	attrs[12] = attr(FillAttrMakerFee, a.big(makerFee))
	attrs[13] = attr(FillAttrTakerRemaining, a.uint(uint64(e.Remaining)))
	attrs[14] = attr(FillAttrMakerRemaining, a.uint(uint64(e.MakerRemaining)))
	attrs[15] = attr(FillAttrTakerClientID, k.mem.clientIDs[e.OrderID])
	attrs[16] = attr(FillAttrMakerClientID, k.mem.clientIDs[e.MakerID])
	ctx.EventManager().EmitEvent(sdk.Event{Type: EventTypeFill, Attributes: attrs})
}

var protoSideNames = [4]string{types.Side_SIDE_UNSPECIFIED.String(), types.Side_SIDE_BUY.String(),
	types.Side_SIDE_SELL.String(), types.Side_SIDE_UNSPECIFIED.String()}

// strArena hands out short strings and attribute slices carved from large
// chunks, so the per-fill events cost no allocation each. Chunks are
// append-only: the bytes a string points to are never written again, and a
// full chunk is dropped (the events keep it alive), never reused.
type strArena struct {
	buf []byte
	at  []abci.EventAttribute
}

const (
	strChunk  = 64 << 10
	attrChunk = 4096
)

func (a *strArena) uint(v uint64) string {
	if v < 100 {
		return strconv.FormatUint(v, 10) // static strings, no allocation
	}
	if cap(a.buf)-len(a.buf) < 20 {
		a.buf = make([]byte, 0, strChunk)
	}
	start := len(a.buf)
	a.buf = strconv.AppendUint(a.buf, v, 10)
	return unsafe.String(&a.buf[start], len(a.buf)-start)
}

// big returns v in decimal, from the arena when it fits in an int64.
func (a *strArena) big(v *big.Int) string {
	if v.IsInt64() {
		return a.int(v.Int64())
	}
	return v.String()
}

func (a *strArena) int(v int64) string {
	if v >= 0 {
		return a.uint(uint64(v))
	}
	if cap(a.buf)-len(a.buf) < 20 {
		a.buf = make([]byte, 0, strChunk)
	}
	start := len(a.buf)
	a.buf = strconv.AppendInt(a.buf, v, 10)
	return unsafe.String(&a.buf[start], len(a.buf)-start)
}

// attrs returns n fresh attributes (cap-limited: appending to them copies).
func (a *strArena) attrs(n int) []abci.EventAttribute {
	if cap(a.at)-len(a.at) < n {
		a.at = make([]abci.EventAttribute, 0, attrChunk)
	}
	start := len(a.at)
	a.at = a.at[:start+n]
	return a.at[start : start+n : start+n]
}
