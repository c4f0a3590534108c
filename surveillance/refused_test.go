package surveillance_test

import (
	"strings"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	wasmtypes "github.com/CosmWasm/wasmd/x/wasm/types"

	sdkmath "cosmossdk.io/math"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/std"
	sdk "github.com/cosmos/cosmos-sdk/types"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"

	"github.com/clearchain/clearchain/surveillance"
	"github.com/clearchain/clearchain/surveillance/txdecode"
	extypes "github.com/clearchain/clearchain/x/exchange/types"
)

// Accounts with real bech32 addresses (the codec reads the signers).
var (
	gcIssuer  = sdk.MustBech32ifyAddressBytes("clear", []byte("gc-issuer-account---"))
	gcAlice   = sdk.MustBech32ifyAddressBytes("clear", []byte("gc-alice-account----"))
	gcBob     = sdk.MustBech32ifyAddressBytes("clear", []byte("gc-bob-account------"))
	gcCarol   = sdk.MustBech32ifyAddressBytes("clear", []byte("gc-carol-account----"))
	gcTrader  = sdk.MustBech32ifyAddressBytes("clear", []byte("gc-trader-account---"))
	gcBatch1  = "asset/clear1gc/gc1"
	gcBatch2  = "asset/clear1gc/gc2"
	cashDenom = "asset/clear1issuer/eurc"
)

// signedTx encodes msgs as a tx the way a client does (the SDK's tx
// config and encoder): the bytes CometBFT puts in a block.
func signedTx(t *testing.T, msgs ...sdk.Msg) []byte {
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
	b.SetGasLimit(200_000)
	bz, err := cfg.TxEncoder()(b.GetTx())
	if err != nil {
		t.Fatal(err)
	}
	return bz
}

func gcExec(sender, msg string, funds ...sdk.Coin) *wasmtypes.MsgExecuteContract {
	return &wasmtypes.MsgExecuteContract{Sender: sender, Contract: "clear1gc", Msg: []byte(msg), Funds: sdk.NewCoins(funds...)}
}

func coin(denom string, n int64) sdk.Coin { return sdk.NewCoin(denom, sdkmath.NewInt(n)) }

func send(from, to string, c sdk.Coin) *banktypes.MsgSend {
	return &banktypes.MsgSend{FromAddress: from, ToAddress: to, Amount: sdk.NewCoins(c)}
}

// refused decodes msgs as tx idx of the next block, refused with the given
// code and log.
func (c *chain) refused(idx int, code uint32, codespace, log string, msgs ...sdk.Msg) surveillance.RefusedTx {
	c.t.Helper()
	cdc, err := txdecode.New()
	if err != nil {
		c.t.Fatal(err)
	}
	txs := make([][]byte, idx+1)
	res := make([]*abci.ExecTxResult, idx+1)
	for i := range res {
		txs[i], res[i] = signedTx(c.t, send(gcTrader, gcTrader, coin(cashDenom, 1))), &abci.ExecTxResult{}
	}
	txs[idx], res[idx] = signedTx(c.t, msgs...), &abci.ExecTxResult{Code: code, Codespace: codespace, Log: log}
	out, errs := cdc.Failed(c.height+1, txs, res)
	if len(errs) > 0 || len(out) != 1 {
		c.t.Fatalf("decoding: %v (%d refused)", errs, len(out))
	}
	return out[0]
}

// endTxs commits the block's events with refused txs.
func (c *chain) endTxs(refused ...surveillance.RefusedTx) []surveillance.Alert {
	c.height++
	out := c.eng.ProcessBlockTxs(c.height, time.Unix(1_700_000_000+c.height, 0).UTC(), c.evs, refused)
	c.evs = nil
	c.alerts = append(c.alerts, out...)
	return out
}

func TestRefusedTx_DecodesWasmBankAndUnknownMessages(t *testing.T) {
	cdc, err := txdecode.New()
	if err != nil {
		t.Fatal(err)
	}
	bz := signedTx(t,
		gcExec(gcIssuer, `{"issue":{"project":"p","technology":"wind","region":"PT","vintage":2026,"mwh":"10","first_serial":"1050","recipient":"`+gcAlice+`"}}`),
		send(gcAlice, gcBob, coin(gcBatch1, 7)),
		gcExec(gcAlice, `{"claim":{"certificate":3}}`),
		&extypes.MsgDeposit{Owner: gcAlice, Amount: coin(cashDenom, 5)},
	)
	res := &abci.ExecTxResult{Code: 5, Codespace: "wasm", Log: "failed to execute message; message index: 0: serials overlap"}
	tx, err := cdc.DecodeRefusedTx(12, 3, bz, res)
	if err != nil {
		t.Fatal(err)
	}
	if tx.Height != 12 || tx.Index != 3 || len(tx.Hash) != 64 || tx.Code != 5 || tx.Codespace != "wasm" || tx.Log != res.Log {
		t.Fatalf("header fields: %+v", tx)
	}
	if strings.Join(tx.Signers, ",") != gcIssuer+","+gcAlice {
		t.Fatalf("signers %v", tx.Signers)
	}
	if len(tx.Msgs) != 4 {
		t.Fatalf("msgs %+v", tx.Msgs)
	}
	is, bs, cl, dep := tx.Msgs[0], tx.Msgs[1], tx.Msgs[2], tx.Msgs[3]
	if is.TypeURL != surveillance.TypeURLExecuteContract || is.Contract != "clear1gc" || is.Action != "issue" ||
		is.FirstSerial != 1050 || is.MWh != 10 || is.Recipient != gcAlice || len(is.Signers) != 1 || is.Signers[0] != gcIssuer {
		t.Fatalf("issue: %+v", is)
	}
	if bs.TypeURL != surveillance.TypeURLBankSend || bs.From != gcAlice || bs.To != gcBob ||
		len(bs.Coins) != 1 || bs.Coins[0] != (surveillance.Coin{Denom: gcBatch1, Amount: "7"}) {
		t.Fatalf("send: %+v", bs)
	}
	if cl.Action != "claim" || cl.Certificate != "3" {
		t.Fatalf("claim: %+v", cl)
	}
	if dep.TypeURL != "/clearchain.exchange.v1.MsgDeposit" || dep.Action != "" || len(dep.Signers) != 0 {
		t.Fatalf("unknown message: %+v", dep)
	}
	if _, err := cdc.DecodeRefusedTx(1, 0, []byte("not a tx"), res); err == nil {
		t.Fatal("garbage bytes decoded")
	}
	// A tx of unknown messages only: its signer from the ante handler's
	// acc_seq event, which a failed tx keeps.
	res2 := &abci.ExecTxResult{Code: 5, Events: []abci.Event{{Type: "tx", Attributes: []abci.EventAttribute{{Key: "acc_seq", Value: gcBob + "/4"}}}}}
	tx2, err := cdc.DecodeRefusedTx(1, 0, signedTx(t, &extypes.MsgDeposit{Owner: gcBob, Amount: coin(cashDenom, 5)}), res2)
	if err != nil || len(tx2.Signers) != 1 || tx2.Signers[0] != gcBob {
		t.Fatalf("acc_seq signer: %+v %v", tx2, err)
	}
}

// issueBatches: batch 1 (serials 1000-1099) to alice, batch 2 (2000-2049)
// to bob; alice retires 10 of batch 1 (certificate 1).
func issueBatches(c *chain) {
	c.gcEvent("action", "issue", "batch_id", "1", "issuer", gcIssuer, "denom", gcBatch1, "first_serial", "1000", "last_serial", "1099", "recipient", gcAlice)
	c.gcEvent("action", "issue", "batch_id", "2", "issuer", gcIssuer, "denom", gcBatch2, "first_serial", "2000", "last_serial", "2049", "recipient", gcBob)
	c.end()
	c.gcEvent("action", "retire", "certificate_id", "1", "batch_id", "1", "retired_by", gcAlice, "first_serial", "1000", "last_serial", "1099")
	c.end()
}

// TestCredits_RefusedDoubleIssuanceAlerts: the contract refuses an issue
// overlapping serials it issued; the refused tx is the evidence. Fed as
// events only (ProcessBlock, as before), the attempt raised nothing.
func TestCredits_RefusedDoubleIssuanceAlerts(t *testing.T) {
	for _, withTxs := range []bool{false, true} {
		p := surveillance.DefaultParams()
		p.AccountEntities = map[string]uint64{gcIssuer: 7}
		c := newChain(t, p)
		issueBatches(c)
		tx := c.refused(2, 5, "wasm", "failed to execute message; message index: 0: serial range overlaps batch 1: execute wasm contract failed",
			gcExec(gcIssuer, `{"issue":{"project":"p","technology":"wind","region":"PT","vintage":2026,"mwh":"10","first_serial":"1095"}}`))
		var got []surveillance.Alert
		if withTxs {
			got = c.endTxs(tx)
		} else {
			got = c.end()
		}
		if !withTxs {
			if len(got) != 0 {
				t.Fatalf("events only: %+v", got)
			}
			continue
		}
		if len(got) != 1 || got[0].Detector != surveillance.DetCreditDoubleIssue {
			t.Fatalf("want one double-issuance alert, got %+v", got)
		}
		a := got[0]
		if a.Refused == nil || a.Refused.Hash != tx.Hash || a.Refused.Height != 3 || a.Refused.Index != 2 || a.Refused.Signer != gcIssuer ||
			a.FirstHeight != 1 || a.Height != 3 || len(a.Entities) != 1 || a.Entities[0] != 7 ||
			strings.Join(a.Serials, ",") != "clear1gc:1000-1099,clear1gc:1095-1104" ||
			!strings.Contains(a.Evidence, "refused by the chain") || !strings.Contains(a.Evidence, "serial range overlaps") {
			t.Fatalf("alert: %+v refused %+v", a, a.Refused)
		}
	}
}

// TestCredits_RefusedMoveAfterRetirementAlerts: alice retired all of batch
// 1 (burned); she then tries to move batch-1 credits through the
// contract's transfer and by a plain bank send. Both are refused
// (insufficient funds) and both alert.
func TestCredits_RefusedMoveAfterRetirementAlerts(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	issueBatches(c)
	wasmMove := c.refused(0, 5, "sdk", "spendable balance 0asset/clear1gc/gc1 is smaller than 100asset/clear1gc/gc1: insufficient funds",
		gcExec(gcAlice, `{"transfer":{"recipient":"`+gcBob+`"}}`, coin(gcBatch1, 100)))
	bankMove := c.refused(1, 5, "sdk", "insufficient funds", send(gcAlice, gcCarol, coin(gcBatch1, 100)))
	if got := c.end(); len(got) != 0 {
		t.Fatalf("events only: %+v", got)
	}
	// The same blocks again, the last with its refused txs.
	c.eng = surveillance.New(surveillance.DefaultParams())
	c.height = 0
	issueBatches(c)
	got := c.endTxs(wasmMove, bankMove)
	if len(got) != 2 {
		t.Fatalf("want two alerts, got %+v", got)
	}
	if got[0].Refused != nil && got[0].Refused.Index == 1 {
		got[0], got[1] = got[1], got[0] // alerts sort by content; index 0 is the contract transfer
	}
	for i, want := range []string{"a transfer through the contract", "a bank send"} {
		a := got[i]
		if a.Detector != surveillance.DetCreditAfterRetire || a.Refused == nil || a.Refused.Signer != gcAlice || a.FirstHeight != 2 ||
			strings.Join(a.Serials, ",") != "clear1gc:1000-1099" || !strings.Contains(a.Evidence, want) || !strings.Contains(a.Evidence, `retirement "1"`) {
			t.Fatalf("alert %d: %+v", i, a)
		}
	}
	if got[0].Refused.Index == got[1].Refused.Index {
		t.Fatalf("both alerts name the same tx: %+v %+v", got[0].Refused, got[1].Refused)
	}
}

// TestCredits_RefusedSecondClaimAlerts: a certificate claimed once, then a
// second claim refused by the contract (the shape of the claim action:
// {"claim":{"certificate":...}}).
func TestCredits_RefusedSecondClaimAlerts(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	issueBatches(c)
	c.credit("claimed", "retirement_id", "1", "claimant", gcAlice)
	c.evs[len(c.evs)-1].Attributes[0].Value = "clear1gc"
	c.end()
	second := c.refused(0, 5, "wasm", "certificate 1 already claimed: execute wasm contract failed", gcExec(gcBob, `{"claim":{"certificate":"1"}}`))
	got := c.endTxs(second)
	if len(got) != 1 || got[0].Detector != surveillance.DetCreditDoubleClaim || got[0].Refused == nil || got[0].Refused.Signer != gcBob ||
		strings.Join(got[0].Accounts, ",") != strings.Join(sortedStrs(gcAlice, gcBob), ",") || strings.Join(got[0].Serials, ",") != "clear1gc:1000-1099" {
		t.Fatalf("want one double-claim alert, got %+v", got)
	}
}

func sortedStrs(a, b string) []string {
	if a > b {
		return []string{b, a}
	}
	return []string{a, b}
}

// TestCredits_CleanRefusalsDoNotAlert: hard negatives. Refusals with no
// retirement, no overlap and no earlier claim behind them raise nothing:
// an issue of fresh serials (an unlicensed issuer), a transfer of batch-2
// credits bob never retired (he lacks them), alice's bank send of cash
// (she retired batch 1, not cash), alice moving batch-2 credits (she
// retired batch 1 only), a claim of a certificate never claimed, an
// exchange deposit without funds, and an issue to an unknown contract.
// With refused-tx reading off (MaxRefusedPerBlock 0), even the abuses
// raise nothing.
func TestCredits_CleanRefusalsDoNotAlert(t *testing.T) {
	c := newChain(t, surveillance.DefaultParams())
	issueBatches(c)
	clean := []surveillance.RefusedTx{
		c.refused(0, 4, "compliance", "not a licensed issuer", gcExec(gcTrader, `{"issue":{"project":"p","technology":"wind","region":"PT","vintage":2026,"mwh":"10","first_serial":"5000"}}`)),
		c.refused(1, 5, "sdk", "insufficient funds", gcExec(gcBob, `{"transfer":{"recipient":"`+gcCarol+`"}}`, coin(gcBatch2, 500))),
		c.refused(2, 5, "sdk", "insufficient funds", send(gcAlice, gcCarol, coin(cashDenom, 10))),
		c.refused(3, 5, "sdk", "insufficient funds", send(gcAlice, gcCarol, coin(gcBatch2, 10))),
		c.refused(4, 5, "wasm", "no certificate 9", gcExec(gcAlice, `{"claim":{"certificate":"9"}}`)),
		c.refused(5, 5, "sdk", "insufficient funds", &extypes.MsgDeposit{Owner: gcAlice, Amount: coin(cashDenom, 5)}),
		c.refused(6, 5, "wasm", "overlap", &wasmtypes.MsgExecuteContract{Sender: gcIssuer, Contract: "clear1other",
			Msg: []byte(`{"issue":{"mwh":"10","first_serial":"1000"}}`)}),
	}
	if got := c.endTxs(clean...); len(got) != 0 {
		t.Fatalf("clean refusals alerted: %+v", got)
	}

	p := surveillance.DefaultParams()
	p.Credits.MaxRefusedPerBlock = 0
	off := newChain(t, p)
	issueBatches(off)
	abuse := off.refused(0, 5, "wasm", "overlap", gcExec(gcIssuer, `{"issue":{"mwh":"10","first_serial":"1000"}}`))
	if got := off.endTxs(abuse); len(got) != 0 {
		t.Fatalf("reading off, yet: %+v", got)
	}
}

// BenchmarkDecodeRefusedTx: decoding one refused green-credit transfer
// (tx bytes + result) for the engine — the live follower's extra cost per
// refused tx.
func BenchmarkDecodeRefusedTx(b *testing.B) {
	t := &testing.T{}
	bz := signedTx(t, gcExec(gcAlice, `{"transfer":{"recipient":"`+gcBob+`"}}`, coin(gcBatch1, 100)))
	res := &abci.ExecTxResult{Code: 5, Codespace: "sdk", Log: "insufficient funds"}
	cdc, err := txdecode.New()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := cdc.DecodeRefusedTx(1, 0, bz, res); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRefusedTx_HostilePayloadsNeverPanic: what a participant can put in a
// tx the chain refuses reaches the decoder and the engine — in the
// simulation and, live, in clear-surveil from any node's /block. Garbage
// and truncated bytes, messages of unknown types with garbage values,
// execute JSON of every wrong shape (not an object, several actions,
// arrays, nested objects, negative, fractional and overflowing numbers,
// serial ranges that wrap around uint64, an empty range), a mwh of 0, and
// results that do not line up with the txs: each is decoded (or reported
// as undecodable) without a panic, the engine takes the block, and none
// of them raises an alert — except the one well-formed overlapping issue,
// which still does.
func TestRefusedTx_HostilePayloadsNeverPanic(t *testing.T) {
	cdc, err := txdecode.New()
	if err != nil {
		t.Fatal(err)
	}
	p := surveillance.DefaultParams()
	c := newChain(t, p)
	issueBatches(c)
	hostileJSON := []string{
		``, `null`, `[]`, `"issue"`, `42`, `{`, `{}`,
		`{"issue":null}`, `{"issue":[1,2]}`, `{"issue":"x"}`,
		`{"issue":{},"transfer":{}}`,
		`{"issue":{"first_serial":"-1","mwh":"10"}}`,
		`{"issue":{"first_serial":1000.5,"mwh":10}}`,
		`{"issue":{"first_serial":"18446744073709551615","mwh":"2"}}`,
		`{"issue":{"first_serial":"18446744073709551600","mwh":"18446744073709551615"}}`,
		`{"issue":{"first_serial":"99999999999999999999999","mwh":"1"}}`,
		`{"issue":{"first_serial":"1000","mwh":"0"}}`,
		`{"issue":{"first_serial":{"a":[{"b":{}}]},"mwh":[["10"]]}}`,
		`{"transfer":{"recipient":{"x":1}}}`,
		`{"claim":{"certificate":[1,2]}}`, `{"claim":{"certificate":null}}`, `{"claim":"1"}`,
		strings.Repeat(`{"a":`, 10_000) + `1` + strings.Repeat(`}`, 10_000),
	}
	var txs [][]byte
	var res []*abci.ExecTxResult
	refuse := func(bz []byte) {
		txs = append(txs, bz)
		res = append(res, &abci.ExecTxResult{Code: 5, Codespace: "wasm", Log: "refused"})
	}
	for _, js := range hostileJSON {
		refuse(signedTx(t, gcExec(gcIssuer, js, coin(gcBatch1, 1))))
	}
	valid := signedTx(t, send(gcAlice, gcBob, coin(gcBatch2, 1)))
	refuse(nil)
	refuse([]byte{0xff, 0x00, 0x13})
	refuse(valid[:len(valid)/2])
	if raw, err := (&txtypes.TxRaw{BodyBytes: []byte{0x0a, 0x05, 0x0a, 0x03, 'x', 'y', 'z'}}).Marshal(); err == nil {
		refuse(raw)
	}
	if bz, err := (&txtypes.TxBody{Messages: []*codectypes.Any{{TypeUrl: "/no.such.Msg", Value: []byte{0xde, 0xad}}, {TypeUrl: "/cosmos.bank.v1beta1.MsgSend", Value: []byte{0xff, 0xff}}, {}}}).Marshal(); err == nil {
		raw, _ := (&txtypes.TxRaw{BodyBytes: bz}).Marshal()
		refuse(raw)
	}
	// The one real attempt among them, still found.
	refuse(signedTx(t, gcExec(gcIssuer, `{"issue":{"first_serial":"1095","mwh":"10"}}`)))
	// Results longer than the txs, and nil results.
	res = append(res, &abci.ExecTxResult{Code: 5}, nil)

	// A panic in either call fails the test.
	out, _ := cdc.Failed(c.height+1, txs, res)
	if len(out) < len(hostileJSON)+1 {
		t.Fatalf("decoded %d refused txs of %d well-formed ones", len(out), len(hostileJSON)+1)
	}
	got := c.endTxs(out...)
	if len(got) != 1 || got[0].Detector != surveillance.DetCreditDoubleIssue || got[0].Refused.Hash != out[len(out)-1].Hash {
		t.Fatalf("want only the real attempt's alert, got %+v", got)
	}
}
