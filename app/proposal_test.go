package app

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protowire"
	protov2 "google.golang.org/protobuf/proto"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/authz"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// batchOf is a MsgBatch of n buy orders of tr (well-formed; the market need
// not exist: the cap counts messages, it does not run them).
func batchOf(tr *detAccount, n int) *exchangetypes.MsgBatch {
	b := &exchangetypes.MsgBatch{Owner: tr.addr.String()}
	for i := 0; i < n; i++ {
		b.Places = append(b.Places, exchangetypes.OrderSpec{MarketId: 1, Side: exchangetypes.Side_SIDE_BUY, Price: 100 + int64(i), Quantity: 1})
	}
	return b
}

// TestProposalOverTheOrderCap: the proposer built blocks of whatever the
// mempool held (one 33k-order block took 63 s). A proposal of 120 txs of 50
// orders (6,000 orders, over the default cap of 5,000) is trimmed by
// PrepareProposal to the first 100 txs, in order; ProcessProposal rejects
// the untrimmed proposal (a byzantine proposer) without an error and
// accepts the trimmed one. Failed before app/proposal.go: all 120 txs were
// proposed and accepted.
func TestProposalOverTheOrderCap(t *testing.T) {
	w := newDetWorld(t)
	c := newDetChain(t, w)
	limit := c.app.ExchangeKeeper.GetParams(c.queryCtx()).ProposalOrderCap()
	require.Equal(t, uint64(exchangetypes.DefaultMaxProposalOrders), limit)

	const perTx = 50
	n := int(limit)/perTx + 20
	txs := make([][]byte, n)
	for i := range txs {
		tr := w.traders[i%len(w.traders)]
		txs[i] = c.sign(detTx{tr, []sdk.Msg{batchOf(tr, perTx)}})
	}
	const h = 1 // vote extensions start after height 1: no injected votes here
	prep, err := c.app.PrepareProposal(&abci.RequestPrepareProposal{
		Txs: txs, MaxTxBytes: 22020096, Height: h, Time: blockTime(h),
		NextValidatorsHash: w.valSet.Hash(), ProposerAddress: w.valSet.Validators[0].Address,
	})
	require.NoError(t, err)
	want := int(limit) / perTx
	require.Len(t, prep.Txs, want, "the proposal carries more than max_proposal_orders")
	require.Equal(t, txs[:want], prep.Txs, "the proposal is not the mempool's first txs in order")

	process := func(txs [][]byte) abci.ResponseProcessProposal_ProposalStatus { return c.processProposal(h, txs) }
	require.Equal(t, abci.ResponseProcessProposal_REJECT, process(txs), "a proposal over the order cap was accepted")
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, process(prep.Txs))
	// Undecodable bytes are not the cap's business: left to delivery.
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, process(append([][]byte{{0xff, 0x01}}, prep.Txs...)))
}

// processProposal runs ProcessProposal of txs at height h; it must never
// return an error.
func (c *detChain) processProposal(h int64, txs [][]byte) abci.ResponseProcessProposal_ProposalStatus {
	res, err := c.app.ProcessProposal(&abci.RequestProcessProposal{
		Txs: txs, Height: h, Time: blockTime(h),
		NextValidatorsHash: c.w.valSet.Hash(), ProposerAddress: c.w.valSet.Validators[0].Address,
	})
	require.NoError(c.t, err, "ProcessProposal must never error")
	return res.Status
}

// TestTxOverTheOrderCapRefusedInCheckTx: a tx carrying more orders than a
// block may could never be proposed, and its signer's later txs would wait
// behind it in the mempool forever. CheckTx refuses it (ErrTxTooLarge),
// also when the orders hide in an authz MsgExec; a tx at the cap passes.
func TestTxOverTheOrderCapRefusedInCheckTx(t *testing.T) {
	w := newDetWorld(t)
	c := newDetChain(t, w)
	limit := int(c.app.ExchangeKeeper.GetParams(c.queryCtx()).ProposalOrderCap())
	tr := w.traders[0]
	check := func(msgs []sdk.Msg) *abci.ResponseCheckTx {
		raw := c.sign(detTx{tr, msgs})
		tr.seq--
		res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
		require.NoError(t, err)
		return res
	}
	batches := func(orders int) []sdk.Msg {
		var msgs []sdk.Msg
		for ; orders > 0; orders -= 200 {
			msgs = append(msgs, batchOf(tr, min(orders, 200)))
		}
		return msgs
	}
	res := check(batches(limit + 1))
	require.Equal(t, sdkerrors.ErrTxTooLarge.ABCICode(), res.Code, res.Log)
	require.Contains(t, res.Log, "max_proposal_orders")

	exec := authz.NewMsgExec(w.traders[1].addr, batches(limit+1))
	res = check([]sdk.Msg{&exec})
	require.Equal(t, sdkerrors.ErrTxTooLarge.ABCICode(), res.Code, res.Log)

	res = check(batches(limit))
	require.NotEqual(t, sdkerrors.ErrTxTooLarge.ABCICode(), res.Code, res.Log)
}

func TestOrdersIn(t *testing.T) {
	tr := newDetAccount("x")
	o := tr.addr.String()
	exec := authz.NewMsgExec(tr.addr, []sdk.Msg{batchOf(tr, 7), &exchangetypes.MsgCancelOrder{Owner: o}})
	require.Equal(t, uint64(0), ordersIn(nil))
	require.Equal(t, uint64(1+3+1+1+1+1+8), ordersIn([]sdk.Msg{
		&exchangetypes.MsgPlaceOrder{Owner: o},
		&exchangetypes.MsgBatch{Owner: o, Cancels: make([]exchangetypes.CancelSpec, 1), Places: make([]exchangetypes.OrderSpec, 2)},
		&exchangetypes.MsgCancelOrder{Owner: o}, &exchangetypes.MsgCancelReplace{Owner: o},
		&exchangetypes.MsgMassCancel{Owner: o}, &exchangetypes.MsgForceCancel{},
		&exchangetypes.MsgHeartbeat{Owner: o}, &exchangetypes.MsgDeposit{Owner: o},
		&exec,
	}))
	// A MsgExec nested beyond maxExecDepth counts as more than any cap
	// (never proposed), without error or panic.
	var deep sdk.Msg = &exchangetypes.MsgPlaceOrder{Owner: o}
	for range maxExecDepth + 2 {
		e := authz.NewMsgExec(tr.addr, []sdk.Msg{deep})
		deep = &e
	}
	require.GreaterOrEqual(t, ordersIn([]sdk.Msg{deep}), uint64(^uint32(0)))
}

// TestMaxProposalOrdersParam: 0 means the default; a cap below
// max_batch_size (a full batch could never be proposed) is invalid.
func TestMaxProposalOrdersParam(t *testing.T) {
	p := exchangetypes.DefaultParams()
	require.NoError(t, p.Validate())
	require.Equal(t, uint64(exchangetypes.DefaultMaxProposalOrders), p.ProposalOrderCap())
	p.MaxProposalOrders = p.MaxBatchSize - 1
	require.ErrorIs(t, p.Validate(), exchangetypes.ErrInvalidParams)
	p.MaxProposalOrders = p.MaxBatchSize
	require.NoError(t, p.Validate())
	require.Equal(t, uint64(p.MaxBatchSize), p.ProposalOrderCap())
}

// selTx is a mempool tx as a TxSelector sees it: messages and a gas limit.
type selTx struct {
	msgs []sdk.Msg
	gas  uint64
}

func (t selTx) GetMsgs() []sdk.Msg                    { return t.msgs }
func (t selTx) GetMsgsV2() ([]protov2.Message, error) { return nil, nil }
func (t selTx) GetGas() uint64                        { return t.gas }

type fixedParams exchangetypes.Params

func (p fixedParams) GetParams(context.Context) exchangetypes.Params {
	return exchangetypes.Params(p)
}

// TestOrderCapSelectorSelectsAsTheSDK: under the order cap the selector
// takes exactly the txs the SDK's default selector takes, and answers stop
// when it does — for byte limits, gas limits and no gas limit — and with
// the cap it stops at the cap.
func TestOrderCapSelectorSelectsAsTheSDK(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(27, 1))
	place := &exchangetypes.MsgPlaceOrder{}
	for trial := range 200 {
		maxBytes := uint64(200 + rng.IntN(20_000))
		maxGas := uint64(0)
		if trial%3 != 0 {
			maxGas = uint64(1_000 + rng.IntN(200_000))
		}
		sdkSel := baseapp.NewDefaultTxSelector()
		ours := newOrderCapSelector(fixedParams{MaxProposalOrders: 1 << 30})
		for i := range 300 {
			tx := selTx{gas: uint64(rng.IntN(20_000))}
			for range rng.IntN(3) {
				tx.msgs = append(tx.msgs, place)
			}
			bz := make([]byte, 1+rng.IntN(400))
			bz[0] = byte(i)
			wantStop := sdkSel.SelectTxForProposal(ctx, maxBytes, maxGas, tx, bz)
			gotStop := ours.SelectTxForProposal(ctx, maxBytes, maxGas, tx, bz)
			require.Equal(t, wantStop, gotStop, "trial %d tx %d: stop", trial, i)
			require.Equal(t, sdkSel.SelectedTxs(ctx), ours.SelectedTxs(ctx), "trial %d tx %d: selection", trial, i)
			if wantStop {
				break
			}
		}
		ours.Clear()
		require.Empty(t, ours.SelectedTxs(ctx))
	}

	capped := newOrderCapSelector(fixedParams{MaxProposalOrders: 5})
	for i := range 10 {
		stop := capped.SelectTxForProposal(ctx, 1<<20, 0, selTx{msgs: []sdk.Msg{place, place}}, []byte{byte(i)})
		if stop {
			require.Equal(t, 2, i, "the cap of 5 orders: 2 txs of 2 taken, the third does not fit")
			break
		}
	}
	require.Len(t, capped.SelectedTxs(ctx), 2)
}

// TestOrderCapSelectorIsLinear: selecting a block's txs allocates a few
// times for the whole block, not per tx (it copied the whole selection
// for every tx: ~2 allocations a tx and quadratic copying).
func TestOrderCapSelectorIsLinear(t *testing.T) {
	ctx := context.Background()
	s := newOrderCapSelector(fixedParams{MaxProposalOrders: 10_000})
	var tx sdk.Tx = selTx{msgs: []sdk.Msg{&exchangetypes.MsgPlaceOrder{}}, gas: 1_000}
	bz := make([]byte, 200)
	allocs := testing.AllocsPerRun(5, func() {
		s.Clear()
		for range 5_000 {
			s.SelectTxForProposal(ctx, 1<<30, 1<<40, tx, bz)
		}
	})
	require.Len(t, s.SelectedTxs(ctx), 5_000)
	require.LessOrEqual(t, allocs, 100.0, "allocations to select 5,000 txs")
}

// BenchmarkOrderCapSelector: PrepareProposal's selection of a block of n
// single-order txs.
func BenchmarkOrderCapSelector(b *testing.B) {
	ctx := context.Background()
	var tx sdk.Tx = selTx{msgs: []sdk.Msg{&exchangetypes.MsgPlaceOrder{}}, gas: 1_000}
	bz := make([]byte, 250)
	for _, n := range []int{1_300, 5_000} {
		b.Run(fmt.Sprintf("txs=%d", n), func(b *testing.B) {
			s := newOrderCapSelector(fixedParams{MaxProposalOrders: 10_000})
			b.ReportAllocs()
			for b.Loop() {
				s.Clear()
				for range n {
					s.SelectTxForProposal(ctx, 1<<30, 1<<40, tx, bz)
				}
				_ = s.SelectedTxs(ctx)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/tx")
		})
	}
}

// TestOrderCapSelectorHostileTxs: what a proposer's mempool or a governance
// proposal can hand PrepareProposal's selector — undecodable txs (no
// decoded tx), empty and oversized bytes, a tx over the gas limit, a tx of
// more orders than the cap, nested authz MsgExec deeper than the counter
// opens, the smallest cap governance can set (1) — never panics, never
// selects what does not fit, and leaves the block valid for the cap.
func TestOrderCapSelectorHostileTxs(t *testing.T) {
	ctx := context.Background()
	place := &exchangetypes.MsgPlaceOrder{}
	deep := sdk.Msg(place)
	for range maxExecDepth + 2 {
		exec := authz.NewMsgExec(sdk.AccAddress(make([]byte, 20)), []sdk.Msg{deep})
		deep = &exec
	}
	hostile := []struct {
		tx sdk.Tx
		bz []byte
	}{
		{nil, nil},                 // undecodable, empty
		{nil, make([]byte, 5_000)}, // undecodable, over the byte limit
		{selTx{gas: 1 << 62, msgs: []sdk.Msg{place}}, []byte{1}}, // over the gas limit
		{selTx{msgs: []sdk.Msg{place, place, place}}, []byte{2}}, // more orders than the cap
		{selTx{msgs: []sdk.Msg{deep}}, []byte{3}},                // nested deeper than counted
		{selTx{msgs: []sdk.Msg{place}}, []byte{4}},               // fits
		{selTx{msgs: []sdk.Msg{place}}, []byte{5}},               // over the cap of 1
	}
	for _, cap := range []uint32{1, 2} {
		s := newOrderCapSelector(fixedParams{MaxProposalOrders: cap})
		var orders uint64
		require.NotPanics(t, func() {
			for _, h := range hostile {
				if s.SelectTxForProposal(ctx, 4_096, 1_000_000, h.tx, h.bz) {
					break
				}
			}
		})
		var size int
		for _, bz := range s.SelectedTxs(ctx) {
			size += 1 + protowire.SizeBytes(len(bz))
			for _, h := range hostile {
				if bytes.Equal(h.bz, bz) && h.tx != nil {
					orders += ordersIn(h.tx.GetMsgs())
				}
			}
		}
		require.LessOrEqual(t, size, 4_096, "cap %d: selected bytes", cap)
		require.LessOrEqual(t, orders, uint64(cap), "cap %d: selected orders", cap)
		require.NotContains(t, s.SelectedTxs(ctx), hostile[1].bz, "cap %d: an oversized tx was selected", cap)
		require.NotContains(t, s.SelectedTxs(ctx), hostile[2].bz, "cap %d: a tx over the gas limit was selected", cap)
	}
}
