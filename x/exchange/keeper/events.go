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

// The per-order events of EndBlock (cancelled, expired, triggered,
// rejected) take their quoted values and attribute slices from the
// keeper's arena (see strArena), like the fill events: an adversary's block
// of tens of thousands of cancels and expiries costs no allocation per
// event beyond the event manager's own. Callers hold mem.mu (EndBlock).

func (k Keeper) emitOrderCancelled(ctx sdk.Context, orderID, market uint64, owner string, entity, qty, remaining uint64, reason, cid string) {
	a := &k.mem.strs
	at := a.attrs(9)
	at[0] = attr("client_order_id", a.qstr(cid))
	at[1] = attr("entity_id", a.quint(entity))
	at[2] = attr("market_id", a.quint(market))
	at[3] = attr("order_id", a.quint(orderID))
	at[4] = attr("owner", a.qstr(owner))
	at[5] = attr("quantity", a.quint(qty))
	at[6] = attr("reason", a.qstr(reason))
	at[7] = attr("reason_code", a.reasonJSON(reason))
	at[8] = attr("remaining", a.quint(remaining))
	ctx.EventManager().EmitEvent(sdk.Event{Type: evTypeCancelled, Attributes: at})
}

func (k Keeper) emitOrderExpired(ctx sdk.Context, orderID, market uint64, owner string, entity, qty uint64, cid string) {
	a := &k.mem.strs
	at := a.attrs(6)
	at[0] = attr("client_order_id", a.qstr(cid))
	at[1] = attr("entity_id", a.quint(entity))
	at[2] = attr("market_id", a.quint(market))
	at[3] = attr("order_id", a.quint(orderID))
	at[4] = attr("owner", a.qstr(owner))
	at[5] = attr("quantity", a.quint(qty))
	ctx.EventManager().EmitEvent(sdk.Event{Type: evTypeExpired, Attributes: at})
}

func (k Keeper) emitOrderTriggered(ctx sdk.Context, orderID, market uint64, owner string, entity uint64, ref int64, cid string) {
	a := &k.mem.strs
	at := a.attrs(6)
	at[0] = attr("client_order_id", a.qstr(cid))
	at[1] = attr("entity_id", a.quint(entity))
	at[2] = attr("market_id", a.quint(market))
	at[3] = attr("order_id", a.quint(orderID))
	at[4] = attr("owner", a.qstr(owner))
	at[5] = attr("reference_price", a.qint(ref))
	ctx.EventManager().EmitEvent(sdk.Event{Type: evTypeTriggered, Attributes: at})
}

func (k Keeper) emitOrderRejected(ctx sdk.Context, orderID, market uint64, owner string, entity uint64, reason, cid string) {
	a := &k.mem.strs
	at := a.attrs(7)
	at[0] = attr("client_order_id", a.qstr(cid))
	at[1] = attr("entity_id", a.quint(entity))
	at[2] = attr("market_id", a.quint(market))
	at[3] = attr("order_id", a.quint(orderID))
	at[4] = attr("owner", a.qstr(owner))
	at[5] = attr("reason", a.qstr(reason))
	at[6] = attr("reason_code", a.reasonJSON(reason))
	ctx.EventManager().EmitEvent(sdk.Event{Type: evTypeRejected, Attributes: at})
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

// room makes room for n more bytes in the chunk.
func (a *strArena) room(n int) {
	if cap(a.buf)-len(a.buf) < n {
		a.buf = make([]byte, 0, max(strChunk, n))
	}
}

// str returns the arena's bytes from start as a string.
func (a *strArena) str(start int) string {
	return unsafe.String(&a.buf[start], len(a.buf)-start)
}

// quint returns v's proto-JSON value (a quoted decimal), as qu does.
func (a *strArena) quint(v uint64) string {
	a.room(22)
	start := len(a.buf)
	a.buf = append(a.buf, '"')
	a.buf = strconv.AppendUint(a.buf, v, 10)
	a.buf = append(a.buf, '"')
	return a.str(start)
}

// qint returns v's proto-JSON value, as qi does.
func (a *strArena) qint(v int64) string {
	a.room(22)
	start := len(a.buf)
	a.buf = append(a.buf, '"')
	a.buf = strconv.AppendInt(a.buf, v, 10)
	a.buf = append(a.buf, '"')
	return a.str(start)
}

// qstr returns s quoted as qs does (strconv.Quote).
func (a *strArena) qstr(s string) string {
	if s == "" {
		return `""`
	}
	a.room(2*len(s) + 2) // grows in place when escapes need more
	start := len(a.buf)
	a.buf = strconv.AppendQuote(a.buf, s)
	return a.str(start)
}

// reasonJSON is the proto-JSON value of a reason text's code.
func (a *strArena) reasonJSON(reason string) string {
	name := types.ReasonCode(reason).String()
	a.room(len(name) + 2)
	start := len(a.buf)
	a.buf = append(a.buf, '"')
	a.buf = append(a.buf, name...)
	a.buf = append(a.buf, '"')
	return a.str(start)
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
