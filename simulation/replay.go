package simulation

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
)

// ReplayReport compares a committed block's FinalizeBlock response with a
// re-execution of the same block on the state before it.
type ReplayReport struct {
	Height int64
	// Fills committed and re-executed (exchange_fill events, in order).
	CommittedFills, ReplayedFills int
	// Diffs lists every difference, fills first, each naming exactly
	// where ("fill #3 (market 1, taker order 17): price committed 1001,
	// re-executed 1002"). Empty: the block re-executes to the same result.
	Diffs []string
	// Events compared (tx results' and the block's).
	Events  int
	AppHash string
}

// Equal says the re-execution matched.
func (r ReplayReport) Equal() bool { return len(r.Diffs) == 0 }

func fillsOf(res *abci.ResponseFinalizeBlock) []abci.Event {
	var out []abci.Event
	for _, ev := range blockEvents(res) {
		if ev.Type == "exchange_fill" {
			out = append(out, ev)
		}
	}
	return out
}

func describeFill(ev abci.Event) string {
	return fmt.Sprintf("market %s, taker order %s, maker order %s", attrStr(ev, "market"), attrStr(ev, "taker_order"), attrStr(ev, "maker_order"))
}

func diffAttrs(where string, want, got abci.Event) []string {
	var out []string
	if want.Type != got.Type {
		return []string{fmt.Sprintf("%s: event type committed %q, re-executed %q", where, want.Type, got.Type)}
	}
	n := max(len(want.Attributes), len(got.Attributes))
	for i := 0; i < n; i++ {
		switch {
		case i >= len(want.Attributes):
			out = append(out, fmt.Sprintf("%s: extra attribute %s=%s re-executed", where, got.Attributes[i].Key, got.Attributes[i].Value))
		case i >= len(got.Attributes):
			out = append(out, fmt.Sprintf("%s: attribute %s=%s committed, missing re-executed", where, want.Attributes[i].Key, want.Attributes[i].Value))
		case want.Attributes[i].Key != got.Attributes[i].Key || want.Attributes[i].Value != got.Attributes[i].Value:
			w, g := want.Attributes[i], got.Attributes[i]
			if w.Key == g.Key {
				out = append(out, fmt.Sprintf("%s: %s committed %s, re-executed %s", where, w.Key, w.Value, g.Value))
			} else {
				out = append(out, fmt.Sprintf("%s: attribute %d committed %s=%s, re-executed %s=%s", where, i, w.Key, w.Value, g.Key, g.Value))
			}
		}
	}
	return out
}

// CompareFinalize compares the committed response of block height with the
// re-executed one: the fills one by one, attribute by attribute, then every
// tx result (code, data, events) and the block's events, then the app hash.
func CompareFinalize(height int64, committed, replayed *abci.ResponseFinalizeBlock) ReplayReport {
	r := ReplayReport{Height: height, AppHash: strings.ToUpper(hex.EncodeToString(replayed.AppHash))}
	wf, gf := fillsOf(committed), fillsOf(replayed)
	r.CommittedFills, r.ReplayedFills = len(wf), len(gf)
	for i := 0; i < max(len(wf), len(gf)); i++ {
		switch {
		case i >= len(wf):
			r.Diffs = append(r.Diffs, fmt.Sprintf("fill #%d (%s): re-executed, not committed", i+1, describeFill(gf[i])))
		case i >= len(gf):
			r.Diffs = append(r.Diffs, fmt.Sprintf("fill #%d (%s): committed, not re-executed", i+1, describeFill(wf[i])))
		default:
			r.Diffs = append(r.Diffs, diffAttrs(fmt.Sprintf("fill #%d (%s)", i+1, describeFill(wf[i])), wf[i], gf[i])...)
		}
	}
	if len(committed.TxResults) != len(replayed.TxResults) {
		r.Diffs = append(r.Diffs, fmt.Sprintf("tx results: %d committed, %d re-executed", len(committed.TxResults), len(replayed.TxResults)))
	}
	for i := 0; i < min(len(committed.TxResults), len(replayed.TxResults)); i++ {
		w, g := committed.TxResults[i], replayed.TxResults[i]
		if w.Code != g.Code || w.Codespace != g.Codespace {
			r.Diffs = append(r.Diffs, fmt.Sprintf("tx %d: code committed %s/%d, re-executed %s/%d (%s)", i, w.Codespace, w.Code, g.Codespace, g.Code, g.Log))
		}
		if !bytes.Equal(w.Data, g.Data) {
			r.Diffs = append(r.Diffs, fmt.Sprintf("tx %d: response data differs", i))
		}
		r.Diffs = append(r.Diffs, diffEvents(fmt.Sprintf("tx %d", i), w.Events, g.Events)...)
		r.Events += len(w.Events)
	}
	r.Diffs = append(r.Diffs, diffEvents("block", committed.Events, replayed.Events)...)
	r.Events += len(committed.Events)
	if !bytes.Equal(committed.AppHash, replayed.AppHash) {
		r.Diffs = append(r.Diffs, fmt.Sprintf("app hash: committed %X, re-executed %X", committed.AppHash, replayed.AppHash))
	}
	return r
}

func diffEvents(where string, want, got []abci.Event) []string {
	var out []string
	if len(want) != len(got) {
		out = append(out, fmt.Sprintf("%s: %d events committed, %d re-executed", where, len(want), len(got)))
	}
	for i := 0; i < min(len(want), len(got)); i++ {
		if want[i].Type == "exchange_fill" && got[i].Type == "exchange_fill" {
			continue // reported fill by fill above
		}
		out = append(out, diffAttrs(fmt.Sprintf("%s event %d (%s)", where, i, want[i].Type), want[i], got[i])...)
	}
	return out
}
