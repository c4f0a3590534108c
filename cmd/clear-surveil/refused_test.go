package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"
	cmttypes "github.com/cometbft/cometbft/types"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/std"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/clearchain/clearchain/surveillance"
)

// fakeNode answers the CometBFT JSON-RPC calls clear-surveil makes (status,
// header, block_results, block) from recorded blocks, encoded with
// CometBFT's own JSON codec, so rpcSource runs unchanged against it.
type fakeNode struct {
	latest  int64
	txs     map[int64][][]byte
	results map[int64][]*abci.ExecTxResult
	calls   map[string]int
}

func (n *fakeNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req rpctypes.RPCRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	var p struct {
		Height string `json:"height"`
	}
	_ = json.Unmarshal(req.Params, &p)
	var h int64
	fmt.Sscan(p.Height, &h)
	n.calls[req.Method]++
	t := time.Unix(1_700_000_000+h, 0).UTC()
	var res any
	switch req.Method {
	case "status":
		res = &ctypes.ResultStatus{SyncInfo: ctypes.SyncInfo{LatestBlockHeight: n.latest}}
	case "header":
		res = &ctypes.ResultHeader{Header: &cmttypes.Header{Height: h, Time: t}}
	case "block_results":
		res = &ctypes.ResultBlockResults{Height: h, TxsResults: n.results[h]}
	case "block":
		var txs cmttypes.Txs
		for _, tx := range n.txs[h] {
			txs = append(txs, tx)
		}
		res = &ctypes.ResultBlock{Block: &cmttypes.Block{Header: cmttypes.Header{Height: h, Time: t}, Data: cmttypes.Data{Txs: txs}}}
	default:
		http.Error(w, "unexpected method "+req.Method, 400)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(rpctypes.NewRPCSuccessResponse(req.ID, res))
}

// clientTx encodes msgs as a client does (the SDK's tx config and encoder).
func clientTx(t *testing.T, msgs ...sdk.Msg) []byte {
	t.Helper()
	reg := codectypes.NewInterfaceRegistry()
	std.RegisterInterfaces(reg)
	banktypes.RegisterInterfaces(reg)
	wasmtypes.RegisterInterfaces(reg)
	cfg := authtx.NewTxConfig(codec.NewProtoCodec(reg), authtx.DefaultSignModes)
	b := cfg.NewTxBuilder()
	if err := b.SetMsgs(msgs...); err != nil {
		t.Fatal(err)
	}
	bz, err := cfg.TxEncoder()(b.GetTx())
	if err != nil {
		t.Fatal(err)
	}
	return bz
}

func wasmEvent(kv ...string) abci.Event {
	ev := abci.Event{Type: "wasm", Attributes: []abci.EventAttribute{{Key: "_contract_address", Value: "clear1gc"}}}
	for i := 0; i+1 < len(kv); i += 2 {
		ev.Attributes = append(ev.Attributes, abci.EventAttribute{Key: kv[i], Value: kv[i+1]})
	}
	return ev
}

// TestRPCSourceReadsRefusedTxs: a node's block 2 holds a refused
// green-credit transfer by an account that retired the whole batch at
// height 1 (and a successful tx before it). rpcSource reads /block only for
// that height, decodes the tx, and the follower stores a
// credit_transfer_after_retirement alert naming the refused tx; after a
// restart the alert is still there, once, with its evidence. Before
// clear-surveil read refused txs, block_results alone gave no alert.
func TestRPCSourceReadsRefusedTxs(t *testing.T) {
	alice := sdk.MustBech32ifyAddressBytes("clear", []byte("surveil-alice-acct--"))
	bob := sdk.MustBech32ifyAddressBytes("clear", []byte("surveil-bob-acct----"))
	denom := "asset/clear1gc/gc1"
	ok := clientTx(t, &banktypes.MsgSend{FromAddress: bob, ToAddress: alice, Amount: sdk.NewCoins(sdk.NewCoin("uclear", sdkmath.NewInt(1)))})
	move := clientTx(t, &wasmtypes.MsgExecuteContract{Sender: alice, Contract: "clear1gc", Msg: []byte(`{"transfer":{"recipient":"` + bob + `"}}`),
		Funds: sdk.NewCoins(sdk.NewCoin(denom, sdkmath.NewInt(100)))})
	n := &fakeNode{latest: 3, calls: map[string]int{},
		txs: map[int64][][]byte{1: {ok}, 2: {ok, move}},
		results: map[int64][]*abci.ExecTxResult{
			1: {{Events: []abci.Event{
				wasmEvent("action", "issue", "batch_id", "1", "issuer", bob, "denom", denom, "first_serial", "1000", "last_serial", "1099", "recipient", alice),
				wasmEvent("action", "retire", "certificate_id", "1", "batch_id", "1", "retired_by", alice, "first_serial", "1000", "last_serial", "1099"),
			}}},
			2: {{}, {Code: 5, Codespace: "sdk", Log: "spendable balance 0asset/clear1gc/gc1 is smaller than 100asset/clear1gc/gc1: insufficient funds"}},
		}}
	srv := httptest.NewServer(n)
	defer srv.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	src, err := newRPCSource(srv.URL, log)
	if err != nil {
		t.Fatal(err)
	}
	d, err := src.Block(context.Background(), 2)
	if err != nil {
		t.Fatal(err)
	}
	wantHash := fmt.Sprintf("%X", cmttypes.Tx(move).Hash())
	if len(d.refused) != 1 || d.refused[0].Hash != wantHash || d.refused[0].Index != 1 || d.refused[0].Code != 5 ||
		len(d.refused[0].Signers) != 1 || d.refused[0].Signers[0] != alice || len(d.refused[0].Msgs) != 1 || d.refused[0].Msgs[0].Action != "transfer" {
		t.Fatalf("refused txs of block 2: %+v", d.refused)
	}
	if _, err := src.Block(context.Background(), 1); err != nil || n.calls["block"] != 1 {
		t.Fatalf("/block read for a height without a refused tx (calls %v, err %v)", n.calls, err)
	}

	dir := filepath.Join(t.TempDir(), "alerts.db")
	run := func() *store {
		st, err := openStore(dir)
		if err != nil {
			t.Fatal(err)
		}
		p := testParams()
		f := &follower{src: src, st: st, eng: surveillance.New(p), log: log, from: 1, poll: time.Millisecond, every: 10, warmup: int64(p.MaxWindow())}
		if err := f.run(context.Background(), true); err != nil {
			t.Fatal(err)
		}
		return st
	}
	check := func(st *store, when string) {
		as, err := st.alerts(surveillance.DetCreditAfterRetire, 0, 0)
		if err != nil || len(as) != 1 {
			t.Fatalf("%s: want one transfer-after-retirement alert, got %+v (%v)", when, as, err)
		}
		a := as[0]
		if a.Height != 2 || a.Refused == nil || a.Refused.Hash != wantHash || a.Refused.Index != 1 || a.Refused.Signer != alice ||
			!strings.Contains(a.Evidence, "refused by the chain") || !strings.Contains(a.Evidence, "insufficient funds") {
			t.Fatalf("%s: alert %+v refused %+v", when, a, a.Refused)
		}
	}
	st := run()
	check(st, "first run")
	// The auditor's alert page shows the refused tx.
	as, _ := st.alerts(surveillance.DetCreditAfterRetire, 0, 0)
	page := httptest.NewServer((&web{st: st, height: func() int64 { return 3 }}).routes())
	resp, err := http.Get(page.URL + "/alert?id=" + as[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page.Close()
	if !strings.Contains(string(body), `id="refused"`) || !strings.Contains(string(body), wantHash) {
		t.Fatalf("alert page lacks the refused tx:\n%s", body)
	}
	st.Close()
	n.latest = 5
	st = run()
	defer st.Close()
	check(st, "after restart")
	if h, _ := st.height(); h != 5 {
		t.Fatalf("stored height %d", h)
	}
}
