// Command clear-envelope is an alias of `cleard envelope` (package envcli):
// it makes buyer keys and seals and opens the dataset keys of the
// data-asset contract, without the node's dependencies.
package main

import (
	"os"

	"github.com/clearchain/clearchain/contracts-wasm/envelope/envcli"
)

func main() {
	if err := envcli.NewCommand("clear-envelope").Execute(); err != nil {
		os.Exit(1)
	}
}
