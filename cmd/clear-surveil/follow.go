package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"

	"github.com/clearchain/clearchain/surveillance"
	"github.com/clearchain/clearchain/surveillance/txdecode"
)

// blockData is what the engine reads of one block: its time, its events
// (its successful txs' events, then the block's own) and its refused txs
// (those that failed in DeliverTx), decoded.
type blockData struct {
	time    time.Time
	events  []abci.Event
	refused []surveillance.RefusedTx
}

// source gives a block's data and the chain's latest height.
type source interface {
	Latest(ctx context.Context) (int64, error)
	Block(ctx context.Context, h int64) (blockData, error)
}

// rpcSource reads a node's CometBFT RPC: header and block_results, and
// /block for a height with a refused tx (its raw txs, decoded by
// surveillance/txdecode).
type rpcSource struct {
	c   *rpchttp.HTTP
	dec *txdecode.Codec
	log *slog.Logger
}

func newRPCSource(addr string, log *slog.Logger) (*rpcSource, error) {
	c, err := rpchttp.New(addr, "/websocket")
	if err != nil {
		return nil, fmt.Errorf("clear-surveil: node RPC %s: %w", addr, err)
	}
	dec, err := txdecode.New()
	if err != nil {
		return nil, err
	}
	return &rpcSource{c: c, dec: dec, log: log}, nil
}

func (s *rpcSource) Latest(ctx context.Context) (int64, error) {
	st, err := s.c.Status(ctx)
	if err != nil {
		return 0, err
	}
	return st.SyncInfo.LatestBlockHeight, nil
}

func (s *rpcSource) Block(ctx context.Context, h int64) (blockData, error) {
	hdr, err := s.c.Header(ctx, &h)
	if err != nil {
		return blockData{}, fmt.Errorf("header %d: %w", h, err)
	}
	br, err := s.c.BlockResults(ctx, &h)
	if err != nil {
		return blockData{}, fmt.Errorf("block_results %d: %w", h, err)
	}
	d := blockData{time: hdr.Header.Time}
	refused := false
	for _, tx := range br.TxsResults {
		if tx != nil && tx.Code == 0 {
			d.events = append(d.events, tx.Events...)
		} else if tx != nil {
			refused = true
		}
	}
	d.events = append(d.events, br.FinalizeBlockEvents...)
	if !refused {
		return d, nil
	}
	// A refused tx leaves no message events: read the block's raw txs.
	blk, err := s.c.Block(ctx, &h)
	if err != nil {
		return blockData{}, fmt.Errorf("block %d: %w", h, err)
	}
	txs := make([][]byte, len(blk.Block.Data.Txs))
	for i, tx := range blk.Block.Data.Txs {
		txs[i] = tx
	}
	var errs []error
	d.refused, errs = s.dec.Failed(h, txs, br.TxsResults)
	for _, e := range errs {
		// Bytes that are no tx (an injected vote-extension tx).
		s.log.Debug("skipping undecodable refused tx", "height", h, "err", e)
	}
	return d, nil
}

// follower runs the engine over the chain and stores its alerts.
type follower struct {
	src      source
	st       *store
	eng      *surveillance.Engine
	log      *slog.Logger
	from     int64 // first height when the store is empty
	poll     time.Duration
	every    int64 // progress log interval (blocks)
	warmup   int64 // blocks re-read before the resume height to rebuild detector state
	onCommit func(h int64)
}

// run follows the chain until ctx ends (or, with once, until it has caught
// up with the latest height).
func (f *follower) run(ctx context.Context, once bool) error {
	last, err := f.st.height()
	if err != nil {
		return err
	}
	next := f.from
	if last > 0 {
		next = last + 1
		// The detectors look back: re-read the blocks before the resume
		// height (their alerts are already stored) to rebuild their state.
		w := max(next-f.warmup, f.from, 1)
		f.log.Info("resuming", "stored_height", last, "rebuilding_from", w)
		for h := w; h < next; h++ {
			d, err := f.src.Block(ctx, h)
			if err != nil {
				return fmt.Errorf("clear-surveil: warm-up at height %d: %w", h, err)
			}
			f.eng.ProcessBlockTxs(h, d.time, d.events, d.refused)
		}
	} else {
		f.log.Info("starting", "from_height", next)
	}
	var alerts int
	for {
		latest, err := f.src.Latest(ctx)
		if err != nil {
			f.log.Warn("node unreachable; retrying", "err", err)
		}
		start := next
		for ; err == nil && next <= latest; next++ {
			d, berr := f.src.Block(ctx, next)
			if berr != nil {
				f.log.Warn("reading block; retrying", "height", next, "err", berr)
				break
			}
			out := f.eng.ProcessBlockTxs(next, d.time, d.events, d.refused)
			if cerr := f.st.commit(next, out); cerr != nil {
				return fmt.Errorf("clear-surveil: storing height %d: %w", next, cerr)
			}
			for _, a := range out {
				alerts++
				f.log.Info("ALERT", "id", a.ID, "market", a.Market, "entities", a.Entities, "evidence", a.Evidence)
			}
			if f.onCommit != nil {
				f.onCommit(next)
			}
			if f.every > 0 && (next%f.every == 0 || next == latest) {
				f.log.Info("progress", "height", next, "latest", latest, "behind", latest-next,
					"blocks_this_round", next-start+1, "alerts_total", alerts)
			}
		}
		if once && err == nil && next > latest {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(f.poll):
		}
	}
}
