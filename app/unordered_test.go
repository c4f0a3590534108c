package app

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	"github.com/clearchain/clearchain/client"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// deliverRaw finalizes and commits block h with already signed txs.
func (c *detChain) deliverRaw(h int64, raw ...[]byte) []*abci.ExecTxResult {
	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{
		Txs: raw, Height: h, Time: blockTime(h),
		NextValidatorsHash: c.w.valSet.Hash(), ProposerAddress: c.w.valSet.Validators[0].Address,
	})
	require.NoError(c.t, err, "height %d", h)
	_, err = c.app.Commit()
	require.NoError(c.t, err)
	c.readState()
	return res.TxResults
}

// TestUnorderedExchangeTxs: the client package signs exchange messages
// offline as unordered txs (sequence 0, a timeout timestamp). Place, batch
// and cancel-replace from one account in one block all pass without
// sequence contention and leave the account's sequence alone; the same tx
// bytes sent again are refused (replay protection), and so is a tx whose
// timeout is already past.
func TestUnorderedExchangeTxs(t *testing.T) {
	w := newDetWorld(t)
	c := newDetChain(t, w)
	c.setup()
	mm := w.traders[3]
	seqBefore := mm.seq
	s, err := client.NewSigner(mm.priv, simChainID, mm.num, "")
	require.NoError(t, err)
	require.Equal(t, mm.addr.String(), s.Address())

	spec := func(side exchangetypes.Side, price int64, cid string) exchangetypes.OrderSpec {
		return exchangetypes.OrderSpec{MarketId: mktContinuous, Side: side, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
			TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: price, Quantity: 5, ClientOrderId: cid}
	}
	now := blockTime(2)
	place, err := s.SignUnordered(now, &exchangetypes.MsgPlaceOrder{Owner: s.Address(), Order: spec(exchangetypes.Side_SIDE_BUY, 900, "bid-1")})
	require.NoError(t, err)
	batch, err := s.SignUnordered(now, s.Batch([]exchangetypes.OrderSpec{
		spec(exchangetypes.Side_SIDE_SELL, 1100, "ask-1"), spec(exchangetypes.Side_SIDE_SELL, 1101, "ask-2")}, nil))
	require.NoError(t, err)
	res := c.deliverRaw(2, place, batch)
	for i, r := range res {
		require.Zero(t, r.Code, "unordered tx %d: %s", i, r.Log)
	}
	require.Len(t, c.live[3], 3, "the three orders rest")
	var bid uint64
	for _, o := range c.live[3] {
		if o.side == exchangetypes.Side_SIDE_BUY {
			bid = o.id
		}
	}

	replace, err := s.SignUnordered(blockTime(3), s.Replace(mktContinuous, bid, 905, 7))
	require.NoError(t, err)
	res = c.deliverRaw(3, replace, place)
	require.Zero(t, res[0].Code, "unordered cancel-replace: %s", res[0].Log)
	require.NotZero(t, res[1].Code, "the same unordered tx twice must be refused")
	t.Logf("replayed unordered tx refused: code %d %s: %s", res[1].Code, res[1].Codespace, res[1].Log)

	s, err = client.NewSigner(mm.priv, simChainID, mm.num, "") // a fresh signer: no later timeout to follow
	require.NoError(t, err)
	s.Timeout = detBlockPeriod // valid until block 2's time
	stale, err := s.SignUnordered(blockTime(1), &exchangetypes.MsgPlaceOrder{Owner: s.Address(), Order: spec(exchangetypes.Side_SIDE_BUY, 800, "late")})
	require.NoError(t, err)
	res = c.deliverRaw(4, stale)
	require.NotZero(t, res[0].Code, "an unordered tx past its timeout must be refused")

	ctx := c.queryCtx()
	acc := c.app.AccountKeeper.GetAccount(ctx, mm.addr)
	require.Equal(t, seqBefore, acc.GetSequence(), "unordered txs do not use the sequence")
	for _, o := range c.live[3] {
		if o.id == bid {
			require.Equal(t, int64(905), o.price)
		}
	}
}
