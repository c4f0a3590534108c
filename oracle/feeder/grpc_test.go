package feeder

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"
)

type fixedProvider Snapshot

func (p fixedProvider) Snapshot() Snapshot { return Snapshot(p) }

var testSnapshot = Snapshot{
	Time: time.Date(2026, 1, 2, 15, 4, 5, 123456789, time.UTC),
	Prices: []PairPrice{
		{Pair: "ATOM/USD", Price: 1_050_000_000, Decimals: 8, Sources: 3, Time: time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)},
		{Pair: "BIG/USD", Price: 9_007_199_254_740_993, Decimals: 18, Sources: 2, Time: time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)}, // 2^53+1
	},
	Unavailable: []Unavailable{{Pair: "OSMO/USD", Reason: "1 of 3 sources agree"}},
}

// serve starts a gRPC server with the feeder service on a loopback port.
func serve(t *testing.T, p PriceProvider, opts ...grpc.ServerOption) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := NewGRPCServer(p, opts...)
	go func() { _ = s.Serve(lis) }()
	t.Cleanup(s.Stop)
	return lis.Addr().String()
}

func newTestClient(t *testing.T, addr string) *Client {
	t.Helper()
	c, err := NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestGRPCRoundTrip(t *testing.T) {
	c := newTestClient(t, serve(t, fixedProvider(testSnapshot)))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := c.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Time.Equal(testSnapshot.Time) || len(got.Prices) != 2 || len(got.Unavailable) != 1 {
		t.Fatalf("got %+v", got)
	}
	for i, want := range testSnapshot.Prices {
		g := got.Prices[i]
		if g.Pair != want.Pair || g.Price != want.Price || g.Decimals != want.Decimals || g.Sources != want.Sources || !g.Time.Equal(want.Time) {
			t.Fatalf("prices[%d] = %+v, want %+v", i, g, want)
		}
	}
	if got.Unavailable[0] != testSnapshot.Unavailable[0] {
		t.Fatalf("unavailable %+v", got.Unavailable)
	}
	prices, err := c.Prices(ctx)
	if err != nil || len(prices) != 2 || prices[1].String() != "BIG/USD 0.009007199254740993 (2 sources)" {
		t.Fatalf("Prices = %v, %v", prices, err)
	}
}

func TestGRPCServesALiveFeeder(t *testing.T) {
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"sim"}, MinSources: 1, MaxSpreadBps: 100},
		SourceConfig{Name: "sim", Type: "simulated", Seed: 3, Start: map[string]string{"ATOM/USD": "12.34"}})
	f := newTestFeeder(t, cfg)
	c := newTestClient(t, serve(t, f))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	before, err := c.Snapshot(ctx)
	if err != nil || len(before.Prices) != 0 || len(before.Unavailable) != 1 || !before.Time.IsZero() {
		t.Fatalf("before the first round: %+v, %v", before, err)
	}
	f.Poll(ctx)
	prices, err := c.Prices(ctx)
	if err != nil || len(prices) != 1 || prices[0].Price != 1_234_000_000 {
		t.Fatalf("Prices = %v, %v", prices, err)
	}
}

func TestClientDeadlineAgainstASlowServer(t *testing.T) {
	stall := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		select {
		case <-ctx.Done():
		case <-time.After(10 * time.Second):
		}
		return h(ctx, req)
	}
	c := newTestClient(t, serve(t, fixedProvider(testSnapshot), grpc.UnaryInterceptor(stall)))

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Prices(ctx)
	elapsed := time.Since(start)
	if status.Code(errors.Unwrap(err)) != codes.DeadlineExceeded {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if elapsed > 2*time.Second {
		t.Fatalf("returned after %s with a 200ms deadline", elapsed)
	}

	// Without a deadline of its own, the client applies its default.
	c.SetDefaultTimeout(150 * time.Millisecond)
	start = time.Now()
	_, err = c.Prices(context.Background())
	if status.Code(errors.Unwrap(err)) != codes.DeadlineExceeded || time.Since(start) > 2*time.Second {
		t.Fatalf("err = %v after %s, want DeadlineExceeded after about 150ms", err, time.Since(start))
	}
}

func TestClientAgainstADownServer(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close() // nothing listens there any more
	c := newTestClient(t, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	_, err = c.Prices(ctx)
	if err == nil {
		t.Fatal("no error from a feeder that is down")
	}
	if code := status.Code(errors.Unwrap(err)); code != codes.Unavailable {
		t.Fatalf("err = %v, want Unavailable", err)
	}
	// Fails fast: it does not wait for the deadline.
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("took %s to report a down feeder", elapsed)
	}
}

func TestDecodeSnapshotRefusesMalformedResponses(t *testing.T) {
	good := EncodeSnapshot(testSnapshot)
	if _, err := DecodeSnapshot(good); err != nil {
		t.Fatal(err)
	}
	for name, mutate := range map[string]func(price *structpb.Struct){
		"a float price":       func(p *structpb.Struct) { p.Fields["price"] = structpb.NewStringValue("10.5") },
		"a numeric price":     func(p *structpb.Struct) { p.Fields["price"] = structpb.NewNumberValue(10) },
		"a negative price":    func(p *structpb.Struct) { p.Fields["price"] = structpb.NewStringValue("-1") },
		"a zero price":        func(p *structpb.Struct) { p.Fields["price"] = structpb.NewStringValue("0") },
		"an overflowing one":  func(p *structpb.Struct) { p.Fields["price"] = structpb.NewStringValue("9223372036854775808") },
		"fractional decimals": func(p *structpb.Struct) { p.Fields["decimals"] = structpb.NewNumberValue(2.5) },
		"too many decimals":   func(p *structpb.Struct) { p.Fields["decimals"] = structpb.NewNumberValue(19) },
		"string decimals":     func(p *structpb.Struct) { p.Fields["decimals"] = structpb.NewStringValue("8") },
		"no pair":             func(p *structpb.Struct) { delete(p.Fields, "pair") },
		"a bad time":          func(p *structpb.Struct) { p.Fields["time"] = structpb.NewStringValue("yesterday") },
		"a duplicate pair": func(p *structpb.Struct) {
			p.Fields["pair"] = structpb.NewStringValue("BIG/USD")
		},
	} {
		st := EncodeSnapshot(testSnapshot)
		mutate(st.Fields["prices"].GetListValue().Values[0].GetStructValue())
		if _, err := DecodeSnapshot(st); !errors.Is(err, ErrBadResponse) {
			t.Errorf("%s: err = %v, want ErrBadResponse", name, err)
		} else if !strings.HasPrefix(err.Error(), "feeder: ") {
			t.Errorf("%s: err %q lacks the prefix", name, err)
		}
	}
	if _, err := DecodeSnapshot(nil); !errors.Is(err, ErrBadResponse) {
		t.Errorf("nil: %v", err)
	}
}
