package keeper_test

import (
	"testing"

	"github.com/clearchain/clearchain/x/oracle/types"
)

// licensedFeed is GREEN-IDX with the default minimum of distinct feeders
// (3) and feeders 1 to 4 allowed.
func licensedFeed() types.Feed {
	f := greenIndex()
	f.MinSources, f.MinFeeders = 1, 0
	return f
}

// fresh reports whether the feed's price is usable (what x/exchange and
// contracts read).
func (f *fixture) fresh(t *testing.T) (int64, bool) {
	t.Helper()
	p, _, ok := f.k.PriceOf(f.ctx, "GREEN-IDX")
	return p, ok
}

// endBlock runs what PreBlock runs for licensed feeds (no validator votes).
func (f *fixture) preBlock(t *testing.T) {
	t.Helper()
	if _, err := f.k.ApplyVotes(f.ctx, nil, 0); err != nil {
		t.Fatal(err)
	}
}

func TestTwoFeedersCannotSetALicensedPrice(t *testing.T) {
	f := newFixture(t)
	f.setFeed(t, licensedFeed())
	for i := byte(1); i <= 4; i++ {
		f.feeder[addr(i).String()] = true
	}
	if _, err := submit(f, 1, 50_0000); err != nil {
		t.Fatal(err)
	}
	res, err := submit(f, 2, 90_0000)
	if err != nil {
		t.Fatal(err)
	}
	if res.PriceUpdated || res.Price != 0 {
		t.Fatalf("two feeders set a price: %+v", res)
	}
	f.preBlock(t)
	if _, ok := f.fresh(t); ok {
		t.Fatal("two submissions gave the feed a usable price")
	}
	if res, err = submit(f, 3, 52_0000); err != nil || !res.PriceUpdated || res.Price != 52_0000 || res.Feeders != 3 {
		t.Fatalf("third feeder: %+v, %v", res, err)
	}
}

func TestRevokedOrFrozenFeederStopsCountingAtOnce(t *testing.T) {
	f := newFixture(t)
	f.setFeed(t, licensedFeed())
	for i := byte(1); i <= 3; i++ {
		f.feeder[addr(i).String()] = true
		if _, err := submit(f, i, 50_0000+int64(i)); err != nil {
			t.Fatal(err)
		}
	}
	if p, ok := f.fresh(t); !ok || p != 50_0002 {
		t.Fatalf("price = %d %v, want 500002", p, ok)
	}
	// Feeder 3's licence is revoked (or it is frozen): the authorizer says
	// no from now on. Its submission must stop counting at once, although
	// it is still within the 600 s window.
	delete(f.feeder, addr(3).String())
	if _, ok := f.fresh(t); ok {
		t.Fatal("the price still counts a revoked feeder's submission")
	}
	f.at(11, 5)
	f.preBlock(t)
	rec, err := f.k.GetPrice(f.ctx, "GREEN-IDX")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Status != types.FeedStatus_FEED_STATUS_STALE {
		t.Fatalf("record after PreBlock: %+v", rec)
	}
	if _, ok := f.fresh(t); ok {
		t.Fatal("usable price with two eligible feeders")
	}
	// A third eligible feeder brings the price back.
	f.feeder[addr(4).String()] = true
	if res, err := submit(f, 4, 50_0004); err != nil || !res.PriceUpdated || res.Feeders != 3 || res.Price != 50_0002 {
		t.Fatalf("fourth feeder: %+v, %v", res, err)
	}
	if p, ok := f.fresh(t); !ok || p != 50_0002 {
		t.Fatalf("price = %d %v", p, ok)
	}
}

func TestFeederNotAllowedForTheFeedIsRefused(t *testing.T) {
	f := newFixture(t)
	feed := licensedFeed()
	f.setFeed(t, feed)
	f.feeder[addr(9).String()] = true // licensed ORACLE_FEEDER, not listed
	if _, err := submit(f, 9, 50_0000); !types.ErrFeederNotAllowed.Is(err) {
		t.Fatalf("a feeder not allowed for the feed submitted: %v", err)
	}
	if n := countSubmissions(t, f); n != 0 {
		t.Fatalf("%d submissions stored", n)
	}
	// A listed feeder that the authority removes from the list stops
	// counting.
	for i := byte(1); i <= 3; i++ {
		f.feeder[addr(i).String()] = true
		if _, err := submit(f, i, 50_0000); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := f.fresh(t); !ok {
		t.Fatal("no price with three feeders")
	}
	feed.Feeders = feed.Feeders[:2]
	f.setFeed(t, feed)
	if _, ok := f.fresh(t); ok {
		t.Fatal("a feeder removed from the feed's list still counts")
	}
	// A licensed feed that names no feeders takes no submission.
	feed.Feeders = nil
	f.setFeed(t, feed)
	if _, err := submit(f, 1, 50_0000); !types.ErrFeederNotAllowed.Is(err) {
		t.Fatalf("a feed without feeders took a submission: %v", err)
	}
}

func TestFeedFeedersAreValidated(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name string
		feed func() types.Feed
	}{
		{"feeders on a validator-priced feed", func() types.Feed { c := clearUSD(); c.Feeders = []string{addr(1).String()}; return c }},
		{"min_feeders on a validator-priced feed", func() types.Feed { c := clearUSD(); c.MinFeeders = 3; return c }},
		{"a feeder listed twice", func() types.Feed { g := licensedFeed(); g.Feeders = append(g.Feeders, addr(1).String()); return g }},
		{"an invalid feeder address", func() types.Feed { g := licensedFeed(); g.Feeders = []string{"not-an-address"}; return g }},
		{"min_feeders above the limit", func() types.Feed { g := licensedFeed(); g.MinFeeders = types.MaxFeedFeeders + 1; return g }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.msgs.SetFeed(f.ctx, &types.MsgSetFeed{Authority: authority, Feed: tc.feed()})
			if !types.ErrInvalidFeed.Is(err) {
				t.Fatalf("accepted: %v", err)
			}
			if _, err := f.k.GetFeed(f.ctx, tc.feed().Id); !types.ErrFeedNotFound.Is(err) {
				t.Fatalf("state changed: %v", err)
			}
		})
	}
}
