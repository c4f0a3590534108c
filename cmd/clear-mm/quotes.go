package main

import (
	"fmt"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// Quote is one order the bot wants resting.
type Quote struct {
	Side  exchangetypes.Side
	Price int64
	Qty   uint64
}

// Quotes computes the ladder around ref (ticks) for an inventory (lots,
// positive long): half the spread each side, LevelStepTicks between
// levels, both sides shifted against the inventory by SkewBpsPerLot, and
// the side that would grow a position at MaxInventory left out. Integer
// arithmetic only; prices are at least 1 and bids stay below asks.
func Quotes(c Config, ref, inventory int64) []Quote {
	if ref <= 0 {
		return nil
	}
	half := max(1, ref*c.SpreadBps/20_000)
	skew := ref * c.SkewBpsPerLot * inventory / 10_000
	var out []Quote
	for i := 0; i < c.Levels; i++ {
		step := int64(i) * c.LevelStepTicks
		bid := ref - half - step - skew
		ask := ref + half + step - skew
		if bid >= ask {
			bid = ask - 1
		}
		if inventory < c.MaxInventory && bid >= 1 {
			out = append(out, Quote{Side: exchangetypes.Side_SIDE_BUY, Price: bid, Qty: c.Quantity})
		}
		if inventory > -c.MaxInventory && ask >= 1 {
			out = append(out, Quote{Side: exchangetypes.Side_SIDE_SELL, Price: ask, Qty: c.Quantity})
		}
	}
	return out
}

// Specs turns quotes into post-only GTC order specs with client ids
// "mm-<height>-<i>".
func Specs(market uint64, height int64, qs []Quote) []exchangetypes.OrderSpec {
	out := make([]exchangetypes.OrderSpec, len(qs))
	for i, q := range qs {
		out[i] = exchangetypes.OrderSpec{MarketId: market, Side: q.Side, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
			TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, PostOnly: true, Price: q.Price, Quantity: q.Qty,
			ClientOrderId: fmt.Sprintf("mm-%d-%d", height, i)}
	}
	return out
}
