package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/clearchain/clearchain/stream/types"
)

// Errors of the stream consumer. Every inconsistency is detected from the
// sequence numbers alone and answered by a resync.
var (
	// ErrGap: an update's prev_seq is not the last applied sequence (a
	// dropped or reordered frame), or a market's prev_seq is not the
	// market's last sequence.
	ErrGap = errors.New("client: stream gap")
	// ErrEpoch: an update from another epoch than the snapshot's.
	ErrEpoch = errors.New("client: stream epoch changed")
	// ErrNoSnapshot: an update before any snapshot.
	ErrNoSnapshot = errors.New("client: update before the snapshot")
	// ErrSlowConsumer: the server dropped the subscription because the
	// client did not keep up.
	ErrSlowConsumer = errors.New("client: dropped by the server as a slow consumer")
)

// Level is one price level of a Book: its orders in time priority.
type Level = types.BookLevel

// Book is a market's book as the stream built it.
type Book struct {
	MarketID uint64
	// Seq is the stream sequence of the book's last change.
	Seq  uint64
	Bids map[int64]*Level
	Asks map[int64]*Level
}

// Levels returns one side's levels, best first.
func (b *Book) Levels(side types.BookSide) []*Level {
	m := b.Bids
	if side == types.BookSide_BOOK_SIDE_ASK {
		m = b.Asks
	}
	out := make([]*Level, 0, len(m))
	for _, l := range m {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool {
		if side == types.BookSide_BOOK_SIDE_BID {
			return out[i].Price > out[j].Price
		}
		return out[i].Price < out[j].Price
	})
	return out
}

func (b *Book) set(l *Level) {
	m := b.Bids
	if l.Side == types.BookSide_BOOK_SIDE_ASK {
		m = b.Asks
	}
	if len(l.Orders) == 0 {
		delete(m, l.Price)
	} else {
		m[l.Price] = l
	}
}

// FeedStats counts what a Feed detected and did.
type FeedStats struct {
	Snapshots, ResetSnapshots, Updates uint64
	Duplicates, Gaps, EpochChanges     uint64
	Resyncs, SlowConsumerDrops         uint64
}

// Feed applies a stream to a local copy of the books and of the tracked
// accounts' orders. Apply checks every message's sequence numbers; Run
// subscribes, applies and resyncs (resume, else snapshot) on any error.
type Feed struct {
	mu      sync.Mutex
	epoch   uint64
	seq     uint64
	height  int64
	synced  bool
	books   map[uint64]*Book
	orders  *Tracker
	stats   FeedStats
	onApply func(*types.StreamMessage)
}

// NewFeed returns an empty feed; onApply (may be nil) is called after each
// applied message, under no lock of the feed's.
func NewFeed(onApply func(*types.StreamMessage)) *Feed {
	return &Feed{books: map[uint64]*Book{}, orders: NewTracker(), onApply: onApply}
}

// Position returns the epoch, sequence and height last applied.
func (f *Feed) Position() (epoch, seq uint64, height int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.epoch, f.seq, f.height
}

// Stats returns the feed's counters.
func (f *Feed) Stats() FeedStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats
}

// Orders returns the order tracker fed by the private stream.
func (f *Feed) Orders() *Tracker { return f.orders }

// Book returns a copy of market's book (nil when unknown).
func (f *Feed) Book(market uint64) *Book {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.books[market]
	if b == nil {
		return nil
	}
	c := &Book{MarketID: b.MarketID, Seq: b.Seq, Bids: map[int64]*Level{}, Asks: map[int64]*Level{}}
	for p, l := range b.Bids {
		c.Bids[p] = l
	}
	for p, l := range b.Asks {
		c.Asks[p] = l
	}
	return c
}

// Markets returns the ids of the books the feed holds.
func (f *Feed) Markets() []uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]uint64, 0, len(f.books))
	for m := range f.books {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Apply applies one stream message. A duplicate (a sequence already
// applied) is ignored and counted; a gap, an epoch change or an update
// before a snapshot returns an error wrapping ErrGap, ErrEpoch or
// ErrNoSnapshot, and the feed stays as it was until a resync.
func (f *Feed) Apply(msg *types.StreamMessage) error {
	f.mu.Lock()
	err := f.apply(msg)
	f.mu.Unlock()
	if err == nil && f.onApply != nil {
		f.onApply(msg)
	}
	return err
}

func (f *Feed) apply(msg *types.StreamMessage) error {
	switch body := msg.Body.(type) {
	case *types.StreamMessage_Snapshot:
		snap := body.Snapshot
		f.stats.Snapshots++
		if snap.Reset_ {
			f.stats.ResetSnapshots++
		}
		f.books = map[uint64]*Book{}
		for _, mb := range snap.Books {
			b := &Book{MarketID: mb.MarketId, Seq: mb.Seq, Bids: map[int64]*Level{}, Asks: map[int64]*Level{}}
			for _, l := range mb.Levels {
				b.set(l)
			}
			f.books[mb.MarketId] = b
		}
		f.orders.reset(snap.Orders)
		f.epoch, f.seq, f.height, f.synced = msg.Epoch, msg.Seq, msg.Height, true
		return nil
	case *types.StreamMessage_Update:
		if !f.synced {
			return ErrNoSnapshot
		}
		if msg.Epoch != f.epoch {
			f.stats.EpochChanges++
			return fmt.Errorf("%w: update of epoch %d, applied epoch %d", ErrEpoch, msg.Epoch, f.epoch)
		}
		if msg.Seq <= f.seq {
			f.stats.Duplicates++
			return nil
		}
		if msg.PrevSeq != f.seq {
			f.stats.Gaps++
			return fmt.Errorf("%w: update %d follows %d, last applied %d", ErrGap, msg.Seq, msg.PrevSeq, f.seq)
		}
		u := body.Update
		for _, mb := range u.Books {
			if b := f.books[mb.MarketId]; b != nil && mb.PrevSeq != b.Seq {
				f.stats.Gaps++
				return fmt.Errorf("%w: market %d change %d follows %d, last applied %d", ErrGap, mb.MarketId, mb.Seq, mb.PrevSeq, b.Seq)
			}
		}
		for _, mb := range u.Books {
			b := f.books[mb.MarketId]
			if b == nil {
				b = &Book{MarketID: mb.MarketId, Bids: map[int64]*Level{}, Asks: map[int64]*Level{}}
				f.books[mb.MarketId] = b
			}
			for _, l := range mb.Levels {
				b.set(l)
			}
			b.Seq = mb.Seq
		}
		for _, o := range u.Orders {
			f.orders.apply(o)
		}
		f.seq, f.height = msg.Seq, msg.Height
		f.stats.Updates++
		return nil
	case *types.StreamMessage_Status:
		return fmt.Errorf("client: stream ended: %s: %s", body.Status.Code, body.Status.Message)
	}
	return fmt.Errorf("client: empty stream message")
}

// Receiver is a stream of messages (a gRPC stream, or a test's wrapper).
type Receiver interface {
	Recv() (*types.StreamMessage, error)
}

// Dialer opens a subscription.
type Dialer func(ctx context.Context, req *types.SubscribeRequest) (Receiver, error)

// GRPCDialer subscribes over conn.
func GRPCDialer(conn grpc.ClientConnInterface) Dialer {
	c := types.NewStreamClient(conn)
	return func(ctx context.Context, req *types.SubscribeRequest) (Receiver, error) {
		return c.Subscribe(ctx, req)
	}
}

// Run subscribes with req and applies the stream until ctx ends. On a gap,
// an epoch change, a dropped subscription or a broken connection it
// resubscribes with the last applied position (the server replays or sends
// a reset snapshot). It returns ctx's error, or a non-retryable error.
func (f *Feed) Run(ctx context.Context, dial Dialer, req *types.SubscribeRequest) error {
	for ctx.Err() == nil {
		r := *req
		if e, s, _ := f.Position(); s != 0 {
			r.ResumeEpoch, r.ResumeSeq = e, s
		}
		sctx, cancel := context.WithCancel(ctx)
		rc, err := dial(sctx, &r)
		if err == nil {
			err = f.consume(rc)
		}
		cancel() // ends this subscription on the server too
		if ctx.Err() != nil {
			return ctx.Err()
		}
		switch st, _ := status.FromError(err); {
		case errors.Is(err, ErrGap), errors.Is(err, ErrEpoch), errors.Is(err, ErrNoSnapshot):
		case st.Code() == codes.ResourceExhausted:
			f.mu.Lock()
			f.stats.SlowConsumerDrops++
			f.mu.Unlock()
		case st.Code() == codes.Unavailable, errors.Is(err, io.EOF), st.Code() == codes.Canceled:
		case st.Code() == codes.InvalidArgument, st.Code() == codes.Unimplemented:
			return err
		}
		f.mu.Lock()
		f.stats.Resyncs++
		f.mu.Unlock()
		if err := sleepCtx(ctx, retryDelay); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func (f *Feed) consume(rc Receiver) error {
	for {
		msg, err := rc.Recv()
		if err != nil {
			return err
		}
		if err := f.Apply(msg); err != nil {
			return err
		}
	}
}
