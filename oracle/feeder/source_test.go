package feeder

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/clearchain/clearchain/oracle"
)

var atomUSD = Pair{Name: "ATOM/USD", Base: "ATOM", Quote: "USD", Decimals: 8}

// fixedServer answers every request with status and body, and records the
// last request.
func fixedServer(t *testing.T, status int, body string) (*httptest.Server, *atomic.Pointer[http.Request]) {
	t.Helper()
	var last atomic.Pointer[http.Request]
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		last.Store(r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &last
}

func TestHTTPSourceGoodPayloads(t *testing.T) {
	for _, tc := range []struct {
		name  string
		body  string
		field string
		want  oracle.Price
	}{
		{name: "a number field", body: `{"data":{"price":10.5}}`, field: "data.price", want: 1_050_000_000},
		{name: "a string field", body: `{"data":{"price":"10.5"}}`, field: "data.price", want: 1_050_000_000},
		{name: "an array element", body: `{"result":[{"last":"9.99"}]}`, field: "result.0.last", want: 999_000_000},
		{name: "a bare number document", body: `10.12345678`, field: "", want: 1_012_345_678},
		{name: "a field named by the symbol", body: `{"ATOMUSDT":{"usd":10}}`, field: "{symbol}.usd", want: 1_000_000_000},
		{name: "precision beyond float64 is kept", body: `{"p":12345678901.23456789}`, field: "p", want: 1_234_567_890_123_456_789},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, last := fixedServer(t, 200, tc.body)
			src, err := NewHTTPSource(HTTPSourceConfig{
				Name: "x", URL: srv.URL + "/ticker?s={symbol}&b={base}", Field: tc.field,
				Headers: map[string]string{"X-Api-Key": "k"}, Symbols: map[string]string{"ATOM/USD": "ATOMUSDT"},
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := src.Fetch(context.Background(), atomUSD)
			if err != nil || got != tc.want {
				t.Fatalf("Fetch = %d, %v; want %d", got, err, tc.want)
			}
			r := last.Load()
			if r.URL.Query().Get("s") != "ATOMUSDT" || r.URL.Query().Get("b") != "ATOM" || r.Header.Get("X-Api-Key") != "k" {
				t.Fatalf("request %s with headers %v", r.URL, r.Header)
			}
		})
	}
}

func TestHTTPSourceBadPayloads(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		field     string
		err       error
		permanent bool
		contains  string
	}{
		{name: "not JSON", status: 200, body: `<html>rate limited</html>`, field: "p", err: ErrBadPayload, contains: "not JSON"},
		{name: "truncated JSON", status: 200, body: `{"p": 1`, field: "p", err: ErrBadPayload},
		{name: "two documents", status: 200, body: `{"p":1}{"p":2}`, field: "p", err: ErrBadPayload},
		{name: "a missing field", status: 200, body: `{"data":{}}`, field: "data.price", err: ErrBadPayload, contains: `no key "price"`},
		{name: "a negative price", status: 200, body: `{"p":-10.5}`, field: "p", err: ErrBadPrice, contains: "not positive"},
		{name: "a zero price", status: 200, body: `{"p":0}`, field: "p", err: ErrBadPrice},
		{name: "NaN as a string", status: 200, body: `{"p":"NaN"}`, field: "p", err: ErrBadPrice},
		{name: "NaN as a bare word", status: 200, body: `{"p":NaN}`, field: "p", err: ErrBadPayload},
		{name: "a huge number", status: 200, body: `{"p":1e300}`, field: "p", err: ErrBadPrice, contains: "too large"},
		{name: "a null", status: 200, body: `{"p":null}`, field: "p", err: ErrBadPayload},
		{name: "a boolean", status: 200, body: `{"p":true}`, field: "p", err: ErrBadPayload},
		{name: "a server error", status: 502, body: `{"p":1}`, field: "p", contains: "HTTP 502"},
		{name: "not found is permanent", status: 404, body: `{}`, field: "p", permanent: true, contains: "HTTP 404"},
		{name: "too many requests is retried", status: 429, body: `{}`, field: "p", contains: "HTTP 429"},
		{name: "a body over 1 MiB", status: 200, body: `{"p":"` + strings.Repeat("1", maxBody) + `"}`, field: "p", err: ErrBadPayload, contains: "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := fixedServer(t, tc.status, tc.body)
			src, err := NewHTTPSource(HTTPSourceConfig{Name: "x", URL: srv.URL, Field: tc.field})
			if err != nil {
				t.Fatal(err)
			}
			got, err := src.Fetch(context.Background(), atomUSD)
			if err == nil {
				t.Fatalf("Fetch = %d, want an error", got)
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if IsPermanent(err) != tc.permanent {
				t.Fatalf("IsPermanent(%v) = %v", err, !tc.permanent)
			}
			if !strings.Contains(err.Error(), tc.contains) || !strings.HasPrefix(err.Error(), "feeder: source x: ") {
				t.Fatalf("err = %q, want it to contain %q", err, tc.contains)
			}
		})
	}
}

func TestHTTPSourceHonoursTheContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	src, err := NewHTTPSource(HTTPSourceConfig{Name: "slow", URL: srv.URL, Field: "p"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = src.Fetch(ctx, atomUSD)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Fatalf("Fetch returned after %s, long past its deadline", elapsed)
	}
}

func TestNewHTTPSourceRefusesBadURLs(t *testing.T) {
	for _, u := range []string{"", "ftp://x/y", "localhost:8080/p", "http://"} {
		if _, err := NewHTTPSource(HTTPSourceConfig{Name: "x", URL: u}); err == nil {
			t.Errorf("url %q accepted", u)
		}
	}
}

func TestFileSource(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("ATOM-USD.json", `{"price":"10.25"}`)
	write("plain.txt", "10.5\n")
	write("bad.txt", "ten")
	for _, tc := range []struct {
		name, path, field string
		want              oracle.Price
		err               error
	}{
		{name: "JSON with a field and a templated path", path: filepath.Join(dir, "{base}-{quote}.json"), field: "price", want: 1_025_000_000},
		{name: "a plain number", path: filepath.Join(dir, "plain.txt"), want: 1_050_000_000},
		{name: "a plain file that is not a number", path: filepath.Join(dir, "bad.txt"), err: ErrBadPrice},
		{name: "a JSON field that is missing", path: filepath.Join(dir, "ATOM-USD.json"), field: "last", err: ErrBadPayload},
		{name: "a missing file", path: filepath.Join(dir, "nope"), err: os.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, err := NewFileSource("f", tc.path, tc.field)
			if err != nil {
				t.Fatal(err)
			}
			got, err := src.Fetch(context.Background(), atomUSD)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("Fetch = %d, %v; want %d, %v", got, err, tc.want, tc.err)
			}
		})
	}
	if _, err := NewFileSource("f", "", ""); err == nil {
		t.Error("empty path accepted")
	}
}

func simSeries(t *testing.T, c SimSourceConfig, pair Pair, n int) []oracle.Price {
	t.Helper()
	s, err := NewSimSource(c)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]oracle.Price, n)
	for i := range out {
		if out[i], err = s.Fetch(context.Background(), pair); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestSimSourceIsDeterministic(t *testing.T) {
	c := SimSourceConfig{Name: "sim", Seed: 7, Start: map[string]decimal.Decimal{"ATOM/USD": decimal.RequireFromString("10")},
		VolatilityBps: 20, JumpPerMille: 50, JumpBps: 500}
	a := simSeries(t, c, atomUSD, 500)
	b := simSeries(t, c, atomUSD, 500)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("same seed, different series")
	}
	if a[0] != 1_000_000_000 {
		t.Fatalf("first price %d, want the start price", a[0])
	}
	// Interleaving another pair does not change this pair's series.
	s, _ := NewSimSource(c)
	other := Pair{Name: "OSMO/USD", Base: "OSMO", Quote: "USD", Decimals: 6}
	for i := range a {
		_, _ = s.Fetch(context.Background(), other)
		p, _ := s.Fetch(context.Background(), atomUSD)
		if p != a[i] {
			t.Fatalf("step %d: %d with another pair interleaved, %d without", i, p, a[i])
		}
	}
	jumps, moves := 0, 0
	for i := 1; i < len(a); i++ {
		if a[i] != a[i-1] {
			moves++
		}
		if !oracle.WithinBps(a[i], a[i-1], 21) {
			jumps++
		}
	}
	if moves < 400 || jumps == 0 || jumps > 100 {
		t.Fatalf("%d moves and %d jumps in 500 steps: not a random walk with occasional jumps", moves, jumps)
	}
	c.Seed = 8
	if fmt.Sprint(simSeries(t, c, atomUSD, 50)) == fmt.Sprint(a[:50]) {
		t.Fatal("different seeds, same series")
	}
}

func TestSimSourcesOfOneMarketDifferOnlyByNoise(t *testing.T) {
	c := SimSourceConfig{Name: "a", Seed: 1, VolatilityBps: 30, NoiseBps: 5}
	a := simSeries(t, c, atomUSD, 300)
	c.Name = "b"
	b := simSeries(t, c, atomUSD, 300)
	differ := 0
	for i := range a {
		// Each quote is within 5 bps of the common market, so the two are
		// within about 10 bps of each other.
		if !oracle.WithinBps(a[i], b[i], 11) {
			t.Fatalf("step %d: %d and %d are further apart than their noise allows", i, a[i], b[i])
		}
		if a[i] != b[i] {
			differ++
		}
	}
	if differ == 0 {
		t.Fatal("noise has no effect")
	}
}

func TestNewSimSourceRefusesBadParameters(t *testing.T) {
	for _, c := range []SimSourceConfig{
		{VolatilityBps: -1},
		{VolatilityBps: 5000, JumpBps: 5000},
		{JumpPerMille: 1001},
		{NoiseBps: 2000},
		{Start: map[string]decimal.Decimal{"A/B": decimal.Zero}},
	} {
		if _, err := NewSimSource(c); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}
