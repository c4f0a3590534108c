package simulation

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
)

// BlockMetrics are one block's measurements. Prices are in ticks,
// quantities in lots; no floats anywhere (bps are integers).
type BlockMetrics struct {
	Height        int64  `json:"height"`
	Time          string `json:"time"`
	Fundamental   int64  `json:"fundamental"`
	Oracle        int64  `json:"oracle"` // 0: no fresh price
	LastPrice     int64  `json:"last_price"`
	VWAP          int64  `json:"vwap"` // 0: no trade this block
	High          int64  `json:"high"`
	Low           int64  `json:"low"`
	Volume        uint64 `json:"volume"`
	Notional      uint64 `json:"notional"`
	Fills         int    `json:"fills"`
	BestBid       int64  `json:"best_bid"`
	BestAsk       int64  `json:"best_ask"`
	SpreadBps     int64  `json:"spread_bps"` // -1: one side empty
	BidDepth      uint64 `json:"bid_depth"`
	AskDepth      uint64 `json:"ask_depth"`
	VolatilityBps int64  `json:"volatility_bps"`
	Txs           int    `json:"txs"`
	TxFailed      int    `json:"tx_failed"`
	Placed        int    `json:"placed"`
	Cancelled     int    `json:"cancelled"`
	// Refusals by reason: failed txs ("tx <codespace>: <error>"), orders
	// rejected in EndBlock ("rejected <reason>") and orders cut by the
	// exchange ("cancelled <reason>": band, self-trade, sweeps).
	Refusals    map[string]int `json:"refusals"`
	Status      string         `json:"status"`
	Halted      bool           `json:"halted"`
	HaltEvents  int            `json:"halt_events"`
	BandCuts    int            `json:"band_cuts"`
	Invariants  string         `json:"invariants"` // "ok" or the broken ones
	Alerts      int            `json:"alerts"`
	OracleVotes string         `json:"-"`
}

// Summary is the run's totals.
type Summary struct {
	// MarketID is the market the cast traded.
	MarketID          uint64         `json:"market_id"`
	Blocks            int            `json:"blocks"`
	Volume            uint64         `json:"volume"`
	Notional          uint64         `json:"notional"`
	Fills             int            `json:"fills"`
	Txs               int            `json:"txs"`
	TxFailed          int            `json:"tx_failed"`
	MeanSpreadBps     int64          `json:"mean_spread_bps"`
	MaxSpreadBps      int64          `json:"max_spread_bps"`
	OneSidedBlocks    int            `json:"one_sided_blocks"`
	MeanBidDepth      uint64         `json:"mean_bid_depth"`
	MeanAskDepth      uint64         `json:"mean_ask_depth"`
	MaxVolatilityBps  int64          `json:"max_volatility_bps"`
	HaltedBlocks      int            `json:"halted_blocks"`
	HaltEvents        int            `json:"halt_events"`
	BandCuts          int            `json:"band_cuts"`
	StaleOracleBlocks int            `json:"stale_oracle_blocks"`
	MaxDeviationBps   int64          `json:"max_trade_vs_fundamental_bps"`
	MinPrice          int64          `json:"min_trade_price"`
	MaxPrice          int64          `json:"max_trade_price"`
	Refusals          map[string]int `json:"refusals"`
	InvariantsOK      bool           `json:"invariants_ok"`
	BrokenInvariants  []string       `json:"broken_invariants,omitempty"`
	Alerts            int            `json:"alerts"`
	// LicencesBought: data buyers' buy_licence calls that succeeded.
	LicencesBought int `json:"licences_bought,omitempty"`
}

type metrics struct {
	s       *Scenario
	blocks  []BlockMetrics
	returns []int64 // per block, bps of the last price
	lastP   int64
}

func newMetrics(s *Scenario) *metrics { return &metrics{s: s} }

func (m *metrics) add(h int64, t time.Time, v *view, r *abci.ResponseFinalizeBlock, txs []*abci.ExecTxResult,
	events []abci.Event, broken []string, alerts int,
) {
	b := BlockMetrics{Height: h, Time: t.UTC().Format(time.RFC3339), Fundamental: v.fundamental, Oracle: v.oracle,
		LastPrice: v.last, BestBid: v.bestBid(), BestAsk: v.bestAsk(), SpreadBps: -1,
		BidDepth: v.depth(v.bids, m.s.Metrics.DepthBps, true), AskDepth: v.depth(v.asks, m.s.Metrics.DepthBps, false),
		Refusals: map[string]int{}, Status: strings.TrimPrefix(v.status.String(), "MARKET_STATUS_"),
		Halted: v.halted(), Invariants: "ok", Alerts: alerts, Txs: len(txs)}
	if b.BestBid > 0 && b.BestAsk > 0 {
		b.SpreadBps = (b.BestAsk - b.BestBid) * 10_000 / ((b.BestAsk + b.BestBid) / 2)
	}
	if len(broken) > 0 {
		b.Invariants = strings.Join(broken, "; ")
	}
	for _, tr := range txs {
		if tr.Code != 0 {
			b.TxFailed++
			b.Refusals["tx "+txReason(tr)]++
		}
	}
	var notional uint64
	for _, ev := range events {
		switch ev.Type {
		case "exchange_fill":
			p, _ := attrInt(ev, "price")
			q, _ := attrUint(ev, "qty")
			b.Fills++
			b.Volume += q
			notional += uint64(p) * q
			if b.High == 0 || p > b.High {
				b.High = p
			}
			if b.Low == 0 || p < b.Low {
				b.Low = p
			}
		case "clearchain.exchange.v1.EventOrderPlaced":
			b.Placed++
		case "clearchain.exchange.v1.EventOrderCancelled":
			reason := attrStr(ev, "reason")
			switch reason {
			case "cancelled", "mass-cancel", "replaced", "reduced", "unfilled":
				b.Cancelled++
			default:
				b.Refusals["cancelled "+reason]++
				if reason == "band" {
					b.BandCuts++
				}
			}
		case "clearchain.exchange.v1.EventOrderRejected":
			b.Refusals["rejected "+attrStr(ev, "reason")]++
		case "clearchain.exchange.v1.EventMarketHalted":
			b.HaltEvents++
		}
	}
	b.Notional = notional
	if b.Volume > 0 {
		b.VWAP = int64(notional / b.Volume)
	}
	// Realised volatility of the last price over the window.
	if m.lastP > 0 && v.last > 0 {
		m.returns = append(m.returns, (v.last-m.lastP)*10_000/m.lastP)
	} else {
		m.returns = append(m.returns, 0)
	}
	if v.last > 0 {
		m.lastP = v.last
	}
	w := m.s.Metrics.VolWindow
	rs := m.returns[max(0, len(m.returns)-w):]
	b.VolatilityBps = stdev(rs)
	m.blocks = append(m.blocks, b)
}

// stdev is the integer standard deviation of xs.
func stdev(xs []int64) int64 {
	if len(xs) < 2 {
		return 0
	}
	var sum, sq int64
	for _, x := range xs {
		sum += x
		sq += x * x
	}
	n := int64(len(xs))
	varn := (sq*n - sum*sum) / (n * n)
	return isqrt(varn)
}

func isqrt(x int64) int64 {
	if x <= 0 {
		return 0
	}
	r := int64(1)
	for r*r <= x {
		r *= 2
	}
	lo, hi := r/2, r
	for lo < hi-1 {
		mid := (lo + hi) / 2
		if mid*mid <= x {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo
}

func (m *metrics) summary() Summary {
	s := Summary{Blocks: len(m.blocks), Refusals: map[string]int{}, InvariantsOK: true}
	var spreadSum int64
	var spreadN int64
	var bidSum, askSum uint64
	for _, b := range m.blocks {
		s.Volume += b.Volume
		s.Notional += b.Notional
		s.Fills += b.Fills
		s.Txs += b.Txs
		s.TxFailed += b.TxFailed
		if b.SpreadBps >= 0 {
			spreadSum += b.SpreadBps
			spreadN++
			s.MaxSpreadBps = max(s.MaxSpreadBps, b.SpreadBps)
		} else {
			s.OneSidedBlocks++
		}
		bidSum += b.BidDepth
		askSum += b.AskDepth
		s.MaxVolatilityBps = max(s.MaxVolatilityBps, b.VolatilityBps)
		if b.Halted {
			s.HaltedBlocks++
		}
		s.HaltEvents += b.HaltEvents
		s.BandCuts += b.BandCuts
		if b.Oracle == 0 {
			s.StaleOracleBlocks++
		}
		if b.Fills > 0 && b.Fundamental > 0 {
			for _, p := range []int64{b.High, b.Low} {
				d := (p - b.Fundamental) * 10_000 / b.Fundamental
				s.MaxDeviationBps = max(s.MaxDeviationBps, d, -d)
			}
			if s.MinPrice == 0 || b.Low < s.MinPrice {
				s.MinPrice = b.Low
			}
			s.MaxPrice = max(s.MaxPrice, b.High)
		}
		for k, n := range b.Refusals {
			s.Refusals[k] += n
		}
		if b.Invariants != "ok" {
			s.InvariantsOK = false
			if !slices.Contains(s.BrokenInvariants, b.Invariants) {
				s.BrokenInvariants = append(s.BrokenInvariants, fmt.Sprintf("height %d: %s", b.Height, b.Invariants))
			}
		}
		s.Alerts += b.Alerts
	}
	if spreadN > 0 {
		s.MeanSpreadBps = spreadSum / spreadN
	}
	if n := uint64(len(m.blocks)); n > 0 {
		s.MeanBidDepth, s.MeanAskDepth = bidSum/n, askSum/n
	}
	return s
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// progress draws a bar on w (stderr): at most 100 redraws a run.
type progress struct {
	w     io.Writer
	total int64
	label string
	last  int64
}

func newProgress(w io.Writer, total int64, label string) *progress {
	return &progress{w: w, total: total, label: strings.TrimSpace(label), last: -1}
}

func (p *progress) step(done int64) {
	if p.w == nil || p.total == 0 {
		return
	}
	pct := done * 100 / p.total
	if pct == p.last && done != p.total {
		return
	}
	p.last = pct
	const width = 30
	n := int(done * width / p.total)
	fmt.Fprintf(p.w, "\r%-24.24s [%s%s] %3d%% %d/%d blocks", p.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), pct, done, p.total)
}

func (p *progress) done() {
	if p.w != nil && p.total > 0 {
		fmt.Fprintln(p.w)
	}
}
