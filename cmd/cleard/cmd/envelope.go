package cmd

import (
	"github.com/spf13/cobra"

	"github.com/clearchain/clearchain/contracts-wasm/envelope/envcli"
)

// envelopeCmd is `cleard envelope keygen|seal|open`: the client side of the
// data-asset contract's key delivery (contracts-wasm/envelope).
func envelopeCmd() *cobra.Command { return envcli.NewCommand("envelope") }
