package abci_test

import (
	"testing"

	abcitypes "github.com/cometbft/cometbft/abci/types"

	"github.com/cosmos/cosmos-sdk/baseapp"

	"github.com/clearchain/clearchain/x/oracle/types"
)

func clear(t *testing.T, price int64) []byte {
	return encodeExt(t, types.FeedPrice{FeedId: "CLEAR/USD", Price: price})
}

// block runs PrepareProposal at height h with the ballots of h-1, then
// ProcessProposal on the result, then PreBlock, as a validator would.
func (f *fixture) block(t *testing.T, h int64, ballots []ballot) (accepted bool, txs [][]byte) {
	t.Helper()
	info, last := f.commit(t, h, ballots)
	hs := f.handlers(nil, 0)
	userTx := f.userTx(t)
	prep, err := hs.PrepareProposalHandler(baseapp.NoOpPrepareProposal())(f.atHeight(h, last),
		&abcitypes.RequestPrepareProposal{Height: h, MaxTxBytes: 1 << 20, Txs: [][]byte{userTx}, LocalLastCommit: info})
	if err != nil {
		t.Fatal(err)
	}
	if len(prep.Txs) != 2 || !types.IsInjectedTx(prep.Txs[0]) || string(prep.Txs[1]) != string(userTx) {
		t.Fatalf("proposal txs = %q", prep.Txs)
	}
	if !f.process(t, h, last, prep.Txs) {
		return false, prep.Txs
	}
	if err := hs.PreBlocker(f.atHeight(h, last), &abcitypes.RequestFinalizeBlock{Height: h, Txs: prep.Txs}); err != nil {
		t.Fatal(err)
	}
	return true, prep.Txs
}

func (f *fixture) process(t *testing.T, h int64, last abcitypes.CommitInfo, txs [][]byte) bool {
	t.Helper()
	res, err := f.handlers(nil, 0).ProcessProposalHandler(baseapp.NoOpProcessProposal())(f.atHeight(h, last),
		&abcitypes.RequestProcessProposal{Height: h, Txs: txs})
	if err != nil {
		t.Fatal(err)
	}
	return res.Status == abcitypes.ResponseProcessProposal_ACCEPT
}

func (f *fixture) price(t *testing.T) types.PriceRecord {
	t.Helper()
	rec, err := f.k.GetPrice(f.ctx, "CLEAR/USD")
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

func TestAggregationThroughTheProposal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ballots []ballot
		price   int64
	}{
		{
			name:    "four validators, one wild price: the result does not move",
			ballots: []ballot{{ext: clear(t, 100_000_000)}, {ext: clear(t, 101_000_000)}, {ext: clear(t, 99_000_000)}, {ext: clear(t, 99_000_000_000)}},
			price:   100_000_000,
		},
		{
			name:    "one validator absent, 3/4 of the power: stored",
			ballots: []ballot{{ext: clear(t, 100_000_000)}, {ext: clear(t, 101_000_000)}, {ext: clear(t, 102_000_000)}, {absent: true}},
			price:   101_000_000,
		},
		{
			name:    "one feeder down (empty extension): stored",
			ballots: []ballot{{ext: clear(t, 100_000_000)}, {ext: clear(t, 101_000_000)}, {ext: clear(t, 102_000_000)}, {ext: nil}},
			price:   101_000_000,
		},
		{
			name:    "two feeders down: half the power is below 2/3, no price",
			ballots: []ballot{{ext: clear(t, 100_000_000)}, {ext: clear(t, 101_000_000)}, {ext: nil}, {ext: nil}},
			price:   0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, 4)
			if ok, _ := f.block(t, 5, tc.ballots); !ok {
				t.Fatal("proposal rejected")
			}
			if got := f.price(t).Price; got != tc.price {
				t.Fatalf("price = %d, want %d", got, tc.price)
			}
		})
	}
}

func TestShortQuorumKeepsTheOldPrice(t *testing.T) {
	f := newFixture(t, 4)
	all := []ballot{{ext: clear(t, 100_000_000)}, {ext: clear(t, 100_000_000)}, {ext: clear(t, 100_000_000)}, {ext: clear(t, 100_000_000)}}
	if ok, _ := f.block(t, 5, all); !ok {
		t.Fatal("rejected")
	}
	half := []ballot{{ext: clear(t, 200_000_000)}, {ext: clear(t, 200_000_000)}, {}, {}}
	if ok, _ := f.block(t, 6, half); !ok {
		t.Fatal("rejected")
	}
	if rec := f.price(t); rec.Price != 100_000_000 || rec.Height != 5 {
		t.Fatalf("price = %+v, want the old one", rec)
	}
}

func TestProcessProposalRejects(t *testing.T) {
	good := func(t *testing.T) []ballot {
		return []ballot{{ext: clear(t, 100_000_000)}, {ext: clear(t, 100_000_000)}, {ext: clear(t, 100_000_000)}, {ext: clear(t, 100_000_000)}}
	}
	t.Run("a proposal without the injected votes", func(t *testing.T) {
		f := newFixture(t, 4)
		_, last := f.commit(t, 5, good(t))
		if f.process(t, 5, last, [][]byte{f.userTx(t)}) {
			t.Fatal("accepted")
		}
	})
	t.Run("an extension changed after signing", func(t *testing.T) {
		f := newFixture(t, 4)
		info, last := f.commit(t, 5, good(t))
		info.Votes[2].VoteExtension = clear(t, 999_000_000)
		tx, err := types.EncodeInjectedVotes(info, f.k.ModuleAddress())
		if err != nil {
			t.Fatal(err)
		}
		if f.process(t, 5, last, [][]byte{tx}) {
			t.Fatal("accepted")
		}
	})
	t.Run("a validly signed but malformed extension", func(t *testing.T) {
		f := newFixture(t, 4)
		b := good(t)
		b[1].ext = encodeExt(t, types.FeedPrice{FeedId: "CLEAR/USD", Price: -1})
		info, last := f.commit(t, 5, b)
		tx, err := types.EncodeInjectedVotes(info, f.k.ModuleAddress())
		if err != nil {
			t.Fatal(err)
		}
		if f.process(t, 5, last, [][]byte{tx}) {
			t.Fatal("accepted")
		}
	})
	t.Run("injected votes in second place", func(t *testing.T) {
		f := newFixture(t, 4)
		info, last := f.commit(t, 5, good(t))
		tx, err := types.EncodeInjectedVotes(info, f.k.ModuleAddress())
		if err != nil {
			t.Fatal(err)
		}
		if f.process(t, 5, last, [][]byte{tx, tx}) {
			t.Fatal("accepted")
		}
	})
	t.Run("votes from a commit that lacks 2/3 of the power", func(t *testing.T) {
		f := newFixture(t, 4)
		info, last := f.commit(t, 5, []ballot{{ext: clear(t, 1)}, {ext: clear(t, 1)}, {absent: true}, {absent: true}})
		tx, err := types.EncodeInjectedVotes(info, f.k.ModuleAddress())
		if err != nil {
			t.Fatal(err)
		}
		if f.process(t, 5, last, [][]byte{tx}) {
			t.Fatal("accepted")
		}
	})
}
