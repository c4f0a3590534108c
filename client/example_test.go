package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"

	"github.com/clearchain/clearchain/client"
	"github.com/clearchain/clearchain/stream/types"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

func level(side types.BookSide, price int64, qtys ...uint64) *types.BookLevel {
	l := &types.BookLevel{Side: side, Price: price, OrderCount: uint32(len(qtys))}
	for i, q := range qtys {
		l.Quantity += q
		l.Orders = append(l.Orders, &types.BookOrder{OrderId: uint64(price)*10 + uint64(i), Price: price, Quantity: q, Side: side})
	}
	return l
}

// A Feed applies a snapshot, then updates whose sequence numbers chain; a
// duplicate is ignored, a gap is reported (Run then resyncs).
func ExampleFeed_Apply() {
	f := client.NewFeed(nil)
	snap := &types.StreamMessage{Epoch: 7, Seq: 10, PrevSeq: 10, Height: 100, Committed: true,
		Body: &types.StreamMessage_Snapshot{Snapshot: &types.Snapshot{Books: []*types.MarketBook{{
			MarketId: 1, Seq: 10, Levels: []*types.BookLevel{
				level(types.BookSide_BOOK_SIDE_BID, 99, 5, 3), level(types.BookSide_BOOK_SIDE_ASK, 101, 4)},
		}}}}}
	update := &types.StreamMessage{Epoch: 7, Seq: 11, PrevSeq: 10, Height: 101, Committed: true,
		Body: &types.StreamMessage_Update{Update: &types.Update{Books: []*types.MarketBook{{
			MarketId: 1, Seq: 11, PrevSeq: 10, Levels: []*types.BookLevel{
				{Side: types.BookSide_BOOK_SIDE_ASK, Price: 101}, // removed
				level(types.BookSide_BOOK_SIDE_ASK, 102, 6)},
		}}}}}
	gap := &types.StreamMessage{Epoch: 7, Seq: 13, PrevSeq: 12, Height: 103, Committed: true,
		Body: &types.StreamMessage_Update{Update: &types.Update{}}}

	fmt.Println(f.Apply(snap), f.Apply(update), f.Apply(update))
	for _, l := range f.Book(1).Levels(types.BookSide_BOOK_SIDE_BID) {
		fmt.Println("bid", l.Price, l.Quantity, l.OrderCount)
	}
	for _, l := range f.Book(1).Levels(types.BookSide_BOOK_SIDE_ASK) {
		fmt.Println("ask", l.Price, l.Quantity, l.OrderCount)
	}
	err := f.Apply(gap)
	fmt.Println(errors.Is(err, client.ErrGap), err)
	fmt.Printf("%+v\n", f.Stats())
	// Output:
	// <nil> <nil> <nil>
	// bid 99 8 2
	// ask 102 6 1
	// true client: stream gap: update 13 follows 12, last applied 11
	// {Snapshots:1 ResetSnapshots:0 Updates:1 Duplicates:1 Gaps:1 EpochChanges:0 Resyncs:0 SlowConsumerDrops:0}
}

// Follow a node's stream with automatic resync, and track the orders of
// one account by client order id.
func ExampleFeed_Run() {
	conn, err := client.Dial("127.0.0.1:9090")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	feed := client.NewFeed(func(m *types.StreamMessage) {
		fmt.Println("applied seq", m.Seq, "height", m.Height)
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = feed.Run(ctx, client.GRPCDialer(conn), &types.SubscribeRequest{
		MarketIds: []uint64{1}, Accounts: []string{"clear1..."}})
	if o, ok := feed.Orders().ByClientID("clear1...", "bid-1"); ok {
		fmt.Println(o.Last, o.Remaining)
	}
}

// Sign a batch of quotes offline as an unordered tx (no sequence) and
// broadcast it.
func ExampleSigner_SignUnordered() {
	key := secp256k1.GenPrivKeyFromSecret([]byte("example market maker"))
	signer, err := client.NewSigner(key, "clearchain-1", 7, "clear")
	if err != nil {
		log.Fatal(err)
	}
	quote := func(side exchangetypes.Side, price int64, cid string) exchangetypes.OrderSpec {
		return exchangetypes.OrderSpec{MarketId: 1, Side: side, Price: price, Quantity: 10,
			TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, PostOnly: true, ClientOrderId: cid}
	}
	tx, err := signer.SignUnordered(time.Now(), signer.Batch([]exchangetypes.OrderSpec{
		quote(exchangetypes.Side_SIDE_BUY, 995, "b1"), quote(exchangetypes.Side_SIDE_SELL, 1005, "a1")}, nil),
		signer.Heartbeat(20))
	if err != nil {
		log.Fatal(err)
	}
	conn, err := client.Dial("127.0.0.1:9090")
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	hash, err := client.NewBroadcaster(conn).Broadcast(context.Background(), tx)
	var refused *client.TxError
	if errors.As(err, &refused) {
		fmt.Println("refused:", refused.Code, refused.Reason, refused.ReasonCode)
		return
	}
	fmt.Println("sent", hash)
}
