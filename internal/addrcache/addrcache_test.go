package addrcache

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/cosmos/cosmos-sdk/codec/address"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

func addrN(i int) []byte { return bytes.Repeat([]byte{byte(i), byte(i >> 8)}, 10) }

// The cached codec answers exactly as the codec it wraps, errors
// included, the first time and every time after.
func TestCodecAnswersAsInner(t *testing.T) {
	inner := address.Bech32Codec{Bech32Prefix: "clear"}
	other := address.Bech32Codec{Bech32Prefix: "cosmos"}
	good, _ := inner.BytesToString(addrN(1))
	foreign, _ := other.BytesToString(addrN(1))
	inputs := []string{good, foreign, "", "   ", good[:len(good)-1] + "q", "clear1", good + " ", "not an address"}
	c := NewCodec(inner)
	for round := range 3 {
		for _, s := range inputs {
			want, wantErr := inner.StringToBytes(s)
			got, err := c.StringToBytes(s)
			if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
				t.Fatalf("round %d %q: error %v, want %v", round, s, err, wantErr)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("round %d %q: %x, want %x", round, s, got, want)
			}
		}
	}
	if n := c.c.len(); n != 1 {
		t.Fatalf("%d cached strings, want 1 (only successes are kept)", n)
	}
	if s, _ := c.BytesToString(addrN(1)); s != good {
		t.Fatalf("BytesToString %q, want %q", s, good)
	}
}

// Every caller gets its own bytes: changing them does not change what
// the next caller gets.
func TestCallersGetTheirOwnBytes(t *testing.T) {
	c := NewCodec(address.Bech32Codec{Bech32Prefix: "clear"})
	s, _ := c.BytesToString(addrN(7))
	first, _ := c.StringToBytes(s)
	first[0] ^= 0xff
	second, _ := c.StringToBytes(s)
	if !bytes.Equal(second, addrN(7)) {
		t.Fatalf("second decode %x after the first caller changed its bytes, want %x", second, addrN(7))
	}
	prefix := sdk.GetConfig().GetBech32AccountAddrPrefix()
	acc, _ := sdk.Bech32ifyAddressBytes(prefix, addrN(8))
	a, err := AccAddressFromBech32(acc)
	if err != nil {
		t.Fatal(err)
	}
	a[0] ^= 0xff
	if b, _ := AccAddressFromBech32(acc); !bytes.Equal(b, addrN(8)) {
		t.Fatalf("AccAddressFromBech32 %x after a caller changed its bytes, want %x", b, addrN(8))
	}
}

// An entry answers only for the prefix it was decoded against.
func TestEntryIsForItsPrefix(t *testing.T) {
	c := newCache(4)
	c.put("s", "clear", addrN(1))
	if _, ok := c.get("s", "cosmos"); ok {
		t.Fatal("an entry decoded against prefix clear answered for cosmos")
	}
	if bz, ok := c.get("s", "clear"); !ok || !bytes.Equal(bz, addrN(1)) {
		t.Fatalf("get = %x, %v", bz, ok)
	}
}

// AccAddressFromBech32 answers as the SDK's, errors included.
func TestAccAddressFromBech32AnswersAsSDK(t *testing.T) {
	prefix := sdk.GetConfig().GetBech32AccountAddrPrefix()
	good, _ := sdk.Bech32ifyAddressBytes(prefix, addrN(3))
	foreign, _ := sdk.Bech32ifyAddressBytes(prefix+"x", addrN(3))
	for round := range 2 {
		for _, s := range []string{good, foreign, "", good[:len(good)-2]} {
			want, wantErr := sdk.AccAddressFromBech32(s)
			got, err := AccAddressFromBech32(s)
			if fmt.Sprint(err) != fmt.Sprint(wantErr) || !bytes.Equal(got, want) {
				t.Fatalf("round %d %q: %x %v, want %x %v", round, s, got, err, want, wantErr)
			}
		}
	}
}

// The cache holds at most its size, and stays right from several
// goroutines at once (go test -race).
func TestBoundedAndConcurrent(t *testing.T) {
	inner := address.Bech32Codec{Bech32Prefix: "clear"}
	c := Codec{inner: inner, c: newCache(64)}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				want := addrN(g*1000 + i)
				s, _ := inner.BytesToString(want)
				for range 2 {
					if got, err := c.StringToBytes(s); err != nil || !bytes.Equal(got, want) {
						t.Errorf("%s: %x %v, want %x", s, got, err, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	if n := c.c.len(); n > 64 {
		t.Fatalf("%d entries, at most 64", n)
	}
}

func BenchmarkStringToBytes(b *testing.B) {
	inner := address.Bech32Codec{Bech32Prefix: "clear"}
	s, _ := inner.BytesToString(addrN(5))
	for _, bc := range []struct {
		name string
		c    interface{ StringToBytes(string) ([]byte, error) }
	}{{"bech32", inner}, {"cached", NewCodec(inner)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := bc.c.StringToBytes(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
