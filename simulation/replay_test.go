package simulation

import (
	"strings"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
)

func fill(taker, maker, price string) abci.Event {
	return abci.Event{Type: "exchange_fill", Attributes: []abci.EventAttribute{
		{Key: "market", Value: "1"}, {Key: "taker_order", Value: taker}, {Key: "maker_order", Value: maker},
		{Key: "price", Value: price}, {Key: "qty", Value: "5"}}}
}

// TestCompareFinalizeNamesTheDifference: a re-execution that differs in
// one fill's price, in a missing fill, in a tx code or in the app hash is
// reported exactly there; an identical one is equal.
func TestCompareFinalizeNamesTheDifference(t *testing.T) {
	committed := &abci.ResponseFinalizeBlock{
		TxResults: []*abci.ExecTxResult{{Code: 0, Events: []abci.Event{{Type: "message"}}}},
		Events:    []abci.Event{fill("17", "3", "1250"), fill("17", "4", "1252")},
		AppHash:   []byte{1, 2, 3},
	}
	same := *committed
	if r := CompareFinalize(9, committed, &same); !r.Equal() || r.CommittedFills != 2 || r.ReplayedFills != 2 {
		t.Fatalf("identical responses: %+v", r)
	}
	cases := map[string]struct {
		// State.
		mutate func(r *abci.ResponseFinalizeBlock)
		// Expectations.
		want string
	}{
		"a fill at another price": {mutate: func(r *abci.ResponseFinalizeBlock) {
			r.Events = []abci.Event{fill("17", "3", "1250"), fill("17", "4", "1253")}
		}, want: "fill #2 (market 1, taker order 17, maker order 4): price committed 1252, re-executed 1253"},
		"a fill missing": {mutate: func(r *abci.ResponseFinalizeBlock) {
			r.Events = []abci.Event{fill("17", "3", "1250")}
		}, want: "fill #2 (market 1, taker order 17, maker order 4): committed, not re-executed"},
		"another tx code": {mutate: func(r *abci.ResponseFinalizeBlock) {
			r.TxResults = []*abci.ExecTxResult{{Code: 5, Codespace: "sdk", Events: []abci.Event{{Type: "message"}}}}
		}, want: "tx 0: code committed /0, re-executed sdk/5"},
		"another app hash": {mutate: func(r *abci.ResponseFinalizeBlock) { r.AppHash = []byte{9} }, want: "app hash: committed 010203, re-executed 09"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			re := *committed
			tc.mutate(&re)
			r := CompareFinalize(9, committed, &re)
			if r.Equal() || !strings.Contains(strings.Join(r.Diffs, "\n"), tc.want) {
				t.Fatalf("diffs %q lack %q", r.Diffs, tc.want)
			}
		})
	}
}
