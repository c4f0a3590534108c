package feeder

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/clearchain/clearchain/oracle"
)

// maxBody is the largest response or file a source reads (1 MiB).
const maxBody = 1 << 20

// Source is a place prices come from. Fetch returns the current price of
// pair in the pair's fixed-point decimals, and must return promptly once
// ctx is done. Implementations must be safe for concurrent use.
type Source interface {
	// Name identifies the source in configuration, logs and metrics.
	Name() string
	// Fetch returns the current price of pair.
	Fetch(ctx context.Context, pair Pair) (oracle.Price, error)
}

// permanentError marks an error that retrying will not fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent wraps err so that the feeder does not retry the fetch.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked with [Permanent].
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// expand replaces {pair}, {base}, {quote} and {symbol} in tmpl. escape is
// applied to each value (url.QueryEscape for URLs, identity otherwise).
func expand(tmpl string, pair Pair, symbol string, escape func(string) string) string {
	return strings.NewReplacer(
		"{pair}", escape(pair.Name),
		"{base}", escape(pair.Base),
		"{quote}", escape(pair.Quote),
		"{symbol}", escape(symbol),
	).Replace(tmpl)
}

func identity(s string) string { return s }

// HTTPSource fetches a JSON document over HTTP(S) and reads the price from a
// field selected by a dot path (see [Select]).
type HTTPSource struct {
	name    string
	url     string
	field   string
	headers map[string]string
	symbols map[string]string
	client  *http.Client
}

// HTTPSourceConfig configures an [HTTPSource].
type HTTPSourceConfig struct {
	// Name of the source.
	Name string
	// URL is the endpoint; {pair}, {base}, {quote} and {symbol} are replaced
	// by the query-escaped values for the pair fetched.
	URL string
	// Field is the dot path of the price in the response ("data.price",
	// "result.0.last"); it may use the same placeholders, unescaped.
	Field string
	// Headers are added to every request (e.g. an API key).
	Headers map[string]string
	// Symbols maps a pair name to the symbol this source uses for it; the
	// default symbol is Base+Quote ("ATOMUSD").
	Symbols map[string]string
	// Client is the HTTP client; nil means a client with no timeout of its
	// own (the feeder bounds each fetch with a context deadline).
	Client *http.Client
}

// NewHTTPSource returns an HTTP source.
func NewHTTPSource(c HTTPSourceConfig) (*HTTPSource, error) {
	u, err := url.Parse(expand(c.URL, Pair{Name: "A/B", Base: "A", Quote: "B"}, "AB", url.QueryEscape))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("feeder: source %q: url %q is not an http(s) URL", c.Name, c.URL)
	}
	client := c.Client
	if client == nil {
		client = &http.Client{}
	}
	return &HTTPSource{name: c.Name, url: c.URL, field: c.Field, headers: c.Headers, symbols: c.Symbols, client: client}, nil
}

// Name implements [Source].
func (s *HTTPSource) Name() string { return s.name }

func (s *HTTPSource) symbol(pair Pair) string {
	if sym, ok := s.symbols[pair.Name]; ok {
		return sym
	}
	return pair.Base + pair.Quote
}

// Fetch implements [Source]. Responses other than 200 are errors; 4xx
// responses other than 408 and 429 are permanent (not retried).
func (s *HTTPSource) Fetch(ctx context.Context, pair Pair) (oracle.Price, error) {
	sym := s.symbol(pair)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, expand(s.url, pair, sym, url.QueryEscape), nil)
	if err != nil {
		return 0, Permanent(fmt.Errorf("feeder: source %s: %w", s.name, err))
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range s.headers {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("feeder: source %s: %w", s.name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return 0, fmt.Errorf("feeder: source %s: reading response: %w", s.name, err)
	}
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("feeder: source %s: HTTP %s", s.name, resp.Status)
		if resp.StatusCode >= 400 && resp.StatusCode < 500 &&
			resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests {
			return 0, Permanent(err)
		}
		return 0, err
	}
	if len(body) > maxBody {
		return 0, fmt.Errorf("feeder: source %s: %w: response larger than %d bytes", s.name, ErrBadPayload, maxBody)
	}
	p, err := priceFromJSON(body, expand(s.field, pair, sym, identity), pair.Decimals)
	if err != nil {
		return 0, fmt.Errorf("feeder: source %s: %w", s.name, err)
	}
	return p, nil
}

// FileSource reads a price from a local file, written by another process:
// a JSON document with a field selected by a dot path, or, without a field,
// a plain file holding one decimal number.
type FileSource struct {
	name  string
	path  string
	field string
}

// NewFileSource returns a file source. path and field may use the {pair},
// {base}, {quote} and {symbol} placeholders ({symbol} is Base+Quote).
func NewFileSource(name, path, field string) (*FileSource, error) {
	if path == "" {
		return nil, fmt.Errorf("feeder: source %q: file source needs a path", name)
	}
	return &FileSource{name: name, path: path, field: field}, nil
}

// Name implements [Source].
func (s *FileSource) Name() string { return s.name }

// Fetch implements [Source].
func (s *FileSource) Fetch(ctx context.Context, pair Pair) (oracle.Price, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	sym := pair.Base + pair.Quote
	path := expand(s.path, pair, sym, identity)
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("feeder: source %s: %w", s.name, err)
	}
	defer f.Close()
	body, err := io.ReadAll(io.LimitReader(f, maxBody+1))
	if err != nil {
		return 0, fmt.Errorf("feeder: source %s: %w", s.name, err)
	}
	if len(body) > maxBody {
		return 0, fmt.Errorf("feeder: source %s: %w: %s is larger than %d bytes", s.name, ErrBadPayload, path, maxBody)
	}
	var p oracle.Price
	if s.field != "" {
		p, err = priceFromJSON(body, expand(s.field, pair, sym, identity), pair.Decimals)
	} else {
		p, err = ParsePrice(string(body), pair.Decimals)
	}
	if err != nil {
		return 0, fmt.Errorf("feeder: source %s: %s: %w", s.name, path, err)
	}
	return p, nil
}

// SimSource is a simulated market: for each pair, a random walk with
// occasional jumps, quoted with optional per-source noise. It is
// deterministic: the n-th Fetch of a pair returns the same price in every run
// with the same configuration, whatever the other pairs do. Two sources with
// the same seed follow the same market (the same walk) and differ only by
// their noise, which is seeded from the source name; sources with different
// seeds drift apart. It exists for demos, local networks and tests.
type SimSource struct {
	name         string
	seed         uint64
	start        map[string]decimal.Decimal
	volBps       int
	jumpPerMille int
	jumpBps      int
	noiseBps     int

	mu    sync.Mutex
	walks map[string]*walk
}

type walk struct {
	market *rand.Rand // drives the walk: seeded by (seed, pair)
	noise  *rand.Rand // drives the quote noise: seeded by (name, pair)
	price  decimal.Decimal
}

// SimSourceConfig configures a [SimSource].
type SimSourceConfig struct {
	// Name of the source.
	Name string
	// Seed of the market; each pair's walk uses a PCG generator seeded with
	// (Seed, FNV-64a of the pair name).
	Seed uint64
	// Start maps a pair name to its first price; the default is 100.
	Start map[string]decimal.Decimal
	// VolatilityBps is the largest step of the walk, in basis points; each
	// step is uniform in [-VolatilityBps, +VolatilityBps].
	VolatilityBps int
	// JumpPerMille is the chance, in thousandths, that a step adds a jump.
	JumpPerMille int
	// JumpBps is the size of a jump, up or down with equal chance.
	JumpBps int
	// NoiseBps is the largest deviation of this source's quote from the
	// market, uniform in [-NoiseBps, +NoiseBps], drawn from a generator
	// seeded with (FNV-64a of Name, FNV-64a of the pair name).
	NoiseBps int
}

func fnv64(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64()
}

// NewSimSource returns a simulated source.
func NewSimSource(c SimSourceConfig) (*SimSource, error) {
	if c.VolatilityBps < 0 || c.JumpBps < 0 || c.VolatilityBps+c.JumpBps > 9000 {
		return nil, fmt.Errorf("feeder: source %q: volatility_bps and jump_bps must be non-negative and add up to at most 9000", c.Name)
	}
	if c.JumpPerMille < 0 || c.JumpPerMille > 1000 {
		return nil, fmt.Errorf("feeder: source %q: jump_per_mille %d must be in [0, 1000]", c.Name, c.JumpPerMille)
	}
	if c.NoiseBps < 0 || c.NoiseBps > 1000 {
		return nil, fmt.Errorf("feeder: source %q: noise_bps %d must be in [0, 1000]", c.Name, c.NoiseBps)
	}
	for pair, p := range c.Start {
		if p.Sign() <= 0 {
			return nil, fmt.Errorf("feeder: source %q: start price of %s must be positive", c.Name, pair)
		}
	}
	return &SimSource{
		name: c.Name, seed: c.Seed, start: c.Start, volBps: c.VolatilityBps,
		jumpPerMille: c.JumpPerMille, jumpBps: c.JumpBps, noiseBps: c.NoiseBps, walks: map[string]*walk{},
	}, nil
}

// Name implements [Source].
func (s *SimSource) Name() string { return s.name }

// scaleBps returns d * (1 + bps/10000), kept to MaxDecimals decimals.
func scaleBps(d decimal.Decimal, bps int) decimal.Decimal {
	return d.Mul(decimal.New(int64(oracle.BpsDenominator+bps), -4)).Round(MaxDecimals)
}

// Fetch implements [Source]: the first call returns the start price (plus
// noise), each later call one more step of the walk. The walk never goes
// below one unit of the pair's last decimal.
func (s *SimSource) Fetch(ctx context.Context, pair Pair) (oracle.Price, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.walks[pair.Name]
	if !ok {
		start, ok := s.start[pair.Name]
		if !ok {
			start = decimal.NewFromInt(100)
		}
		w = &walk{
			market: rand.New(rand.NewPCG(s.seed, fnv64(pair.Name))),
			noise:  rand.New(rand.NewPCG(fnv64(s.name), fnv64(pair.Name))),
			price:  start,
		}
		s.walks[pair.Name] = w
	} else {
		bps := 0
		if s.volBps > 0 {
			bps = w.market.IntN(2*s.volBps+1) - s.volBps
		}
		if s.jumpPerMille > 0 && w.market.IntN(1000) < s.jumpPerMille {
			if w.market.IntN(2) == 0 {
				bps -= s.jumpBps
			} else {
				bps += s.jumpBps
			}
		}
		w.price = scaleBps(w.price, bps)
		if unit := decimal.New(1, -int32(pair.Decimals)); w.price.LessThan(unit) {
			w.price = unit
		}
	}
	quote := w.price
	if s.noiseBps > 0 {
		quote = scaleBps(quote, w.noise.IntN(2*s.noiseBps+1)-s.noiseBps)
	}
	p, err := ToFixed(quote, pair.Decimals)
	if err != nil {
		return 0, fmt.Errorf("feeder: source %s: %w", s.name, err)
	}
	return p, nil
}
