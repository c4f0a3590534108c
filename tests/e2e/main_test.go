// Package e2e drives the real cleard binary: it builds it once in TestMain
// and runs it as separate processes (real CometBFT nodes on 127.0.0.1,
// Pebble on disk, no mocks). The tests are skipped with -short
// (make test-unit); make test runs them. Set E2E_CLEARD to use a prebuilt
// binary instead of building one.
package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	// cleardBin is the binary under test; empty in -short mode.
	cleardBin string
	// fakeHome is $HOME of every cleard process, so that nothing the
	// binary writes under ~ (e.g. ~/.cleard/config/client.toml) leaks
	// into the real home.
	fakeHome string
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if testing.Short() {
		return m.Run() // every test skips itself
	}
	dir, err := os.MkdirTemp("", "clearchain-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	fakeHome = filepath.Join(dir, "home")
	if err := os.MkdirAll(fakeHome, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	if cleardBin = os.Getenv("E2E_CLEARD"); cleardBin == "" {
		cleardBin = filepath.Join(dir, "cleard")
		start := time.Now()
		build := exec.Command("go", "build", "-o", cleardBin, "./cmd/cleard")
		build.Dir = filepath.Join("..", "..")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: building cleard:", err)
			return 1
		}
		fmt.Fprintf(os.Stderr, "e2e: built %s in %s\n", cleardBin, time.Since(start).Round(time.Millisecond))
	}
	return m.Run()
}

func needBinary(t *testing.T) {
	t.Helper()
	if testing.Short() || cleardBin == "" {
		t.Skip("e2e: runs the built binary; skipped with -short")
	}
}

// result is what one cleard process did.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout\n%s\n--- stderr\n%s", r.code, r.stdout, r.stderr)
}

// cleard runs the binary with args, to completion or timeout.
func cleard(t *testing.T, timeout time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, cleardBin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "CLEARD_") { // only --home counts
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "HOME="+fakeHome)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.Stdin = strings.NewReader("")
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ctx.Err() != nil {
		t.Fatalf("cleard %s: timed out after %s\n%s", strings.Join(args, " "), timeout, r)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("cleard %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// mustCleard runs cleard and fails the test unless it exits 0.
func mustCleard(t *testing.T, args ...string) string {
	t.Helper()
	r := cleard(t, 60*time.Second, args...)
	if r.code != 0 {
		t.Fatalf("cleard %s: %s", strings.Join(args, " "), r)
	}
	return r.stdout
}

// treeHash maps every path under root to a hash of its type, mode and
// content; a missing root hashes to an empty map.
func treeHash(t *testing.T, root string) map[string]string {
	t.Helper()
	h := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == root {
				return filepath.SkipDir
			}
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		sum := info.Mode().String()
		if info.Mode().IsRegular() {
			bz, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := sha256.Sum256(bz)
			sum += " " + hex.EncodeToString(s[:])
		}
		h[rel] = sum
		return nil
	})
	if err != nil {
		t.Fatalf("hashing %s: %v", root, err)
	}
	return h
}

func diffTrees(before, after map[string]string) []string {
	var d []string
	for p, h := range before {
		switch a, ok := after[p]; {
		case !ok:
			d = append(d, "removed "+p)
		case a != h:
			d = append(d, "changed "+p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			d = append(d, "added "+p)
		}
	}
	return d
}
