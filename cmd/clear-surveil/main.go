// Command clear-surveil is ClearChain's live market surveillance: it follows
// a node block by block (CometBFT RPC block_results, and /block where a tx
// was refused: the attempts the chain refused are read too), runs the
// surveillance package's detectors over the venue's events, keeps the
// alerts in a Pebble store that survives restarts (resuming from its last
// height), and serves a small read-only web page for auditors on loopback
// (alerts, evidence, per-entity timelines). See docs/surveillance.md.
//
//	clear-surveil --node http://127.0.0.1:26657 --home ~/.clear-surveil --listen 127.0.0.1:8095
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/clearchain/clearchain/surveillance"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
}

func newRootCmd() *cobra.Command {
	var (
		node, home, listen, paramsFile string
		from, every                    int64
		poll                           time.Duration
		once, nodeEntities             bool
	)
	cmd := &cobra.Command{
		Use:   "clear-surveil",
		Short: "Follow a ClearChain node and raise market-abuse alerts for auditors",
		Long: `clear-surveil follows a ClearChain node block by block through its CometBFT RPC
(block_results), runs the market-surveillance detectors (wash trades, collusive
rings, spoofing and layering, quote stuffing, marking the close, momentum
ignition, green-credit integrity) over the venue's events and over the txs the
chain refused (read from /block at the heights with a failed tx: an attempted
double issuance, a move of retired credits, a second claim), and keeps their
alerts in a Pebble store under --home. After a restart it resumes from the last
stored height (re-reading the blocks the detectors look back over first).

It serves a read-only page for auditors on --listen (loopback only): / lists the
alerts, /alert?id= shows one alert's evidence, /entity?id= an entity's timeline,
/api/alerts the alerts as JSON (?detector=, ?entity=, ?limit=).

Alerts are cases for review, not findings; thresholds are in --params (JSON,
surveillance.Params; defaults documented in surveillance/README.md).`,
		Example: `  clear-surveil --node http://127.0.0.1:26657 --home ./surveil --listen 127.0.0.1:8095
  clear-surveil --once --node http://127.0.0.1:26657 --home ./surveil   # catch up, then exit`,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p := surveillance.DefaultParams()
			if paramsFile != "" {
				bz, err := os.ReadFile(paramsFile)
				if err != nil {
					return fmt.Errorf("clear-surveil: --params: %w", err)
				}
				if err := json.Unmarshal(bz, &p); err != nil {
					return fmt.Errorf("clear-surveil: --params %s: %w", paramsFile, err)
				}
			}
			if from < 1 {
				return fmt.Errorf("clear-surveil: --from-height %d: must be at least 1", from)
			}
			if listen != "" {
				if err := checkLoopback(listen); err != nil {
					return err
				}
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			src, err := newRPCSource(node, log)
			if err != nil {
				return err
			}
			if nodeEntities {
				parents, err := src.entityParents(cmd.Context())
				if err != nil {
					return err
				}
				if p.Parents == nil {
					p.Parents = map[uint64]uint64{}
				}
				for id, parent := range parents {
					if _, set := p.Parents[id]; !set {
						p.Parents[id] = parent
					}
				}
				log.Info("ownership from the node", "entities", len(parents))
			}
			if err := os.MkdirAll(home, 0o700); err != nil {
				return fmt.Errorf("clear-surveil: --home: %w", err)
			}
			st, err := openStore(filepath.Join(home, "alerts.db"))
			if err != nil {
				return err
			}
			defer st.Close()
			var height atomic.Int64
			h0, err := st.height()
			if err != nil {
				return err
			}
			height.Store(h0)
			f := &follower{src: src, st: st, eng: surveillance.New(p), log: log, from: from, poll: poll, every: every,
				warmup: int64(p.MaxWindow()), onCommit: func(h int64) { height.Store(h) }}
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			var srv *http.Server
			if listen != "" {
				ln, err := net.Listen("tcp", listen)
				if err != nil {
					return fmt.Errorf("clear-surveil: --listen: %w", err)
				}
				srv = &http.Server{Handler: (&web{st: st, height: height.Load}).routes(), ReadHeaderTimeout: 5 * time.Second}
				go func() {
					if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
						log.Error("web server", "err", err)
						cancel()
					}
				}()
				log.Info("auditor page", "url", "http://"+ln.Addr().String()+"/")
			}
			err = f.run(ctx, once)
			if srv != nil {
				sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
				_ = srv.Shutdown(sctx)
				scancel()
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&node, "node", "http://127.0.0.1:26657", "the node's CometBFT RPC address")
	fl.StringVar(&home, "home", filepath.Join(os.Getenv("HOME"), ".clear-surveil"), "directory of the alert store (Pebble)")
	fl.StringVar(&listen, "listen", "127.0.0.1:8095", "loopback address of the auditor page (empty: no page)")
	fl.StringVar(&paramsFile, "params", "", "JSON file with detector thresholds (surveillance.Params); default: surveillance.DefaultParams")
	fl.Int64Var(&from, "from-height", 1, "first height to read when the store is empty")
	fl.Int64Var(&every, "log-every", 100, "log progress every this many blocks")
	fl.DurationVar(&poll, "poll", time.Second, "how often to ask the node for new blocks")
	fl.BoolVar(&once, "once", false, "exit once caught up with the node's latest height")
	fl.BoolVar(&nodeEntities, "entities-from-node", true, "read every entity's parent from the node's compliance module at start (entities registered at genesis emit no events); --params parents win")
	return cmd
}
