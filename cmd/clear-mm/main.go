// Command clear-mm is ClearChain's reference market-maker bot: it follows
// the node's stream (book, its own orders, oracle prices), quotes a ladder
// around the oracle price with a spread and an inventory skew, refreshes it
// with one unordered batch-replace tx every few blocks, keeps the
// exchange's heartbeat dead-man switch armed, logs its progress and
// exposes Prometheus metrics. README.md documents the config file.
//
//	clear-mm init-config --out mm.yaml
//	clear-mm run --config mm.yaml [--blocks N]
package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"
	"gopkg.in/yaml.v2"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/clearchain/clearchain/client"
)

func main() {
	if err := rootCmd().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func rootCmd() *cobra.Command {
	root := &cobra.Command{Use: "clear-mm", Short: "ClearChain's reference market-maker bot", SilenceUsage: true}
	root.AddCommand(initConfigCmd(), runCmd())
	return root
}

func initConfigCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "init-config",
		Short: "Write a config file with the defaults (edit mnemonic, chain_id, market)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bz, err := yaml.Marshal(DefaultConfig())
			if err != nil {
				return err
			}
			if out == "-" {
				_, err = cmd.OutOrStdout().Write(bz)
				return err
			}
			if err := os.WriteFile(out, bz, 0o600); err != nil {
				return fmt.Errorf("clear-mm: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "clear-mm: wrote %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "clear-mm.yaml", `file to write ("-" for standard output)`)
	return cmd
}

func runCmd() *cobra.Command {
	var cfgPath string
	var blocks int64
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Quote the configured market until interrupted (or for --blocks committed blocks)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := LoadConfig(cfgPath)
			if err != nil {
				return err
			}
			return run(cmd.Context(), cfg, blocks)
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "clear-mm.yaml", "config file (YAML; see cmd/clear-mm/README.md)")
	cmd.Flags().Int64Var(&blocks, "blocks", 0, "stop after this many committed blocks (0: run until interrupted)")
	return cmd
}

func loadKey(cfg Config) (cryptotypes.PrivKey, error) {
	if cfg.PrivateKeyHex != "" {
		bz, err := hex.DecodeString(strings.TrimSpace(cfg.PrivateKeyHex))
		if err != nil || len(bz) != 32 {
			return nil, fmt.Errorf("clear-mm: private_key_hex is not a 32-byte hex key")
		}
		return &secp256k1.PrivKey{Key: bz}, nil
	}
	return client.KeyFromMnemonic(strings.TrimSpace(cfg.Mnemonic))
}

func run(parent context.Context, cfg Config, blocks int64) error {
	if parent == nil {
		parent = context.Background()
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	key, err := loadKey(cfg)
	if err != nil {
		return err
	}
	conn, err := client.Dial(cfg.GRPC)
	if err != nil {
		return err
	}
	defer conn.Close()
	probe, err := client.NewSigner(key, cfg.ChainID, 0, cfg.Prefix)
	if err != nil {
		return err
	}
	accNum, err := client.AccountNumber(ctx, conn, probe.Address())
	if err != nil {
		return err
	}
	signer, err := client.NewSigner(key, cfg.ChainID, accNum, cfg.Prefix)
	if err != nil {
		return err
	}
	if cfg.Fees != "" {
		if signer.Fee, err = sdk.ParseCoinsNormalized(cfg.Fees); err != nil {
			return fmt.Errorf("clear-mm: config fees: %w", err)
		}
	}
	reg := prometheus.NewRegistry()
	bot := NewBot(cfg, signer, client.NewBroadcaster(conn), os.Stdout, reg)
	if cfg.MetricsListen != "" {
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		srv := &http.Server{Addr: cfg.MetricsListen, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = srv.ListenAndServe() }()
		defer srv.Close()
		fmt.Printf("clear-mm: metrics on http://%s/metrics\n", cfg.MetricsListen)
	}
	fmt.Printf("clear-mm: %s quoting market %d on %s (chain %s)\n", signer.Address(), cfg.Market, cfg.GRPC, cfg.ChainID)
	go func() { _ = bot.Feed().Run(ctx, client.GRPCDialer(conn), bot.Request()) }()
	var start int64
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			fmt.Println(bot.Summary())
			return nil
		case <-tick.C:
		}
		_, _, h := bot.Feed().Position()
		if h > 0 && start == 0 {
			start = h
		}
		if blocks > 0 && start > 0 && h-start >= blocks {
			fmt.Println(bot.Summary())
			return nil
		}
		if _, err := bot.Step(ctx, time.Now()); err != nil {
			fmt.Fprintf(os.Stderr, "clear-mm: refresh: %v\n", err)
		}
	}
}
