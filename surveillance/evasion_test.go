package surveillance_test

import (
	"testing"

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
