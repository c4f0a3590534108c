package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/clearchain/clearchain/oracle/feeder"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a running
// command and the reads of the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func run(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	var out, errb syncBuffer
	cmd := newRootCmd(&out, &errb)
	cmd.SetArgs(args)
	err = cmd.ExecuteContext(ctx)
	return out.String(), errb.String(), err
}

func TestInitConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "feeder.yaml")
	if _, _, err := run(t.Context(), "init-config", "--out", path); err != nil {
		t.Fatal(err)
	}
	if _, err := feeder.LoadConfig(path); err != nil {
		t.Fatalf("the sample does not load: %v", err)
	}
	if _, _, err := run(t.Context(), "init-config", "--out", path); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("overwrote without --force: %v", err)
	}
	if _, _, err := run(t.Context(), "init-config", "--out", path, "--force"); err != nil {
		t.Fatalf("--force: %v", err)
	}
	out, _, err := run(t.Context(), "init-config", "--out", "-")
	if err != nil || out != feeder.SampleConfig {
		t.Fatalf("--out -: %v\n%s", err, out)
	}
}

func TestCommandErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("pairs: []\nsources: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"start"}, "--config is required"},
		{[]string{"start", "--config", filepath.Join(dir, "missing.yaml")}, "no such file"},
		{[]string{"start", "--config", bad}, "no sources"},
		{[]string{"start", "--config", bad, "--log-level", "loud"}, "--log-level"},
		{[]string{"start", "--bogus"}, "unknown flag"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"prices", "--output", "xml"}, "--output"},
		{[]string{"prices", "--timeout", "0s"}, "--timeout"},
	} {
		_, _, err := run(t.Context(), tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want it to contain %q", tc.args, err, tc.want)
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// pricedPairs returns the pairs the prices table lists with a price.
func pricedPairs(out string) map[string]bool {
	priced := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[1] != "-" {
			priced[f[0]] = true
		}
	}
	return priced
}

func TestStartServesPricesAndMetrics(t *testing.T) {
	grpcAddr, metricsAddr := freeAddr(t), freeAddr(t)
	cfg := strings.NewReplacer(
		"listen_addr: 127.0.0.1:9191", "listen_addr: "+grpcAddr,
		"metrics_addr: 127.0.0.1:9192", "metrics_addr: "+metricsAddr,
		"poll_interval: 5s", "poll_interval: 200ms",
	).Replace(feeder.SampleConfig)
	path := filepath.Join(t.TempDir(), "feeder.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var logs syncBuffer
	done := make(chan error, 1)
	go func() {
		cmd := newRootCmd(&syncBuffer{}, &logs)
		cmd.SetArgs([]string{"start", "--config", path})
		done <- cmd.ExecuteContext(ctx)
	}()

	var out string
	deadline := time.Now().Add(10 * time.Second)
	for {
		var err error
		out, _, err = run(t.Context(), "prices", "--addr", grpcAddr, "--timeout", "500ms")
		// Both pairs listed with a price: before the first poll of a source
		// completes, a pair is listed with "-".
		if err == nil && pricedPairs(out)["ATOM/USD"] && pricedPairs(out)["GREEN/USD"] {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no prices after 10s: %v\n%s\nlogs:\n%s", err, out, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Decimals are formatted per pair: 8 for ATOM/USD, 6 for GREEN/USD.
	for _, line := range strings.Split(out, "\n") {
		fields := strings.Fields(line)
		if len(fields) < 2 {
			continue
		}
		want := map[string]int{"ATOM/USD": 8, "GREEN/USD": 6}[fields[0]]
		if want == 0 {
			continue
		}
		if _, frac, _ := strings.Cut(fields[1], "."); len(frac) != want {
			t.Errorf("%s printed as %s, want %d decimals", fields[0], fields[1], want)
		}
	}
	jsonOut, _, err := run(t.Context(), "prices", "--addr", grpcAddr, "-o", "json")
	if err != nil || !strings.Contains(jsonOut, `"mantissa"`) {
		t.Fatalf("json output: %v\n%s", err, jsonOut)
	}
	resp, err := httpGet("http://" + metricsAddr + "/metrics")
	if err != nil || !strings.Contains(resp, `clearchain_feeder_price_available{pair="ATOM/USD"} 1`) {
		t.Fatalf("metrics: %v\n%.2000s", err, resp)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("start returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("start did not stop within 10s of cancellation")
	}
	for _, want := range []string{"serving prices over gRPC", "serving metrics", "msg=round", "stopped"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
}

func TestStartFailsOnABusyPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	cfg := strings.Replace(feeder.SampleConfig, "listen_addr: 127.0.0.1:9191", "listen_addr: "+l.Addr().String(), 1)
	path := filepath.Join(t.TempDir(), "feeder.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = run(t.Context(), "start", "--config", path)
	if err == nil || !strings.Contains(err.Error(), "listen_addr") {
		t.Fatalf("err = %v", err)
	}
}

func TestPricesAgainstADownFeeder(t *testing.T) {
	_, _, err := run(t.Context(), "prices", "--addr", freeAddr(t), "--timeout", "300ms")
	if err == nil || !strings.Contains(err.Error(), "querying the feeder") {
		t.Fatalf("err = %v", err)
	}
}

func httpGet(url string) (string, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		return "", err
	}
	if resp.StatusCode != 200 {
		return b.String(), fmt.Errorf("HTTP %s", resp.Status)
	}
	return b.String(), nil
}
