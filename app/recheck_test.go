package app

import (
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
	"github.com/cosmos/cosmos-sdk/x/feegrant"

	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// The mempool's recheck (CometBFT runs ReCheckTx on every waiting tx after
// each block) takes the ante handler's ReCheckTx path (ante.go): only the
// checks a committed block can turn. These tests drive the real app's
// CheckTx/ReCheckTx and FinalizeBlock: a tx that a block made invalid is
// refused on recheck (CometBFT then evicts it), one still valid passes.

func recheckTx(t *testing.T, e *gateEnv, raw []byte) *abci.ResponseCheckTx {
	t.Helper()
	res, err := e.app.CheckTx(&abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_Recheck})
	require.NoError(t, err)
	return res
}

func recheckOrder(e *gateEnv, from *detAccount) []byte {
	return e.signer.sign(detTx{from, []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: from.addr.String(), Order: exchangetypes.OrderSpec{
		MarketId: 1, Side: exchangetypes.Side_SIDE_BUY, Price: 100, Quantity: 1}}}})
}

// TestReCheckEvictsTxWhoseSequenceWasUsed: two txs of one signer wait in
// the mempool (sequences s, s+1); a block commits another tx of sequence s
// (sent through another node). On recheck the first is refused (sequence
// mismatch), the second still passes.
func TestReCheckEvictsTxWhoseSequenceWasUsed(t *testing.T) {
	e := newGateEnv(t)
	s := e.inst.seq
	first := sigCacheSend(e, e.inst, e.plain)
	second := sigCacheSend(e, e.inst, e.plain)
	require.Zero(t, checkTx(t, e, first).Code)
	require.Zero(t, checkTx(t, e, second).Code)

	e.inst.seq = s
	other := e.signer.sign(detTx{e.inst, []sdk.Msg{banktypes.NewMsgSend(e.inst.addr, e.regulator.addr, sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 2)))}})
	res := e.deliverRaw(other)
	require.Zero(t, res[0].Code, res[0].Log)

	r := recheckTx(t, e, first)
	require.Equal(t, sdkerrors.ErrWrongSequence.ABCICode(), r.Code, "a tx whose sequence a block used passed recheck: %s", r.Log)
	r = recheckTx(t, e, second)
	require.Zero(t, r.Code, "the signer's next tx was refused on recheck: %s", r.Log)
}

// TestReCheckEvictsTxOfARevokedSigner: an order of a licensed institution
// waits in the mempool; the regulator revokes the licence in a block; on
// recheck the order is refused by the compliance checks.
func TestReCheckEvictsTxOfARevokedSigner(t *testing.T) {
	e := newGateEnv(t)
	// With a fee an unlicensed signer would pay: the gate, not the fee
	// decorator, must refuse it.
	order := e.signFee(feeTx{signers: []*detAccount{e.inst}, fee: sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1_000_000)),
		msgs: []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: e.inst.addr.String(), Order: exchangetypes.OrderSpec{
			MarketId: 1, Side: exchangetypes.Side_SIDE_BUY, Price: 100, Quantity: 1}}}})
	require.Zero(t, checkTx(t, e, order).Code)
	e.mustDeliver(e.regulator, &compliancetypes.MsgRevokeLicence{Authority: e.regulator.addr.String(), Address: e.inst.addr.String(), Reason: "test"})

	r := recheckTx(t, e, order)
	require.NotZero(t, r.Code, "an order of a revoked signer passed recheck")
	require.Contains(t, r.Log, "lacks licence role", "not refused by the gate")
	t.Logf("codespace %s code %d: %s", r.Codespace, r.Code, r.Log)
}

// TestReCheckEvictsTxOfAFrozenSigner: as above with a freeze.
func TestReCheckEvictsTxOfAFrozenSigner(t *testing.T) {
	e := newGateEnv(t)
	order := recheckOrder(e, e.inst)
	require.Zero(t, checkTx(t, e, order).Code)
	e.mustDeliver(e.regulator, &compliancetypes.MsgFreezeAccount{Authority: e.regulator.addr.String(), Address: e.inst.addr.String(), Reason: "test"})

	r := recheckTx(t, e, order)
	require.NotZero(t, r.Code, "an order of a frozen signer passed recheck")
	t.Logf("codespace %s code %d: %s", r.Codespace, r.Code, r.Log)
}

// TestReCheckEvictsTxWhoseFeeGrantWasRevoked: a tx whose fee a granter
// pays waits in the mempool; a block commits the granter's revocation of
// the allowance; on recheck the fee cannot be paid.
func TestReCheckEvictsTxWhoseFeeGrantWasRevoked(t *testing.T) {
	e := newGateEnv(t)
	grant, err := feegrant.NewMsgGrantAllowance(&feegrant.BasicAllowance{}, e.regulator.addr, e.inst.addr)
	require.NoError(t, err)
	e.mustDeliver(e.regulator, grant)
	paying := e.signFee(feeTx{signers: []*detAccount{e.inst}, fee: sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1_000_000)),
		granter: e.regulator.addr,
		msgs:    []sdk.Msg{banktypes.NewMsgSend(e.inst.addr, e.plain.addr, sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1)))}})
	require.Zero(t, checkTx(t, e, paying).Code)
	revoke := feegrant.NewMsgRevokeAllowance(e.regulator.addr, e.inst.addr)
	e.mustDeliver(e.regulator, &revoke)

	r := recheckTx(t, e, paying)
	require.NotZero(t, r.Code, "a tx whose fee grant was revoked passed recheck")
	t.Log(r.Log)
}

// BenchmarkReCheckTx: the mempool's recheck after a block of 50 waiting
// MsgBatch txs (50 orders each) of one institution: ns, allocations and
// process CPU per rechecked tx. Each round commits an empty block (outside
// the timer), which resets the check state, then rechecks all 50 in order.
func BenchmarkReCheckTx(b *testing.B) {
	t := &testing.T{}
	e := newGateEnv(t)
	e.t = t
	const n = 50
	raws := make([][]byte, n)
	for i := range raws {
		places := make([]exchangetypes.OrderSpec, 50)
		for j := range places {
			places[j] = exchangetypes.OrderSpec{MarketId: 1, Side: exchangetypes.Side_SIDE_BUY, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
				TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: int64(100 + j), Quantity: 5}
		}
		raws[i] = e.signer.sign(detTx{e.inst, []sdk.Msg{&exchangetypes.MsgBatch{Owner: e.inst.addr.String(), Places: places}}})
		res, err := e.app.CheckTx(&abci.RequestCheckTx{Tx: raws[i], Type: abci.CheckTxType_New})
		if err != nil || res.Code != 0 {
			b.Fatalf("CheckTx %d: %v %s", i, err, res.GetLog())
		}
	}
	b.ReportAllocs()
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		e.deliverRaw()
		c0 := cpuTime()
		b.StartTimer()
		for _, raw := range raws {
			res, err := e.app.CheckTx(&abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_Recheck})
			if err != nil || res.Code != 0 {
				b.Fatalf("ReCheckTx: %v %s", err, res.GetLog())
			}
		}
		b.StopTimer()
		cpu += cpuTime() - c0
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N*n), "cpu-us/tx")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/tx")
}

// TestReCheckUsesTheDecodedTx: a tx that passed CheckTx is rechecked from
// its decoded form (a cache hit, no decode); once delivered its entry is
// gone (a later recheck of the same bytes decodes, and is refused: its
// sequence was used); a tx refused on recheck loses its entry.
func TestReCheckUsesTheDecodedTx(t *testing.T) {
	e := newGateEnv(t)
	raw := sigCacheSend(e, e.inst, e.plain)
	require.Zero(t, checkTx(t, e, raw).Code)
	h0, m0 := e.app.DecodedTxs.Stats()
	e.deliverRaw()
	require.Zero(t, recheckTx(t, e, raw).Code)
	h1, m1 := e.app.DecodedTxs.Stats()
	require.Equal(t, h0+1, h1, "the recheck decoded the tx again")
	require.Equal(t, m0, m1)

	res := e.deliverRaw(raw)
	require.Zero(t, res[0].Code, res[0].Log)
	r := recheckTx(t, e, raw)
	require.Equal(t, sdkerrors.ErrWrongSequence.ABCICode(), r.Code, r.Log)
	h2, m2 := e.app.DecodedTxs.Stats()
	require.Equal(t, h1, h2, "a delivered tx was still cached")
	require.Equal(t, m1+1, m2)
}
