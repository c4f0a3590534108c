package cmd

import (
	"os"
	rtdebug "runtime/debug"

	"github.com/spf13/cast"
	"github.com/spf13/cobra"

	servertypes "github.com/cosmos/cosmos-sdk/server/types"

	"github.com/CosmWasm/wasmd/x/wasm"
)

// FlagGOGC is `cleard start --gogc`: the Go garbage collector's target
// percentage for the node.
const FlagGOGC = "gogc"

// DefaultGOGC is the node's GC target (Go's default is 100). The node
// allocates ~0.5 MB per batched order tx it checks and delivers, most of it
// short-lived; under load the GC used 11–12% of its CPU. At 10,000 orders/s
// offered, GOGC=200 cut the node's CPU per committed order by ~17%
// (docs/benchmarks.md, "Node levers, stop 22"), for a heap that peaks
// about twice as high.
const DefaultGOGC = 200

// addStartFlags adds the start command's flags: wasm's, and --gogc.
func addStartFlags(cmd *cobra.Command) {
	wasm.AddModuleInitFlags(cmd)
	cmd.Flags().Int(FlagGOGC, DefaultGOGC,
		"the Go GC target percentage of the node (debug.SetGCPercent); the GOGC environment variable, if set, wins; 0 leaves Go's default")
}

// applyGOGC sets the node's GC target from --gogc, unless GOGC is set in
// the environment (the runtime already applied it) or the flag is absent
// (commands other than start) or 0.
func applyGOGC(appOpts servertypes.AppOptions) {
	if os.Getenv("GOGC") != "" {
		return
	}
	v := appOpts.Get(FlagGOGC)
	if v == nil {
		return
	}
	if n := cast.ToInt(v); n > 0 {
		rtdebug.SetGCPercent(n)
	}
}
