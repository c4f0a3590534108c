package app

import (
	"fmt"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/x/authz"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	"github.com/clearchain/clearchain/client"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangekeeper "github.com/clearchain/clearchain/x/exchange/keeper"
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
	// The probes place up to 5 live orders of one owner, on top of the
	// random flow's: above the determinism test's cap of 4 (refused in
	// DeliverTx), which is not what this test measures.
	w.maxOpenOrdersOwner = 1000
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
	// A rate limit no one reaches: every order tx also reads and writes its
	// owner's window.
	p := c.app.ExchangeKeeper.GetParams(c.queryCtx())
	p.MaxOrdersPerWindow, p.RateLimitWindowBlocks = 1_000_000, 10
	c.deliver(2, []detTx{{w.regulator, []sdk.Msg{&exchangetypes.MsgUpdateParams{Authority: w.regulator.addr.String(), Params: p}}}})
	meters = meters[:0]
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
	h := int64(3)
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

// TestRateLimitRefusalsAreCounted: with a limit of 5 orders per 10 blocks,
// an account's txs pass until their orders would pass 5; the next tx with
// orders is refused (ErrRateLimited, reason rate-limited, no order queued),
// yet the refusal is counted and kept, as the RateLimit query shows;
// heartbeats and cancels are not charged; CheckTx pre-refuses a tx over the
// limit; the next window starts afresh and keeps the total of refusals.
func TestRateLimitRefusalsAreCounted(t *testing.T) {
	w := newDetWorld(t)
	c := newDetChain(t, w)
	c.setup()
	p := c.app.ExchangeKeeper.GetParams(c.queryCtx())
	p.MaxOrdersPerWindow, p.RateLimitWindowBlocks = 5, 10
	res := c.deliver(2, []detTx{{w.regulator, []sdk.Msg{&exchangetypes.MsgUpdateParams{Authority: w.regulator.addr.String(), Params: p}}}})
	require.Zero(t, res[0].Code, res[0].Log)

	mm := w.traders[3]
	o := mm.addr.String()
	n := 0
	place := func() exchangetypes.OrderSpec {
		n++
		return exchangetypes.OrderSpec{MarketId: mktContinuous, Side: exchangetypes.Side_SIDE_BUY, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
			TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: 900 - int64(n), Quantity: 1, ClientOrderId: fmt.Sprintf("rl-%d", n)}
	}
	q := exchangekeeper.NewQuerier(c.app.ExchangeKeeper)
	rate := func() *exchangetypes.QueryRateLimitResponse {
		r, err := q.RateLimit(c.queryCtx(), &exchangetypes.QueryRateLimitRequest{Address: o})
		require.NoError(t, err)
		return r
	}
	res = c.deliver(3, []detTx{
		{mm, []sdk.Msg{&exchangetypes.MsgBatch{Owner: o, Places: []exchangetypes.OrderSpec{place(), place()}}}},                                           // 2
		{mm, []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: o, Order: place()}}},                                                                           // 3
		{mm, []sdk.Msg{&exchangetypes.MsgBatch{Owner: o, Places: []exchangetypes.OrderSpec{place(), place(), place()}}}},                                  // 6 > 5: refused
		{mm, []sdk.Msg{&exchangetypes.MsgHeartbeat{Owner: o, WindowBlocks: 100}}},                                                                         // not charged
		{mm, []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: o, Order: place()}, &exchangetypes.MsgDeposit{Owner: o, Amount: sdk.NewInt64Coin(w.eurc, 1)}}}, // 4, mixed tx
	})
	for i, want := range []bool{true, true, false, true, true} {
		require.Equal(t, want, res[i].Code == 0, "tx %d: code %d %s", i, res[i].Code, res[i].Log)
	}
	require.Equal(t, exchangetypes.ModuleName, res[2].Codespace)
	require.Equal(t, exchangetypes.ErrRateLimited.ABCICode(), res[2].Code, res[2].Log)
	require.Contains(t, res[2].Log, "rate-limited")
	require.Equal(t, exchangetypes.OrderReason_ORDER_REASON_RATE_LIMITED, exchangetypes.ErrorReason(exchangetypes.ErrRateLimited))
	require.Len(t, c.live[3], 4, "the refused batch queued nothing")
	require.Equal(t, &exchangetypes.QueryRateLimitResponse{Used: 4, Limit: 5, Refusals: 1, RefusalsTotal: 1, WindowBlocks: 10, WindowStart: 0}, rate())

	res = c.deliver(4, []detTx{
		{mm, []sdk.Msg{&exchangetypes.MsgCancelReplace{Owner: o, MarketId: mktContinuous, ClientOrderId: "rl-1", Price: 880, Quantity: 2}}}, // 5
		{mm, []sdk.Msg{&exchangetypes.MsgCancelOrder{Owner: o, MarketId: mktContinuous, ClientOrderId: "rl-2"}}},                            // not charged
		{mm, []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: o, Order: place()}}},                                                             // refused
	})
	for i, want := range []bool{true, true, false} {
		require.Equal(t, want, res[i].Code == 0, "tx %d: code %d %s", i, res[i].Code, res[i].Log)
	}
	require.Equal(t, &exchangetypes.QueryRateLimitResponse{Used: 5, Limit: 5, Refusals: 2, RefusalsTotal: 2, WindowBlocks: 10, WindowStart: 0}, rate())

	// CheckTx refuses a tx over the limit before it reaches a block.
	s, err := client.NewSigner(mm.priv, simChainID, mm.num, "")
	require.NoError(t, err)
	raw, err := s.SignUnordered(blockTime(5), &exchangetypes.MsgPlaceOrder{Owner: o, Order: place()})
	require.NoError(t, err)
	ct, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	require.Equal(t, exchangetypes.ErrRateLimited.ABCICode(), ct.Code, ct.Log)

	// The next window (heights 10–19) starts afresh and keeps the total.
	for h := int64(5); h < 10; h++ {
		c.deliver(h, nil)
	}
	res = c.deliver(10, []detTx{{mm, []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: o, Order: place()}}}})
	require.Zero(t, res[0].Code, res[0].Log)
	require.Equal(t, &exchangetypes.QueryRateLimitResponse{Used: 1, Limit: 5, Refusals: 0, RefusalsTotal: 2, WindowBlocks: 10, WindowStart: 10}, rate())
}

// rateLimitPathScenario sets a limit of 3 orders per 10 blocks (heights 0–9)
// and has trader 3's orders sent by another path than its own txs: send
// returns the tx that places a batch of n of trader 3's orders (or, for a
// contract, of the contract's). Two batches of 2 are sent: the first passes,
// the second would pass the limit and must be refused, and the refusal
// counted. It returns the gas used by the two txs. With restart, the app
// restarts between them.
func rateLimitPathScenario(t *testing.T, c *detChain, owner string, prepare func(h int64) int64,
	send func(n int, tag string) detTx, restart bool) []int64 {
	w := c.w
	p := c.app.ExchangeKeeper.GetParams(c.queryCtx())
	p.MaxOrdersPerWindow, p.RateLimitWindowBlocks = 3, 10
	res := c.deliver(2, []detTx{{w.regulator, []sdk.Msg{&exchangetypes.MsgUpdateParams{Authority: w.regulator.addr.String(), Params: p}}}})
	require.Zero(t, res[0].Code, res[0].Log)
	h := prepare(3)
	require.Less(t, h, int64(9), "the scenario must fit in the first window")

	rate := func() *exchangetypes.QueryRateLimitResponse {
		q := exchangekeeper.NewQuerier(c.app.ExchangeKeeper) // the app restarts
		r, err := q.RateLimit(c.queryCtx(), &exchangetypes.QueryRateLimitRequest{Address: owner})
		require.NoError(t, err)
		return r
	}
	var gas []int64
	res = c.deliver(h, []detTx{send(2, "a")})
	require.Zero(t, res[0].Code, "within the limit: %s", res[0].Log)
	gas = append(gas, res[0].GasUsed)
	require.Equal(t, &exchangetypes.QueryRateLimitResponse{Used: 2, Limit: 3, WindowBlocks: 10, WindowStart: 0}, rate(),
		"the orders were charged to their owner")
	if restart {
		c.restart()
	}
	res = c.deliver(h+1, []detTx{send(2, "b")})
	require.NotZero(t, res[0].Code, "2+2 orders pass the limit of 3: the tx must be refused")
	require.Contains(t, res[0].Log, "order rate limit exceeded")
	require.Contains(t, res[0].Log, "rate-limited")
	gas = append(gas, res[0].GasUsed)
	require.Equal(t, &exchangetypes.QueryRateLimitResponse{Used: 2, Limit: 3, Refusals: 1, RefusalsTotal: 1, WindowBlocks: 10, WindowStart: 0}, rate(),
		"the refusal is counted although the refused messages rolled back")
	return gas
}

// rateLimitBatch is a batch of n resting buys on market m with client ids
// tag-0..tag-(n-1).
func rateLimitBatch(owner string, m uint64, n int, tag string) *exchangetypes.MsgBatch {
	b := &exchangetypes.MsgBatch{Owner: owner}
	for i := 0; i < n; i++ {
		b.Places = append(b.Places, exchangetypes.OrderSpec{MarketId: m, Side: exchangetypes.Side_SIDE_BUY,
			Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT, TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC,
			Price: 400 - int64(i), Quantity: 1, ClientOrderId: fmt.Sprintf("%s-%d", tag, i)})
	}
	return b
}

// TestRateLimitCountsAuthzGranteeOrders: a grantee's authz MsgExec placing
// the granter's orders is charged to the granter (the orders' owner), and
// past the limit it is refused and the refusal counted. Gas used is the same
// on a node that restarted in between.
func TestRateLimitCountsAuthzGranteeOrders(t *testing.T) {
	var gas [][]int64
	for _, restart := range []bool{false, true} {
		w := newDetWorld(t)
		c := newDetChain(t, w)
		c.setup()
		granter, grantee := w.traders[3], w.traders[4]
		o := granter.addr.String()
		prepare := func(h int64) int64 {
			grant, err := authz.NewMsgGrant(granter.addr, grantee.addr,
				authz.NewGenericAuthorization(sdk.MsgTypeURL(&exchangetypes.MsgBatch{})), nil)
			require.NoError(t, err)
			res := c.deliver(h, []detTx{{granter, []sdk.Msg{grant}}})
			require.Zero(t, res[0].Code, res[0].Log)
			return h + 1
		}
		send := func(n int, tag string) detTx {
			exec := authz.NewMsgExec(grantee.addr, []sdk.Msg{rateLimitBatch(o, mktContinuous, n, "authz-"+tag)})
			return detTx{grantee, []sdk.Msg{&exec}}
		}
		gas = append(gas, rateLimitPathScenario(t, c, o, prepare, send, restart))
	}
	require.Equal(t, gas[0], gas[1], "gas used differs on a node that restarted")
}

// TestRateLimitCountsContractOrders: orders a contract dispatches (wasmd's
// reflect contract sends exchange messages with itself as owner, the path
// the data-asset contract's bindings take) are charged to the contract, and
// past the limit they are refused and the refusal counted. Gas used is the
// same on a node that restarted in between.
func TestRateLimitCountsContractOrders(t *testing.T) {
	var gas [][]int64
	for _, restart := range []bool{false, true} {
		w := newDetWorld(t)
		c := newDetChain(t, w)
		c.setup()
		contract := gateContract(1)
		o := contract.String()
		prepare := func(h int64) int64 {
			is, reg := w.issuer.addr.String(), w.regulator.addr.String()
			for _, tx := range []detTx{
				{w.issuer, []sdk.Msg{&wasmtypes.MsgStoreCode{Sender: is, WASMByteCode: reflectWasm(t)}}},
				{w.issuer, []sdk.Msg{&wasmtypes.MsgInstantiateContract{Sender: is, CodeID: 1, Label: "reflect", Msg: []byte(`{}`),
					Funds: sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 10_000_000))}}},
				{w.regulator, []sdk.Msg{&compliancetypes.MsgGrantLicence{Authority: reg, Address: o, EntityId: 3,
					Roles: []compliancetypes.Role{compliancetypes.RoleMarketMaker}, Reason: "contract market maker"}}},
			} {
				res := c.deliver(h, []detTx{tx})
				require.Zero(t, res[0].Code, "height %d: %s", h, res[0].Log)
				h++
			}
			return h
		}
		send := func(n int, tag string) detTx {
			e := &gateEnv{t: t}
			deposit := &exchangetypes.MsgDeposit{Owner: o, Amount: sdk.NewInt64Coin(BondDenom, 10_000)}
			return detTx{w.issuer, []sdk.Msg{e.reflect(w.issuer, contract, deposit, rateLimitBatch(o, mktAuction, n, "wasm-"+tag))}}
		}
		gas = append(gas, rateLimitPathScenario(t, c, o, prepare, send, restart))
	}
	require.Equal(t, gas[0], gas[1], "gas used differs on a node that restarted")
}
