package app

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

func sigCacheSend(e *gateEnv, from, to *detAccount) []byte {
	return e.signer.sign(detTx{from, []sdk.Msg{banktypes.NewMsgSend(from.addr, to.addr, sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1)))}})
}

func checkTx(t *testing.T, e *gateEnv, raw []byte) *abci.ResponseCheckTx {
	t.Helper()
	res, err := e.app.CheckTx(&abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
	require.NoError(t, err)
	return res
}

// TestSigCache_CheckedTxIsNotVerifiedTwice: a tx that passed CheckTx is
// delivered without a second signature verification (a cache hit) and
// with the same outcome; a tx the node never checked is verified.
func TestSigCache_CheckedTxIsNotVerifiedTwice(t *testing.T) {
	e := newGateEnv(t)
	raw := sigCacheSend(e, e.inst, e.plain)
	require.Zero(t, checkTx(t, e, raw).Code)
	hits0, misses0 := e.app.SigCache.Stats()
	res := e.deliverRaw(raw)
	require.Zero(t, res[0].Code, res[0].Log)
	hits, misses := e.app.SigCache.Stats()
	require.Equal(t, hits0+1, hits, "the checked tx was verified again at delivery")
	require.Equal(t, misses0, misses)

	// Never checked here (another node's mempool): verified at delivery.
	res = e.deliverRaw(sigCacheSend(e, e.inst, e.plain))
	require.Zero(t, res[0].Code, res[0].Log)
	hits2, misses2 := e.app.SigCache.Stats()
	require.Equal(t, hits, hits2)
	require.Equal(t, misses+1, misses2)
}

// TestSigCache_BadSignatureRefusedAtDelivery: a tx with a broken signature
// is refused in CheckTx and, delivered anyway (a byzantine proposer), in
// its block: nothing was cached for it.
func TestSigCache_BadSignatureRefusedAtDelivery(t *testing.T) {
	e := newGateEnv(t)
	raw := sigCacheSend(e, e.inst, e.plain)
	tx, err := e.app.TxConfig().TxDecoder()(raw)
	require.NoError(t, err)
	b, err := e.app.TxConfig().WrapTxBuilder(tx)
	require.NoError(t, err)
	sigs, err := b.GetTx().GetSignaturesV2()
	require.NoError(t, err)
	sd := sigs[0].Data.(*signing.SingleSignatureData)
	sd.Signature = append([]byte(nil), sd.Signature...)
	sd.Signature[3] ^= 0xff
	require.NoError(t, b.SetSignatures(sigs...))
	bad, err := e.app.TxConfig().TxEncoder()(b.GetTx())
	require.NoError(t, err)

	require.NotZero(t, checkTx(t, e, bad).Code, "CheckTx accepted a broken signature")
	res := e.deliverRaw(bad)
	require.NotZero(t, res[0].Code, "a broken signature was accepted at delivery")
	require.Contains(t, res[0].Log, "signature verification failed")
}

// TestSigCache_KeyChangeForcesVerification: an entry recorded for one
// account number and key is not used once the signer's account differs.
func TestSigCache_KeyChangeForcesVerification(t *testing.T) {
	a := []verifiedSigner{{accNum: 7, pubKey: []byte("k1")}}
	require.True(t, sameSigners(a, []verifiedSigner{{accNum: 7, pubKey: []byte("k1")}}))
	require.False(t, sameSigners(a, []verifiedSigner{{accNum: 8, pubKey: []byte("k1")}}))
	require.False(t, sameSigners(a, []verifiedSigner{{accNum: 7, pubKey: []byte("k2")}}))
	require.False(t, sameSigners(a, nil))
}

// TestSigCache_GasUsedIsTheSameOnAHitAndAMiss: the gas a delivered tx uses
// is part of the block's results hash, so it must not depend on whether
// this node checked the tx (a restarted node replaying blocks never did).
// Failed before the fix: a hit read the signers' accounts on the tx's gas
// meter (96817 against 95280 gas; a restarted localnet node halted on
// "wrong Block.Header.LastResultsHash").
func TestSigCache_GasUsedIsTheSameOnAHitAndAMiss(t *testing.T) {
	checked, unchecked := newGateEnv(t), newGateEnv(t)
	rawA := sigCacheSend(checked, checked.inst, checked.plain)
	rawB := sigCacheSend(unchecked, unchecked.inst, unchecked.plain)
	require.Equal(t, rawA, rawB, "the two chains must sign the same tx")
	require.Zero(t, checkTx(t, checked, rawA).Code)
	hit := checked.deliverRaw(rawA)
	miss := unchecked.deliverRaw(rawB)
	require.Zero(t, hit[0].Code, hit[0].Log)
	require.Zero(t, miss[0].Code, miss[0].Log)
	h, _ := checked.app.SigCache.Stats()
	require.Equal(t, uint64(1), h, "the checked chain must deliver from the cache")
	require.Equal(t, miss[0].GasUsed, hit[0].GasUsed, "gas used depends on the signature cache")
}
