package abci_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	abcitypes "github.com/cometbft/cometbft/abci/types"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/clearchain/clearchain/x/oracle/types"
)

// The liveness rule (x/oracle/README.md): nothing a transaction or a
// governance proposal can do to the oracle's state may make
// Prepare/ProcessProposal or PreBlock fail. Vote extensions are signed
// against the state before block H-1; a message in block H-1 can change the
// rules they were checked against. ProcessProposal at H must still accept
// them, and PreBlock must treat what no longer applies as an abstention.

func atomAndClear(t *testing.T, atom, clr int64) []byte {
	return encodeExt(t, types.FeedPrice{FeedId: "ATOM/USD", Price: atom}, types.FeedPrice{FeedId: "CLEAR/USD", Price: clr})
}

func fourBallots(t *testing.T, ext func() []byte) []ballot {
	return []ballot{{ext: ext()}, {ext: ext()}, {ext: ext()}, {ext: ext()}}
}

// runAfterGovChange builds the commit of H-1 with extensions valid before
// change, applies change (what a message in block H-1 did), then runs
// Prepare/ProcessProposal and PreBlock at H.
func runAfterGovChange(t *testing.T, change func(f *fixture)) *fixture {
	t.Helper()
	f := newFixture(t, 4)
	ballots := fourBallots(t, func() []byte { return atomAndClear(t, 5_000_000, 101_000_000) })
	// The extensions are signed (and verified) under the old rules.
	for _, b := range ballots {
		if err := f.verify(t, 4, b.ext); err != nil {
			t.Fatalf("extension not valid before the change: %v", err)
		}
	}
	change(f)
	if ok, _ := f.block(t, 5, ballots); !ok {
		t.Fatal("ProcessProposal rejected the proposal: every round would be rejected, the chain halts")
	}
	return f
}

func TestFeedRemovedByGovernanceDoesNotHaltTheChain(t *testing.T) {
	f := runAfterGovChange(t, func(f *fixture) {
		if err := f.k.RemoveFeed(f.ctx, "ATOM/USD"); err != nil {
			t.Fatal(err)
		}
	})
	if got := f.price(t).Price; got != 101_000_000 {
		t.Fatalf("CLEAR/USD = %d, want 101000000 (the other feed keeps updating)", got)
	}
	if has, _ := f.k.Prices.Has(f.ctx, "ATOM/USD"); has {
		t.Fatal("the removed feed got a price")
	}
}

func TestFeedTurnedLicensedByGovernanceDoesNotHaltTheChain(t *testing.T) {
	f := runAfterGovChange(t, func(f *fixture) {
		atom, err := f.k.GetFeed(f.ctx, "ATOM/USD")
		if err != nil {
			t.Fatal(err)
		}
		atom.Licensed, atom.WindowSeconds = true, 600
		if err := f.k.SetFeed(f.ctx, atom); err != nil {
			t.Fatal(err)
		}
	})
	if got := f.price(t).Price; got != 101_000_000 {
		t.Fatalf("CLEAR/USD = %d, want 101000000", got)
	}
	if has, _ := f.k.Prices.Has(f.ctx, "ATOM/USD"); has {
		t.Fatal("validators priced a licensed feed")
	}
}

func TestMaxFeedsPerVoteLoweredByGovernanceDoesNotHaltTheChain(t *testing.T) {
	f := runAfterGovChange(t, func(f *fixture) {
		p, err := f.k.GetParams(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		p.MaxFeedsPerVote = 1
		if err := f.k.SetParams(f.ctx, p); err != nil {
			t.Fatal(err)
		}
	})
	// Extensions over the new limit are abstentions: no price this block.
	if has, _ := f.k.Prices.Has(f.ctx, "CLEAR/USD"); has {
		t.Fatal("an extension beyond max_feeds_per_vote counted")
	}
}

// A proposer that relabels a signed (commit) vote as absent drops it from
// the aggregation and picks the median among the rest. ProcessProposal must
// compare every vote's BlockIdFlag with the last commit.
func TestBlockIdFlagRelabelAttack(t *testing.T) {
	ballots := []ballot{{ext: clear(t, 100_000_000)}, {ext: clear(t, 101_000_000)}, {ext: clear(t, 102_000_000)}, {ext: clear(t, 102_000_000)}}
	honest := newFixture(t, 4)
	if ok, _ := honest.block(t, 5, ballots); !ok || honest.price(t).Price != 101_000_000 {
		t.Fatalf("honest proposal: accepted %v, price %d, want 101000000", ok, honest.price(t).Price)
	}
	f := newFixture(t, 4)
	info, last := f.commit(t, 5, ballots)
	// The honest result is 101.0 (ties resolved downwards by weight).
	// Relabel the validator that voted 100.0 as absent: 3/4 of the power
	// remains (> 2/3) and the median among the rest is 102.0.
	for i := range info.Votes {
		if string(info.Votes[i].VoteExtension) == string(clear(t, 100_000_000)) {
			info.Votes[i].BlockIdFlag = cmtproto.BlockIDFlagAbsent
			info.Votes[i].VoteExtension, info.Votes[i].ExtensionSignature = nil, nil
		}
	}
	tx, err := types.EncodeInjectedVotes(info, f.k.ModuleAddress())
	if err != nil {
		t.Fatal(err)
	}
	if f.process(t, 5, last, [][]byte{tx}) {
		t.Fatal("ProcessProposal accepted a proposal that relabelled a signed vote as absent")
	}
}

// verify runs VerifyVoteExtension at height h on ext.
func (f *fixture) verify(t *testing.T, h int64, ext []byte) error {
	t.Helper()
	res, err := f.handlers(nil, 0).VerifyVoteExtensionHandler()(f.atHeight(h, abcitypes.CommitInfo{}),
		&abcitypes.RequestVerifyVoteExtension{Height: h, VoteExtension: ext})
	if err != nil {
		return err
	}
	if res.Status != abcitypes.ResponseVerifyVoteExtension_ACCEPT {
		return errors.New("rejected")
	}
	return nil
}

// TestGovernanceChangesNeverHaltTheChain drives 40 heights; at each, the
// validators sign extensions that are valid under the current rules, then a
// "message of the block" changes the rules at random (feeds removed, added,
// turned licensed or back, max_feeds_per_vote changed), then the next
// proposal must be accepted and PreBlock must not fail.
func TestGovernanceChangesNeverHaltTheChain(t *testing.T) {
	f := newFixture(t, 4)
	r := rand.New(rand.NewPCG(13, 13))
	universe := []string{"ATOM/USD", "CLEAR/USD", "ETH/USD", "GREEN-IDX", "WTHR/EUR"}
	for h := int64(5); h < 45; h++ {
		// Extensions valid now: a random subset of the validator feeds.
		params, err := f.k.GetParams(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		ballots := make([]ballot, 4)
		for i := range ballots {
			var prices []types.FeedPrice
			for _, id := range universe {
				if f.k.IsValidatorFeed(f.ctx, id) && r.IntN(4) > 0 && len(prices) < int(params.MaxFeedsPerVote) {
					prices = append(prices, types.FeedPrice{FeedId: id, Price: 1_000_000 + r.Int64N(10_000)})
				}
			}
			ballots[i].ext = encodeExt(t, prices...)
			if r.IntN(10) == 0 {
				ballots[i] = ballot{absent: true}
				continue
			}
			if err := f.verify(t, h-1, ballots[i].ext); err != nil {
				t.Fatalf("height %d: a valid extension was refused: %v", h, err)
			}
		}
		// At most one absent validator: the commit keeps > 2/3 of the power.
		for i, seen := range ballots {
			if seen.absent && countAbsent(ballots[:i]) > 0 {
				ballots[i] = ballot{ext: nil}
			}
		}
		// A message of block h-1 changes the rules.
		id := universe[r.IntN(len(universe))]
		switch r.IntN(4) {
		case 0:
			_ = f.k.RemoveFeed(f.ctx, id)
		case 1:
			_ = f.k.RemoveFeed(f.ctx, id)
			_ = f.k.SetFeed(f.ctx, types.Feed{Id: id, Decimals: 6, MinSources: 1, MaxStalenessBlocks: 10})
		case 2:
			_ = f.k.RemoveFeed(f.ctx, id)
			_ = f.k.SetFeed(f.ctx, types.Feed{Id: id, Decimals: 4, MinSources: 1, MaxStalenessSeconds: 600, Licensed: true, WindowSeconds: 600})
		case 3:
			params.MaxFeedsPerVote = 1 + uint32(r.IntN(3))
			if err := f.k.SetParams(f.ctx, params); err != nil {
				t.Fatal(err)
			}
		}
		if ok, _ := f.block(t, h, ballots); !ok {
			t.Fatalf("height %d: ProcessProposal rejected an honest proposal after a rule change (%s): the chain would halt", h, id)
		}
	}
}

func countAbsent(bs []ballot) int {
	n := 0
	for _, b := range bs {
		if b.absent {
			n++
		}
	}
	return n
}
