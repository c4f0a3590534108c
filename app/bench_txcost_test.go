package app

import (
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// BenchmarkTxCost: what one single-order tx costs the node beside one bank
// send, through the same path a node takes (issue 15, "single-order tx/s
// >= 2x bank-send tx/s"): CheckTx on submission, FinalizeBlock (the full
// ante chain, the message, EndBlock) and Commit on Pebble, for blocks of
// 200 txs of one kind from 200 accounts on the BenchmarkBlock chain (its
// book: BENCH_BLOCK_RESTING orders, 100k by default). Reported per tx:
// process CPU (cpu-us/tx, less distorted by a shared machine than ns),
// allocations, and the gas the tx used (identical on every node). "lane"
// is the same order as a lane tx (orderlane.go).
func BenchmarkTxCost(b *testing.B) {
	c := newBenchChain(b)
	const perBlock = 200
	var nonce time.Duration
	for _, kind := range []string{"banksend", "order", "lane"} {
		b.Run(kind, func(b *testing.B) {
			c.b = b
			b.ReportAllocs()
			var cpu time.Duration
			var gas int64
			for b.Loop() {
				b.StopTimer()
				txs := make([][]byte, perBlock)
				for i := range txs {
					t := c.traders[i%len(c.traders)]
					switch kind {
					case "order":
						txs[i] = c.sign(t, &exchangetypes.MsgPlaceOrder{Owner: t.addr.String(), Order: c.flowOrder()})
					case "lane":
						nonce++
						timeout := detGenesisTime.Add(time.Duration(c.height+1)*time.Second + time.Minute + nonce)
						txs[i] = laneSign(b, t.priv.(*secp256k1.PrivKey), t.priv.PubKey().Bytes(), simChainID, t.addr.String(), c.flowOrder(), timeout)
					default:
						to := c.traders[(i+1)%len(c.traders)]
						txs[i] = c.sign(t, banktypes.NewMsgSend(t.addr, to.addr, sdk.NewCoins(sdk.NewInt64Coin(BondDenom, 1))))
					}
				}
				c0 := cpuTime()
				b.StartTimer()
				for _, raw := range txs {
					if res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: raw, Type: abci.CheckTxType_New}); err != nil || res.Code != 0 {
						b.Fatalf("CheckTx: %v %v", err, res)
					}
				}
				res := c.mustFinalize(txs)
				b.StopTimer()
				cpu += cpuTime() - c0
				for _, r := range res.TxResults {
					gas += r.GasUsed
				}
				b.StartTimer()
			}
			n := float64(b.N * perBlock)
			b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-us/tx")
			b.ReportMetric(b.Elapsed().Seconds()*1e6/n, "us/tx")
			b.ReportMetric(float64(gas)/n, "gas/tx")
		})
	}
}
