package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/spf13/cobra"
)

// newRootCmd builds the command tree, writing output to stdout and logs to
// stderr.
func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	var logLevel, logFormat string
	root := &cobra.Command{
		Use:           "clear-feeder",
		Short:         "ClearChain price-feeder sidecar",
		Long:          "clear-feeder polls price sources, publishes the prices that enough sources agree on,\nand serves them to its validator node over local gRPC. See docs/oracle-feeder.md.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn or error")
	root.PersistentFlags().StringVar(&logFormat, "log-format", "text", "log format: text or json")
	root.SetOut(stdout)
	root.SetErr(stderr)

	logger := func() (*slog.Logger, error) {
		var level slog.Level
		if err := level.UnmarshalText([]byte(logLevel)); err != nil {
			return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", logLevel)
		}
		opts := &slog.HandlerOptions{Level: level}
		switch strings.ToLower(logFormat) {
		case "text":
			return slog.New(slog.NewTextHandler(stderr, opts)), nil
		case "json":
			return slog.New(slog.NewJSONHandler(stderr, opts)), nil
		}
		return nil, fmt.Errorf("--log-format %q: want text or json", logFormat)
	}
	root.AddCommand(newStartCmd(logger), newInitConfigCmd(logger), newPricesCmd())
	return root
}
