package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/client"
	"github.com/clearchain/clearchain/stream/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// Submitter sends a signed tx (a node's broadcast, or a test's block).
type Submitter interface {
	Broadcast(ctx context.Context, tx []byte) (string, error)
}

// Bot quotes one market from the stream: every RefreshBlocks committed
// blocks it sends one unordered tx with a MsgBatch (cancel its open quotes,
// place the new ladder) and a MsgHeartbeat (the dead-man switch).
type Bot struct {
	cfg    Config
	signer *client.Signer
	sub    Submitter
	feed   *client.Feed
	out    io.Writer
	m      *botMetrics

	mu          sync.Mutex
	oracle      int64
	inventory   int64
	lastRefresh int64
	seen        map[types.OrderEvent]int
	fills       int
	refreshes   int
	errors      int
	lastHeight  int64
}

type botMetrics struct {
	refreshes, fills, txErrors prometheus.Counter
	inventory, ref, height     prometheus.Gauge
}

func newBotMetrics(reg prometheus.Registerer) *botMetrics {
	m := &botMetrics{
		refreshes: prometheus.NewCounter(prometheus.CounterOpts{Name: "clearchain_mm_refreshes_total", Help: "Quote refreshes sent (batch replace + heartbeat)."}),
		fills:     prometheus.NewCounter(prometheus.CounterOpts{Name: "clearchain_mm_fills_total", Help: "Fills of the bot's orders seen on the stream."}),
		txErrors:  prometheus.NewCounter(prometheus.CounterOpts{Name: "clearchain_mm_tx_errors_total", Help: "Refresh txs refused by the node."}),
		inventory: prometheus.NewGauge(prometheus.GaugeOpts{Name: "clearchain_mm_inventory_lots", Help: "Net filled position since start (lots, long positive)."}),
		ref:       prometheus.NewGauge(prometheus.GaugeOpts{Name: "clearchain_mm_reference_price", Help: "Reference price the quotes centre on (ticks)."}),
		height:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "clearchain_mm_stream_height", Help: "Last committed height applied from the stream."}),
	}
	if reg != nil {
		reg.MustRegister(m.refreshes, m.fills, m.txErrors, m.inventory, m.ref, m.height)
	}
	return m
}

// NewBot returns a bot; out receives its progress lines.
func NewBot(cfg Config, signer *client.Signer, sub Submitter, out io.Writer, reg prometheus.Registerer) *Bot {
	b := &Bot{cfg: cfg, signer: signer, sub: sub, out: out, m: newBotMetrics(reg), seen: map[types.OrderEvent]int{}}
	b.feed = client.NewFeed(b.onApply)
	return b
}

// Feed returns the bot's stream consumer.
func (b *Bot) Feed() *client.Feed { return b.feed }

// Request is the bot's subscription: its market and its account.
func (b *Bot) Request() *types.SubscribeRequest {
	return &types.SubscribeRequest{MarketIds: []uint64{b.cfg.Market}, Accounts: []string{b.signer.Address()}}
}

// onApply records what the stream said about the bot's orders and prices.
func (b *Bot) onApply(msg *types.StreamMessage) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lastHeight = msg.Height
	b.m.height.Set(float64(msg.Height))
	if snap := msg.GetSnapshot(); snap != nil {
		fmt.Fprintf(b.out, "clear-mm: snapshot at height %d (epoch %d, seq %d, reset %v): %d book(s), %d open order(s) of ours\n",
			msg.Height, msg.Epoch, msg.Seq, snap.Reset_, len(snap.Books), len(snap.Orders))
		return
	}
	u := msg.GetUpdate()
	if u == nil {
		return
	}
	for _, p := range u.Prices {
		if p.FeedId == b.cfg.OracleFeed && p.Price > 0 {
			b.oracle = p.Price
		}
	}
	for _, o := range u.Orders {
		b.seen[o.Event]++
		switch o.Event {
		case types.OrderEvent_ORDER_EVENT_PARTIALLY_FILLED, types.OrderEvent_ORDER_EVENT_FILLED:
			b.fills++
			b.m.fills.Inc()
			if o.Side == exchangetypes.Side_SIDE_BUY.String() {
				b.inventory += int64(o.Quantity)
			} else {
				b.inventory -= int64(o.Quantity)
			}
			fmt.Fprintf(b.out, "clear-mm: height %d: %s %s %d @ %d (order %d %q), inventory %d\n",
				msg.Height, o.Event, o.Side, o.Quantity, o.FillPrice, o.OrderId, o.ClientOrderId, b.inventory)
		case types.OrderEvent_ORDER_EVENT_REJECTED, types.OrderEvent_ORDER_EVENT_CANCELLED:
			if o.Reason != "cancelled" && o.Reason != "replaced" {
				fmt.Fprintf(b.out, "clear-mm: height %d: order %d %q %s: %s (code %d)\n",
					msg.Height, o.OrderId, o.ClientOrderId, o.Event, o.Reason, o.ReasonCode)
			}
		}
	}
	b.m.inventory.Set(float64(b.inventory))
}

// reference returns the price to quote around: the oracle's, else the
// book's mid, else the configured reference price.
func (b *Bot) reference() (int64, string) {
	b.mu.Lock()
	oracle := b.oracle
	b.mu.Unlock()
	if oracle > 0 {
		return oracle, "oracle " + b.cfg.OracleFeed
	}
	if bk := b.feed.Book(b.cfg.Market); bk != nil {
		bids, asks := bk.Levels(types.BookSide_BOOK_SIDE_BID), bk.Levels(types.BookSide_BOOK_SIDE_ASK)
		if len(bids) > 0 && len(asks) > 0 {
			return (bids[0].Price + asks[0].Price) / 2, "book mid"
		}
	}
	return b.cfg.ReferencePrice, "configured reference"
}

// Step refreshes the quotes when RefreshBlocks blocks passed since the
// last refresh; now is the clock the tx's timeout counts from. It returns
// whether it sent a refresh.
func (b *Bot) Step(ctx context.Context, now time.Time) (bool, error) {
	_, _, height := b.feed.Position()
	b.mu.Lock()
	due := height > 0 && height-b.lastRefresh >= b.cfg.RefreshBlocks
	inv := b.inventory
	b.mu.Unlock()
	if !due {
		return false, nil
	}
	ref, src := b.reference()
	b.m.ref.Set(float64(ref))
	var cancels []exchangetypes.CancelSpec
	for _, o := range b.feed.Orders().Open() {
		if o.MarketID == b.cfg.Market && o.Account == b.signer.Address() && o.Remaining > 0 {
			// By client order id (the bot names every quote): the cancel
			// holds even if the order id was not seen yet.
			c := exchangetypes.CancelSpec{MarketId: o.MarketID, ClientOrderId: o.ClientOrderID}
			if c.ClientOrderId == "" {
				c.OrderId = o.OrderID
			}
			cancels = append(cancels, c)
		}
	}
	quotes := Quotes(b.cfg, ref, inv)
	batch := b.signer.Batch(Specs(b.cfg.Market, height, quotes), cancels)
	// Best effort: a cancel of a quote that filled or went meanwhile must
	// not fail the tx, or its heartbeat would not renew the dead-man
	// switch and the exchange would pull every quote.
	batch.BestEffort = true
	msgs := []sdk.Msg{batch}
	if b.cfg.HeartbeatBlocks > 0 {
		msgs = append(msgs, b.signer.Heartbeat(b.cfg.HeartbeatBlocks))
	}
	tx, err := b.signer.SignUnordered(now, msgs...)
	if err != nil {
		return false, err
	}
	b.mu.Lock()
	b.lastRefresh = height
	b.mu.Unlock()
	if _, err := b.sub.Broadcast(ctx, tx); err != nil {
		b.mu.Lock()
		b.errors++
		b.mu.Unlock()
		b.m.txErrors.Inc()
		var refused *client.TxError
		if errors.As(err, &refused) {
			fmt.Fprintf(b.out, "clear-mm: height %d: refresh refused: code %d reason %q: %s\n", height, refused.Code, refused.Reason, refused.Log)
			return false, nil
		}
		return false, err
	}
	b.mu.Lock()
	b.refreshes++
	b.mu.Unlock()
	b.m.refreshes.Inc()
	fmt.Fprintf(b.out, "clear-mm: height %d: refresh around %d (%s), inventory %d: cancel %d, place %d %s, heartbeat %d blocks\n",
		height, ref, src, inv, len(cancels), len(quotes), ladder(quotes), b.cfg.HeartbeatBlocks)
	return true, nil
}

func ladder(qs []Quote) string {
	s := ""
	for _, q := range qs {
		side := "bid"
		if q.Side == exchangetypes.Side_SIDE_SELL {
			side = "ask"
		}
		s += fmt.Sprintf("[%s %d x %d]", side, q.Price, q.Qty)
	}
	return s
}

// Summary is what the bot saw.
func (b *Bot) Summary() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.feed.Stats()
	return fmt.Sprintf("clear-mm: up to height %d: %d refreshes (%d refused), %d fills, inventory %d; order events %v; stream %+v",
		b.lastHeight, b.refreshes, b.errors, b.fills, b.inventory, b.seen, st)
}
