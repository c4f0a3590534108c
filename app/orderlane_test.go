package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"math/big"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	dcrsecp "github.com/decred/dcrd/dcrec/secp256k1/v4"
	dcrecdsa "github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"

	"github.com/clearchain/clearchain/client"
	compliancetypes "github.com/clearchain/clearchain/x/compliance/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

func laneSpec(price int64, cid string) exchangetypes.OrderSpec {
	return exchangetypes.OrderSpec{MarketId: mktContinuous, Side: exchangetypes.Side_SIDE_BUY, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
		TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: price, Quantity: 5, ClientOrderId: cid}
}

// laneSign signs a lane tx by hand: key signs, owner owns the order.
func laneSign(t testing.TB, key *secp256k1.PrivKey, pub []byte, chainID, owner string, spec exchangetypes.OrderSpec, timeout time.Time) []byte {
	order, err := (&exchangetypes.MsgPlaceOrder{Owner: owner, Order: spec}).Marshal()
	require.NoError(t, err)
	nanos := uint64(timeout.UnixNano())
	sig, err := key.Sign(exchangetypes.LaneSignDoc(chainID, nanos, order))
	require.NoError(t, err)
	return exchangetypes.EncodeLaneTx(order, nanos, pub, sig)
}

// highS returns bz with its signature's s replaced by N - s: the same
// signature for ECDSA, refused by the lane's low-s rule (no malleable twin).
func highS(t *testing.T, bz []byte) []byte {
	o, err := exchangetypes.DecodeLaneTx(bz)
	require.NoError(t, err)
	n, _ := new(big.Int).SetString("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)
	sBig := new(big.Int).SetBytes(o.Signature[32:])
	sig := append(bytes.Clone(o.Signature[:32]), new(big.Int).Sub(n, sBig).FillBytes(make([]byte, 32))...)
	// The twin is a valid ECDSA signature (dcrd's Verify has no low-s rule).
	var r, sc dcrsecp.ModNScalar
	r.SetByteSlice(sig[:32])
	sc.SetByteSlice(sig[32:])
	pub, err := dcrsecp.ParsePubKey(o.PubKey)
	require.NoError(t, err)
	digest := sha256.Sum256(exchangetypes.LaneSignDoc(simChainID, o.TimeoutUnixNano, o.OrderBytes))
	require.True(t, dcrecdsa.NewSignature(&r, &sc).Verify(digest[:], pub), "the high-s twin must be a valid ECDSA signature")
	return exchangetypes.EncodeLaneTx(o.OrderBytes, o.TimeoutUnixNano, o.PubKey, sig)
}

// newLaneChain is a set-up chain and a client signer for its market maker
// gamma (traders[3]).
func newLaneChain(t *testing.T) (*detChain, *detAccount, *client.Signer) {
	c := newDetChain(t, newDetWorld(t))
	c.setup()
	mm := c.w.traders[3]
	s, err := client.NewSigner(mm.priv, simChainID, mm.num, "")
	require.NoError(t, err)
	return c, mm, s
}

func (c *detChain) checkTx(bz []byte, typ abci.CheckTxType) *abci.ResponseCheckTx {
	res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: bz, Type: typ})
	require.NoError(c.t, err)
	return res
}

// TestLaneOrder_PlacedOnceWithoutTheSequence: a lane tx passes CheckTx and
// its block, its order rests like an SDK tx's with the fixed order gas, the
// owner's sequence and balances do not move (no fee); the same bytes are
// refused in CheckTx while the first waits, on recheck once delivered, and
// in a later block.
func TestLaneOrder_PlacedOnceWithoutTheSequence(t *testing.T) {
	c, mm, s := newLaneChain(t)
	ctx := c.queryCtx()
	accBefore := c.app.AccountKeeper.GetAccount(ctx, mm.addr)
	balBefore := c.app.BankKeeper.GetAllBalances(ctx, mm.addr)
	liveBefore := len(c.live[3])

	h := c.app.LastBlockHeight() + 1
	bz, err := s.SignLaneOrder(blockTime(h), laneSpec(900, "lane-1"))
	require.NoError(t, err)
	require.True(t, exchangetypes.IsLaneTx(bz))

	res := c.checkTx(bz, abci.CheckTxType_New)
	require.Zero(t, res.Code, res.Log)
	decoded, err := exchangetypes.DecodeLaneTx(bz)
	require.NoError(t, err)
	wantGas, _ := exchangetypes.OrderTxGas([]sdk.Msg{decoded.Msg})
	require.Equal(t, int64(wantGas), res.GasWanted, "CheckTx answers the fixed order gas as gas wanted (block.max_gas counts it)")
	dup := c.checkTx(bz, abci.CheckTxType_New)
	require.NotZero(t, dup.Code, "the same lane tx twice in the mempool")
	require.Contains(t, dup.Log, "already used timeout")

	out := c.deliverRaw(h, bz)
	require.Zero(t, out[0].Code, out[0].Log)
	require.Equal(t, int64(wantGas), out[0].GasUsed, "a lane order uses the fixed order gas")
	require.Len(t, c.live[3], liveBefore+1, "the lane order rests")
	var placed bool
	for _, e := range out[0].Events {
		placed = placed || e.Type == "clearchain.exchange.v1.EventOrderPlaced"
	}
	require.True(t, placed, "the exchange's placed event is in the lane tx's result: %v", out[0].Events)

	ctx = c.queryCtx()
	accAfter := c.app.AccountKeeper.GetAccount(ctx, mm.addr)
	require.Equal(t, accBefore.GetSequence(), accAfter.GetSequence(), "a lane tx leaves the sequence alone")
	require.Equal(t, balBefore.String(), c.app.BankKeeper.GetAllBalances(ctx, mm.addr).String(), "a lane tx pays no fee")

	re := c.checkTx(bz, abci.CheckTxType_Recheck)
	require.NotZero(t, re.Code, "a delivered lane tx is evicted on recheck")
	again := c.deliverRaw(h+1, bz)
	require.NotZero(t, again[0].Code, "a lane tx replayed in a later block")
	require.Contains(t, again[0].Log, "already used timeout")
	require.Len(t, c.live[3], liveBefore+1)
}

// TestLaneOrder_HostileTxsRefusedStateUntouched: every malformed, forged,
// stale, replayed or unlicensed lane tx gets a clear error in CheckTx and
// in a block, and leaves the book, the accounts and the owner's nonces as
// they were; a block of them all never fails.
func TestLaneOrder_HostileTxsRefusedStateUntouched(t *testing.T) {
	w := newDetWorld(t)
	c := newDetChain(t, w)
	c.setup()
	mm, other, issuer := w.traders[3], w.traders[4], w.issuer
	h := c.app.LastBlockHeight() + 1
	now := blockTime(h)
	valid := now.Add(time.Minute)
	stale := now.Add(-detBlockPeriod - time.Second) // before the check state's time (the last block's) too
	mmKey, otherKey := mm.priv.(*secp256k1.PrivKey), other.priv.(*secp256k1.PrivKey)
	mmPub := mmKey.PubKey().Bytes()
	good := func() []byte {
		return laneSign(t, mmKey, mmPub, simChainID, mm.addr.String(), laneSpec(901, "ok"), valid)
	}
	flip := func(bz []byte, i int) []byte { bz = bytes.Clone(bz); bz[len(bz)+i] ^= 1; return bz }

	issuerKey := issuer.priv.(*secp256k1.PrivKey)
	cases := []struct {
		name, want string
		bz         []byte
	}{
		{"flipped signature byte", "signature verification failed", flip(good(), -1)},
		{"high-s twin of a valid signature", "signature verification failed", highS(t, good())},
		{"signed by another key, owner's key attached", "signature verification failed",
			laneSign(t, otherKey, mmPub, simChainID, mm.addr.String(), laneSpec(901, "forged"), valid)},
		{"another account's key", "not the key of the order's owner",
			laneSign(t, otherKey, otherKey.PubKey().Bytes(), simChainID, mm.addr.String(), laneSpec(901, "theft"), valid)},
		{"signed for another chain", "signature verification failed",
			laneSign(t, mmKey, mmPub, "other-chain", mm.addr.String(), laneSpec(901, "x-chain"), valid)},
		{"timeout already passed", "before the block time",
			laneSign(t, mmKey, mmPub, simChainID, mm.addr.String(), laneSpec(901, "stale"), stale)},
		{"timeout too far ahead", "more than 10m0s after",
			laneSign(t, mmKey, mmPub, simChainID, mm.addr.String(), laneSpec(901, "far"), now.Add(11*time.Minute))},
		{"signer without a trading licence", "licence",
			laneSign(t, issuerKey, issuerKey.PubKey().Bytes(), simChainID, issuer.addr.String(), laneSpec(901, "unlicensed"), valid)},
		{"unknown market", "market",
			laneSign(t, mmKey, mmPub, simChainID, mm.addr.String(), exchangetypes.OrderSpec{MarketId: 999, Side: exchangetypes.Side_SIDE_BUY,
				Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT, TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: 901, Quantity: 5}, valid.Add(time.Nanosecond))},
		{"price 0 (ValidateBasic)", "tick",
			laneSign(t, mmKey, mmPub, simChainID, mm.addr.String(), laneSpec(0, "zero"), valid.Add(2*time.Nanosecond))},
		{"prefix only", "lane tx", exchangetypes.LaneTxPrefix},
		{"truncated", "lane tx", good()[:40]},
		{"bytes after the signature", "after the signature", append(good(), 0)},
		{"oversized", "at most", append(bytes.Clone(exchangetypes.LaneTxPrefix), make([]byte, exchangetypes.MaxLaneTxBytes)...)},
	}
	undecodable := map[string]bool{"prefix only": true, "truncated": true, "bytes after the signature": true, "oversized": true}
	ctx := c.queryCtx()
	accBefore := c.app.AccountKeeper.GetAccount(ctx, mm.addr)
	balBefore := c.app.BankKeeper.GetAllBalances(ctx, mm.addr)
	liveBefore := len(c.live[3])
	var raw [][]byte
	for _, tc := range cases {
		res := c.checkTx(tc.bz, abci.CheckTxType_New)
		raw = append(raw, tc.bz)
		if tc.name == "unknown market" {
			// The Msg server decides that, in the block, as for an SDK tx
			// (CheckTx runs no message).
			require.Zero(t, res.Code, res.Log)
			continue
		}
		require.NotZero(t, res.Code, "%s: admitted by CheckTx", tc.name)
		require.Contains(t, res.Log, tc.want, "%s: CheckTx", tc.name)
	}
	out := c.deliverRaw(h, raw...)
	for i, tc := range cases {
		require.NotZero(t, out[i].Code, "%s: placed in a block", tc.name)
		want := tc.want
		if undecodable[tc.name] {
			want = "tx parse error" // a block's result names the decode error only
		}
		require.Contains(t, out[i].Log, want, "%s: block", tc.name)
		t.Logf("%-45s code %d %s: %s", tc.name, out[i].Code, out[i].Codespace, out[i].Log)
	}
	ctx = c.queryCtx()
	require.Len(t, c.live[3], liveBefore, "no hostile lane tx placed an order")
	require.Equal(t, accBefore.GetSequence(), c.app.AccountKeeper.GetAccount(ctx, mm.addr).GetSequence())
	require.Equal(t, balBefore.String(), c.app.BankKeeper.GetAllBalances(ctx, mm.addr).String())
	for _, ts := range []time.Time{valid, stale, now.Add(11 * time.Minute)} {
		used, err := c.app.AccountKeeper.ContainsUnorderedNonce(ctx, mm.addr, ts)
		require.NoError(t, err)
		require.False(t, used, "a refused lane tx used the owner's nonce %s", ts)
	}

	// The good one still goes through afterwards: nothing above used it up.
	out = c.deliverRaw(h+1, good())
	require.Zero(t, out[0].Code, out[0].Log)
	require.Len(t, c.live[3], liveBefore+1)
}

// TestLaneOrder_FrozenOwnerRefused: a freeze reaches lane orders through
// the compliance gate: CheckTx refuses a frozen owner's lane order, and a
// lane tx that entered the mempool before the freeze is evicted on recheck
// and refused in its block.
func TestLaneOrder_FrozenOwnerRefused(t *testing.T) {
	c, mm, s := newLaneChain(t)
	w := c.w
	h := c.app.LastBlockHeight() + 1
	early, err := s.SignLaneOrder(blockTime(h), laneSpec(902, "before-freeze"))
	require.NoError(t, err)
	require.Zero(t, c.checkTx(early, abci.CheckTxType_New).Code)

	res := c.deliver(h, []detTx{{w.regulator, []sdk.Msg{&compliancetypes.MsgFreezeAccount{
		Authority: w.regulator.addr.String(), Address: mm.addr.String(), Reason: "lane test"}}}})
	require.Zero(t, res[0].Code, res[0].Log)

	re := c.checkTx(early, abci.CheckTxType_Recheck)
	require.NotZero(t, re.Code, "a frozen owner's waiting lane tx survives recheck")
	require.Contains(t, re.Log, "frozen")
	late, err := s.SignLaneOrder(blockTime(h+1), laneSpec(903, "after-freeze"))
	require.NoError(t, err)
	fresh := c.checkTx(late, abci.CheckTxType_New)
	require.NotZero(t, fresh.Code)
	require.Contains(t, fresh.Log, "frozen")
	live := len(c.live[3])
	out := c.deliverRaw(h+1, early, late)
	for i := range out {
		require.NotZero(t, out[i].Code)
		require.Contains(t, out[i].Log, "frozen")
	}
	require.Len(t, c.live[3], live)
}

// TestLaneTxsInProposals: lane orders count against max_proposal_orders as
// the same orders in SDK txs do — PrepareProposal stops at the cap,
// ProcessProposal rejects a proposal over it because of lane txs — and
// hostile lane bytes make neither PrepareProposal nor ProcessProposal
// error, nor fail the block that carries them (each is a failed tx).
func TestLaneTxsInProposals(t *testing.T) {
	w := newDetWorld(t)
	c := newDetChain(t, w)
	limit := int(c.app.ExchangeKeeper.GetParams(c.queryCtx()).ProposalOrderCap())
	const perTx = 50
	var txs [][]byte
	for i := 0; i < limit/perTx-1; i++ {
		tr := w.traders[i%len(w.traders)]
		txs = append(txs, c.sign(detTx{tr, []sdk.Msg{batchOf(tr, perTx)}}))
	}
	const h = 1
	mm := w.traders[3]
	key := mm.priv.(*secp256k1.PrivKey)
	for i := 0; i < 2*perTx; i++ { // perTx of them fit
		txs = append(txs, laneSign(t, key, key.PubKey().Bytes(), simChainID, mm.addr.String(), laneSpec(900, ""),
			blockTime(h).Add(time.Minute+time.Duration(i))))
	}
	prep, err := c.app.PrepareProposal(&abci.RequestPrepareProposal{
		Txs: txs, MaxTxBytes: 22020096, Height: h, Time: blockTime(h),
		NextValidatorsHash: w.valSet.Hash(), ProposerAddress: w.valSet.Validators[0].Address,
	})
	require.NoError(t, err)
	want := limit/perTx - 1 + perTx
	require.Len(t, prep.Txs, want, "lane orders must count against max_proposal_orders")
	require.Equal(t, txs[:want], prep.Txs)

	process := func(txs [][]byte) abci.ResponseProcessProposal_ProposalStatus { return c.processProposal(h, txs) }
	require.Equal(t, abci.ResponseProcessProposal_REJECT, process(txs), "a proposal over the cap by lane orders was accepted")
	good := laneSign(t, key, key.PubKey().Bytes(), simChainID, mm.addr.String(), laneSpec(900, ""), blockTime(h).Add(2*time.Minute))
	hostile := [][]byte{exchangetypes.LaneTxPrefix, good[:len(good)-3], append(bytes.Clone(good), 1), flipLast(good)}
	withHostile := append(append([][]byte{}, prep.Txs[:len(prep.Txs)-len(hostile)]...), hostile...)
	require.Equal(t, abci.ResponseProcessProposal_ACCEPT, process(withHostile))

	// A proposer handed hostile lane bytes (a patched mempool: CometBFT's
	// holds only txs CheckTx passed) does not error; like any undecodable
	// tx they are left to delivery (proposal_test.go), where the block
	// below fails each of them and nothing else.
	mixed := append(append([][]byte{}, hostile...), txs[:2]...)
	prepHostile, err := c.app.PrepareProposal(&abci.RequestPrepareProposal{
		Txs: mixed, MaxTxBytes: 22020096, Height: h, Time: blockTime(h),
		NextValidatorsHash: w.valSet.Hash(), ProposerAddress: w.valSet.Validators[0].Address,
	})
	require.NoError(t, err, "PrepareProposal must never error")
	require.Len(t, prepHostile.Txs, len(mixed), "the proposal dropped or added txs")

	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{
		Txs: withHostile, Height: h, Time: blockTime(h),
		NextValidatorsHash: w.valSet.Hash(), ProposerAddress: w.valSet.Validators[0].Address,
	})
	require.NoError(t, err, "a block with hostile lane txs must not fail")
	for i := len(withHostile) - len(hostile); i < len(withHostile); i++ {
		require.NotZero(t, res.TxResults[i].Code, "hostile lane tx %d", i)
	}
	_, err = c.app.Commit()
	require.NoError(t, err)
}

func flipLast(bz []byte) []byte {
	bz = bytes.Clone(bz)
	bz[len(bz)-1] ^= 1
	return bz
}

// TestLanePreverify: the broadcast worker verifies a lane tx's signature
// outside the ABCI lock and remembers only a valid one — the owner's key,
// signing for this chain — for CheckTx to skip the curve arithmetic; it
// remembers nothing for a forged, foreign, other-chain, malformed or SDK
// tx (CheckTx verifies those and refuses them). And the handler runs the
// pre-check on the worker, with the request's bytes, before BroadcastTx.
func TestLanePreverify(t *testing.T) {
	w := newDetWorld(t)
	c := newDetChain(t, w)
	mm, other := w.traders[3], w.traders[4]
	key, otherKey := mm.priv.(*secp256k1.PrivKey), other.priv.(*secp256k1.PrivKey)
	timeout := blockTime(1).Add(time.Minute)
	sign := func(k *secp256k1.PrivKey, pub []byte, chain string) []byte {
		return laneSign(t, k, pub, chain, mm.addr.String(), laneSpec(900, "pre"), timeout)
	}
	valid := sign(key, key.PubKey().Bytes(), simChainID)
	sdkTx := c.sign(detTx{mm, []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: mm.addr.String(), Order: laneSpec(900, "sdk")}}})
	for name, bz := range map[string][]byte{
		"flipped signature":              flipLast(valid),
		"high s":                         highS(t, valid),
		"another key":                    sign(otherKey, otherKey.PubKey().Bytes(), simChainID),
		"owner's key, signed by another": sign(otherKey, key.PubKey().Bytes(), simChainID),
		"another chain":                  sign(key, key.PubKey().Bytes(), "other-chain"),
		"prefix only":                    exchangetypes.LaneTxPrefix,
		"an SDK tx":                      sdkTx,
	} {
		c.app.preverifyLane(bz)
		_, ok := c.app.laneSigs.get(laneSigKey(simChainID, bz))
		require.False(t, ok, "%s: remembered as verified", name)
	}
	c.app.preverifyLane(valid)
	_, ok := c.app.laneSigs.get(laneSigKey(simChainID, valid))
	require.True(t, ok, "a valid lane tx was not remembered")
	_, ok = c.app.laneSigs.get(laneSigKey("other-chain", valid))
	require.False(t, ok, "the entry must be for this chain only")

	var seen []byte
	srv := &stackServer{ran: map[string]int{}}
	_, err := broadcastTxHandler(func(bz []byte) { seen = bytes.Clone(bz) })(srv, context.Background(), func(m any) error {
		m.(*txtypes.BroadcastTxRequest).TxBytes = valid
		return nil
	}, nil)
	require.NoError(t, err)
	require.Equal(t, valid, seen, "the pre-check did not see the request's bytes")
	require.EqualValues(t, 1, srv.calls.Load())
}
