package stream

import (
	"context"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
)

// Listener is the app's ABCI streaming listener: it collects a block's
// events in FinalizeBlock and hands them, with the exchange store's writes,
// to the Hub after Commit. It never blocks and never returns an error, so
// it cannot slow or stop consensus.
type Listener struct {
	hub      *Hub
	storeKey string
	pending  *Block
}

var _ storetypes.ABCIListener = (*Listener)(nil)

// NewListener returns the listener feeding hub with the writes of the
// store named storeKey (the exchange's).
func NewListener(hub *Hub, storeKey string) *Listener {
	return &Listener{hub: hub, storeKey: storeKey}
}

// ListenFinalizeBlock keeps the block's events: begin-block events, the
// events of successful txs, then end-block events.
func (l *Listener) ListenFinalizeBlock(_ context.Context, req abci.RequestFinalizeBlock, res abci.ResponseFinalizeBlock) error {
	b := &Block{Height: req.Height}
	var end []abci.Event
	for _, ev := range res.Events {
		if isEndBlock(ev) {
			end = append(end, ev)
		} else {
			b.Events = append(b.Events, ev)
		}
	}
	for _, tx := range res.TxResults {
		if tx != nil && tx.Code == 0 {
			b.Events = append(b.Events, tx.Events...)
		}
	}
	b.Events = append(b.Events, end...)
	l.pending = b
	return nil
}

func isEndBlock(ev abci.Event) bool {
	for i := len(ev.Attributes) - 1; i >= 0; i-- {
		if a := ev.Attributes[i]; a.Key == "mode" {
			return a.Value == "EndBlock"
		}
	}
	return false
}

// ListenCommit publishes the committed block to the hub.
func (l *Listener) ListenCommit(_ context.Context, _ abci.ResponseCommit, changeSet []*storetypes.StoreKVPair) error {
	b := l.pending
	l.pending = nil
	if b == nil {
		return nil // a commit without FinalizeBlock (InitChain): the hub loads on the next block
	}
	b.Committed = time.Now()
	for _, kv := range changeSet {
		if kv.StoreKey == l.storeKey {
			b.Writes = append(b.Writes, KV{Key: kv.Key, Value: kv.Value, Delete: kv.Delete})
		}
	}
	l.hub.Publish(b)
	return nil
}
