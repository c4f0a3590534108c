package app

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// orderGasProbes are one round of order txs from trader 3 (a market maker)
// covering every order message kind: round r's client ids are unique. The
// blocks are delivered in order; each tx must pass.
func orderGasProbes(c *detChain, r int) [][]detTx {
	mm := c.w.traders[3]
	o := mm.addr.String()
	cid := func(s string) string { return fmt.Sprintf("gas%d-%s", r, s) }
	spec := func(side exchangetypes.Side, price int64, id string) exchangetypes.OrderSpec {
		return exchangetypes.OrderSpec{MarketId: mktContinuous, Side: side, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
			TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: price, Quantity: 3, ClientOrderId: cid(id), PostOnly: true}
	}
	buy, sell := exchangetypes.Side_SIDE_BUY, exchangetypes.Side_SIDE_SELL
	ref := c.refs[mktContinuous]
	return [][]detTx{
		{
			{mm, []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: o, Order: spec(buy, ref-100, "b1")}}},
			{mm, []sdk.Msg{&exchangetypes.MsgBatch{Owner: o, Places: []exchangetypes.OrderSpec{
				spec(sell, ref+100, "a1"), spec(sell, ref+101, "a2"), spec(sell, ref+102, "a3")}}}},
			{mm, []sdk.Msg{&exchangetypes.MsgHeartbeat{Owner: o, WindowBlocks: 50}}},
		},
		{
			{mm, []sdk.Msg{&exchangetypes.MsgCancelReplace{Owner: o, MarketId: mktContinuous, ClientOrderId: cid("b1"), Price: ref - 99, Quantity: 4}}},
			{mm, []sdk.Msg{&exchangetypes.MsgCancelOrder{Owner: o, MarketId: mktContinuous, ClientOrderId: cid("a1")}}},
			{mm, []sdk.Msg{&exchangetypes.MsgBatch{Owner: o,
				Cancels: []exchangetypes.CancelSpec{{MarketId: mktContinuous, ClientOrderId: cid("a2")}},
				Places:  []exchangetypes.OrderSpec{spec(sell, ref+103, "a4"), spec(buy, ref-101, "b2")}}}},
			{mm, []sdk.Msg{ // several order messages in one tx
				&exchangetypes.MsgPlaceOrder{Owner: o, Order: spec(buy, ref-102, "b3")},
				&exchangetypes.MsgHeartbeat{Owner: o, WindowBlocks: 50}}},
		},
		{
			{mm, []sdk.Msg{&exchangetypes.MsgMassCancel{Owner: o, MarketId: mktContinuous}}},
			{mm, []sdk.Msg{&exchangetypes.MsgHeartbeat{Owner: o, WindowBlocks: 0}}},
		},
	}
}

// deliverProbes delivers one round of probes and returns, per tx, the gas
// used and the formula's gas.
// With mustPass, every probe must be accepted.
func deliverProbes(t *testing.T, c *detChain, h int64, r int, mustPass bool) (int64, []int64, []uint64) {
	var used []int64
	var want []uint64
	for _, block := range orderGasProbes(c, r) {
		res := c.deliver(h, block)
		for i, tx := range block {
			require.True(t, !mustPass || res[i].Code == 0, "round %d height %d probe %d: %s", r, h, i, res[i].Log)
			g, ok := exchangetypes.OrderTxGas(tx.msgs)
			require.True(t, ok)
			used = append(used, res[i].GasUsed)
			want = append(want, g)
		}
		h++
	}
	return h, used, want
}

// TestOrderGasIsTheFormula: a tx holding only exchange order messages uses
// exactly the documented formula's gas (exchangetypes.OrderTxGas) on an
// empty book, on a deep book with carried-over commands, and after a node
// restart (empty caches, books rebuilt from the store).
func TestOrderGasIsTheFormula(t *testing.T) {
	w := newDetWorld(t)
	c := newDetChain(t, w)
	c.setup()
	h := int64(2)
	check := func(state string, r int) {
		var used []int64
		var want []uint64
		h, used, want = deliverProbes(t, c, h, r, true)
		for i := range used {
			require.Equal(t, int64(want[i]), used[i], "%s: probe %d: gas used is not the formula", state, i)
		}
		t.Logf("%s: gas used %v", state, used)
	}
	check("empty book", 0)

	// A deep book: random trading by everyone for 40 blocks (commands carry
	// over: max_orders_per_block is 24).
	g := newDetGen(detSeed)
	for ; h < 45; h++ {
		c.deliver(h, g.block(c, h))
	}
	check("deep book", 1)
	c.restart()
	check("after a restart", 2)
}

// TestOrderGasCoversTheWorstRealCost: the fixed gas is at or above the gas
// the SDK's meter would have charged (ante handler and messages), for every
// order tx of 120 blocks of random trading by six accounts plus the probes.
func TestOrderGasCoversTheWorstRealCost(t *testing.T) {
	var meters []*FixedGasMeter
	orderGasObserver = func(m *FixedGasMeter) { meters = append(meters, m) }
	defer func() { orderGasObserver = nil }()
	w := newDetWorld(t)
	c := newDetChain(t, w)
	c.setup()
	g := newDetGen(detSeed + 1)
	worst, n := 0.0, 0
	check := func() {
		for _, m := range meters {
			require.LessOrEqual(t, m.Real(), m.Fixed(), "real gas above the fixed gas: %s", m)
			worst = max(worst, float64(m.Real())/float64(m.Fixed()))
			n++
		}
		meters = meters[:0]
	}
	h := int64(2)
	for ; h < 120; h++ {
		c.deliver(h, g.block(c, h))
		check()
		if h%20 == 0 {
			next, _, _ := deliverProbes(t, c, h+1, int(h), false)
			h = next - 1
			check()
		}
	}
	require.Positive(t, n)
	t.Logf("%d order txs: worst real/fixed gas %.2f", n, worst)
}
