package app

// Stream tests on the whole app in-process: the determinism test's chain
// (every order type, carry-over, cancels, replaces, batches, heartbeats)
// driven block by block through FinalizeBlock + Commit, the stream's commit
// listener and hub fed by it, and the Stream service on a real gRPC server
// on 127.0.0.1 beside the app's query services.

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/spf13/viper"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"cosmossdk.io/collections"
	"cosmossdk.io/log/v2"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/codec"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/client"
	streamtypes "github.com/clearchain/clearchain/stream/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// newStreamChain is newDetChain with app options (the stream's bounds).
func newStreamChain(t *testing.T, w *detWorld, opts map[string]any) *detChain {
	c := &detChain{t: t, w: w, db: dbm.NewMemDB(), events: map[string]int{}}
	appOpts := viper.New()
	appOpts.Set(flags.FlagHome, t.TempDir())
	for k, v := range opts {
		appOpts.Set(k, v)
	}
	a, err := New(log.NewNopLogger(), c.db, true, appOpts, nil, baseapp.SetChainID(simChainID))
	require.NoError(t, err)
	c.app = a
	c.txCfg = a.TxConfig()
	cp := *simtestutil.DefaultConsensusParams
	cp.Block = &cmtproto.BlockParams{MaxBytes: 22020096, MaxGas: -1}
	_, err = a.InitChain(&abci.RequestInitChain{ChainId: simChainID, InitialHeight: 1, Time: detGenesisTime,
		ConsensusParams: &cp, AppStateBytes: w.genesis(t, a)})
	require.NoError(t, err)
	for i, acc := range w.all {
		acc.num, acc.seq = uint64(i), 0
	}
	return c
}

// serveGRPC serves the app's gRPC services (queries and Stream, as the node
// registers them) on 127.0.0.1 and returns a client connection.
func serveGRPC(t *testing.T, a *ClearApp) *grpc.ClientConn {
	srv := grpc.NewServer(grpc.ForceServerCodec(codec.NewProtoCodec(a.InterfaceRegistry()).GRPCCodec()))
	a.RegisterGRPCServerWithSkipCheckHeader(srv, true)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(func() {
		a.StreamHub().Stop()
		srv.Stop()
	})
	conn, err := client.Dial(lis.Addr().String())
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// levelView is a book level reduced to what the test compares.
type levelView struct {
	Qty    uint64
	Orders []string // "id:qty:owner:client id" in time priority
}

type bookView map[string]levelView // "B:price" / "A:price"

// storeBook reads market's bid and ask levels from the committed store.
func storeBook(t *testing.T, c *detChain, market uint64) bookView {
	ctx := c.queryCtx()
	k := c.app.ExchangeKeeper
	out := bookView{}
	rng := collections.NewPrefixedTripleRange[uint64, uint32, int64](market)
	err := k.Levels.Walk(ctx, rng, func(key collections.Triple[uint64, uint32, int64], v []byte) (bool, error) {
		side := map[uint32]string{exchangetypes.LevelBid: "B", exchangetypes.LevelAsk: "A"}[key.K2()]
		if side == "" {
			return false, nil
		}
		var lv levelView
		err := exchangetypes.DecodeLevel(v, func(o *exchangetypes.LevelOrder) error {
			addr, err := k.OwnerAddrs.Get(ctx, o.OwnerId)
			if err != nil {
				return err
			}
			lv.Qty += o.Quantity
			lv.Orders = append(lv.Orders, fmt.Sprintf("%d:%d:%s:%s", o.Id, o.Quantity, sdk.AccAddress(addr).String(), o.ClientOrderId))
			return nil
		})
		out[fmt.Sprintf("%s:%d", side, key.K3())] = lv
		return false, err
	})
	require.NoError(t, err)
	return out
}

func feedBook(f *client.Feed, market uint64) bookView {
	out := bookView{}
	b := f.Book(market)
	if b == nil {
		return out
	}
	for side, levels := range map[string]map[int64]*client.Level{"B": b.Bids, "A": b.Asks} {
		for p, l := range levels {
			var lv levelView
			for _, o := range l.Orders {
				lv.Orders = append(lv.Orders, fmt.Sprintf("%d:%d:%s:%s", o.OrderId, o.Quantity, o.Owner, o.ClientOrderId))
			}
			lv.Qty = l.Quantity
			out[fmt.Sprintf("%s:%d", side, p)] = lv
		}
	}
	return out
}

// depthBook is the L2 book the Depth query returns.
func depthBook(t *testing.T, conn *grpc.ClientConn, market uint64) map[string][2]uint64 {
	res, err := exchangetypes.NewQueryClient(conn).Depth(context.Background(), &exchangetypes.QueryDepthRequest{MarketId: market, Levels: 500})
	require.NoError(t, err)
	out := map[string][2]uint64{}
	for _, l := range res.Bids {
		out[fmt.Sprintf("B:%d", l.Price)] = [2]uint64{l.Quantity, uint64(l.Orders)}
	}
	for _, l := range res.Asks {
		out[fmt.Sprintf("A:%d", l.Price)] = [2]uint64{l.Quantity, uint64(l.Orders)}
	}
	return out
}

func l2(b bookView) map[string][2]uint64 {
	out := map[string][2]uint64{}
	for k, l := range b {
		out[k] = [2]uint64{l.Qty, uint64(len(l.Orders))}
	}
	return out
}

// waitFeed waits until f applied height h (a deadlock guard, not a timing
// assertion: the stream is asynchronous to the blocks by design).
func waitFeed(t *testing.T, f *client.Feed, h int64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, _, got := f.Position(); got >= h {
			return
		}
		if time.Now().After(deadline) {
			e, s, got := f.Position()
			t.Fatalf("feed stuck at height %d (epoch %d seq %d), want %d; stats %+v", got, e, s, h, f.Stats())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func runFeed(t *testing.T, ctx context.Context, f *client.Feed, dial client.Dialer, req *streamtypes.SubscribeRequest) {
	go func() { _ = f.Run(ctx, dial, req) }()
}

// TestStreamBookMatchesQuery: a client applying the snapshot and then the
// per-block deltas holds, after every block, exactly the book the committed
// store holds (L3: every order, its quantity, owner and client id, in time
// priority) and the Depth query returns (L2), across blocks with every
// order type on a continuous and a call-auction market. A second client
// whose frames are dropped, duplicated and reordered detects each fault
// from the sequence numbers, resyncs, and ends with the same book. A third
// subscriber that stops reading is dropped as a slow consumer with
// ResourceExhausted, while blocks and the other subscribers go on.
func TestStreamBookMatchesQuery(t *testing.T) {
	if testing.Short() {
		t.Skip("whole-app block-by-block run: skipped with -short")
	}
	w := newDetWorld(t)
	c := newStreamChain(t, w, map[string]any{"clear-stream.subscriber-frames": 8, "clear-stream.replay-blocks": 64})
	conn := serveGRPC(t, c.app)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.setup()

	dial := client.GRPCDialer(conn)
	accounts := []string{w.traders[3].addr.String(), w.traders[4].addr.String()}
	clean := client.NewFeed(nil)
	runFeed(t, ctx, clean, dial, &streamtypes.SubscribeRequest{Accounts: accounts})
	faulty := client.NewFeed(nil)
	runFeed(t, ctx, faulty, faultyDialer(dial), &streamtypes.SubscribeRequest{})
	waitFeed(t, clean, 1)
	waitFeed(t, faulty, 1)

	// The slow consumer: subscribes to everything and never reads, on a
	// connection with fixed 64 KiB flow-control windows (no BDP growth).
	slowConn, err := grpc.NewClient(conn.Target(), grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithInitialWindowSize(1<<16), grpc.WithInitialConnWindowSize(1<<16),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(c.app.InterfaceRegistry()).GRPCCodec())))
	require.NoError(t, err)
	defer slowConn.Close()
	slow, err := streamtypes.NewStreamClient(slowConn).Subscribe(ctx, &streamtypes.SubscribeRequest{Accounts: accounts})
	require.NoError(t, err)
	_, err = slow.Recv() // the snapshot
	require.NoError(t, err)

	g := newDetGen(detSeed)
	const blocks = 80
	nonEmpty := 0
	for h := int64(2); h <= blocks; h++ {
		if h%20 == 0 {
			t.Logf("height %d: clean %+v", h, clean.Stats())
		}
		c.deliver(h, g.block(c, h))
		waitFeed(t, clean, h)
		if h == blocks {
			// The faulty feed only detects a dropped frame when the next
			// one arrives: its faults stop before the last blocks.
			waitFeed(t, faulty, h)
		}
		for _, m := range []uint64{mktContinuous, mktAuction} {
			want := storeBook(t, c, m)
			require.Equal(t, want, feedBook(clean, m), "height %d market %d: streamed book differs from the store", h, m)
			if h == blocks {
				require.Equal(t, want, feedBook(faulty, m), "height %d market %d: faulty feed's book differs after resync", h, m)
			}
			require.Equal(t, depthBook(t, conn, m), l2(want), "height %d market %d: Depth differs", h, m)
			if len(want) > 0 {
				nonEmpty++
			}
		}
	}
	require.Greater(t, nonEmpty, blocks, "books were mostly empty: the comparison proves little")

	st := faulty.Stats()
	t.Logf("clean feed: %+v", clean.Stats())
	t.Logf("faulty feed: %+v", st)
	require.Positive(t, st.Duplicates, "no duplicate detected")
	require.Positive(t, st.Gaps, "no gap (dropped or reordered frame) detected")
	require.Positive(t, st.Resyncs)
	require.Zero(t, clean.Stats().Gaps+clean.Stats().Resyncs, "the clean feed saw a fault")

	// Private stream: the tracked accounts' open orders are exactly their
	// resting orders in the store, with client ids.
	open := map[string]bool{}
	for _, o := range clean.Orders().Open() {
		if o.Remaining > 0 {
			open[fmt.Sprintf("%d:%d:%s:%s", o.OrderID, o.Remaining, o.Account, o.ClientOrderID)] = true
		}
	}
	resting := map[string]bool{}
	for _, m := range []uint64{mktContinuous, mktAuction} {
		for _, lv := range storeBook(t, c, m) {
			for _, o := range lv.Orders {
				for _, a := range accounts {
					if containsOwner(o, a) {
						resting[o] = true
					}
				}
			}
		}
	}
	for o := range resting {
		require.True(t, open[o], "resting order %s not open in the tracker", o)
	}

	// The slow consumer is dropped once its 64 KiB window and its 8 queued
	// updates are full; more blocks go on meanwhile, and the clean feed
	// keeps up with every one of them.
	hub := c.app.StreamHub()
	h := int64(blocks)
	for hub.Stats().DroppedSubscribers == 0 {
		h++
		require.Less(t, h, int64(blocks+3000), "the slow consumer was never dropped")
		c.deliver(h, g.block(c, h))
		waitFeed(t, clean, h)
	}
	t.Logf("slow consumer dropped at height %d; hub %+v", h, hub.Stats())
	// Abandoned subscriptions (the faulty feed's, after each resync) end
	// on the server: the clean and the faulty feed remain.
	for deadline := time.Now().Add(30 * time.Second); hub.Stats().Subscribers != 2; {
		require.True(t, time.Now().Before(deadline), "subscribers: %+v", hub.Stats())
		time.Sleep(5 * time.Millisecond)
	}
	for _, m := range []uint64{mktContinuous, mktAuction} {
		require.Equal(t, storeBook(t, c, m), feedBook(clean, m), "after the drop: market %d", m)
	}
	var recvErr error
	for i := 0; i < 100000 && recvErr == nil; i++ {
		_, recvErr = slow.Recv()
	}
	require.Equal(t, codes.ResourceExhausted, status.Code(recvErr), "slow consumer: %v", recvErr)
	require.Contains(t, status.Convert(recvErr).Message(), "slow_consumer")
}

func containsOwner(o, addr string) bool { return strings.Contains(o, ":"+addr+":") }

// faultyFrames: the faulty receiver mangles the first updates only.
const faultyFrames = 60

// faultyDialer wraps each subscription so that it drops, duplicates and
// swaps update frames on a fixed pattern.
func faultyDialer(dial client.Dialer) client.Dialer {
	n := 0
	return func(ctx context.Context, req *streamtypes.SubscribeRequest) (client.Receiver, error) {
		r, err := dial(ctx, req)
		if err != nil {
			return nil, err
		}
		return &faultyReceiver{inner: r, n: &n}, nil
	}
}

type faultyReceiver struct {
	inner   client.Receiver
	n       *int
	pending []*streamtypes.StreamMessage
}

func (f *faultyReceiver) Recv() (*streamtypes.StreamMessage, error) {
	if len(f.pending) > 0 {
		m := f.pending[0]
		f.pending = f.pending[1:]
		return m, nil
	}
	m, err := f.inner.Recv()
	if err != nil || m.GetUpdate() == nil {
		return m, err
	}
	*f.n++
	if *f.n > faultyFrames {
		return m, nil
	}
	switch *f.n % 13 {
	case 3: // duplicated
		f.pending = append(f.pending, m)
	case 7: // dropped
		return f.inner.Recv()
	case 11: // reordered with the next one
		next, err := f.inner.Recv()
		if err != nil {
			return nil, err
		}
		f.pending = append(f.pending, m)
		return next, nil
	}
	return m, nil
}

// TestStreamFillAgainstOldOrderAfterReplace: a market maker replaces its
// ask (by client id, to a higher price) in the block where a taker that
// arrived first lifts part of it at the old price. Both streams tell the
// same story: on the maker's private stream the fill at the old price
// comes before the replace, with the taker's order as counterparty and the
// remaining quantity the public book then shows at the new price; on the
// taker's private stream the same fill names the maker's order; the
// tracker's open order and the public book (L3) agree with the store.
func TestStreamFillAgainstOldOrderAfterReplace(t *testing.T) {
	w := newDetWorld(t)
	c := newStreamChain(t, w, nil)
	conn := serveGRPC(t, c.app)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c.setup()
	mm, taker := w.traders[3], w.traders[0]
	accounts := []string{mm.addr.String(), taker.addr.String()}

	feed := client.NewFeed(nil)
	runFeed(t, ctx, feed, client.GRPCDialer(conn), &streamtypes.SubscribeRequest{Accounts: accounts})
	raw, err := streamtypes.NewStreamClient(conn).Subscribe(ctx, &streamtypes.SubscribeRequest{Accounts: accounts})
	require.NoError(t, err)
	updates := make(chan *streamtypes.StreamMessage, 64)
	go func() {
		for {
			m, err := raw.Recv()
			if err != nil {
				close(updates)
				return
			}
			updates <- m
		}
	}()
	waitFeed(t, feed, 1)

	ask := exchangetypes.OrderSpec{MarketId: mktContinuous, Side: exchangetypes.Side_SIDE_SELL, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
		TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: 1100, Quantity: 10, ClientOrderId: "q1"}
	res := c.deliver(2, []detTx{{mm, []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: mm.addr.String(), Order: ask}}}})
	require.Zero(t, res[0].Code, res[0].Log)
	var askID uint64
	for _, o := range c.live[3] {
		askID = o.id
	}
	require.NotZero(t, askID)

	lift := exchangetypes.OrderSpec{MarketId: mktContinuous, Side: exchangetypes.Side_SIDE_BUY, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
		TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_IOC, Price: 1100, Quantity: 4, ClientOrderId: "lift"}
	res = c.deliver(3, []detTx{
		{taker, []sdk.Msg{&exchangetypes.MsgPlaceOrder{Owner: taker.addr.String(), Order: lift}}},
		{mm, []sdk.Msg{&exchangetypes.MsgCancelReplace{Owner: mm.addr.String(), MarketId: mktContinuous, ClientOrderId: "q1", Price: 1105, Quantity: 10}}},
	})
	for i, r := range res {
		require.Zero(t, r.Code, "tx %d: %s", i, r.Log)
	}
	waitFeed(t, feed, 3)

	// The store: the ask lives on at 1105 with 6 open.
	book := storeBook(t, c, mktContinuous)
	want := fmt.Sprintf("%d:6:%s:q1", askID, mm.addr)
	require.Equal(t, levelView{Qty: 6, Orders: []string{want}}, book["A:1105"], "store book %v", book)
	_, old := book["A:1100"]
	require.False(t, old)
	// The public stream's book is the store's.
	require.Equal(t, book, feedBook(feed, mktContinuous))

	// The private streams of height 3.
	var mine, theirs []*streamtypes.OrderUpdate
	for m := range updates {
		if u := m.GetUpdate(); u != nil && m.Height == 3 {
			for _, o := range u.Orders {
				if o.Account == mm.addr.String() {
					mine = append(mine, o)
				} else {
					theirs = append(theirs, o)
				}
			}
		}
		if m.Height >= 3 {
			break
		}
	}
	for _, o := range append(append([]*streamtypes.OrderUpdate{}, mine...), theirs...) {
		t.Logf("height 3 %s: %s order %d %q price %d qty %d remaining %d fill %d counter %d maker %v reason %q",
			o.Account[len(o.Account)-6:], o.Event, o.OrderId, o.ClientOrderId, o.Price, o.Quantity, o.Remaining, o.FillPrice, o.CounterOrderId, o.Maker, o.Reason)
	}
	require.NotEmpty(t, mine)
	fill := mine[0]
	require.Equal(t, streamtypes.OrderEvent_ORDER_EVENT_PARTIALLY_FILLED, fill.Event, "the fill at the old terms comes first")
	require.Equal(t, askID, fill.OrderId)
	require.Equal(t, "q1", fill.ClientOrderId)
	require.Equal(t, int64(1100), fill.FillPrice)
	require.Equal(t, uint64(4), fill.Quantity)
	require.Equal(t, uint64(6), fill.Remaining)
	require.True(t, fill.Maker)
	last := mine[len(mine)-1]
	require.Equal(t, askID, last.OrderId)
	require.Equal(t, uint64(6), last.Remaining, "after the replace: the open quantity the book shows")
	require.Equal(t, int64(1105), last.Price)
	sawReplace := false
	for _, o := range mine[1:] {
		sawReplace = sawReplace || o.Reason == "replaced"
	}
	require.True(t, sawReplace, "the replace is on the private stream after the fill")

	require.NotEmpty(t, theirs)
	var takerFill *streamtypes.OrderUpdate
	for _, o := range theirs {
		if o.Event == streamtypes.OrderEvent_ORDER_EVENT_PARTIALLY_FILLED || o.Event == streamtypes.OrderEvent_ORDER_EVENT_FILLED {
			takerFill = o
		}
	}
	require.NotNil(t, takerFill, "the taker's fill")
	require.Equal(t, askID, takerFill.CounterOrderId)
	require.Equal(t, takerFill.OrderId, fill.CounterOrderId)
	require.Equal(t, fill.Quantity, takerFill.Quantity)
	require.Equal(t, fill.FillPrice, takerFill.FillPrice)
	require.False(t, takerFill.Maker)

	// The tracker (from the private stream) agrees with the public book.
	var open []string
	for _, o := range feed.Orders().Open() {
		if o.Account == mm.addr.String() && o.Remaining > 0 {
			open = append(open, fmt.Sprintf("%d:%d:%s:%s@%d", o.OrderID, o.Remaining, o.Account, o.ClientOrderID, o.Price))
		}
	}
	require.Equal(t, []string{want + "@1105"}, open)
}
