package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/clearchain/clearchain/oracle/feeder"
)

func newInitConfigCmd(logger func() (*slog.Logger, error)) *cobra.Command {
	var out string
	var force bool
	cmd := &cobra.Command{
		Use:   "init-config",
		Short: "Write a sample configuration that uses simulated sources",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logger()
			if err != nil {
				return err
			}
			if out == "-" {
				_, err := fmt.Fprint(cmd.OutOrStdout(), feeder.SampleConfig)
				return err
			}
			flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
			if force {
				flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
			}
			f, err := os.OpenFile(out, flags, 0o644)
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s already exists (use --force to overwrite)", out)
			}
			if err != nil {
				return err
			}
			if _, err := f.WriteString(feeder.SampleConfig); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			log.Info("wrote sample configuration", "path", out, "next", "clear-feeder start --config "+out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "clear-feeder.yaml", `file to write ("-" for standard output)`)
	cmd.Flags().BoolVar(&force, "force", false, "overwrite an existing file")
	return cmd
}
