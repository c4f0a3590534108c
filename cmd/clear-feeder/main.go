// Command clear-feeder is ClearChain's price-feeder sidecar. Each validator
// runs one next to its node: it polls price sources, publishes the prices
// that enough sources agree on, and serves them to the node over local gRPC
// for its vote extensions. See docs/oracle-feeder.md.
//
//	clear-feeder init-config --out feeder.yaml
//	clear-feeder start --config feeder.yaml
//	clear-feeder prices --addr 127.0.0.1:9191
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd(os.Stdout, os.Stderr).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}
