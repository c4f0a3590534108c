package stream

import (
	"testing"

	"github.com/stretchr/testify/require"

	"cosmossdk.io/collections"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/stream/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// chain is a fake committed exchange store: the hub's Source reads it, and
// each block's writes are applied to it before being published, as the
// commit listener would.
type chain struct {
	t      *testing.T
	height int64
	kv     map[string][]byte
}

func newChain(t *testing.T) *chain { return &chain{t: t, kv: map[string][]byte{}} }

func (c *chain) Load() (int64, []KV, error) {
	var out []KV
	for k, v := range c.kv {
		out = append(out, KV{Key: []byte(k), Value: v})
	}
	return c.height, out, nil
}

var owner1 = sdk.AccAddress([]byte("stream-test-owner-01"))

func ownerKV() KV {
	k, _ := collections.EncodeKeyWithPrefix(exchangetypes.OwnerAddrsKey, collections.Uint64Key, 1)
	return KV{Key: k, Value: owner1}
}

func levelKV(t *testing.T, market uint64, kind uint32, price int64, qtys ...uint64) KV {
	k, err := collections.EncodeKeyWithPrefix(exchangetypes.LevelsKey, levelKeyCodec, collections.Join3(market, kind, price))
	require.NoError(t, err)
	if len(qtys) == 0 {
		return KV{Key: k, Delete: true}
	}
	var orders []exchangetypes.LevelOrder
	for i, q := range qtys {
		orders = append(orders, exchangetypes.LevelOrder{Id: uint64(price)*100 + uint64(i), OwnerId: 1, Side: exchangetypes.Side_SIDE_BUY,
			Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT, Price: price, Quantity: q, Seq: uint64(i + 1)})
	}
	v, err := exchangetypes.EncodeLevel(orders)
	require.NoError(t, err)
	return KV{Key: k, Value: v}
}

// commit applies writes to the fake store and returns the block.
func (c *chain) commit(writes ...KV) *Block {
	c.height++
	for _, w := range writes {
		if w.Delete {
			delete(c.kv, string(w.Key))
		} else {
			c.kv[string(w.Key)] = w.Value
		}
	}
	return &Block{Height: c.height, Writes: writes}
}

func newTestHub(t *testing.T, c *chain, cfg Config) *Hub {
	h := NewHub(c, cfg)
	h.process(c.commit(ownerKV(), levelKV(t, 1, exchangetypes.LevelBid, 100, 5)))
	return h
}

func drain(s *Subscriber) []*types.StreamMessage {
	var out []*types.StreamMessage
	for {
		select {
		case f := <-s.ch:
			out = append(out, s.render(f))
		default:
			return out
		}
	}
}

// TestSlowConsumerDroppedOthersServed: a subscriber that reads nothing is
// dropped with status slow_consumer once SubscriberFrames updates are
// queued for it; the hub's processing never waits for it, and another
// subscriber receives every update in sequence.
func TestSlowConsumerDroppedOthersServed(t *testing.T) {
	c := newChain(t)
	h := newTestHub(t, c, Config{SubscriberFrames: 4, ReplayBlocks: 8})
	slow, _, err := h.Subscribe(&types.SubscribeRequest{})
	require.NoError(t, err)
	fast, first, err := h.Subscribe(&types.SubscribeRequest{})
	require.NoError(t, err)
	last := first[0].Seq
	for i := 0; i < 20; i++ {
		require.NoError(t, h.process(c.commit(levelKV(t, 1, exchangetypes.LevelBid, 100, uint64(6+i)))))
		for _, m := range drain(fast) {
			require.Equal(t, last, m.PrevSeq)
			last = m.Seq
		}
	}
	select {
	case <-slow.Dropped():
	default:
		t.Fatal("the slow subscriber was not dropped")
	}
	code, msg := slow.Reason()
	require.Equal(t, StatusSlowConsumer, code)
	require.Contains(t, msg, "4 updates queued")
	require.LessOrEqual(t, len(slow.ch), 4, "memory per subscriber is bounded")
	st := h.Stats()
	require.Equal(t, 1, st.Subscribers)
	require.Equal(t, uint64(1), st.DroppedSubscribers)
	_, seq, _ := h.Epoch()
	require.Equal(t, seq, last, "the fast subscriber got every update")
}

// TestResumeReplaysOrResets: a resume inside the replay buffer replays the
// missed updates in order; one older than the buffer, or of another epoch,
// gets a snapshot flagged reset with a reason.
func TestResumeReplaysOrResets(t *testing.T) {
	c := newChain(t)
	h := newTestHub(t, c, Config{ReplayBlocks: 4})
	epoch, seq0, _ := h.Epoch()
	for i := 0; i < 3; i++ {
		require.NoError(t, h.process(c.commit(levelKV(t, 1, exchangetypes.LevelAsk, 110+int64(i), 1))))
	}
	_, first, err := h.Subscribe(&types.SubscribeRequest{ResumeEpoch: epoch, ResumeSeq: seq0 + 1})
	require.NoError(t, err)
	require.Len(t, first, 2)
	require.Equal(t, seq0+1, first[0].PrevSeq)
	require.Equal(t, first[0].Seq, first[1].PrevSeq)
	require.Equal(t, int64(112), first[1].GetUpdate().Books[0].Levels[0].Price)

	for i := 0; i < 6; i++ {
		require.NoError(t, h.process(c.commit(levelKV(t, 1, exchangetypes.LevelAsk, 120+int64(i), 1))))
	}
	_, first, err = h.Subscribe(&types.SubscribeRequest{ResumeEpoch: epoch, ResumeSeq: seq0 + 1})
	require.NoError(t, err)
	require.Len(t, first, 1)
	snap := first[0].GetSnapshot()
	require.True(t, snap.Reset_)
	require.Contains(t, snap.Reason, "replay buffer")
	require.Len(t, snap.Books[0].Levels, 1+3+6, "the snapshot holds the whole book")

	_, first, err = h.Subscribe(&types.SubscribeRequest{ResumeEpoch: epoch + 12345, ResumeSeq: 3})
	require.NoError(t, err)
	require.True(t, first[0].GetSnapshot().Reset_)
	require.Contains(t, first[0].GetSnapshot().Reason, "unknown epoch")
}

// TestPublishNeverBlocksAndResets: when the hub's input is full the
// listener's Publish drops the block instead of waiting; the hub then
// rebuilds from the committed store under a new epoch and sends its
// subscribers a snapshot flagged reset that equals the store.
func TestPublishNeverBlocksAndResets(t *testing.T) {
	c := newChain(t)
	h := newTestHub(t, c, Config{InputBlocks: 2, SubscriberFrames: 64})
	sub, _, err := h.Subscribe(&types.SubscribeRequest{})
	require.NoError(t, err)
	epoch, _, _ := h.Epoch()
	for i := 0; i < 10; i++ { // the hub is not running: only 2 fit
		h.Publish(c.commit(levelKV(t, 1, exchangetypes.LevelAsk, 200+int64(i), 1)))
	}
	require.True(t, h.behind.Load())
	b := <-h.in
	require.NoError(t, h.process(b))
	e2, _, height := h.Epoch()
	require.NotEqual(t, epoch, e2, "a reset changes the epoch")
	require.Equal(t, c.height, height, "the hub rebuilt at the store's height")
	msgs := drain(sub)
	require.Len(t, msgs, 1)
	snap := msgs[0].GetSnapshot()
	require.True(t, snap.Reset_)
	require.Len(t, snap.Books[0].Levels, 1+10)
	require.Equal(t, uint64(1), h.Stats().Resets)
	// The block still queued is older than the rebuilt state: skipped.
	require.NoError(t, h.process(<-h.in))
	_, _, height = h.Epoch()
	require.Equal(t, c.height, height)
}
