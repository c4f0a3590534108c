package stream

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cockroachdb/pebble"

	"github.com/clearchain/clearchain/stream/types"
)

// ReplayStore keeps the hub's replay buffer and sequence state on disk, in
// an embedded Pebble store of the node's own (never the chain's), so that a
// client resumes across a node restart. The hub writes it on its own
// goroutine after each committed block it processed: never on the
// consensus path. It holds at most the hub's ReplayBlocks updates (older
// ones are deleted in the same batch that adds a new one).
//
// Keys: "m" the state (JSON: epoch, seq, height, each market's and
// account's last seq); "f" + big-endian seq an update (a StreamMessage
// holding the whole block, unfiltered).
type ReplayStore struct {
	db *pebble.DB
}

// replayState is what the hub needs to continue its epoch after a restart.
type replayState struct {
	Epoch    uint64            `json:"epoch"`
	Seq      uint64            `json:"seq"`
	Height   int64             `json:"height"`
	Markets  map[uint64]uint64 `json:"markets"`
	Accounts map[string]uint64 `json:"accounts"`
}

var (
	replayStateKey = []byte("m")
	replayFramePfx = byte('f')
)

// OpenReplayStore opens (or creates) the store in dir.
func OpenReplayStore(dir string) (*ReplayStore, error) {
	db, err := pebble.Open(dir, &pebble.Options{Logger: quietLogger{}})
	if err != nil {
		return nil, fmt.Errorf("stream: opening the replay store %s: %w", dir, err)
	}
	return &ReplayStore{db: db}, nil
}

// Close closes the store.
func (r *ReplayStore) Close() error { return r.db.Close() }

func frameKey(seq uint64) []byte {
	k := make([]byte, 9)
	k[0] = replayFramePfx
	binary.BigEndian.PutUint64(k[1:], seq)
	return k
}

// save writes st and, if f is set, adds f and deletes the updates more
// than keep sequences old; with f nil every update is deleted (a new
// epoch). Synced (on the hub's goroutine, never the consensus path), so
// what a stopped or killed node saved is there at its next start; a lost
// write only makes the next start a reset.
func (r *ReplayStore) save(st replayState, f *frame, keep int) error {
	bz, err := json.Marshal(st)
	if err != nil {
		return err
	}
	b := r.db.NewBatch()
	defer b.Close()
	if f == nil {
		if err := b.DeleteRange(frameKey(0), frameKey(^uint64(0)), nil); err != nil {
			return err
		}
	} else {
		m := f.message()
		v, err := m.Marshal()
		if err != nil {
			return err
		}
		if err := b.Set(frameKey(f.seq), v, nil); err != nil {
			return err
		}
		if f.seq > uint64(keep) {
			if err := b.DeleteRange(frameKey(0), frameKey(f.seq-uint64(keep)+1), nil); err != nil {
				return err
			}
		}
	}
	if err := b.Set(replayStateKey, bz, nil); err != nil {
		return err
	}
	return b.Commit(pebble.Sync)
}

// load returns the saved state (ok false if none) and its updates, oldest
// first.
func (r *ReplayStore) load() (st replayState, frames []*frame, ok bool, err error) {
	v, closer, err := r.db.Get(replayStateKey)
	if errors.Is(err, pebble.ErrNotFound) {
		return st, nil, false, nil
	}
	if err != nil {
		return st, nil, false, err
	}
	err = json.Unmarshal(v, &st)
	closer.Close()
	if err != nil {
		return st, nil, false, err
	}
	it, err := r.db.NewIter(&pebble.IterOptions{LowerBound: frameKey(0), UpperBound: []byte{replayFramePfx + 1}})
	if err != nil {
		return st, nil, false, err
	}
	defer it.Close()
	for it.First(); it.Valid(); it.Next() {
		var m types.StreamMessage
		if err := m.Unmarshal(it.Value()); err != nil {
			return st, nil, false, fmt.Errorf("stream: replay store update %x: %w", it.Key(), err)
		}
		frames = append(frames, frameOf(&m))
	}
	return st, frames, true, it.Error()
}

// message is the whole (unfiltered) update of f.
func (f *frame) message() *types.StreamMessage {
	var at int64
	if !f.committed.IsZero() {
		at = f.committed.UnixNano()
	}
	return &types.StreamMessage{Epoch: f.epoch, Seq: f.seq, PrevSeq: f.prev, Height: f.height, Committed: true,
		CommittedUnixNano: at, Body: &types.StreamMessage_Update{Update: &types.Update{
			Books: f.books, Orders: f.orders, Prices: f.prices, Markets: f.markets}}}
}

// frameOf is the frame of a stored update.
func frameOf(m *types.StreamMessage) *frame {
	f := &frame{epoch: m.Epoch, seq: m.Seq, prev: m.PrevSeq, height: m.Height}
	if m.CommittedUnixNano != 0 {
		f.committed = time.Unix(0, m.CommittedUnixNano)
	}
	if u := m.GetUpdate(); u != nil {
		f.books, f.orders, f.prices, f.markets = u.Books, u.Orders, u.Prices, u.Markets
	}
	return f
}

// quietLogger drops Pebble's informational messages (WAL replay at every
// open) and keeps its fatal ones.
type quietLogger struct{}

func (quietLogger) Infof(string, ...interface{}) {}

func (quietLogger) Fatalf(format string, args ...interface{}) {
	pebble.DefaultLogger.Fatalf(format, args...)
}
