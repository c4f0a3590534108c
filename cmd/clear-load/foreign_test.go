package main

import (
	"strings"
	"testing"
	"time"

	banktypes "github.com/cosmos/cosmos-sdk/x/bank/types"
)

// A foreign chain's sends and queries spell addresses with its prefix and
// move its denom; the fee is gas x price rounded up, none at price 0.
func TestForeignChainAddressesDenomAndFee(t *testing.T) {
	fc, err := newForeignChain("wasm", "stake", "0.025stake")
	if err != nil {
		t.Fatal(err)
	}
	w := fc.world("bench", 2)
	msg := fc.send(w.traders[0].addr, w.traders[1].addr).(*banktypes.MsgSend)
	if !strings.HasPrefix(msg.FromAddress, "wasm1") || !strings.HasPrefix(msg.ToAddress, "wasm1") || msg.FromAddress == msg.ToAddress {
		t.Fatalf("send %s -> %s: want two wasm1 addresses", msg.FromAddress, msg.ToAddress)
	}
	if msg.Amount.String() != "1stake" {
		t.Fatalf("amount %s, want 1stake", msg.Amount)
	}
	c := &chain{foreign: fc}
	if got := c.address(w.traders[0]); got != msg.FromAddress {
		t.Fatalf("address %s, want %s", got, msg.FromAddress)
	}
	if got := c.fee(99_349).String(); got != "2484stake" { // 2483.725 rounded up
		t.Fatalf("fee %s, want 2484stake", got)
	}
	free, _ := newForeignChain("wasm", "stake", "")
	if fee := (&chain{foreign: free}).fee(99_349); !fee.IsZero() {
		t.Fatalf("fee at no gas price: %s", fee)
	}
	if fee := (&chain{}).fee(99_349); !fee.IsZero() {
		t.Fatalf("fee on ClearChain: %s", fee)
	}
	for _, bad := range [][3]string{{"", "stake", ""}, {"wasm", "s", ""}, {"wasm", "stake", "x"}} {
		if _, err := newForeignChain(bad[0], bad[1], bad[2]); err == nil {
			t.Fatalf("newForeignChain%v: no error", bad)
		}
	}
}

// The report reads the clock's sample of the last block the drain loop
// read; waitSeen holds the report until the clock has polled that height
// (a run at 5 sends/s reported 0 tx/s and 0 CPU when it had not).
func TestHeightClockWaitSeen(t *testing.T) {
	hc := &heightClock{seen: map[int64]time.Time{}, cpu: map[int64]float64{}}
	hc.last.Store(41)
	if hc.waitSeen(42, 30*time.Millisecond) {
		t.Fatal("waitSeen(42) true while the clock is at 41")
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		hc.last.Store(42)
	}()
	if !hc.waitSeen(42, 5*time.Second) {
		t.Fatal("waitSeen(42) false after the clock reached 42")
	}
}
