package main

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// block is what the tool reads back of one committed block.
type block struct {
	height int64
	time   time.Time
	txs    []blockTx
	fills  []uint64 // taker order ids of its exchange_fill events, in order
	placed int      // orders queued by its successful txs (all senders)
}

type blockTx struct {
	hash   string
	code   uint32
	why    string   // codespace, code and log of a failed tx
	orders []uint64 // ids of the orders it placed
}

type event struct {
	Type       string `json:"type"`
	Attributes []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
	} `json:"attributes"`
}

// readBlock reads block h and its results over CometBFT RPC.
func (c *chain) readBlock(ctx context.Context, h int64) (*block, error) {
	var b struct {
		Block struct {
			Header struct {
				Time time.Time `json:"time"`
			} `json:"header"`
			Data struct {
				Txs []string `json:"txs"`
			} `json:"data"`
		} `json:"block"`
	}
	if err := c.rpcGet(ctx, fmt.Sprintf("/block?height=%d", h), &b); err != nil {
		return nil, err
	}
	var r struct {
		TxsResults []struct {
			Code      uint32  `json:"code"`
			Codespace string  `json:"codespace"`
			Log       string  `json:"log"`
			Events    []event `json:"events"`
		} `json:"txs_results"`
		FinalizeBlockEvents []event `json:"finalize_block_events"`
	}
	if err := c.rpcGet(ctx, fmt.Sprintf("/block_results?height=%d", h), &r); err != nil {
		return nil, err
	}
	if len(r.TxsResults) != len(b.Block.Data.Txs) {
		return nil, fmt.Errorf("block %d: %d txs but %d results", h, len(b.Block.Data.Txs), len(r.TxsResults))
	}
	out := &block{height: h, time: b.Block.Header.Time}
	for i, raw := range b.Block.Data.Txs {
		bz, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			return nil, fmt.Errorf("block %d tx %d: %w", h, i, err)
		}
		sum := sha256.Sum256(bz)
		tx := blockTx{hash: strings.ToUpper(hex.EncodeToString(sum[:])), code: r.TxsResults[i].Code}
		if tx.code != 0 {
			tx.why = fmt.Sprintf("%s code %d: %s", r.TxsResults[i].Codespace, tx.code, r.TxsResults[i].Log)
		}
		if tx.code == 0 {
			for _, e := range r.TxsResults[i].Events {
				if e.Type != "clearchain.exchange.v1.EventOrderPlaced" {
					continue
				}
				for _, a := range e.Attributes {
					if a.Key == "order_id" {
						id, err := strconv.ParseUint(strings.Trim(a.Value, `"`), 10, 64)
						if err != nil {
							return nil, fmt.Errorf("block %d: order_id %q: %w", h, a.Value, err)
						}
						tx.orders = append(tx.orders, id)
					}
				}
			}
			out.placed += len(tx.orders)
		}
		out.txs = append(out.txs, tx)
	}
	for _, e := range r.FinalizeBlockEvents {
		if e.Type != "exchange_fill" {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == "taker_order" {
				if id, err := strconv.ParseUint(a.Value, 10, 64); err == nil {
					out.fills = append(out.fills, id)
				}
			}
		}
	}
	return out, nil
}

// fifo models x/exchange's per-block budget: EndBlock runs the commands
// carried over from earlier blocks first, then the block's own queue, up
// to max commands; the rest is carried over in order. The load sends only
// places, so each placed order is one command.
type fifo struct {
	max   int
	queue []uint64
}

// block feeds one block's placed orders and returns the orders EndBlock
// processed in that block, in order.
func (f *fifo) block(placed []uint64) []uint64 {
	f.queue = append(f.queue, placed...)
	n := min(f.max, len(f.queue))
	done := slices.Clone(f.queue[:n])
	f.queue = f.queue[n:]
	return done
}

// percentile returns the p-th percentile (0..100, nearest rank) of xs.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(p/100*float64(len(s))+0.999999) - 1
	return s[max(0, min(i, len(s)-1))]
}

// cpuSample is one committed height as the tool saw it: when, the node's
// CPU seconds then, and how many load txs that height committed.
type cpuSample struct {
	at        time.Time
	cpu       float64
	committed int
}

// cpuWindow is the node's CPU per committed load tx over one window of the
// load.
type cpuWindow struct {
	from, to  time.Time
	cpu       float64 // seconds
	committed int
}

// perTx is the window's CPU per committed tx in milliseconds (0: none).
func (w cpuWindow) perTx() float64 {
	if w.committed == 0 {
		return 0
	}
	return w.cpu * 1000 / float64(w.committed)
}

// cpuWindows returns the first and the last window of width w of the load
// (samples in height order, from the height before the load's first block
// to its last): the CPU between the last sample before a window and its
// last sample, over the txs the window's heights committed. ok is false
// when the samples span less than two windows (they would overlap).
func cpuWindows(samples []cpuSample, w time.Duration) (first, last cpuWindow, ok bool) {
	if len(samples) < 3 || samples[len(samples)-1].at.Sub(samples[0].at) < 2*w {
		return first, last, false
	}
	window := func(from, to time.Time) cpuWindow {
		out := cpuWindow{from: from, to: to}
		base, end := -1, -1
		for i, s := range samples {
			if s.at.Before(from) || s.at.Equal(from) {
				base = i
				continue
			}
			if s.at.After(to) {
				break
			}
			end = i
			out.committed += s.committed
		}
		if base >= 0 && end > base {
			out.cpu = samples[end].cpu - samples[base].cpu
		}
		return out
	}
	t0, t1 := samples[0].at, samples[len(samples)-1].at
	return window(t0, t0.Add(w)), window(t1.Add(-w), t1), true
}

// writeBlocks writes one tab-separated line per block to path (clear-load
// run --blocks-out): where a run's slow blocks and late orders are.
func writeBlocks(path string, blocks []*block, txs []*loadTx, txH map[*loadTx]int64,
	orderTx map[uint64]*loadTx, procH map[uint64]int64, hc *heightClock, start time.Time) error {
	ours := map[int64]int{}
	for _, tx := range txs {
		if h := txH[tx]; h > 0 {
			ours[h]++
		}
	}
	late := map[int64]int{} // by the block holding the order's tx
	for id, tx := range orderTx {
		if h, ok := procH[id]; ok && h-tx.subH > 2 {
			late[txH[tx]]++
		}
	}
	var b strings.Builder
	b.WriteString("height\tseen_ms\tinterval_ms\ttxs\tplaced\trun_txs\tlate_orders\tnode_cpu_ms\n")
	for i, bl := range blocks {
		seen, cpu, _ := hc.at(bl.height)
		var interval, dcpu float64
		if i > 0 {
			interval = float64(bl.time.Sub(blocks[i-1].time).Microseconds()) / 1000
			if _, c0, ok := hc.at(blocks[i-1].height); ok && c0 > 0 && cpu > 0 {
				dcpu = (cpu - c0) * 1000
			}
		}
		fmt.Fprintf(&b, "%d\t%d\t%.0f\t%d\t%d\t%d\t%d\t%.0f\n", bl.height, seen.Sub(start).Milliseconds(), interval,
			len(bl.txs), bl.placed, ours[bl.height], late[bl.height], dcpu)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
