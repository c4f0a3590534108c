package keeper_test

import (
	"testing"

	"github.com/cosmos/gogoproto/proto"

	"github.com/clearchain/clearchain/x/oracle/keeper"
	"github.com/clearchain/clearchain/x/oracle/types"
)

func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	f.setFeed(t, clearUSD())
	f.setFeed(t, greenIndex())
	f.feeder[addr(1).String()] = true
	f.feeder[addr(2).String()] = true
	for i := int64(0); i < 3; i++ {
		f.at(10+i, i)
		v := []keeper.ValidatorVote{vote("a", 1, (100+i)*1_0000_0000, "CLEAR/USD")}
		if _, err := f.k.ApplyVotes(f.ctx, v, 1); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := submit(f, 1, 10); err != nil {
		t.Fatal(err)
	}
	if _, err := submit(f, 2, 12); err != nil {
		t.Fatal(err)
	}
	exported, err := f.k.ExportGenesis(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := exported.Validate(); err != nil {
		t.Fatal(err)
	}
	g := newFixture(t)
	if err := g.k.InitGenesis(g.ctx, exported); err != nil {
		t.Fatal(err)
	}
	again, err := g.k.ExportGenesis(g.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(exported, again) {
		t.Fatalf("round trip differs:\n%v\n%v", exported, again)
	}
	if len(again.History) != 4 || len(again.Submissions) != 2 || len(again.Prices) != 2 {
		t.Fatalf("exported %d samples, %d submissions, %d prices", len(again.History), len(again.Submissions), len(again.Prices))
	}
}

func TestGenesisValidation(t *testing.T) {
	ok := types.DefaultGenesis()
	ok.Feeds = []types.Feed{clearUSD()}
	for name, gs := range map[string]types.GenesisState{
		"duplicate feed":           {Params: ok.Params, Feeds: []types.Feed{clearUSD(), clearUSD()}},
		"price of an unknown feed": {Params: ok.Params, Prices: []types.PriceRecord{{FeedId: "X"}}},
		"bad params":               {Params: types.Params{}},
		"submission to a validator feed": {Params: ok.Params, Feeds: []types.Feed{clearUSD()},
			Submissions: []types.Submission{{FeedId: "CLEAR/USD", Feeder: addr(1).String(), Price: 1}}},
	} {
		if err := gs.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
}
