package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/clearchain/clearchain/oracle/feeder"
)

// shutdownGrace bounds the graceful stop of the servers.
const shutdownGrace = 5 * time.Second

func newStartCmd(logger func() (*slog.Logger, error)) *cobra.Command {
	var configPath string
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the feeder: poll sources, serve prices over gRPC and metrics over HTTP",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := logger()
			if err != nil {
				return err
			}
			if configPath == "" {
				return errors.New("--config is required (write a sample with: clear-feeder init-config)")
			}
			cfg, err := feeder.LoadConfig(configPath)
			if err != nil {
				return err
			}
			return start(cmd.Context(), cfg, log)
		},
	}
	cmd.Flags().StringVar(&configPath, "config", "", "path of the YAML configuration file (required)")
	return cmd
}

// start runs the feeder until ctx is done, then stops the servers.
func start(ctx context.Context, cfg feeder.Config, log *slog.Logger) error {
	metrics := feeder.NewMetrics()
	f, err := feeder.New(cfg, feeder.Options{Metrics: metrics, Logger: log})
	if err != nil {
		return err
	}
	lis, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("gRPC listen_addr: %w", err)
	}
	grpcServer := feeder.NewGRPCServer(f)
	errc := make(chan error, 2)
	go func() { errc <- grpcServer.Serve(lis) }()
	log.Info("serving prices over gRPC", "addr", lis.Addr().String(), "method", feeder.PricesMethod)

	var metricsServer *http.Server
	if cfg.MetricsAddr != "" {
		mlis, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			grpcServer.Stop()
			return fmt.Errorf("metrics_addr: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", metrics.Handler())
		metricsServer = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go func() { errc <- metricsServer.Serve(mlis) }()
		log.Info("serving metrics", "url", "http://"+mlis.Addr().String()+"/metrics")
	}

	log.Info("polling", "pairs", len(cfg.Pairs), "sources", len(cfg.Sources), "interval", cfg.PollInterval)
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	runDone := make(chan struct{})
	go func() {
		_ = f.Run(runCtx)
		close(runDone)
	}()

	var serveErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case serveErr = <-errc:
		log.Error("server stopped", "err", serveErr)
	}
	cancel()
	<-runDone

	stopped := make(chan struct{})
	go func() { grpcServer.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(shutdownGrace):
		grpcServer.Stop()
	}
	if metricsServer != nil {
		sctx, scancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer scancel()
		_ = metricsServer.Shutdown(sctx)
	}
	if serveErr != nil {
		return fmt.Errorf("serving: %w", serveErr)
	}
	log.Info("stopped")
	return nil
}
