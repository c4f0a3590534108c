package keeper_test

import (
	"testing"

	"github.com/clearchain/clearchain/x/oracle/types"
)

func submit(f *fixture, who byte, price int64) (*types.MsgSubmitPriceResponse, error) {
	return f.msgs.SubmitPrice(f.ctx, &types.MsgSubmitPrice{Feeder: addr(who).String(), FeedId: "GREEN-IDX", Price: price})
}

func TestSubmitPriceNeedsTheFeederRole(t *testing.T) {
	f := newFixture(t)
	f.setFeed(t, greenIndex())
	if _, err := submit(f, 1, 50_0000); !types.ErrNotOracleFeeder.Is(err) {
		t.Fatalf("an account without ORACLE_FEEDER submitted: %v", err)
	}
	if n := countSubmissions(t, f); n != 0 {
		t.Fatalf("%d submissions stored after a refusal", n)
	}
	if rec, _ := f.k.GetPrice(f.ctx, "GREEN-IDX"); rec.Price != 0 {
		t.Fatalf("price changed: %+v", rec)
	}
}

func TestSubmitPriceOnlyForLicensedFeeds(t *testing.T) {
	f := newFixture(t)
	f.setFeed(t, clearUSD())
	f.feeder[addr(1).String()] = true
	_, err := f.msgs.SubmitPrice(f.ctx, &types.MsgSubmitPrice{Feeder: addr(1).String(), FeedId: "CLEAR/USD", Price: 1})
	if !types.ErrNotLicensedFeed.Is(err) {
		t.Fatalf("a feeder priced a validator feed: %v", err)
	}
}

func TestLicensedFeedIsTheMedianOfTheWindow(t *testing.T) {
	f := newFixture(t)
	f.setFeed(t, greenIndex()) // window 600 s, at least 2 feeders
	for i := byte(1); i <= 4; i++ {
		f.feeder[addr(i).String()] = true
	}
	// One feeder is not enough.
	res, err := submit(f, 1, 50_0000)
	if err != nil || res.PriceUpdated || res.Feeders != 1 {
		t.Fatalf("first submission: %+v, %v", res, err)
	}
	f.at(11, 10)
	if res, err = submit(f, 2, 52_0000); err != nil || !res.PriceUpdated || res.Price != 51_0000 || res.Feeders != 2 {
		t.Fatalf("second submission: %+v, %v", res, err)
	}
	// A feeder's later submission replaces its earlier one.
	f.at(12, 20)
	if res, err = submit(f, 3, 90_0000); err != nil || res.Price != 52_0000 {
		t.Fatalf("third: %+v, %v", res, err)
	}
	if res, err = submit(f, 3, 51_0000); err != nil || res.Price != 51_0000 || res.Feeders != 3 {
		t.Fatalf("third again: %+v, %v", res, err)
	}
	// 11 minutes later feeders 1-3 left the window: feeder 4 alone is not
	// enough, the old price stays.
	f.at(100, 20+660)
	if res, err = submit(f, 4, 70_0000); err != nil || res.PriceUpdated || res.Price != 51_0000 || res.Feeders != 1 {
		t.Fatalf("alone in the window: %+v, %v", res, err)
	}
	if n := countSubmissions(t, f); n != 1 {
		t.Fatalf("%d submissions kept, want the pruned window of 1", n)
	}
	pr, err := f.query.Price(f.ctx, &types.QueryPriceRequest{FeedId: "GREEN-IDX"})
	if err != nil || pr.Value != "51.0000" || pr.Price.Sources != 3 {
		t.Fatalf("price query = %+v, %v", pr, err)
	}
}

func countSubmissions(t *testing.T, f *fixture) int {
	t.Helper()
	gs, err := f.k.ExportGenesis(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return len(gs.Submissions)
}
