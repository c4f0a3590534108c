package types

import (
	"github.com/clearchain/clearchain/matching"
)

// EngineSide converts a proto side (SideNone for UNSPECIFIED or unknown).
func EngineSide(s Side) matching.Side {
	switch s {
	case Side_SIDE_BUY:
		return matching.Buy
	case Side_SIDE_SELL:
		return matching.Sell
	}
	return matching.SideNone
}

// ProtoSide converts an engine side.
func ProtoSide(s matching.Side) Side {
	switch s {
	case matching.Buy:
		return Side_SIDE_BUY
	case matching.Sell:
		return Side_SIDE_SELL
	}
	return Side_SIDE_UNSPECIFIED
}

// EngineType converts an order type (UNSPECIFIED is limit); ok is false for
// an unknown type.
func EngineType(t OrderType) (matching.OrderType, bool) {
	switch t {
	case OrderType_ORDER_TYPE_UNSPECIFIED, OrderType_ORDER_TYPE_LIMIT:
		return matching.Limit, true
	case OrderType_ORDER_TYPE_MARKET:
		return matching.Market, true
	case OrderType_ORDER_TYPE_STOP_LIMIT:
		return matching.StopLimit, true
	case OrderType_ORDER_TYPE_STOP_MARKET:
		return matching.StopMarket, true
	}
	return 0, false
}

// ProtoType converts an engine order type.
func ProtoType(t matching.OrderType) OrderType {
	switch t {
	case matching.Market:
		return OrderType_ORDER_TYPE_MARKET
	case matching.StopLimit:
		return OrderType_ORDER_TYPE_STOP_LIMIT
	case matching.StopMarket:
		return OrderType_ORDER_TYPE_STOP_MARKET
	}
	return OrderType_ORDER_TYPE_LIMIT
}

// EngineTIF converts a time in force (UNSPECIFIED is GTC).
func EngineTIF(t TimeInForce) (matching.TimeInForce, bool) {
	switch t {
	case TimeInForce_TIME_IN_FORCE_UNSPECIFIED, TimeInForce_TIME_IN_FORCE_GTC:
		return matching.GTC, true
	case TimeInForce_TIME_IN_FORCE_GTB:
		return matching.GTB, true
	case TimeInForce_TIME_IN_FORCE_GTT:
		return matching.GTT, true
	case TimeInForce_TIME_IN_FORCE_IOC:
		return matching.IOC, true
	case TimeInForce_TIME_IN_FORCE_FOK:
		return matching.FOK, true
	}
	return 0, false
}

// ProtoTIF converts an engine time in force.
func ProtoTIF(t matching.TimeInForce) TimeInForce {
	return [...]TimeInForce{TimeInForce_TIME_IN_FORCE_GTC, TimeInForce_TIME_IN_FORCE_GTB,
		TimeInForce_TIME_IN_FORCE_GTT, TimeInForce_TIME_IN_FORCE_IOC, TimeInForce_TIME_IN_FORCE_FOK}[t%5]
}

// EngineSTP converts an STP mode (UNSPECIFIED is cancel-newest).
func EngineSTP(m STPMode) (matching.STPMode, bool) {
	switch m {
	case STPMode_STP_MODE_UNSPECIFIED, STPMode_STP_MODE_CANCEL_NEWEST:
		return matching.STPCancelNewest, true
	case STPMode_STP_MODE_CANCEL_OLDEST:
		return matching.STPCancelOldest, true
	case STPMode_STP_MODE_CANCEL_BOTH:
		return matching.STPCancelBoth, true
	case STPMode_STP_MODE_DECREMENT:
		return matching.STPDecrement, true
	}
	return 0, false
}

// ProtoSTP converts an engine STP mode.
func ProtoSTP(m matching.STPMode) STPMode {
	return [...]STPMode{STPMode_STP_MODE_CANCEL_NEWEST, STPMode_STP_MODE_CANCEL_OLDEST,
		STPMode_STP_MODE_CANCEL_BOTH, STPMode_STP_MODE_DECREMENT}[m%4]
}

// LevelOrderFromEngine converts an engine order for persistence.
func LevelOrderFromEngine(o matching.Order, clientID string) LevelOrder {
	return LevelOrder{
		Id: uint64(o.ID), OwnerId: uint64(o.Owner), EntityId: uint64(o.Entity), Side: ProtoSide(o.Side),
		Type: ProtoType(o.Type), TimeInForce: ProtoTIF(o.TIF), Stp: ProtoSTP(o.STP), PostOnly: o.PostOnly,
		Price: int64(o.Price), TriggerPrice: int64(o.TriggerPrice), Quantity: uint64(o.Qty),
		ExpireBlock: o.ExpireBlock, ExpireTime: o.ExpireTime, Seq: o.Seq, ClientOrderId: clientID,
	}
}

// Engine converts a persisted order to the engine's form.
func (o LevelOrder) Engine() matching.Order {
	t, _ := EngineType(o.Type)
	tif, _ := EngineTIF(o.TimeInForce)
	stp, _ := EngineSTP(o.Stp)
	return matching.Order{
		ID: matching.OrderID(o.Id), Owner: matching.OwnerID(o.OwnerId), Entity: matching.EntityID(o.EntityId),
		Side: EngineSide(o.Side), Type: t, TIF: tif, STP: stp, PostOnly: o.PostOnly,
		Price: matching.Price(o.Price), TriggerPrice: matching.Price(o.TriggerPrice), Qty: matching.Qty(o.Quantity),
		ExpireBlock: o.ExpireBlock, ExpireTime: o.ExpireTime, Seq: o.Seq,
	}
}

// LevelKind returns the levels-key kind of an engine level key.
func LevelKind(k matching.LevelKey) uint32 {
	switch {
	case !k.Stop && k.Side == matching.Buy:
		return LevelBid
	case !k.Stop:
		return LevelAsk
	case k.Side == matching.Buy:
		return LevelStopBuy
	}
	return LevelStopSel
}

// LevelKeyOf is the inverse of LevelKind.
func LevelKeyOf(kind uint32, price int64) matching.LevelKey {
	k := matching.LevelKey{Price: matching.Price(price)}
	switch kind {
	case LevelBid:
		k.Side = matching.Buy
	case LevelAsk:
		k.Side = matching.Sell
	case LevelStopBuy:
		k.Side, k.Stop = matching.Buy, true
	default:
		k.Side, k.Stop = matching.Sell, true
	}
	return k
}
