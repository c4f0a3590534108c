package keeper

import (
	"math/big"
	"math/bits"

	sdkmath "cosmossdk.io/math"

	"github.com/clearchain/clearchain/matching"
	"github.com/clearchain/clearchain/x/exchange/types"
)

var bps10k, bigOne = big.NewInt(10_000), big.NewInt(1)

// terms are a market's amounts in big.Int form, for the arithmetic of locks,
// notionals and fees. Amounts: a price of p ticks is p*tick quote units per
// lot, q lots are q*lot base units, notional(p, q) = p*q*tick.
type terms struct {
	m         types.Market
	tick, lot big.Int
	taker     big.Int
	maker     big.Int // |maker fee bps|
	makerNeg  bool
	scratch   [4]big.Int
}

func newTerms(m types.Market) *terms {
	t := &terms{m: m}
	t.tick.Set(m.TickSize.BigInt())
	t.lot.Set(m.LotSize.BigInt())
	t.taker.SetInt64(int64(m.TakerFeeBps))
	mk := int64(m.MakerFeeBps)
	if mk < 0 {
		t.makerNeg = true
		mk = -mk
	}
	t.maker.SetInt64(mk)
	return t
}

// notional sets dst = p*q*tick.
func (t *terms) notional(dst *big.Int, p matching.Price, q matching.Qty) *big.Int {
	dst.SetUint64(uint64(q))
	t.scratch[0].SetInt64(int64(p))
	dst.Mul(dst, &t.scratch[0])
	return dst.Mul(dst, &t.tick)
}

// ceilFee sets dst = ceil(n*bps/10000).
func ceilFee(dst, n, bps *big.Int, tmp *big.Int) *big.Int {
	dst.Mul(n, bps)
	if dst.Sign() == 0 {
		return dst
	}
	dst.QuoRem(dst, bps10k, tmp)
	if tmp.Sign() > 0 {
		dst.Add(dst, bigOne)
	}
	return dst
}

// lockPerLot sets dst to the quote locked per lot by a buy at limit p:
// p*tick plus the taker fee on it rounded up. A fill of q lots at a price
// <= p never costs more than q*lockPerLot(p) (price plus fee).
func (t *terms) lockPerLot(dst *big.Int, p matching.Price) *big.Int {
	dst.SetInt64(int64(p))
	dst.Mul(dst, &t.tick)
	ceilFee(&t.scratch[1], dst, &t.taker, &t.scratch[2])
	return dst.Add(dst, &t.scratch[1])
}

// lock sets dst to what an order of side s locks for q lots at p, and returns
// its denom.
func (t *terms) lock(dst *big.Int, s matching.Side, p matching.Price, q matching.Qty) (*big.Int, string) {
	if s == matching.Buy {
		t.lockPerLot(dst, p)
		t.scratch[3].SetUint64(uint64(q))
		return dst.Mul(dst, &t.scratch[3]), t.m.QuoteDenom
	}
	dst.SetUint64(uint64(q))
	return dst.Mul(dst, &t.lot), t.m.BaseDenom
}

// lockInt is lock as an sdkmath.Int.
func (t *terms) lockInt(s matching.Side, p matching.Price, q matching.Qty) (sdkmath.Int, string) {
	var v big.Int
	_, denom := t.lock(&v, s, p, q)
	return sdkmath.NewIntFromBigInt(&v), denom
}

// band returns the band [lo, hi] around ref for bandBps (ref > 0).
func band(ref int64, bandBps uint32) (lo, hi int64) {
	hiw, low := bits.Mul64(uint64(ref), uint64(bandBps))
	dev, _ := bits.Div64(hiw%10_000, low, 10_000)
	if hiw >= 10_000 || dev > uint64(matching.MaxPrice) {
		return 1, int64(matching.MaxPrice)
	}
	lo, hi = ref-int64(dev), ref+int64(dev)
	if lo < 1 {
		lo = 1
	}
	if hi > int64(matching.MaxPrice) || hi < ref {
		hi = int64(matching.MaxPrice)
	}
	return lo, hi
}
