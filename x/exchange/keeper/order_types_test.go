package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/x/exchange/types"
)

// feeless is stdMarket without fees, so amounts are price x quantity.
func feeless() types.Market {
	m := stdMarket()
	m.MakerFeeBps, m.TakerFeeBps = 0, 0
	return m
}

// hasEvent reports whether the context's events include one of type typ.
func hasEvent(ctx sdk.Context, typ string) bool {
	for _, e := range ctx.EventManager().Events() {
		if e.Type == typ {
			return true
		}
	}
	return false
}

func (c *chain) endBlockEvents() sdk.Context {
	c.t.Helper()
	ctx := c.ctx
	c.endBlock()
	return ctx
}

func (c *chain) cancelReplace(owner sdk.AccAddress, market, id uint64, price int64, qty uint64) {
	c.t.Helper()
	require.NoError(c.t, c.tx(func(ctx sdk.Context) error {
		_, err := c.msgs.CancelReplace(ctx, &types.MsgCancelReplace{Owner: owner.String(), MarketId: market, OrderId: id, Price: price, Quantity: qty})
		return err
	}))
}

func TestStopLimitTriggersOnLastTradePrice(t *testing.T) {
	c := newChain(t)
	id := c.createMarket(feeless()) // no oracle price: the reference is the last trade
	alice := c.account("alice", 1, false, coin("ubase", 1_000_000))
	bob := c.account("bob", 2, false, coin("uquote", 1_000_000))
	carol := c.account("carol", 3, false, coin("uquote", 1_000_000))
	dave := c.account("dave", 4, false, coin("ubase", 1_000_000))
	c.deposit(alice, coin("ubase", 1_000_000))
	c.deposit(bob, coin("uquote", 1_000_000))
	c.deposit(carol, coin("uquote", 1_000_000))
	c.deposit(dave, coin("ubase", 1_000_000))

	// A trade at 100 sets the last price.
	c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, 100, 1))
	c.mustPlace(bob, limit(id, types.Side_SIDE_BUY, 100, 1))
	c.endBlock()
	// Carol's stop: buy 2 up to 110 once the last trade reaches 105.
	stop := c.mustPlace(carol, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Type: types.OrderType_ORDER_TYPE_STOP_LIMIT,
		TriggerPrice: 105, Price: 110, Quantity: 2})
	c.mustPlace(dave, limit(id, types.Side_SIDE_SELL, 108, 2))
	ctx := c.endBlockEvents()
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventOrderTriggered"), "triggered at last price 100")
	o, err := c.q.Order(c.ctx, &types.QueryOrderRequest{OrderId: stop})
	require.NoError(t, err)
	require.True(t, o.Order.Stop)
	free, locked := c.bal(carol, "uquote")
	require.Equal(t, int64(1_000_000-220), free)
	require.Equal(t, int64(220), locked, "the stop locks 2 lots at its limit 110")

	// A trade at 106 moves the last price past the trigger; the stop fires
	// in the next block, before that block's orders, and takes dave's ask at
	// 108: carol pays 216 and gets the 4 quote of price improvement back.
	c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, 106, 1))
	c.mustPlace(bob, limit(id, types.Side_SIDE_BUY, 106, 1))
	ctx = c.endBlockEvents()
	require.False(t, hasEvent(ctx, "clearchain.exchange.v1.EventOrderTriggered"), "stops see the last price of the block before")
	ctx = c.endBlockEvents()
	require.True(t, hasEvent(ctx, "clearchain.exchange.v1.EventOrderTriggered"))
	free, locked = c.bal(carol, "uquote")
	require.Equal(t, int64(1_000_000-216), free)
	require.Zero(t, locked)
	base, _ := c.bal(carol, "ubase")
	require.Equal(t, int64(200), base)
	_, locked = c.bal(dave, "ubase")
	require.Zero(t, locked)
	_, err = c.q.Order(c.ctx, &types.QueryOrderRequest{OrderId: stop})
	require.Error(t, err, "the filled stop is gone")
}

func TestGTTOrderExpiresAtItsBlockTime(t *testing.T) {
	c := newChain(t)
	id := c.createMarket(feeless())
	alice := c.account("alice", 1, false, coin("uquote", 1_000_000))
	c.deposit(alice, coin("uquote", 1_000_000))
	// Block h has time 1_700_000_000 + h (setup_test.go); this is h1.
	expiry := c.ctx.BlockTime().Unix() + 2
	oid := c.mustPlace(alice, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 100, Quantity: 3,
		TimeInForce: types.TimeInForce_TIME_IN_FORCE_GTT, ExpireTime: expiry})
	c.endBlock() // h1: rests
	c.endBlock() // h2: time expiry-1
	_, locked := c.bal(alice, "uquote")
	require.Equal(t, int64(300), locked)
	_, err := c.q.Order(c.ctx, &types.QueryOrderRequest{OrderId: oid})
	require.NoError(t, err)
	ctx := c.endBlockEvents() // h3: time == expiry
	require.True(t, hasEvent(ctx, "clearchain.exchange.v1.EventOrderExpired"))
	free, locked := c.bal(alice, "uquote")
	require.Equal(t, int64(1_000_000), free)
	require.Zero(t, locked)
	_, err = c.q.Order(c.ctx, &types.QueryOrderRequest{OrderId: oid})
	require.Error(t, err)
	// An expiry already in the past is refused at once.
	_, err = c.place(alice, types.OrderSpec{MarketId: id, Side: types.Side_SIDE_BUY, Price: 100, Quantity: 1,
		TimeInForce: types.TimeInForce_TIME_IN_FORCE_GTT, ExpireTime: c.ctx.BlockTime().Unix()})
	require.ErrorIs(t, err, types.ErrInvalidOrder)
}

func TestCancelReplacePriority(t *testing.T) {
	tests := map[string]struct {
		// State: alice's and bob's asks, alice's first.
		alicePrice, bobPrice int64
		// Parameters: alice's replacement.
		newPrice int64
		newQty   uint64
		// Expectations: who sells to carol's buy of 3 at 100.
		aliceSold, bobSold int64
	}{
		"A quantity decrease at the same price keeps alice first.": {
			alicePrice: 100, bobPrice: 100, newPrice: 100, newQty: 4, aliceSold: 3},
		"A price change puts alice behind bob at the new price.": {
			alicePrice: 101, bobPrice: 100, newPrice: 100, newQty: 5, bobSold: 3},
		"A quantity increase at the same price loses priority.": {
			alicePrice: 100, bobPrice: 100, newPrice: 100, newQty: 6, bobSold: 3},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			c := newChain(t)
			id := c.createMarket(feeless())
			alice := c.account("alice", 1, false, coin("ubase", 1_000_000))
			bob := c.account("bob", 2, false, coin("ubase", 1_000_000))
			carol := c.account("carol", 3, false, coin("uquote", 1_000_000))
			c.deposit(alice, coin("ubase", 1_000_000))
			c.deposit(bob, coin("ubase", 1_000_000))
			c.deposit(carol, coin("uquote", 1_000_000))
			a := c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, tc.alicePrice, 5))
			c.endBlock()
			c.mustPlace(bob, limit(id, types.Side_SIDE_SELL, tc.bobPrice, 5))
			c.endBlock()
			c.cancelReplace(alice, id, a, tc.newPrice, tc.newQty)
			c.endBlock()
			_, locked := c.bal(alice, "ubase")
			require.Equal(t, int64(tc.newQty)*100, locked, "alice's lock follows the new quantity")
			c.mustPlace(carol, limit(id, types.Side_SIDE_BUY, 100, 3))
			c.endBlock()
			aq, _ := c.bal(alice, "uquote")
			bq, _ := c.bal(bob, "uquote")
			require.Equal(t, tc.aliceSold*100, aq)
			require.Equal(t, tc.bobSold*100, bq)
			_, locked = c.bal(alice, "ubase")
			require.Equal(t, (int64(tc.newQty)-tc.aliceSold)*100, locked)
			free, locked := c.bal(carol, "uquote")
			require.Equal(t, int64(1_000_000-300), free)
			require.Zero(t, locked)
		})
	}
}

func TestCallAuctionClearsAtOneUniformPriceAndReleasesLocks(t *testing.T) {
	c := newChain(t)
	m := feeless()
	m.Mode, m.AuctionIntervalBlocks = types.MarketMode_MARKET_MODE_CALL_AUCTION, 2
	id := c.createMarket(m)
	c.oracle.prices["ubase/uquote"] = 100 // reference: ties go to the price nearest it
	alice := c.account("alice", 1, false, coin("ubase", 1_000_000))
	bob := c.account("bob", 2, false, coin("uquote", 1_000_000))
	carol := c.account("carol", 3, false, coin("uquote", 1_000_000))
	c.deposit(alice, coin("ubase", 1_000_000))
	c.deposit(bob, coin("uquote", 1_000_000))
	c.deposit(carol, coin("uquote", 1_000_000))
	// Carol bids first (she is the maker against alice), alice offers 8 at
	// 98, bob bids last (the taker against alice). Volume 8 clears anywhere
	// in [98, 101]; 100 is nearest the reference.
	c.mustPlace(carol, limit(id, types.Side_SIDE_BUY, 101, 3))
	c.mustPlace(alice, limit(id, types.Side_SIDE_SELL, 98, 8))
	c.mustPlace(bob, limit(id, types.Side_SIDE_BUY, 102, 5))
	c.endBlock() // h1: 1 % 2 != 0, the book accumulates crossed
	_, locked := c.bal(bob, "uquote")
	require.Equal(t, int64(510), locked)
	_, locked = c.bal(carol, "uquote")
	require.Equal(t, int64(303), locked)
	ctx := c.endBlockEvents() // h2: the auction
	var fills int
	for _, e := range ctx.EventManager().Events() {
		if e.Type == "exchange_fill" {
			fills++
			for _, a := range e.Attributes {
				if a.Key == "price" {
					require.Equal(t, "100", a.Value, "one uniform price")
				}
			}
		}
	}
	require.Equal(t, 2, fills)
	for _, tc := range []struct {
		who           sdk.AccAddress
		denom         string
		free, locked  int64
		otherDenom    string
		otherReceived int64
	}{
		{bob, "uquote", 1_000_000 - 500, 0, "ubase", 500},   // limit 102, paid 100
		{carol, "uquote", 1_000_000 - 300, 0, "ubase", 300}, // limit 101 as the maker, paid 100
		{alice, "ubase", 1_000_000 - 800, 0, "uquote", 800}, // sold 8 at 100
	} {
		free, locked := c.bal(tc.who, tc.denom)
		require.Equal(t, tc.free, free, "%s free %s", tc.who, tc.denom)
		require.Equal(t, tc.locked, locked, "%s locked %s", tc.who, tc.denom)
		got, _ := c.bal(tc.who, tc.otherDenom)
		require.Equal(t, tc.otherReceived, got)
	}
	st, err := c.q.Market(c.ctx, &types.QueryMarketRequest{MarketId: id})
	require.NoError(t, err)
	require.Equal(t, int64(100), st.State.LastPrice)
}
