package app

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdk "github.com/cosmos/cosmos-sdk/types"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// TestMalformedOrderRefusedInCheckTx: an order with price 0 passed CheckTx
// (the mempool) and took a block slot, refused only when the block ran it.
// The exchange messages' ValidateBasic now refuses it in CheckTx, with the
// exchange's error; a well-formed order passes CheckTx.
func TestMalformedOrderRefusedInCheckTx(t *testing.T) {
	w := newDetWorld(t)
	c := newDetChain(t, w)
	c.setup()
	tr := w.traders[0]
	check := func(price int64) *abci.ResponseCheckTx {
		raw := c.sign(detTx{tr, []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: tr.addr.String(), Order: exchangetypes.OrderSpec{
			MarketId: 1, Side: exchangetypes.Side_SIDE_BUY, Price: price, Quantity: 1}}}})
		tr.seq--
		res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New})
		require.NoError(t, err)
		return res
	}
	res := check(0)
	require.NotZero(t, res.Code, "price 0 admitted by CheckTx")
	require.Equal(t, exchangetypes.ModuleName, res.Codespace, res.Log)
	require.Equal(t, exchangetypes.ErrBadTick.ABCICode(), res.Code, res.Log)
	res = check(100)
	require.Zero(t, res.Code, res.Log)
}
