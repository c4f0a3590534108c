package client

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// TestSignerSetsTheFixedOrderGas: an order tx is signed with exactly its
// fixed order gas as the gas limit (no simulation); another tx gets the
// default limit, and an explicit GasLimit wins.
func TestSignerSetsTheFixedOrderGas(t *testing.T) {
	s, err := NewSigner(secp256k1.GenPrivKeyFromSecret([]byte("client-gas")), "test-chain", 7, "clear")
	require.NoError(t, err)
	gasOf := func(msgs ...sdk.Msg) uint64 {
		bz, err := s.SignUnordered(time.Unix(1_800_000_000, 0), msgs...)
		require.NoError(t, err)
		tx, err := s.TxConfig().TxDecoder()(bz)
		require.NoError(t, err)
		return tx.(sdk.FeeTx).GetGas()
	}
	batch := s.Batch([]exchangetypes.OrderSpec{{MarketId: 1, Side: exchangetypes.Side_SIDE_BUY, Price: 10, Quantity: 1, ClientOrderId: "b"}},
		[]exchangetypes.CancelSpec{{MarketId: 1, ClientOrderId: "a"}})
	want, ok := exchangetypes.OrderTxGas([]sdk.Msg{batch, s.Heartbeat(10)})
	require.True(t, ok)
	require.Equal(t, want, gasOf(batch, s.Heartbeat(10)))
	require.Equal(t, exchangetypes.OrderGasTxBase+exchangetypes.OrderGasBatch+exchangetypes.OrderGasPlace+exchangetypes.OrderGasCancel+
		exchangetypes.OrderGasHeartbeat+exchangetypes.OrderGasPerByte*uint64(batch.Size()+s.Heartbeat(10).Size()), want)

	send := &exchangetypes.MsgDeposit{Owner: s.Address(), Amount: sdk.NewInt64Coin("uclear", 1)} // not an order message
	require.Equal(t, DefaultGasLimit, gasOf(send))
	require.Equal(t, DefaultGasLimit, gasOf(batch, send), "a mixed tx is metered")
	s.GasLimit = 123_456
	require.Equal(t, uint64(123_456), gasOf(batch))
}
