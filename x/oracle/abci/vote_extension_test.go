package abci_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"

	"github.com/clearchain/clearchain/oracle/feeder"
	"github.com/clearchain/clearchain/x/oracle/types"
)

// feederConfig prices CLEAR/USD from a seeded simulated source, ATOM/USD with
// the wrong decimals (the chain says 6) and an unregistered pair.
const feederConfig = `
listen_addr: 127.0.0.1:0
sources:
  - {name: sim, type: simulated, seed: 7, start: {CLEAR/USD: "1.25", ATOM/USD: "8.5", OSMO/USD: "0.5"}}
pairs:
  - {pair: CLEAR/USD, decimals: 8, sources: [sim], min_sources: 1, max_spread_bps: 100}
  - {pair: ATOM/USD, decimals: 8, sources: [sim], min_sources: 1, max_spread_bps: 100}
  - {pair: OSMO/USD, decimals: 8, sources: [sim], min_sources: 1, max_spread_bps: 100}
`

// serve runs a real feeder gRPC server on a loopback port and returns its
// address.
func serve(t *testing.T, p feeder.PriceProvider) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := feeder.NewGRPCServer(p)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	return lis.Addr().String()
}

func client(t *testing.T, addr string) *feeder.Client {
	t.Helper()
	c, err := feeder.NewClient(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func extend(t *testing.T, f *fixture, fetcher interface {
	Prices(context.Context) ([]feeder.PairPrice, error)
}, timeout time.Duration) types.VoteExtension {
	t.Helper()
	h := f.handlers(fetcher, timeout)
	res, err := h.ExtendVoteHandler()(f.atHeight(5, abcitypes.CommitInfo{}), &abcitypes.RequestExtendVote{Height: 5})
	if err != nil {
		t.Fatalf("ExtendVote returned an error: %v", err)
	}
	// The vote must pass the other validators' check.
	v, err := h.VerifyVoteExtensionHandler()(f.atHeight(5, abcitypes.CommitInfo{}), &abcitypes.RequestVerifyVoteExtension{Height: 5, VoteExtension: res.VoteExtension})
	if err != nil || v.Status != abcitypes.ResponseVerifyVoteExtension_ACCEPT {
		t.Fatalf("own extension refused: %v %v", v, err)
	}
	ve, err := types.DecodeVoteExtension(res.VoteExtension, 64, func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	return ve
}

func TestExtendVoteWithTheFeederUp(t *testing.T) {
	f := newFixture(t, 4)
	cfg, err := feeder.ParseConfig([]byte(feederConfig))
	if err != nil {
		t.Fatal(err)
	}
	fd, err := feeder.New(cfg, feeder.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fd.Poll(context.Background())
	ve := extend(t, f, client(t, serve(t, fd)), 0)
	// Only CLEAR/USD: ATOM/USD has the wrong decimals, OSMO/USD is not a feed.
	if len(ve.Prices) != 1 || ve.Prices[0].FeedId != "CLEAR/USD" || ve.Prices[0].Price != 125_000_000 {
		t.Fatalf("extension = %+v", ve)
	}
}

func TestExtendVoteWithTheFeederDown(t *testing.T) {
	f := newFixture(t, 4)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	_ = lis.Close() // nobody listens there any more
	if ve := extend(t, f, client(t, addr), 0); len(ve.Prices) != 0 {
		t.Fatalf("extension = %+v, want empty", ve)
	}
}

func TestExtendVoteWithoutAFeeder(t *testing.T) {
	f := newFixture(t, 4)
	if ve := extend(t, f, nil, 0); len(ve.Prices) != 0 {
		t.Fatalf("extension = %+v, want empty", ve)
	}
}

// slowFeeder answers after a delay longer than the node waits.
type slowFeeder struct{ delay time.Duration }

func (s slowFeeder) Snapshot() feeder.Snapshot {
	time.Sleep(s.delay)
	return feeder.Snapshot{Prices: []feeder.PairPrice{{Pair: "CLEAR/USD", Price: 1, Decimals: 8, Sources: 1}}}
}

func TestExtendVoteWithASlowFeeder(t *testing.T) {
	f := newFixture(t, 4)
	if ve := extend(t, f, client(t, serve(t, slowFeeder{delay: 2 * time.Second})), 50*time.Millisecond); len(ve.Prices) != 0 {
		t.Fatalf("extension = %+v, want empty", ve)
	}
}

func TestVerifyVoteExtension(t *testing.T) {
	f := newFixture(t, 4)
	h := f.handlers(nil, 0)
	raw := func(ve types.VoteExtension) []byte {
		bz, err := ve.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return bz
	}
	many := types.VoteExtension{}
	for i := 0; i < 65; i++ {
		many.Prices = append(many.Prices, types.FeedPrice{FeedId: "F" + strings.Repeat("x", i), Price: 1})
	}
	for _, tc := range []struct {
		name   string
		ext    []byte
		accept bool
	}{
		{"an empty extension (abstention)", nil, true},
		{"a well-formed extension", encodeExt(t, types.FeedPrice{FeedId: "ATOM/USD", Price: 2}, types.FeedPrice{FeedId: "CLEAR/USD", Price: 1}), true},
		{"garbage bytes", []byte{0xff, 0xff, 0xff}, false},
		{"an unknown feed", encodeExt(t, types.FeedPrice{FeedId: "OSMO/USD", Price: 1}), false},
		{"a licensed feed", encodeExt(t, types.FeedPrice{FeedId: "GREEN-IDX", Price: 1}), false},
		{"a duplicate feed", raw(types.VoteExtension{Prices: []types.FeedPrice{{FeedId: "CLEAR/USD", Price: 1}, {FeedId: "CLEAR/USD", Price: 2}}}), false},
		{"unsorted feeds", raw(types.VoteExtension{Prices: []types.FeedPrice{{FeedId: "CLEAR/USD", Price: 1}, {FeedId: "ATOM/USD", Price: 2}}}), false},
		{"a zero price", encodeExt(t, types.FeedPrice{FeedId: "CLEAR/USD", Price: 0}), false},
		{"a negative price", encodeExt(t, types.FeedPrice{FeedId: "CLEAR/USD", Price: -5}), false},
		{"too many feeds", raw(many), false},
		{"oversized bytes", make([]byte, types.MaxVoteExtensionBytes(64)+1), false},
		{"trailing unknown field", append(encodeExt(t, types.FeedPrice{FeedId: "CLEAR/USD", Price: 1}), 0x10, 0x01), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := h.VerifyVoteExtensionHandler()(f.atHeight(5, abcitypes.CommitInfo{}), &abcitypes.RequestVerifyVoteExtension{Height: 5, VoteExtension: tc.ext})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Status == abcitypes.ResponseVerifyVoteExtension_ACCEPT; got != tc.accept {
				t.Fatalf("accepted = %v, want %v", got, tc.accept)
			}
		})
	}
}
