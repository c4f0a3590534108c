package app

import (
	"bytes"
	"fmt"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/internal/addrcache"
	exchangetypes "github.com/clearchain/clearchain/x/exchange/types"
)

// TestSignerCodecReadsExchangeSignersWithoutDecoding: the tx decoder finds
// the signer of the order-flow messages from their bytes — the same signer
// and message-event sender as the SDK's dynamic decode, at a fraction of its
// allocations for a MsgBatch of 50 orders. A message whose signer does not
// parse takes the SDK's path (the same error).
func TestSignerCodecReadsExchangeSignersWithoutDecoding(t *testing.T) {
	enc, err := newEncodingConfig()
	if err != nil {
		t.Fatal(err)
	}
	exchangetypes.RegisterInterfaces(enc.InterfaceRegistry)
	sc := enc.Codec.(signerCodec)
	pc := sc.ProtoCodec
	if len(sc.fast) != len(fastSignerMsgs) {
		t.Fatalf("fast path for %d of %d messages", len(sc.fast), len(fastSignerMsgs))
	}
	owner := sdk.AccAddress(bytes.Repeat([]byte{7}, 20)).String()
	places := make([]exchangetypes.OrderSpec, 50)
	for i := range places {
		places[i] = exchangetypes.OrderSpec{MarketId: 1, Side: exchangetypes.Side_SIDE_BUY, Type: exchangetypes.OrderType_ORDER_TYPE_LIMIT,
			TimeInForce: exchangetypes.TimeInForce_TIME_IN_FORCE_GTC, Price: 100, Quantity: 5, ClientOrderId: fmt.Sprintf("c%d", i)}
	}
	batch := &exchangetypes.MsgBatch{Owner: owner, Places: places, Cancels: []exchangetypes.CancelSpec{{MarketId: 1, ClientOrderId: "old"}}}
	for _, msg := range []sdk.Msg{
		batch,
		&exchangetypes.MsgPlaceOrder{Owner: owner, Order: places[0]},
		&exchangetypes.MsgCancelOrder{Owner: owner, MarketId: 1, OrderId: 3},
		&exchangetypes.MsgCancelReplace{Owner: owner, MarketId: 1, ClientOrderId: "c1", Price: 9, Quantity: 2},
		&exchangetypes.MsgMassCancel{Owner: owner},
		&exchangetypes.MsgHeartbeat{Owner: owner, WindowBlocks: 5},
	} {
		a, err := codectypes.NewAnyWithValue(msg)
		if err != nil {
			t.Fatal(err)
		}
		want, wantV2, err := pc.GetMsgAnySigners(a)
		if err != nil {
			t.Fatal(err)
		}
		got, gotV2, err := sc.GetMsgAnySigners(a)
		if err != nil {
			t.Fatalf("%T: %v", msg, err)
		}
		if len(got) != 1 || !bytes.Equal(got[0], want[0]) {
			t.Fatalf("%T: signers %x, want %x", msg, got, want)
		}
		// The decoded message (the compliance gate's question).
		v1, _, err := sc.GetMsgV1Signers(msg)
		if err != nil || len(v1) != 1 || !bytes.Equal(v1[0], want[0]) {
			t.Fatalf("%T: v1 signers %x %v, want %x", msg, v1, err, want)
		}
		// What baseapp reads from the protov2 message: the event's sender.
		s1, err := pc.GetMsgV2Signers(gotV2)
		if err != nil {
			t.Fatal(err)
		}
		s2, _ := pc.GetMsgV2Signers(wantV2)
		if !bytes.Equal(s1[0], s2[0]) {
			t.Fatalf("%T: sender %x, want %x", msg, s1[0], s2[0])
		}
	}
	a, _ := codectypes.NewAnyWithValue(batch)
	slow := testing.AllocsPerRun(20, func() { _, _, _ = pc.GetMsgAnySigners(a) })
	fast := testing.AllocsPerRun(20, func() { _, _, _ = sc.GetMsgAnySigners(a) })
	t.Logf("MsgBatch(50) signer: %.0f allocs (SDK) -> %.0f", slow, fast)
	if fast*10 > slow {
		t.Fatalf("fast path %.0f allocs, SDK path %.0f: expected at least 10x fewer", fast, slow)
	}
	slow = testing.AllocsPerRun(20, func() { _, _, _ = pc.GetMsgV1Signers(batch) })
	fast = testing.AllocsPerRun(20, func() { _, _, _ = sc.GetMsgV1Signers(batch) })
	t.Logf("MsgBatch(50) v1 signer: %.0f allocs (SDK) -> %.0f", slow, fast)
	if fast*10 > slow {
		t.Fatalf("v1 fast path %.0f allocs, SDK path %.0f: expected at least 10x fewer", fast, slow)
	}
	// A bad owner: the SDK's error.
	bad, _ := codectypes.NewAnyWithValue(&exchangetypes.MsgBatch{Owner: "nope", Places: places[:1]})
	_, _, werr := pc.GetMsgAnySigners(bad)
	_, _, gerr := sc.GetMsgAnySigners(bad)
	if werr == nil || gerr == nil || werr.Error() != gerr.Error() {
		t.Fatalf("bad owner: %v, want %v", gerr, werr)
	}
}

// TestTxDecoderUsesTheSignerCodec: the app's tx config decodes with it.
func TestTxDecoderUsesTheSignerCodec(t *testing.T) {
	enc, err := newEncodingConfig()
	if err != nil {
		t.Fatal(err)
	}
	exchangetypes.RegisterInterfaces(enc.InterfaceRegistry)
	owner := sdk.AccAddress(bytes.Repeat([]byte{9}, 20))
	tb := enc.TxConfig.NewTxBuilder()
	if err := tb.SetMsgs(&exchangetypes.MsgHeartbeat{Owner: owner.String(), WindowBlocks: 3}); err != nil {
		t.Fatal(err)
	}
	bz, err := enc.TxConfig.TxEncoder()(tb.GetTx())
	if err != nil {
		t.Fatal(err)
	}
	tx, err := enc.TxConfig.TxDecoder()(bz)
	if err != nil {
		t.Fatal(err)
	}
	signers, err := tx.(interface{ GetSigners() ([][]byte, error) }).GetSigners()
	if err != nil || len(signers) != 1 || !bytes.Equal(signers[0], owner) {
		t.Fatalf("signers %x %v", signers, err)
	}
	v2, err := tx.GetMsgsV2()
	if err != nil {
		t.Fatal(err)
	}
	if got := v2[0].ProtoReflect().Descriptor().FullName(); got != "clearchain.exchange.v1.MsgHeartbeat" {
		t.Fatalf("v2 message %s", got)
	}
	// Only the signer is set: the fast path was taken.
	n := 0
	v2[0].ProtoReflect().Range(func(protoreflect.FieldDescriptor, protoreflect.Value) bool { n++; return true })
	if n != 1 {
		t.Fatalf("v2 message has %d fields set, want only the signer (fast path)", n)
	}
}

// TestSignersDecodedOnce: the signing context reads signers' bech32
// strings through the address cache (internal/addrcache), so a tx's
// signer is decoded once however often it is asked for.
func TestSignersDecodedOnce(t *testing.T) {
	enc, err := newEncodingConfig()
	if err != nil {
		t.Fatal(err)
	}
	ac := enc.InterfaceRegistry.SigningContext().AddressCodec()
	if _, ok := ac.(addrcache.Codec); !ok {
		t.Fatalf("the signing context decodes addresses with %T, want addrcache.Codec", ac)
	}
	owner := sdk.AccAddress(bytes.Repeat([]byte{4}, 20))
	for range 2 {
		got, err := ac.StringToBytes(owner.String())
		if err != nil || !bytes.Equal(got, owner) {
			t.Fatalf("StringToBytes = %x %v, want %x", got, err, []byte(owner))
		}
	}
}
