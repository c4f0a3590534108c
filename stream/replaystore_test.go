package stream

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/clearchain/clearchain/stream/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// storeHub is a hub on c keeping its replay buffer in dir. The fake store
// keeps no history: LoadAt serves the state c had when the previous hub
// stopped (stopped), at its height.
func storeHub(t *testing.T, c *chain, dir string, replay int, stopped *chain) *Hub {
	st, err := OpenReplayStore(dir)
	require.NoError(t, err)
	return NewHub(c, Config{ReplayBlocks: replay, Store: st, LoadAt: func(h int64) ([]KV, error) {
		require.Equal(t, stopped.height, h, "LoadAt at another height than the stop")
		_, kv, err := stopped.Load()
		return kv, err
	}})
}

// copyChain is c's state now.
func copyChain(c *chain) *chain {
	d := &chain{t: c.t, height: c.height, kv: map[string][]byte{}}
	for k, v := range c.kv {
		d.kv[k] = v
	}
	return d
}

// TestReplayBufferSurvivesRestart: a hub that stops and a new hub on the
// same replay store, with no committed block missed in between, continue
// the epoch: a client resuming from a sequence still in the (bounded)
// buffer gets the missed updates in order, and the market and account
// sequences continue; a resume older than the buffer gets a reset
// snapshot. If a block was committed while no hub ran, the new hub starts
// a new epoch and a resume gets a reset snapshot.
func TestReplayBufferSurvivesRestart(t *testing.T) {
	c := newChain(t)
	dir := t.TempDir()
	h := storeHub(t, c, dir, 4, nil)
	require.NoError(t, h.process(c.commit(ownerKV(), levelKV(t, 1, exchangetypes.LevelBid, 100, 5))))
	epoch, seq0, _ := h.Epoch()
	for i := 0; i < 6; i++ {
		require.NoError(t, h.process(c.commit(levelKV(t, 1, exchangetypes.LevelAsk, 110+int64(i), 1))))
	}
	_, seqStop, _ := h.Epoch()
	require.NoError(t, h.cfg.Store.Close()) // the node stops (the hub never ran: no Stop)

	h2 := storeHub(t, c, dir, 4, copyChain(c))
	require.NoError(t, h2.process(c.commit(levelKV(t, 1, exchangetypes.LevelAsk, 130, 2))))
	e2, seq2, _ := h2.Epoch()
	require.Equal(t, epoch, e2, "the epoch continues across the restart")
	require.Equal(t, seqStop+1, seq2)

	_, first, err := h2.Subscribe(&types.SubscribeRequest{ResumeEpoch: epoch, ResumeSeq: seqStop - 1})
	require.NoError(t, err)
	require.Len(t, first, 2, "one update from before the restart, one after")
	require.Equal(t, seqStop-1, first[0].PrevSeq)
	require.Equal(t, first[0].Seq, first[1].PrevSeq)
	require.Equal(t, int64(115), first[0].GetUpdate().Books[0].Levels[0].Price)
	b := first[1].GetUpdate().Books[0]
	require.Equal(t, seqStop, b.PrevSeq, "the market's sequence continues")
	require.Equal(t, int64(130), b.Levels[0].Price)

	_, first, err = h2.Subscribe(&types.SubscribeRequest{ResumeEpoch: epoch, ResumeSeq: seq0})
	require.NoError(t, err)
	require.True(t, first[0].GetSnapshot().Reset_, "older than the bounded buffer")
	require.Contains(t, first[0].GetSnapshot().Reason, "replay buffer")
	require.NoError(t, h2.cfg.Store.Close())

	// A block committed while no hub ran: a new epoch.
	stopped := copyChain(c)
	c.commit(levelKV(t, 1, exchangetypes.LevelAsk, 140, 1))
	h3 := storeHub(t, c, dir, 4, stopped)
	require.NoError(t, h3.process(c.commit(levelKV(t, 1, exchangetypes.LevelAsk, 141, 1))))
	e3, _, _ := h3.Epoch()
	require.NotEqual(t, epoch, e3)
	_, first, err = h3.Subscribe(&types.SubscribeRequest{ResumeEpoch: epoch, ResumeSeq: seq2})
	require.NoError(t, err)
	require.True(t, first[0].GetSnapshot().Reset_)
	require.Contains(t, first[0].GetSnapshot().Reason, "unknown epoch")
	require.Len(t, first[0].GetSnapshot().Books[0].Levels, 1+6+1+2, "the snapshot is the whole committed book")
	require.NoError(t, h3.cfg.Store.Close())
}
