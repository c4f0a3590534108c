package surveillance_test

import (
	"strconv"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/surveillance"
	comptypes "github.com/clearchain/clearchain/x/compliance/types"
	extypes "github.com/clearchain/clearchain/x/exchange/types"
)

// chain builds synthetic blocks of events in exactly the shapes the app
// emits: typed events through sdk.TypedEventToEvent on the real proto types,
// and the exchange_fill plain event with the keeper's keys.
type chain struct {
	t      *testing.T
	eng    *surveillance.Engine
	height int64
	evs    []abci.Event
	nextID uint64
	alerts []surveillance.Alert
}

func newChain(t *testing.T, p surveillance.Params) *chain {
	return &chain{t: t, eng: surveillance.New(p), nextID: 1}
}

func acct(entity uint64, n int) string {
	return "clear1acct" + strconv.FormatUint(entity, 10) + "x" + strconv.Itoa(n)
}

func (c *chain) typed(msg interface{ ProtoMessage() }) {
	c.t.Helper()
	ev, err := sdk.TypedEventToEvent(msg.(sdk.Msg))
	if err != nil {
		c.t.Fatal(err)
	}
	c.evs = append(c.evs, abci.Event(ev))
}

// entity registers entity id with a parent (0: none).
func (c *chain) entity(id, parent uint64) {
	c.typed(&comptypes.EventEntityRegistered{Entity: comptypes.Entity{Id: id, Name: "e" + strconv.FormatUint(id, 10), ParentId: parent}})
}

func exSide(s surveillance.Side) extypes.Side {
	if s == surveillance.Buy {
		return extypes.Side_SIDE_BUY
	}
	return extypes.Side_SIDE_SELL
}

// place emits an EventOrderPlaced and returns the order id.
func (c *chain) place(market, entity uint64, side surveillance.Side, price int64, qty uint64) uint64 {
	id := c.nextID
	c.nextID++
	c.typed(&extypes.EventOrderPlaced{OrderId: id, MarketId: market, Owner: acct(entity, 0), EntityId: entity,
		Side: exSide(side), Type: extypes.OrderType_ORDER_TYPE_LIMIT, Price: price, Quantity: qty})
	return id
}

// cancel emits an EventOrderCancelled by the owner.
func (c *chain) cancel(market, entity, order, qty uint64) {
	c.typed(&extypes.EventOrderCancelled{OrderId: order, MarketId: market, Owner: acct(entity, 0), EntityId: entity,
		Quantity: qty, Remaining: 0, Reason: "cancelled"})
}

// fill emits one exchange_fill; taker and maker entities, taker side.
func (c *chain) fill(market, takerEnt, makerEnt uint64, takerSide surveillance.Side, price int64, qty uint64) {
	t, m := c.nextID, c.nextID+1
	c.nextID += 2
	side := "SIDE_BUY"
	if takerSide == surveillance.Sell {
		side = "SIDE_SELL"
	}
	a := func(k, v string) abci.EventAttribute { return abci.EventAttribute{Key: k, Value: v} }
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	c.evs = append(c.evs, abci.Event{Type: "exchange_fill", Attributes: []abci.EventAttribute{
		a("market", u(market)), a("taker_order", u(t)), a("maker_order", u(m)), a("price", strconv.FormatInt(price, 10)),
		a("qty", u(qty)), a("taker_side", side), a("taker", acct(takerEnt, 0)), a("maker", acct(makerEnt, 0)),
		a("taker_entity", u(takerEnt)), a("maker_entity", u(makerEnt)), a("height", strconv.FormatInt(c.height+1, 10)),
	}})
}

// credit emits a green-credit contract event.
func (c *chain) credit(kind string, kv ...string) {
	ev := abci.Event{Type: "wasm-credit_" + kind, Attributes: []abci.EventAttribute{{Key: "_contract_address", Value: "clear1credits"}}}
	for i := 0; i+1 < len(kv); i += 2 {
		ev.Attributes = append(ev.Attributes, abci.EventAttribute{Key: kv[i], Value: kv[i+1]})
	}
	c.evs = append(c.evs, ev)
}

// gcEvent is an action of the bundled green-credit contract as the chain
// emits it: a "wasm" event with the contract's attributes
// (contracts-wasm/contracts/green-credit/src/contract.rs).
func (c *chain) gcEvent(kv ...string) {
	ev := abci.Event{Type: "wasm", Attributes: []abci.EventAttribute{{Key: "_contract_address", Value: "clear1gc"}}}
	for i := 0; i+1 < len(kv); i += 2 {
		ev.Attributes = append(ev.Attributes, abci.EventAttribute{Key: kv[i], Value: kv[i+1]})
	}
	c.evs = append(c.evs, ev)
}

// end commits the block's events to the engine and returns its alerts.
func (c *chain) end() []surveillance.Alert {
	c.height++
	out := c.eng.ProcessBlock(c.height, time.Unix(1_700_000_000+c.height, 0).UTC(), c.evs)
	c.evs = nil
	c.alerts = append(c.alerts, out...)
	return out
}

// idle commits n empty blocks.
func (c *chain) idle(n int) {
	for i := 0; i < n; i++ {
		c.end()
	}
}

func (c *chain) count(detector string) int {
	n := 0
	for _, a := range c.alerts {
		if a.Detector == detector {
			n++
		}
	}
	return n
}

func (c *chain) only(detector string) surveillance.Alert {
	c.t.Helper()
	var got []surveillance.Alert
	for _, a := range c.alerts {
		if a.Detector == detector {
			got = append(got, a)
		}
	}
	if len(got) != 1 {
		c.t.Fatalf("%s: want 1 alert, got %d: %+v (all: %+v)", detector, len(got), got, c.alerts)
	}
	return got[0]
}

func (c *chain) none(detectors ...string) {
	c.t.Helper()
	for _, d := range detectors {
		if n := c.count(d); n != 0 {
			c.t.Fatalf("%s: want no alert, got %d: %+v", d, n, c.alerts)
		}
	}
}

// background: a two-sided market maker (entity 90) trading with noise
// traders 91..94 at a steady price, for n blocks.
func (c *chain) background(market uint64, n int, price int64) {
	for i := 0; i < n; i++ {
		for k := uint64(0); k < 4; k++ {
			side := surveillance.Buy
			if (int(k)+i)%2 == 1 {
				side = surveillance.Sell
			}
			c.fill(market, 91+k, 90, side, price, 5)
		}
		c.end()
	}
}
