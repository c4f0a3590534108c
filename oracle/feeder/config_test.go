package feeder

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSampleConfigIsValid(t *testing.T) {
	c, err := ParseConfig([]byte(SampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != DefaultListenAddr || c.PollInterval != 5*time.Second || len(c.Pairs) != 2 || len(c.Sources) != 2 {
		t.Fatalf("sample config parsed as %+v", c)
	}
	// It runs: both simulated venues agree on both pairs.
	f, err := New(c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		snap := f.Poll(t.Context())
		if len(snap.Prices) != 2 {
			t.Fatalf("round %d: %+v", i, snap)
		}
	}
}

func TestParseConfigDefaults(t *testing.T) {
	c, err := ParseConfig([]byte(`
sources: [{name: s, type: simulated}]
pairs: [{pair: A/B, decimals: 6, sources: [s], min_sources: 1, max_spread_bps: 50}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != DefaultListenAddr || c.Timeout != DefaultTimeout || c.RetryBackoff != DefaultRetryBackoff ||
		c.MaxConcurrency != DefaultMaxConcurrency || c.MetricsAddr != "" {
		t.Fatalf("defaults not applied: %+v", c)
	}
}

func TestParseConfigReportsEveryProblem(t *testing.T) {
	_, err := ParseConfig([]byte(`
listen_addr: nowhere
poll_interval: 1ms
retries: -1
sources:
  - {name: h, type: http, url: "ftp://x"}
  - {name: h, type: carrier-pigeon}
  - {name: f, type: file}
  - {name: s, type: simulated, volatility_bps: 9999}
pairs:
  - {pair: ATOMUSD, decimals: 30, sources: [nope], min_sources: 2, max_spread_bps: 0}
  - {pair: A/B, decimals: 6, sources: [s, s], min_sources: 1, max_spread_bps: 50}
`))
	if err == nil {
		t.Fatal("accepted")
	}
	for _, want := range []string{
		`listen_addr "nowhere"`,
		"poll_interval 1ms",
		"retries -1",
		`sources[0] "h": source "h": url "ftp://x" is not an http(s) URL`,
		`sources[1] "h": duplicate name`,
		`unknown type "carrier-pigeon"`,
		`sources[2] "f": source "f": file source needs a path`,
		`sources[3] "s"`,
		`pairs[0] "ATOMUSD": pair "ATOMUSD" is not BASE/QUOTE`,
		`unknown source "nope"`,
		"min_sources 2: must be in [1, 1]",
		"max_spread_bps 0",
		`source "s" listed twice`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestParseConfigRefusesUnknownKeys(t *testing.T) {
	_, err := ParseConfig([]byte(`
poll_intervall: 5s
sources: [{name: s, type: simulated}]
pairs: [{pair: A/B, decimals: 6, sources: [s], min_sources: 1, max_spread_bps: 50}]
`))
	if err == nil || !strings.Contains(err.Error(), "poll_intervall") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feeder.yaml")
	if err := os.WriteFile(path, []byte(SampleConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path + ".missing"); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("missing file: %v", err)
	}
	if err := os.WriteFile(path, []byte("pairs: [[["), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("bad YAML: %v", err)
	}
}
