package keeper_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"testing"
)

// blockProfiles counts the profiles blockProfile wrote, for unique names.
var blockProfiles atomic.Int64

// blockProfile starts a CPU profile of one timed block when the environment
// variable BENCH_BLOCK_PROFILE names a directory, and returns the function
// that stops it (a no-op otherwise). Unlike go test -cpuprofile, which also
// samples the untimed set-up (placing the resting book), the profiles hold
// only the timed EndBlocks; pprof merges several:
//
//	BENCH_BLOCK_PROFILE=/tmp/p go test ./x/exchange/keeper -run '^$' -bench 'EndBlock$' -benchtime 3x
//	go tool pprof -top /tmp/p/BenchmarkEndBlock_orders=10000-*.pprof
//
// Beside each, NAME.allocs0 and NAME.allocs1 are the allocation profiles
// before and after the block: the block's allocations are
//
//	go tool pprof -sample_index=alloc_space -diff_base NAME.allocs0 NAME.allocs1
func blockProfile(b testing.TB, name string) (stop func()) {
	dir := os.Getenv("BENCH_BLOCK_PROFILE")
	if dir == "" {
		return func() {}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%03d.pprof", strings.ReplaceAll(name, "/", "_"), blockProfiles.Add(1)))
	heap := func(suffix string) { // allocations so far: diff the two with -diff_base
		runtime.GC() // the allocs profile is as of the last GC
		f, err := os.Create(path + suffix)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
			b.Fatal(err)
		}
	}
	heap(".allocs0")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	// 1 kHz instead of pprof's 100 Hz: a block is tens of milliseconds.
	// (The runtime warns on stderr that the rate is already set; it keeps
	// this one.)
	runtime.SetCPUProfileRate(1000)
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		heap(".allocs1")
	}
}
