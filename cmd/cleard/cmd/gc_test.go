package cmd

import (
	rtdebug "runtime/debug"
	"testing"

	"github.com/spf13/cobra"
)

type gcOpts map[string]any

func (o gcOpts) Get(k string) any { return o[k] }

// TestStartSetsGOGC: the start command has --gogc (default DefaultGOGC);
// its value becomes the GC target unless GOGC is set in the environment.
func TestStartSetsGOGC(t *testing.T) {
	defer rtdebug.SetGCPercent(rtdebug.SetGCPercent(100))
	cmd := &cobra.Command{Use: "start"}
	addStartFlags(cmd)
	f := cmd.Flags().Lookup(FlagGOGC)
	if f == nil || f.DefValue != "200" {
		t.Fatalf("start has no --%s with default %d: %v", FlagGOGC, DefaultGOGC, f)
	}

	t.Setenv("GOGC", "")
	applyGOGC(gcOpts{FlagGOGC: 300})
	if got := rtdebug.SetGCPercent(100); got != 300 {
		t.Fatalf("GC percent %d after --gogc 300", got)
	}
	applyGOGC(gcOpts{}) // not the start command
	if got := rtdebug.SetGCPercent(100); got != 100 {
		t.Fatalf("GC percent %d without the flag, want unchanged 100", got)
	}
	t.Setenv("GOGC", "150")
	applyGOGC(gcOpts{FlagGOGC: 300})
	if got := rtdebug.SetGCPercent(100); got != 100 {
		t.Fatalf("GC percent %d with GOGC set in the environment, want the runtime's (unchanged 100)", got)
	}
}
