package keeper

import (
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

func emitOrderCancelled(ctx sdk.Context, orderID, market uint64, owner string, entity, qty, remaining uint64, reason string) {
	emit(ctx, evTypeCancelled,
		attr("entity_id", qu(entity)),
		attr("market_id", qu(market)),
		attr("order_id", qu(orderID)),
		attr("owner", qs(owner)),
		attr("quantity", qu(qty)),
		attr("reason", qs(reason)),
		attr("remaining", qu(remaining)),
	)
}

func emitOrderExpired(ctx sdk.Context, orderID, market uint64, owner string, entity, qty uint64) {
	emit(ctx, evTypeExpired,
		attr("entity_id", qu(entity)),
		attr("market_id", qu(market)),
		attr("order_id", qu(orderID)),
		attr("owner", qs(owner)),
		attr("quantity", qu(qty)),
	)
}

func emitOrderTriggered(ctx sdk.Context, orderID, market uint64, owner string, entity uint64, ref int64) {
	emit(ctx, evTypeTriggered,
		attr("entity_id", qu(entity)),
		attr("market_id", qu(market)),
		attr("order_id", qu(orderID)),
		attr("owner", qs(owner)),
		attr("reference_price", qi(ref)),
	)
}

func emitOrderRejected(ctx sdk.Context, orderID, market uint64, owner string, entity uint64, reason string) {
	emit(ctx, evTypeRejected,
		attr("entity_id", qu(entity)),
		attr("market_id", qu(market)),
		attr("order_id", qu(orderID)),
		attr("owner", qs(owner)),
		attr("reason", qs(reason)),
	)
}

// emitFill emits the plain event of one fill, with constant keys. Its
// number strings and its attributes come from the keeper's arenas, so a
// fill costs no allocation of its own (EndBlock, under mem.mu).
func (k Keeper) emitFill(ctx sdk.Context, market, taker, maker uint64, price int64, qty uint64, side matching.Side,
	takerOwner, makerOwner string, takerEntity, makerEntity uint64,
) {
	a := &k.mem.strs
	attrs := a.attrs(11)
	attrs[0] = attr("market", a.uint(market))
	attrs[1] = attr("taker_order", a.uint(taker))
	attrs[2] = attr("maker_order", a.uint(maker))
	attrs[3] = attr("price", a.int(price))
	attrs[4] = attr("qty", a.uint(qty))
	attrs[5] = attr("taker_side", protoSideNames[side&3])
	attrs[6] = attr("taker", takerOwner)
	attrs[7] = attr("maker", makerOwner)
	attrs[8] = attr("taker_entity", a.uint(takerEntity))
	attrs[9] = attr("maker_entity", a.uint(makerEntity))
	attrs[10] = attr("height", k.mem.heightStr)
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
