package feeder

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/clearchain/clearchain/oracle"
)

// priceServer serves {"price": <price>} for the pair named in ?pair=, after
// delay for the first slowRequests requests; it counts requests.
type priceServer struct {
	*httptest.Server
	requests atomic.Int64
}

func newPriceServer(t *testing.T, price string, delay time.Duration, slowRequests int64) *priceServer {
	t.Helper()
	ps := &priceServer{}
	ps.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := ps.requests.Add(1); n <= slowRequests {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
		fmt.Fprintf(w, `{"price":%q}`, price)
	}))
	t.Cleanup(ps.Close)
	return ps
}

func httpSourceConfig(name, url string) SourceConfig {
	return SourceConfig{Name: name, Type: "http", URL: url + "/?pair={pair}", Field: "price"}
}

func testConfig(pair PairConfig, sources ...SourceConfig) Config {
	c := Config{
		ListenAddr: "127.0.0.1:0", PollInterval: 5 * time.Second, Timeout: 100 * time.Millisecond,
		Retries: 1, RetryBackoff: time.Millisecond, MaxConcurrency: 4,
		Sources: sources, Pairs: []PairConfig{pair},
	}
	return c
}

func newTestFeeder(t *testing.T, c Config) *Feeder {
	t.Helper()
	f, err := New(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPollPublishesTheMedianOfAgreeingSources(t *testing.T) {
	a := newPriceServer(t, "10.00", 0, 0)
	b := newPriceServer(t, "10.02", 0, 0)
	c := newPriceServer(t, "10.05", 0, 0)
	wild := newPriceServer(t, "55", 0, 0)
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"a", "b", "c", "wild"}, MinSources: 3, MaxSpreadBps: 100},
		httpSourceConfig("a", a.URL), httpSourceConfig("b", b.URL), httpSourceConfig("c", c.URL), httpSourceConfig("wild", wild.URL))
	f := newTestFeeder(t, cfg)
	if s := f.Snapshot(); len(s.Prices) != 0 || len(s.Unavailable) != 1 {
		t.Fatalf("before the first round: %+v", s)
	}
	snap := f.Poll(context.Background())
	// Median of all four: (10.02+10.05)/2 = 10.035; wild is out of the 1%
	// band; the median of a, b, c is 10.02.
	if len(snap.Prices) != 1 || snap.Prices[0].Price != 1_002_000_000 || snap.Prices[0].Sources != 3 {
		t.Fatalf("snapshot %+v", snap)
	}
	if got := f.Snapshot(); len(got.Prices) != 1 || got.Prices[0] != snap.Prices[0] {
		t.Fatalf("Snapshot() = %+v after Poll returned %+v", got, snap)
	}
}

func TestPollWithoutEnoughAgreeingSourcesHasNoPrice(t *testing.T) {
	a := newPriceServer(t, "10.00", 0, 0)
	b := newPriceServer(t, "10.50", 0, 0)
	down := newPriceServer(t, "10", 0, 0)
	down.Close()
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"a", "b", "down"}, MinSources: 2, MaxSpreadBps: 100},
		httpSourceConfig("a", a.URL), httpSourceConfig("b", b.URL), httpSourceConfig("down", down.URL))
	snap := newTestFeeder(t, cfg).Poll(context.Background())
	if len(snap.Prices) != 0 || len(snap.Unavailable) != 1 {
		t.Fatalf("snapshot %+v, want no price", snap)
	}
	reason := snap.Unavailable[0].Reason
	for _, want := range []string{"0 of 3 sources agree within 100 bps of the median 10.25000000, need 2", "source down"} {
		if !strings.Contains(reason, want) {
			t.Fatalf("reason %q lacks %q", reason, want)
		}
	}
}

func TestPollWhenAllSourcesFail(t *testing.T) {
	bad := newPriceServer(t, "not a number", 0, 0)
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"bad"}, MinSources: 1, MaxSpreadBps: 100},
		httpSourceConfig("bad", bad.URL))
	snap := newTestFeeder(t, cfg).Poll(context.Background())
	if len(snap.Unavailable) != 1 || !strings.Contains(snap.Unavailable[0].Reason, "all 1 sources failed") ||
		!strings.Contains(snap.Unavailable[0].Reason, "not a decimal number") {
		t.Fatalf("snapshot %+v", snap)
	}
	// A bad payload is retried once (retries: 1).
	if n := bad.requests.Load(); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
}

func TestPollRetriesAfterATimeout(t *testing.T) {
	// The first request sleeps past the 100ms timeout; the retry is quick.
	slow := newPriceServer(t, "10", 2*time.Second, 1)
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"slow"}, MinSources: 1, MaxSpreadBps: 100},
		httpSourceConfig("slow", slow.URL))
	m := NewMetrics()
	f, err := New(cfg, Options{Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	snap := f.Poll(context.Background())
	if len(snap.Prices) != 1 || snap.Prices[0].Price != 1_000_000_000 {
		t.Fatalf("snapshot %+v", snap)
	}
	if n := slow.requests.Load(); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	if elapsed := time.Since(start); elapsed > 1500*time.Millisecond {
		t.Fatalf("the round waited %s for a source with a 100ms timeout", elapsed)
	}
	if got := scrape(t, m); !strings.Contains(got, `clearchain_feeder_fetch_errors_total{pair="ATOM/USD",source="slow"} 1`) {
		t.Fatalf("metrics do not count the timeout:\n%s", got)
	}
}

func TestPollGivesUpAfterTheRetries(t *testing.T) {
	slow := newPriceServer(t, "10", 2*time.Second, 100)
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"slow"}, MinSources: 1, MaxSpreadBps: 100},
		httpSourceConfig("slow", slow.URL))
	retries := 2
	cfg.Sources[0].Retries = &retries
	f := newTestFeeder(t, cfg)
	var mu sync.Mutex
	var sleeps []time.Duration
	f.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		sleeps = append(sleeps, d)
		mu.Unlock()
		return nil
	}
	f.cfg.RetryBackoff = 40 * time.Millisecond
	snap := f.Poll(context.Background())
	if len(snap.Unavailable) != 1 || !strings.Contains(snap.Unavailable[0].Reason, "timed out after 100ms") {
		t.Fatalf("snapshot %+v", snap)
	}
	if n := slow.requests.Load(); n != 3 {
		t.Fatalf("%d requests, want 3 (1 + 2 retries)", n)
	}
	if fmt.Sprint(sleeps) != "[40ms 80ms]" {
		t.Fatalf("backoffs %v, want [40ms 80ms]", sleeps)
	}
}

func TestPollDoesNotRetryPermanentErrors(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"x"}, MinSources: 1, MaxSpreadBps: 100},
		httpSourceConfig("x", srv.URL))
	cfg.Retries = 3
	newTestFeeder(t, cfg).Poll(context.Background())
	if n := requests.Load(); n != 1 {
		t.Fatalf("%d requests for a 404, want 1", n)
	}
}

// badSource returns a fixed price and error, ignoring the contract.
type badSource struct {
	price oracle.Price
	err   error
}

func (badSource) Name() string { return "bad" }
func (s badSource) Fetch(context.Context, Pair) (oracle.Price, error) {
	return s.price, s.err
}

func TestPollRefusesNonPositivePricesFromAnySource(t *testing.T) {
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"bad"}, MinSources: 1, MaxSpreadBps: 100},
		SourceConfig{Name: "bad", Type: "simulated"})
	cfg.Retries = 0
	f, err := New(cfg, Options{Sources: map[string]Source{"bad": badSource{price: -5}}})
	if err != nil {
		t.Fatal(err)
	}
	snap := f.Poll(context.Background())
	if len(snap.Prices) != 0 || !strings.Contains(snap.Unavailable[0].Reason, "not positive") {
		t.Fatalf("snapshot %+v", snap)
	}
}

func TestPollEvenNumberOfAgreeingSources(t *testing.T) {
	a := newPriceServer(t, "10.00000001", 0, 0)
	b := newPriceServer(t, "10.00000002", 0, 0)
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"a", "b"}, MinSources: 2, MaxSpreadBps: 10},
		httpSourceConfig("a", a.URL), httpSourceConfig("b", b.URL))
	snap := newTestFeeder(t, cfg).Poll(context.Background())
	// (1000000001 + 1000000002) / 2 = 1000000001.5, rounded half up.
	if len(snap.Prices) != 1 || snap.Prices[0].Price != 1_000_000_002 {
		t.Fatalf("snapshot %+v", snap)
	}
}

func TestRunPollsUntilCancelled(t *testing.T) {
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"sim"}, MinSources: 1, MaxSpreadBps: 100},
		SourceConfig{Name: "sim", Type: "simulated", Seed: 1, VolatilityBps: 10})
	cfg.PollInterval = 100 * time.Millisecond
	m := NewMetrics()
	f, err := New(cfg, Options{Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(scrape(t, m), "clearchain_feeder_rounds_total 3") {
		if time.Now().After(deadline) {
			t.Fatal("fewer than 3 rounds in 5s with a 100ms interval")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
	if s := f.Snapshot(); len(s.Prices) != 1 {
		t.Fatalf("snapshot %+v", s)
	}
}

func TestMetricsExposition(t *testing.T) {
	a := newPriceServer(t, "10.5", 0, 0)
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"a"}, MinSources: 1, MaxSpreadBps: 100},
		httpSourceConfig("a", a.URL))
	m := NewMetrics()
	f, err := New(cfg, Options{Metrics: m})
	if err != nil {
		t.Fatal(err)
	}
	f.Poll(context.Background())
	got := scrape(t, m)
	for _, want := range []string{
		`clearchain_feeder_price{pair="ATOM/USD"} 10.5`,
		`clearchain_feeder_price_available{pair="ATOM/USD"} 1`,
		`clearchain_feeder_agreeing_sources{pair="ATOM/USD"} 1`,
		`clearchain_feeder_fetch_duration_seconds_count{pair="ATOM/USD",source="a"} 1`,
		`clearchain_feeder_fetch_errors_total{pair="ATOM/USD",source="a"} 0`,
		`clearchain_feeder_rounds_total 1`,
		`clearchain_feeder_last_publish_timestamp_seconds{pair="ATOM/USD"}`,
		`go_goroutines`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPollOneAgreeingSourceShortOfTheMinimum(t *testing.T) {
	a := newPriceServer(t, "10.00", 0, 0)
	b := newPriceServer(t, "10.01", 0, 0)
	c := newPriceServer(t, "11", 0, 0)
	cfg := testConfig(PairConfig{Pair: "ATOM/USD", Decimals: 8, Sources: []string{"a", "b", "c"}, MinSources: 3, MaxSpreadBps: 100},
		httpSourceConfig("a", a.URL), httpSourceConfig("b", b.URL), httpSourceConfig("c", c.URL))
	snap := newTestFeeder(t, cfg).Poll(context.Background())
	if len(snap.Prices) != 0 || len(snap.Unavailable) != 1 ||
		!strings.Contains(snap.Unavailable[0].Reason, "2 of 3 sources agree within 100 bps of the median 10.01000000, need 3") {
		t.Fatalf("snapshot %+v", snap)
	}
}
