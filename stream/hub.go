package stream

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/prometheus/client_golang/prometheus"

	"cosmossdk.io/log/v2"

	"github.com/clearchain/clearchain/stream/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// KV is one write to the exchange store, as the commit listener saw it.
type KV struct {
	Key, Value []byte
	Delete     bool
}

// Block is one committed block as the commit listener hands it over.
type Block struct {
	Height int64
	// Committed is when the listener saw the commit (for the latency metric;
	// wall clock, outside consensus).
	Committed time.Time
	// Events in block order: pre/begin-block events, successful txs' events,
	// end-block events.
	Events []abci.Event
	// Writes are the exchange store's writes in the block, in order.
	Writes []KV
}

// Source reads the committed exchange store at its latest height: every
// market, owner address and price level, as KV pairs.
type Source interface {
	Load() (height int64, pairs []KV, err error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func() (int64, []KV, error)

// Load calls f.
func (f SourceFunc) Load() (int64, []KV, error) { return f() }

// Config bounds the hub's buffers.
type Config struct {
	// InputBlocks: committed blocks queued between the commit listener and
	// the hub; when full the listener drops the block and the hub resets.
	InputBlocks int
	// ReplayBlocks: updates kept for resumes.
	ReplayBlocks int
	// SubscriberFrames: updates queued per subscriber before it is dropped
	// as a slow consumer.
	SubscriberFrames int
	// Registerer receives the Prometheus metrics (nil: not registered).
	Registerer prometheus.Registerer
	Logger     log.Logger
	// Store, if set, keeps the replay buffer and the sequence state on
	// disk (replaystore.go) so the epoch continues across a node restart;
	// LoadAt reads the committed exchange store at an earlier height (the
	// one the store was saved at). The hub closes Store when it stops.
	Store  *ReplayStore
	LoadAt func(height int64) ([]KV, error)
}

// DefaultConfig returns the defaults documented in README.md.
func DefaultConfig() Config {
	return Config{InputBlocks: 64, ReplayBlocks: 1024, SubscriberFrames: 256}
}

// Hub mirrors the committed books and fans each committed block out to the
// subscribers. Publish is the only method the commit path calls; it never
// blocks.
type Hub struct {
	cfg     Config
	src     Source
	log     log.Logger
	in      chan *Block
	behind  atomic.Bool // the listener dropped a block: reset
	started atomic.Bool
	metrics *metrics
	quit    chan struct{}
	done    chan struct{}
	stop    sync.Once

	mu       sync.Mutex
	loaded   bool
	epoch    uint64
	seq      uint64
	height   int64
	books    map[uint64]*book
	statuses map[uint64]string
	owners   map[uint64]string
	orders   map[uint64]*orderInfo
	// applyLevel's state (writes.go): its call counter and reused buffers.
	levelMark        uint64
	levelScratch     []exchangetypes.LevelOrder
	unmatchedScratch []*types.BookOrder
	accSeq           map[string]uint64
	ring             []*frame // replay buffer, oldest first
	subs             map[*Subscriber]struct{}
	dropped          uint64
	resets           uint64
}

type levelKey struct {
	side  types.BookSide
	price int64
}

type book struct {
	seq    uint64
	levels map[levelKey]*types.BookLevel // never mutated once stored
}

type orderInfo struct {
	owner, clientID string
	market          uint64
	side            string
	price           int64
	remaining       uint64
	resting         bool
	lastHeight      int64
	levelMark       uint64 // the applyLevel call that last listed it (writes.go)
}

// frame is one committed block's changes, shared by every subscriber (read
// only once built). A frame with snap set is a reset snapshot built for
// one subscriber.
type frame struct {
	epoch, seq, prev uint64
	height           int64
	committed        time.Time
	books            []*types.MarketBook // sorted by market
	orders           []*types.OrderUpdate
	prices           []*types.OraclePrice
	markets          []*types.MarketStatus
	snap             *types.StreamMessage
	cache            renderCache
	replaces         []int // indexes in orders of replaces' CANCELLED (replaces.go)
}

// NewHub returns a hub reading its initial state (and any reset) from src.
// Start runs it.
func NewHub(src Source, cfg Config) *Hub {
	d := DefaultConfig()
	if cfg.InputBlocks <= 0 {
		cfg.InputBlocks = d.InputBlocks
	}
	if cfg.ReplayBlocks <= 0 {
		cfg.ReplayBlocks = d.ReplayBlocks
	}
	if cfg.SubscriberFrames <= 0 {
		cfg.SubscriberFrames = d.SubscriberFrames
	}
	if cfg.Logger == nil {
		cfg.Logger = log.NewNopLogger()
	}
	return &Hub{
		cfg: cfg, src: src, log: cfg.Logger, in: make(chan *Block, cfg.InputBlocks),
		metrics: newMetrics(cfg.Registerer), quit: make(chan struct{}), done: make(chan struct{}),
		subs: map[*Subscriber]struct{}{},
	}
}

// Start runs the hub's goroutine until Stop.
func (h *Hub) Start() {
	h.started.Store(true)
	go h.run()
}

// Stop ends the hub and every subscription (status "shutdown").
func (h *Hub) Stop() {
	h.stop.Do(func() {
		close(h.quit)
		if h.started.Load() {
			<-h.done
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.cfg.Store != nil {
			if err := h.cfg.Store.Close(); err != nil {
				h.log.Error("stream: closing the replay store", "err", err)
			}
			h.cfg.Store = nil
		}
		for s := range h.subs {
			h.dropLocked(s, StatusShutdown, "the node is shutting down")
		}
	})
}

// EndSubscriptions drops every subscriber with status "shutdown" and keeps
// the hub running: the node is quitting and its gRPC server waits for open
// RPCs, while blocks it still commits are still saved to the replay store
// (so that the next start continues the epoch).
func (h *Hub) EndSubscriptions() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		h.dropLocked(s, StatusShutdown, "the node is shutting down")
	}
}

// Publish hands a committed block to the hub without blocking: when the
// hub's input is full the block is dropped and the hub resets from the
// committed store under a new epoch.
func (h *Hub) Publish(b *Block) {
	select {
	case h.in <- b:
		h.metrics.hubLag.Set(float64(len(h.in)))
	default:
		h.behind.Store(true)
		h.metrics.droppedBlocks.Inc()
	}
}

// Epoch returns the current epoch and sequence (0, 0 before the first
// load).
func (h *Hub) Epoch() (epoch, seq uint64, height int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.epoch, h.seq, h.height
}

func (h *Hub) run() {
	defer close(h.done)
	for {
		select {
		case <-h.quit:
			return
		case b := <-h.in:
			h.metrics.hubLag.Set(float64(len(h.in)))
			if err := h.process(b); err != nil {
				h.log.Error("stream: block not applied; resetting", "height", b.Height, "err", err)
				h.behind.Store(true)
			}
		}
	}
}

// process applies one committed block, resetting first when the hub is not
// loaded, fell behind, or sees a height that does not follow its own.
func (h *Hub) process(b *Block) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.loaded && h.cfg.Store != nil {
		h.restoreLocked(b.Height)
	}
	if !h.loaded || h.behind.Swap(false) || (b.Height > h.height+1) {
		if err := h.resetLocked(); err != nil {
			return err
		}
	}
	if b.Height <= h.height {
		return nil // already in the loaded state
	}
	f := h.applyLocked(b)
	h.ring = append(h.ring, f)
	if len(h.ring) > h.cfg.ReplayBlocks {
		copy(h.ring, h.ring[1:])
		h.ring[len(h.ring)-1] = nil
		h.ring = h.ring[:len(h.ring)-1]
	}
	h.fanOutLocked(f)
	h.persistLocked(f)
	return nil
}

// persistLocked saves the sequence state and f (nil: a new epoch, no
// update kept) to the replay store, if any. A failure is logged: the next
// start then resets.
func (h *Hub) persistLocked(f *frame) {
	if h.cfg.Store == nil {
		return
	}
	st := replayState{Epoch: h.epoch, Seq: h.seq, Height: h.height, Markets: make(map[uint64]uint64, len(h.books)), Accounts: h.accSeq}
	for m, bk := range h.books {
		st.Markets[m] = bk.seq
	}
	if err := h.cfg.Store.save(st, f, h.cfg.ReplayBlocks); err != nil {
		h.log.Error("stream: replay store not written", "height", h.height, "err", err)
		h.metrics.storeErrors.Inc()
	}
}

// restoreLocked continues the epoch the replay store saved, if it was
// saved at the height just before next (no committed block was missed):
// the mirror is read from the committed store at that height, the books'
// and accounts' sequences and the replay buffer from the replay store.
// Otherwise it does nothing and the caller resets (a new epoch).
func (h *Hub) restoreLocked(next int64) {
	st, frames, ok, err := h.cfg.Store.load()
	switch {
	case err != nil:
		h.log.Error("stream: replay store unreadable; new epoch", "err", err)
		return
	case !ok:
		return
	case st.Height != next-1 || h.cfg.LoadAt == nil:
		h.log.Info("stream: replay store saved at another height; new epoch", "saved", st.Height, "next", next)
		return
	}
	pairs, err := h.cfg.LoadAt(st.Height)
	if err != nil {
		h.log.Error("stream: committed store not readable at the saved height; new epoch", "height", st.Height, "err", err)
		return
	}
	h.books, h.statuses, h.owners = map[uint64]*book{}, map[uint64]string{}, map[uint64]string{}
	h.orders, h.accSeq = map[uint64]*orderInfo{}, map[string]uint64{}
	h.epoch, h.seq, h.height = st.Epoch, st.Seq, st.Height
	var changed []types.MarketStatus
	h.applyWrites(pairs, h.seq, &changed)
	for m, bk := range h.books {
		s, ok := st.Markets[m]
		if !ok {
			h.log.Error("stream: replay store misses a market; new epoch", "market", m)
			return
		}
		bk.seq = s
	}
	for a, s := range st.Accounts {
		h.accSeq[a] = s
	}
	h.ring = h.ring[:0]
	for _, f := range frames {
		if f.epoch == st.Epoch && f.seq <= st.Seq && f.seq+uint64(h.cfg.ReplayBlocks) > st.Seq {
			h.ring = append(h.ring, f)
		}
	}
	h.loaded = true
	h.metrics.restores.Inc()
	h.log.Info("stream: epoch continued from the replay store", "height", st.Height, "epoch", st.Epoch, "seq", st.Seq,
		"replay", len(h.ring))
}

// resetLocked rebuilds the mirror from the committed store under a new
// epoch and sends every subscriber a snapshot flagged reset.
func (h *Hub) resetLocked() error {
	height, pairs, err := h.src.Load()
	if err != nil {
		return fmt.Errorf("stream: loading the committed books: %w", err)
	}
	wasLoaded := h.loaded
	h.books, h.statuses, h.owners = map[uint64]*book{}, map[uint64]string{}, map[uint64]string{}
	h.orders, h.accSeq = map[uint64]*orderInfo{}, map[string]uint64{}
	h.ring = nil
	// A new epoch: wall-clock nanoseconds, so a restarted node never reuses
	// one; strictly increasing within the process.
	h.epoch = max(h.epoch+1, uint64(time.Now().UnixNano()))
	h.seq++
	h.height = height
	var changed []types.MarketStatus
	h.applyWrites(pairs, h.seq, &changed)
	for _, bk := range h.books {
		bk.seq = h.seq
	}
	h.loaded = true
	h.persistLocked(nil)
	if wasLoaded {
		h.metrics.resets.Inc()
		h.resets++
		for s := range h.subs {
			snap := h.snapshotLocked(s, true, "the stream fell behind the chain and was rebuilt")
			h.sendLocked(s, &frame{snap: snap})
		}
	}
	h.log.Info("stream: books loaded", "height", height, "epoch", h.epoch, "markets", len(h.books))
	return nil
}

// applyLocked turns one block into a frame: its events first (against the
// order index before the block), then the store writes.
func (h *Hub) applyLocked(b *Block) *frame {
	h.seq++
	h.height = b.Height
	f := &frame{epoch: h.epoch, seq: h.seq, prev: h.seq - 1, height: b.Height, committed: b.Committed}
	h.applyEvents(b, f)
	var statuses []types.MarketStatus
	touched := h.applyWrites(b.Writes, h.seq, &statuses)
	h.completeReplaces(f, touched)
	for i := range statuses {
		f.markets = append(f.markets, &statuses[i])
	}
	markets := make([]uint64, 0, len(touched))
	for m := range touched {
		markets = append(markets, m)
	}
	sort.Slice(markets, func(i, j int) bool { return markets[i] < markets[j] })
	for _, m := range markets {
		bk := h.books[m]
		mb := &types.MarketBook{MarketId: m, Seq: h.seq, PrevSeq: bk.seq}
		keys := touched[m]
		sortLevelKeys(keys)
		for _, k := range keys {
			if lv := bk.levels[k]; lv != nil {
				mb.Levels = append(mb.Levels, lv)
			} else {
				mb.Levels = append(mb.Levels, &types.BookLevel{Side: k.side, Price: k.price})
			}
		}
		bk.seq = h.seq
		f.books = append(f.books, mb)
	}
	if h.seq%256 == 0 {
		h.pruneOrders()
	}
	return f
}

// pruneOrders forgets index entries of orders that rest nowhere and saw no
// event for 256 blocks (an order whose terminal event was never seen).
func (h *Hub) pruneOrders() {
	for id, o := range h.orders {
		if !o.resting && o.lastHeight < h.height-256 {
			delete(h.orders, id)
		}
	}
}

func sortLevelKeys(keys []levelKey) {
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].side != keys[j].side {
			return keys[i].side < keys[j].side
		}
		if keys[i].side == types.BookSide_BOOK_SIDE_BID {
			return keys[i].price > keys[j].price
		}
		return keys[i].price < keys[j].price
	})
}

// Subscriber is one subscription's queue. The hub drops a subscriber whose
// queue is full.
type Subscriber struct {
	markets  map[uint64]bool // nil: every market
	accounts map[string]bool
	noBooks  bool
	ch       chan *frame
	dropped  chan struct{}
	code     string
	reason   string
	key      string // filterKey, for the frames' render cache
}

// Status codes a stream ends with.
const (
	StatusSlowConsumer = "slow_consumer"
	StatusShutdown     = "shutdown"
)

// ErrNotReady is returned by Subscribe before the first committed block.
var ErrNotReady = errors.New("stream: no committed block streamed yet; retry after the next block")

// Subscribe registers a subscription and returns the messages to send
// first: the replayed updates after req's resume point, or a snapshot
// (flagged reset when a resume could not be served).
func (h *Hub) Subscribe(req *types.SubscribeRequest) (*Subscriber, []*types.StreamMessage, error) {
	s := &Subscriber{accounts: map[string]bool{}, noBooks: req.NoBooks,
		ch: make(chan *frame, h.cfg.SubscriberFrames), dropped: make(chan struct{})}
	if len(req.MarketIds) > 0 {
		s.markets = map[uint64]bool{}
		for _, m := range req.MarketIds {
			s.markets[m] = true
		}
	}
	for _, a := range req.Accounts {
		s.accounts[a] = true
	}
	s.key = s.filterKey()
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.loaded {
		return nil, nil, ErrNotReady
	}
	var first []*types.StreamMessage
	resume := req.ResumeEpoch != 0 || req.ResumeSeq != 0
	switch {
	case resume && req.ResumeEpoch == h.epoch && req.ResumeSeq == h.seq:
		// up to date: nothing to replay
	case resume && req.ResumeEpoch == h.epoch && req.ResumeSeq < h.seq && len(h.ring) > 0 && h.ring[0].seq <= req.ResumeSeq+1:
		for _, f := range h.ring {
			if f.seq > req.ResumeSeq {
				first = append(first, s.render(f))
			}
		}
		h.metrics.replays.Inc()
	case resume:
		reason := "resume point no longer in the replay buffer"
		if req.ResumeEpoch != h.epoch {
			reason = "unknown epoch (the node restarted or the stream was rebuilt)"
		} else if req.ResumeSeq > h.seq {
			reason = "resume sequence ahead of the stream"
		}
		first = append(first, h.snapshotLocked(s, true, reason))
	default:
		first = append(first, h.snapshotLocked(s, false, ""))
	}
	h.subs[s] = struct{}{}
	h.metrics.subscribers.Set(float64(len(h.subs)))
	return s, first, nil
}

// Unsubscribe removes s (idempotent).
func (h *Hub) Unsubscribe(s *Subscriber) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[s]; ok {
		delete(h.subs, s)
		h.metrics.subscribers.Set(float64(len(h.subs)))
	}
}

// Dropped is closed when the hub dropped s; Reason says why.
func (s *Subscriber) Dropped() <-chan struct{} { return s.dropped }

// Reason returns the status code and message s was dropped with.
func (s *Subscriber) Reason() (code, msg string) { return s.code, s.reason }

func (h *Hub) fanOutLocked(f *frame) {
	maxQ := 0
	for s := range h.subs {
		h.sendLocked(s, f)
		maxQ = max(maxQ, len(s.ch))
	}
	h.metrics.subscriberQueue.Set(float64(maxQ))
}

func (h *Hub) sendLocked(s *Subscriber, f *frame) {
	select {
	case s.ch <- f:
	default:
		h.dropLocked(s, StatusSlowConsumer, fmt.Sprintf(
			"subscriber did not keep up: %d updates queued (the bound); resubscribe with resume_epoch %d and resume_seq of the last update applied",
			cap(s.ch), h.epoch))
		h.metrics.droppedSubscribers.Inc()
		h.dropped++
	}
}

func (h *Hub) dropLocked(s *Subscriber, code, msg string) {
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	s.code, s.reason = code, msg
	close(s.dropped)
	h.metrics.subscribers.Set(float64(len(h.subs)))
}

func (s *Subscriber) wantsMarket(m uint64) bool {
	return !s.noBooks && (s.markets == nil || s.markets[m])
}

// render filters a frame for s.
func (s *Subscriber) render(f *frame) *types.StreamMessage {
	if f.snap != nil {
		return f.snap
	}
	u := &types.Update{Prices: f.prices}
	for _, b := range f.books {
		if s.wantsMarket(b.MarketId) {
			u.Books = append(u.Books, b)
		}
	}
	for _, o := range f.orders {
		if s.accounts[o.Account] {
			u.Orders = append(u.Orders, o)
		}
	}
	for _, m := range f.markets {
		if s.markets == nil || s.markets[m.MarketId] {
			u.Markets = append(u.Markets, m)
		}
	}
	var at int64
	if !f.committed.IsZero() {
		at = f.committed.UnixNano()
	}
	return &types.StreamMessage{Epoch: f.epoch, Seq: f.seq, PrevSeq: f.prev, Height: f.height, Committed: true,
		Body: &types.StreamMessage_Update{Update: u}, CommittedUnixNano: at}
}

// snapshotLocked builds s's snapshot of the current state.
func (h *Hub) snapshotLocked(s *Subscriber, reset bool, reason string) *types.StreamMessage {
	snap := &types.Snapshot{Reset_: reset, Reason: reason}
	ids := make([]uint64, 0, len(h.books))
	for m := range h.books {
		ids = append(ids, m)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, m := range ids {
		if st, ok := h.statuses[m]; ok && (s.markets == nil || s.markets[m]) {
			snap.Markets = append(snap.Markets, &types.MarketStatus{MarketId: m, Status: st})
		}
		if !s.wantsMarket(m) {
			continue
		}
		bk := h.books[m]
		mb := &types.MarketBook{MarketId: m, Seq: bk.seq}
		keys := make([]levelKey, 0, len(bk.levels))
		for k := range bk.levels {
			keys = append(keys, k)
		}
		sortLevelKeys(keys)
		for _, k := range keys {
			mb.Levels = append(mb.Levels, bk.levels[k])
		}
		snap.Books = append(snap.Books, mb)
	}
	if len(s.accounts) > 0 {
		for id, o := range h.orders {
			if o.resting && s.accounts[o.owner] {
				snap.Orders = append(snap.Orders, &types.BookOrder{OrderId: id, MarketId: o.market, Owner: o.owner,
					Side: sideOf(o.side), Price: o.price, Quantity: o.remaining, ClientOrderId: o.clientID})
			}
		}
		sort.Slice(snap.Orders, func(i, j int) bool { return snap.Orders[i].OrderId < snap.Orders[j].OrderId })
	}
	return &types.StreamMessage{Epoch: h.epoch, Seq: h.seq, PrevSeq: h.seq, Height: h.height, Committed: true,
		Body: &types.StreamMessage_Snapshot{Snapshot: snap}}
}

func sideOf(s string) types.BookSide {
	switch s {
	case "SIDE_BUY":
		return types.BookSide_BOOK_SIDE_BID
	case "SIDE_SELL":
		return types.BookSide_BOOK_SIDE_ASK
	}
	return types.BookSide_BOOK_SIDE_UNSPECIFIED
}

// Stats are the hub's counters (also exported as Prometheus metrics).
type Stats struct {
	Subscribers        int
	DroppedSubscribers uint64
	Resets             uint64
}

// Stats returns the hub's counters.
func (h *Hub) Stats() Stats {
	h.mu.Lock()
	defer h.mu.Unlock()
	return Stats{Subscribers: len(h.subs), DroppedSubscribers: h.dropped, Resets: h.resets}
}
