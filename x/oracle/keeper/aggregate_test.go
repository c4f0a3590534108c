package keeper_test

import (
	"testing"

	"github.com/clearchain/clearchain/x/oracle/keeper"
	"github.com/clearchain/clearchain/x/oracle/types"
)

func TestApplyVotes(t *testing.T) {
	const id = "CLEAR/USD"
	for _, tc := range []struct {
		name string
		// State.
		votes []keeper.ValidatorVote
		total int64
		// Expectations.
		price  int64
		status types.FeedStatus
	}{
		{
			name:  "four equal validators agree: the median is stored",
			votes: []keeper.ValidatorVote{vote("a", 25, 100_0000_0000, id), vote("b", 25, 101_0000_0000, id), vote("c", 25, 99_0000_0000, id), vote("d", 25, 100_5000_0000, id)},
			total: 100, price: 100_0000_0000, status: types.FeedStatus_FEED_STATUS_FRESH,
		},
		{
			name:  "one wild price among four does not move the result",
			votes: []keeper.ValidatorVote{vote("a", 25, 100_0000_0000, id), vote("b", 25, 101_0000_0000, id), vote("c", 25, 99_0000_0000, id), vote("d", 25, 100_000_0000_0000, id)},
			total: 100, price: 100_0000_0000, status: types.FeedStatus_FEED_STATUS_FRESH,
		},
		{
			name:  "one validator missing, 3/4 of the power still votes: stored",
			votes: []keeper.ValidatorVote{vote("a", 25, 100_0000_0000, id), vote("b", 25, 101_0000_0000, id), vote("c", 25, 99_0000_0000, id)},
			total: 100, price: 100_0000_0000, status: types.FeedStatus_FEED_STATUS_FRESH,
		},
		{
			name:  "half the power votes: below 2/3, no price",
			votes: []keeper.ValidatorVote{vote("a", 25, 100_0000_0000, id), vote("b", 25, 101_0000_0000, id)},
			total: 100, price: 0, status: types.FeedStatus_FEED_STATUS_UNSPECIFIED,
		},
		{
			name:  "nobody votes",
			total: 100, price: 0, status: types.FeedStatus_FEED_STATUS_UNSPECIFIED,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.setFeed(t, clearUSD())
			if _, err := f.k.ApplyVotes(f.ctx, tc.votes, tc.total); err != nil {
				t.Fatal(err)
			}
			rec, err := f.k.GetPrice(f.ctx, id)
			if err != nil || rec.Price != tc.price || rec.Status != tc.status {
				t.Fatalf("price %d status %v (%v), want %d %v", rec.Price, rec.Status, err, tc.price, tc.status)
			}
		})
	}
}

func TestPriceKeptAndMarkedStaleWithoutQuorum(t *testing.T) {
	const id = "CLEAR/USD"
	f := newFixture(t)
	f.setFeed(t, clearUSD())
	full := []keeper.ValidatorVote{vote("a", 50, 100_0000_0000, id), vote("b", 50, 100_0000_0000, id)}
	if _, err := f.k.ApplyVotes(f.ctx, full, 100); err != nil {
		t.Fatal(err)
	}
	// Half the power: no update, the old price stays, fresh for 10 blocks.
	half := []keeper.ValidatorVote{vote("a", 50, 120_0000_0000, id)}
	f.at(15, 5)
	if _, err := f.k.ApplyVotes(f.ctx, half, 100); err != nil {
		t.Fatal(err)
	}
	if rec, _ := f.k.GetPrice(f.ctx, id); rec.Price != 100_0000_0000 || rec.Status != types.FeedStatus_FEED_STATUS_FRESH {
		t.Fatalf("after a short quorum: %+v", rec)
	}
	if p, _, ok := f.k.PriceOf(f.ctx, id); !ok || p != 100_0000_0000 {
		t.Fatalf("Price = %d, %v", p, ok)
	}
	// 11 blocks after the update: stale, and the status change is announced.
	f.at(21, 10)
	if _, err := f.k.ApplyVotes(f.ctx, half, 100); err != nil {
		t.Fatal(err)
	}
	rec, _ := f.k.GetPrice(f.ctx, id)
	if rec.Price != 100_0000_0000 || rec.Status != types.FeedStatus_FEED_STATUS_STALE {
		t.Fatalf("after the block limit: %+v", rec)
	}
	if !hasEvent(f, "clearchain.oracle.v1.EventFeedStatusChanged") {
		t.Fatal("no status event")
	}
	if _, _, ok := f.k.PriceOf(f.ctx, id); ok {
		t.Fatal("a stale price is served")
	}
	st, err := f.query.Status(f.ctx, &types.QueryStatusRequest{FeedId: id})
	if err != nil || st.Status != types.FeedStatus_FEED_STATUS_STALE || st.Reason != "stale: too many blocks (11 > 10)" || st.AgeBlocks != 11 {
		t.Fatalf("status query = %+v, %v", st, err)
	}
}

func TestDeviationBreakerHoldsThePrice(t *testing.T) {
	const id = "CLEAR/USD"
	f := newFixture(t)
	f.setFeed(t, clearUSD()) // 1000 bps per block
	all := func(p int64) []keeper.ValidatorVote {
		return []keeper.ValidatorVote{vote("a", 50, p, id), vote("b", 50, p, id)}
	}
	if _, err := f.k.ApplyVotes(f.ctx, all(100_0000_0000), 100); err != nil {
		t.Fatal(err)
	}
	f.at(11, 1)
	if _, err := f.k.ApplyVotes(f.ctx, all(150_0000_0000), 100); err != nil { // +50% in one block
		t.Fatal(err)
	}
	rec, _ := f.k.GetPrice(f.ctx, id)
	if rec.Price != 100_0000_0000 || rec.Status != types.FeedStatus_FEED_STATUS_BREAKER {
		t.Fatalf("breaker: %+v", rec)
	}
	if _, _, ok := f.k.PriceOf(f.ctx, id); ok {
		t.Fatal("a price held by the breaker is served")
	}
	// Five blocks after the last update the allowance is 50%: accepted.
	f.at(15, 5)
	if _, err := f.k.ApplyVotes(f.ctx, all(150_0000_0000), 100); err != nil {
		t.Fatal(err)
	}
	if rec, _ := f.k.GetPrice(f.ctx, id); rec.Price != 150_0000_0000 || rec.Status != types.FeedStatus_FEED_STATUS_FRESH {
		t.Fatalf("after the allowance grew: %+v", rec)
	}
}

func TestHistoryRingAndTWAP(t *testing.T) {
	const id = "CLEAR/USD"
	f := newFixture(t)
	p := types.DefaultParams()
	p.HistorySize = 4
	if _, err := f.msgs.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: authority, Params: p}); err != nil {
		t.Fatal(err)
	}
	feed := clearUSD()
	feed.MaxDeviationBpsPerBlock = 0
	f.setFeed(t, feed)
	// Prices 100..105 at t=0,10,...,50: the ring keeps the last four.
	for i := int64(0); i < 6; i++ {
		f.at(10+i, 10*i)
		v := []keeper.ValidatorVote{vote("a", 1, (100+i)*1_0000_0000, id)}
		if _, err := f.k.ApplyVotes(f.ctx, v, 1); err != nil {
			t.Fatal(err)
		}
	}
	h, err := f.query.History(f.ctx, &types.QueryHistoryRequest{FeedId: id})
	if err != nil || len(h.Samples) != 4 || h.Samples[0].Price != 102_0000_0000 || h.Samples[3].Price != 105_0000_0000 {
		t.Fatalf("history = %+v, %v", h, err)
	}
	f.at(16, 60)
	// Over the last 30 s: 103 for 10 s, 104 for 10 s, 105 for 10 s.
	tw, err := f.query.TWAP(f.ctx, &types.QueryTWAPRequest{FeedId: id, WindowSeconds: 30})
	if err != nil || tw.Twap != 104_0000_0000 || tw.Value != "104.00000000" {
		t.Fatalf("twap = %+v, %v", tw, err)
	}
}

func hasEvent(f *fixture, typ string) bool {
	for _, e := range f.ctx.EventManager().Events() {
		if e.Type == typ {
			return true
		}
	}
	return false
}
