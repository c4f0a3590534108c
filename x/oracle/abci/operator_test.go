package abci_test

import (
	"bytes"
	"context"
	"testing"

	abcitypes "github.com/cometbft/cometbft/abci/types"

	"github.com/cosmos/cosmos-sdk/baseapp"
	sdk "github.com/cosmos/cosmos-sdk/types"

	oracleabci "github.com/clearchain/clearchain/x/oracle/abci"
)

// barred is a ValidatorEligibility that refuses the listed consensus
// addresses (the app's adapter asks x/staking for the operator and
// x/compliance for its VALIDATOR_OPERATOR licence and freeze).
type barred [][]byte

func (b barred) CountsVotesOf(_ context.Context, cons sdk.ConsAddress) bool {
	for _, a := range b {
		if bytes.Equal(a, cons) {
			return false
		}
	}
	return true
}

// blockWith is block with an eligibility check installed.
func (f *fixture) blockWith(t *testing.T, h int64, ballots []ballot, elig oracleabci.ValidatorEligibility) {
	t.Helper()
	info, last := f.commit(t, h, ballots)
	hs := f.handlers(nil, 0).WithValidatorEligibility(elig)
	prep, err := hs.PrepareProposalHandler(baseapp.NoOpPrepareProposal())(f.atHeight(h, last),
		&abcitypes.RequestPrepareProposal{Height: h, MaxTxBytes: 1 << 20, LocalLastCommit: info})
	if err != nil {
		t.Fatal(err)
	}
	if res, err := hs.ProcessProposalHandler(baseapp.NoOpProcessProposal())(f.atHeight(h, last),
		&abcitypes.RequestProcessProposal{Height: h, Txs: prep.Txs}); err != nil || res.Status != abcitypes.ResponseProcessProposal_ACCEPT {
		t.Fatalf("proposal: %v %v", res, err)
	}
	if err := hs.PreBlocker(f.atHeight(h, last), &abcitypes.RequestFinalizeBlock{Height: h, Txs: prep.Txs}); err != nil {
		t.Fatal(err)
	}
}

func TestRevokedValidatorOperatorVotesStopCounting(t *testing.T) {
	ballots := func(t *testing.T) []ballot {
		return []ballot{{ext: clear(t, 100_000_000)}, {ext: clear(t, 101_000_000)}, {ext: clear(t, 102_000_000)}, {ext: clear(t, 103_000_000)}}
	}
	t.Run("one operator revoked: its price is left out", func(t *testing.T) {
		f := newFixture(t, 4)
		// Validator 0 voted 100.0; with it the result is 101.0.
		f.blockWith(t, 5, ballots(t), barred{f.vals[0].addr()})
		if got := f.price(t).Price; got != 102_000_000 {
			t.Fatalf("price = %d, want 102000000 (median of the eligible 101, 102, 103)", got)
		}
	})
	t.Run("two operators frozen: half the power is below the quorum, no price", func(t *testing.T) {
		f := newFixture(t, 4)
		f.blockWith(t, 5, ballots(t), barred{f.vals[0].addr(), f.vals[1].addr()})
		if got := f.price(t).Price; got != 0 {
			t.Fatalf("price = %d, want none", got)
		}
	})
}
