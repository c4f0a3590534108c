package simulation

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/stretchr/testify/require"

	sdkmath "cosmossdk.io/math"

	sdk "github.com/cosmos/cosmos-sdk/types"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/clearchain/clearchain/app"
)

// TestRefusedTxsOfAHostileBlockNeverFailTheRun: the path Run takes after
// each block (chain.refusedTxs, then the engine's ProcessBlockTxs) on the
// real app. A block whose tx the chain refuses (a send of more than the
// sender holds) is read as one refused tx; then the same path is fed what no
// honest block holds — bytes that are no tx, a truncated tx, results for
// txs that are not there, a nil result — and must neither return an error
// nor panic, reading only the decodable refused tx. Fails if refusedTxs
// turns a decode failure into an error of the run (which would stop a
// regulator's simulation on one hostile tx) or indexes past the block.
func TestRefusedTxsOfAHostileBlockNeverFailTheRun(t *testing.T) {
	s, err := ParseScenario("mixed", []byte(mixed))
	require.NoError(t, err)
	agents := newAgents(s, 1, "")
	c, err := newChain(s, agents, nil, "")
	require.NoError(t, err)
	defer c.close()
	c.agents = agents
	stxs, err := c.setupTxs(agents)
	require.NoError(t, err)
	setup, err := c.deliver(1, nil, stxs)
	require.NoError(t, err)
	for i, r := range setup.TxResults {
		require.Zero(t, r.Code, "setup tx %d: %s", i, r.Log)
	}
	det := newEngine(s, c, nil)
	rd, ok := det.(refusedReader)
	require.True(t, ok, "the simulation's engine reads refused txs")

	from, to := agents[0].accounts[0], agents[1].accounts[0]
	huge := sdk.NewCoins(sdk.NewCoin(app.BondDenom, sdkmath.NewIntWithDecimal(1, 30)))
	r, err := c.deliver(2, nil, []tx{{from: from, msgs: []sdk.Msg{banktypes.NewMsgSend(from.addr, to.addr, huge)}}})
	require.NoError(t, err)
	require.Len(t, r.TxResults, 1)
	require.NotZero(t, r.TxResults[0].Code, "a send of 10^30 must be refused")
	refused, err := c.refusedTxs(2, r)
	require.NoError(t, err)
	require.Len(t, refused, 1)
	require.Equal(t, from.bech, refused[0].Signers[0])
	require.NotPanics(t, func() { rd.ProcessBlockTxs(2, blockTimeOf(s, 2), r.Events, refused) })

	real := c.delivered[0]
	failed := &abci.ExecTxResult{Code: 5, Codespace: "sdk", Log: "refused"}
	c.delivered = [][]byte{{0xff, 0x00, 0x13}, real[:len(real)/2], real}
	hostile := &abci.ResponseFinalizeBlock{TxResults: []*abci.ExecTxResult{failed, failed, failed, nil, failed, failed}}
	require.NotPanics(t, func() {
		refused, err = c.refusedTxs(3, hostile)
	})
	require.NoError(t, err)
	require.Len(t, refused, 1, "only the whole tx decodes")
	require.Equal(t, 2, refused[0].Index)
	require.NotPanics(t, func() { rd.ProcessBlockTxs(3, blockTimeOf(s, 3), nil, refused) })
}
