package keeper_test

import (
	"testing"

	"github.com/clearchain/clearchain/x/oracle/types"
)

func TestFeedRegistryIsTheAuthoritys(t *testing.T) {
	f := newFixture(t)
	feed := clearUSD()
	if _, err := f.msgs.SetFeed(f.ctx, &types.MsgSetFeed{Authority: addr(1).String(), Feed: feed}); !types.ErrUnauthorized.Is(err) {
		t.Fatalf("a stranger set a feed: %v", err)
	}
	if _, err := f.k.GetFeed(f.ctx, feed.Id); !types.ErrFeedNotFound.Is(err) {
		t.Fatalf("feed stored after refusal: %v", err)
	}
	f.setFeed(t, feed)
	f.setFeed(t, greenIndex())
	res, err := f.query.Feeds(f.ctx, &types.QueryFeedsRequest{})
	if err != nil || len(res.Feeds) != 2 || res.Feeds[0].Id != "CLEAR/USD" || res.Feeds[1].Id != "GREEN-IDX" {
		t.Fatalf("feeds = %v, %v", res, err)
	}
	if _, err := f.msgs.RemoveFeed(f.ctx, &types.MsgRemoveFeed{Authority: authority, FeedId: "CLEAR/USD"}); err != nil {
		t.Fatal(err)
	}
	if f.k.IsValidatorFeed(f.ctx, "CLEAR/USD") {
		t.Fatal("removed feed still known")
	}
}

func TestFeedValidation(t *testing.T) {
	for name, mutate := range map[string]func(*types.Feed){
		"an id with spaces":            func(f *types.Feed) { f.Id = "CLEAR USD" },
		"too many decimals":            func(f *types.Feed) { f.Decimals = 19 },
		"no staleness limit":           func(f *types.Feed) { f.MaxStalenessBlocks, f.MaxStalenessSeconds = 0, 0 },
		"a licensed feed in no window": func(f *types.Feed) { f.Licensed, f.WindowSeconds = true, 0 },
		"a window on a validator feed": func(f *types.Feed) { f.WindowSeconds = 10 },
		"a base denom without quote":   func(f *types.Feed) { f.BaseDenom = "uclear" },
	} {
		t.Run(name, func(t *testing.T) {
			feed := clearUSD()
			mutate(&feed)
			if err := feed.Validate(); !types.ErrInvalidFeed.Is(err) {
				t.Fatalf("accepted: %v", err)
			}
		})
	}
}

func TestDenomPairNamesOneFeed(t *testing.T) {
	f := newFixture(t)
	a := clearUSD()
	a.BaseDenom, a.QuoteDenom = "uclear", "uusd"
	f.setFeed(t, a)
	b := clearUSD()
	b.Id, b.BaseDenom, b.QuoteDenom = "CLEAR/USD2", "uclear", "uusd"
	if err := f.k.SetFeed(f.ctx, b); !types.ErrDenomsTaken.Is(err) {
		t.Fatalf("two feeds for one denom pair: %v", err)
	}
}
