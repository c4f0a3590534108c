package types_test

import (
	"bytes"
	"math/big"
	"testing"

	sdkmath "cosmossdk.io/math"

	"github.com/clearchain/clearchain/x/exchange/types"
)

var (
	Order_Id7_Buy5_Price100_GTC = types.LevelOrder{Id: 7, OwnerId: 3, EntityId: 1<<63 | 3, Side: types.Side_SIDE_BUY,
		Type: types.OrderType_ORDER_TYPE_LIMIT, Price: 100, Quantity: 5, Seq: 11}
	Order_Id8_Sell2_StopLimit_GTT_PostOnlyClientID = types.LevelOrder{Id: 8, OwnerId: 4, EntityId: 9, Side: types.Side_SIDE_SELL,
		Type: types.OrderType_ORDER_TYPE_STOP_LIMIT, TimeInForce: types.TimeInForce_TIME_IN_FORCE_GTT, Stp: types.STPMode_STP_MODE_DECREMENT,
		Price: 95, TriggerPrice: 96, Quantity: 2, ExpireTime: 1_700_000_000, Seq: 12, ClientOrderId: "bot-1"}
	Order_Id9_Buy1_GTB = types.LevelOrder{Id: 9, OwnerId: 4, EntityId: 9, Side: types.Side_SIDE_BUY, PostOnly: true,
		TimeInForce: types.TimeInForce_TIME_IN_FORCE_GTB, Price: 1<<62 - 1, Quantity: 1 << 40, ExpireBlock: 42, Seq: 13}
)

func TestLevelEncodingRoundTrips(t *testing.T) {
	in := []types.LevelOrder{Order_Id7_Buy5_Price100_GTC, Order_Id8_Sell2_StopLimit_GTT_PostOnlyClientID, Order_Id9_Buy1_GTB}
	bz, err := types.EncodeLevel(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := types.DecodeLevelOrders(bz)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("%d orders, want %d", len(out), len(in))
	}
	for i := range in {
		if out[i] != in[i] {
			t.Fatalf("order %d: got %+v, want %+v", i, out[i], in[i])
		}
	}
	if types.LevelLen(bz) != 3 {
		t.Fatalf("LevelLen %d", types.LevelLen(bz))
	}
	rest, err := types.SkipOrders(types.LevelRecords(bz), 2)
	if err != nil {
		t.Fatal(err)
	}
	var o types.LevelOrder
	if _, err := types.DecodeOrder(rest, &o); err != nil || o != Order_Id9_Buy1_GTB {
		t.Fatalf("after skipping 2: %+v, %v", o, err)
	}
}

func TestCommandAndBalanceEncodingsRoundTrip(t *testing.T) {
	c := types.QueuedCommand{Kind: types.CommandKind_COMMAND_KIND_PLACE, MarketId: 3, Order: Order_Id8_Sell2_StopLimit_GTT_PostOnlyClientID}
	v := types.CommandValue{}
	bz, err := v.Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Decode(bz)
	if err != nil || got != c {
		t.Fatalf("command: got %+v, %v", got, err)
	}
	// A place or modify carries what its tx locked (0 included).
	for _, amt := range []sdkmath.Int{sdkmath.ZeroInt(), sdkmath.NewInt(1_000_000_007)} {
		pc := types.QueuedCommand{Kind: types.CommandKind_COMMAND_KIND_MODIFY, MarketId: 3, Order: Order_Id9_Buy1_GTB, Prelocked: &amt}
		bz, err := v.Encode(pc)
		if err != nil {
			t.Fatal(err)
		}
		got, err := v.Decode(bz)
		if err != nil || got.Prelocked == nil || !got.Prelocked.Equal(amt) || got.Order != pc.Order || got.Kind != pc.Kind {
			t.Fatalf("command with prelocked %s: got %+v, %v", amt, got, err)
		}
	}
	huge, _ := new(big.Int).SetString("115792089237316195423570985008687907853269984665640564039457584007913129639935", 10) // 2^256-1
	for _, b := range []types.Balance{
		{Free: sdkmath.ZeroInt(), Locked: sdkmath.ZeroInt()},
		{Free: sdkmath.NewInt(1), Locked: sdkmath.NewInt(1_000_000_000_000)},
		{Free: sdkmath.NewIntFromBigInt(huge), Locked: sdkmath.NewInt(255)},
	} {
		bv := types.BalanceValue{}
		bz, err := bv.Encode(b)
		if err != nil {
			t.Fatal(err)
		}
		got, err := bv.Decode(bz)
		if err != nil || !got.Free.Equal(b.Free) || !got.Locked.Equal(b.Locked) {
			t.Fatalf("balance %v: got %v, %v", b, got, err)
		}
	}
	if _, err := (types.BalanceValue{}).Encode(types.Balance{Free: sdkmath.NewInt(-1), Locked: sdkmath.ZeroInt()}); err == nil {
		t.Fatal("negative balance encoded")
	}
}

func TestEncodingsRefuseBadInput(t *testing.T) {
	good, _ := types.EncodeLevel([]types.LevelOrder{Order_Id7_Buy5_Price100_GTC})
	bad := map[string][]byte{
		"empty":             nil,
		"wrong version":     append([]byte{2}, good[1:]...),
		"zero orders":       {1, 0, 0, 0, 0},
		"count too large":   append([]byte{1, 0, 0, 0, 2}, good[5:]...),
		"truncated":         good[:len(good)-1],
		"trailing byte":     append(append([]byte{}, good...), 0),
		"side out of range": func() []byte { b := bytes.Clone(good); b[5+48] = 3; return b }(),
		"unknown flag":      func() []byte { b := bytes.Clone(good); b[5+52] = 0x80; return b }(),
		"client id too long": func() []byte {
			b := bytes.Clone(good)
			b[5+53] = 65
			return append(b, make([]byte, 65)...)
		}(),
		"zero optional field": func() []byte {
			b := bytes.Clone(good)
			b[5+52] = 2 // trigger follows
			return append(b, make([]byte, 8)...)
		}(),
	}
	for name, bz := range bad {
		if err := types.DecodeLevel(bz, func(*types.LevelOrder) error { return nil }); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	var free, locked big.Int
	for name, bz := range map[string][]byte{
		"leading zero": {1, 1, 0, 0},
		"too long":     append([]byte{1, 33}, make([]byte, 34)...),
		"trailing":     {1, 0, 0, 0},
		"truncated":    {1, 2, 1},
	} {
		if err := types.DecodeBalance(bz, &free, &locked); err == nil {
			t.Errorf("balance %s: decoded", name)
		}
	}
}

// FuzzDecode feeds arbitrary bytes to every decoder: they must return an
// error or a value whose encoding is the input (one encoding per value),
// never panic.
func FuzzDecode(f *testing.F) {
	lv, _ := types.EncodeLevel([]types.LevelOrder{Order_Id7_Buy5_Price100_GTC, Order_Id8_Sell2_StopLimit_GTT_PostOnlyClientID})
	cmd, _ := types.CommandValue{}.Encode(types.QueuedCommand{Kind: types.CommandKind_COMMAND_KIND_CANCEL, MarketId: 1, Order: Order_Id9_Buy1_GTB})
	bal, _ := types.BalanceValue{}.Encode(types.Balance{Free: sdkmath.NewInt(300), Locked: sdkmath.NewInt(7)})
	f.Add(lv)
	f.Add(cmd)
	f.Add(bal)
	f.Fuzz(func(t *testing.T, bz []byte) {
		if orders, err := types.DecodeLevelOrders(bz); err == nil {
			re, err := types.EncodeLevel(orders)
			if err != nil || !bytes.Equal(re, bz) {
				t.Fatalf("level re-encodes differently: %x vs %x (%v)", re, bz, err)
			}
		}
		if c, err := (types.CommandValue{}).Decode(bz); err == nil {
			re, err := types.CommandValue{}.Encode(c)
			if err != nil || !bytes.Equal(re, bz) {
				t.Fatalf("command re-encodes differently: %x vs %x (%v)", re, bz, err)
			}
		}
		if b, err := (types.BalanceValue{}).Decode(bz); err == nil {
			re, err := types.BalanceValue{}.Encode(b)
			if err != nil || !bytes.Equal(re, bz) {
				t.Fatalf("balance re-encodes differently: %x vs %x (%v)", re, bz, err)
			}
		}
	})
}
