package keeper

import (
	"strconv"

	abci "github.com/cometbft/cometbft/abci/types"

	sdk "github.com/cosmos/cosmos-sdk/types"

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

// emitFill emits the plain event of one fill, with constant keys.
func emitFill(ctx sdk.Context, market, taker, maker uint64, price int64, qty uint64, side types.Side, takerOwner, makerOwner string) {
	emit(ctx, EventTypeFill,
		attr("market", strconv.FormatUint(market, 10)),
		attr("taker_order", strconv.FormatUint(taker, 10)),
		attr("maker_order", strconv.FormatUint(maker, 10)),
		attr("price", strconv.FormatInt(price, 10)),
		attr("qty", strconv.FormatUint(qty, 10)),
		attr("taker_side", side.String()),
		attr("taker", takerOwner),
		attr("maker", makerOwner),
	)
}
