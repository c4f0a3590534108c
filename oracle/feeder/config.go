package feeder

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v2"
)

// Config is the feeder's configuration file (YAML). See
// docs/oracle-feeder.md for the reference and [SampleConfig] for an example.
type Config struct {
	// ListenAddr is the gRPC address the node connects to. Keep it on
	// loopback: the service has no authentication.
	ListenAddr string `yaml:"listen_addr"`
	// MetricsAddr is the Prometheus /metrics HTTP address; empty disables it.
	MetricsAddr string `yaml:"metrics_addr"`
	// PollInterval is the time between polling rounds; a round is also
	// bounded by it.
	PollInterval time.Duration `yaml:"poll_interval"`
	// Timeout is the default deadline of one fetch attempt.
	Timeout time.Duration `yaml:"timeout"`
	// Retries is the default number of retries after a failed attempt.
	Retries int `yaml:"retries"`
	// RetryBackoff is the pause before the first retry; it doubles with each
	// retry, up to 10 times the value.
	RetryBackoff time.Duration `yaml:"retry_backoff"`
	// MaxConcurrency bounds the fetches in flight at once.
	MaxConcurrency int `yaml:"max_concurrency"`
	// Sources are the price sources, referenced by name from the pairs.
	Sources []SourceConfig `yaml:"sources"`
	// Pairs are the pairs to price.
	Pairs []PairConfig `yaml:"pairs"`
}

// SourceConfig is one source of the configuration file.
type SourceConfig struct {
	// Name is how pairs refer to the source.
	Name string `yaml:"name"`
	// Type is "http", "file" or "simulated".
	Type string `yaml:"type"`
	// Timeout overrides Config.Timeout for this source.
	Timeout time.Duration `yaml:"timeout,omitempty"`
	// Retries overrides Config.Retries for this source.
	Retries *int `yaml:"retries,omitempty"`

	// URL (http) is the endpoint, with {pair}, {base}, {quote}, {symbol}.
	URL string `yaml:"url,omitempty"`
	// Field (http, file) is the dot path of the price in the JSON document.
	Field string `yaml:"field,omitempty"`
	// Headers (http) are added to every request.
	Headers map[string]string `yaml:"headers,omitempty"`
	// Symbols (http) maps pair names to the source's symbols.
	Symbols map[string]string `yaml:"symbols,omitempty"`

	// Path (file) is the file to read, with the same placeholders.
	Path string `yaml:"path,omitempty"`

	// Seed (simulated) seeds the random walks.
	Seed uint64 `yaml:"seed,omitempty"`
	// Start (simulated) maps pair names to start prices (decimal strings).
	Start map[string]string `yaml:"start,omitempty"`
	// VolatilityBps (simulated) is the largest step of the walk.
	VolatilityBps int `yaml:"volatility_bps,omitempty"`
	// JumpPerMille (simulated) is the chance of a jump at each step.
	JumpPerMille int `yaml:"jump_per_mille,omitempty"`
	// JumpBps (simulated) is the size of a jump.
	JumpBps int `yaml:"jump_bps,omitempty"`
	// NoiseBps (simulated) is this source's quote noise around the market.
	NoiseBps int `yaml:"noise_bps,omitempty"`
}

// PairConfig is one pair of the configuration file.
type PairConfig struct {
	// Pair is "BASE/QUOTE".
	Pair string `yaml:"pair"`
	// Decimals of the fixed-point price; must match the feed on chain.
	Decimals uint8 `yaml:"decimals"`
	// Sources are the names of the sources to poll for this pair.
	Sources []string `yaml:"sources"`
	// MinSources is how many sources must agree for a price to be published.
	MinSources int `yaml:"min_sources"`
	// MaxSpreadBps is how far, in basis points, a source may be from the
	// median of all sources and still count as agreeing.
	MaxSpreadBps uint64 `yaml:"max_spread_bps"`
}

// Defaults applied by [LoadConfig] and [ParseConfig] to fields left empty.
const (
	DefaultListenAddr     = "127.0.0.1:9191"
	DefaultPollInterval   = 5 * time.Second
	DefaultTimeout        = 2 * time.Second
	DefaultRetryBackoff   = 200 * time.Millisecond
	DefaultMaxConcurrency = 16
)

// LoadConfig reads, parses and validates a configuration file.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("feeder: config: %w", err)
	}
	c, err := ParseConfig(b)
	if err != nil {
		return Config{}, fmt.Errorf("%w (in %s)", err, path)
	}
	return c, nil
}

// ParseConfig parses and validates a YAML configuration. Unknown keys are
// errors, so that a misspelt option is not silently ignored.
func ParseConfig(b []byte) (Config, error) {
	var c Config
	if err := yaml.UnmarshalStrict(b, &c); err != nil {
		return Config{}, fmt.Errorf("feeder: config: %w", err)
	}
	c.applyDefaults()
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

func (c *Config) applyDefaults() {
	if c.ListenAddr == "" {
		c.ListenAddr = DefaultListenAddr
	}
	if c.PollInterval == 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.RetryBackoff == 0 {
		c.RetryBackoff = DefaultRetryBackoff
	}
	if c.MaxConcurrency == 0 {
		c.MaxConcurrency = DefaultMaxConcurrency
	}
}

// Validate reports every problem of the configuration at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if _, _, err := net.SplitHostPort(c.ListenAddr); err != nil {
		bad("listen_addr %q: %v", c.ListenAddr, err)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			bad("metrics_addr %q: %v", c.MetricsAddr, err)
		}
	}
	if c.PollInterval < 100*time.Millisecond {
		bad("poll_interval %s: at least 100ms", c.PollInterval)
	}
	if c.Timeout <= 0 {
		bad("timeout %s: must be positive", c.Timeout)
	}
	if c.Retries < 0 || c.Retries > 10 {
		bad("retries %d: must be in [0, 10]", c.Retries)
	}
	if c.RetryBackoff < 0 {
		bad("retry_backoff %s: must not be negative", c.RetryBackoff)
	}
	if c.MaxConcurrency < 1 {
		bad("max_concurrency %d: at least 1", c.MaxConcurrency)
	}
	if len(c.Sources) == 0 {
		bad("no sources")
	}
	if len(c.Pairs) == 0 {
		bad("no pairs")
	}
	sources := map[string]bool{}
	for i, s := range c.Sources {
		where := fmt.Sprintf("sources[%d] %q", i, s.Name)
		if s.Name == "" {
			bad("sources[%d]: missing name", i)
		} else if sources[s.Name] {
			bad("%s: duplicate name", where)
		}
		sources[s.Name] = true
		if s.Timeout < 0 {
			bad("%s: timeout %s must not be negative", where, s.Timeout)
		}
		if s.Retries != nil && (*s.Retries < 0 || *s.Retries > 10) {
			bad("%s: retries %d: must be in [0, 10]", where, *s.Retries)
		}
		if _, err := buildSource(s); err != nil {
			bad("%s: %v", where, strings.TrimPrefix(err.Error(), "feeder: "))
		}
	}
	pairs := map[string]bool{}
	for i, p := range c.Pairs {
		where := fmt.Sprintf("pairs[%d] %q", i, p.Pair)
		if _, err := ParsePair(p.Pair, p.Decimals); err != nil {
			bad("%s: %v", where, strings.TrimPrefix(err.Error(), "feeder: "))
		}
		if pairs[p.Pair] {
			bad("%s: duplicate pair", where)
		}
		pairs[p.Pair] = true
		if len(p.Sources) == 0 {
			bad("%s: no sources", where)
		}
		seen := map[string]bool{}
		for _, name := range p.Sources {
			if !sources[name] {
				bad("%s: unknown source %q", where, name)
			}
			if seen[name] {
				bad("%s: source %q listed twice", where, name)
			}
			seen[name] = true
		}
		if p.MinSources < 1 || p.MinSources > len(p.Sources) {
			bad("%s: min_sources %d: must be in [1, %d] (the number of its sources)", where, p.MinSources, len(p.Sources))
		}
		if p.MaxSpreadBps == 0 || p.MaxSpreadBps > 10_000 {
			bad("%s: max_spread_bps %d: must be in [1, 10000]", where, p.MaxSpreadBps)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("feeder: invalid config:\n  %w", joinIndented(errs))
	}
	return nil
}

// joinIndented joins errors one per line, for a readable config report.
func joinIndented(errs []error) error {
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return errors.New(strings.Join(msgs, "\n  "))
}

// BuildSources constructs the configured sources, by name.
func (c Config) BuildSources() (map[string]Source, error) {
	out := make(map[string]Source, len(c.Sources))
	for _, sc := range c.Sources {
		s, err := buildSource(sc)
		if err != nil {
			return nil, err
		}
		out[sc.Name] = s
	}
	return out, nil
}

func buildSource(sc SourceConfig) (Source, error) {
	switch sc.Type {
	case "http":
		if sc.Path != "" || sc.Seed != 0 || len(sc.Start) > 0 {
			return nil, fmt.Errorf("feeder: http source takes url, field, headers, symbols")
		}
		return NewHTTPSource(HTTPSourceConfig{Name: sc.Name, URL: sc.URL, Field: sc.Field, Headers: sc.Headers, Symbols: sc.Symbols})
	case "file":
		if sc.URL != "" || sc.Seed != 0 || len(sc.Start) > 0 {
			return nil, fmt.Errorf("feeder: file source takes path and field")
		}
		return NewFileSource(sc.Name, sc.Path, sc.Field)
	case "simulated":
		if sc.URL != "" || sc.Path != "" || sc.Field != "" {
			return nil, fmt.Errorf("feeder: simulated source takes seed, start, volatility_bps, jump_per_mille, jump_bps, noise_bps")
		}
		start := make(map[string]decimal.Decimal, len(sc.Start))
		for pair, s := range sc.Start {
			d, err := decimal.NewFromString(s)
			if err != nil {
				return nil, fmt.Errorf("feeder: start price of %s: %q is not a decimal number", pair, s)
			}
			start[pair] = d
		}
		return NewSimSource(SimSourceConfig{Name: sc.Name, Seed: sc.Seed, Start: start,
			VolatilityBps: sc.VolatilityBps, JumpPerMille: sc.JumpPerMille, JumpBps: sc.JumpBps, NoiseBps: sc.NoiseBps})
	case "":
		return nil, fmt.Errorf("feeder: missing type (http, file or simulated)")
	}
	return nil, fmt.Errorf("feeder: unknown type %q (http, file or simulated)", sc.Type)
}

// SampleConfig is the configuration written by `clear-feeder init-config`:
// two simulated sources per pair, so that the feeder runs anywhere, and
// commented examples of the other source types.
const SampleConfig = `# clear-feeder configuration. Reference: docs/oracle-feeder.md
# gRPC address the node's ExtendVote queries (keep it on loopback).
listen_addr: 127.0.0.1:9191
# Prometheus metrics at http://<metrics_addr>/metrics ("" disables).
metrics_addr: 127.0.0.1:9192
# Time between polling rounds; a round never runs longer.
poll_interval: 5s
# Per-attempt deadline, retries after a failure, first backoff (doubles).
timeout: 2s
retries: 2
retry_backoff: 200ms
max_concurrency: 16

sources:
  # Simulated venues: a seeded random walk with occasional jumps. Sources
  # with the same seed quote the same market, each with its own noise.
  - name: sim-a
    type: simulated
    seed: 1
    start: {"ATOM/USD": "10.00", "GREEN/USD": "42.50"}
    volatility_bps: 10
    jump_per_mille: 5
    jump_bps: 300
    noise_bps: 5
  - name: sim-b
    type: simulated
    seed: 1
    start: {"ATOM/USD": "10.00", "GREEN/USD": "42.50"}
    volatility_bps: 10
    jump_per_mille: 5
    jump_bps: 300
    noise_bps: 5
  # An HTTP JSON endpoint; {symbol}, {base}, {quote}, {pair} are replaced.
  # - name: exchange-x
  #   type: http
  #   url: https://api.exchange-x.example/v1/ticker?symbol={symbol}
  #   field: data.price          # or result.0.last for arrays
  #   symbols: {"ATOM/USD": "ATOMUSDT"}
  #   headers: {"X-Api-Key": "..."}
  #   timeout: 1s
  # A file written by another process: JSON with a field, or a plain number.
  # - name: local-file
  #   type: file
  #   path: /var/lib/clear-feeder/{base}-{quote}.json
  #   field: price

pairs:
  - pair: ATOM/USD
    decimals: 8
    sources: [sim-a, sim-b]
    min_sources: 2
    max_spread_bps: 100
  - pair: GREEN/USD
    decimals: 6
    sources: [sim-a, sim-b]
    min_sources: 2
    max_spread_bps: 100
`
