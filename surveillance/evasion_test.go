package surveillance_test

import (
	"strconv"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/clearchain/clearchain/surveillance"
)

// The spoofing evader of the simulation: a layer only 2× its genuine order
// (under MinRatio 3 for the fill-based test), on one price, pulled after
// two blocks, and a genuine order that never trades. Two such attempts
// within HistoryBlocks raise spoofing from the placements alone.
func TestSpoofing_AttemptsWithoutFillEvasion(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 5, 1000)
	for i := 0; i < 2; i++ {
		layer := c.place(1, 62, surveillance.Buy, 995, 20)
		genuine := c.place(1, 62, surveillance.Sell, 1004, 10)
		c.end()
		c.background(1, 2, 1000)
		c.cancel(1, 62, layer, 20)
		c.cancel(1, 62, genuine, 10)
		c.end()
		c.background(1, 10, 1000)
	}
	a := c.only(surveillance.DetSpoofing)
	if a.Group != 62 || len(a.OrderIDs) != 4 {
		t.Fatalf("alert: %+v", a)
	}
}

// Hard negative of the attempt path: the same placements, but the genuine
// side is pulled first (a trader changing its mind, not a layer standing
// while the genuine order waits for its fill).
func TestSpoofing_AttemptGenuineGivenUpFirst(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	for i := 0; i < 3; i++ {
		layer := c.place(1, 63, surveillance.Buy, 995, 20)
		genuine := c.place(1, 63, surveillance.Sell, 1004, 10)
		c.end()
		c.cancel(1, 63, genuine, 10)
		c.end()
		c.cancel(1, 63, layer, 20)
		c.end()
		c.background(1, 10, 1000)
	}
	c.none(surveillance.DetSpoofing, surveillance.DetLayering)
}

// noisyBlock: the market maker (90) trades 5 lots with each of the noise
// traders 91..94 at price, then the block ends.
func noisyBlock(c *chain, price int64, extra func()) {
	for k := uint64(0); k < 4; k++ {
		side := surveillance.Buy
		if k%2 == 1 {
			side = surveillance.Sell
		}
		c.fill(1, 91+k, 90, side, price, 5)
	}
	if extra != nil {
		extra()
	}
	c.end()
}

// The marking evader: 6 lots a block into the close (about a quarter of
// the window's volume, under MinShareBps 30%), the last print its own,
// then the 30 lots sold back while the price returns. The round trip
// (≥ 20 lots net, ≥ half unwound, 2× its usual share) raises the alert.
func TestMarkingClose_RoundTripEvasion(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 95, 1000)
	for i := int64(0); i < 5; i++ {
		noisyBlock(c, 1000+i*5, func() { c.fill(1, 88, 90, surveillance.Buy, 1005+i*5, 6) })
	}
	for i := 0; i < 5; i++ {
		noisyBlock(c, 1000, func() { c.fill(1, 93, 88, surveillance.Buy, 1000, 6) })
	}
	a := c.only(surveillance.DetMarkingClose)
	if a.Group != 88 {
		t.Fatalf("alert: %+v", a)
	}
}

// The momentum evader: 15 lots a block for 3 blocks (about 40% of the
// taker flow, under MinTakerShareBps 50%), then all of it sold back into
// the move: the round trip raises the alert.
func TestMomentumIgnition_RoundTripEvasion(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 20, 1000)
	for i := int64(0); i < 3; i++ {
		noisyBlock(c, 1000, func() { c.fill(1, 89, 90, surveillance.Buy, 1010+i*15, 15) })
	}
	for i := 0; i < 10; i++ {
		noisyBlock(c, 1000, func() {
			if i < 3 {
				c.fill(1, 93, 89, surveillance.Buy, 1035, 15)
			}
		})
	}
	a := c.only(surveillance.DetMomentumIgnition)
	if a.Group != 89 {
		t.Fatalf("alert: %+v", a)
	}
}

// The spoof over two blocks: the genuine order in one block, the layer
// (2× it, one price) in the next, pulled a block later, the genuine order
// never trading. Each block alone is one-sided, so a placement test per
// block sees no attempt; the attempt test joins the placements of
// AttemptPlaceBlocks consecutive blocks (each order counted once).
func TestSpoofing_AttemptOverTwoBlocksEvasion(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 5, 1000)
	for i := 0; i < 2; i++ {
		genuine := c.place(1, 64, surveillance.Sell, 1004, 10)
		c.end()
		layer := c.place(1, 64, surveillance.Buy, 995, 20)
		c.end()
		c.background(1, 1, 1000)
		c.cancel(1, 64, layer, 20)
		c.cancel(1, 64, genuine, 10)
		c.end()
		c.background(1, 10, 1000)
	}
	a := c.only(surveillance.DetSpoofing)
	if a.Group != 64 || len(a.OrderIDs) != 4 {
		t.Fatalf("alert: %+v", a)
	}
}

// fillResting emits one exchange_fill in which takerEnt's fresh IOC takes
// qty lots of the resting order `order` of makerEnt (the fill's
// maker_order is that order's id, as the keeper emits it).
func (c *chain) fillResting(market, takerEnt, makerEnt, order uint64, takerSide surveillance.Side, price int64, qty uint64) {
	t := c.nextID
	c.nextID++
	side := "SIDE_BUY"
	if takerSide == surveillance.Sell {
		side = "SIDE_SELL"
	}
	a := func(k, v string) abci.EventAttribute { return abci.EventAttribute{Key: k, Value: v} }
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	c.evs = append(c.evs, abci.Event{Type: "exchange_fill", Attributes: []abci.EventAttribute{
		a("market", u(market)), a("taker_order", u(t)), a("maker_order", u(order)), a("price", strconv.FormatInt(price, 10)),
		a("qty", u(qty)), a("taker_side", side), a("taker", acct(takerEnt, 0)), a("maker", acct(makerEnt, 0)),
		a("taker_entity", u(takerEnt)), a("maker_entity", u(makerEnt)), a("height", strconv.FormatInt(c.height+1, 10)),
	}})
}

// The spoof behind the touch that is partly filled: a genuine sell of 10
// inside the spread and a layer of 3 × 15 bids one to three ticks behind
// the touch. The genuine order trades in the next block, and the price
// dips into the layer's first level, which trades 12 lots (more than the
// genuine order's 10) before the spoofer pulls the 33 left. The layer's
// fill is as large as the genuine one (under the attempt rule's "less than
// the genuine side") and over MaxOppositeFillPct of it (the fill rule), so
// both rules passed it over; its cancelled size is still 2.75× its own
// fill and 3.3× the genuine fill. Twice within HistoryBlocks.
func TestSpoofing_PartlyFilledLayerBehindTouchEvasion(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 5, 1000)
	for i := 0; i < 2; i++ {
		var layer []uint64
		for lv := int64(0); lv < 3; lv++ {
			layer = append(layer, c.place(1, 66, surveillance.Buy, 996-lv, 15))
		}
		genuine := c.place(1, 66, surveillance.Sell, 1001, 10)
		c.end()
		c.fillResting(1, 91, 66, genuine, surveillance.Buy, 1001, 10)
		c.fillResting(1, 92, 66, layer[0], surveillance.Sell, 996, 12)
		c.end()
		c.cancel(1, 66, layer[0], 3)
		c.cancel(1, 66, layer[1], 15)
		c.cancel(1, 66, layer[2], 15)
		c.end()
		c.background(1, 10, 1000)
	}
	if n := c.count(surveillance.DetSpoofing) + c.count(surveillance.DetLayering); n != 1 {
		t.Fatalf("want one spoofing/layering alert, got %d: %+v", n, c.alerts)
	}
	for _, a := range c.alerts {
		if (a.Detector == surveillance.DetSpoofing || a.Detector == surveillance.DetLayering) && a.Group != 66 {
			t.Fatalf("alert on the wrong group: %+v", a)
		}
	}
}

// Hard negative of the partly filled layer: a quoter whose larger side
// trades as much as it is withdrawn (15 of 30 lots, then the 15 left
// pulled) is quoting, not showing size it never means to trade.
func TestSpoofing_LargerSideHalfTradedIsQuoting(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 5, 1000)
	for i := 0; i < 3; i++ {
		big := c.place(1, 67, surveillance.Buy, 996, 30)
		small := c.place(1, 67, surveillance.Sell, 1001, 10)
		c.end()
		c.fillResting(1, 91, 67, small, surveillance.Buy, 1001, 10)
		c.fillResting(1, 92, 67, big, surveillance.Sell, 996, 15)
		c.end()
		c.cancel(1, 67, big, 15)
		c.end()
		c.background(1, 10, 1000)
	}
	c.none(surveillance.DetSpoofing, surveillance.DetLayering)
}

// The spoof spread over three blocks: the genuine sell of 10 at h, the
// layer (2× it, under the fill rule's MinRatio 3) built in two halves at
// h+1 and h+2 (each block one-sided, and no two consecutive blocks hold
// the genuine order and the whole layer), the genuine order trading at
// h+3 and the layer pulled in the same block. Twice.
func TestSpoofing_AttemptOverThreeBlocksEvasion(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 5, 1000)
	for i := 0; i < 2; i++ {
		genuine := c.place(1, 68, surveillance.Sell, 1004, 10)
		c.end()
		l1 := c.place(1, 68, surveillance.Buy, 995, 10)
		c.end()
		l2 := c.place(1, 68, surveillance.Buy, 994, 10)
		c.end()
		c.fillResting(1, 91, 68, genuine, surveillance.Buy, 1004, 10)
		c.cancel(1, 68, l1, 10)
		c.cancel(1, 68, l2, 10)
		c.end()
		c.background(1, 10, 1000)
	}
	if n := c.count(surveillance.DetSpoofing) + c.count(surveillance.DetLayering); n != 1 {
		t.Fatalf("want one spoofing/layering alert, got %d: %+v", n, c.alerts)
	}
}

// A spoofer that repeats after its alert: three attempts 30 blocks apart.
// The first two raise the alert; the third, alone after it, is still the
// same group repeating within HistoryBlocks and raises a second alert that
// names its orders (before, the history was dropped at the alert, so a
// lone later attempt was never reported).
func TestSpoofing_RepeatAfterAlert(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	c.background(1, 5, 1000)
	var last [2]uint64
	for i := 0; i < 3; i++ {
		layer := c.place(1, 69, surveillance.Buy, 995, 20)
		genuine := c.place(1, 69, surveillance.Sell, 1004, 10)
		last = [2]uint64{layer, genuine}
		c.end()
		c.background(1, 2, 1000)
		c.cancel(1, 69, layer, 20)
		c.cancel(1, 69, genuine, 10)
		c.end()
		c.background(1, 30, 1000)
	}
	if n := c.count(surveillance.DetSpoofing); n != 2 {
		t.Fatalf("want 2 spoofing alerts, got %d: %+v", n, c.alerts)
	}
	var second surveillance.Alert
	for _, a := range c.alerts {
		if a.Detector == surveillance.DetSpoofing {
			second = a
		}
	}
	named := 0
	for _, id := range second.OrderIDs {
		if id == last[0] || id == last[1] {
			named++
		}
	}
	if second.Group != 69 || named != 2 {
		t.Fatalf("second alert does not name the third attempt's orders %v: %+v", last, second)
	}
}
