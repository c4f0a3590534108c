package types_test

import (
	"bytes"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/clearchain/clearchain/x/exchange/types"
)

func laneParts(t *testing.T) (order []byte, pub, sig []byte) {
	t.Helper()
	msg := &types.MsgPlaceOrder{Owner: "clear1owner", Order: types.OrderSpec{MarketId: 1, Side: types.Side_SIDE_SELL,
		Type: types.OrderType_ORDER_TYPE_LIMIT, Price: 100, Quantity: 3, ClientOrderId: "c-1"}}
	order, err := msg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return order, bytes.Repeat([]byte{2}, types.LanePubKeyLen), bytes.Repeat([]byte{7}, types.LaneSignatureLen)
}

// TestLaneTx_RoundTripAndStrictDecoding: a lane tx decodes to what was
// encoded; every other arrangement of the same parts is refused, so one
// signed order has exactly one encoding.
func TestLaneTx_RoundTripAndStrictDecoding(t *testing.T) {
	order, pub, sig := laneParts(t)
	bz := types.EncodeLaneTx(order, 1_700_000_000_000_000_000, pub, sig)
	o, err := types.DecodeLaneTx(bz)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(o.OrderBytes, order) || o.TimeoutUnixNano != 1_700_000_000_000_000_000 ||
		!bytes.Equal(o.PubKey, pub) || !bytes.Equal(o.Signature, sig) || o.Msg.Order.ClientOrderId != "c-1" {
		t.Fatalf("round trip: %+v", o)
	}
	if bz[0] == 0x0a || !types.IsLaneTx(bz) {
		t.Fatal("a lane tx must not start like an SDK TxRaw (field 1's tag 0x0a)")
	}

	// A non-canonical order: the same fields with an unknown one appended.
	padded := protowire.AppendVarint(protowire.AppendTag(append([]byte{}, order...), 99, protowire.VarintType), 1)
	// Fields out of order: timeout before the order.
	swapped := append([]byte{}, types.LaneTxPrefix...)
	swapped = protowire.AppendTag(swapped, 2, protowire.VarintType)
	swapped = protowire.AppendVarint(swapped, 5)
	swapped = protowire.AppendTag(swapped, 1, protowire.BytesType)
	swapped = protowire.AppendBytes(swapped, order)
	for name, bad := range map[string][]byte{
		"empty":               nil,
		"prefix only":         types.LaneTxPrefix,
		"an SDK tx":           {0x0a, 0x02, 0x0a, 0x00},
		"truncated":           bz[:len(bz)-1],
		"trailing byte":       append(append([]byte{}, bz...), 0),
		"short key":           types.EncodeLaneTx(order, 5, pub[:32], sig),
		"long signature":      types.EncodeLaneTx(order, 5, pub, append(sig, 0)),
		"zero timeout":        types.EncodeLaneTx(order, 0, pub, sig),
		"timeout past int64":  types.EncodeLaneTx(order, 1<<63, pub, sig),
		"non-canonical order": types.EncodeLaneTx(padded, 5, pub, sig),
		"order not a proto":   types.EncodeLaneTx([]byte{0xff, 0xff}, 5, pub, sig),
		"fields out of order": swapped,
		"oversized":           types.EncodeLaneTx(order, 5, pub, append(sig, make([]byte, types.MaxLaneTxBytes)...)),
		"a field twice":       append(append([]byte{}, bz...), bz[len(types.LaneTxPrefix):]...),
	} {
		if _, err := types.DecodeLaneTx(bad); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}

	// The sign doc binds the chain id, the timeout and the order.
	base := types.LaneSignDoc("c", 5, order)
	for name, other := range map[string][]byte{
		"chain":   types.LaneSignDoc("d", 5, order),
		"timeout": types.LaneSignDoc("c", 6, order),
		"order":   types.LaneSignDoc("c", 5, padded),
		"shifted": types.LaneSignDoc("c\n", 5, order[1:]),
	} {
		if bytes.Equal(base, other) {
			t.Errorf("sign doc ignores the %s", name)
		}
	}
}

// FuzzDecodeLaneTx: any bytes decode to an error or to a lane order that
// re-encodes to exactly those bytes — never a panic, never two encodings.
func FuzzDecodeLaneTx(f *testing.F) {
	order, pub, sig := func() ([]byte, []byte, []byte) {
		msg := &types.MsgPlaceOrder{Owner: "clear1owner", Order: types.OrderSpec{MarketId: 1, Price: 100, Quantity: 3}}
		o, _ := msg.Marshal()
		return o, bytes.Repeat([]byte{2}, types.LanePubKeyLen), bytes.Repeat([]byte{7}, types.LaneSignatureLen)
	}()
	good := types.EncodeLaneTx(order, 5, pub, sig)
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add(types.LaneTxPrefix)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, bz []byte) {
		o, err := types.DecodeLaneTx(bz)
		if err != nil {
			return
		}
		if again := types.EncodeLaneTx(o.OrderBytes, o.TimeoutUnixNano, o.PubKey, o.Signature); !bytes.Equal(again, bz) {
			t.Fatalf("decoded bytes re-encode differently:\n%x\n%x", bz, again)
		}
	})
}
